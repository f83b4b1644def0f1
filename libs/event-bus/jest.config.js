// The Kafka suite starts and kills consumer processes and waits for group rebalances: generous timeout.
module.exports = require('@industrialmind/jest-config')({
  testTimeout: 120_000,
  collectCoverageFrom: ['src/**/*.ts', '!src/**/*.test.ts', '!src/testing/crashing-consumer.ts'],
});
