module.exports = require('@industrialmind/jest-config')({
  testTimeout: 120_000,
  collectCoverageFrom: ['src/**/*.ts', '!src/**/*.test.ts', '!src/main.ts', '!src/config.ts'],
});
