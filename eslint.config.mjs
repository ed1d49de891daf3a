// Lint, and the layers of STYLE.md enforced with no-restricted-imports (as VS Code's own
// local/code-layering does): core is pure, the webview talks to the host only through src/shared.
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['node:*', 'fs', 'fs/*', 'http', 'https', 'net', 'tls', 'child_process', 'path', 'os', 'crypto'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.vscode-test/**', 'scratch/**', 'test-results/**', '*.vsix'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['vscode'], message: 'src/core is pure: no vscode (STYLE.md).' },
          { group: nodeBuiltins, message: 'src/core is pure: no fs/http/crypto modules; take them as parameters (STYLE.md).' },
          { group: ['**/extension/**', '**/cli/**', '**/webview/**'], message: 'src/core must not depend on outer layers.' },
        ],
      }],
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['vscode', ...nodeBuiltins], message: 'src/shared is plain types for host and webview.' },
          { group: ['**/core/**', '**/extension/**', '**/cli/**', '@peculiar/*'], message: 'src/shared imports nothing else from src/.' },
        ],
      }],
    },
  },
  {
    files: ['webview/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['vscode', ...nodeBuiltins], message: 'The webview runs in a browser.' },
          { group: ['**/src/core/**', '**/src/extension/**', '**/src/cli/**'], message: 'The webview imports only src/shared (STYLE.md).' },
        ],
      }],
    },
  },
  {
    files: ['src/node/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['vscode'], message: 'src/node is shared by the CLI and the extension: no vscode.' }, { group: ['**/extension/**', '**/cli/**'], message: 'src/node must not depend on its users.' }] }],
    },
  },
  {
    files: ['src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['vscode'], message: 'The CLI runs without VS Code.' }] }],
    },
  },
);
