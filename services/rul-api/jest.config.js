module.exports = require('@industrialmind/jest-config')({
  testTimeout: 60_000,
  // ONNX Runtime under Jest needs the main realm's typed arrays (see the environment's comment).
  testEnvironment: require.resolve('@industrialmind/rul-forecasting/jest-environment'),
});
