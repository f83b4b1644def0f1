module.exports = require('@industrialmind/jest-config')({
  // eval anomaly and eval rul run ONNX models: the host's typed arrays must be visible to onnxruntime-node.
  testEnvironment: require.resolve('@industrialmind/model-runtime/jest-environment'),
});
