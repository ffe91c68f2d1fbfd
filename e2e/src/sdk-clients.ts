// The official SDKs our API promises to work with, both majors, for describe.each: each entry makes a client
// for a user of a stack and names the SDK's own NotFoundError, so a test can check what the SDK throws.
import OpenAI, { NotFoundError } from 'openai';
import OpenAI6, { NotFoundError as NotFoundError6 } from 'openai6';

export type SdkClient = OpenAI | OpenAI6;

export interface Sdk {
  name: string;
  /** maxRetries 0: a test sees every error itself. */
  client(baseURL: string, apiKey: string): SdkClient;
  NotFoundError: typeof NotFoundError | typeof NotFoundError6;
}

export const SDKS: Sdk[] = [
  { name: 'openai 7', client: (baseURL, apiKey) => new OpenAI({ baseURL, apiKey, maxRetries: 0 }), NotFoundError },
  { name: 'openai 6', client: (baseURL, apiKey) => new OpenAI6({ baseURL, apiKey, maxRetries: 0 }), NotFoundError: NotFoundError6 },
];
