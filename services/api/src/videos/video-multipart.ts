// multipart/form-data for create and remix, as the official SDK sends it: scalars as strings, nested
// objects as bracket keys (`input_reference[image_url]`), at most one file. The form becomes the very object
// a JSON body would be, so one schema validates both; the file travels beside it as `request.upload`.
import type { FastifyInstance, FastifyRequest, preValidationAsyncHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import multipart from '@fastify/multipart';
import { AppError, InvalidRequestError, PayloadTooLargeError } from '@sora-studio/shared';

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

const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'constructor', 'prototype']);
const MAX_PARTS = 100;

/** `a[b][c]` → ['a', 'b', 'c']. Lists (`a[]`) appear in no request schema, so they are refused. */
function keySegments(name: string): string[] {
  const match = /^([^[\]]+)((?:\[[^[\]]+\])*)$/.exec(name);
  const segments = match ? [match[1]!, ...[...match[2]!.matchAll(/\[([^[\]]+)\]/g)].map((m) => m[1]!)] : [];
  if (segments.length === 0 || segments.some((s) => FORBIDDEN_SEGMENTS.has(s))) {
    throw new InvalidRequestError(`Unsupported form field name '${name}'.`, { param: name, code: 'invalid_form_field' });
  }
  return segments;
}

type FormValue = string | FormObject;
interface FormObject { [key: string]: FormValue }

function duplicateField(name: string): InvalidRequestError {
  return new InvalidRequestError(`Form field '${name}' is given more than once.`, { param: name, code: 'duplicate_form_field' });
}

/** Turns form fields with bracket keys into the nested object a JSON client would have sent. */
export function formFieldsToObject(fields: readonly (readonly [string, string])[]): FormObject {
  const root: FormObject = {};
  for (const [name, value] of fields) {
    const segments = keySegments(name);
    const leaf = segments.pop()!;
    let parent = root;
    for (const segment of segments) {
      const child = Object.hasOwn(parent, segment) ? parent[segment]! : {};
      if (typeof child === 'string') throw duplicateField(name);
      parent[segment] = child;
      parent = child;
    }
    if (Object.hasOwn(parent, leaf)) throw duplicateField(name);
    parent[leaf] = value;
  }
  return root;
}

export interface MultipartLimits {
  /** The only field that may carry a file, or null when the route takes none. */
  fileField: string | null;
  maxFileBytes: number;
  maxFieldBytes: number;
}

/** Reads the whole form: fields into the JSON-shaped body, the one allowed file into memory. */
async function readMultipartForm(request: FastifyRequest, limits: MultipartLimits): Promise<{ body: FormObject; upload: UploadedFile | null }> {
  const fields: [string, string][] = [];
  let upload: UploadedFile | null = null;
  const tooLarge = (field: string, max: number) => new PayloadTooLargeError(
    `'${field}' is larger than the limit of ${max} bytes.`, { param: field, code: 'upload_too_large' },
  );
  try {
    const parts = request.parts({ limits: { fileSize: limits.maxFileBytes, fieldSize: limits.maxFieldBytes, parts: MAX_PARTS } });
    for await (const part of parts) {
      if (part.type === 'field') {
        if (part.valueTruncated) throw tooLarge(part.fieldname, limits.maxFieldBytes);
        fields.push([part.fieldname, typeof part.value === 'string' ? part.value : JSON.stringify(part.value)]);
        continue;
      }
      if (part.fieldname !== limits.fileField) {
        part.file.resume();
        throw new InvalidRequestError(`Unrecognized request argument supplied: ${part.fieldname} (a file)`, { param: part.fieldname, code: 'unknown_parameter' });
      }
      if (upload) throw new InvalidRequestError(`Only one file may be sent as '${part.fieldname}'.`, { param: part.fieldname, code: 'duplicate_form_field' });
      upload = { field: part.fieldname, bytes: await part.toBuffer(), declaredType: part.mimetype };
    }
  } catch (error) {
    if (error instanceof AppError) throw error;
    const { code, statusCode } = error as { code?: string; statusCode?: number };
    if (code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge(limits.fileField ?? 'file', limits.maxFileBytes);
    if (statusCode !== undefined) throw error;
    // The form parser's own errors (no boundary, a part cut short, a bad part header) are the client's.
    throw new InvalidRequestError('The multipart/form-data body is malformed.', { code: 'invalid_multipart' });
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
