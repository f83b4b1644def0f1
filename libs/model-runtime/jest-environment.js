// Jest runs tests in a separate V8 context, so a Float32Array made in a test is not `instanceof` the
// Float32Array onnxruntime-node checks against (microsoft/onnxruntime#16622 and jestjs/jest#2549). This
// environment hands the tests the host's typed-array constructors. Use it in any package whose tests run ONNX
// models: `testEnvironment: require.resolve('@industrialmind/model-runtime/jest-environment')`.
const { TestEnvironment } = require('jest-environment-node');

const SHARED = ['Float32Array', 'Float64Array', 'Int32Array', 'BigInt64Array', 'Uint8Array', 'Int8Array'];

class OnnxTestEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of SHARED) this.global[name] = globalThis[name];
  }
}

module.exports = OnnxTestEnvironment;
