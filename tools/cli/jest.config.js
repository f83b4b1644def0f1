module.exports = require('@industrialmind/jest-config')({
  // eval rul runs ONNX models: Jest needs the main realm's typed arrays (see the environment's comment).
  testEnvironment: require.resolve('@industrialmind/rul-forecasting/jest-environment'),
});
