module.exports = require('@industrialmind/jest-config')({
  testTimeout: 300_000,
  collectCoverageFrom: ['src/**/*.ts', '!src/**/*.test.ts', '!src/main.ts', '!src/config.ts'],
});
