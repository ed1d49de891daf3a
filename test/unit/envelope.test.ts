// Opening the EnvelopedData of a central key generation (issue 18, in part): OpenSSL 3.5's ip for an
// EC requester (kari: ECDH P-256, X9.63 KDF with SHA-1, aes256-wrap, aes256-CBC), opened with the
// requester's key, holds a SignedData whose content is the very key OpenSSL's own client saved
// (-newkeyout); another key is refused naming the RecipientInfo it tried.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { SignedData } from '@peculiar/asn1-cms';
import { AsnParser } from '@peculiar/asn1-schema';
import { readMessage, toHex, unwrapInput } from '../../src/core/base';
import {
  decryptItem,
  EnvelopeError,
  findEncrypted,
  openEnvelope,
  readKeyPackage,
} from '../../src/core/protection';
import { fixture } from './helpers';

const envelope = () => {
  const ip = readMessage(fixture('centralkeygen/ip-kari-ec.der'));
  const encrypted = ip.body.ip!.response[0].certifiedKeyPair!.privateKey as unknown as {
    envelopedData: Parameters<typeof openEnvelope>[0];
  };
  return encrypted.envelopedData;
};

describe('EnvelopedData: central key generation from OpenSSL 3.5', () => {
  it('opens with the requester key: a SignedData holding the key OpenSSL saved', async () => {
    const key = unwrapInput(fixture('centralkeygen/ee.key.pem')).der;
    const opened = await openEnvelope(envelope(), { kind: 'key', pkcs8: key });
    assert.match(
      opened.recipient,
      /^recipientInfos\[0\] kari \(dhSinglePass-stdDH-sha1kdf-scheme, aes256-wrap\), recipientEncryptedKeys\[0\] for issuer CN=EE, serial 0x/,
    );
    const signed = AsnParser.parse(opened.content, SignedData);
    const eContent = new Uint8Array(signed.encapContentInfo.eContent!.single!.buffer);
    // OpenSSL 3.5 puts the key in as an ECPrivateKey (RFC 5915); its client saved it as PKCS#8: the same
    // private scalar in both.
    const delivered = unwrapInput(fixture('centralkeygen/delivered.key.pem')).der;
    const scalar = /0201010420([0-9a-f]{64})/.exec(toHex(delivered))![1];
    assert.match(toHex(eContent), new RegExp(`^3077020101 ?0420${scalar}`.replace(' ?', '')));
    assert.equal(signed.signerInfos.length, 1, 'signed by the key generation authority');
  });

  it('another key does not open it, and the message says which RecipientInfo it tried', async () => {
    const other = unwrapInput(fixture('centralkeygen/delivered.key.pem')).der;
    await assert.rejects(
      openEnvelope(envelope(), { kind: 'key', pkcs8: other }),
      (e: Error) =>
        e instanceof EnvelopeError &&
        /no RecipientInfo opens with this P-256 key: recipientInfos\[0\] kari .*recipientEncryptedKeys\[0\] for issuer CN=EE, serial 0x[0-9a-f]+: the key does not unwrap/.test(
          e.message,
        ),
    );
  });
});

describe('central key generation from OpenSSL 3.5: the whole item (decryptItem)', () => {
  for (const [ip, key, delivered, recipient] of [
    ['ip-kari-ec.der', 'ee.key.pem', 'delivered.key.pem', /kari \(dhSinglePass-stdDH-sha1kdf-scheme/],
    [
      'ip-ktri-rsa.der',
      'ee-rsa.key.pem',
      'delivered-rsa.key.pem',
      /ktri \(rsaEncryption\) for issuer CN=EE-RSA/,
    ],
  ] as const) {
    it(`${ip}: the key OpenSSL's client saved, signed by the KGA, matching the certificate issued`, async () => {
      const msg = readMessage(fixture(`centralkeygen/${ip}`));
      const items = findEncrypted(msg);
      assert.deepEqual(
        items.map((i) => [i.path, i.purpose]),
        [['body.ip.response[0].certifiedKeyPair.privateKey', 'private key']],
      );
      const r = await decryptItem(items[0], {
        kind: 'key',
        pkcs8: unwrapInput(fixture(`centralkeygen/${key}`)).der,
      });
      assert.match(r.openedBy!, recipient);
      assert.equal(r.failed, undefined, r.problem);
      assert.equal(r.keyPackage!.signature.verdict, 'valid');
      assert.equal(r.keyPackage!.signature.summary, 'KGA signature by CN=KGA (ecdsa-with-SHA256)');
      assert.deepEqual(r.keyPackage!.authorized, { ok: true, reason: 'CN=KGA carries EKU id-kp-cmKGA' });
      assert.match(r.keyPackage!.habit!, /id-data .* not as id-ct-KP-aKeyPackage/);
      assert.equal(r.keys!.length, 1);
      assert.equal(r.keys![0].matchesCertificate, true);
      // The same private scalar as the PKCS#8 OpenSSL's client wrote with -newkeyout.
      const saved = toHex(unwrapInput(fixture(`centralkeygen/${delivered}`)).der);
      const scalar = /0201010420([0-9a-f]{64})/.exec(saved)![1];
      assert.ok(toHex(r.keys![0].pkcs8).includes(scalar));
    });
  }

  it('a SignedData changed after signing is invalid; without the key nothing opens', async () => {
    const msg = readMessage(fixture('centralkeygen/ip-kari-ec.der'));
    const [item] = findEncrypted(msg);
    const key = unwrapInput(fixture('centralkeygen/ee.key.pem')).der;
    const r = await decryptItem(item, { kind: 'key', pkcs8: key });
    const changed = r.content!.slice();
    const at = toHex(changed).indexOf('0420') / 2 + 2; // inside the signed private key
    changed[at] ^= 1;
    const pkg = await readKeyPackage(changed);
    assert.equal(pkg.signature.verdict, 'invalid');
    assert.match(pkg.signature.reason!, /messageDigest does not match the signed content/);
    const other = await decryptItem(item, {
      kind: 'key',
      pkcs8: unwrapInput(fixture('centralkeygen/delivered.key.pem')).der,
    });
    assert.equal(other.failed, 'no-key');
    assert.match(other.problem!, /no RecipientInfo opens with this P-256 key/);
    assert.equal(other.keys, undefined);
  });
});
