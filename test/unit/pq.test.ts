// Post-quantum signatures (issue 17): messages OpenSSL 3.5 signs with ML-DSA-44/65/87 and SLH-DSA,
// its mock server answering signed with ML-DSA-65, verified here through both paths of the one crypto
// port — the runtime's WebCrypto (Node 24 has ML-DSA) and the @noble/post-quantum fallback (forced with
// withoutPq) — and invalid after one bit flipped in header, body or protection. Needs the peers
// (bash scripts/install-peers.sh, which npm test runs); npm test runs this file under Node 24 too.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import {
  importPrivateKey,
  pqByName,
  pqImplementations,
  pqPkcs8,
  pqServedBy,
  pqSpki,
  withoutPq,
} from '../../src/core/base';
import { buildRequest } from '../../src/core/compose';
import { readDer } from '../../src/core/der/reader';
import { AlgorithmIdentifier } from '@peculiar/asn1-x509';
import { oidName } from '../../src/core/asn1';
import { verifyMessage } from '../../src/core/protection';
import { UnsupportedAlgorithm } from '../../src/core/protection/mac';
import { verifySignature } from '../../src/core/protection/signature';
import { haveOpenssl35, opensslPqExchanges, type PqExchange } from '../gen/pq';
import { fixture } from './helpers';

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
    it('the port says which implementation serves each algorithm in this runtime', async () => {
      const impl = await pqImplementations(subtle);
      assert.equal(Object.keys(impl).length, 17);
      const forced = await pqImplementations(withoutPq(subtle));
      for (const [name, by] of Object.entries(forced))
        assert.equal(by, name.startsWith('Ed') ? '@noble/curves' : '@noble/post-quantum', name);
      // The first path used WebCrypto exactly where the runtime has the set.
      for (const set of ['ML-DSA-44', 'ML-DSA-65']) assert.ok(pqByName.get(set));
      console.log(`# PQ implementations in Node ${process.version}: ${JSON.stringify(impl)}`);
    });
  },
);

describe('Ed25519 and Ed448 through the same port', () => {
  // Made by the openssl CLI (test/fixtures/PROVENANCE.md, generated/); Electron's BoringSSL has no Ed448.
  for (const [name, file] of [
    ['Ed25519', 'generated/cr-ed25519.der'],
    ['Ed448', 'generated/cr-ed448.der'],
  ] as const) {
    for (const [path, s] of Object.entries(paths)) {
      it(`${name}, ${path}: valid; a bit flipped in the body is invalid`, async () => {
        const der = fixture(file);
        const [p] = await verifyMessage(der, { crypto: { subtle: s }, protectionOnly: true });
        assert.equal(p.verdict, 'valid', JSON.stringify(p));
        assert.equal(pqServedBy.get(name), path === 'fallback forced' ? '@noble/curves' : 'WebCrypto');
        const [q] = await verifyMessage(flipIn(der, 1), { crypto: { subtle: s }, protectionOnly: true });
        assert.equal(q.verdict, 'invalid', JSON.stringify(q));
      });
    }
  }
});

describe('composite ML-DSA (draft-ietf-lamps-pq-composite-sigs)', () => {
  it('is named, and unsupported with the reason', async () => {
    assert.match(oidName('1.3.6.1.5.5.7.6.45') ?? '', /id-MLDSA65-ECDSA-P256-SHA512/);
    await assert.rejects(
      verifySignature(
        globalThis.crypto.subtle,
        new Uint8Array(),
        new AlgorithmIdentifier({ algorithm: '1.3.6.1.5.5.7.6.45' }),
        new Uint8Array(),
        new Uint8Array(),
      ),
      (e: Error) =>
        e instanceof UnsupportedAlgorithm && /named but not verified: the draft is not final/.test(e.message),
    );
  });
});

describe('post-quantum keys: made, saved, loaded and used to sign (issue 17, build)', () => {
  const secret = new TextEncoder().encode('s3cret');
  // The small SLH-DSA sets take ~20 s per signature in pure JS: the fast ("f") ones stand for the family.
  for (const kind of [
    'ML-DSA-44',
    'ML-DSA-65',
    'ML-DSA-87',
    'SLH-DSA-SHA2-128f',
    'SLH-DSA-SHAKE-128f',
  ] as const) {
    it(`${kind}: an ir with a generated key, its POP valid; p10cr's CSR valid; the PKCS#8 loads back to the same key`, async () => {
      const ir = await buildRequest(
        { body: 'ir', keyType: kind, template: { subject: `CN=${kind}` } },
        { protection: { kind: 'pbm', secret, iterations: 1000 } },
      );
      assert.ok(ir.ok, JSON.stringify(!ir.ok && ir.errors));
      const r = await verifyMessage(ir.der, { secret });
      const pop = r.find((c) => c.check === 'pop')!;
      assert.equal(pop.verdict, 'valid', JSON.stringify(pop));
      assert.match(pop.summary, new RegExp(kind));
      const key = ir.generatedKey!;
      const again = await importPrivateKey(key.pkcs8);
      assert.equal(again.kind, kind);
      assert.deepEqual(again.spki, key.spki);
      // A signature-protected p10cr signed with the loaded key (its CSR signed with it too).
      const p10 = await buildRequest(
        { body: 'p10cr', template: { subject: `CN=${kind} p10` } },
        { key: again, protection: { kind: 'pbm', secret, iterations: 1000 } },
      );
      assert.ok(p10.ok);
      const checks = await verifyMessage(p10.der, { secret });
      assert.ok(
        checks.every((c) => c.verdict === 'valid'),
        JSON.stringify(checks),
      );
    });
  }
  it("ML-DSA private keys in RFC 9881's three forms: seed and both load to the same key; expandedKey alone is refused saying why", async () => {
    const set = pqByName.get('ML-DSA-65')!;
    const seed = new Uint8Array(32).fill(7);
    const k = set.noble.keygen(seed);
    const both = await importPrivateKey(pqPkcs8(set, k.secretKey, seed));
    // The seed form: privateKey's content is [0] IMPLICIT OCTET STRING.
    const seedOnly = new Uint8Array([
      ...[
        0x30, 0x34, 0x02, 0x01, 0x00, 0x30, 0x0b, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x03,
        0x12,
      ],
      ...[0x04, 0x22, 0x80, 0x20],
      ...seed,
    ]);
    const fromSeed = await importPrivateKey(seedOnly);
    assert.deepEqual(fromSeed.spki, both.spki);
    assert.deepEqual(both.spki, pqSpki(set, k.publicKey));
    await assert.rejects(
      importPrivateKey(pqPkcs8(set, k.secretKey)),
      /holds only the expandedKey: give the seed form/,
    );
  });
});
