// Local-disk storage: each object is a file plus a small JSON sidecar with its content type.
// Writes go to a temporary file that is renamed into place, so a reader never sees half an object.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StorageNotFoundError, type ByteRange, type ObjectStat, type SignedUrlOptions, type Storage, type StoredObject } from './storage.ts';

export interface LocalStorageOptions {
  root: string;
  /** Base of signed URLs, e.g. http://localhost:3000/storage. */
  publicBaseUrl: string;
  signingSecret: string;
}

export class LocalStorage implements Storage {
  private readonly root: string;
  private readonly opts: LocalStorageOptions;

  constructor(opts: LocalStorageOptions) {
    this.opts = opts;
    this.root = resolve(opts.root);
  }

  async put(key: string, body: Readable | AsyncIterable<Uint8Array>, contentType: string): Promise<StoredObject> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    const temp = `${path}.${randomBytes(6).toString('hex')}.partial`;
    const hash = createHash('sha256');
    let bytes = 0;
    const measure = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        bytes += chunk.length;
        done(null, chunk);
      },
    });
    try {
      await pipeline(body, measure, createWriteStream(temp));
      await writeFile(`${temp}.meta`, JSON.stringify({ contentType }));
      await rename(`${temp}.meta`, `${path}.meta`);
      await rename(temp, path);
    } catch (error) {
      await rm(temp, { force: true });
      await rm(`${temp}.meta`, { force: true });
      throw error;
    }
    return { bytes, sha256: hash.digest('hex') };
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    const path = this.pathOf(key);
    if (!(await this.stat(key))) throw new StorageNotFoundError(key);
    return createReadStream(path, range ? { start: range.start, end: range.end } : {});
  }

  async stat(key: string): Promise<ObjectStat | null> {
    const path = this.pathOf(key);
    try {
      const [info, meta] = await Promise.all([stat(path), readFile(`${path}.meta`, 'utf8')]);
      return { bytes: info.size, contentType: (JSON.parse(meta) as { contentType: string }).contentType };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    const path = this.pathOf(key);
    await rm(path, { force: true });
    await rm(`${path}.meta`, { force: true });
  }

  async signedUrl(key: string, { expiresInSeconds }: SignedUrlOptions): Promise<string> {
    const expires = Math.floor(Date.now() / 1000) + expiresInSeconds;
    const signature = signStorageKey(this.opts.signingSecret, key, expires);
    return `${this.opts.publicBaseUrl}/${key}?expires=${expires}&signature=${signature}`;
  }

  /** Keys are relative paths; one that climbs out of the root is refused. */
  private pathOf(key: string): string {
    const path = resolve(join(this.root, key));
    if (!path.startsWith(this.root + sep)) throw new Error(`Storage key escapes the root: '${key}'`);
    return path;
  }
}

export function signStorageKey(secret: string, key: string, expires: number): string {
  return createHmac('sha256', secret).update(`${key}\n${expires}`).digest('base64url');
}
