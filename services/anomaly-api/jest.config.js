module.exports = require('@industrialmind/jest-config')({
  testTimeout: 120_000,
  testEnvironment: require.resolve('@industrialmind/model-runtime/jest-environment'),
});
