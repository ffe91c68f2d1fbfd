// All configuration comes from environment variables, parsed once at start-up with this schema.
// Nothing else reads process.env. README's table of variables mirrors this file.
import { z } from 'zod';
import { DEFAULT_MODEL_CATALOG, ModelCatalogSchema } from './catalog/model-catalog.ts';
import { isWebhookCidr } from './webhooks/ssrf-guard.ts';

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

const DURATION_UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
/** `0,5s,5m,30m,2h` → delays in ms (a bare number is ms). */
function parseRetrySchedule(text: string): number[] {
  return text.split(',').map((part) => {
    const match = /^\s*(\d+)(ms|s|m|h|d)?\s*$/.exec(part);
    if (!match) throw new Error(`'${part}' is not a duration like 500ms, 5s, 5m, 2h`);
    return Number(match[1]) * DURATION_UNIT_MS[(match[2] ?? 'ms') as keyof typeof DURATION_UNIT_MS];
  });
}
const webhookRetrySchedule = z.string().transform((text, ctx) => {
  try {
    return parseRetrySchedule(text);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
}).pipe(z.array(z.number().int().min(0)).min(1).max(50));

const webhookCidrList = z.string().transform((text, ctx) => {
  const cidrs = text.split(',').map((part) => part.trim()).filter((part) => part !== '');
  for (const cidr of cidrs.filter((part) => !isWebhookCidr(part))) {
    ctx.addIssue({ code: 'custom', message: `'${cidr}' is not a CIDR like 10.0.0.0/8 or ::1/128` });
  }
  return cidrs;
});

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
  /**
   * The provider's Standard Webhooks secret: POST /v1/provider/webhooks accepts events signed with it (and
   * answers 404 without it). `whsec_` + base64 of at least 24 bytes, as providers hand them out.
   */
  PROVIDER_WEBHOOK_SECRET: z.string().regex(/^whsec_[A-Za-z0-9+/]{32,}={0,2}$/, 'must be whsec_ followed by base64 of at least 24 bytes').optional(),
  /** The provider sends webhooks (and the API takes them): polling becomes a safety net at PROVIDER_WEBHOOK_POLL_INTERVAL_MS. */
  PROVIDER_WEBHOOKS: z.enum(['true', 'false']).default('false').transform((flag) => flag === 'true'),
  PROVIDER_WEBHOOK_POLL_INTERVAL_MS: positiveMs.default(5 * 60_000),

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
  /** The wait after submit before the first poll; then the waits double, aimed at the estimated finish (pipeline-timing.ts). */
  POLL_INTERVAL_MS: positiveMs.default(2_000),
  /** How often a stalled video is polled. Not a cap on the back-off: one would make long renders cost polls in proportion to their length. */
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
  /** Browser sign-in with OIDC (authorization code + PKCE) against OIDC_ISSUER: the client registered there. */
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  /** Absent for a public client (PKCE alone); present, it is sent with HTTP Basic to the token endpoint. */
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  /** The callback registered with the issuer: https://<where clients reach the API>/v1/sessions/oidc/callback. */
  OIDC_REDIRECT_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** true: an OIDC sign-in whose `sub` no user has creates that user (role user, default budgets). */
  OIDC_JIT_USERS: z.enum(['true', 'false']).default('false').transform((flag) => flag === 'true'),

  /** Browser sessions (the `sora_session` cookie): lifetime from sign-in, not extended by use. */
  SESSION_TTL_SECONDS: z.coerce.number().int().min(60).max(30 * 86_400).default(12 * 3600),
  /** true: the cookie is always `Secure`; otherwise only when the request came over https or PUBLIC_BASE_URL is https. */
  SESSION_COOKIE_SECURE: z.enum(['true', 'false']).default('false').transform((flag) => flag === 'true'),
  /** Sign-in attempts per minute per IP (API key exchanges and OIDC starts together). */
  SIGN_IN_ATTEMPTS_PER_MINUTE: z.coerce.number().int().positive().default(10),

  /** Provider requests per second shared by every worker (BullMQ's queue-wide limiter). */
  PROVIDER_REQUESTS_PER_SECOND: z.coerce.number().int().positive().default(20),
  /** Videos one user may have at the provider at once, so one user's backlog cannot starve the others. */
  MAX_IN_FLIGHT_PER_USER: z.coerce.number().int().positive().default(5),
  /**
   * A video at its owner's cap sleeps until a freed slot wakes it; this is its safety net for a lost wake,
   * stretched by the owner's backlog over the cap, so however many wait they look about `cap` times per interval.
   */
  SLOT_WAIT_SAFETY_NET_MS: positiveMs.default(60_000),

  /** Webhook delivery (issue 7): how often the outbox dispatcher runs, and how many outbox rows it reads per run. */
  WEBHOOK_DISPATCH_INTERVAL_MS: positiveMs.default(500),
  WEBHOOK_DISPATCH_BATCH: batch.default(500),
  /** Delay before each attempt of a delivery, e.g. `0,5s,5m`; after the last one fails the delivery is failed. */
  WEBHOOK_RETRY_SCHEDULE: webhookRetrySchedule.default(parseRetrySchedule('0,5s,5m,30m,2h,5h,10h,10h')),
  /** One attempt's timeout, and how much of the receiver's answer is kept. */
  WEBHOOK_TIMEOUT_MS: positiveMs.default(15_000),
  WEBHOOK_RESPONSE_BODY_BYTES: z.coerce.number().int().min(0).max(65_536).default(4096),
  /** An endpoint whose every attempt has failed for this long is disabled, and its owner told. */
  WEBHOOK_DISABLE_AFTER_MS: positiveMs.default(5 * 24 * 3600_000),
  /** Deliveries sent to one endpoint at once; one over the cap waits briefly, so a slow receiver holds only its own. */
  WEBHOOK_MAX_IN_FLIGHT_PER_ENDPOINT: z.coerce.number().int().min(1).max(1000).default(4),
  /** Webhook jobs one worker process runs at once (their own worker, apart from the video pipeline). */
  WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(32),
  /** A pending delivery this far past its due time is taken to have lost its job, and re-enqueued. */
  WEBHOOK_REQUEUE_GRACE_MS: positiveMs.default(60_000),
  /** SSRF guard: plain http:// webhook URLs are refused unless this is true (npm start sets it for development). */
  WEBHOOK_ALLOW_HTTP: z.enum(['true', 'false']).default('false').transform((flag) => flag === 'true'),
  /** SSRF guard: comma-separated CIDRs a webhook URL may reach although they are not public, e.g. 127.0.0.0/8. */
  WEBHOOK_ALLOWED_CIDRS: webhookCidrList.default([]),

  STORAGE_DRIVER: z.enum(['local', 's3']).default('local'),
  STORAGE_DIR: z.string().min(1).default('.data/storage'),
  /** Signs the local driver's `/files/...` URLs; generated per process when unset, which invalidates URLs on restart. */
  STORAGE_SIGNING_SECRET: z.string().min(16).optional(),
  /** The s3 driver's bucket (required with STORAGE_DRIVER=s3), region, and endpoint for S3-compatible servers. */
  S3_BUCKET: z.string().min(3).max(63).regex(/^[a-z0-9][a-z0-9.-]+[a-z0-9]$/, 'must be a valid S3 bucket name').optional(),
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  /** Where clients reach S3 when the services use an internal name (compose: http://seaweedfs:8333): presigned URLs name it. Unset: S3_ENDPOINT. */
  S3_PUBLIC_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  S3_FORCE_PATH_STYLE: z.enum(['true', 'false']).default('false').transform((flag) => flag === 'true'),
  /** Prepended to every object key (e.g. `sora/`), so one bucket can hold several deployments. */
  S3_PREFIX: z.string().regex(/^([\w.-]+\/)*$/, 'must be empty or path segments ending in /').default(''),
  /**
   * When the SDK adds CRC checksums to uploads and checks them on downloads: `when_supported` (the SDK's
   * default, for AWS S3) or `when_required` (for S3-compatible servers that refuse aws-chunked trailers).
   * Unset: `when_required` when S3_ENDPOINT is set, `when_supported` otherwise.
   */
  S3_CHECKSUMS: z.enum(['when_supported', 'when_required']).optional(),
  /** Lifetime of the URLs `GET /v1/videos/{id}/content_url` hands out. */
  CONTENT_URL_TTL_SECONDS: z.coerce.number().int().min(1).max(7 * 24 * 3600).default(3600),
  /** Where clients reach the API (e.g. https://studio.example.com); the local driver's signed URLs start with it. Unset: from the request. */
  PUBLIC_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** The Studio's built web app (index.html and assets/), served at `/`. Unset: services/web/dist beside the api package. */
  WEB_DIST_DIR: z.string().min(1).optional(),
  /** How long downloadable assets are kept after completion; 0 keeps them forever (expires_at null). */
  ASSET_RETENTION_SECONDS: z.coerce.number().int().min(0).default(0),
  /** How often the asset sweepers run (expired assets, orphaned uploads), and how many videos or uploads one run handles. */
  ASSET_SWEEP_INTERVAL_MS: positiveMs.default(60_000),
  ASSET_SWEEP_BATCH: batch.default(200),
  /** An upload no video row claimed after this long (its create failed or crashed) is removed. */
  UPLOAD_ORPHAN_GRACE_SECONDS: z.coerce.number().int().min(1).default(3600),
  /** A copy not done this close to the provider's expires_at writes `video.asset_at_risk`. */
  ASSET_AT_RISK_MARGIN_SECONDS: z.coerce.number().int().min(1).default(600),
});

export type Config = z.infer<typeof ConfigSchema>;

/**
 * OIDC comes in two parts, each all or nothing and each needing OIDC_ISSUER: bearer tokens (audience and key
 * set) and browser sign-in (client id and redirect URL). Naming part of one is a mistake worth stopping for.
 */
const OIDC_PARTS = [['OIDC_AUDIENCE', 'OIDC_JWKS_URL'], ['OIDC_CLIENT_ID', 'OIDC_REDIRECT_URL']] as const;

function checkOidcParts(config: Config, ctx: z.RefinementCtx): void {
  for (const part of OIDC_PARTS) {
    const given = part.filter((key) => config[key] !== undefined);
    if (given.length === 0) continue;
    for (const key of part.filter((k) => config[k] === undefined)) {
      ctx.addIssue({ code: 'custom', path: [key], message: `is required when ${given.join(', ')} is set` });
    }
    if (config.OIDC_ISSUER === undefined) ctx.addIssue({ code: 'custom', path: ['OIDC_ISSUER'], message: `is required when ${given.join(', ')} is set` });
  }
  if (config.OIDC_ISSUER !== undefined && OIDC_PARTS.every((part) => part.every((key) => config[key] === undefined))) {
    ctx.addIssue({ code: 'custom', path: ['OIDC_ISSUER'], message: 'needs OIDC_AUDIENCE and OIDC_JWKS_URL (bearer tokens), or OIDC_CLIENT_ID and OIDC_REDIRECT_URL (browser sign-in), or both' });
  }
  const loginGiven = config.OIDC_CLIENT_ID !== undefined;
  if (!loginGiven && config.OIDC_CLIENT_SECRET !== undefined) ctx.addIssue({ code: 'custom', path: ['OIDC_CLIENT_SECRET'], message: 'is only used with OIDC_CLIENT_ID' });
  if (!loginGiven && config.OIDC_JIT_USERS) ctx.addIssue({ code: 'custom', path: ['OIDC_JIT_USERS'], message: 'is only used with OIDC_CLIENT_ID' });
}

export class ConfigError extends Error {}

/** Parses the environment; a bad value is reported by the variable's name. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const result = ConfigSchema.superRefine((config, ctx) => {
    checkOidcParts(config, ctx);
    if (config.STORAGE_DRIVER === 's3' && config.S3_BUCKET === undefined) {
      ctx.addIssue({ code: 'custom', path: ['S3_BUCKET'], message: 'is required when STORAGE_DRIVER is s3' });
    }
  }).safeParse(present);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `  ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
}
