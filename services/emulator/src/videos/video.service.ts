// The provider's rules: what a create or remix accepts, which faults it scripts, what a video looks like now, and
// when its content can be downloaded.
import { InvalidRequestError, notFound, NotFoundError, resolveVideoShape, type VideoVariant } from '@sora-studio/shared';
import { CreateFaultCounter } from '../faults/create-faults.ts';
import { DownloadFaultCounter } from '../faults/download-faults.ts';
import { layerDirectives, parseFaultDirectives, type ResolvedDirectives } from '../faults/fault-directives.ts';
import type { RequestFaults } from '../faults/request-faults.ts';
import { minimumPaddedBytes, paddedMp4Chunks } from '../render/padded-mp4.ts';
import { RenderCache } from '../render/render-cache.ts';
import type { EmulatorSettings } from '../emulator.config.ts';
import type { EmulatorStats } from '../stats/emulator-stats.ts';
import type { WebhookSender } from '../webhooks/webhook-sender.ts';
import { expiresAtMs, toProviderVideo, videoStateAt, type ProviderVideo } from './video.lifecycle.ts';
import { downloadBody, type VideoDownload } from './video-download.ts';
import { CreateBodySchema, ListQuerySchema, parseRequest, RemixBodySchema } from './video.schemas.ts';
import type { VideoRequestBody } from './video-request.parser.ts';
import { VideoStore, type VideoRecord } from './video.store.ts';

export interface VideoRequestContext {
  faults: RequestFaults;
  idempotencyKey?: string | undefined;
}

export interface VideoListPage {
  object: 'list';
  data: ProviderVideo[];
  first_id: string | null;
  last_id: string | null;
  has_more: boolean;
}

export class VideoService {
  readonly #settings: EmulatorSettings;
  readonly #serverDirectives: ResolvedDirectives;
  readonly #stats: EmulatorStats;
  readonly #store: VideoStore;
  readonly #createFaults = new CreateFaultCounter();
  readonly #downloadFaults = new DownloadFaultCounter();
  readonly #renders = new RenderCache();
  readonly #now: () => number;
  readonly #webhooks: WebhookSender | undefined;

  constructor(deps: { settings: EmulatorSettings; stats: EmulatorStats; now?: () => number; webhooks?: WebhookSender }) {
    this.#settings = deps.settings;
    this.#webhooks = deps.webhooks;
    this.#stats = deps.stats;
    this.#store = new VideoStore(deps.settings.maxVideos);
    this.#now = deps.now ?? Date.now;
    const serverFaults = parseFaultDirectives(deps.settings.fault, { param: null, bracketsOnly: false });
    this.#serverDirectives = layerDirectives({ latency: deps.settings.latencyMs, render_ms: deps.settings.renderMs }, serverFaults);
  }

  get serverDirectives(): ResolvedDirectives {
    return this.#serverDirectives;
  }

  create(body: VideoRequestBody, context: VideoRequestContext): ProviderVideo {
    const replayed = this.#replay(context);
    if (replayed) return replayed;
    const fields = parseRequest(CreateBodySchema, body.fields);
    if (fields.input_reference && body.inputReference) {
      throw new InvalidRequestError('Give input_reference either as a file or as an object, not both.', { param: 'input_reference' });
    }
    const shape = resolveVideoShape(this.#settings.catalog, fields);
    return this.#admit({ ...shape, prompt: fields.prompt, remixedFromVideoId: null }, context);
  }

  /** A new video from a finished one: same model, size and duration, new prompt. */
  remix(sourceId: string, body: VideoRequestBody, context: VideoRequestContext): ProviderVideo {
    const replayed = this.#replay(context);
    if (replayed) return replayed;
    const source = this.#find(sourceId, context);
    const { prompt } = parseRequest(RemixBodySchema, body.fields);
    const { status } = videoStateAt(source, this.#now());
    if (status !== 'completed') {
      throw new InvalidRequestError(`Video '${sourceId}' cannot be remixed until it is completed; it is ${status}.`, { code: 'video_not_ready' });
    }
    const { model, size, seconds } = source;
    return this.#admit({ model, size, seconds, prompt, remixedFromVideoId: source.id }, context);
  }

  retrieve(id: string, context: VideoRequestContext): ProviderVideo {
    return this.#present(this.#find(id, context));
  }

  list(query: unknown): VideoListPage {
    const page = this.#store.page(parseRequest(ListQuerySchema, query));
    const data = page.videos.map((record) => this.#present(record));
    return { object: 'list', data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: page.hasMore };
  }

  delete(id: string, context: VideoRequestContext): { id: string; object: 'video.deleted'; deleted: true } {
    this.#find(id, context);
    this.#store.delete(id);
    this.#webhooks?.cancel(id);
    this.#downloadFaults.forget(id);
    return { id, object: 'video.deleted', deleted: true };
  }

  /**
   * A download of one variant, as its directives script it: refused (download_fail), padded to asset_bytes,
   * paced to download_rate, cut short (download_cut). A refused download still counts towards the script.
   */
  content(id: string, variant: VideoVariant, context: VideoRequestContext): VideoDownload {
    const record = this.#find(id, context);
    const directives = context.faults.concern(record.directives);
    const now = this.#now();
    const state = videoStateAt(record, now);
    if (state.status !== 'completed') {
      throw new InvalidRequestError(`Video '${id}' has no content: it is ${state.status}.`, { code: 'video_not_ready' });
    }
    if ((expiresAtMs(record, state, this.#settings.assetTtlSeconds) ?? Infinity) <= now) {
      throw new NotFoundError(`The content of video '${id}' has expired.`, { param: 'id', code: 'video_expired' });
    }
    const rendered = this.#renders.rendered(record, variant);
    const padded = variant === 'video' ? directives.asset_bytes : undefined;
    if (padded !== undefined && padded < minimumPaddedBytes(rendered.bytes.length)) {
      throw new InvalidRequestError(
        `asset_bytes=${padded} is too small: this video renders to ${rendered.bytes.length} bytes, so it needs at least ${minimumPaddedBytes(rendered.bytes.length)}.`,
        { code: 'invalid_emulator_directive' },
      );
    }
    const cut = this.#downloadFaults.countDownload(id, directives) === 'cut';
    const length = padded ?? rendered.bytes.length;
    const chunks = padded === undefined ? [rendered.bytes] : paddedMp4Chunks(rendered.bytes, padded);
    const body = downloadBody(chunks, { bytesPerSecond: directives.download_rate, cutAfterBytes: cut ? Math.floor(length / 2) : undefined });
    return { contentType: rendered.contentType, length, body };
  }

  #admit(video: Omit<VideoRecord, 'id' | 'createdAtMs' | 'directives'>, context: VideoRequestContext): ProviderVideo {
    const fromPrompt = parseFaultDirectives(video.prompt, { param: 'prompt', bracketsOnly: true });
    const directives = context.faults.concern(layerDirectives(this.#serverDirectives, fromPrompt));
    this.#createFaults.countAttempt(video.prompt, directives);
    const now = this.#now();
    const record: VideoRecord = { ...video, id: this.#store.newId(now), createdAtMs: now, directives };
    this.#store.add(record, context.idempotencyKey);
    this.#stats.recordCreate(context.idempotencyKey);
    this.#announceEnd(record);
    return this.#present(record);
  }

  /**
   * With webhooks configured, the video's event goes out the moment its state (a function of its age) becomes
   * terminal. The timer only says when to look: the state is computed again when it fires, so a video deleted or
   * forgotten since sends nothing, and a stalled one never ends.
   */
  #announceEnd(record: VideoRecord): void {
    const webhooks = this.#webhooks;
    if (!webhooks || record.directives.stall) return;
    const check = (): void => {
      const current = this.#store.get(record.id);
      if (!current) return;
      const state = videoStateAt(current, this.#now());
      if (state.finishedAtMs === null) {
        // Timers may fire a millisecond early by the wall clock; look again when it really ends.
        webhooks.schedule(record.id, Math.max(1, current.createdAtMs + current.directives.render_ms - this.#now()), check);
        return;
      }
      const type = state.status === 'failed' ? 'video.failed' : 'video.completed';
      webhooks.send(record.id, type, Math.floor(state.finishedAtMs / 1000));
    };
    webhooks.schedule(record.id, record.directives.render_ms, check);
  }

  /** The same Idempotency-Key returns the video it first created, as it is now. */
  #replay(context: VideoRequestContext): ProviderVideo | undefined {
    if (context.idempotencyKey === undefined) return undefined;
    const record = this.#store.findByIdempotencyKey(context.idempotencyKey);
    if (!record) return undefined;
    context.faults.concern(record.directives);
    return this.#present(record);
  }

  #find(id: string, context: VideoRequestContext): VideoRecord {
    const record = this.#store.get(id);
    if (!record) throw notFound('video', id);
    context.faults.concern(record.directives);
    return record;
  }

  #present(record: VideoRecord): ProviderVideo {
    return toProviderVideo(record, this.#now(), this.#settings.assetTtlSeconds);
  }
}
