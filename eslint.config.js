// ESLint 9 flat config. Fast (no type-aware rules): type errors are tsc's job, this catches mistakes tsc lets through
// and keeps protocol/ importable from a browser.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Packages that only run in Node (native addons, sockets, files); protocol/ is bundled into the UI. */
const NODE_ONLY_PACKAGES = [
  'ws',
  'pino',
  'pino-roll',
  'better-sqlite3',
  'pg',
  'pg-cursor',
  'mysql2',
  'piscina',
  'comlink',
  '@napi-rs/keyring',
  'croner',
];

const WORKER_PROTOCOL_MESSAGE =
  'Workers import values from protocol/errors.js, protocol/run-defaults.js, protocol/secret-fields.js and protocol/sql-split.js only (schema-free); `import type` is fine.';
const SUPERVISOR_WORKERS_MESSAGE =
  'The supervisor imports from workers/ only what both ends of the worker channel share: workers/channel/ (docs/architecture.md).';
const PROTOCOL_MESSAGE = 'protocol/ is imported by the browser UI: no Node builtins or Node-only packages here.';

export default defineConfig([
  globalIgnores(['dist/', 'node_modules/', 'coverage/', 'ui/dist/', '.data/']),

  js.configs.recommended,
  tseslint.configs.recommended,

  {
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: { ...globals.node },
    },
    linterOptions: { reportUnusedDisableDirectives: 'warn' },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      // An empty block is fine when a comment says why (`catch { /* already closed */ }`); no-empty's default allows
      // exactly that and still flags a silent empty catch.
      'no-empty': 'error',
      '@typescript-eslint/no-explicit-any': 'warn',
      // `Record<string, never>` and `z.object({})` results are the contract's way of saying "empty object".
      '@typescript-eslint/no-empty-object-type': ['error', { allowInterfaces: 'with-single-extends' }],
      // A zero-width space in a comment is how `*/` is written inside a block comment; elsewhere it is still an error.
      'no-irregular-whitespace': ['error', { skipComments: true }],
      eqeqeq: ['error', 'smart'],
      'no-console': 'off',
      'prefer-const': ['error', { destructuring: 'all' }],
    },
  },

  {
    files: ['protocol/**/*.ts'],
    languageOptions: { globals: { ...globals.es2022 } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...builtinModules, ...NODE_ONLY_PACKAGES].map((name) => ({ name, message: PROTOCOL_MESSAGE })),
          patterns: [
            { group: ['node:*'], message: PROTOCOL_MESSAGE },
            // Subpaths such as `fs/promises` or `pg/lib/...`.
            { group: [...builtinModules, ...NODE_ONLY_PACKAGES].map((name) => `${name}/*`), message: PROTOCOL_MESSAGE },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        ...['process', 'Buffer', 'require', 'module', '__dirname', '__filename', 'global', 'setImmediate'].map((name) => ({
          name,
          message: PROTOCOL_MESSAGE,
        })),
      ],
    },
  },

  {
    // A connection worker starts a fresh isolate per connection: importing protocol/index.js (or any module that
    // builds zod schemas) would construct the whole protocol's schemas in every one of them (~70 ms of CPU per
    // connection opened). Types are free; values come from the schema-free modules.
    files: ['workers/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'zod', message: WORKER_PROTOCOL_MESSAGE, allowTypeImports: true }],
          patterns: [
            {
              group: ['**/protocol/*.js', '!**/protocol/errors.js', '!**/protocol/run-defaults.js', '!**/protocol/secret-fields.js', '!**/protocol/sql-split.js'],
              message: WORKER_PROTOCOL_MESSAGE,
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },

  {
    // The worker channel's contract lives in workers/channel/; anything else in workers/ is the worker's own inside
    // (drivers, run loop) and must not load into the supervisor. The worker entry is spawned by URL, not imported.
    files: ['supervisor/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: String.raw`(^|/)workers/(?!channel/[^/]+$)`,
              message: SUPERVISOR_WORKERS_MESSAGE,
            },
          ],
        },
      ],
    },
  },

  {
    files: ['ui/**/*.{ts,tsx,js,jsx}'],
    ignores: ['ui/electron/**'],
    languageOptions: { globals: { ...globals.browser } },
  },

  {
    files: ['test/**/*.ts'],
    rules: {
      // Tests poke at untyped wire data on purpose.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
]);
