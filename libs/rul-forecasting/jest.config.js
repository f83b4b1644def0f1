module.exports = require('@industrialmind/jest-config')({
  testTimeout: 30_000,
  testEnvironment: require.resolve('./jest-environment.js'),
  collectCoverageFrom: ['src/**/*.ts', '!src/**/*.test.ts', '!src/testing/**'],
});
