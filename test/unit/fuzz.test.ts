import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fuzz, sweep } from '../fuzz/harness';
import { fixture } from './helpers';

describe('fuzzing (short, seeded, deterministic: the same 2,000 inputs every run)', () => {
  it('no exception escapes, no input is slow, re-encoding is stable', async () => {
    const report = await fuzz(2000, 20261122);
    assert.equal(report.runs, 2000);
    assert.deepEqual(report.failures, []);
  });
});

describe('fuzzing: the sweep (every single mutation at every byte) of an ir and a p10cr', () => {
  it('finds nothing: no exception, no slow input, stable re-encoding (without the test CA and the MAC secret, for time)', async () => {
    const report = await sweep([fixture('compose/ir.der'), fixture('compose/p10cr.der')], undefined, {
      peers: false,
      secret: false,
    });
    assert.equal(report.runs, 7 * (512 + 380));
    assert.deepEqual(report.failures, []);
  });
});
