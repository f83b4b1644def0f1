// @industrialmind/anomaly-scoring: the scoring shared by anomaly-api and `industrialmind eval anomaly`.
export { AnomalyModelMetadataSchema, type AnomalyModelMetadata } from './metadata';
export {
  createAnomalyScorer,
  type AnomalyEventState,
  type AnomalyModelHandle,
  type AnomalyScorer,
  type ScorerOptions,
  type ScoringInput,
  type ScoringResult,
  type WindowResult,
} from './scorer';
export { median, quantileSorted, robustFit, type RobustFit } from './stats';
