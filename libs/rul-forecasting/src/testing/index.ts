import { join } from 'node:path';

/**
 * A folder holding `rul-fixture.onnx` + `.json`: a tiny model with random weights for machine type `cnc-mill`
 * (`machine_id_pattern` `^mill-`, window 5, unit hours), written by `python -m industrialmind_trainer.rul.fixture`.
 * Its numbers mean nothing; tests use it to exercise windows, batching, hot reload and ONNX Runtime.
 */
export const FIXTURE_MODELS_DIR = join(__dirname, '..', '..', 'test', 'fixtures');
export const FIXTURE_MODEL_NAME = 'rul-fixture';
