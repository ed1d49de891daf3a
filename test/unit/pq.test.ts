// Post-quantum signatures (issue 17): messages OpenSSL 3.5 signs with ML-DSA-44/65/87 and SLH-DSA,
// its mock server answering signed with ML-DSA-65, verified here through both paths of the one crypto
// port — the runtime's WebCrypto (Node 24 has ML-DSA) and the @noble/post-quantum fallback (forced with
// withoutPq) — and invalid after one bit flipped in header, body or protection. Needs the peers
// (bash scripts/install-peers.sh, which npm test runs); npm test runs this file under Node 24 too.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { pqByName, pqImplementations, pqServedBy, withoutPq } from '../../src/core/base';
import { readDer } from '../../src/core/der/reader';
import { verifyMessage } from '../../src/core/protection';
import { haveOpenssl35, opensslPqExchanges, type PqExchange } from '../gen/pq';

const sets = ['ML-DSA-44', 'ML-DSA-65', 'ML-DSA-87', 'SLH-DSA-SHA2-128s', 'SLH-DSA-SHAKE-128f'];
const subtle = globalThis.crypto.subtle;
const paths = { 'runtime WebCrypto first': subtle, 'fallback forced': withoutPq(subtle) };

/** The message with one bit flipped in the element at `path` (0 header, 1 body, 2 protection). */
function flipIn(der: Uint8Array, index: number): Uint8Array {
  const node = readDer(der).roots[0].children![index];
  const out = new Uint8Array(der);
  out[node.end - 2] ^= 0x01;
  return out;
}

describe(
  'post-quantum: OpenSSL 3.5 messages verify here',
  { skip: haveOpenssl35() ? false : 'OpenSSL 3.5 is not installed (bash scripts/install-peers.sh)' },
  () => {
    const exchanges = new Map<string, PqExchange>();
    before(() => {
      for (const set of sets) exchanges.set(set, opensslPqExchanges(set));
    });
    for (const set of sets) {
      for (const [path, s] of Object.entries(paths)) {
        it(`${set}, ${path}: ir, cr, kur, certConf, genm, rr and the ML-DSA-65 answers are valid; a flipped bit is invalid`, async () => {
          const x = exchanges.get(set)!;
          assert.equal(x.messages.length, 16, x.messages.map((m) => m.name).join(' '));
          for (const m of x.messages) {
            const r = await verifyMessage(m.der, { trustAnchors: [x.caCert], crypto: { subtle: s } });
            for (const c of r) assert.equal(c.verdict, 'valid', `${m.name} ${c.check}: ${c.reason ?? ''}`);
            const prot = r.find((c) => c.check === 'protection')!;
            const request = /^\S+ (ir|cr|kur|genm|rr|\w+-certConf)\.der$/.test(m.name);
            assert.match(prot.summary, new RegExp(`^${request ? set : 'ML-DSA-65'}, with `), m.name);
            if (/ (ir|cr|kur)\.der$/.test(m.name))
              assert.ok(
                r.some((c) => c.check === 'pop'),
                `${m.name} POP checked`,
              );
          }
          // One message of each exchange tampered three ways (the signatures are large: flipping all is slow).
          const ir = x.messages.find((m) => m.name.endsWith(' ir.der'))!;
          for (const [where, i] of [
            ['header', 0],
            ['body', 1],
            ['protection', 2],
          ] as const) {
            const r = await verifyMessage(flipIn(ir.der, i), {
              trustAnchors: [x.caCert],
              crypto: { subtle: s },
              protectionOnly: true,
            });
            assert.equal(
              r[0].verdict,
              'invalid',
              `${set} ir with a bit flipped in the ${where}: ${JSON.stringify(r[0])}`,
            );
          }
          if (path === 'fallback forced') assert.equal(pqServedBy.get(set), '@noble/post-quantum');
        });
      }
    }
    it('the port says which implementation serves each set in this runtime', async () => {
      const impl = await pqImplementations(subtle);
      assert.equal(Object.keys(impl).length, 15);
      const forced = await pqImplementations(withoutPq(subtle));
      assert.ok(Object.values(forced).every((v) => v === '@noble/post-quantum'));
      // The first path used WebCrypto exactly where the runtime has the set.
      for (const set of ['ML-DSA-44', 'ML-DSA-65']) assert.ok(pqByName.get(set));
      console.log(`# PQ implementations in Node ${process.version}: ${JSON.stringify(impl)}`);
    });
  },
);
