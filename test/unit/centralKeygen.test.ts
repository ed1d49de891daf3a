// Central key generation in the test CA and the composer (issue 18, RFC 9483 §4.1.6), in process: the
// request names only the algorithm, the answer (pvno 3) carries the key sealed to the requester and
// signed by the KGA, and what cannot be done is refused in words.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { AsnParser, AsnSerializer } from '@peculiar/asn1-schema';
import { Name, SubjectPublicKeyInfo } from '@peculiar/asn1-x509';
import { decryptMessage } from '../../src/app';
import { EnvelopedData } from '../../src/core/asn1';
import { generateKeyPair, readMessage } from '../../src/core/base';
import { checkMessage } from '../../src/core/checks';
import { buildRequest } from '../../src/core/compose';
import { decryptItem, sealEnvelope, signKeyPackage } from '../../src/core/protection';
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
