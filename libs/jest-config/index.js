// Shared jest settings: TypeScript through swc (type checking is `tsc --noEmit`, run as `typecheck`),
// coverage of src/ with an 80 % line floor per package.
module.exports = function createJestConfig(overrides = {}) {
  return {
    testEnvironment: 'node',
    verbose: true,
    roots: ['<rootDir>/src', '<rootDir>/test'].filter((dir) =>
      require('fs').existsSync(dir.replace('<rootDir>', process.cwd())),
    ),
    testMatch: ['**/*.test.ts'],
    transform: {
      '^.+\\.ts$': [
        '@swc/jest',
        { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
      ],
    },
    moduleFileExtensions: ['ts', 'js', 'json'],
    collectCoverageFrom: ['src/**/*.ts', '!src/**/*.test.ts', '!src/**/*.d.ts', '!src/main.ts'],
    coverageReporters: ['text-summary', 'json-summary'],
    coverageThreshold: { global: { lines: 80 } },
    ...overrides,
  };
};
