/**
 * Signatures some runtimes lack, through one port: ML-DSA (FIPS 204, RFC 9881) and SLH-DSA (FIPS 205,
 * RFC 9909), pure mode with the empty context, as CMP uses them, and EdDSA (Ed25519, Ed448: Electron's
 * BoringSSL has no Ed448). Each call tries the runtime's WebCrypto first (Node 24 has ML-DSA; no runtime
 * here has SLH-DSA) and falls back to @noble/post-quantum or @noble/curves (pure JS, audited, no native
 * code) when WebCrypto does not know the algorithm. Which implementation served each algorithm is
 * recorded, so the extension can log it once.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { ed448 } from '@noble/curves/ed448.js';
import { ml_dsa44, ml_dsa65, ml_dsa87 } from '@noble/post-quantum/ml-dsa.js';
import { ml_kem1024, ml_kem512, ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import {
  slh_dsa_sha2_128f,
  slh_dsa_sha2_128s,
  slh_dsa_sha2_192f,
  slh_dsa_sha2_192s,
  slh_dsa_sha2_256f,
  slh_dsa_sha2_256s,
  slh_dsa_shake_128f,
  slh_dsa_shake_128s,
  slh_dsa_shake_192f,
  slh_dsa_shake_192s,
  slh_dsa_shake_256f,
  slh_dsa_shake_256s,
} from '@noble/post-quantum/slh-dsa.js';
import { own } from './bytes';
import type { Subtle } from './crypto';
import { readDer } from '../der/reader';

interface NobleSigner {
  keygen(seed?: Uint8Array): { publicKey: Uint8Array; secretKey: Uint8Array };
  sign(msg: Uint8Array, secretKey: Uint8Array): Uint8Array;
  verify(sig: Uint8Array, msg: Uint8Array, publicKey: Uint8Array): boolean;
}

export interface PqSet {
  oid: string;
  /** The WebCrypto name and ours: "ML-DSA-65", "SLH-DSA-SHA2-128s". */
  name: string;
  family: 'ML-DSA' | 'SLH-DSA';
  noble: NobleSigner;
  /** Seed length for key generation (ML-DSA 32; SLH-DSA 3n). */
  seedLength: number;
}

const mlDsa = (n: 44 | 65 | 87, oid: string, noble: NobleSigner): PqSet => ({
  oid,
  name: `ML-DSA-${n}`,
  family: 'ML-DSA',
  noble,
  seedLength: 32,
});
const slh = (name: string, oid: string, noble: NobleSigner, n: number): PqSet => ({
  oid,
  name: `SLH-DSA-${name}`,
  family: 'SLH-DSA',
  noble,
  seedLength: 3 * n,
});

/** Every set, by OID (NIST's arc 2.16.840.1.101.3.4.3). */
export const pqSets: PqSet[] = [
  mlDsa(44, '2.16.840.1.101.3.4.3.17', ml_dsa44),
  mlDsa(65, '2.16.840.1.101.3.4.3.18', ml_dsa65),
  mlDsa(87, '2.16.840.1.101.3.4.3.19', ml_dsa87),
  slh('SHA2-128s', '2.16.840.1.101.3.4.3.20', slh_dsa_sha2_128s, 16),
  slh('SHA2-128f', '2.16.840.1.101.3.4.3.21', slh_dsa_sha2_128f, 16),
  slh('SHA2-192s', '2.16.840.1.101.3.4.3.22', slh_dsa_sha2_192s, 24),
  slh('SHA2-192f', '2.16.840.1.101.3.4.3.23', slh_dsa_sha2_192f, 24),
  slh('SHA2-256s', '2.16.840.1.101.3.4.3.24', slh_dsa_sha2_256s, 32),
  slh('SHA2-256f', '2.16.840.1.101.3.4.3.25', slh_dsa_sha2_256f, 32),
  slh('SHAKE-128s', '2.16.840.1.101.3.4.3.26', slh_dsa_shake_128s, 16),
  slh('SHAKE-128f', '2.16.840.1.101.3.4.3.27', slh_dsa_shake_128f, 16),
  slh('SHAKE-192s', '2.16.840.1.101.3.4.3.28', slh_dsa_shake_192s, 24),
  slh('SHAKE-192f', '2.16.840.1.101.3.4.3.29', slh_dsa_shake_192f, 24),
  slh('SHAKE-256s', '2.16.840.1.101.3.4.3.30', slh_dsa_shake_256s, 32),
  slh('SHAKE-256f', '2.16.840.1.101.3.4.3.31', slh_dsa_shake_256f, 32),
];

export const pqByOid: ReadonlyMap<string, PqSet> = new Map(pqSets.map((s) => [s.oid, s]));
export const pqByName: ReadonlyMap<string, PqSet> = new Map(pqSets.map((s) => [s.name, s]));

export type PqImplementation = 'WebCrypto' | '@noble/post-quantum' | '@noble/curves';

/** The EdDSA schemes the port can serve without WebCrypto (RFC 8032, pure EdDSA as X.509 uses it). */
const edFallback = { Ed25519: ed25519, Ed448: ed448 } as const;
export type EdName = keyof typeof edFallback;
const edOid: Record<EdName, string> = { Ed25519: '1.3.101.112', Ed448: '1.3.101.113' };

/** Which implementation last served each set (for the extension's one log line, and tests). */
export const pqServedBy = new Map<string, PqImplementation>();

/** WebCrypto does not know the algorithm (as opposed to refusing this key). */
function unknownAlgorithm(e: unknown): boolean {
  const name = (e as { name?: string } | undefined)?.name;
  return name === 'NotSupportedError' || (name === 'SyntaxError' && /algorithm/i.test(String(e)));
}

/** The subjectPublicKey bytes of an SPKI (RFC 9881 and RFC 9909 put the raw key there). */
export function rawPublicKey(spki: Uint8Array): Uint8Array {
  const bits = readDer(spki).roots[0]?.children?.[1];
  if (!bits || bits.tagNumber !== 3) throw new Error('the public key is not a SubjectPublicKeyInfo');
  return spki.subarray(bits.offset + bits.headerLength + 1, bits.end);
}

/**
 * The port's one rule: verify with the runtime's WebCrypto when it knows `name`, else with `fallback`
 * (pure JS), recording which served. A key WebCrypto knows but refuses is an error, not a fallback.
 */
async function verifyThroughPort(
  subtle: Subtle,
  name: string,
  spki: Uint8Array,
  data: Uint8Array,
  signature: Uint8Array,
  fallback: { by: PqImplementation; verify(sig: Uint8Array, msg: Uint8Array, pub: Uint8Array): boolean },
): Promise<boolean> {
  let key: Awaited<ReturnType<Subtle['importKey']>> | undefined;
  try {
    key = await subtle.importKey('spki', own(spki), { name }, false, ['verify']);
  } catch (e) {
    if (!unknownAlgorithm(e)) throw new Error(`the ${name} public key does not import`);
  }
  if (key) {
    pqServedBy.set(name, 'WebCrypto');
    return subtle.verify({ name }, key, own(signature), own(data));
  }
  pqServedBy.set(name, fallback.by);
  try {
    return fallback.verify(signature, data, rawPublicKey(spki));
  } catch {
    return false;
  }
}

/** Verifies a pure-mode signature with the empty context; WebCrypto first, then @noble/post-quantum. */
export function pqVerify(
  subtle: Subtle,
  set: PqSet,
  spki: Uint8Array,
  data: Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  return verifyThroughPort(subtle, set.name, spki, data, signature, {
    by: '@noble/post-quantum',
    verify: (sig, msg, pub) => set.noble.verify(sig, msg, pub),
  });
}

/** Verifies an Ed25519 or Ed448 signature; WebCrypto first, then @noble/curves. */
export function edVerify(
  subtle: Subtle,
  name: EdName,
  spki: Uint8Array,
  data: Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  return verifyThroughPort(subtle, name, spki, data, signature, {
    by: '@noble/curves',
    verify: (sig, msg, pub) => edFallback[name].verify(sig, msg, pub),
  });
}

/** A PQ private key as the fallback holds it: the expanded secret key and the public key. */
export interface PqKeyMaterial {
  secretKey: Uint8Array;
  publicKey: Uint8Array;
}

/** DER of SEQUENCE { SEQUENCE { OID } , BIT STRING } for a raw PQ public key. */
export function pqSpki(set: PqSet, publicKey: Uint8Array): Uint8Array {
  const oid = oidBytes(set.oid);
  const alg = derTlv(0x30, derTlv(0x06, oid));
  return derTlv(0x30, concat(alg, derTlv(0x03, concat(new Uint8Array([0]), publicKey))));
}

/**
 * PKCS#8 for a PQ key: ML-DSA in RFC 9881's "both" form (seed and expandedKey, as OpenSSL 3.5 writes
 * it), SLH-DSA as RFC 9909's raw private key.
 */
export function pqPkcs8(set: PqSet, secretKey: Uint8Array, seed?: Uint8Array): Uint8Array {
  const alg = derTlv(0x30, derTlv(0x06, oidBytes(set.oid)));
  const inner =
    set.family === 'ML-DSA'
      ? seed
        ? derTlv(0x30, concat(derTlv(0x04, seed), derTlv(0x04, secretKey)))
        : derTlv(0x04, secretKey)
      : secretKey;
  return derTlv(0x30, concat(new Uint8Array([0x02, 0x01, 0x00]), alg, derTlv(0x04, inner)));
}

/**
 * The key material in a PKCS#8 privateKey's content: ML-DSA's seed [0], expandedKey or both (the
 * seed wins: the expanded key is derived from it), SLH-DSA's raw key.
 */
export function pqKeyFromPkcs8(set: PqSet, privateKey: Uint8Array): PqKeyMaterial {
  if (set.family === 'SLH-DSA') {
    const n = set.seedLength / 3;
    if (privateKey.length !== 4 * n)
      throw new Error(`the ${set.name} private key has ${privateKey.length} bytes, not ${4 * n}`);
    // SK.seed || SK.prf || PK.seed || PK.root: the public key is its second half.
    return { secretKey: privateKey, publicKey: privateKey.subarray(2 * n) };
  }
  const root = readDer(privateKey).roots[0];
  const content = (n: { offset: number; headerLength: number; end: number }) =>
    privateKey.subarray(n.offset + n.headerLength, n.end);
  let seed: Uint8Array | undefined;
  let expanded: Uint8Array | undefined;
  if (root?.tagClass === 2 && root.tagNumber === 0) seed = content(root);
  else if (root?.tagClass === 0 && root.tagNumber === 4) expanded = content(root);
  else if (root?.tagClass === 0 && root.tagNumber === 16 && root.children?.length === 2) {
    seed = content(root.children[0]);
    expanded = content(root.children[1]);
  } else throw new Error(`the ${set.name} private key is neither seed, expandedKey nor both (RFC 9881)`);
  if (seed) {
    if (seed.length !== 32) throw new Error(`the ${set.name} seed has ${seed.length} bytes, not 32`);
    const k = set.noble.keygen(seed);
    if (expanded && !equal(expanded, k.secretKey))
      throw new Error(`the ${set.name} private key's seed and expandedKey do not belong together`);
    return k;
  }
  // expandedKey only: FIPS 204 keeps t0 but not t1 in it, so the public key cannot be had from it.
  throw new Error(
    `the ${set.name} private key holds only the expandedKey: give the seed form (RFC 9881 recommends it)`,
  );
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The bytes of `parts`, one after another. */
function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** A DER element: `tag`, the length in its shortest form, `content`. */
export function derTlv(tag: number, content: Uint8Array): Uint8Array {
  const n = content.length;
  const len =
    n < 0x80
      ? [n]
      : n < 0x100
        ? [0x81, n]
        : n < 0x10000
          ? [0x82, n >> 8, n & 0xff]
          : [0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  return concat(new Uint8Array([tag, ...len]), content);
}

/** The content octets of an OBJECT IDENTIFIER (X.690 §8.19). */
export function oidBytes(oid: string): Uint8Array {
  const parts = oid.split('.').map(Number);
  const out = [40 * parts[0] + parts[1]];
  for (const p of parts.slice(2)) {
    const b = [p & 0x7f];
    for (let v = p >> 7; v > 0; v >>= 7) b.unshift(0x80 | (v & 0x7f));
    out.push(...b);
  }
  return new Uint8Array(out);
}

/**
 * Which implementation serves each set in this runtime, found without keys: WebCrypto answers an
 * unknown name with NotSupportedError before it looks at the key.
 */
export async function pqImplementations(subtle: Subtle): Promise<Record<string, PqImplementation>> {
  const out: Record<string, PqImplementation> = {};
  const probe = async (name: string, oid: string, keyLength: number, fallback: PqImplementation) => {
    try {
      const spki = pqSpki({ oid } as PqSet, new Uint8Array(keyLength));
      await subtle.importKey('spki', own(spki), { name }, false, ['verify']);
      out[name] = 'WebCrypto';
    } catch (e) {
      out[name] = unknownAlgorithm(e) ? fallback : 'WebCrypto';
    }
  };
  for (const set of pqSets) await probe(set.name, set.oid, 32, '@noble/post-quantum');
  for (const name of Object.keys(edFallback) as EdName[])
    await probe(name, edOid[name], name === 'Ed25519' ? 32 : 57, '@noble/curves');
  return out;
}

/**
 * A Subtle that knows none of the algorithms the port has a fallback for (ML-DSA, SLH-DSA, Ed25519,
 * Ed448): forces the fallback, as a runtime without them would (tests, and a WebCrypto that is suspect).
 */
export function withoutPq(subtle: Subtle): Subtle {
  const names = new Set([...pqSets.map((s) => s.name), ...Object.keys(edFallback)]);
  const refuse = () =>
    Promise.reject(Object.assign(new Error('Unrecognized algorithm name'), { name: 'NotSupportedError' }));
  const nameOf = (a: unknown) => (typeof a === 'string' ? a : (a as { name?: string })?.name);
  return new Proxy(subtle, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        // importKey(format, key, alg, …), generateKey(alg, …), sign/verify(alg, …)
        const alg = prop === 'importKey' ? args[2] : args[0];
        if (names.has(nameOf(alg) ?? '')) return refuse();
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

/** ML-KEM (FIPS 203, RFC 9935) by OID: the encryption keys of kemri and KemBasedMac. */
export const mlKemSets = {
  '2.16.840.1.101.3.4.4.1': { name: 'ML-KEM-512', noble: ml_kem512, k: 2 },
  '2.16.840.1.101.3.4.4.2': { name: 'ML-KEM-768', noble: ml_kem768, k: 3 },
  '2.16.840.1.101.3.4.4.3': { name: 'ML-KEM-1024', noble: ml_kem1024, k: 4 },
} as const;

/**
 * The expanded ML-KEM decapsulation key from a PKCS#8 privateKey's content in any of RFC 9935's three
 * forms — seed [0], expandedKey, or both (checked to belong together) — or Bouncy Castle 1.80's bare
 * 64-byte seed (an earlier draft's form).
 */
export function mlKemSecretKey(oid: string, inner: Uint8Array): Uint8Array {
  const set = mlKemSets[oid as keyof typeof mlKemSets];
  if (!set) throw new Error(`${oid} is not an ML-KEM parameter set`);
  const root = readDer(inner).roots[0];
  const content = (n: { offset: number; headerLength: number; end: number }) =>
    inner.subarray(n.offset + n.headerLength, n.end);
  const fromSeed = (seed: Uint8Array) => {
    if (seed.length !== 64) throw new Error(`the ${set.name} seed has ${seed.length} bytes, not 64`);
    return set.noble.keygen(seed).secretKey;
  };
  if (root?.tagClass === 2 && root.tagNumber === 0) return fromSeed(content(root));
  if (root?.tagClass === 0 && root.tagNumber === 4) return content(root).slice();
  if (root?.tagClass === 0 && root.tagNumber === 16 && root.children?.length === 2) {
    const secret = fromSeed(content(root.children[0]));
    if (!equal(secret, content(root.children[1])))
      throw new Error(`the ${set.name} private key's seed and expandedKey do not belong together`);
    return secret;
  }
  if (inner.length === 64) return fromSeed(inner);
  throw new Error(`the ${set.name} private key is neither seed, expandedKey nor both (RFC 9935)`);
}

/** The encapsulation (public) key inside an expanded ML-KEM decapsulation key (FIPS 203: dk = dk_PKE ‖ ek ‖ H(ek) ‖ z). */
export function mlKemPublicKey(oid: string, secretKey: Uint8Array): Uint8Array {
  const k = mlKemSets[oid as keyof typeof mlKemSets].k;
  return secretKey.slice(384 * k, 768 * k + 32);
}
