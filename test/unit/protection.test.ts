import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AsnParser, AsnSerializer } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier, AttributeValue } from '@peculiar/asn1-x509';
import * as cmp from '../../src/core/asn1';
import { readDer } from '../../src/core/der/reader';
import { unwrapInput } from '../../src/core/base/pem';
import {
  certNameOf,
  checkCertHashes,
  issuedCertificates,
  transactionIdOf,
  verifyMessage,
  type VerifyOptions,
} from '../../src/core/protection';
import type { CheckResult } from '../../src/shared/protection';
import { fixture, fixtureFiles } from './helpers';
import { parseName, sameName } from '../../src/core/base/names';
import { extraCertsOf, signedKur, withBrokenSignature, withExtraCerts } from '../gen/signers';

const enc = (s: string) => new TextEncoder().encode(s);
const s3cret = enc('s3cret');
const ca = unwrapInput(fixture('keys/ca.crt')).der;
const der = (rel: string) => unwrapInput(fixture(rel)).der;

async function check(
  rel: string | Uint8Array,
  options: VerifyOptions = {},
): Promise<Record<string, CheckResult>> {
  const results = await verifyMessage(typeof rel === 'string' ? der(rel) : rel, options);
  return Object.fromEntries(results.map((r) => [r.check, r]));
}

// From the corpus MANIFEST: which messages are MAC-protected, signed, or unprotected.
const unprotected = ['ir-unprot.der', 'ir-unprot2.der', 'ir-unprot2-ip.der'];
const signed = (f: string) => /-sig[-.]/.test(f);

describe('protection: the openssl-mock corpus gives what MANIFEST.md expects', () => {
  for (const file of fixtureFiles('openssl-mock').map((f) => f.replace(/^openssl-mock\//, ''))) {
    it(file, async () => {
      const rel = `openssl-mock/${file}`;
      if (unprotected.includes(file)) {
        assert.equal((await check(rel)).protection.verdict, 'unprotected');
      } else if (signed(file)) {
        const r = await check(rel, { trustAnchors: [ca] });
        assert.equal(r.protection.verdict, 'valid', r.protection.reason);
        assert.match(r.protection.summary, /with extraCerts\[0\] /);
        assert.equal(r.certificate.verdict, 'valid', r.certificate.reason);
        assert.equal(r.chain.verdict, 'valid', r.chain.reason);
        // The signature's own verdict says what the chain check found, and without anchors that it was not done.
        assert.match(r.protection.chain ?? '', /^checked: chain .* \(ends at a trust anchor\)$/);
        assert.equal(r.protection.chainNotChecked, undefined);
        const alone = await check(rel);
        assert.equal(alone.protection.verdict, 'valid');
        assert.equal(alone.protection.chain, 'not checked: no trust anchors given');
        assert.equal(alone.protection.chainNotChecked, true);
        assert.equal(alone.chain, undefined);
      } else if (file === 'ir-wrongsecret.der') {
        assert.equal((await check(rel, { secret: s3cret })).protection.verdict, 'invalid');
        assert.equal((await check(rel, { secret: enc('WRONG') })).protection.verdict, 'valid');
      } else {
        const ok = await check(rel, { secret: s3cret });
        assert.equal(ok.protection.verdict, 'valid', ok.protection.reason);
        assert.match(ok.protection.summary, /^PBM, SHA-256 × 500, HMAC-SHA1, salt 16 bytes$/);
        const bad = await check(rel, { secret: enc('s3cret!') });
        assert.equal(bad.protection.verdict, 'invalid');
        assert.equal(bad.protection.reason, 'MAC does not match with the given secret');
        assert.equal((await check(rel)).protection.verdict, 'needs-secret');
      }
    });
  }
  it('bad/tampered-mac-ir.der is invalid with s3cret', async () => {
    assert.equal((await check('bad/tampered-mac-ir.der', { secret: s3cret })).protection.verdict, 'invalid');
  });
  it('the Wireshark sample needs its (unknown) secret', async () => {
    const r = await check('wireshark-sample/cmpv2-from-wireshark-sample.der');
    assert.equal(r.protection.verdict, 'needs-secret');
    assert.match(r.protection.summary, /^PBM, SHA-1 × \d+, /);
  });
});

describe('protection: Siemens interop messages', () => {
  for (const file of fixtureFiles('siemens-interop', (n) => n.endsWith('.PKI'))) {
    const pbmac1 = /IrWithMacProtection\/downstream_(INIT_REQ|CERT_CONFIRM)/.test(file);
    it(`${file}: ${pbmac1 ? 'PBMAC1, invalid by RFC 8018, with the bits-for-octets explanation' : 'signature valid with extraCerts[0]'}`, async () => {
      const r = await check(file, { secret: enc('Password') });
      if (pbmac1) {
        assert.equal(r.protection.verdict, 'invalid');
        assert.match(
          r.protection.summary,
          /^PBMAC1, PBKDF2 with HMAC-SHA256 × 10000, key 4096 bytes, HMAC-SHA256/,
        );
        assert.match(r.protection.reason!, /would match if read as bits \(512 octets\)/);
      } else {
        assert.equal(r.protection.verdict, 'valid', r.protection.reason);
        assert.equal(r.certificate.verdict, 'valid', r.certificate.reason);
      }
    });
  }
});

/** Flips one bit at `offset`. */
function flip(bytes: Uint8Array, offset: number): Uint8Array {
  const out = bytes.slice();
  out[offset] ^= 0x01;
  return out;
}

/** Offsets inside the header (transactionID content), the body and the protection value. */
function tamperPoints(msg: Uint8Array): Record<'header' | 'body' | 'protection', number> {
  const root = readDer(msg).roots[0];
  const [header, body, ...rest] = root.children!;
  const tid = header.children!.slice(3).find((c) => c.tagClass === 2 && c.tagNumber === 4)!.children![0];
  const prot = rest.find((c) => c.tagClass === 2 && c.tagNumber === 0)!;
  return {
    header: tid.offset + tid.headerLength + 3,
    body: body.offset + Math.floor((body.end - body.offset) / 2),
    protection: prot.end - 1,
  };
}

describe('protection: our own fixtures (made by scripts/make-protection-fixtures.ts with openssl)', () => {
  const cases: [string, RegExp][] = [
    [
      'generated/cr-rsassa-pss.der',
      /^RSASSA-PSS \(SHA-256, MGF1 SHA-256, salt 32\), with extraCerts\[0\] CN=PSS EE$/,
    ],
    ['generated/cr-ecdsa-p384.der', /^ecdsa-with-SHA384, with extraCerts\[0\] CN=P-384 EE$/],
    ['generated/cr-ed25519.der', /^id-Ed25519, with extraCerts\[0\] CN=Ed25519 EE$/],
    ['generated/cr-ed448.der', /^id-Ed448, with extraCerts\[0\] CN=Ed448 EE$/],
    [
      'generated/cr-pbmac1.der',
      /^PBMAC1, PBKDF2 with HMAC-SHA256 × 10000, key 32 bytes, HMAC-SHA256, salt 16 bytes$/,
    ],
  ];
  for (const [file, summary] of cases) {
    it(`${file}: valid, and invalid after one bit flipped in header, body or protection`, async () => {
      const msg = der(file);
      const ok = await check(msg, { secret: s3cret, trustAnchors: [ca] });
      assert.equal(ok.protection.verdict, 'valid', ok.protection.reason);
      assert.match(ok.protection.summary, summary);
      if (ok.certificate) assert.equal(ok.certificate.verdict, 'valid', ok.certificate.reason);
      if (ok.chain) assert.equal(ok.chain.verdict, 'valid', ok.chain.reason);
      for (const [where, offset] of Object.entries(tamperPoints(msg))) {
        const r = await check(flip(msg, offset), { secret: s3cret });
        assert.equal(r.protection.verdict, 'invalid', `tampered ${where}: ${JSON.stringify(r.protection)}`);
      }
    });
  }
});

describe('protection: the protecting certificate and other signatures', () => {
  it('a certificate that does not belong to the sender is reported', async () => {
    const r = await check('openssl-mock/cr-sig-rsa.der', {
      cert: unwrapInput(fixture('keys/srv-ca.crt')).der,
    });
    assert.equal(r.protection.verdict, 'invalid');
    assert.match(r.protection.reason!, /^signature does not verify with the given certificate CN=/);
    assert.equal(r.certificate.verdict, 'invalid');
    assert.match(r.certificate.reason!, /certificate subject does not match sender/);
  });
  it('chain building without the right anchor says so', async () => {
    const r = await check('openssl-mock/cr-sig-rsa.der', {
      trustAnchors: [unwrapInput(fixture('keys/ee-ec.crt')).der],
    });
    assert.equal(r.chain.verdict, 'invalid');
    assert.match(r.chain.reason!, /no path to a configured trust anchor/);
  });
  it('POP signatures of CertReqMsgs are checked, and a tampered one fails', async () => {
    const msg = der('openssl-mock/ir-pbm.der');
    assert.equal((await check(msg)).pop.verdict, 'valid');
    const popo = readDer(msg).roots[0].children![1].children![0].children![0].children![0].children![1];
    assert.equal((await check(flip(msg, popo.end - 1))).pop.verdict, 'invalid');
  });
  it('regression: a Node Buffer input gives the same results and is left unchanged', async () => {
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const buf = readFileSync(join(__dirname, '..', 'fixtures', 'openssl-mock', 'ir-pbm.der'));
    const before = Buffer.from(buf).toString('hex');
    const r = Object.fromEntries(
      (await verifyMessage(buf, { secret: s3cret })).map((x) => [x.check, x.verdict]),
    );
    assert.deepEqual(r, { protection: 'valid', pop: 'valid' });
    assert.equal(buf.toString('hex'), before);
  });
  it('the p10cr CSR self-signature is checked', async () => {
    assert.equal((await check('openssl-mock/p10cr-pbm.der')).csr.verdict, 'valid');
  });
  it('DHBasedMac and KemBasedMac cannot be verified without the private key (not a failure)', async () => {
    for (const oid of [cmp.oids.dhBasedMac, cmp.oids.kemBasedMac]) {
      const msg = AsnParser.parse(der('openssl-mock/genm-pbm.der'), cmp.PKIMessage);
      msg.header.protectionAlg = new AlgorithmIdentifier({ algorithm: oid });
      const r = await check(new Uint8Array(AsnSerializer.serialize(msg)));
      assert.equal(r.protection.verdict, 'cannot-verify');
      assert.match(r.protection.reason!, /^cannot verify without the private key/);
    }
  });
  it('an unknown protection algorithm is unsupported, named', async () => {
    const msg = AsnParser.parse(der('openssl-mock/genm-pbm.der'), cmp.PKIMessage);
    msg.header.protectionAlg = new AlgorithmIdentifier({ algorithm: '1.2.3.4' });
    const r = await check(new Uint8Array(AsnSerializer.serialize(msg)));
    assert.equal(r.protection.verdict, 'unsupported');
    assert.match(r.protection.reason!, /1\.2\.3\.4/);
  });
  it('garbage is a result, not an exception', async () => {
    const r = await verifyMessage(fixture('bad/random-2k.bin'));
    assert.equal(r[0].verdict, 'invalid');
  });
});

describe('certConf certHash', () => {
  const flows: [string, string][] = [
    ['ir-pbm', 'ir-pbm-ip'],
    ['cr-pbm', 'cr-pbm-cp'],
    ['cr-sig-rsa', 'cr-sig-rsa-cp'],
    ['p10cr-pbm', 'p10cr-pbm-cp'],
    ['ir-poll', 'ir-poll-ip'],
  ];
  for (const [flow, rep] of flows) {
    it(`${flow}: certHash matches the certificate of ${rep} (same transactionID)`, async () => {
      const conf = der(`openssl-mock/${flow}-certConf.der`);
      const response = der(`openssl-mock/${rep}.der`);
      assert.equal(transactionIdOf(conf), transactionIdOf(response));
      const issued = issuedCertificates(response);
      assert.equal(issued.length, 1);
      assert.equal(issued[0].certReqId, flow === 'p10cr-pbm' ? -1 : 0);
      const [r] = await checkCertHashes(
        conf,
        issued.map((c) => c.der),
      );
      assert.equal(r.verdict, 'valid', r.reason);
      assert.match(r.summary, /matches CN=Issued EE \(SHA-256 of its signature algorithm\)$/);
    });
  }
  it('a different certificate does not match, and none given needs one', async () => {
    const conf = der('openssl-mock/ir-pbm-certConf.der');
    const [bad] = await checkCertHashes(conf, [ca]);
    assert.equal(bad.verdict, 'invalid');
    assert.match(bad.reason!, /matches none of: CN=Test CA \(SHA-256\)/);
    const [none] = await checkCertHashes(conf, []);
    assert.equal(none.verdict, 'needs-cert');
  });
});

describe('protection: sweep regressions (npm run fuzz -- --sweep)', () => {
  const results = async (file: string) =>
    (await verifyMessage(fixture(file))).filter((r) => r.check !== 'protection');
  it('a POP whose algorithmIdentifier is not one is an invalid POP with its offset, not an exception', async () => {
    const [pop] = await results('bad/fuzz-pop-alg-not-algid.der');
    assert.equal(pop.check, 'pop');
    assert.equal(pop.verdict, 'invalid');
    assert.match(pop.reason!, /algorithmIdentifier at offset 0x191 does not decode as AlgorithmIdentifier/);
    assert.doesNotMatch(pop.reason!, /ASN1 schema|End of input/, 'no library text');
  });
  it('a POP algorithm OID running past its end (truncated for asn1js) is an invalid POP', async () => {
    const [pop] = await results('bad/fuzz-pop-oid-overlong.der');
    assert.equal(pop.verdict, 'invalid');
    assert.match(pop.reason!, /offset 0x191 does not decode as AlgorithmIdentifier: /);
    assert.doesNotMatch(pop.reason!, /ASN1 schema|End of input/, 'no library text');
  });
  it('a p10cr CSR whose signature algorithm does not decode is an invalid CSR check', async () => {
    const [csr] = await results('bad/fuzz-csr-alg-not-algid.der');
    assert.equal(csr.check, 'csr');
    assert.equal(csr.verdict, 'invalid');
    assert.match(
      csr.reason!,
      /signature algorithmIdentifier at offset 0x10d does not decode as AlgorithmIdentifier/,
    );
  });
});

describe('certNameOf (names in send messages)', () => {
  it('names a certificate, and says so for bytes that are not one', () => {
    assert.equal(
      certNameOf(fixture('openssl-mock/ir-pbm-ip.der').subarray(0, 0)).startsWith(
        '(a certificate that does not decode',
      ),
      true,
    );
    const [c] = issuedCertificates(fixture('openssl-mock/ir-pbm-ip.der'));
    assert.match(certNameOf(c.der), /^CN=/);
  });
});

describe('protection: where the signer sits (issue 19, class 1)', () => {
  // OpenSSL's signed kur ("CN=Existing EE" then "CN=Test CA") and a cr with senderKID, rearranged.
  const kur = signedKur();
  const [ee, testCa] = extraCertsOf(kur);
  const cr = der('generated/cr-ecdsa-p384.der');
  const [crSigner] = extraCertsOf(cr);

  it('the signer second in extraCerts: valid, with a warning citing RFC 9483 §3.3', async () => {
    const r = await check(withExtraCerts(kur, [testCa, ee]));
    assert.equal(r.protection.verdict, 'valid', r.protection.reason);
    assert.equal(r.protection.signer, 'extraCerts[1]');
    assert.match(r.protection.summary, /with extraCerts\[1\] CN=Existing EE/);
    assert.equal(r.protection.warnings?.length, 1);
    assert.match(r.protection.warnings![0], /extraCerts\[1\], not extraCerts\[0\].*RFC 9483 §3\.3/);
    assert.equal(r.certificate.verdict, 'valid');
    assert.equal(r.certificate.path, 'extraCerts[1]');
  });
  it('senderKID picks the certificate whose subject key identifier it is, wherever it sits', async () => {
    const r = await check(withExtraCerts(cr, [ca, crSigner]));
    assert.equal(r.protection.verdict, 'valid', r.protection.reason);
    assert.equal(r.protection.signer, 'extraCerts[1]');
    assert.match(r.certificate.summary, /matches senderKID, sender/);
  });
  it('the chain is built from the other extraCerts when the signer is not first', async () => {
    const r = await check(withExtraCerts(kur, [testCa, ee]), {
      trustAnchors: [unwrapInput(fixture('keys/ca.crt')).der],
    });
    assert.equal(r.protection.verdict, 'valid');
    assert.ok(r.chain, 'a chain result');
  });
  it('only the trust anchors hold the signer: valid, with a warning that it is not in extraCerts', async () => {
    const r = await check(withExtraCerts(kur, [testCa]), { trustAnchors: [ee] });
    assert.equal(r.protection.verdict, 'valid', r.protection.reason);
    assert.equal(r.protection.signer, 'trust anchor 1');
    assert.match(r.protection.warnings![0], /not in extraCerts/);
    assert.equal(r.chain.verdict, 'valid');
  });
  it('nothing matches: needs-cert, naming each certificate tried and why it was passed over', async () => {
    const r = await check(withExtraCerts(kur, [testCa]));
    assert.equal(r.protection.verdict, 'needs-cert');
    assert.match(r.protection.reason!, /no certificate matches sender CN=Existing EE/);
    assert.match(r.protection.reason!, /extraCerts\[0\] CN=Test CA: its subject is not sender/);
    const kid = await check(withExtraCerts(cr, [ca]));
    assert.equal(kid.protection.verdict, 'needs-cert');
    assert.match(kid.protection.reason!, /senderKID [0-9a-f]+ or sender/);
    assert.match(kid.protection.reason!, /subject key identifier [0-9a-f]+ is not senderKID/);
  });
  it('invalid only when a matching certificate does not verify', async () => {
    const r = await check(withBrokenSignature(withExtraCerts(kur, [testCa, ee])));
    assert.equal(r.protection.verdict, 'invalid');
    assert.match(r.protection.reason!, /^signature does not verify with extraCerts\[1\] CN=Existing EE/);
  });
  it('a given certificate is used as given, matching or not', async () => {
    const r = await check(withExtraCerts(kur, [testCa]), { cert: ee });
    assert.equal(r.protection.verdict, 'valid');
    assert.equal(r.protection.signer, 'the given certificate');
    assert.equal(r.protection.warnings, undefined);
  });
  it('names match as RFC 5280 compares them: string type, case and spaces aside', () => {
    const a = parseName('CN=Existing  EE, O=Example');
    const b = parseName('cn=existing ee,o=EXAMPLE');
    b[0][0].value = new AttributeValue({ printableString: 'example' });
    assert.ok(sameName(a, b));
    assert.ok(!sameName(a, parseName('CN=Existing EE')));
    assert.ok(!sameName(a, parseName('CN=Other, O=Example')));
  });
});

describe('protection: producer quirks (issue 19, class 2)', () => {
  it('PBMAC1 with id-PBES2 carrying PBKDF2-params: invalid by the RFC, the MAC matching as the producer meant', async () => {
    const r = await check('generated/cr-pbmac1-pbes2.der', { secret: s3cret });
    assert.equal(r.protection.verdict, 'invalid');
    assert.match(r.protection.summary, /id-PBES2 carrying PBKDF2-params/);
    assert.match(r.protection.reason!, /keyDerivationFunc is id-PBES2, an encryption scheme/);
    assert.match(r.protection.reason!, /the MAC matches when keyDerivationFunc is read as id-PBKDF2/);
    const wrong = await check('generated/cr-pbmac1-pbes2.der', { secret: enc('wrong') });
    assert.equal(wrong.protection.verdict, 'invalid');
    assert.doesNotMatch(wrong.protection.reason!, /the MAC matches/);
    assert.equal((await check('generated/cr-pbmac1-pbes2.der')).protection.verdict, 'needs-secret');
  });
  it('its parameters are named in the tree, none unexplained', async () => {
    const { inspectInput } = await import('../../src/core/inspect');
    const { doc } = inspectInput(der('generated/cr-pbmac1-pbes2.der'));
    assert.equal(doc.stats.explained, doc.stats.nodes, 'every node named');
  });
  it("the README's quirk table is the code's", async () => {
    const { quirks } = await import('../../src/core/protection/quirks');
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    const table = readme.slice(
      readme.indexOf('<!-- quirks:start -->'),
      readme.indexOf('<!-- quirks:end -->'),
    );
    const rows = Object.entries(quirks).map(
      ([id, q]) => `| \`${id}\` | ${q.detection} | ${q.rfc} | ${q.producer} | ${q.verdict} |`,
    );
    for (const row of rows) assert.ok(table.includes(row), `README lacks: ${row}`);
    assert.equal(table.split('\n').filter((l) => l.startsWith('| `')).length, rows.length);
  });
});
