import { join } from 'node:path';

/**
 * A folder holding `rul-fixture.onnx` + `.json`: a tiny model with random weights for machine type `cnc-mill`
 * (`machine_id_pattern` `^mill-`, window 5, unit hours), written by `python -m industrialmind_trainer.rul.fixture`.
 * Its numbers mean nothing; tests use it to exercise windows, batching, hot reload and ONNX Runtime.
 */
export const FIXTURE_MODELS_DIR = join(__dirname, '..', '..', 'test', 'fixtures');
export const FIXTURE_MODEL_NAME = 'rul-fixture';

/**
 * A folder holding `rul-fixture-history`: the same kind of model with history inputs (the first 3 readings and the
 * age), and `rul-fixture-history.expected` (JSON), whole machine histories with PyTorch's outputs for them
 * (`python -m industrialmind_trainer.rul.fixture --history DIR`).
 */
export const FIXTURE_HISTORY_MODELS_DIR = join(__dirname, '..', '..', 'test', 'fixtures-history');
export const FIXTURE_HISTORY_MODEL_NAME = 'rul-fixture-history';
