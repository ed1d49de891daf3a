/**
 * CMS EnvelopedData (RFC 5652 §6), opened and made, for what RFC 9810 sends encrypted: a centrally
 * generated key (RFC 9483 §4.1.6), an encrypted certificate (§5.2.8.3), a POP challenge's Rand.
 *
 * RecipientInfos: ktri (RSAES-PKCS1-v1_5, RSAES-OAEP), kari (ECDH on P-256/384/521 with the ANSI X9.63
 * KDF, RFC 5753; X25519/X448 with X9.63 or HKDF, RFC 8418), pwri (PBKDF2 with PWRI-KEK, RFC 3211, or
 * an AES key wrap) and kemri (ML-KEM, RFC 9629 / RFC 9936, with HKDF). Content: AES-CBC and AES-GCM.
 *
 * Crypto: WebCrypto for what every runtime has (ECDH, AES-KW, AES-CBC/GCM, RSA-OAEP, HKDF, PBKDF2);
 * @noble for what some lack (X25519/X448, ML-KEM, the unpadded CBC of PWRI-KEK); BigInt for
 * RSAES-PKCS1-v1_5 decryption, which WebCrypto does not offer. Anything else is named, not guessed.
 */
import { x25519 } from '@noble/curves/ed25519.js';
import { x448 } from '@noble/curves/ed448.js';
import { cbc } from '@noble/ciphers/aes.js';
import { AsnSerializer, OctetString } from '@peculiar/asn1-schema';
import * as cms from '@peculiar/asn1-cms';
import { PrivateKeyInfo } from '@peculiar/asn1-pkcs8';
import { RsaEsOaepParams } from '@peculiar/asn1-rsa';
import { AlgorithmIdentifier, Certificate, Extension, SubjectKeyIdentifier } from '@peculiar/asn1-x509';
import {
  CMSORIforKEMOtherInfo,
  EccCmsSharedInfo,
  EnvelopedData,
  PasswordRecipientInfo,
  RecipientInfo,
  RecipientInfos,
  GCMParameters,
  KemCiphertextInfo,
  KEMRecipientInfo,
  oids,
  type PKIBody,
  type PKIHeader,
  PBKDF2Params,
  PBKDF2Salt,
} from '../asn1';
import {
  algName,
  concatBytes,
  curveByOid,
  decodeAs,
  equalBytes,
  hashByOid,
  hmacByOid,
  derTlv,
  mlKemSecretKey,
  mlKemSets,
  oidBytes,
  own,
  toHex,
  wordsOf,
} from '../base';
import type { Random, Subtle } from '../base';
import { readDer } from '../der/reader';
import { decodeOid } from '../der/values';
import { nameText } from './chain';
import { maxPbkdf2Iterations } from './mac';
import { rsaPkcs1Decrypt } from './rsaDecrypt';

/** What an EnvelopedData cannot be opened with, in words (which RecipientInfo, which algorithm). */
export class EnvelopeError extends Error {}

const oid = {
  rsaEncryption: '1.2.840.113549.1.1.1',
  rsaesOaep: '1.2.840.113549.1.1.7',
  mgf1: '1.2.840.113549.1.1.8',
  pSpecified: '1.2.840.113549.1.1.9',
  ecPublicKey: '1.2.840.10045.2.1',
  x25519: '1.3.101.110',
  x448: '1.3.101.111',
  pwriKek: '1.2.840.113549.1.9.16.3.9',
  pbkdf2: '1.2.840.113549.1.5.12',
  oriKem: '1.2.840.113549.1.9.16.13.3',
  idData: '1.2.840.113549.1.7.1',
  stdDhSha256: '1.3.132.1.11.1',
  hkdfSha256Scheme: '1.2.840.113549.1.9.16.3.19',
  hkdfSha256: '1.2.840.113549.1.9.16.3.28',
  aes256wrap: '2.16.840.1.101.3.4.1.45',
  aes256cbc: '2.16.840.1.101.3.4.1.42',
  sha256: '2.16.840.1.101.3.4.2.1',
  hmacSha256: '1.2.840.113549.2.9',
};

/** KDF of each kari scheme (RFC 5753 §7.1.4, RFC 8418 §2.2): ANSI X9.63 or HKDF, and its hash. */
const kariKdf: Record<string, { kdf: 'X9.63' | 'HKDF'; hash: string }> = {
  '1.3.133.16.840.63.0.2': { kdf: 'X9.63', hash: 'SHA-1' },
  '1.3.133.16.840.63.0.3': { kdf: 'X9.63', hash: 'SHA-1' },
  '1.3.132.1.11.0': { kdf: 'X9.63', hash: 'SHA-224' },
  '1.3.132.1.11.1': { kdf: 'X9.63', hash: 'SHA-256' },
  '1.3.132.1.11.2': { kdf: 'X9.63', hash: 'SHA-384' },
  '1.3.132.1.11.3': { kdf: 'X9.63', hash: 'SHA-512' },
  // cofactor DH: the NIST curves' cofactor is 1, so the shared secret is the standard one.
  '1.3.132.1.14.0': { kdf: 'X9.63', hash: 'SHA-224' },
  '1.3.132.1.14.1': { kdf: 'X9.63', hash: 'SHA-256' },
  '1.3.132.1.14.2': { kdf: 'X9.63', hash: 'SHA-384' },
  '1.3.132.1.14.3': { kdf: 'X9.63', hash: 'SHA-512' },
  '1.2.840.113549.1.9.16.3.19': { kdf: 'HKDF', hash: 'SHA-256' },
  '1.2.840.113549.1.9.16.3.20': { kdf: 'HKDF', hash: 'SHA-384' },
  '1.2.840.113549.1.9.16.3.21': { kdf: 'HKDF', hash: 'SHA-512' },
};
/** HKDF for kemri (RFC 8619). */
const hkdfHash: Record<string, string> = {
  '1.2.840.113549.1.9.16.3.28': 'SHA-256',
  '1.2.840.113549.1.9.16.3.29': 'SHA-384',
  '1.2.840.113549.1.9.16.3.30': 'SHA-512',
};
/** ML-KEM decapsulation, with the ciphertext's length checked in our words (the library's are not for users). */
function decapsulate(oid: MlKemOid, ct: Uint8Array, secretKey: Uint8Array): Uint8Array {
  const set = mlKem[oid];
  if (ct.length !== set.noble.lengths.cipherText)
    throw new EnvelopeError(
      `the ${set.name} ciphertext has ${ct.length} bytes, not ${set.noble.lengths.cipherText}`,
    );
  return set.noble.decapsulate(ct, secretKey);
}

/** An X25519/X448 public key of the right length, or an error in words. */
function xPublic(curve: 'X25519' | 'X448', pub: Uint8Array): Uint8Array {
  const want = curve === 'X25519' ? 32 : 56;
  if (pub.length !== want)
    throw new EnvelopeError(`the ${curve} public key has ${pub.length} bytes, not ${want}`);
  return pub;
}

/** ANSI X9.44 KDF2 and KDF3 (RFC 9690 §2.3), parameters: the hash's AlgorithmIdentifier. */
const x944Kdf: Record<string, 'kdf2' | 'kdf3'> = {
  '1.3.133.16.840.9.44.1.1': 'kdf2',
  '1.3.133.16.840.9.44.1.2': 'kdf3',
};
const wrapBits: Record<string, number> = {
  '2.16.840.1.101.3.4.1.5': 128,
  '2.16.840.1.101.3.4.1.25': 192,
  '2.16.840.1.101.3.4.1.45': 256,
};
/** AES-CBC key sizes by OID (content encryption, PWRI-KEK, EncryptedValue's symmAlg). */
export const cbcBits: Record<string, number> = {
  '2.16.840.1.101.3.4.1.2': 128,
  '2.16.840.1.101.3.4.1.22': 192,
  '2.16.840.1.101.3.4.1.42': 256,
};
const gcmBits: Record<string, number> = {
  '2.16.840.1.101.3.4.1.6': 128,
  '2.16.840.1.101.3.4.1.26': 192,
  '2.16.840.1.101.3.4.1.46': 256,
};
const ccm = new Set(['2.16.840.1.101.3.4.1.7', '2.16.840.1.101.3.4.1.27', '2.16.840.1.101.3.4.1.47']);
const mlKem = mlKemSets;
type MlKemOid = keyof typeof mlKemSets;
const curveBits: Record<string, number> = { 'P-256': 256, 'P-384': 384, 'P-521': 528 };

/** A recipient's private key, read from PKCS#8: what kind of RecipientInfo it can open. */
export type RecipientPrivateKey =
  | { family: 'RSA'; name: 'RSA'; pkcs8: Uint8Array; rsa: Uint8Array }
  | { family: 'EC'; name: 'P-256' | 'P-384' | 'P-521'; pkcs8: Uint8Array }
  | { family: 'X'; name: 'X25519' | 'X448'; secret: Uint8Array }
  | { family: 'ML-KEM'; name: string; oid: MlKemOid; secretKey: Uint8Array };

/** How to open: a private key (PKCS#8, with its certificate if known, to match the recipient) or a password. */
export type RecipientKey =
  { kind: 'key'; pkcs8: Uint8Array; certificate?: Uint8Array } | { kind: 'password'; password: Uint8Array };

export interface Opened {
  /** The content, decrypted. */
  content: Uint8Array;
  /** The content type the EnvelopedData names. */
  contentType: string;
  /** Which RecipientInfo opened it: "recipientInfos[0] kari (dhSinglePass-stdDH-sha1kdf-scheme, aes256-wrap)". */
  recipient: string;
  /** The content encryption: "aes256-CBC". */
  contentEncryption: string;
}

const der = (value: object) => new Uint8Array(AsnSerializer.serialize(value));
const bytesOf = (b: ArrayBuffer | OctetString | ArrayBufferView) =>
  b instanceof OctetString ? new Uint8Array(b.buffer) : new Uint8Array(b as ArrayBuffer);

/** The key in a PKCS#8 PrivateKeyInfo as a recipient key, or an error naming what is supported. */
export function readRecipientKey(pkcs8: Uint8Array): RecipientPrivateKey {
  const info = decodeAs(pkcs8, PrivateKeyInfo, 'the private key (PKCS#8)');
  const alg = info.privateKeyAlgorithm.algorithm;
  const inner = new Uint8Array(info.privateKey.buffer);
  if (alg === oid.rsaEncryption) return { family: 'RSA', name: 'RSA', pkcs8, rsa: inner };
  if (alg === oid.ecPublicKey) {
    const p = info.privateKeyAlgorithm.parameters ? new Uint8Array(info.privateKeyAlgorithm.parameters) : [];
    const curve = p[0] === 0x06 ? curveByOid[decodeOid(new Uint8Array(p).subarray(2)) ?? ''] : undefined;
    if (!curve)
      throw new EnvelopeError('the EC key is on a curve this tool does not support (P-256/384/521 are)');
    return { family: 'EC', name: curve.name as 'P-256', pkcs8 };
  }
  if (alg === oid.x25519 || alg === oid.x448) {
    // CurvePrivateKey ::= OCTET STRING, inside privateKey's OCTET STRING (RFC 8410 §7).
    const name = alg === oid.x25519 ? 'X25519' : 'X448';
    const size = name === 'X25519' ? 32 : 56;
    const root = readDer(inner).roots[0];
    const secret = root ? inner.slice(root.offset + root.headerLength, root.end) : new Uint8Array();
    if (root?.tagNumber !== 4 || secret.length !== size)
      throw new EnvelopeError(
        `the ${name} private key is not an OCTET STRING of ${size} bytes (RFC 8410 §7)`,
      );
    return { family: 'X', name, secret };
  }
  if (alg in mlKem) {
    const set = mlKem[alg as MlKemOid];
    try {
      return {
        family: 'ML-KEM',
        name: set.name,
        oid: alg as MlKemOid,
        secretKey: mlKemSecretKey(alg, inner),
      };
    } catch (e) {
      throw new EnvelopeError((e as Error).message);
    }
  }
  throw new EnvelopeError(
    `a ${algName(alg)} key opens no RecipientInfo (RSA, EC P-256/384/521, X25519, X448, ML-KEM do)`,
  );
}

/**
 * The counter-mode hash KDFs: ANSI X9.63 / X9.44 KDF2 (SEC 1 §3.6.1): Hash(Z ‖ counter ‖ info), and
 * X9.44 KDF3 (RFC 9690 §2.3): Hash(counter ‖ Z ‖ info); the 32-bit counter starts at 1.
 */
async function counterKdf(
  subtle: Subtle,
  order: 'kdf2' | 'kdf3',
  hash: string,
  z: Uint8Array,
  info: Uint8Array,
  bytes: number,
) {
  const blocks: Uint8Array[] = [];
  for (let c = 1, made = 0; made < bytes; c++) {
    const counter = new Uint8Array([c >>> 24, c >>> 16, c >>> 8, c]);
    const input = order === 'kdf2' ? concatBytes(z, counter, info) : concatBytes(counter, z, info);
    const block = new Uint8Array(await subtle.digest(hash, own(input)));
    blocks.push(block);
    made += block.length;
  }
  return concatBytes(...blocks).subarray(0, bytes);
}

async function hkdf(subtle: Subtle, hash: string, ikm: Uint8Array, info: Uint8Array, bytes: number) {
  const base = await subtle.importKey('raw', own(ikm), 'HKDF', false, ['deriveBits']);
  return new Uint8Array(
    await subtle.deriveBits({ name: 'HKDF', hash, salt: new Uint8Array(), info: own(info) }, base, bytes * 8),
  );
}

/** The KEK of a kari RecipientInfo from the shared secret Z (RFC 5753 §7.2, RFC 8418 §2.3). */
async function kariKek(
  subtle: Subtle,
  scheme: string,
  wrap: AlgorithmIdentifier,
  z: Uint8Array,
  ukm: Uint8Array | undefined,
): Promise<Uint8Array> {
  const kdf = kariKdf[scheme];
  const bits = wrapBits[wrap.algorithm];
  if (!kdf || !bits)
    throw new EnvelopeError(`kari with ${algName(scheme)} / ${algName(wrap.algorithm)} is not supported`);
  const shared = der(
    new EccCmsSharedInfo({
      keyInfo: wrap,
      entityUInfo: ukm ? new OctetString(ukm) : undefined,
      suppPubInfo: new OctetString(new Uint8Array([0, 0, bits >> 8, bits & 0xff])),
    }),
  );
  return kdf.kdf === 'HKDF'
    ? hkdf(subtle, kdf.hash, z, shared, bits / 8)
    : counterKdf(subtle, 'kdf2', kdf.hash, z, shared, bits / 8);
}

async function aesUnwrap(subtle: Subtle, kek: Uint8Array, wrapped: Uint8Array): Promise<Uint8Array> {
  const k = await subtle.importKey('raw', own(kek), 'AES-KW', false, ['unwrapKey']);
  const cek = await subtle.unwrapKey(
    'raw',
    own(wrapped),
    k,
    'AES-KW',
    { name: 'HMAC', hash: 'SHA-256' },
    true,
    ['sign'],
  );
  return new Uint8Array(await subtle.exportKey('raw', cek));
}

async function aesWrap(subtle: Subtle, kek: Uint8Array, cek: Uint8Array): Promise<Uint8Array> {
  const k = await subtle.importKey('raw', own(kek), 'AES-KW', false, ['wrapKey']);
  const key = await subtle.importKey('raw', own(cek), { name: 'HMAC', hash: 'SHA-256' }, true, ['sign']);
  return new Uint8Array(await subtle.wrapKey('raw', key, k, 'AES-KW'));
}

/** RFC 3211 §2.3.2: the double CBC pass of PWRI-KEK, undone, and its check bytes checked. */
function pwriUnwrap(kek: Uint8Array, iv: Uint8Array, wrapped: Uint8Array): Uint8Array | undefined {
  const n = wrapped.length;
  if (n < 32 || n % 16) return undefined;
  const raw = (key: Uint8Array, v: Uint8Array, data: Uint8Array) =>
    cbc(key, v, { disablePadding: true }).decrypt(data);
  const last = raw(kek, wrapped.subarray(n - 32, n - 16), wrapped.subarray(n - 16));
  const head = raw(kek, last, wrapped.subarray(0, n - 16));
  const inner = raw(kek, iv, concatBytes(head, last));
  const len = inner[0];
  if (len < 1 || len + 4 > n) return undefined;
  const ok = [0, 1, 2].every((i) => (inner[1 + i] ^ inner[4 + i]) === 0xff);
  return ok ? inner.slice(4, 4 + len) : undefined;
}

function pwriWrap(kek: Uint8Array, iv: Uint8Array, cek: Uint8Array, random: Random): Uint8Array {
  const size = Math.max(32, Math.ceil((4 + cek.length) / 16) * 16);
  const block = concatBytes(
    new Uint8Array([cek.length, ~cek[0] & 0xff, ~cek[1] & 0xff, ~cek[2] & 0xff]),
    cek,
    random(size - 4 - cek.length),
  );
  const first = cbc(kek, iv, { disablePadding: true }).encrypt(block);
  return cbc(kek, first.subarray(size - 16), { disablePadding: true }).encrypt(first);
}

/** "issuer CN=CA, serial 0x1f" or "subjectKeyIdentifier 0a1b…": whom a RecipientInfo is for. */
function ridText(rid: {
  issuerAndSerialNumber?: cms.IssuerAndSerialNumber;
  subjectKeyIdentifier?: ArrayBuffer | OctetString;
  rKeyId?: cms.RecipientKeyIdentifier;
}): string {
  if (rid.issuerAndSerialNumber)
    return `issuer ${nameText(rid.issuerAndSerialNumber.issuer)}, serial 0x${toHex(new Uint8Array(rid.issuerAndSerialNumber.serialNumber))}`;
  const ski = rid.subjectKeyIdentifier ?? rid.rKeyId?.subjectKeyIdentifier;
  return ski ? `subjectKeyIdentifier ${toHex(bytesOf(ski))}` : 'an unnamed recipient';
}

/** Whether `rid` names `cert` (by issuer and serial, or by subjectKeyIdentifier). */
function ridMatches(
  rid: {
    issuerAndSerialNumber?: cms.IssuerAndSerialNumber;
    subjectKeyIdentifier?: ArrayBuffer | OctetString;
    rKeyId?: cms.RecipientKeyIdentifier;
  },
  cert: Certificate,
): boolean {
  if (rid.issuerAndSerialNumber)
    return (
      equalBytes(der(rid.issuerAndSerialNumber.issuer), der(cert.tbsCertificate.issuer)) &&
      equalBytes(
        new Uint8Array(rid.issuerAndSerialNumber.serialNumber),
        new Uint8Array(cert.tbsCertificate.serialNumber),
      )
    );
  const ski = rid.subjectKeyIdentifier ?? rid.rKeyId?.subjectKeyIdentifier;
  const ext = cert.tbsCertificate.extensions?.find((e: Extension) => e.extnID === '2.5.29.14');
  if (!ski || !ext) return false;
  return equalBytes(
    bytesOf(ski),
    new Uint8Array(decodeAs(ext.extnValue, SubjectKeyIdentifier, 'subjectKeyIdentifier').buffer),
  );
}

/** The content-encryption key of one RecipientInfo, or a reason it does not open with `key`. */
async function recipientCek(
  ri: RecipientInfo,
  key: RecipientKey,
  own_: RecipientPrivateKey | undefined,
  cert: Certificate | undefined,
  subtle: Subtle,
): Promise<{ cek: Uint8Array; what: string } | { why: string }> {
  const forOther = (rid: Parameters<typeof ridText>[0]) =>
    cert && !ridMatches(rid, cert) ? { why: `is for ${ridText(rid)}, not this certificate` } : undefined;
  if (ri.ktri) {
    const ktri = ri.ktri;
    const alg = ktri.keyEncryptionAlgorithm;
    const what = `ktri (${algName(alg.algorithm)}) for ${ridText(ktri.rid)}`;
    if (own_?.family !== 'RSA') return { why: `${what}: needs an RSA key` };
    const other = forOther(ktri.rid);
    if (other) return { why: `${what} ${other.why}` };
    const ek = bytesOf(ktri.encryptedKey);
    if (alg.algorithm === oid.rsaEncryption) {
      const cek = rsaPkcs1Decrypt(own_.rsa, ek);
      return cek ? { cek, what } : { why: `${what}: the key does not decrypt it (another recipient's key)` };
    }
    if (alg.algorithm === oid.rsaesOaep) {
      const p = alg.parameters
        ? decodeAs(alg.parameters, RsaEsOaepParams, 'RSAES-OAEP-params')
        : new RsaEsOaepParams();
      const hash = hashByOid[p.hashAlgorithm.algorithm] ?? p.hashAlgorithm.algorithm;
      const mgf = p.maskGenAlgorithm.parameters
        ? decodeAs(p.maskGenAlgorithm.parameters, AlgorithmIdentifier, 'MGF1 hash')
        : undefined;
      const mgfHash = mgf ? (hashByOid[mgf.algorithm] ?? mgf.algorithm) : 'SHA-1';
      if (hash !== mgfHash || !hash.startsWith('SHA-'))
        return {
          why: `${what}: OAEP with hash ${hash} and MGF1 ${mgfHash} is not supported (WebCrypto needs them equal)`,
        };
      // pSourceAlgorithm [2] absent is the empty label (@peculiar's default stands in a hash there).
      const explicitLabel = readDer(
        new Uint8Array(alg.parameters ?? new ArrayBuffer(0)),
      ).roots[0]?.children?.some((c) => c.tagClass === 2 && c.tagNumber === 2);
      const label =
        explicitLabel && p.pSourceAlgorithm.algorithm === oid.pSpecified && p.pSourceAlgorithm.parameters
          ? bytesOf(decodeAs(p.pSourceAlgorithm.parameters, OctetString, 'the OAEP label'))
          : new Uint8Array();
      const k = await subtle.importKey('pkcs8', own(own_.pkcs8), { name: 'RSA-OAEP', hash }, false, [
        'decrypt',
      ]);
      try {
        return {
          cek: new Uint8Array(await subtle.decrypt({ name: 'RSA-OAEP', label: own(label) }, k, own(ek))),
          what,
        };
      } catch {
        return { why: `${what}: the key does not decrypt it (another recipient's key)` };
      }
    }
    return { why: `${what}: key transport ${algName(alg.algorithm)} is not supported` };
  }
  if (ri.kari) {
    const kari = ri.kari;
    const scheme = kari.keyEncryptionAlgorithm.algorithm;
    const wrap = kari.keyEncryptionAlgorithm.parameters
      ? decodeAs(kari.keyEncryptionAlgorithm.parameters, AlgorithmIdentifier, 'the KeyWrapAlgorithm')
      : undefined;
    const what = `kari (${algName(scheme)}, ${wrap ? algName(wrap.algorithm) : 'no key wrap'})`;
    if (own_?.family !== 'EC' && own_?.family !== 'X')
      return { why: `${what}: needs an EC, X25519 or X448 key` };
    if (!wrap || !kariKdf[scheme] || !wrapBits[wrap.algorithm]) return { why: `${what}: not supported` };
    const originator = kari.originator.originatorKey;
    if (!originator)
      return { why: `${what}: the originator is named by certificate, not by key (not supported)` };
    const pub = new Uint8Array(originator.publicKey);
    let z: Uint8Array;
    try {
      if (own_.family === 'X') {
        z = (own_.name === 'X25519' ? x25519 : x448).getSharedSecret(own_.secret, pub);
      } else {
        const priv = await subtle.importKey(
          'pkcs8',
          own(own_.pkcs8),
          { name: 'ECDH', namedCurve: own_.name },
          false,
          ['deriveBits'],
        );
        const pk = await subtle.importKey(
          'raw',
          own(pub),
          { name: 'ECDH', namedCurve: own_.name },
          false,
          [],
        );
        z = new Uint8Array(await subtle.deriveBits({ name: 'ECDH', public: pk }, priv, curveBits[own_.name]));
      }
    } catch {
      return {
        why: `${what}: the originator's key is not on the ${own_.name} curve (another recipient's key type)`,
      };
    }
    const kek = await kariKek(subtle, scheme, wrap, z, kari.ukm ? bytesOf(kari.ukm) : undefined);
    const tried: string[] = [];
    for (const [j, rek] of kari.recipientEncryptedKeys.entries()) {
      const whatJ = `${what}, recipientEncryptedKeys[${j}] for ${ridText(rek.rid)}`;
      const other = forOther(rek.rid);
      if (other) {
        tried.push(`${whatJ} ${other.why}`);
        continue;
      }
      try {
        return { cek: await aesUnwrap(subtle, kek, bytesOf(rek.encryptedKey)), what: whatJ };
      } catch {
        tried.push(`${whatJ}: the key does not unwrap (another recipient's key)`);
      }
    }
    return { why: tried.join('; ') || `${what}: no recipientEncryptedKeys` };
  }
  if (ri.pwri) {
    const pwri = ri.pwri;
    const kea = pwri.keyEncryptionAlgorithm;
    const kdfAlg = pwri.keyDerivationAlgorithm;
    const what = `pwri (${kdfAlg ? algName(kdfAlg.algorithm) : 'no key derivation'}, ${algName(kea.algorithm)})`;
    if (key.kind !== 'password') return { why: `${what}: needs a password` };
    if (kdfAlg?.algorithm !== oid.pbkdf2 || !kdfAlg.parameters)
      return { why: `${what}: only PBKDF2 key derivation is supported` };
    const kdf = decodeAs(kdfAlg.parameters, PBKDF2Params, 'PBKDF2-params');
    if (!kdf.salt.specified) return { why: `${what}: PBKDF2 with a salt from otherSource is not supported` };
    if (kdf.iterationCount < 1 || kdf.iterationCount > maxPbkdf2Iterations)
      return {
        why: `${what}: PBKDF2 iterationCount ${kdf.iterationCount} is outside 1…${maxPbkdf2Iterations}`,
      };
    const prf = kdf.prf ? hmacByOid[kdf.prf.algorithm] : 'SHA-1';
    if (!prf) return { why: `${what}: PBKDF2 with ${algName(kdf.prf!.algorithm)} is not supported` };
    const inner =
      kea.algorithm === oid.pwriKek && kea.parameters
        ? decodeAs(kea.parameters, AlgorithmIdentifier, 'the PWRI-KEK cipher')
        : undefined;
    const bits = inner ? cbcBits[inner.algorithm] : wrapBits[kea.algorithm];
    if (!bits) return { why: `${what}${inner ? ` with ${algName(inner.algorithm)}` : ''}: not supported` };
    const base = await subtle.importKey('raw', own(key.password), 'PBKDF2', false, ['deriveBits']);
    const kek = new Uint8Array(
      await subtle.deriveBits(
        { name: 'PBKDF2', hash: prf, salt: own(bytesOf(kdf.salt.specified)), iterations: kdf.iterationCount },
        base,
        bits,
      ),
    );
    const wrapped = bytesOf(pwri.encryptedKey);
    if (inner) {
      const iv = bytesOf(decodeAs(inner.parameters ?? new ArrayBuffer(0), OctetString, 'the PWRI-KEK IV'));
      const cek = iv.length === 16 ? pwriUnwrap(kek, iv, wrapped) : undefined;
      return cek
        ? { cek, what }
        : { why: `${what}: the password does not unwrap the key (a wrong password)` };
    }
    try {
      return { cek: await aesUnwrap(subtle, kek, wrapped), what };
    } catch {
      return { why: `${what}: the password does not unwrap the key (a wrong password)` };
    }
  }
  if (ri.ori) {
    if (ri.ori.oriType !== oid.oriKem) return { why: `ori ${algName(ri.ori.oriType)}: not supported` };
    const kemri = decodeAs(ri.ori.oriValue, KEMRecipientInfo, 'KEMRecipientInfo');
    const what = `kemri (${algName(kemri.kem.algorithm)}, ${algName(kemri.kdf.algorithm)}, ${algName(kemri.wrap.algorithm)}) for ${ridText(kemri.rid)}`;
    if (own_?.family !== 'ML-KEM') return { why: `${what}: needs an ML-KEM key` };
    if (own_.oid !== kemri.kem.algorithm) return { why: `${what}: the key is ${own_.name}` };
    const other = forOther(kemri.rid);
    if (other) return { why: `${what} ${other.why}` };
    const kdfHash =
      hkdfHash[kemri.kdf.algorithm] ??
      (x944Kdf[kemri.kdf.algorithm] && kemri.kdf.parameters
        ? hashByOid[decodeAs(kemri.kdf.parameters, AlgorithmIdentifier, 'the KDF hash').algorithm]
        : undefined);
    if (!kdfHash)
      return {
        why: `${what}: key derivation ${algName(kemri.kdf.algorithm)} is not supported (HKDF, KDF2 and KDF3 with SHA-2 are)`,
      };
    if (!wrapBits[kemri.wrap.algorithm] || kemri.kekLength * 8 !== wrapBits[kemri.wrap.algorithm])
      return { why: `${what}: kekLength ${kemri.kekLength} does not fit ${algName(kemri.wrap.algorithm)}` };
    let ss: Uint8Array;
    try {
      ss = decapsulate(own_.oid, bytesOf(kemri.kemct), own_.secretKey);
    } catch (e) {
      return { why: `${what}: ${wordsOf(e, 'the KEM ciphertext does not decapsulate')}` };
    }
    const info = der(
      new CMSORIforKEMOtherInfo({ wrap: kemri.wrap, kekLength: kemri.kekLength, ukm: kemri.ukm }),
    );
    const kek = hkdfHash[kemri.kdf.algorithm]
      ? await hkdf(subtle, kdfHash, ss, info, kemri.kekLength)
      : await counterKdf(subtle, x944Kdf[kemri.kdf.algorithm], kdfHash, ss, info, kemri.kekLength);
    try {
      return { cek: await aesUnwrap(subtle, kek, bytesOf(kemri.encryptedKey)), what };
    } catch {
      // ML-KEM decapsulation never fails: a wrong key gives a wrong secret, and the unwrap says so.
      return { why: `${what}: the key does not unwrap (another recipient's key)` };
    }
  }
  return { why: 'kekri (a pre-shared key-encryption key): not supported' };
}

async function decryptContent(
  subtle: Subtle,
  alg: AlgorithmIdentifier,
  cek: Uint8Array,
  ciphertext: Uint8Array,
): Promise<Uint8Array> {
  const name = algName(alg.algorithm);
  if (cbcBits[alg.algorithm]) {
    if (!alg.parameters) throw new EnvelopeError(`the ${name} content encryption has no IV`);
    const iv = bytesOf(decodeAs(alg.parameters, OctetString, `the ${name} IV`));
    const k = await subtle.importKey('raw', own(cek), 'AES-CBC', false, ['decrypt']);
    return new Uint8Array(await subtle.decrypt({ name: 'AES-CBC', iv: own(iv) }, k, own(ciphertext)));
  }
  if (gcmBits[alg.algorithm]) {
    if (!alg.parameters) throw new EnvelopeError(`the ${name} content encryption has no GCMParameters`);
    const p = decodeAs(alg.parameters, GCMParameters, 'GCMParameters');
    const k = await subtle.importKey('raw', own(cek), 'AES-GCM', false, ['decrypt']);
    return new Uint8Array(
      await subtle.decrypt(
        { name: 'AES-GCM', iv: own(bytesOf(p.nonce)), tagLength: p.icvLen * 8 },
        k,
        own(ciphertext),
      ),
    );
  }
  if (ccm.has(alg.algorithm))
    throw new EnvelopeError(
      `content encryption ${name} is not supported (no producer seen; AES-CBC and AES-GCM are)`,
    );
  throw new EnvelopeError(`content encryption ${name} is not supported (AES-CBC and AES-GCM are)`);
}

/**
 * Opens `env` with `key`: tries each RecipientInfo the key can open (with a certificate, only those
 * naming it) and says which one opened it, or why none did.
 */
export async function openEnvelope(
  env: EnvelopedData,
  key: RecipientKey,
  subtle: Subtle = globalThis.crypto.subtle,
): Promise<Opened> {
  const eci = env.encryptedContentInfo;
  const ciphertext = eci.encryptedContent?.value
    ? bytesOf(eci.encryptedContent.value)
    : eci.encryptedContent?.constructedValue
      ? concatBytes(...eci.encryptedContent.constructedValue.map(bytesOf))
      : undefined;
  if (!ciphertext) throw new EnvelopeError('the EnvelopedData carries no encrypted content');
  const contentAlg = eci.contentEncryptionAlgorithm;
  if (!cbcBits[contentAlg.algorithm] && !gcmBits[contentAlg.algorithm])
    await decryptContent(subtle, contentAlg, new Uint8Array(), ciphertext);
  const priv = key.kind === 'key' ? readRecipientKey(key.pkcs8) : undefined;
  const cert =
    key.kind === 'key' && key.certificate
      ? decodeAs(key.certificate, Certificate, 'the certificate')
      : undefined;
  const tried: string[] = [];
  for (const [i, ri] of env.recipientInfos.entries()) {
    const got = await recipientCek(ri, key, priv, cert, subtle);
    if ('why' in got) {
      tried.push(`recipientInfos[${i}] ${got.why}`);
      continue;
    }
    let content: Uint8Array;
    try {
      content = await decryptContent(subtle, contentAlg, got.cek, ciphertext);
    } catch (e) {
      if (e instanceof EnvelopeError) throw e;
      tried.push(`recipientInfos[${i}] ${got.what}: the content does not decrypt with the key it gave`);
      continue;
    }
    return {
      content,
      contentType: eci.contentType,
      recipient: `recipientInfos[${i}] ${got.what}`,
      contentEncryption: algName(contentAlg.algorithm),
    };
  }
  throw new EnvelopeError(
    `no RecipientInfo opens with this ${key.kind === 'password' ? 'password' : `${priv!.name} key`}: ${tried.join('; ') || 'there are none'}`,
  );
}

/** Whom to seal to: a certificate (its key picks ktri, kari or kemri) or a password (pwri). */
export type SealTo = { certificate: Uint8Array } | { password: Uint8Array; iterations?: number };

const aesCbc256 = (iv: Uint8Array) =>
  new AlgorithmIdentifier({ algorithm: oid.aes256cbc, parameters: der(new OctetString(iv)).slice().buffer });
const aesWrap256 = () => new AlgorithmIdentifier({ algorithm: oid.aes256wrap });

/**
 * An EnvelopedData around `content` (AES-256-CBC) for one recipient: ktri with RSAES-OAEP/SHA-256 for an
 * RSA certificate, kari with ephemeral-static ECDH (X9.63 SHA-256 KDF for P-curves, HKDF-SHA256 for
 * X25519/X448) and aes256-wrap for EC, kemri with HKDF-SHA256 and aes256-wrap for ML-KEM, pwri with
 * PBKDF2-HMAC-SHA256 and PWRI-KEK (AES-256-CBC) for a password.
 */
export async function sealEnvelope(
  content: Uint8Array,
  to: SealTo,
  options: { subtle?: Subtle; random?: Random; contentType?: string } = {},
): Promise<EnvelopedData> {
  const subtle = options.subtle ?? globalThis.crypto.subtle;
  const random = options.random ?? ((n: number) => globalThis.crypto.getRandomValues(new Uint8Array(n)));
  const cek = random(32);
  const iv = random(16);
  const k = await subtle.importKey('raw', own(cek), 'AES-CBC', false, ['encrypt']);
  const encrypted = new Uint8Array(await subtle.encrypt({ name: 'AES-CBC', iv: own(iv) }, k, own(content)));
  let ri: RecipientInfo;
  let version = cms.CMSVersion.v0;
  if ('password' in to) {
    const salt = random(16);
    const iterations = to.iterations ?? 10_000;
    const base = await subtle.importKey('raw', own(to.password), 'PBKDF2', false, ['deriveBits']);
    const kek = new Uint8Array(
      await subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: own(salt), iterations }, base, 256),
    );
    const kekIv = random(16);
    ri = new RecipientInfo({
      pwri: new PasswordRecipientInfo({
        version: cms.CMSVersion.v0,
        keyDerivationAlgorithm: new cms.KeyDerivationAlgorithmIdentifier({
          algorithm: oid.pbkdf2,
          parameters: der(
            new PBKDF2Params({
              salt: new PBKDF2Salt({ specified: new OctetString(salt) }),
              iterationCount: iterations,
              prf: new AlgorithmIdentifier({ algorithm: oid.hmacSha256, parameters: null }),
            }),
          ).slice().buffer,
        }),
        keyEncryptionAlgorithm: new cms.KeyEncryptionAlgorithmIdentifier({
          algorithm: oid.pwriKek,
          parameters: der(aesCbc256(kekIv)).slice().buffer,
        }),
        encryptedKey: new OctetString(pwriWrap(kek, kekIv, cek, random)),
      }),
    });
    version = cms.CMSVersion.v3;
  } else {
    const cert = decodeAs(to.certificate, Certificate, 'the recipient certificate');
    const spki = cert.tbsCertificate.subjectPublicKeyInfo;
    const spkiDer = der(spki);
    const pub = new Uint8Array(spki.subjectPublicKey);
    const rid = new cms.IssuerAndSerialNumber({
      issuer: cert.tbsCertificate.issuer,
      serialNumber: cert.tbsCertificate.serialNumber,
    });
    const alg = spki.algorithm.algorithm;
    if (alg === oid.rsaEncryption) {
      const key = await subtle.importKey('spki', own(spkiDer), { name: 'RSA-OAEP', hash: 'SHA-256' }, false, [
        'encrypt',
      ]);
      const sha256 = new AlgorithmIdentifier({ algorithm: oid.sha256 });
      ri = new RecipientInfo({
        ktri: new cms.KeyTransRecipientInfo({
          version: cms.CMSVersion.v0,
          rid: new cms.RecipientIdentifier({ issuerAndSerialNumber: rid }),
          keyEncryptionAlgorithm: new cms.KeyEncryptionAlgorithmIdentifier({
            algorithm: oid.rsaesOaep,
            parameters: der(
              new RsaEsOaepParams({
                hashAlgorithm: sha256,
                maskGenAlgorithm: new AlgorithmIdentifier({
                  algorithm: oid.mgf1,
                  parameters: der(sha256).slice().buffer,
                }),
              }),
            ).slice().buffer,
          }),
          encryptedKey: new OctetString(
            new Uint8Array(await subtle.encrypt({ name: 'RSA-OAEP' }, key, own(cek))),
          ),
        }),
      });
    } else if (alg === oid.ecPublicKey || alg === oid.x25519 || alg === oid.x448) {
      let z: Uint8Array;
      let originator: cms.OriginatorPublicKey;
      const scheme = alg === oid.ecPublicKey ? oid.stdDhSha256 : oid.hkdfSha256Scheme;
      if (alg === oid.ecPublicKey) {
        const p = spki.algorithm.parameters ? new Uint8Array(spki.algorithm.parameters) : new Uint8Array();
        const curve = curveByOid[decodeOid(p.subarray(2)) ?? '']?.name;
        if (!curve || !curveBits[curve])
          throw new EnvelopeError("the recipient's EC key is on a curve this tool does not support");
        // Ephemeral-static ECDH through WebCrypto (RFC 5753 §3.1.1).
        const eph = (await subtle.generateKey({ name: 'ECDH', namedCurve: curve }, true, [
          'deriveBits',
        ])) as KeyPairOf;
        const theirs = await subtle.importKey(
          'spki',
          own(spkiDer),
          { name: 'ECDH', namedCurve: curve },
          false,
          [],
        );
        z = new Uint8Array(
          await subtle.deriveBits({ name: 'ECDH', public: theirs }, eph.privateKey, curveBits[curve]),
        );
        originator = new cms.OriginatorPublicKey({
          algorithm: new AlgorithmIdentifier({ algorithm: oid.ecPublicKey }),
          publicKey: await subtle.exportKey('raw', eph.publicKey),
        });
      } else {
        const x = alg === oid.x25519 ? x25519 : x448;
        const eph = random(x.lengths.secretKey ?? 32); // X25519/X448 clamp any bytes (RFC 7748 §5)
        z = x.getSharedSecret(eph, xPublic(alg === oid.x25519 ? 'X25519' : 'X448', pub));
        originator = new cms.OriginatorPublicKey({
          algorithm: new AlgorithmIdentifier({ algorithm: alg }),
          publicKey: x.getPublicKey(eph).slice().buffer,
        });
      }
      const wrap = aesWrap256();
      const kek = await kariKek(subtle, scheme, wrap, z, undefined);
      ri = new RecipientInfo({
        kari: new cms.KeyAgreeRecipientInfo({
          version: cms.CMSVersion.v3,
          originator: new cms.OriginatorIdentifierOrKey({ originatorKey: originator }),
          keyEncryptionAlgorithm: new cms.KeyEncryptionAlgorithmIdentifier({
            algorithm: scheme,
            parameters: der(wrap).slice().buffer,
          }),
          recipientEncryptedKeys: new cms.RecipientEncryptedKeys([
            new cms.RecipientEncryptedKey({
              rid: new cms.KeyAgreeRecipientIdentifier({ issuerAndSerialNumber: rid }),
              encryptedKey: new OctetString(await aesWrap(subtle, kek, cek)),
            }),
          ]),
        }),
      });
      version = cms.CMSVersion.v2;
    } else if (alg in mlKem) {
      const { cipherText, sharedSecret } = mlKem[alg as MlKemOid].noble.encapsulate(pub, random(32));
      const wrap = aesWrap256();
      const kdf = new AlgorithmIdentifier({ algorithm: oid.hkdfSha256 });
      const info = der(new CMSORIforKEMOtherInfo({ wrap, kekLength: 32 }));
      const kek = await hkdf(subtle, 'SHA-256', sharedSecret, info, 32);
      const kemri = new KEMRecipientInfo({
        version: 0,
        rid: new cms.RecipientIdentifier({ issuerAndSerialNumber: rid }),
        kem: new AlgorithmIdentifier({ algorithm: alg }),
        kemct: new OctetString(cipherText),
        kdf,
        kekLength: 32,
        wrap,
        encryptedKey: new OctetString(await aesWrap(subtle, kek, cek)),
      });
      ri = new RecipientInfo({
        ori: new cms.OtherRecipientInfo({ oriType: oid.oriKem, oriValue: der(kemri).slice().buffer }),
      });
      version = cms.CMSVersion.v3;
    } else {
      throw new EnvelopeError(
        `cannot encrypt to a ${algName(alg)} key (RSA, EC P-256/384/521, X25519, X448 and ML-KEM keys can be encrypted to)`,
      );
    }
  }
  return new EnvelopedData({
    version,
    recipientInfos: new RecipientInfos([ri]),
    encryptedContentInfo: new cms.EncryptedContentInfo({
      contentType: options.contentType ?? oid.idData,
      contentEncryptionAlgorithm: aesCbc256(iv),
      encryptedContent: new cms.EncryptedContent({ value: new OctetString(encrypted) }),
    }),
  });
}

type KeyPairOf = {
  publicKey: Awaited<ReturnType<Subtle['importKey']>>;
  privateKey: Awaited<ReturnType<Subtle['importKey']>>;
};

/** Key types an EnvelopedData can be sealed to (and a key generation authority can make). */
export const recipientKeyKinds = [
  'RSA-2048',
  'P-256',
  'P-384',
  'P-521',
  'X25519',
  'X448',
  'ML-KEM-512',
  'ML-KEM-768',
  'ML-KEM-1024',
] as const;
export type RecipientKeyKind = (typeof recipientKeyKinds)[number];

/**
 * A fresh key pair for encryption: SPKI and PKCS#8 (RSA and the NIST curves through WebCrypto;
 * X25519/X448 and ML-KEM through @noble, ML-KEM's PKCS#8 in RFC 9935's seed form).
 */
export async function generateRecipientKey(
  kind: RecipientKeyKind,
  options: { subtle?: Subtle; random?: Random } = {},
): Promise<{ spki: Uint8Array; pkcs8: Uint8Array }> {
  const subtle = options.subtle ?? globalThis.crypto.subtle;
  const random = options.random ?? ((n: number) => globalThis.crypto.getRandomValues(new Uint8Array(n)));
  const exported = async (pair: KeyPairOf) => ({
    spki: new Uint8Array(await subtle.exportKey('spki', pair.publicKey)),
    pkcs8: new Uint8Array(await subtle.exportKey('pkcs8', pair.privateKey)),
  });
  if (kind === 'RSA-2048')
    return exported(
      (await subtle.generateKey(
        { name: 'RSA-OAEP', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
        true,
        ['encrypt', 'decrypt'],
      )) as KeyPairOf,
    );
  if (kind.startsWith('P-'))
    return exported(
      (await subtle.generateKey({ name: 'ECDH', namedCurve: kind }, true, ['deriveBits'])) as KeyPairOf,
    );
  const algId = (o: string) => derTlv(0x30, derTlv(0x06, oidBytes(o)));
  const spkiOf = (o: string, pub: Uint8Array) =>
    derTlv(0x30, concatBytes(algId(o), derTlv(0x03, concatBytes(new Uint8Array([0]), pub))));
  const pkcs8Of = (o: string, inner: Uint8Array) =>
    derTlv(0x30, concatBytes(new Uint8Array([2, 1, 0]), algId(o), derTlv(0x04, inner)));
  if (kind === 'X25519' || kind === 'X448') {
    const x = kind === 'X25519' ? x25519 : x448;
    const o = kind === 'X25519' ? oid.x25519 : oid.x448;
    const secret = random(x.lengths.secretKey ?? 32);
    return { spki: spkiOf(o, x.getPublicKey(secret)), pkcs8: pkcs8Of(o, derTlv(0x04, secret)) };
  }
  const [o, set] = Object.entries(mlKem).find(([, s]) => s.name === kind)!;
  const seed = random(64);
  const k = set.noble.keygen(seed);
  return { spki: spkiOf(o, k.publicKey), pkcs8: pkcs8Of(o, derTlv(0x80, seed)) };
}

/**
 * The KemCiphertextInfo a message carries (RFC 9810 §5.1.3.4): in a genp's id-it-KemCiphertextInfo, or
 * in the header's generalInfo; undefined when it has none.
 */
export function kemCiphertextOf(msg: { header: PKIHeader; body: PKIBody }): KemCiphertextInfo | undefined {
  const items = [...(msg.body.genp ?? []), ...(msg.header.generalInfo ?? [])];
  const itav = items.find((i) => i.infoType === oids.itKemCiphertextInfo && i.infoValue);
  return itav ? decodeAs(itav.infoValue!, KemCiphertextInfo, 'KemCiphertextInfo') : undefined;
}

/** ss = Decapsulate(ct, sk): the KEM shared secret of a KemCiphertextInfo, with the ML-KEM private key. */
export function kemSharedSecret(info: KemCiphertextInfo, pkcs8: Uint8Array): Uint8Array {
  const key = readRecipientKey(pkcs8);
  if (key.family !== 'ML-KEM')
    throw new EnvelopeError(`KemCiphertextInfo needs an ML-KEM private key, not ${key.name}`);
  if (key.oid !== info.kem.algorithm)
    throw new EnvelopeError(
      `the KemCiphertextInfo is for ${algName(info.kem.algorithm)}, the key is ${key.name}`,
    );
  return decapsulate(key.oid, new Uint8Array(info.ct.buffer), key.secretKey);
}
