// The emulator's settings: what buildEmulator/startEmulator accept (every one has a default, so a test passes only
// what it varies), and how server.ts fills them from the environment. This is the only place the emulator reads env.
import { ConfigError, ConfigSchema, DEFAULT_MODEL_CATALOG, ModelCatalogSchema, type Logger } from '@sora-studio/shared';
import { z } from 'zod';
import { parseFaultDirectives } from './faults/fault-directives.ts';

const millis = z.number().int().min(0).max(3_600_000);

export const EmulatorSettingsSchema = z.strictObject({
  /** Time from queued to completed, unless a video's `render_ms` directive says otherwise. */
  renderMs: millis.default(3_000),
  /** Delay before every response, unless a `latency` directive says otherwise. */
  latencyMs: millis.default(0),
  /** Directives applied to every request, in the header syntax (e.g. "rate_limit=1; stall"). */
  fault: z.string().default('').superRefine((text, ctx) => {
    try {
      parseFaultDirectives(text, { param: null, bracketsOnly: false });
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
    }
  }),
  /** When set, the bearer token must equal it; otherwise any non-empty token is accepted. */
  apiKey: z.string().min(1).optional(),
  /** Models, sizes and durations the emulator accepts; the service's catalogue by default, so both agree. */
  catalog: ModelCatalogSchema.default(DEFAULT_MODEL_CATALOG),
  /** Videos kept in memory; beyond this the oldest are forgotten. */
  maxVideos: z.number().int().positive().default(10_000),
  /** How long downloads stay available after completion (`expires_at`). */
  assetTtlSeconds: z.number().int().positive().default(3_600),
  /** Where to POST `video.completed` / `video.failed` (Standard Webhooks) when a video ends; none when unset. */
  webhookUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** The `whsec_…` secret those events are signed with; given together with webhookUrl. */
  webhookSecret: z.string().regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, 'must be whsec_ followed by base64').optional(),
}).superRefine((settings, ctx) => {
  if ((settings.webhookUrl === undefined) !== (settings.webhookSecret === undefined)) {
    ctx.addIssue({ code: 'custom', path: ['webhookSecret'], message: 'webhookUrl and webhookSecret go together: give both or neither' });
  }
});

export type EmulatorSettings = z.output<typeof EmulatorSettingsSchema>;
/** Options of buildEmulator: any subset of the settings, plus a pino logger (silent without one). */
export type EmulatorOptions = z.input<typeof EmulatorSettingsSchema> & { logger?: Logger };

export function parseEmulatorSettings(options: z.input<typeof EmulatorSettingsSchema>): EmulatorSettings {
  const result = EmulatorSettingsSchema.safeParse(options);
  if (!result.success) throw new ConfigError(`Invalid emulator options:\n${z.prettifyError(result.error)}`);
  return result.data;
}

const settings = EmulatorSettingsSchema.shape;
/** An environment variable holding a number, checked by the setting's own schema. */
const numberFrom = <Out>(schema: z.ZodType<Out, number | undefined>) =>
  z.string().optional().transform((text) => (text === undefined ? undefined : Number(text))).pipe(schema);

const EmulatorEnvSchema = z.object({
  EMULATOR_HOST: z.string().min(1).default('127.0.0.1'),
  EMULATOR_PORT: numberFrom(z.number().int().min(0).max(65_535).default(4010)),
  EMULATOR_API_KEY: settings.apiKey,
  EMULATOR_RENDER_MS: numberFrom(settings.renderMs),
  EMULATOR_LATENCY_MS: numberFrom(settings.latencyMs),
  EMULATOR_FAULT: settings.fault,
  EMULATOR_MAX_VIDEOS: numberFrom(settings.maxVideos),
  EMULATOR_ASSET_TTL_SECONDS: numberFrom(settings.assetTtlSeconds),
  EMULATOR_WEBHOOK_URL: settings.webhookUrl,
  EMULATOR_WEBHOOK_SECRET: settings.webhookSecret,
  /** JSON in the shape of packages/shared/src/catalog/model-catalog.ts. */
  EMULATOR_MODEL_CATALOG: ConfigSchema.shape.MODEL_CATALOG,
  LOG_LEVEL: ConfigSchema.shape.LOG_LEVEL,
}).superRefine((env, ctx) => {
  if ((env.EMULATOR_WEBHOOK_URL === undefined) !== (env.EMULATOR_WEBHOOK_SECRET === undefined)) {
    ctx.addIssue({ code: 'custom', path: ['EMULATOR_WEBHOOK_SECRET'], message: 'EMULATOR_WEBHOOK_URL and EMULATOR_WEBHOOK_SECRET go together: give both or neither' });
  }
});

export interface EmulatorProcessConfig {
  host: string;
  port: number;
  logLevel: z.infer<typeof EmulatorEnvSchema>['LOG_LEVEL'];
  settings: EmulatorSettings;
}

/** Parses the environment once, at start-up; a bad value is reported by the variable's name. */
export function loadEmulatorConfig(env: Record<string, string | undefined> = process.env): EmulatorProcessConfig {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const result = EmulatorEnvSchema.safeParse(present);
  if (!result.success) throw new ConfigError(`Invalid emulator configuration:\n${z.prettifyError(result.error)}`);
  const parsed = result.data;
  return {
    host: parsed.EMULATOR_HOST,
    port: parsed.EMULATOR_PORT,
    logLevel: parsed.LOG_LEVEL,
    settings: {
      renderMs: parsed.EMULATOR_RENDER_MS,
      latencyMs: parsed.EMULATOR_LATENCY_MS,
      fault: parsed.EMULATOR_FAULT,
      apiKey: parsed.EMULATOR_API_KEY,
      catalog: parsed.EMULATOR_MODEL_CATALOG,
      maxVideos: parsed.EMULATOR_MAX_VIDEOS,
      assetTtlSeconds: parsed.EMULATOR_ASSET_TTL_SECONDS,
      webhookUrl: parsed.EMULATOR_WEBHOOK_URL,
      webhookSecret: parsed.EMULATOR_WEBHOOK_SECRET,
    },
  };
}
