import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const nodeOnly = ['node:*', 'fs', 'path', 'os', 'crypto', 'child_process', 'better-sqlite3'];

export default tseslint.config(
  { ignores: ['out/**', 'release/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', '.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/ban-ts-comment': ['error', { 'ts-ignore': true, 'ts-expect-error': 'allow-with-description' }],
    },
  },
  {
    // The pure core shared by both sides: no I/O, no Electron, no UI.
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: [...nodeOnly, 'electron', 'react', 'react-dom'], message: 'shared/ is pure: no I/O, Electron or UI imports' }] },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'shared/ is pure' },
        { name: 'window', message: 'shared/ is pure' },
        { name: 'document', message: 'shared/ is pure' },
      ],
    },
  },
  {
    // Only electron/main and electron/preload may touch Electron; the core runs in plain Node.
    files: ['electron/core/**/*.ts', 'electron/cli/**/*.ts', 'electron/host/**/*.ts', 'electron/backend-process/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'only electron/main and electron/preload import electron' }] }],
    },
  },
  {
    // The core runs in the utility process (electron/backend-process); the window's process only bridges to it.
    files: ['electron/main/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/core/**', '**/core'], message: 'electron/main imports no part of the core: it runs in the backend process' }] },
      ],
    },
  },
  {
    // The renderer talks only to the contract.
    files: ['renderer/src/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: [...nodeOnly, 'electron', '**/electron/**'], message: 'the renderer talks only to shared/contract' }] },
      ],
    },
  },
);
