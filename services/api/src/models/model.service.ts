// The model catalogue (config's MODEL_CATALOG) as OpenAI's model objects, with the sizes, prices and
// durations a client needs to build a form and show a price without a second call.
import { hasModel, notFound, type ModelCatalog, type ModelList, type ModelObject, type ModelSpec } from '@sora-studio/shared';

/**
 * `created` of every model. The catalogue is configuration and carries no dates, so there is nothing true
 * to say; 0 is a fixed value (not the process's start), so every API process and every restart answer alike.
 */
export const MODEL_CREATED_AT = 0;
/** `owned_by`: the catalogue prices what this deployment's provider renders; OpenAI's own list says "system". */
export const MODEL_OWNER = 'system';

function toModelObject(catalog: ModelCatalog, id: string, spec: ModelSpec): ModelObject {
  return {
    id,
    object: 'model',
    created: MODEL_CREATED_AT,
    owned_by: MODEL_OWNER,
    default: id === catalog.defaultModel,
    // In the catalogue's own order, which is the order its author chose to offer them in.
    sizes: Object.entries(spec.pricePerSecondMicros).map(([size, micros]) => ({ size, price_per_second_micros: micros })),
    seconds: [...spec.seconds],
    default_size: spec.defaultSize,
    default_seconds: spec.defaultSeconds,
  };
}

export function createModelService(deps: { catalog: ModelCatalog }) {
  const { catalog } = deps;
  return {
    list(): ModelList {
      return { object: 'list', data: Object.entries(catalog.models).map(([id, spec]) => toModelObject(catalog, id, spec)) };
    },

    /** Own properties only (hasModel), so `constructor` or `__proto__` is a 404 like any unknown name. */
    retrieve(model: string): ModelObject {
      if (!hasModel(catalog, model)) throw notFound('model', model, 'model');
      return toModelObject(catalog, model, catalog.models[model]!);
    },
  };
}

export type ModelService = ReturnType<typeof createModelService>;
