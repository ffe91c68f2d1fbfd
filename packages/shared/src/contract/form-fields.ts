// multipart/form-data fields as the OpenAI SDKs send them, turned into the object a JSON body would be:
// `input_reference[image_url]` becomes `{ input_reference: { image_url } }`. Both servers that speak OpenAI's
// HTTP (the API and the emulator) can read forms with this one parser.
import { InvalidRequestError } from '../errors.ts';

export type FormValue = string | FormObject;
export interface FormObject { [key: string]: FormValue }

const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'constructor', 'prototype']);

/** `a[b][c]` → ['a', 'b', 'c']. Lists (`a[]`) appear in no request schema, so they are refused. */
function keySegments(name: string): string[] {
  const match = /^([^[\]]+)((?:\[[^[\]]+\])*)$/.exec(name);
  const segments = match ? [match[1]!, ...[...match[2]!.matchAll(/\[([^[\]]+)\]/g)].map((m) => m[1]!)] : [];
  if (segments.length === 0) {
    throw new InvalidRequestError(`Unsupported form field name '${name}'.`, { param: name, code: 'invalid_form_field' });
  }
  const forbidden = segments.findIndex((segment) => FORBIDDEN_SEGMENTS.has(segment));
  if (forbidden !== -1) {
    // Named up to the offending segment: `__proto__[x]` is about `__proto__`.
    const param = segments.slice(0, forbidden + 1).map((segment, i) => (i === 0 ? segment : `[${segment}]`)).join('');
    throw new InvalidRequestError(`Unrecognized request argument supplied: ${param}`, { param, code: 'unknown_parameter' });
  }
  return segments;
}

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
