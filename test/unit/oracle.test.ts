// Bouncy Castle 1.80 as a standing second opinion (issue 19): every message fixture and every message
// our builder and test CA make, its verdict beside ours. Needs the peers (bash scripts/install-peers.sh,
// which npm test runs) and a JDK; without them the suite says so and is skipped.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { withoutPq } from '../../src/core/base';
import { readDer } from '../../src/core/der/reader';
import { verifyMessage } from '../../src/core/protection';
import { agree, bcPqMessages, oracleMissing, oracleRows, type Row } from '../oracle/run';

interface Difference {
  name: string;
  ours: string;
  theirs: string;
  reason: string;
}

const table = JSON.parse(readFileSync(join(__dirname, '..', 'oracle', 'differences.json'), 'utf8')) as {
  differences: Difference[];
};
const side = (s: { parses: boolean; verdict: string }) => `${s.parses ? 'yes' : 'no'} ${s.verdict}`;
const explains = (d: Difference, r: Row) =>
  new RegExp(d.name).test(r.name) && d.ours === side(r.ours) && d.theirs === side(r.theirs);

const missing = oracleMissing();

describe('Bouncy Castle 1.80 as a second opinion', { skip: missing }, () => {
  it('agrees on every message, except the differences listed with their reasons', async () => {
    const rows = await oracleRows();
    const differ = rows.filter((r) => !agree(r));
    const unexplained = differ.filter((r) => !table.differences.some((d) => explains(d, r)));
    assert.deepEqual(
      unexplained.map(
        (r) =>
          `${r.name}: ours ${side(r.ours)} (${r.ours.reason ?? ''}), BC ${side(r.theirs)} ${r.theirs.detail}`,
      ),
      [],
      'disagreements not in test/oracle/differences.json',
    );
    const stale = table.differences.filter((d) => !differ.some((r) => explains(d, r)));
    assert.deepEqual(
      stale.map((d) => d.name),
      [],
      'rows of differences.json that no longer differ',
    );
    assert.ok(
      table.differences.every((d) => d.reason.length > 40),
      'every difference has its reason',
    );
    const made = rows.filter((r) => r.name.startsWith('made/'));
    assert.ok(made.length >= 30, `messages made by our builder and test CA: ${made.length}`);
    assert.ok(
      rows.some((r) => r.theirs.verdict === 'valid' && /^0|^1/.test(r.theirs.detail)) &&
        rows.some((r) => r.theirs.verdict === 'valid' && r.theirs.detail.startsWith('1.2.840.113549.1.5.14')),
      'Bouncy Castle verified signatures and PBMAC1, not only PBM',
    );
    const same = rows.filter(agree).length;
    console.log(
      `# oracle: Bouncy Castle 1.80 and CMP Lens agree on ${same} of ${rows.length} messages (${((100 * same) / rows.length).toFixed(1)}%); ${differ.length} differences, all explained`,
    );
  });
});

describe(
  'Bouncy Castle 1.80 builds ML-DSA-protected messages that CMP Lens verifies',
  { skip: missing },
  () => {
    it('ML-DSA-44/65/87 ir (signed POP) and genm: valid on both paths; a bit flipped in header, body or protection is invalid', async () => {
      const messages = bcPqMessages();
      assert.deepEqual(
        messages.map((m) => m.name),
        ['ML-DSA-44', 'ML-DSA-65', 'ML-DSA-87'].flatMap((s) => [`bc/${s}-genm.der`, `bc/${s}-ir.der`]),
      );
      const subtle = globalThis.crypto.subtle;
      for (const m of messages) {
        const set = /ML-DSA-\d+/.exec(m.name)![0];
        for (const s of [subtle, withoutPq(subtle)]) {
          const r = await verifyMessage(m.der, { crypto: { subtle: s } });
          for (const c of r) assert.equal(c.verdict, 'valid', `${m.name} ${c.check}: ${c.reason ?? ''}`);
          assert.match(
            r.find((c) => c.check === 'protection')!.summary,
            new RegExp(`^${set}, with extraCerts\\[0\\]`),
          );
          if (m.name.endsWith('-ir.der'))
            assert.ok(
              r.some((c) => c.check === 'pop' && c.verdict === 'valid'),
              m.name,
            );
        }
        for (const [where, i] of [
          ['header', 0],
          ['body', 1],
          ['protection', 2],
        ] as const) {
          const node = readDer(m.der).roots[0].children![i];
          const flipped = new Uint8Array(m.der);
          flipped[node.end - 2] ^= 0x01;
          const [p] = await verifyMessage(flipped, { protectionOnly: true });
          assert.equal(
            p.verdict,
            'invalid',
            `${m.name}, a bit flipped in the ${where}: ${JSON.stringify(p)}`,
          );
        }
      }
    });
  },
);
