// The status-read phase: GET /v1/videos/{id} of one finished video, by its owner, under autocannon.
import type { BenchUser } from './bench-user.ts';
import { runHttpLoad, type HttpLoadFigures } from './http-load.ts';
import type { ServiceStack } from './service-stack.ts';

export async function measureStatusRead(stack: ServiceStack, owner: BenchUser): Promise<HttpLoadFigures> {
  const video = await stack.db.selectFrom('videos').select('id').where('userId', '=', owner.id).where('status', '=', 'completed')
    .limit(1).executeTakeFirst();
  if (!video) throw new Error('no completed video to read: run the end-to-end phase first');
  const url = `${stack.apiOrigin}/v1/videos/${video.id}`;
  const headers = { authorization: `Bearer ${owner.apiKey}` };
  const probe = await fetch(url, { headers });
  if (!probe.ok) throw new Error(`GET ${url} answered ${probe.status} before the load`);
  return runHttpLoad({ url, headers });
}
