// Local-disk storage: each object is a file plus a small JSON sidecar with its content type.
// Writes go to a temporary file that is renamed into place, so a reader never sees half an object.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat, writeFile, type FileHandle } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { measuringStream } from './measuring-stream.ts';
import { StorageNotFoundError, type ByteRange, type ObjectStat, type SignedUrlOptions, type Storage, type StoredObject } from './storage.ts';

export interface LocalStorageOptions {
  root: string;
  /** Signs the `/files/...` URLs the API serves for this driver (STORAGE_SIGNING_SECRET). */
  signingSecret: string;
}

/** Where the API serves the local driver's signed URLs: `/files/<key>?expires=…&signature=…`. */
export const SIGNED_FILES_PATH = '/files';

/** What a signed URL vouches for: the key, until when, and the name a download is saved under. */
export interface SignedFileClaim {
  key: string;
  /** Unix seconds; the URL answers until then (exclusive). */
  expires: number;
  downloadName?: string | undefined;
}

export type SignedFileVerdict = 'valid' | 'invalid_signature' | 'expired';

/** An HMAC-SHA256 in base64url, unpadded: exactly 43 characters. */
const SIGNATURE_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export class LocalStorage implements Storage {
  private readonly root: string;
  private readonly opts: LocalStorageOptions;
  /**
   * The folders being made now: a video's variants are stored at once into one new folder, and one mkdir serves
   * those that find it missing together. Nothing is kept once it is made: a folder removed later is made again.
   */
  private readonly folderMakes = new Map<string, Promise<unknown>>();

  constructor(opts: LocalStorageOptions) {
    this.opts = opts;
    this.root = resolve(opts.root);
  }

  async put(key: string, body: Readable | AsyncIterable<Uint8Array>, contentType: string): Promise<StoredObject> {
    const path = this.pathOf(key);
    const temp = `${path}.${randomBytes(6).toString('hex')}.partial`;
    const file = await this.openTemp(temp);
    const { stream: measure, measured } = measuringStream();
    try {
      await pipeline(body, measure, file.createWriteStream());
      await writeFile(`${temp}.meta`, JSON.stringify({ contentType }));
      await rename(`${temp}.meta`, `${path}.meta`);
      await rename(temp, path);
    } catch (error) {
      await rm(temp, { force: true });
      await rm(`${temp}.meta`, { force: true });
      throw error;
    }
    return measured();
  }

  /** Opening the file is the existence check: a put renames the `.meta` into place before the object, so an object never lacks one. */
  async get(key: string, range?: ByteRange): Promise<Readable> {
    const path = this.pathOf(key);
    let file;
    try {
      file = await open(path, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new StorageNotFoundError(key);
      throw error;
    }
    return file.createReadStream(range ? { start: range.start, end: range.end } : {});
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

  async signedUrl(key: string, { expiresInSeconds, downloadName, baseUrl = '' }: SignedUrlOptions): Promise<string> {
    const claim: SignedFileClaim = { key, expires: Math.floor(Date.now() / 1000) + expiresInSeconds, downloadName };
    const query = new URLSearchParams({ expires: String(claim.expires) });
    if (downloadName !== undefined) query.set('download', downloadName);
    query.set('signature', signFileClaim(this.opts.signingSecret, claim));
    const path = key.split('/').map(encodeURIComponent).join('/');
    return `${baseUrl.replace(/\/+$/, '')}${SIGNED_FILES_PATH}/${path}?${query}`;
  }

  /**
   * The signature is checked before the expiry, so a forged URL learns nothing from the answer, and compared
   * in constant time (as text: two base64url spellings of one digest are not both accepted).
   */
  checkSignedFile(claim: SignedFileClaim, signature: string, nowSeconds = Math.floor(Date.now() / 1000)): SignedFileVerdict {
    if (!SIGNATURE_SHAPE.test(signature)) return 'invalid_signature';
    const expected = Buffer.from(signFileClaim(this.opts.signingSecret, claim));
    if (!timingSafeEqual(expected, Buffer.from(signature))) return 'invalid_signature';
    return claim.expires > nowSeconds ? 'valid' : 'expired';
  }

  /** The folder is made only when the open finds it missing: a video's first variant makes it, the others find it. */
  private async openTemp(temp: string): Promise<FileHandle> {
    try {
      return await open(temp, 'w');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    await this.makeFolder(dirname(temp));
    return open(temp, 'w');
  }

  private async makeFolder(folder: string): Promise<void> {
    let making = this.folderMakes.get(folder);
    if (!making) {
      making = mkdir(folder, { recursive: true }).finally(() => this.folderMakes.delete(folder));
      this.folderMakes.set(folder, making);
    }
    await making;
  }

  /** Keys are relative paths; one that climbs out of the root is refused. */
  private pathOf(key: string): string {
    const path = resolve(join(this.root, key));
    if (!path.startsWith(this.root + sep)) throw new Error(`Storage key escapes the root: '${key}'`);
    return path;
  }
}

/** A JSON array as the signed text, so no key or name can be spelled to look like another claim. */
function signFileClaim(secret: string, claim: SignedFileClaim): string {
  const text = JSON.stringify(['files-v1', claim.key, claim.expires, claim.downloadName ?? null]);
  return createHmac('sha256', secret).update(text).digest('base64url');
}
