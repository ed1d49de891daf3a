// Central key generation in the test CA and the composer (issue 18, RFC 9483 §4.1.6), in process: the
// request names only the algorithm, the answer (pvno 3) carries the key sealed to the requester and
// signed by the KGA, and what cannot be done is refused in words.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { AsnParser, AsnSerializer } from '@peculiar/asn1-schema';
import { Certificate, Name, SubjectPublicKeyInfo } from '@peculiar/asn1-x509';
import { ECPrivateKey } from '@peculiar/asn1-ecc';
import { PrivateKeyInfo } from '@peculiar/asn1-pkcs8';
import { decryptMessage, inspectText, redactedSignedContent } from '../../src/app';
import { EnvelopedData } from '../../src/core/asn1';
import { generateKeyPair, readMessage, toHex } from '../../src/core/base';
import { runTransaction } from '../../src/core/transport';
import { checkMessage } from '../../src/core/checks';
import { buildRequest } from '../../src/core/compose';
import { decryptItem, generateRecipientKey, sealEnvelope, signKeyPackage } from '../../src/core/protection';
import { TestCa } from '../../src/core/testca';
import { issueCertificate } from '../../src/core/testca/certs';

const secret = new TextEncoder().encode('s3cret');
const pbm = { kind: 'pbm' as const, secret, senderKID: 'kid' };

describe('central key generation: the test CA', () => {
  it('a MAC-protected ir for a P-384 key: the key comes back in pwri, signed by the KGA, for the certificate', async () => {
    const ca = await TestCa.create({ secret });
    const req = await buildRequest(
      { body: 'ir', centralKeygen: true, keyType: 'P-384', template: { subject: 'CN=central' } },
      { protection: pbm },
    );
    if (!req.ok) assert.fail(JSON.stringify(req.errors));
    const read = readMessage(req.der);
    assert.equal(Number(read.header.pvno), 3, 'pvno 3: the answer carries EnvelopedData');
    assert.equal(read.body.ir![0].popo, undefined);
    assert.equal(read.body.ir![0].certReq.certTemplate.publicKey!.subjectPublicKey.byteLength, 0);
    const ids = checkMessage(req.der).map((f) => f.id);
    assert.ok(ids.includes('body.centralKeygen') && !ids.includes('body.popo.missing'), ids.join());
    const ip = await ca.handle(req.der);
    assert.equal(Number(readMessage(ip).header.pvno), 3);
    const out = await decryptMessage(ip, { kind: 'password', password: secret });
    assert.equal(out.exit, 0, JSON.stringify(out.items.map((i) => i.problem)));
    const item = out.items[0];
    assert.match(item.openedBy!, /^recipientInfos\[0\] pwri \(PBKDF2, id-alg-PWRI-KEK\)/);
    assert.equal(item.keyPackage!.contentType, 'id-ct-KP-aKeyPackage');
    assert.equal(item.keyPackage!.signature.verdict, 'valid');
    assert.match(
      item.keyPackage!.authorized.reason,
      /CN=CMP Lens Test KGA,O=CMP Lens carries EKU id-kp-cmKGA/,
    );
    assert.deepEqual(
      item.keys!.map((k) => [k.algorithm, k.matchesCertificate]),
      [['id-ecPublicKey (secp384r1 (P-384))', true]],
    );
    // "Open signed content": the SignedData named field by field, the key's bytes zeroed.
    const shown = redactedSignedContent(item)!;
    const { text } = inspectText(shown);
    assert.match(text, /content SignedData/);
    assert.match(text, /eContentType OBJECT IDENTIFIER = id-ct-KP-aKeyPackage/);
    assert.match(text, /CN=CMP Lens Test KGA/);
    const ec = AsnParser.parse(
      AsnParser.parse(item.keys![0].pkcs8, PrivateKeyInfo).privateKey.buffer,
      ECPrivateKey,
    );
    const scalar = toHex(new Uint8Array(ec.privateKey.buffer));
    assert.ok(toHex(item.content!).includes(scalar), 'the decrypted SignedData holds the private scalar');
    assert.ok(!toHex(shown).includes(scalar), 'the one shown does not');
  });

  it('a request signed with an Ed25519 certificate is refused: nothing to seal the key to', async () => {
    const ca = await TestCa.create({ secret });
    const ee = await generateKeyPair('Ed25519');
    const cert = await ca.issue(new Name([]), AsnParser.parse(ee.spki, SubjectPublicKeyInfo), undefined);
    const req = await buildRequest(
      { body: 'cr', centralKeygen: true, template: { subject: 'CN=central' } },
      { protection: { kind: 'signature', key: ee, cert } },
    );
    if (!req.ok) assert.fail(JSON.stringify(req.errors));
    const cp = readMessage(await ca.handle(req.der));
    const status = cp.body.cp!.response[0].status;
    assert.equal(status.status, 2);
    assert.match(
      status.statusString![0].toString(),
      /central key generation: the key cannot be sealed to the protecting certificate: cannot encrypt to a id-Ed25519 .*key/,
    );
  });

  it('a key signed by a certificate that is neither a KGA nor a CA fails the check (exit class "check")', async () => {
    const signer = await generateKeyPair('P-256');
    const { der: signerCert } = await issueCertificate({
      issuerKey: signer,
      subject: new Name([]),
      spki: signer.spki,
      serial: 7n,
      notBefore: new Date(Date.now() - 60_000),
      notAfter: new Date(Date.now() + 86_400_000),
      subtle: crypto.subtle,
    });
    const key = await generateKeyPair('P-256');
    const signed = await signKeyPackage(key.pkcs8, { key: signer, certDer: signerCert });
    const env = await sealEnvelope(signed, { password: secret }, { contentType: '1.2.840.113549.1.7.2' });
    const r = await decryptItem(
      {
        path: 'x',
        purpose: 'private key',
        envelope: AsnParser.parse(AsnSerializer.serialize(env), EnvelopedData),
      },
      { kind: 'password', password: secret },
    );
    assert.equal(r.keyPackage!.signature.verdict, 'valid');
    assert.equal(r.keyPackage!.authorized.ok, false);
    assert.match(
      r.keyPackage!.authorized.reason,
      /has no EKU id-kp-cmKGA and is not a CA: it is not authorized/,
    );
    assert.equal(r.failed, 'check');
  });
});

describe('indirect POP (RFC 9810 §5.2.8.3): the certificate comes back encrypted to the requested key', () => {
  const post = (ca: TestCa) => async (req: { body: Uint8Array }) => ({
    status: 200,
    contentType: 'application/pkixcmp',
    body: await ca.handle(req.body),
  });
  for (const [kind, recipient] of [
    ['RSA-2048', /ktri \(id-RSAES-OAEP\)/],
    ['P-256', /kari \(dhSinglePass-stdDH-sha256kdf-scheme, aes256-wrap\)/],
    ['X25519', /kari \(dhSinglePass-stdDH-hkdf-sha256-scheme, aes256-wrap\)/],
    ['ML-KEM-768', /kemri \(ML-KEM-768/],
  ] as const) {
    it(`${kind}: encrCert; the client opens it and confirms the decrypted certificate`, async () => {
      const ca = await TestCa.create({ secret });
      const key = await generateRecipientKey(kind);
      const steps: string[] = [];
      const req = await buildRequest(
        { body: 'ir', pop: 'encrCert', template: { subject: `CN=${kind} encryption key` }, senderKID: 'kid' },
        { protection: pbm, key: { kind: 'P-256', spki: key.spki, pkcs8: key.pkcs8 } },
      );
      if (!req.ok) assert.fail(JSON.stringify(req.errors));
      const popo = readMessage(req.der).body.ir![0].popo!;
      assert.equal((popo.keyAgreement ?? popo.keyEncipherment)!.subsequentMessage, 0, 'encrCert');
      assert.equal(!!popo.keyAgreement, kind === 'P-256' || kind === 'X25519');
      const r = await runTransaction(req.der, {
        post: post(ca),
        server: { name: 'test CA', url: 'http://in-process/' },
        protection: pbm,
        verify: { secret },
        newKey: async () => key.pkcs8,
        onStep: (s) => steps.push(s),
      });
      assert.ok(r.ok, r.error);
      assert.deepEqual(
        r.messages.map((m) => m.body),
        ['ir', 'ip', 'certConf', 'pkiconf'],
      );
      const ip = readMessage(r.messages[1].der);
      assert.equal(Number(ip.header.pvno), 3);
      assert.ok(ip.body.ip!.response[0].certifiedKeyPair!.certOrEncCert.encryptedCert?.envelopedData);
      assert.match(
        steps.join('\n'),
        new RegExp(`certificate 0 came encrypted: opened with recipientInfos\\[0\\] ${recipient.source}`),
      );
      // The certificate issued, decrypted, is for the requested key; the CA accepted certConf's hash of it.
      const issued = AsnParser.parse(r.issued[0].der, Certificate);
      assert.equal(
        toHex(new Uint8Array(AsnSerializer.serialize(issued.tbsCertificate.subjectPublicKeyInfo))),
        toHex(key.spki),
      );
      // And decrypt (the inspector's and the CLI's path) says the same with the key.
      const out = await decryptMessage(r.messages[1].der, { kind: 'key', pkcs8: key.pkcs8 });
      assert.equal(out.items[0].purpose, 'certificate');
      assert.equal(toHex(out.items[0].certificate!), toHex(r.issued[0].der));
    });
  }

  it('without the key the transaction stops and says why', async () => {
    const ca = await TestCa.create({ secret });
    const key = await generateRecipientKey('P-256');
    const req = await buildRequest(
      { body: 'ir', pop: 'encrCert', template: { subject: 'CN=x' }, senderKID: 'kid' },
      { protection: pbm, key: { kind: 'P-256', spki: key.spki, pkcs8: key.pkcs8 } },
    );
    if (!req.ok) assert.fail(JSON.stringify(req.errors));
    const r = await runTransaction(req.der, {
      post: post(ca),
      server: { name: 'test CA', url: 'http://in-process/' },
      protection: pbm,
    });
    assert.equal(r.ok, false);
    assert.match(r.error!, /came encrypted \(indirect POP\) and the requested key is not at hand to open it/);
  });
});
