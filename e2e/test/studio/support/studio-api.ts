// Calls to the stack's API with a key, beside the browser: to set up what a flow needs and to check what the
// page claims against what the API says.
import type { StudioStack } from './studio-stack.ts';

export interface ApiAnswer<T = unknown> {
  status: number;
  body: T;
}

export async function callApi<T = Record<string, unknown>>(
  stack: StudioStack, apiKey: string, method: string, path: string, json?: unknown,
): Promise<ApiAnswer<T>> {
  const response = await fetch(`${stack.origin}${path}`, {
    method,
    headers: { authorization: `Bearer ${apiKey}`, ...(json === undefined ? {} : { 'content-type': 'application/json' }) },
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
}

/** A video made through the API, for flows that need one already there. */
export async function createVideoByApi(stack: StudioStack, apiKey: string, prompt: string): Promise<string> {
  const created = await callApi<{ id: string }>(stack, apiKey, 'POST', '/v1/videos', { prompt });
  if (created.status !== 200) throw new Error(`POST /v1/videos answered ${created.status}: ${JSON.stringify(created.body)}`);
  return created.body.id;
}
