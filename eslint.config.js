// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const nodeBuiltins = [
  'assert', 'async_hooks', 'buffer', 'child_process', 'cluster', 'crypto', 'dgram', 'dns', 'events', 'fs', 'fs/promises',
  'http', 'http2', 'https', 'net', 'os', 'path', 'perf_hooks', 'process', 'readline', 'stream', 'timers', 'tls', 'url',
  'util', 'v8', 'vm', 'worker_threads', 'zlib',
];

export default tseslint.config(
  { ignores: ['eslint.config.js', 'node_modules/**', 'dist/**', 'data/**', '.tools/**', 'test-results/**', 'bench/results/**', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { ...globals.node, ...globals.browser },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    // Workflow code must stay deterministic: no I/O, no clocks, no workers/db/api code in the bundle.
    files: ['engine/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [
          ...nodeBuiltins.map((name) => ({ name, message: 'engine/ is workflow code: no Node built-ins.' })),
          ...nodeBuiltins.map((name) => ({ name: `node:${name}`, message: 'engine/ is workflow code: no Node built-ins.' })),
          { name: 'postgres', message: 'engine/ never touches the database; call an activity.' },
          { name: 'nodemailer', message: 'engine/ never sends mail; call an activity.' },
          { name: 'json-rules-engine', message: 'engine/ never evaluates rules; call an activity.' },
          { name: 'uuid', message: 'Use uuid4() from @temporalio/workflow.' },
        ],
        patterns: [
          { group: ['**/workers/*', '**/workers/**', '!**/workers/activities'], message: 'engine/ imports workers only as `import type` of the Activities interface.' },
          { group: ['**/db/**', '**/db/*', '**/api/**', '**/api/*'], message: 'engine/ never imports db/ or api/.' },
        ],
      }],
      'no-restricted-syntax': ['error',
        { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'Use workflow time (Date is deterministic in workflows, but prefer explicit timers).' },
        { selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']", message: 'No randomness in workflows; use an activity or uuid4().' },
      ],
    },
  },
  {
    files: ['rules/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [
          { name: 'postgres', message: 'rules/ is pure: no I/O.' },
          { name: 'nodemailer', message: 'rules/ is pure: no I/O.' },
          { name: 'fs', message: 'rules/ is pure: no I/O.' },
          { name: 'node:fs', message: 'rules/ is pure: no I/O.' },
        ],
        patterns: [{ group: ['**/db/**', '**/api/**', '**/workers/**'], message: 'rules/ imports nothing with I/O.' }],
      }],
    },
  },
);
