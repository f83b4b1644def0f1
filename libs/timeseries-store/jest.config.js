// The InfluxDB contract run writes 20,000-point batches and creates a database per test: generous timeout.
module.exports = require('@industrialmind/jest-config')({
  testTimeout: 60_000,
  collectCoverageFrom: ['src/**/*.ts', '!src/**/*.test.ts', '!src/testing/write-ceiling.ts'],
});
