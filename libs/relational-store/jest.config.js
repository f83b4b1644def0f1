// PGlite starts a WASM PostgreSQL per test (about a second): generous timeouts. The generated Prisma client
// imports its own modules with .js suffixes (Node16 style); jest resolves them to the .ts sources.
module.exports = require('@industrialmind/jest-config')({
  testTimeout: 60_000,
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  collectCoverageFrom: ['src/**/*.ts', '!src/**/*.test.ts', '!src/generated/**'],
});
