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
 * The cost of a video of this shape. Used for the estimate at submit and, with what the provider
 * actually delivered, for settlement; a size the catalogue does not price is an error, never a guess.
 */
export function priceVideoMicros(catalog: ModelCatalog, shape: VideoShape): number {
  const spec = findModel(catalog, shape.model);
  const perSecond = pricePerSecondOf(spec, shape.size);
  if (perSecond === undefined) {
    throw new InvalidRequestError(`No price for size '${shape.size}' of model '${shape.model}'.`, { param: 'size', code: 'invalid_size' });
  }
  const seconds = Number(shape.seconds);
  if (!Number.isSafeInteger(seconds) || seconds <= 0) {
    throw new InvalidRequestError(`Invalid seconds '${shape.seconds}'.`, { param: 'seconds', code: 'invalid_seconds' });
  }
  return perSecond * seconds;
}
