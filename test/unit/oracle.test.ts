// Bouncy Castle 1.80 as a standing second opinion (issue 19): every message fixture and every message
// our builder and test CA make, its verdict beside ours. Needs the peers (bash scripts/install-peers.sh,
// which npm test runs) and a JDK; without them the suite says so and is skipped.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { agree, oracleMissing, oracleRows, type Row } from '../oracle/run';

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
