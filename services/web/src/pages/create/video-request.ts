// One create form, two uses: the quote and the create send the very same request (JSON, or a form when a
// reference image is attached), so the quote prices exactly what "Create video" will ask for.
import type { ModelObject } from '../../api/types.ts';

export interface CreateForm {
  prompt: string;
  model: string;
  size: string;
  seconds: string;
  reference: File | null;
}

export function emptyForm(model: ModelObject | undefined): CreateForm {
  return { prompt: '', model: model?.id ?? '', size: model?.default_size ?? '', seconds: model?.default_seconds ?? '', reference: null };
}

/** The form after choosing another model: its size and seconds kept when the new model offers them. */
export function withModel(form: CreateForm, model: ModelObject): CreateForm {
  const size = model.sizes.some((option) => option.size === form.size) ? form.size : model.default_size;
  const seconds = model.seconds.includes(form.seconds) ? form.seconds : model.default_seconds;
  return { ...form, model: model.id, size, seconds };
}

/** The body of POST /v1/videos and /v1/videos/quote. */
export function videoRequestBody(form: CreateForm): FormData | { prompt: string; model: string; size: string; seconds: string } {
  const fields = { prompt: form.prompt.trim(), model: form.model, size: form.size, seconds: form.seconds };
  if (!form.reference) return fields;
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) body.set(name, value);
  body.set('input_reference', form.reference, form.reference.name);
  return body;
}

/**
 * What identifies the request, for a cache key and for "is this the same submit again": the fields, and
 * the file by name, size, type and modification time (its bytes are not read for this).
 */
export function requestIdentity(form: CreateForm): object {
  const { reference } = form;
  return {
    prompt: form.prompt.trim(),
    model: form.model,
    size: form.size,
    seconds: form.seconds,
    reference: reference ? { name: reference.name, size: reference.size, type: reference.type, lastModified: reference.lastModified } : null,
  };
}
