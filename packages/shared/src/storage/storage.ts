// Where video assets live. Shaped like S3 (put a stream, get a stream or a byte range, delete, sign a URL)
// so the S3 driver is a drop-in; local disk is the default driver.
import type { Readable } from 'node:stream';

export interface StoredObject {
  bytes: number;
  /** Hex sha256 of the bytes, computed while they stream in. */
  sha256: string;
}

export interface ByteRange {
  /** Inclusive. */
  start: number;
  /** Inclusive. */
  end: number;
}

export interface ObjectStat {
  bytes: number;
  contentType: string;
}

export interface Storage {
  put(key: string, body: Readable | AsyncIterable<Uint8Array>, contentType: string): Promise<StoredObject>;
  get(key: string, range?: ByteRange): Promise<Readable>;
  stat(key: string): Promise<ObjectStat | null>;
  /** Removing a missing key is not an error: deletes are retried. */
  delete(key: string): Promise<void>;
  /**
   * A URL that serves the object (whole or by Range) to anyone holding it, until it expires: a presigned GET
   * for S3, an HMAC-signed `/files/...` URL served by the API for local disk. `downloadName` asks the server
   * to answer with `Content-Disposition: attachment`.
   */
  signedUrl(key: string, opts: SignedUrlOptions): Promise<string>;
  /** Releases what the driver holds (the S3 client's keep-alive sockets) when its process stops. */
  close?(): Promise<void>;
}

export interface SignedUrlOptions {
  expiresInSeconds: number;
  downloadName?: string;
  /**
   * Where clients reach the API (PUBLIC_BASE_URL, else the request's origin): the local driver's `/files/...`
   * URLs start with it (without it they are root-relative). S3's presigned URLs point at the bucket and ignore it.
   */
  baseUrl?: string;
}

export class StorageNotFoundError extends Error {
  readonly key: string;

  constructor(key: string) {
    super(`No stored object at '${key}'`);
    this.key = key;
  }
}

export function assetKey(videoId: string, variant: string): string {
  return `videos/${videoId}/${variant}`;
}
