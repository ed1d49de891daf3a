// Opening the EnvelopedData of a central key generation (issue 18, in part): OpenSSL 3.5's ip for an
// EC requester (kari: ECDH P-256, X9.63 KDF with SHA-1, aes256-wrap, aes256-CBC), opened with the
// requester's key, holds a SignedData whose content is the very key OpenSSL's own client saved
// (-newkeyout); another key is refused naming the RecipientInfo it tried.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SignedData } from '@peculiar/asn1-cms';
import { AsnParser, AsnSerializer, OctetString } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier, GeneralName } from '@peculiar/asn1-x509';
import {
  Challenge,
  EncryptedValue,
  PKIBody,
  PKIHeader,
  POPODecKeyChallContent,
  Rand,
} from '../../src/core/asn1';
import { generateKeyPair, parseName, readMessage, toHex, unwrapInput } from '../../src/core/base';
import {
  decryptItem,
  EnvelopeError,
  findEncrypted,
  openEnvelope,
  readKeyPackage,
  sealEnvelope,
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

describe('the other encrypted content: an old EncryptedValue, a POP challenge', () => {
  it('an EncryptedValue (RFC 4211) made with OpenSSL 3.0 (RSA PKCS #1 v1.5, AES-256-CBC) opens to its key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cmp-lens-ev-'));
    try {
      const key = await generateKeyPair('P-256');
      const sym = crypto.getRandomValues(new Uint8Array(32));
      const iv = crypto.getRandomValues(new Uint8Array(16));
      writeFileSync(join(dir, 'sym.bin'), sym);
      writeFileSync(join(dir, 'value.der'), key.pkcs8);
      writeFileSync(join(dir, 'ee.crt'), fixture('centralkeygen/ee-rsa.crt'));
      const openssl = (args: string[]) => execFileSync('openssl', args, { cwd: dir });
      openssl(['x509', '-in', 'ee.crt', '-pubkey', '-noout', '-out', 'pub.pem']);
      const encSymmKey = openssl(['pkeyutl', '-encrypt', '-pubin', '-inkey', 'pub.pem', '-in', 'sym.bin']);
      const encValue = openssl([
        'enc',
        '-aes-256-cbc',
        '-K',
        toHex(sym),
        '-iv',
        toHex(iv),
        '-in',
        'value.der',
      ]);
      const value = new EncryptedValue({
        symmAlg: new AlgorithmIdentifier({
          algorithm: '2.16.840.1.101.3.4.1.42',
          parameters: AsnSerializer.serialize(new OctetString(iv)),
        }),
        encSymmKey: new Uint8Array(encSymmKey).buffer,
        keyAlg: new AlgorithmIdentifier({ algorithm: '1.2.840.113549.1.1.1', parameters: null }),
        encValue: new Uint8Array(encValue).buffer,
      });
      const item = { path: 'x', purpose: 'private key' as const, value };
      const rsa = unwrapInput(fixture('centralkeygen/ee-rsa.key.pem')).der;
      const r = await decryptItem(item, { kind: 'key', pkcs8: rsa });
      assert.equal(r.failed, undefined, r.problem);
      assert.equal(r.openedBy, 'EncryptedValue (rsaEncryption, aes256-CBC)');
      assert.equal(toHex(r.keys![0].pkcs8), toHex(key.pkcs8));
      const other = await decryptItem(item, {
        kind: 'key',
        pkcs8: unwrapInput(fixture('centralkeygen/ee.key.pem')).der,
      });
      assert.equal(other.failed, 'no-key');
      assert.match(
        other.problem!,
        /EncryptedValue with keyAlg rsaEncryption and a P-256 key is not supported/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a POP challenge's encryptedRand opens to its Rand, whose sender is compared with the message's", async () => {
    const cert = fixture('centralkeygen/ee-rsa.crt');
    const ca = new GeneralName({ directoryName: parseName('CN=Challenging CA') });
    const rand = new Rand({ int: 4242, sender: ca });
    const env = await sealEnvelope(new Uint8Array(AsnSerializer.serialize(rand)), {
      certificate: unwrapInput(cert).der,
    });
    const msg = {
      header: new PKIHeader({ sender: ca }),
      body: new PKIBody({
        popdecc: new POPODecKeyChallContent([
          new Challenge({
            witness: new OctetString(new Uint8Array(20)),
            challenge: new OctetString(new Uint8Array(8)),
            encryptedRand: env,
          }),
        ]),
      }),
    };
    const [item] = findEncrypted(msg);
    assert.equal(item.path, 'body.popdecc[0].encryptedRand');
    assert.equal(item.purpose, 'challenge');
    const key = { kind: 'key' as const, pkcs8: unwrapInput(fixture('centralkeygen/ee-rsa.key.pem')).der };
    const r = await decryptItem(item, key, { sender: ca });
    assert.deepEqual(r.rand, { int: '4242', sender: 'CN=Challenging CA', senderMatches: true });
    const other = await decryptItem(item, key, {
      sender: new GeneralName({ directoryName: parseName('CN=Somebody else') }),
    });
    assert.equal(other.rand!.senderMatches, false);
    assert.equal(other.failed, 'check');
  });
});
