module.exports = require('@industrialmind/jest-config')({
  collectCoverageFrom: ['src/**/*.ts', '!src/**/*.test.ts', '!src/main.ts', '!src/server.ts'],
});
