/** package.json contributions that VS Code would silently get wrong, checked without VS Code. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { keyKinds } from '../../src/shared/requestSpec';

const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
  activationEvents?: string[];
  contributes: {
    customEditors: { viewType: string; priority?: string; selector: { filenamePattern: string }[] }[];
    commands: { command: string }[];
    configuration: { properties: Record<string, { enum?: string[]; default?: unknown }> };
  };
};

describe('manifest', () => {
  it('the tree text wraps long lines (Compare shows them whole), and the walkthrough opens shipped examples', () => {
    const c = manifest.contributes as unknown as {
      configurationDefaults: Record<string, Record<string, unknown>>;
      walkthroughs: { steps: { id: string; media: { markdown: string } }[] }[];
    };
    assert.equal(c.configurationDefaults['[cmp-tree]']['editor.wordWrap'], 'on');
    const root = join(__dirname, '..', '..');
    const steps = c.walkthroughs[0].steps;
    assert.deepEqual(
      steps.map((s) => s.id),
      ['open', 'protection', 'diagram', 'build', 'send', 'reply'],
    );
    for (const s of steps) readFileSync(join(root, s.media.markdown), 'utf8');
    const vscodeignore = readFileSync(join(root, '.vscodeignore'), 'utf8');
    assert.match(vscodeignore, /^!examples\/\*\*$/m);
    readFileSync(join(root, 'examples', 'exchange-ir-pbm', '02-ip.pkimsg'));
  });

  it('custom editor viewTypes are unique (VS Code keeps one contribution per viewType)', () => {
    const types = manifest.contributes.customEditors.map((e) => e.viewType);
    assert.deepEqual(types, [...new Set(types)]);
  });

  it('.pkimsg and .pki open in the inspector by default; .der and friends are offered; captures by default', () => {
    const by = (pattern: string) =>
      manifest.contributes.customEditors
        .filter((e) => e.selector.some((s) => s.filenamePattern === pattern))
        .map((e) => `${e.viewType} ${e.priority ?? 'default'}`);
    assert.deepEqual(by('*.pkimsg'), ['cmpLens.inspector default']);
    assert.deepEqual(by('*.pki'), ['cmpLens.inspector default']);
    for (const ext of ['der', 'cer', 'crt', 'csr', 'crl', 'p10', 'bin'])
      assert.deepEqual(by(`*.${ext}`), ['cmpLens.inspectorBinary option'], ext);
    assert.deepEqual(by('*.pcap'), ['cmpLens.capture default']);
    assert.deepEqual(by('*.pcapng'), ['cmpLens.capture default']);
  });

  it('cmpLens.testCa.keyType offers exactly the key types the composer makes, P-256 by default', () => {
    const p = manifest.contributes.configuration.properties['cmpLens.testCa.keyType'];
    assert.deepEqual(p.enum, [...keyKinds]);
    assert.equal(p.default, 'P-256');
  });

  it('nothing activates the extension at startup', () => {
    for (const e of manifest.activationEvents ?? []) assert.doesNotMatch(e, /^(\*|onStartupFinished)$/);
  });
});

describe('manifest strings (package.nls.json)', () => {
  it('every %key% in package.json has its English text in package.nls.json, and no text is unused', () => {
    const raw = readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8');
    const nls = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.nls.json'), 'utf8')) as Record<
      string,
      string
    >;
    const used = new Set([...raw.matchAll(/"%([^%"]+)%"/g)].map((m) => m[1]));
    assert.deepEqual(
      [...used].filter((k) => !(k in nls)),
      [],
      'keys without text',
    );
    assert.deepEqual(
      Object.keys(nls).filter((k) => !used.has(k)),
      [],
      'texts no key uses',
    );
    assert.ok(used.size > 30);
  });
});

describe('strings for translation (vscode.l10n)', () => {
  it('l10n/bundle.l10n.json and src/shared/webviewStrings.ts hold every text of the extension and the webviews (npm run l10n)', () => {
    const r = spawnSync(process.execPath, [join(__dirname, '..', '..', 'scripts', 'l10n.mjs'), '--check'], {
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
    const bundle = JSON.parse(
      readFileSync(join(__dirname, '..', '..', 'l10n', 'bundle.l10n.json'), 'utf8'),
    ) as Record<string, string>;
    for (const text of [
      'CMP Lens: test CA stopped.',
      'Use another certificate…',
      'Save as .pkimsg…',
      'Export all…',
    ])
      assert.ok(text in bundle, text);
  });
});
