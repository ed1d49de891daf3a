import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fuzz } from '../fuzz/harness';

describe('fuzzing (short, seeded, deterministic: the same 2,000 inputs every run)', () => {
  it('no exception escapes, no input is slow, re-encoding is stable', async () => {
    const report = await fuzz(2000, 20261122);
    assert.equal(report.runs, 2000);
    assert.deepEqual(report.failures, []);
  });
});
