// S3 storage: AWS S3 or any S3-compatible server (SeaweedFS, Garage, fauxqs in tests). Uploads stream through
// lib-storage's Upload in 5 MiB parts with at most QUEUE_SIZE parts in flight, so memory stays bounded however
// long the stream; an object becomes visible only when its upload completes (one PutObject, or
// CompleteMultipartUpload), so a reader never sees half an object, and a failed upload is aborted.
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, S3Client, S3ServiceException, type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { create as contentDisposition } from 'content-disposition';
import { measuringStream } from './measuring-stream.ts';
import { StorageNotFoundError, type ByteRange, type ObjectStat, type SignedUrlOptions, type Storage, type StoredObject } from './storage.ts';

/**
 * S3's minimum part size (5 MiB), one part in flight: about two parts (10 MiB) buffered per upload at most, the
 * least lib-storage allows. More in flight did not raise throughput to the test server and held more memory.
 */
const PART_SIZE_BYTES = 5 * 1024 * 1024;
const QUEUE_SIZE = 1;

export type S3Checksums = 'when_supported' | 'when_required';

export interface S3StorageOptions {
  bucket: string;
  region: string;
  /** An S3-compatible server's URL; unset for AWS S3. */
  endpoint?: string | undefined;
  /**
   * The endpoint as clients reach it, when this process reaches the server by an internal name (compose's
   * http://seaweedfs:8333): presigned URLs are signed for it, since SigV4 signs the host. Unset: `endpoint`.
   */
  publicEndpoint?: string | undefined;
  forcePathStyle: boolean;
  /** Prepended to every key: empty, or path segments ending in `/`. */
  prefix: string;
  /**
   * `when_supported`: the SDK's CRC32 on every upload (stream bodies then go as aws-chunked with a trailing
   * checksum, which several S3-compatible servers refuse). `when_required`: only where an operation demands one.
   */
  checksums: S3Checksums;
  /** Only tests pass these; deployments use the SDK's default chain (env, shared config, web identity, instance roles). */
  credentials?: S3ClientConfig['credentials'];
}

export function defaultS3Checksums(endpoint: string | undefined): S3Checksums {
  return endpoint === undefined ? 'when_supported' : 'when_required';
}

export class S3Storage implements Storage {
  private readonly opts: S3StorageOptions;
  private readonly client: S3Client;
  /**
   * Presigning always uses checksums WHEN_REQUIRED: with WHEN_SUPPORTED the presigner bakes checksum parameters
   * (`x-amz-checksum-mode`, or an empty body's CRC32 for a PUT) into the URL, which servers then refuse.
   */
  private readonly presigner: S3Client;

  constructor(opts: S3StorageOptions) {
    this.opts = opts;
    const base: S3ClientConfig = {
      region: opts.region,
      forcePathStyle: opts.forcePathStyle,
      ...(opts.endpoint !== undefined ? { endpoint: opts.endpoint } : {}),
      ...(opts.credentials !== undefined ? { credentials: opts.credentials } : {}),
    };
    const checksums = opts.checksums === 'when_supported' ? 'WHEN_SUPPORTED' : 'WHEN_REQUIRED';
    this.client = new S3Client({ ...base, requestChecksumCalculation: checksums, responseChecksumValidation: checksums });
    const presignEndpoint = opts.publicEndpoint ?? opts.endpoint;
    this.presigner = new S3Client({
      ...base,
      ...(presignEndpoint !== undefined ? { endpoint: presignEndpoint } : {}),
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  async put(key: string, body: Readable | AsyncIterable<Uint8Array>, contentType: string): Promise<StoredObject> {
    const objectKey = this.objectKey(key);
    const { stream: measure, measured } = measuringStream();
    // pipeline() carries a source's failure into `measure`, so the Upload's read of it fails and the Upload
    // aborts its multipart upload; an Upload that fails stops reading, so `measure` is destroyed to end the pipe.
    const piping = pipeline(body, measure);
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.opts.bucket, Key: objectKey, Body: measure, ContentType: contentType },
      partSize: PART_SIZE_BYTES,
      queueSize: QUEUE_SIZE,
      leavePartsOnError: false,
    });
    let firstFailure: 'source' | 'upload' | undefined;
    const reading = piping.catch((error: unknown) => {
      firstFailure ??= 'source';
      throw error;
    });
    const uploading = upload.done().catch((error: unknown) => {
      firstFailure ??= 'upload';
      measure.destroy();
      throw error;
    });
    // Both settle before put() answers, so a failed put has finished its abort when its caller hears of it.
    // The error reported is the first cause: the source's, or the upload's (the pipe then only says it was cut).
    const [uploaded, piped] = await Promise.allSettled([uploading, reading]);
    if (piped.status === 'rejected' && firstFailure === 'source') throw piped.reason;
    if (uploaded.status === 'rejected') throw uploaded.reason;
    if (piped.status === 'rejected') throw piped.reason;
    return measured();
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    try {
      const answer = await this.client.send(new GetObjectCommand({
        Bucket: this.opts.bucket,
        Key: this.objectKey(key),
        ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}),
      }));
      // In Node the SDK's body is an http.IncomingMessage (a Readable), mixed with its helpers.
      return answer.Body as Readable;
    } catch (error) {
      if (isMissing(error)) throw new StorageNotFoundError(key);
      throw error;
    }
  }

  async stat(key: string): Promise<ObjectStat | null> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.opts.bucket, Key: this.objectKey(key) }));
      return { bytes: head.ContentLength ?? 0, contentType: head.ContentType ?? 'application/octet-stream' };
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.opts.bucket, Key: this.objectKey(key) }));
    } catch (error) {
      // S3 answers 204 for a missing key; some compatible servers answer 404 instead.
      if (!isMissing(error)) throw error;
    }
  }

  async signedUrl(key: string, { expiresInSeconds, downloadName }: SignedUrlOptions): Promise<string> {
    const command = new GetObjectCommand({
      Bucket: this.opts.bucket,
      Key: this.objectKey(key),
      ...(downloadName !== undefined ? { ResponseContentDisposition: contentDisposition(downloadName) } : {}),
    });
    return getSignedUrl(this.presigner, command, { expiresIn: expiresInSeconds });
  }

  /** Ends the clients' keep-alive sockets (a process that stops, a test that is done). */
  async close(): Promise<void> {
    this.client.destroy();
    this.presigner.destroy();
  }

  /** Keys are relative paths under the prefix: an empty, `.` or `..` segment (or a leading `/`) is refused. */
  private objectKey(key: string): string {
    const segments = key.split('/');
    const controlOrBackslash = [...key].some((char) => char === '\\' || char.charCodeAt(0) < 0x20);
    if (segments.some((segment) => segment === '' || segment === '.' || segment === '..') || controlOrBackslash) {
      throw new Error(`Storage key escapes the root: '${key}'`);
    }
    return `${this.opts.prefix}${key}`;
  }
}

function isMissing(error: unknown): boolean {
  if (!(error instanceof S3ServiceException)) return false;
  return error.name === 'NoSuchKey' || error.name === 'NotFound' || error.$metadata.httpStatusCode === 404;
}
