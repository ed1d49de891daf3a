/**
 * The layers lint (scripts/lint/layers.mjs and import-x/no-cycle): a probe in every forbidden
 * direction must fail, and the allowed directions must pass, so the allow-lists cannot rot.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ESLint } from 'eslint';

const root = join(__dirname, '..', '..');
const eslint = new ESLint({ cwd: root });

async function messages(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, file) });
  return result.messages
    .filter((m) => m.ruleId === 'local/layers' || m.ruleId === 'import-x/no-cycle')
    .map((m) => `${m.ruleId}: ${m.message}`);
}

const forbidden: [string, string][] = [
  ['src/core/compose/probe.ts', "import '../../node/httpPost';"],
  ['src/core/compose/probe.ts', "import 'zlib';"],
  ['src/core/compose/probe.ts', "import 'buffer';"],
  ['src/core/compose/probe.ts', "import { readFileSync } from 'node:fs'; export const r = readFileSync;"],
  ['src/core/compose/probe.ts', "import 'vscode';"],
  ['src/core/compose/probe.ts', "import '../../app';"],
  ['src/core/compose/probe.ts', "import '../inspect';"],
  ['src/core/compose/probe.ts', "import '../protection/verify';"],
  ['src/core/compose/probe.ts', "export * from '../../node/httpPost';"],
  ['src/core/compose/probe.ts', "export const f = () => import('node:fs');"],
  ['src/core/compose/probe.ts', "export const f = () => require('node:http');"],
  ['src/core/compose/probe.ts', "import 'left-pad';"],
  ['src/core/protection/probe.ts', "import '../checks';"],
  ['src/core/capture/probe.ts', "import '../protection';"],
  ['src/core/base/probe.ts', "import '../protection';"],
  ['src/core/asn1/probe.ts', "import '../base';"],
  ['src/core/der/probe.ts', "import '../asn1';"],
  ['src/shared/probe.ts', "import '../node/httpPost';"],
  ['src/shared/probe.ts', "import '../core/asn1';"],
  ['src/shared/probe.ts', "import '@peculiar/asn1-schema';"],
  ['webview/inspector/probe.ts', "import '../../src/node/httpPost';"],
  ['webview/inspector/probe.ts', "import '@peculiar/asn1-schema';"],
  ['webview/inspector/probe.ts', "import '../../src/core/der/reader';"],
  ['webview/inspector/probe.ts', "import '../../src/app';"],
  ['webview/inspector/probe.ts', "import 'vscode';"],
  ['src/app/probe.ts', "import 'vscode';"],
  ['src/app/probe.ts', "import 'node:fs';"],
  ['src/app/probe.ts', "import '../node/exchangeStore';"],
  ['src/app/probe.ts', "import '../extension/secrets';"],
  ['src/app/probe.ts', "import '../core/inspect/annotate';"],
  ['src/extension/probe.ts', "import '../cli/main';"],
  ['src/extension/probe.ts', "import '../../webview/inspector/main';"],
  ['src/extension/probe.ts', "import '../core/protection/verify';"],
  // Shared extension code runs in the web worker host too: no Node, no src/node, not the Node platform.
  ['src/extension/probe.ts', "import 'node:crypto';"],
  ['src/extension/probe.ts', "import '../node/httpPost';"],
  ['src/extension/web/probe.ts', "import '../node/platform';"],
  ['src/extension/web/probe.ts', "import 'node:fs';"],
  ['src/cli/probe.ts', "import '../extension/secrets';"],
  ['src/cli/probe.ts', "import 'vscode';"],
  ['src/node/probe.ts', "import 'vscode';"],
  ['src/node/probe.ts', "import '../cli/io';"],
  ['src/node/probe.ts', "import '../extension/secrets';"],
];

const allowed: [string, string][] = [
  [
    'src/core/compose/probe.ts',
    "import '../base'; import '../asn1'; import '../der/reader'; import '../protection'; import '../../shared/findings'; import '@peculiar/asn1-x509';",
  ],
  ['src/core/inspect/probe.ts', "import '../base/pem'; import '../asn1/oids'; import './model';"],
  [
    'src/app/probe.ts',
    "import '../core/inspect'; import '../core/base'; import '../shared/protocol'; import './ports';",
  ],
  [
    'src/extension/probe.ts',
    "import 'vscode'; import '../app'; import '../core/testca'; import './platform';",
  ],
  [
    'src/extension/node/probe.ts',
    "import 'vscode'; import '../../app'; import '../../node/httpPost'; import 'node:crypto'; import '../activate';",
  ],
  ['src/cli/probe.ts', "import '../app'; import '../node/materials'; import 'node:fs'; import './io';"],
  [
    'webview/inspector/probe.ts',
    "import '../../src/shared/protocol'; import '../common/dom'; import '@vscode-elements/elements';",
  ],
];

describe('layers lint', () => {
  for (const [file, code] of forbidden) {
    it(`refuses ${file}: ${code}`, async () => {
      const found = await messages(file, code);
      assert.ok(
        found.some((m) => m.startsWith('local/layers')),
        `no layers error for ${code} in ${file}`,
      );
      assert.match(found[0], /docs\/ARCHITECTURE\.md/, 'the message points at the rules');
    });
  }
  for (const [file, code] of allowed) {
    it(`allows ${file}: ${code}`, async () => {
      assert.deepEqual(await messages(file, code), []);
    });
  }
  it('refuses an import cycle (der/values ↔ base/bytes)', async () => {
    const found = await messages(
      'src/core/der/values.ts',
      "import { own } from '../base/bytes';\nexport const o = own;\n",
    );
    assert.ok(
      found.some((m) => m.startsWith('import-x/no-cycle')),
      found.join('\n'),
    );
  });
  it('the tree as it is passes', async () => {
    const results = await eslint.lintFiles(['src', 'webview']);
    const layered = results.flatMap((r) =>
      r.messages
        .filter((m) => m.ruleId === 'local/layers' || m.ruleId === 'import-x/no-cycle')
        .map((m) => `${r.filePath}: ${m.message}`),
    );
    assert.deepEqual(layered, []);
  });
});
