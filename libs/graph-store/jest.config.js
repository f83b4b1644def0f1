// The Neo4j suite talks to a real server over Bolt: generous timeout for the first connection and migrations.
module.exports = require('@industrialmind/jest-config')({
  testTimeout: 60_000,
  collectCoverageFrom: ['src/**/*.ts', '!src/**/*.test.ts'],
});
