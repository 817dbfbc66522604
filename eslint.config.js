// The static check of the shipped JavaScript and the tests (`./build.sh test`, stage "lint"):
// rules that catch bugs (undefined names, unused variables, loose equality, accidental globals,
// unreachable code), not style; zero warnings allowed. Each group says which globals its files
// really have: the service worker and extension pages are modules, content scripts and the
// message registry are classic scripts sharing `globalThis.Leadline`, tests run in Node (and
// pass functions to the browser through playwright's `evaluate`, hence the browser globals).
import js from '@eslint/js';
import globals from 'globals';

/** Rules every file gets, beyond eslint's recommended (correctness) set. */
const RULES = {
  eqeqeq: ['error', 'always', { null: 'ignore' }],
  'no-implicit-globals': 'error',
  'no-unused-vars': ['error', { args: 'after-used', argsIgnorePattern: '^_', caughtErrors: 'none' }],
  'no-var': 'error',
  'no-throw-literal': 'error',
  'no-self-compare': 'error',
  'no-unmodified-loop-condition': 'error',
  'no-unreachable-loop': 'error',
  'no-constructor-return': 'error',
  'array-callback-return': 'error',
};

export default [
  { ignores: ['dist/', 'target/', 'target-wasm/', 'node_modules/', 'extension/wasm/'] },
  js.configs.recommended,
  { rules: RULES, linterOptions: { reportUnusedDisableDirectives: 'error' } },
  {
    files: ['extension/background/**/*.js', 'extension/options/**/*.js', 'extension/popup/**/*.js', 'extension/import/**/*.js'],
    languageOptions: { sourceType: 'module', globals: { ...globals.browser, ...globals.serviceworker, ...globals.webextensions } },
  },
  {
    files: ['extension/content/**/*.js', 'extension/shared/**/*.js', 'tests/fixtures/**/*.js', 'tests/e2e/other-extension/**/*.js'],
    languageOptions: { sourceType: 'script', globals: { ...globals.browser, ...globals.webextensions } },
  },
  {
    files: ['tests/**/*.mjs', 'tests/**/*.cjs', 'eslint.config.js'],
    languageOptions: { sourceType: 'module', globals: { ...globals.node, ...globals.browser, ...globals.webextensions } },
  },
  { files: ['tests/**/*.cjs'], languageOptions: { sourceType: 'commonjs' } },
];
