// Lint, and the layers of docs/ARCHITECTURE.md: an allow-list per folder (scripts/lint/layers.mjs,
// after VS Code's local/code-layering) and no import cycles (eslint-plugin-import-x's no-cycle).
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import layers from './scripts/lint/layers.mjs';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      '.vscode-test/**',
      '.peers/**',
      'scratch/**',
      'test-results/**',
      '*.vsix',
    ],
  },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.ts', 'webview/**/*.ts'],
    plugins: { local: layers, 'import-x': importX },
    settings: {
      'import-x/resolver-next': [importX.createNodeResolver({ extensions: ['.ts', '.js', '.mjs'] })],
      'import-x/extensions': ['.ts'],
    },
    rules: {
      'local/layers': 'error',
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
);
