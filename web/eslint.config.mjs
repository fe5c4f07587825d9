// eslint.config.mjs -- lint rules for the dashboard's plain browser modules
import js from '@eslint/js';

const browser = {
  window: 'readonly', document: 'readonly', location: 'readonly', history: 'readonly', navigator: 'readonly',
  fetch: 'readonly', AbortController: 'readonly', TextDecoder: 'readonly', URL: 'readonly',
  URLSearchParams: 'readonly', Blob: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly',
  globalThis: 'readonly', console: 'readonly', localStorage: 'readonly', getComputedStyle: 'readonly',
};

export default [
  js.configs.recommended,
  {
    files: ['*.js'],
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: browser },
    rules: {
      'no-unused-vars': ['error', { args: 'after-used', caughtErrors: 'none' }],
      'no-var': 'error',
      'prefer-const': 'error',
      eqeqeq: 'error',
      'no-console': 'error',
      'no-implicit-globals': 'error',
      'no-shadow': 'error',
      curly: ['error', 'multi-line'],
    },
  },
];
