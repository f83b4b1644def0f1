// @industrialmind/model-runtime: serving side of trained models (ARCHITECTURE.md §5).
export {
  ModelMetadataBaseSchema,
  parseModelMetadata,
  readModelMetadata,
  type ModelMetadataBase,
} from './metadata';
export { loadOnnxModel, type FloatOutput, type LoadOnnxOptions, type OnnxModel } from './session';
export {
  createModelDirectory,
  type LoadedModel,
  type ModelDirectory,
  type ModelDirectoryLogger,
  type ModelDirectoryOptions,
} from './model-directory';
