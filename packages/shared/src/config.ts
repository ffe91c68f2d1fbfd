// All configuration comes from environment variables, parsed once at start-up with this schema.
// Nothing else reads process.env. README's table of variables mirrors this file.
import { z } from 'zod';
import { DEFAULT_MODEL_CATALOG, ModelCatalogSchema } from './catalog/model-catalog.ts';

const port = z.coerce.number().int().min(0).max(65535);
const positiveMs = z.coerce.number().int().positive();
const attempts = z.coerce.number().int().min(1).max(100);
const batch = z.coerce.number().int().min(1).max(10_000);
const modelCatalogJson = z.string().transform((text, ctx) => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    ctx.addIssue({ code: 'custom', message: 'is not valid JSON' });
    return z.NEVER;
  }
}).pipe(ModelCatalogSchema);

export const ConfigSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).default('postgres://postgres@127.0.0.1:5432/sora_studio'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).default('redis://127.0.0.1:6379'),
  /** Prefix of every Redis key, so several stacks (or test files) share one Redis safely. */
  REDIS_PREFIX: z.string().min(1).regex(/^[\w:-]+$/).default('sora'),

  API_HOST: z.string().min(1).default('127.0.0.1'),
  API_PORT: port.default(3000),
  /** Admin endpoints and Bull Board accept this key; without it they answer 403. */
  ADMIN_API_KEY: z.string().min(24, 'must be at least 24 characters').optional(),
  MAX_UPLOAD_BYTES: z.coerce.number().int().positive().default(20 * 1024 * 1024),
  /** All text fields of one multipart form together; the file has MAX_UPLOAD_BYTES of its own. */
  MAX_FORM_FIELDS_BYTES: z.coerce.number().int().positive().default(1024 * 1024),

  PROVIDER_NAME: z.string().min(1).default('emulator'),
  PROVIDER_BASE_URL: z.url().default('http://127.0.0.1:4010/v1'),
  PROVIDER_API_KEY: z.string().min(1).default('sk-emulator'),
  PROVIDER_TIMEOUT_MS: positiveMs.default(60_000),
  /** Overrides the built-in model catalogue (JSON, see packages/shared/src/catalog/model-catalog.ts). */
  MODEL_CATALOG: modelCatalogJson.default(DEFAULT_MODEL_CATALOG),

  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(16),
  /** How long a worker's hold on a running job lasts between renewals; a job whose worker died is taken back after it. */
  WORKER_LOCK_DURATION_MS: positiveMs.default(30_000),
  /** How often workers look for running jobs whose worker died (their lock expired), to run them again. */
  WORKER_STALLED_INTERVAL_MS: positiveMs.default(30_000),
  /** Submit's budget: attempts after retryable provider errors before the video fails and is released. */
  SUBMIT_ATTEMPTS: attempts.default(5),
  /** A poll's budget: consecutive failed polls (errors or 404) before the video is marked stalled. A good poll resets it. */
  POLL_ATTEMPTS: attempts.default(10),
  /** Finalize's budget: attempts at the downloads before the video is marked stalled (its money stays reserved). */
  FINALIZE_ATTEMPTS: attempts.default(5),
  /** First retry delay of a step; later ones double, jittered, up to RETRY_MAX_DELAY_MS. */
  RETRY_BASE_DELAY_MS: positiveMs.default(1_000),
  RETRY_MAX_DELAY_MS: positiveMs.default(60_000),
  POLL_INTERVAL_MS: positiveMs.default(2_000),
  POLL_MAX_INTERVAL_MS: positiveMs.default(30_000),
  /** A provider video whose status and progress stay the same for longer than this is marked stalled. */
  VIDEO_STALL_AFTER_MS: positiveMs.default(30 * 60_000),
  RECONCILE_INTERVAL_MS: positiveMs.default(30_000),
  /** A non-terminal video quiet for longer than this without a job is re-enqueued by the reconciler. */
  RECONCILE_GRACE_MS: positiveMs.default(15_000),
  /** Per reconciler run: the newest quiet unfinished videos looked at (recent orphans are the likely ones). */
  RECONCILE_RECENT_BATCH: batch.default(100),
  /** Per reconciler run: the next page of the rolling sweep over every unfinished video, by id. */
  RECONCILE_SWEEP_BATCH: batch.default(500),

  /** Monthly spending limit given to each new user; 0 means new users have no limit until an admin sets one. */
  DEFAULT_MONTHLY_BUDGET_MICROS: z.coerce.number().int().min(0).default(100_000_000),
  /** Daily spending limit given to each new user; 0 means none. */
  DEFAULT_DAILY_BUDGET_MICROS: z.coerce.number().int().min(0).default(0),
  IDEMPOTENCY_TTL_SECONDS: z.coerce.number().int().positive().default(24 * 3600),
  /** A key's claim left in progress this long (its API process died mid-request) is taken over by a retry. */
  IDEMPOTENCY_CLAIM_TIMEOUT_SECONDS: z.coerce.number().int().positive().default(300),

  /** Requests per minute per API key, by role; a user's own limit (admin PATCH) overrides these. */
  RATE_LIMIT_USER_PER_MINUTE: z.coerce.number().int().positive().default(600),
  RATE_LIMIT_ADMIN_PER_MINUTE: z.coerce.number().int().positive().default(6_000),

  /** Optional OIDC login: a JWT whose `sub` matches a user's oidc_subject authenticates as that user. */
  OIDC_ISSUER: z.url().optional(),
  OIDC_AUDIENCE: z.string().min(1).optional(),
  OIDC_JWKS_URL: z.url().optional(),

  /** Provider requests per second shared by every worker (BullMQ's queue-wide limiter). */
  PROVIDER_REQUESTS_PER_SECOND: z.coerce.number().int().positive().default(20),
  /** Videos one user may have at the provider at once, so one user's backlog cannot starve the others. */
  MAX_IN_FLIGHT_PER_USER: z.coerce.number().int().positive().default(5),

  STORAGE_DRIVER: z.enum(['local']).default('local'),
  STORAGE_DIR: z.string().min(1).default('.data/storage'),
  /** Signs storage URLs; generated per process when unset, which invalidates URLs on restart. */
  STORAGE_SIGNING_SECRET: z.string().min(16).optional(),
  /** How long downloadable assets are kept after completion; 0 keeps them forever (expires_at null). */
  ASSET_RETENTION_SECONDS: z.coerce.number().int().min(0).default(0),
});

export type Config = z.infer<typeof ConfigSchema>;

/** OIDC is all or nothing: naming some of its variables without the others is a mistake worth stopping for. */
const OIDC_KEYS = ['OIDC_ISSUER', 'OIDC_AUDIENCE', 'OIDC_JWKS_URL'] as const;

export class ConfigError extends Error {}

/** Parses the environment; a bad value is reported by the variable's name. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const result = ConfigSchema.superRefine((config, ctx) => {
    const given = OIDC_KEYS.filter((key) => config[key] !== undefined);
    if (given.length > 0 && given.length < OIDC_KEYS.length) {
      for (const key of OIDC_KEYS.filter((k) => config[k] === undefined)) {
        ctx.addIssue({ code: 'custom', path: [key], message: `is required when ${given.join(', ')} is set` });
      }
    }
  }).safeParse(present);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `  ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
}
