// multipart/form-data for create and remix, as the official SDK sends it: scalars as strings, nested
// objects as bracket keys (`input_reference[image_url]`), at most one file. The form becomes the very object
// a JSON body would be, so one schema validates both; the file travels beside it as `request.upload`.
// Fastify's bodyLimit does not apply to forms, so the caps are here: the file ≤ MAX_UPLOAD_BYTES, all text
// fields together ≤ MAX_FORM_FIELDS_BYTES, and the whole body ≤ both plus framing, refused from its
// Content-Length before anything is read, or as soon as the bytes received pass it.
import type { FastifyInstance, FastifyRequest, preValidationAsyncHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import multipart from '@fastify/multipart';
import { AppError, InvalidRequestError, PayloadTooLargeError, formFieldsToObject, type FormObject } from '@sora-studio/shared';

export interface UploadedFile {
  field: string;
  bytes: Buffer;
  /** What the client declared; the service trusts the bytes, not this. */
  declaredType: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    upload: UploadedFile | null;
  }
}

const MAX_PARTS = 100;
/** Part boundaries and headers around the file and fields: generous for 100 parts with long names. */
const FRAMING_ALLOWANCE_BYTES = 256 * 1024;

export interface MultipartLimits {
  /** The only field that may carry a file, or null when the route takes none. */
  fileField: string | null;
  maxFileBytes: number;
  /** All text fields of the form together, names and values. */
  maxFieldsBytes: number;
}

/** The most a form's body may be, framing included. */
export function multipartBodyLimit(limits: Omit<MultipartLimits, 'fileField'>): number {
  return limits.maxFileBytes + limits.maxFieldsBytes + FRAMING_ALLOWANCE_BYTES;
}

// Connection: close, so the server stops reading a body it refused instead of draining it to the end.
const STOP_READING = { connection: 'close' };

function formTooLarge(limit: number): PayloadTooLargeError {
  return new PayloadTooLargeError(`The multipart/form-data body is larger than the limit of ${limit} bytes.`, { code: 'request_too_large', headers: STOP_READING });
}

function fieldsTooLarge(field: string, limit: number): PayloadTooLargeError {
  return new PayloadTooLargeError(
    `The form's text fields are larger than the limit of ${limit} bytes together (at '${field}'). Send a large image as the input_reference file.`,
    { param: field, code: 'request_too_large', headers: STOP_READING },
  );
}

/**
 * Fails once more bytes of the body have arrived than `limit`, and stops reading them: the socket is
 * paused and unpiped, and the 413 that follows closes the connection.
 */
function watchBodySize(request: FastifyRequest, limit: number): { exceeded: Promise<never>; stop(): void } {
  let received = 0;
  let fail: (error: Error) => void = () => undefined;
  const exceeded = new Promise<never>((_resolve, reject) => { fail = reject; });
  exceeded.catch(() => undefined);
  const onData = (chunk: Buffer) => {
    received += chunk.length;
    if (received <= limit) return;
    request.raw.off('data', onData);
    request.raw.unpipe();
    request.raw.pause();
    fail(formTooLarge(limit));
  };
  request.raw.on('data', onData);
  return { exceeded, stop: () => { request.raw.off('data', onData); } };
}

/** The form parser's own errors, as the client's 4xx; `forbiddenName` is the first prototype-like field name seen. */
function formError(error: unknown, limits: MultipartLimits, forbiddenName: string | null): Error {
  if (error instanceof AppError) return error;
  const { code, statusCode } = error as { code?: string; statusCode?: number };
  switch (code) {
    case 'FST_REQ_FILE_TOO_LARGE': {
      const field = limits.fileField ?? 'file';
      return new PayloadTooLargeError(`'${field}' is larger than the limit of ${limits.maxFileBytes} bytes.`, { param: field, code: 'upload_too_large', headers: STOP_READING });
    }
    case 'FST_PROTO_VIOLATION':
      return new InvalidRequestError(`Unrecognized request argument supplied: ${forbiddenName ?? 'a field named after an object property'}`, { param: forbiddenName, code: 'unknown_parameter' });
    case 'FST_PARTS_LIMIT':
    case 'FST_FILES_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return new PayloadTooLargeError(`The form has more than ${MAX_PARTS} parts.`, { code: 'too_many_parts', headers: STOP_READING });
    case 'FST_INVALID_JSON_FIELD_ERROR':
      return new InvalidRequestError('A form field declared as application/json does not hold valid JSON.', { code: 'invalid_multipart' });
  }
  if (statusCode !== undefined && statusCode >= 400 && statusCode < 500) {
    return new InvalidRequestError('The multipart/form-data body is malformed.', { code: 'invalid_multipart' });
  }
  if (statusCode !== undefined) return error as Error;
  // busboy's complaints (no boundary, a part cut short, a bad part header) are the client's.
  return new InvalidRequestError('The multipart/form-data body is malformed.', { code: 'invalid_multipart' });
}

/** Reads the whole form: fields into the JSON-shaped body, the one allowed file into memory. */
async function readMultipartForm(request: FastifyRequest, limits: MultipartLimits): Promise<{ body: FormObject; upload: UploadedFile | null }> {
  const bodyLimit = multipartBodyLimit(limits);
  const declaredLength = Number(request.headers['content-length']);
  if (Number.isFinite(declaredLength) && declaredLength > bodyLimit) throw formTooLarge(bodyLimit);

  const fields: [string, string][] = [];
  let fieldsBytes = 0;
  let upload: UploadedFile | null = null;
  let forbiddenName: string | null = null;
  // Counting starts in the same tick as the parser's pipe, before the request's first byte can flow.
  const watch = watchBodySize(request, bodyLimit);
  const parts = request.parts({
    limits: { fileSize: limits.maxFileBytes, fieldSize: limits.maxFieldsBytes, parts: MAX_PARTS },
    // Called with every part's name before the plugin refuses prototype names without saying which.
    isPartAFile: (name, contentType, fileName) => {
      if (forbiddenName === null && name !== undefined && name in Object.prototype) forbiddenName = name;
      return contentType === 'application/octet-stream' || fileName !== undefined;
    },
  })[Symbol.asyncIterator]();
  const untilTooLarge = <T>(step: Promise<T>): Promise<T> => {
    step.catch(() => undefined); // once the body is too large, nobody awaits the step it interrupted
    return Promise.race([step, watch.exceeded]);
  };
  try {
    for (let next = await untilTooLarge(parts.next()); !next.done; next = await untilTooLarge(parts.next())) {
      const part = next.value;
      if (part.type === 'field') {
        const value = typeof part.value === 'string' ? part.value : JSON.stringify(part.value);
        fieldsBytes += Buffer.byteLength(part.fieldname) + Buffer.byteLength(value);
        if (part.valueTruncated || fieldsBytes > limits.maxFieldsBytes) throw fieldsTooLarge(part.fieldname, limits.maxFieldsBytes);
        fields.push([part.fieldname, value]);
        continue;
      }
      if (part.fieldname !== limits.fileField) {
        part.file.resume();
        throw new InvalidRequestError(`Unrecognized request argument supplied: ${part.fieldname} (a file)`, { param: part.fieldname, code: 'unknown_parameter' });
      }
      if (upload) throw new InvalidRequestError(`Only one file may be sent as '${part.fieldname}'.`, { param: part.fieldname, code: 'duplicate_form_field' });
      upload = { field: part.fieldname, bytes: await untilTooLarge(part.toBuffer()), declaredType: part.mimetype };
    }
  } catch (error) {
    throw formError(error, limits, forbiddenName);
  } finally {
    watch.stop();
  }
  return { body: formFieldsToObject(fields), upload };
}

/** The preValidation hook of a route that takes JSON or a form: a form is converted before the schema runs. */
export function acceptMultipart(limits: MultipartLimits): preValidationAsyncHookHandler {
  return async (request) => {
    if (!request.isMultipart()) return;
    const { body, upload } = await readMultipartForm(request, limits);
    request.body = body;
    request.upload = upload;
  };
}

export const multipartPlugin = fp(async (app: FastifyInstance) => {
  await app.register(multipart);
  app.decorateRequest('upload', null);
}, { name: 'video-multipart' });
