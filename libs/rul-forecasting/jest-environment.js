// Jest runs tests in a separate V8 realm; onnxruntime-node hands back typed arrays from the main realm, which fail
// onnxruntime-common's `instanceof Float32Array` checks there. Sharing the main realm's typed-array constructors
// fixes it (a known Jest + native-addon issue, e.g. jestjs/jest#2549). Used by every package that runs ONNX models
// under Jest: `testEnvironment: require.resolve('@industrialmind/rul-forecasting/jest-environment')`.
const { TestEnvironment } = require('jest-environment-node');

const SHARED = [
  'ArrayBuffer',
  'Float32Array',
  'Float64Array',
  'Int8Array',
  'Int16Array',
  'Int32Array',
  'Uint8Array',
  'Uint16Array',
  'Uint32Array',
  'BigInt64Array',
  'BigUint64Array',
];

class OnnxTestEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of SHARED) this.global[name] = globalThis[name];
  }
}

module.exports = OnnxTestEnvironment;
