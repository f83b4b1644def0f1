const base = require('@industrialmind/eslint-config');

// src/generated is Prisma's output (`pnpm run generate`), not ours to lint.
module.exports = [{ ignores: ['src/generated/**'] }, ...base];
