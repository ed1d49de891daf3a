/**
 * Opening CMS EnvelopedData (RFC 5652 §6) with the recipient's private key, for what RFC 9810 sends
 * encrypted (a centrally generated key, RFC 9483 §4.1.6). So far the RecipientInfo OpenSSL 3.5 makes
 * for an EC requester: kari (RFC 5753) with the standard ECDH schemes and the ANSI X9.63 KDF
 * (SHA-1 or SHA-2), an AES key wrap (RFC 3394), and AES-CBC content (RFC 3565). Everything through
 * WebCrypto; what is not supported yet is said by name, not guessed.
 */
import { AsnParser, OctetString } from '@peculiar/asn1-schema';
import type { EnvelopedData } from '@peculiar/asn1-cms';
import { AlgorithmIdentifier } from '@peculiar/asn1-x509';
import { own } from '../base/bytes';
import type { Subtle } from '../base/crypto';

/** What an EnvelopedData cannot be opened with, in words (which RecipientInfo, which algorithm). */
export class EnvelopeError extends Error {}

/** X9.63 KDF hash of each ECDH scheme (RFC 5753 §7.1.4): standard and cofactor DH. */
const kariHash: Record<string, string> = {
  '1.3.133.16.840.63.0.2': 'SHA-1',
  '1.3.132.1.11.0': 'SHA-224',
  '1.3.132.1.11.1': 'SHA-256',
  '1.3.132.1.11.2': 'SHA-384',
  '1.3.132.1.11.3': 'SHA-512',
};
const wrapBits: Record<string, number> = {
  '2.16.840.1.101.3.4.1.5': 128,
  '2.16.840.1.101.3.4.1.25': 192,
  '2.16.840.1.101.3.4.1.45': 256,
};
const cbcBits: Record<string, number> = {
  '2.16.840.1.101.3.4.1.2': 128,
  '2.16.840.1.101.3.4.1.22': 192,
  '2.16.840.1.101.3.4.1.42': 256,
};
const curveBits: Record<string, number> = { 'P-256': 256, 'P-384': 384, 'P-521': 528 };

function tlv(tag: number, content: Uint8Array): Uint8Array {
  const n = content.length;
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  const out = new Uint8Array(1 + len.length + n);
  out.set([tag, ...len]);
  out.set(content, 1 + len.length);
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** ANSI X9.63 KDF (SEC 1 §3.6.1): Hash(Z ‖ counter ‖ SharedInfo) until `bytes` are made. */
async function x963(subtle: Subtle, hash: string, z: Uint8Array, shared: Uint8Array, bytes: number) {
  const blocks: Uint8Array[] = [];
  for (let c = 1, made = 0; made < bytes; c++) {
    const block = new Uint8Array(
      await subtle.digest(hash, own(concat(z, new Uint8Array([c >>> 24, c >>> 16, c >>> 8, c]), shared))),
    );
    blocks.push(block);
    made += block.length;
  }
  return concat(...blocks).subarray(0, bytes);
}

export interface Opened {
  /** The content, decrypted (for central key generation: a SignedData holding the key). */
  content: Uint8Array;
  /** Which RecipientInfo opened it: "recipientInfos[0] kari". */
  recipient: string;
}

/**
 * Opens `env` with the recipient's EC private key (PKCS#8) on `curve`. Tries each kari RecipientInfo
 * (a wrong key fails the AES key unwrap's integrity check, which says so).
 */
export async function openEnvelope(
  env: EnvelopedData,
  key: { pkcs8: Uint8Array; curve: 'P-256' | 'P-384' | 'P-521' },
  subtle: Subtle = globalThis.crypto.subtle,
): Promise<Opened> {
  const eci = env.encryptedContentInfo;
  const cbc = cbcBits[eci.contentEncryptionAlgorithm.algorithm];
  if (!cbc)
    throw new EnvelopeError(
      `content encryption ${eci.contentEncryptionAlgorithm.algorithm} is not supported yet (AES-CBC is)`,
    );
  const params = eci.contentEncryptionAlgorithm.parameters;
  if (!params) throw new EnvelopeError('the AES-CBC content encryption has no IV');
  const iv = new Uint8Array(AsnParser.parse(params, OctetString).buffer);
  const ciphertext = eci.encryptedContent?.value
    ? new Uint8Array(eci.encryptedContent.value.buffer)
    : undefined;
  if (!ciphertext) throw new EnvelopeError('the EnvelopedData carries no encrypted content');
  const priv = await subtle.importKey(
    'pkcs8',
    own(key.pkcs8),
    { name: 'ECDH', namedCurve: key.curve },
    false,
    ['deriveBits'],
  );
  const tried: string[] = [];
  for (const [i, ri] of env.recipientInfos.entries()) {
    const kari = ri.kari;
    if (!kari) {
      tried.push(
        `recipientInfos[${i}] is ${Object.keys(ri).find((k) => (ri as unknown as Record<string, unknown>)[k])} (not supported yet)`,
      );
      continue;
    }
    const hash = kariHash[kari.keyEncryptionAlgorithm.algorithm];
    const wrapDer = kari.keyEncryptionAlgorithm.parameters;
    const wrapOid = wrapDer ? AsnParser.parse(wrapDer, AlgorithmIdentifier).algorithm : '';
    const bits = wrapBits[wrapOid];
    const originator = kari.originator.originatorKey;
    if (!hash || !bits || !wrapDer || !originator) {
      tried.push(
        `recipientInfos[${i}] kari with ${kari.keyEncryptionAlgorithm.algorithm} / ${wrapOid || 'no key wrap'} (not supported yet)`,
      );
      continue;
    }
    const pub = await subtle.importKey(
      'raw',
      new Uint8Array(originator.publicKey),
      { name: 'ECDH', namedCurve: key.curve },
      false,
      [],
    );
    const z = new Uint8Array(
      await subtle.deriveBits({ name: 'ECDH', public: pub }, priv, curveBits[key.curve]),
    );
    // ECC-CMS-SharedInfo (RFC 5753 §7.2): the key wrap algorithm, the ukm, the KEK's length in bits.
    const ukm = kari.ukm ? tlv(0xa0, tlv(0x04, new Uint8Array(kari.ukm.buffer))) : new Uint8Array();
    const shared = tlv(
      0x30,
      concat(
        new Uint8Array(wrapDer),
        ukm,
        tlv(0xa2, tlv(0x04, new Uint8Array([0, 0, bits >> 8, bits & 0xff]))),
      ),
    );
    const kek = await subtle.importKey(
      'raw',
      own(await x963(subtle, hash, z, shared, bits / 8)),
      'AES-KW',
      false,
      ['unwrapKey'],
    );
    for (const [j, rek] of kari.recipientEncryptedKeys.entries()) {
      try {
        const cek = await subtle.unwrapKey(
          'raw',
          new Uint8Array(rek.encryptedKey.buffer),
          kek,
          'AES-KW',
          { name: 'AES-CBC', length: cbc },
          false,
          ['decrypt'],
        );
        const content = new Uint8Array(
          await subtle.decrypt({ name: 'AES-CBC', iv: own(iv) }, cek, own(ciphertext)),
        );
        return { content, recipient: `recipientInfos[${i}] kari, recipientEncryptedKeys[${j}]` };
      } catch {
        tried.push(
          `recipientInfos[${i}] kari, recipientEncryptedKeys[${j}]: the key does not unwrap (another recipient's key)`,
        );
      }
    }
  }
  throw new EnvelopeError(`no RecipientInfo opens with this key: ${tried.join('; ')}`);
}
