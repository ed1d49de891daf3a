// EnvelopedData both ways (issue 18): every RecipientInfo kind we seal opens with our code and with
// Bouncy Castle 1.80 or OpenSSL 3.5; every kind Bouncy Castle seals opens with ours. A wrong key or
// password is refused naming the RecipientInfo tried. The peers come from scripts/install-peers.sh;
// without them those parts say so and are skipped.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ContentInfo, SignedData } from '@peculiar/asn1-cms';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { PrivateKeyInfo } from '@peculiar/asn1-pkcs8';
import { AsnParser, AsnSerializer, OctetString } from '@peculiar/asn1-schema';
import { Name, SubjectPublicKeyInfo } from '@peculiar/asn1-x509';
import { EnvelopedData } from '../../src/core/asn1';
import { generateKeyPair, readMessage, toPem } from '../../src/core/base';
import { buildRequest } from '../../src/core/compose';
import { TestCa } from '../../src/core/testca';
import {
  EnvelopeError,
  generateRecipientKey,
  openEnvelope,
  recipientKeyKinds,
  sealEnvelope,
  type RecipientKeyKind,
} from '../../src/core/protection';
import { issueCertificate } from '../../src/core/testca/certs';
import { haveOpenssl35, openssl35 } from '../gen/pq';
import { bcEnvelopes, bcOpen, oracleMissing } from '../oracle/run';

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const bytes = (s: string) => new TextEncoder().encode(s);
const asContentInfo = (env: EnvelopedData) =>
  new Uint8Array(
    AsnSerializer.serialize(
      new ContentInfo({ contentType: '1.2.840.113549.1.7.3', content: AsnSerializer.serialize(env) }),
    ),
  );

async function recipient(kind: RecipientKeyKind) {
  const key = await generateRecipientKey(kind);
  const issuer = await generateKeyPair('P-256');
  const { der } = await issueCertificate({
    issuerKey: issuer,
    subject: new Name([]),
    spki: key.spki,
    serial: BigInt(Date.now()),
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 86_400_000),
    subtle: crypto.subtle,
  });
  return { ...key, cert: der };
}

describe('EnvelopedData sealed and opened by us, every recipient kind', () => {
  for (const kind of recipientKeyKinds) {
    it(`${kind}: opens with the key, not with another`, async () => {
      const r = await recipient(kind);
      const env = await sealEnvelope(bytes(`for ${kind}`), { certificate: r.cert });
      const back = AsnParser.parse(AsnSerializer.serialize(env), EnvelopedData);
      const opened = await openEnvelope(back, { kind: 'key', pkcs8: r.pkcs8, certificate: r.cert });
      assert.equal(text(opened.content), `for ${kind}`);
      assert.match(opened.recipient, /^recipientInfos\[0\] (ktri|kari|kemri) /);
      const other = await generateRecipientKey(kind);
      await assert.rejects(
        openEnvelope(back, { kind: 'key', pkcs8: other.pkcs8 }),
        (e: Error) =>
          e instanceof EnvelopeError &&
          /^no RecipientInfo opens with this .* key: recipientInfos\[0\] .*another recipient's key/.test(
            e.message,
          ),
      );
    });
  }

  it('password: PBKDF2 + PWRI-KEK opens with the password, a wrong one is named', async () => {
    const env = await sealEnvelope(bytes('by password'), { password: bytes('geheim') });
    const opened = await openEnvelope(env, { kind: 'password', password: bytes('geheim') });
    assert.equal(text(opened.content), 'by password');
    assert.match(opened.recipient, /pwri \(PBKDF2, id-alg-PWRI-KEK\)/);
    await assert.rejects(
      openEnvelope(env, { kind: 'password', password: bytes('falsch') }),
      /pwri .*the password does not unwrap the key \(a wrong password\)/,
    );
    await assert.rejects(
      openEnvelope(env, { kind: 'key', pkcs8: (await generateRecipientKey('P-256')).pkcs8 }),
      /pwri .*needs a password/,
    );
  });

  it('a certificate that is not the recipient is said so, with whom the RecipientInfo names', async () => {
    const r = await recipient('P-256');
    const other = await recipient('P-256');
    const env = await sealEnvelope(bytes('x'), { certificate: r.cert });
    await assert.rejects(
      openEnvelope(env, { kind: 'key', pkcs8: r.pkcs8, certificate: other.cert }),
      /is for issuer .*, serial 0x[0-9a-f]+, not this certificate/,
    );
  });
});

/**
 * Bouncy Castle 1.80 reads an ML-KEM PKCS#8 only in its own form, the bare 64-byte seed (an earlier
 * draft's), not RFC 9935's seed [0]: the same key handed to it in that form.
 */
function bcKeyForm(pkcs8: Uint8Array): Uint8Array {
  const info = AsnParser.parse(pkcs8, PrivateKeyInfo);
  const inner = new Uint8Array(info.privateKey.buffer);
  if (inner[0] !== 0x80 || inner[1] !== 0x40) return pkcs8;
  info.privateKey = new OctetString(inner.slice(2));
  return new Uint8Array(AsnSerializer.serialize(info));
}

const bcMissing = oracleMissing();
describe('Bouncy Castle 1.80 ↔ CMP Lens', { skip: bcMissing }, () => {
  let made: ReturnType<typeof bcEnvelopes>;
  before(() => {
    made = bcEnvelopes();
  });

  it('we open every EnvelopedData Bouncy Castle makes (ktri OAEP and PKCS1, kari + AES-GCM, kemri ×3, pwri)', async () => {
    const seen: string[] = [];
    for (const [kind, m] of made) {
      const ci = AsnParser.parse(m.env, ContentInfo);
      const env = AsnParser.parse(ci.content, EnvelopedData);
      const key =
        kind === 'password'
          ? { kind: 'password' as const, password: bytes('geheim') }
          : { kind: 'key' as const, pkcs8: m.key!, certificate: m.cert };
      const opened = await openEnvelope(env, key);
      assert.equal(text(opened.content), `CMP Lens and Bouncy Castle: ${kind}`, kind);
      seen.push(`${kind}: ${opened.recipient.replace(/ for issuer.*/, '')} / ${opened.contentEncryption}`);
    }
    assert.deepEqual(seen.sort(), [
      'ML-KEM-1024: recipientInfos[0] kemri (ML-KEM-1024 (id-alg-ml-kem-1024), id-kdf-kdf3, aes256-wrap) / aes256-CBC',
      'ML-KEM-512: recipientInfos[0] kemri (ML-KEM-512 (id-alg-ml-kem-512), id-kdf-kdf3, aes256-wrap) / aes256-CBC',
      'ML-KEM-768: recipientInfos[0] kemri (ML-KEM-768 (id-alg-ml-kem-768), id-kdf-kdf3, aes256-wrap) / aes256-CBC',
      'P-384: recipientInfos[0] kari (dhSinglePass-stdDH-sha256kdf-scheme, aes256-wrap), recipientEncryptedKeys[0] / aes128-GCM',
      'RSA-OAEP: recipientInfos[0] ktri (id-RSAES-OAEP) / aes256-CBC',
      'RSA-PKCS1: recipientInfos[0] ktri (rsaEncryption) / aes256-CBC',
      'password: recipientInfos[0] pwri (PBKDF2, id-alg-PWRI-KEK) / aes256-CBC',
    ]);
  });

  for (const [kind, bcKind] of [
    ['RSA-2048', 'RSA-OAEP'],
    ['P-256', 'P-256'],
    ['P-384', 'P-384'],
    ['ML-KEM-512', 'ML-KEM-512'],
    ['ML-KEM-768', 'ML-KEM-768'],
    ['ML-KEM-1024', 'ML-KEM-1024'],
  ] as const) {
    it(`Bouncy Castle opens what we seal to ${kind}`, async () => {
      const r = await recipient(kind);
      const env = await sealEnvelope(bytes(`ours for ${kind}`), { certificate: r.cert });
      assert.equal(text(bcOpen(asContentInfo(env), bcKind, bcKeyForm(r.pkcs8))), `ours for ${kind}`);
    });
  }

  it('Bouncy Castle opens what we seal to a password (pwri)', async () => {
    const env = await sealEnvelope(bytes('ours by password'), { password: bytes('geheim') });
    assert.equal(text(bcOpen(asContentInfo(env), 'password', 'geheim')), 'ours by password');
  });
});

describe(
  'OpenSSL 3.5 opens what we seal',
  { skip: haveOpenssl35() ? false : 'OpenSSL 3.5 is not installed' },
  () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'cmp-lens-env-'));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));
    const decrypt = (env: EnvelopedData, args: string[]) => {
      writeFileSync(join(dir, 'env.der'), asContentInfo(env));
      return execFileSync(
        openssl35,
        ['cms', '-decrypt', '-inform', 'DER', '-in', join(dir, 'env.der'), ...args],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      ).toString();
    };
    for (const kind of ['RSA-2048', 'P-256', 'P-521'] as const) {
      it(`${kind} (${kind.startsWith('RSA') ? 'ktri RSAES-OAEP' : 'kari ECDH'})`, async () => {
        const r = await recipient(kind);
        writeFileSync(join(dir, 'key.pem'), toPem('PRIVATE KEY', r.pkcs8));
        const env = await sealEnvelope(bytes(`openssl, ${kind}`), { certificate: r.cert });
        assert.equal(decrypt(env, ['-inkey', join(dir, 'key.pem')]), `openssl, ${kind}`);
      });
    }
    it('a password (pwri)', async () => {
      const env = await sealEnvelope(bytes('openssl, password'), { password: bytes('geheim') });
      assert.equal(decrypt(env, ['-pwri_password', 'geheim']), 'openssl, password');
    });
  },
);

describe('ML-KEM private keys in the forms RFC 9935 allows', () => {
  it('seed [0], expandedKey, both, and Bouncy Castle’s bare seed open the same kemri; a mismatched "both" is refused', async () => {
    const r = await recipient('ML-KEM-768');
    const env = await sealEnvelope(bytes('four forms'), { certificate: r.cert });
    const info = AsnParser.parse(r.pkcs8, PrivateKeyInfo);
    const seed = new Uint8Array(info.privateKey.buffer).slice(2); // 80 40 <seed>
    const expanded = ml_kem768.keygen(seed).secretKey;
    const tlv = (tag: number, b: Uint8Array) =>
      new Uint8Array([tag, ...(b.length < 128 ? [b.length] : [0x82, b.length >> 8, b.length & 0xff]), ...b]);
    const withInner = (inner: Uint8Array) => {
      const copy = AsnParser.parse(r.pkcs8, PrivateKeyInfo);
      copy.privateKey = new OctetString(inner);
      return new Uint8Array(AsnSerializer.serialize(copy));
    };
    const forms = {
      seed: r.pkcs8,
      expandedKey: withInner(tlv(0x04, expanded)),
      both: withInner(tlv(0x30, new Uint8Array([...tlv(0x04, seed), ...tlv(0x04, expanded)]))),
      'bare seed (Bouncy Castle 1.80)': withInner(seed),
    };
    for (const [form, pkcs8] of Object.entries(forms))
      assert.equal(text((await openEnvelope(env, { kind: 'key', pkcs8 })).content), 'four forms', form);
    const other = ml_kem768.keygen(new Uint8Array(64).fill(1)).secretKey;
    await assert.rejects(
      openEnvelope(env, {
        kind: 'key',
        pkcs8: withInner(tlv(0x30, new Uint8Array([...tlv(0x04, seed), ...tlv(0x04, other)]))),
      }),
      /the ML-KEM-768 private key's seed and expandedKey do not belong together/,
    );
  });
});

describe('Bouncy Castle 1.80 opens what our test CA sends', { skip: bcMissing }, () => {
  it("central key generation for a P-384 client: BC opens the ip's EnvelopedData to the KGA's SignedData", async () => {
    const ca = await TestCa.create({ secret: bytes('s3cret') });
    const client = await generateKeyPair('P-384');
    const cert = await ca.issue(new Name([]), AsnParser.parse(client.spki, SubjectPublicKeyInfo), undefined);
    const req = await buildRequest(
      { body: 'cr', centralKeygen: true, template: { subject: 'CN=for Bouncy Castle' } },
      { protection: { kind: 'signature', key: client, cert } },
    );
    if (!req.ok) assert.fail(JSON.stringify(req.errors));
    const cp = readMessage(await ca.handle(req.der));
    const env = cp.body.cp!.response[0].certifiedKeyPair!.privateKey!.envelopedData!;
    const content = bcOpen(asContentInfo(env), 'P-384', client.pkcs8);
    const signed = AsnParser.parse(content, SignedData);
    assert.equal(signed.encapContentInfo.eContentType, '2.16.840.1.101.2.1.2.78.5', 'id-ct-KP-aKeyPackage');
  });
});
