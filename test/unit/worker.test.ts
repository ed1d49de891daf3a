// The inspector's model in a worker thread (issue 20): the same answers as a model in this thread,
// this thread free while a big message decodes, a decode cancelled on request, a closed model refusing
// questions. Runs the built worker (dist/worker.js: `npm run build` makes it, as npm test does).
import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  captureView,
  EarlyExchanges,
  givenSecret,
  localModel,
  type ModelInfo,
  type SecretQuery,
} from '../../src/app';
import { readCaptureFile } from '../../src/node/captureFile';
import { Cancelled, CapturePool, workerModel, workerRunner } from '../../src/node/worker';
import { makeBigCapture } from '../bench/capture';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { denseCrlann } from '../gen/inputs';
import { fixture } from './helpers';

const script = join(__dirname, '..', '..', 'dist', 'worker.js');

describe('the model in a worker thread', { skip: !existsSync(script) && 'dist/worker.js not built' }, () => {
  it('answers as the model in this thread does: show payload, rows, details, filter, reveal, copy, element', async () => {
    for (const f of ['openssl-mock/ir-pbm.der', 'centralkeygen/ip-kari-ec.der', 'pq/ir-ml-dsa-44.pkimsg']) {
      const bytes = fixture(f);
      const here = localModel(bytes);
      const there = await workerModel(script, bytes);
      try {
        assert.deepEqual(there.info.payload, here.info.payload, f);
        assert.deepEqual(there.info.der, here.info.der, f);
        assert.equal(there.info.kind, 'PKIMessage');
        for (const message of [
          { type: 'expand', id: '0', start: 0, count: 10 },
          { type: 'expand', id: '0.1.0', start: 0, count: 2000 },
          { type: 'select', id: '0.0.1' },
          { type: 'filter', query: 'nonce' },
          { type: 'reveal', offset: 40 },
          { type: 'bytes', offset: 0, length: 64 },
        ] as const)
          assert.deepEqual(await there.ask('respond', message, 3), await here.ask('respond', message, 3), f);
        assert.deepEqual(await there.ask('reveal', 100), await here.ask('reveal', 100));
        assert.deepEqual(await there.ask('copyText', '0.0', 'path'), 'header');
        assert.deepEqual(await there.ask('element', '0.0'), await here.ask('element', '0.0'));
      } finally {
        there.dispose();
        here.dispose();
      }
    }
  });

  it('this thread keeps answering while a dense crlann (200,000 entries) decodes in the worker', async () => {
    const big = denseCrlann(200_000);
    const order: string[] = [];
    let early: ModelInfo | undefined;
    const decoding = workerModel(script, big, undefined, (e) => {
      order.push('first look');
      early = e;
    }).then((m) => {
      order.push('decoded');
      return m;
    });
    // A task queued after the decode started: it runs first, because the decode is not on this thread.
    await new Promise<void>((resolve) =>
      setTimeout(() => {
        order.push('other task');
        resolve();
      }, 20),
    );
    const m = await decoding;
    try {
      assert.deepEqual(order, ['other task', 'first look', 'decoded']);
      // The first look: the top rows and the summary, said to be partial.
      assert.equal(early?.payload.decoding, true);
      assert.equal(early?.payload.roots[0].type, 'PKIMessage');
      assert.equal(early?.payload.summary?.bodyType, 'crlann');
      assert.equal(m.info.payload.decoding, undefined);
      assert.equal(m.info.payload.summary?.bodyType, 'crlann');
      assert.equal(m.info.payload.stats.nodes, m.info.payload.stats.explained);
      const rows = await m.ask(
        'respond',
        { type: 'expand', id: '0.1.0.0.0.5', start: 199_998, count: 10 },
        1,
      );
      assert.equal(rows?.type, 'children');
      if (rows?.type === 'children') {
        assert.equal(rows.total, 200_000);
        assert.deepEqual(
          rows.nodes.map((r) => r.name),
          ['[199998]', '[199999]'],
        );
      }
    } finally {
      m.dispose();
    }
  });

  it('a decode is cancelled by its signal; a closed model refuses questions', async () => {
    const abort = new AbortController();
    const decoding = workerModel(script, denseCrlann(100_000), abort.signal);
    setTimeout(() => abort.abort(), 10);
    await assert.rejects(decoding, (e) => e instanceof Cancelled);
    const m = await workerModel(script, fixture('openssl-mock/ir-pbm.der'));
    m.dispose();
    await assert.rejects(m.ask('reveal', 0), /the model was closed/);
  });

  it('a file that is no DER still opens, its problems said in our words', async () => {
    const m = await workerModel(script, new TextEncoder().encode('not a message at all'));
    try {
      assert.equal(m.info.kind, 'ASN.1');
      assert.ok(m.info.payload.problemCount > 0);
      for (const p of m.info.payload.problems) assert.doesNotMatch(p.message, /asn1js|schema|Error:/);
    } finally {
      m.dispose();
    }
  });
});

describe(
  'a capture checked over worker threads',
  { skip: !existsSync(script) && 'dist/worker.js not built' },
  () => {
    it('gives the view checking in this thread gives, with the MAC secret asked of this thread', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'cmp-lens-pool-'));
      try {
        const file = join(dir, 'c.pcap');
        // The corpus exchange repeated from 200 client addresses: 1,200 messages, 400 exchanges.
        makeBigCapture(file, 200 * 9400);
        const result = await readCaptureFile(file);
        assert.ok(result.messages.length >= 1000, `${result.messages.length} messages`);
        const asked: SecretQuery[] = [];
        const secrets = {
          lookup: async (q: SecretQuery) => {
            asked.push(q);
            return givenSecret(new TextEncoder().encode('s3cret')).lookup(q);
          },
        };
        const progress: number[] = [];
        const here = await captureView(result, 'c.pcap', { secrets });
        const askedHere = asked.length;
        const there = await captureView(
          result,
          'c.pcap',
          { secrets },
          (done) => progress.push(done),
          workerRunner(script, 2),
        );
        assert.deepEqual(there, here);
        // This thread looked the secrets up (once per senderKID and transactionID) for the workers.
        assert.ok(asked.length > askedHere, 'the secrets were looked up in this thread');
        assert.ok(asked.length - askedHere <= askedHere);
        assert.equal(progress.at(-1), result.messages.length);
        const verdicts = new Set(here.exchanges.flatMap((e) => e.rows.map((r) => r.protection)));
        assert.ok(verdicts.has('valid'), [...verdicts].join(', '));
        assert.ok(here.exchanges.length >= 400);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('checked while the file is read (EarlyExchanges over a CapturePool): the same view, exchanges handed over too early checked again', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'cmp-lens-early-'));
      const pool = new CapturePool(script, 2).start();
      try {
        const file = join(dir, 'c.pcap');
        makeBigCapture(file, 400 * 9400); // 2,400 messages
        const secrets = givenSecret(new TextEncoder().encode('s3cret'));
        const here = await captureView(await readCaptureFile(file), 'c.pcap', { secrets });
        for (const quiet of [2000, 0]) {
          // quiet 0: every 512 messages, all exchanges are handed over, the last ones mid-way (their
          // later messages and answers make them go again).
          const ran: number[] = [];
          const options = { secrets };
          const early = new EarlyExchanges(
            (e, o, n) => {
              ran.push(e.length);
              return pool.run(e, o, n);
            },
            options,
            quiet,
          );
          const result = await readCaptureFile(file, undefined, undefined, (m) => early.add(m));
          const handedEarly = ran.reduce((a, b) => a + b, 0);
          const progress: number[] = [];
          const there = await captureView(result, 'c.pcap', options, (d) => progress.push(d), early.runner);
          assert.deepEqual(there, here, `quiet ${quiet}`);
          assert.equal(progress.at(-1), result.messages.length);
          assert.ok(handedEarly > 0, 'exchanges were checked while the file was read');
          // The last run is what was checked at the end: fewer exchanges than all, more than none at quiet 0.
          assert.ok(
            ran.at(-1)! < here.exchanges.length,
            `${ran.at(-1)} of ${here.exchanges.length} checked at the end`,
          );
          if (quiet === 0) assert.ok(ran.at(-1)! > 0, 'some were checked again at the end');
        }
        // Other options (another secret) at the end: nothing checked early is taken.
        const ran: number[] = [];
        const early = new EarlyExchanges(
          (e, o, n) => {
            ran.push(e.length);
            return pool.run(e, o, n);
          },
          { secrets },
        );
        const result = await readCaptureFile(file, undefined, undefined, (m) => early.add(m));
        await captureView(result, 'c.pcap', {}, undefined, early.runner);
        assert.equal(ran.at(-1), here.exchanges.length);
      } finally {
        await pool.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  },
);
