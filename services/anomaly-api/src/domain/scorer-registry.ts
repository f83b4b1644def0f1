import {
  AnomalyModelMetadataSchema,
  createAnomalyScorer,
  type AnomalyModelMetadata,
  type AnomalyScorer,
  type ScorerOptions,
  type ScoringInput,
  type ScoringResult,
} from '@industrialmind/anomaly-scoring';
import type { ModelDirectory } from '@industrialmind/model-runtime';

/** A reading to score, with the machine type that chooses the model. */
export interface TypedScoringInput extends ScoringInput {
  machineType: string;
}

export type RegistryResult = ScoringResult | { machineId: string; status: 'no_model' };

/** What the service knows about a served model. */
export interface ServedModel {
  machineType: string;
  metadata: AnomalyModelMetadata;
  loadedAtMs: number;
  scorer: AnomalyScorer;
}

/**
 * One scorer per machine type, each on the newest model of its type. When the model directory swaps in a newer
 * model, the new scorer takes over each machine's recent raw readings (same channels), so machines recalibrate
 * at their next reading instead of waiting out a fresh cold start.
 */
export interface ScorerRegistry {
  get(machineType: string): ServedModel | undefined;
  all(): ServedModel[];
  /** Scores readings of any machine types; results in input order. */
  score(inputs: readonly TypedScoringInput[]): Promise<RegistryResult[]>;
}

export function createScorerRegistry(
  directory: Pick<ModelDirectory<AnomalyModelMetadata>, 'all' | 'onChange'>,
  options: ScorerOptions,
  onSwap?: (
    machineType: string,
    next: AnomalyModelMetadata,
    previous: AnomalyModelMetadata | undefined,
  ) => void,
): ScorerRegistry {
  const served = new Map<string, ServedModel>();
  const install = (
    machineType: string,
    model: { metadata: AnomalyModelMetadata; onnx: Parameters<typeof createAnomalyScorer>[0]['onnx'] },
  ) => {
    const previous = served.get(machineType);
    const sameChannels =
      previous !== undefined && previous.metadata.channels.join(',') === model.metadata.channels.join(',');
    served.set(machineType, {
      machineType,
      metadata: model.metadata,
      loadedAtMs: Date.now(),
      scorer: createAnomalyScorer(model, options, sameChannels ? previous.scorer.histories() : undefined),
    });
    onSwap?.(machineType, model.metadata, previous?.metadata);
  };
  for (const [machineType, model] of directory.all()) install(machineType, model);
  directory.onChange((machineType, next) => install(machineType, next));

  return {
    get: (machineType) => served.get(machineType),
    all: () => [...served.values()],
    async score(inputs) {
      // Split by machine type, keeping each type's order (order per machine is all causality needs), then
      // put the results back in input order.
      const byType = new Map<string, number[]>();
      inputs.forEach((input, i) => {
        const list = byType.get(input.machineType);
        if (list) list.push(i);
        else byType.set(input.machineType, [i]);
      });
      const results = new Array<RegistryResult>(inputs.length);
      await Promise.all(
        [...byType].map(async ([machineType, indexes]) => {
          const model = served.get(machineType);
          if (!model) {
            for (const i of indexes) results[i] = { machineId: inputs[i]!.machineId, status: 'no_model' };
            return;
          }
          const scored = await model.scorer.score(indexes.map((i) => inputs[i]!));
          indexes.forEach((i, k) => (results[i] = scored[k]!));
        }),
      );
      return results;
    },
  };
}

export { AnomalyModelMetadataSchema };
