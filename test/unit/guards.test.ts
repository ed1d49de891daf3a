/**
 * Messages from webviews are hostile input: each panel's guard takes exactly the kinds and field
 * types of its protocol and refuses the rest (wrong types, huge strings, unknown kinds, extra fields).
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { isCaptureToHost } from '../../src/shared/capture';
import { defaultComposerForm, isComposerToHost } from '../../src/shared/composer';
import { refusedKind } from '../../src/shared/guards';
import { isWebviewToHost } from '../../src/shared/protocol';

const huge = 'x'.repeat(1_000_000);
const cyclic: Record<string, unknown> = { type: 'change', seq: 1 };
cyclic.form = cyclic;

/** Refused by every guard. */
const hostileAnywhere: unknown[] = [
  null,
  undefined,
  42,
  'ready',
  [],
  [{ type: 'ready' }],
  {},
  { type: 7 },
  { type: 'no-such-kind' },
  { type: '__proto__' },
  { type: 'constructor' },
  { type: 'toString' },
  { type: huge },
  JSON.parse('{"type":"ready","__proto__":{"polluted":true}}'),
];

/** A refused message for the assertion text (some cannot be turned into JSON). */
function show(m: unknown): string {
  try {
    return String(JSON.stringify(m)).slice(0, 120);
  } catch {
    return 'a cyclic object';
  }
}

describe('webview message guards', () => {
  const cases: [string, (m: unknown) => boolean, unknown[], unknown[]][] = [
    [
      'inspector',
      isWebviewToHost,
      [
        { type: 'ready' },
        { type: 'expand', id: 'n1', start: 0, count: 50 },
        { type: 'select', id: 'n1' },
        { type: 'filter', query: 'senderKID' },
        { type: 'reveal', offset: 17 },
        { type: 'bytes', offset: 0, length: 64 },
        { type: 'copy', id: 'n2', what: 'hex' },
        { type: 'saveDer', id: 'n3' },
        { type: 'enterSecret' },
        { type: 'chooseCert' },
      ],
      [
        { type: 'expand', id: 'n1', start: -1, count: 50 },
        { type: 'expand', id: 'n1', start: 0 },
        { type: 'expand', id: 5, start: 0, count: 1 },
        { type: 'expand', id: 'n1', start: 0.5, count: 1 },
        { type: 'select', id: huge },
        { type: 'filter', query: huge },
        { type: 'reveal', offset: Number.NaN },
        { type: 'reveal', offset: '17' },
        { type: 'bytes', offset: 0, length: 1e12 },
        { type: 'copy', id: 'n2', what: 'everything' },
        { type: 'ready', extra: 1 },
        { type: 'saveDer' },
      ],
    ],
    [
      'composer',
      isComposerToHost,
      [
        { type: 'ready' },
        { type: 'ready', form: defaultComposerForm },
        { type: 'change', seq: 3, form: defaultComposerForm },
        { type: 'pickFile', field: 'csr' },
        { type: 'enterSecret' },
        { type: 'newKey' },
        { type: 'save' },
        { type: 'openInInspector' },
        { type: 'send' },
        { type: 'expand', id: 'n', start: 0, count: 10 },
        { type: 'select', id: 'n' },
      ],
      [
        { type: 'change', seq: 3 },
        { type: 'change', seq: -1, form: defaultComposerForm },
        { type: 'change', seq: 3, form: 'ir' },
        { type: 'change', seq: 3, form: { spec: huge } },
        cyclic,
        { type: 'pickFile', field: '../../etc/passwd' },
        { type: 'ready', form: [] },
        { type: 'filter', query: 'x' },
        { type: 'copy', id: 'n', what: 'hex' },
      ],
    ],
    [
      'capture',
      isCaptureToHost,
      [{ type: 'ready' }, { type: 'open', index: 1 }, { type: 'export', index: 7 }, { type: 'exportAll' }],
      [
        { type: 'open', index: 0 },
        { type: 'open', index: '1' },
        { type: 'open', index: 2 ** 53 },
        { type: 'export' },
        { type: 'exportAll', dir: '/tmp' },
        { type: 'enterSecret' },
      ],
    ],
  ];
  for (const [panel, guard, good, bad] of cases) {
    it(`${panel}: every kind of its protocol passes`, () => {
      for (const m of good) assert.equal(guard(m), true, JSON.stringify(m));
    });
    it(`${panel}: wrong types, huge strings, unknown kinds and extra fields are refused`, () => {
      for (const m of [...hostileAnywhere, ...bad]) assert.equal(guard(m), false, show(m));
    });
  }
  it('what is logged of a refused message is its kind if it is a plain word, never its content', () => {
    assert.equal(refusedKind({ type: 'expand', id: 'secret-ish' }), 'kind "expand"');
    assert.equal(refusedKind({ type: '<img src=x onerror=alert(1)>' }), 'no known kind');
    assert.equal(refusedKind({ type: huge }), 'no known kind');
    assert.equal(refusedKind(null), 'a null');
    assert.equal(refusedKind('s3cret'), 'a string');
  });
});
