// Reads a create or remix body, sent as JSON or as multipart/form-data. The openai SDK (6.28+) always sends
// multipart for create, flattening nested objects into bracketed names (`input_reference[image_url]`), and may
// attach the reference image as a file part; both are turned back into one plain object here.
import { AppError, InvalidRequestError, PayloadTooLargeError, formFieldsToObject } from '@sora-studio/shared';
import type { FastifyRequest } from 'fastify';

export interface UploadedImage {
  filename: string;
  type: 'image/jpeg' | 'image/png' | 'image/webp';
  bytes: number;
}

export interface VideoRequestBody {
  /** The non-file fields, to be checked by the operation's schema. */
  fields: unknown;
  /** An `input_reference` sent as a file part. */
  inputReference?: UploadedImage;
}

const JPEG_SIGNATURE = Buffer.from([0xff, 0xd8, 0xff]);
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export async function readVideoRequestBody(request: FastifyRequest): Promise<VideoRequestBody> {
  if (!request.isMultipart()) return { fields: request.body ?? {} };
  try {
    return await readMultipart(request);
  } catch (error) {
    if (error instanceof AppError || (error as { statusCode?: number }).statusCode !== undefined) throw error;
    // busboy's own complaints (no boundary, truncated body) are the client's fault.
    throw new InvalidRequestError(`Malformed multipart/form-data body: ${(error as Error).message}.`, { code: 'invalid_multipart' });
  }
}

async function readMultipart(request: FastifyRequest): Promise<VideoRequestBody> {
  const fields: [string, string][] = [];
  let inputReference: UploadedImage | undefined;
  for await (const part of request.parts()) {
    if (part.type === 'field') {
      if (part.valueTruncated) throw new PayloadTooLargeError(`The value of '${part.fieldname}' is too long.`, { param: part.fieldname });
      fields.push([part.fieldname, typeof part.value === 'string' ? part.value : JSON.stringify(part.value)]);
    } else if (part.fieldname === 'input_reference') {
      inputReference = readImage(part.filename, await part.toBuffer());
    } else {
      await part.toBuffer(); // drain it, so the error reaches the client
      throw new InvalidRequestError(`Unrecognized file argument supplied: ${part.fieldname}`, { param: part.fieldname, code: 'unknown_parameter' });
    }
  }
  // The same bracket-key reading as the API's (packages/shared), so both servers take the SDK's forms alike.
  const body = formFieldsToObject(fields);
  return inputReference ? { fields: body, inputReference } : { fields: body };
}

function readImage(filename: string, bytes: Buffer): UploadedImage {
  const type = sniffImageType(bytes);
  if (!type) {
    throw new InvalidRequestError('input_reference must be a JPEG, PNG or WebP image.', { param: 'input_reference', code: 'invalid_image' });
  }
  return { filename, type, bytes: bytes.length };
}

/** The type is read from the bytes, not the part's header: clients often send application/octet-stream. */
function sniffImageType(bytes: Buffer): UploadedImage['type'] | undefined {
  if (bytes.subarray(0, 3).equals(JPEG_SIGNATURE)) return 'image/jpeg';
  if (bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return 'image/png';
  if (bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
  return undefined;
}
