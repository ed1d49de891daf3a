/**
 * Key pairs for requests and for the test CA, with WebCrypto only: generate, load PKCS#8, sign
 * (signatures come out DER-encoded as X.509 and CMP carry them).
 */
import { AsnSerializer } from '@peculiar/asn1-schema';
import { ECDSASigValue } from '@peculiar/asn1-ecc';
import { PrivateKeyInfo } from '@peculiar/asn1-pkcs8';
import { AlgorithmIdentifier, SubjectPublicKeyInfo } from '@peculiar/asn1-x509';
import { decodeOid } from '../der/values';
import { curveByOid } from './algorithms';
import { own } from './bytes';
import { type Subtle } from './crypto';

type CryptoKey = Awaited<ReturnType<Subtle['importKey']>>;

import { keyKinds, type KeyKind } from '../../shared/requestSpec';
import { decodeAs, wordsOf } from './decode';
import {
  mlKemPublicKey,
  mlKemSecretKey,
  mlKemSets,
  pqByName,
  pqByOid,
  pqKeyFromPkcs8,
  pqPkcs8,
  pqSpki,
  type PqKeyMaterial,
  type PqSet,
} from './pq';
import { x25519 } from '@noble/curves/ed25519.js';
import { x448 } from '@noble/curves/ed448.js';

export { keyKinds, type KeyKind };

/** Keys that encrypt or agree but never sign: requested with indirect POP, used for kari and kemri. */
export type EncryptionKeyKind = 'X25519' | 'X448' | 'ML-KEM-512' | 'ML-KEM-768' | 'ML-KEM-1024';

export interface KeyPair {
  kind: KeyKind | 'RSA' | 'Ed448' | EncryptionKeyKind;
  /** The WebCrypto key (absent for post-quantum keys, which sign through the PQ port). */
  privateKey?: CryptoKey;
  /** A post-quantum key's material (ML-DSA, SLH-DSA). */
  pq?: PqKeyMaterial;
  /** DER SubjectPublicKeyInfo. */
  spki: Uint8Array;
  /** DER PKCS#8 PrivateKeyInfo (a secret: written with mode 0600 and said so). */
  pkcs8: Uint8Array;
}

const ecHash: Record<string, string> = { 'P-256': 'SHA-256', 'P-384': 'SHA-384', 'P-521': 'SHA-512' };
const ecSigOid: Record<string, string> = {
  'SHA-256': '1.2.840.10045.4.3.2',
  'SHA-384': '1.2.840.10045.4.3.3',
  'SHA-512': '1.2.840.10045.4.3.4',
};

function importParams(kind: string): { name: string; hash?: string; namedCurve?: string } {
  if (kind.startsWith('RSA')) return { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  if (kind.startsWith('P-')) return { name: 'ECDSA', namedCurve: kind };
  return { name: kind };
}

/**
 * A post-quantum key pair from a fresh seed, by @noble/post-quantum: PKCS#8 in RFC 9881's "both" form
 * for ML-DSA (as OpenSSL 3.5 writes it), RFC 9909's raw form for SLH-DSA.
 */
function generatePq(set: PqSet, random: (n: number) => Uint8Array): KeyPair {
  const seed = random(set.seedLength);
  const k = set.noble.keygen(seed);
  return {
    kind: set.name as KeyKind,
    pq: k,
    spki: pqSpki(set, k.publicKey),
    pkcs8: pqPkcs8(set, k.secretKey, set.family === 'ML-DSA' ? seed : undefined),
  };
}

/** A fresh key pair (extractable, so the private key can be saved beside the request). */
export async function generateKeyPair(
  kind: KeyKind,
  subtle: Subtle = globalThis.crypto.subtle,
  random: (n: number) => Uint8Array = (n) => globalThis.crypto.getRandomValues(new Uint8Array(n)),
): Promise<KeyPair> {
  const set = pqByName.get(kind);
  if (set) return generatePq(set, random);
  const params = kind.startsWith('RSA')
    ? {
        name: 'RSASSA-PKCS1-v1_5',
        hash: 'SHA-256',
        modulusLength: Number(kind.slice(4)),
        publicExponent: new Uint8Array([1, 0, 1]),
      }
    : importParams(kind);
  const pair = (await subtle.generateKey(params, true, ['sign', 'verify'])) as {
    privateKey: CryptoKey;
    publicKey: CryptoKey;
  };
  return {
    kind,
    privateKey: pair.privateKey,
    spki: new Uint8Array(await subtle.exportKey('spki', pair.publicKey)),
    pkcs8: new Uint8Array(await subtle.exportKey('pkcs8', pair.privateKey)),
  };
}

/** The key type of a PKCS#8 PrivateKeyInfo, from its algorithm OID (and curve). */
function kindOf(info: PrivateKeyInfo): KeyPair['kind'] {
  const alg = info.privateKeyAlgorithm.algorithm;
  if (alg === '1.2.840.113549.1.1.1') return 'RSA';
  if (alg === '1.3.101.112') return 'Ed25519';
  if (alg === '1.3.101.113') return 'Ed448';
  if (alg === '1.3.101.110') return 'X25519';
  if (alg === '1.3.101.111') return 'X448';
  const kem = mlKemSets[alg as keyof typeof mlKemSets];
  if (kem) return kem.name;
  const pq = pqByOid.get(alg);
  if (pq) return pq.name as KeyKind;
  if (alg === '1.2.840.10045.2.1') {
    const p = info.privateKeyAlgorithm.parameters
      ? new Uint8Array(info.privateKeyAlgorithm.parameters)
      : new Uint8Array();
    const curve = p[0] === 0x06 ? curveByOid[decodeOid(p.subarray(2)) ?? ''] : undefined;
    if (curve) return curve.name as KeyKind;
    throw new Error('the EC private key is on a curve WebCrypto does not support (P-256, P-384, P-521 are)');
  }
  throw new Error(
    `private keys of type ${alg} are not supported (RSA, EC P-256/384/521, Ed25519, Ed448, X25519, X448, ML-DSA, SLH-DSA, ML-KEM are)`,
  );
}

/** Loads a DER PKCS#8 key; the public key is derived through JWK (WebCrypto has no direct way). */
export async function importPrivateKey(
  pkcs8: Uint8Array,
  subtle: Subtle = globalThis.crypto.subtle,
): Promise<KeyPair> {
  let info: PrivateKeyInfo;
  try {
    info = decodeAs(own(pkcs8), PrivateKeyInfo);
  } catch (e) {
    throw new Error(`not a PKCS#8 private key: ${wordsOf(e, 'its key does not import')}`);
  }
  const kind = kindOf(info);
  const inner = new Uint8Array(info.privateKey.buffer);
  const spkiOf = (oid: string, pub: Uint8Array) =>
    new Uint8Array(
      AsnSerializer.serialize(
        new SubjectPublicKeyInfo({
          algorithm: new AlgorithmIdentifier({ algorithm: oid }),
          subjectPublicKey: own(pub).buffer,
        }),
      ),
    );
  // Encryption keys (indirect POP, kari, kemri): the public key derived, nothing to sign with.
  if (kind === 'X25519' || kind === 'X448') {
    const secret = inner.subarray(2, 2 + inner[1]);
    const size = kind === 'X25519' ? 32 : 56;
    if (inner[0] !== 0x04 || secret.length !== size)
      throw new Error(`the ${kind} private key is not an OCTET STRING of ${size} bytes (RFC 8410 §7)`);
    const pub = kind === 'X25519' ? x25519.getPublicKey(secret) : x448.getPublicKey(secret);
    return { kind, spki: spkiOf(info.privateKeyAlgorithm.algorithm, pub), pkcs8: new Uint8Array(pkcs8) };
  }
  if (kind.startsWith('ML-KEM')) {
    const oid = info.privateKeyAlgorithm.algorithm;
    const secretKey = mlKemSecretKey(oid, inner);
    return { kind, spki: spkiOf(oid, mlKemPublicKey(oid, secretKey)), pkcs8: new Uint8Array(pkcs8) };
  }
  const set = pqByName.get(kind);
  if (set) {
    const pq = pqKeyFromPkcs8(set, new Uint8Array(info.privateKey.buffer));
    return { kind, pq, spki: pqSpki(set, pq.publicKey), pkcs8: new Uint8Array(pkcs8) };
  }
  const params = importParams(kind);
  const privateKey = await subtle.importKey('pkcs8', own(pkcs8), params, true, ['sign']);
  const jwk = (await subtle.exportKey('jwk', privateKey)) as Record<string, unknown>;
  const pub = Object.fromEntries(
    Object.entries(jwk).filter(([k]) => ['kty', 'crv', 'n', 'e', 'x', 'y'].includes(k)),
  );
  const publicKey = await subtle.importKey('jwk', pub, params, true, ['verify']);
  return {
    kind,
    privateKey,
    spki: new Uint8Array(await subtle.exportKey('spki', publicKey)),
    pkcs8: new Uint8Array(pkcs8),
  };
}

const rsaSigOid: Record<string, string> = {
  'SHA-256': '1.2.840.113549.1.1.11',
  'SHA-384': '1.2.840.113549.1.1.12',
  'SHA-512': '1.2.840.113549.1.1.13',
};
/** A hash for RSA and ECDSA signatures; EdDSA has its own. */
export type SignatureHash = 'SHA-256' | 'SHA-384' | 'SHA-512';

/** The signature algorithm a key signs with: by default SHA-256 with RSA, ECDSA with the curve's hash, EdDSA. */
export function signatureAlgorithm(key: KeyPair, hash?: SignatureHash): AlgorithmIdentifier {
  if (key.kind.startsWith('RSA'))
    return new AlgorithmIdentifier({ algorithm: rsaSigOid[hash ?? 'SHA-256'], parameters: null });
  if (key.kind.startsWith('P-'))
    return new AlgorithmIdentifier({ algorithm: ecSigOid[hash ?? ecHash[key.kind]] });
  const set = pqByName.get(key.kind);
  if (set) return new AlgorithmIdentifier({ algorithm: set.oid });
  return new AlgorithmIdentifier({ algorithm: key.kind === 'Ed25519' ? '1.3.101.112' : '1.3.101.113' });
}

/** Signs `data` (with `hash` where the algorithm has a choice); ECDSA's r || s comes back as the DER Ecdsa-Sig-Value. */
export async function signBytes(
  key: KeyPair,
  data: Uint8Array,
  subtle: Subtle = globalThis.crypto.subtle,
  hash?: SignatureHash,
): Promise<Uint8Array> {
  const set = pqByName.get(key.kind);
  if (set && key.pq) return set.noble.sign(data, key.pq.secretKey);
  if (/^(X25519|X448|ML-KEM)/.test(key.kind))
    throw new Error(
      `a ${key.kind} key cannot sign: it is an encryption key (use the indirect POP, encrCert)`,
    );
  if (!key.privateKey) throw new Error(`the ${key.kind} key has no private key to sign with`);
  if (key.kind.startsWith('P-')) {
    const raw = new Uint8Array(
      await subtle.sign({ name: 'ECDSA', hash: hash ?? ecHash[key.kind] }, key.privateKey, own(data)),
    );
    const half = raw.length / 2;
    const int = (b: Uint8Array) => {
      let i = 0;
      while (i < b.length - 1 && b[i] === 0) i++;
      const v = b.subarray(i);
      return (v[0] & 0x80 ? new Uint8Array([0, ...v]) : new Uint8Array(v)).buffer;
    };
    return new Uint8Array(
      AsnSerializer.serialize(
        new ECDSASigValue({ r: int(raw.subarray(0, half)), s: int(raw.subarray(half)) }),
      ),
    );
  }
  const name = key.kind.startsWith('RSA') ? 'RSASSA-PKCS1-v1_5' : key.kind;
  // A WebCrypto RSA key is bound to its hash (SHA-256 here): another hash needs the key imported for it.
  const privateKey =
    name === 'RSASSA-PKCS1-v1_5' && hash && hash !== 'SHA-256'
      ? await subtle.importKey('pkcs8', own(key.pkcs8), { name, hash }, false, ['sign'])
      : key.privateKey;
  return new Uint8Array(await subtle.sign(name, privateKey, own(data)));
}
