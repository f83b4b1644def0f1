// Shared flat config. Each package's eslint.config.js spreads it.
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');
const prettier = require('eslint-config-prettier');
const globals = require('globals');

module.exports = tseslint.config(
  { ignores: ['dist/**', 'coverage/**', '**/*.js', '**/*.cjs', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
      // Packages talk through their public entry points, never through relative paths into each other.
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../../*', '**/libs/*', '**/services/*', '@industrialmind/*/src/*'],
              message: 'Import another package by its name, not by path.',
            },
          ],
        },
      ],
      // process.env is read only by config.ts and env.ts files (STYLE.md, Configuration).
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read the environment only in config.ts or env.ts.' },
      ],
    },
  },
  {
    files: ['**/config.ts', '**/env.ts', '**/*.test.ts', '**/test/**', '**/testing/**'],
    rules: { 'no-restricted-properties': 'off' },
  },
  { files: ['**/*.test.ts', '**/test/**'], rules: { '@typescript-eslint/no-non-null-assertion': 'off' } },
);
