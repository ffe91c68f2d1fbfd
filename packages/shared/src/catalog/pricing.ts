// Turning a model, size and duration into money. Pure functions over the catalogue; integers only.
import { InvalidRequestError } from '../errors.ts';
import { hasModel, pricePerSecondOf, type ModelCatalog, type ModelSpec } from './model-catalog.ts';

export interface VideoShape {
  model: string;
  size: string;
  seconds: string;
}

export function findModel(catalog: ModelCatalog, model: string): ModelSpec {
  const spec = hasModel(catalog, model) ? catalog.models[model] : undefined;
  if (!spec) {
    const known = Object.keys(catalog.models).join(', ');
    throw new InvalidRequestError(`Unknown model '${model}'. Available models: ${known}.`, { param: 'model', code: 'invalid_model' });
  }
  return spec;
}

/** Fills in the model's defaults and checks the size and duration against the catalogue. */
export function resolveVideoShape(
  catalog: ModelCatalog,
  requested: { model?: string | undefined; size?: string | undefined; seconds?: string | undefined },
): VideoShape {
  const model = requested.model ?? catalog.defaultModel;
  const spec = findModel(catalog, model);
  const size = requested.size ?? spec.defaultSize;
  const seconds = requested.seconds ?? spec.defaultSeconds;
  if (pricePerSecondOf(spec, size) === undefined) {
    const allowed = Object.keys(spec.pricePerSecondMicros).join(', ');
    throw new InvalidRequestError(`Invalid size '${size}' for model '${model}'. Allowed sizes: ${allowed}.`, { param: 'size', code: 'invalid_size' });
  }
  if (!spec.seconds.includes(seconds)) {
    throw new InvalidRequestError(
      `Invalid seconds '${seconds}' for model '${model}'. Allowed values: ${spec.seconds.join(', ')}.`,
      { param: 'seconds', code: 'invalid_seconds' },
    );
  }
  return { model, size, seconds };
}

/**
 * The cost of a video of this shape, or null when the catalogue has no price for it: never a guess. The
 * worker settles with this (a delivery we cannot price is not a client's mistake); requests use
 * priceVideoMicros, which says what was wrong.
 */
export function findPriceMicros(catalog: ModelCatalog, shape: VideoShape): number | null {
  const spec = hasModel(catalog, shape.model) ? catalog.models[shape.model] : undefined;
  const perSecond = spec ? pricePerSecondOf(spec, shape.size) : undefined;
  const seconds = Number(shape.seconds);
  if (perSecond === undefined || !Number.isSafeInteger(seconds) || seconds <= 0) return null;
  return perSecond * seconds;
}

/** The cost of a requested video of this shape; a shape the catalogue does not price is a client error. */
export function priceVideoMicros(catalog: ModelCatalog, shape: VideoShape): number {
  const price = findPriceMicros(catalog, shape);
  if (price !== null) return price;
  const spec = findModel(catalog, shape.model);
  if (pricePerSecondOf(spec, shape.size) === undefined) {
    throw new InvalidRequestError(`No price for size '${shape.size}' of model '${shape.model}'.`, { param: 'size', code: 'invalid_size' });
  }
  throw new InvalidRequestError(`Invalid seconds '${shape.seconds}'.`, { param: 'seconds', code: 'invalid_seconds' });
}
