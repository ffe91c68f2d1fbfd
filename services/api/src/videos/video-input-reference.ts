// An uploaded input_reference image: only JPEG, PNG and WebP, recognised by their bytes (clients often
// send application/octet-stream), stored under `inputs/<videoId>/reference` for the worker to forward.
import { Readable } from 'node:stream';
import { InvalidRequestError, PayloadTooLargeError, type CreateVideoBody, type Db, type Storage } from '@sora-studio/shared';
import type { UploadedFile } from './video-multipart.ts';
import { recordPendingUpload } from './video.repo.ts';

export type ImageType = 'image/jpeg' | 'image/png' | 'image/webp';

export function sniffImageType(bytes: Buffer): ImageType | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (bytes.length >= 12 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
  return null;
}

export function inputReferenceKey(videoId: string): string {
  return `inputs/${videoId}/reference`;
}

/** The upload's image type, read from its bytes; anything but JPEG, PNG or WebP is refused. */
export function checkImage(upload: UploadedFile): ImageType {
  const type = sniffImageType(upload.bytes);
  if (!type) {
    // The declared type is only what the client claimed; saying "got image/png" of a PNG-named file reads as a contradiction.
    const sentAs = upload.declaredType ? ` (it was sent as ${upload.declaredType})` : '';
    const problem = upload.bytes.length === 0 ? 'is an empty file' : 'is not a JPEG, PNG or WebP image: its bytes are none of them';
    throw new InvalidRequestError(`'${upload.field}' ${problem}${sentAs}. Send a JPEG, PNG or WebP image.`, { param: upload.field, code: 'invalid_image' });
  }
  return type;
}

/**
 * Checks the image and stores it; returns its storage key. The object is stored before the create's
 * transaction (a large upload must not hold one open), so its storage_uploads row is committed first: the
 * video row's transaction claims it, and what no row claims the orphan sweeper removes.
 */
export async function storeInputReference(deps: { storage: Storage; db: Db }, videoId: string, upload: UploadedFile): Promise<string> {
  const type = checkImage(upload);
  const key = inputReferenceKey(videoId);
  await recordPendingUpload(deps.db, key);
  await deps.storage.put(key, Readable.from([upload.bytes]), type);
  return key;
}

/**
 * What a create refuses about its input_reference beyond the schema, before anything is stored; the quote
 * runs the same check, so it refuses exactly what the create would.
 */
export function checkInputReference(body: Pick<CreateVideoBody, 'input_reference'>, upload: UploadedFile | null, maxUploadBytes: number): void {
  if (body.input_reference?.file_id !== undefined) {
    throw new InvalidRequestError('input_reference.file_id is not supported here: upload the image as input_reference, or give input_reference.image_url.', { param: 'input_reference.file_id', code: 'unsupported_parameter' });
  }
  if (upload && body.input_reference) {
    throw new InvalidRequestError('Give input_reference either as a file or as an object, not both.', { param: 'input_reference', code: 'invalid_value' });
  }
  if (body.input_reference?.image_url) checkInlineImage(body.input_reference.image_url, maxUploadBytes);
}

const IMAGE_URL_PARAM = 'input_reference.image_url';
/** Base64 characters enough for the longest signature sniffImageType reads (12 bytes). */
const SIGNATURE_BASE64_CHARS = 16;

/**
 * An image_url may be a base64 data URL (the schema has checked its syntax). Its image is held to what an
 * upload is: at most the same number of bytes, counted exactly (an upload of exactly the limit passes, so
 * must this), and a JPEG, PNG or WebP by its bytes — the very type the URL declares, since that is what the
 * provider is told.
 */
function checkInlineImage(imageUrl: string, maxBytes: number): void {
  const comma = imageUrl.indexOf(',');
  if (!imageUrl.startsWith('data:') || comma === -1) return;
  const base64 = imageUrl.slice(comma + 1);
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  const bytes = Math.floor((base64.length - padding) * 3 / 4);
  if (bytes > maxBytes) {
    throw new PayloadTooLargeError(`'${IMAGE_URL_PARAM}' holds an image larger than the limit of ${maxBytes} bytes.`, {
      param: IMAGE_URL_PARAM, code: 'upload_too_large',
    });
  }
  const declared = imageUrl.slice('data:'.length, imageUrl.indexOf(';'));
  const sniffed = sniffImageType(Buffer.from(base64.slice(0, SIGNATURE_BASE64_CHARS), 'base64'));
  if (sniffed !== declared) {
    throw new InvalidRequestError(
      `'${IMAGE_URL_PARAM}' declares ${declared}, but its bytes are ${sniffed ?? 'not a JPEG, PNG or WebP image'}.`,
      { param: IMAGE_URL_PARAM, code: 'invalid_image' },
    );
  }
}
