// `download_fail=N` and `download_cut=N` script the first content downloads of a video: N answers 500, then N
// transfers cut mid-body, then good ones. Downloads are counted per video, every variant together, so a worker that
// retries its finalize step eventually gets the whole asset, as after a real CDN hiccup.
import { BoundedMap } from '../memory/bounded-map.ts';
import { EmulatedFailure } from './create-faults.ts';
import type { FaultDirectives } from './fault-directives.ts';

const VIDEOS_REMEMBERED = 100_000;

/** What this download does: answer 500, send a cut body, or succeed. */
export type DownloadFault = 'fail' | 'cut' | null;

export class DownloadFaultCounter {
  readonly #downloads = new BoundedMap<string, number>(VIDEOS_REMEMBERED);

  /** Counts a download of `videoId` and throws the 500 its directives script for it; else says whether to cut it. */
  countDownload(videoId: string, directives: FaultDirectives): Exclude<DownloadFault, 'fail'> {
    const failing = directives.download_fail ?? 0;
    const cut = directives.download_cut ?? 0;
    if (failing + cut === 0) return null;

    const attempt = (this.#downloads.get(videoId) ?? 0) + 1;
    this.#downloads.set(videoId, attempt);
    if (attempt <= failing) throw downloadFailure();
    return attempt <= failing + cut ? 'cut' : null;
  }

  forget(videoId: string): void {
    this.#downloads.delete(videoId);
  }
}

function downloadFailure(): EmulatedFailure {
  const message = 'The server had an error while processing your request. Sorry about that! (emulated: [[emulator:download_fail]])';
  return new EmulatedFailure(500, { error: { message, type: 'server_error', param: null, code: null } });
}
