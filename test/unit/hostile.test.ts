/**
 * Structurally hostile inputs (test/gen/inputs.ts hostileStructures): 100,000 siblings, an OID with
 * 10,000 arcs, a 100 KB INTEGER, deep nesting within and over the limit, absurd lengths. Each
 * decodes without throwing, within 100 ms per KB, to a tree with the right problems, and values
 * shown in the tree stay short (the details pane has the full value).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inspectBytes } from '../../src/core/inspect';
import { verifyMessage } from '../../src/core/protection';
import { checkMessage } from '../../src/core/checks';
import { hostileStructures } from '../gen/inputs';
import { allNodes } from './helpers';

const inputs = hostileStructures();

const nodes = allNodes;

function timed<T>(f: () => T): { value: T; ms: number } {
  const t = performance.now();
  const value = f();
  return { value, ms: performance.now() - t };
}

describe('hostile structures: decode, bounded in time, with problems', () => {
  for (const [label, bytes] of Object.entries(inputs)) {
    it(`${label}: no exception, at most 100 ms per KB, short tree values`, async () => {
      const { value: doc, ms } = timed(() => inspectBytes(bytes));
      assert.ok(
        ms <= 100 * Math.max(1, bytes.length / 1024),
        `${ms.toFixed(0)} ms for ${bytes.length} bytes`,
      );
      for (const n of nodes(doc))
        assert.ok(
          (n.value ?? '').length <= 4200,
          `${n.path}: value of ${n.value?.length} characters in the tree`,
        );
      await verifyMessage(bytes);
      checkMessage(bytes);
    });
  }

  it('100,000 siblings are all in the tree', () => {
    const doc = inspectBytes(inputs['100,000 siblings']);
    assert.equal(doc.kind, 'PKIMessage');
    assert.ok(doc.stats.nodes > 100_000, `${doc.stats.nodes} nodes`);
  });

  it('an OID with 10,000 arcs decodes to its dotted form (cut to 4,200 characters in the tree, by the test above)', () => {
    const doc = inspectBytes(inputs['an OID with 10,000 arcs']);
    const oid = nodes(doc).find(
      (n) => n.type.includes('OBJECT IDENTIFIER') && (n.value ?? '').startsWith('1.3.1000.1001'),
    );
    assert.ok(oid, 'the long OID node');
  });

  it('nesting over the depth limit is a problem that names the limit; within it, none', () => {
    const over = inspectBytes(inputs['nesting 1,000 deep (over the limit)']);
    assert.ok(
      over.problems.some((p) => /deeper than 200|depth/i.test(p.message)),
      over.problems
        .map((p) => p.message)
        .join('\n')
        .slice(0, 500),
    );
    const within = inspectBytes(inputs['nesting 150 deep']);
    assert.ok(!within.problems.some((p) => /depth/i.test(p.message)));
  });

  it('absurd lengths are errors at offset 0 that say why; a non-minimal length is a BER warning', () => {
    assert.match(
      inspectBytes(inputs['a length of 2 GiB']).problems[0].message,
      /length 2147483647 at offset 0x0 runs past the end of the input/,
    );
    assert.match(inspectBytes(inputs['a length of 126 octets']).problems[0].message, /has 126 octets/);
    const ber = inspectBytes(inputs['a non-minimal length (BER)']).problems[0];
    assert.equal(ber.severity, 'warning');
    assert.match(ber.message, /not in its shortest form/);
  });
});
