/**
 * MAC-based protection: PasswordBasedMac (RFC 9810 §5.1.3.1, RFC 4211 §4.4) and PBMAC1
 * (RFC 8018 PBKDF2 + HMAC, as RFC 9481 §6.1.1 profiles it). WebCrypto is passed in.
 */
import type { AlgorithmIdentifier } from '@peculiar/asn1-x509';
import { AsnSerializer, OctetString } from '@peculiar/asn1-schema';
import {
  KemBMParameter,
  KemOtherInfo,
  PBKDF2Params,
  PBMAC1Params,
  PBMParameter,
  PKIFreeText,
  oids,
} from '../asn1';
import { sha1 } from '@noble/hashes/legacy.js';
import { sha224, sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { algName, hashByOid, hmacByOid, hmacName } from '../base/algorithms';
import { quirks } from './quirks';
import { own, toHex } from '../base/bytes';
import type { Subtle } from '../base/crypto';
import { decodeAs } from '../base/decode';

/**
 * PBM's one-way function is iterated thousands of times on a few bytes: synchronous hashes do that
 * in tens of milliseconds where one awaited WebCrypto digest per round takes over a second
 * (measured on this project's 2-core machine, Node 20: 10,000 SHA-256 rounds, 1.3-1.6 s with
 * subtle.digest, 47-58 ms with @noble/hashes).
 */
export const syncHash: Record<string, (b: Uint8Array) => Uint8Array> = {
  'SHA-1': sha1,
  'SHA-224': sha224,
  'SHA-256': sha256,
  'SHA-384': sha384,
  'SHA-512': sha512,
};

export class UnsupportedAlgorithm extends Error {}

/** Limits on work a file can ask for (RFC 9481 §6.1 asks for at least 1,000 / 10,000 iterations). */
export const maxPbmIterations = 100_000;
export const maxPbkdf2Iterations = 2_000_000;

function hmacHash(alg: AlgorithmIdentifier): string {
  const hash = hmacByOid[alg.algorithm];
  if (!hash) throw new UnsupportedAlgorithm(`MAC algorithm ${hmacName(alg.algorithm)} is not supported`);
  return hash;
}

async function hmac(subtle: Subtle, hash: string, key: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
  const k = await subtle.importKey('raw', own(key), { name: 'HMAC', hash }, false, ['sign']);
  return new Uint8Array(await subtle.sign('HMAC', k, own(data)));
}

export interface MacPlan {
  /** "PBM, SHA-256 × 500, HMAC-SHA1" */
  summary: string;
  /** The MAC of `data` under `secret` as the RFC reads the parameters (absent: no RFC reading exists). */
  compute?(secret: Uint8Array, data: Uint8Array, subtle: Subtle): Promise<Uint8Array>;
  /** Why there is no RFC reading (with `compute` absent). */
  notByRfc?: string;
  /** A second reading that a known producer mistake would have used, with its explanation. */
  alternative?: {
    explanation: string;
    compute(secret: Uint8Array, data: Uint8Array, subtle: Subtle): Promise<Uint8Array>;
  };
}

/**
 * The last plans made, by their parameters' bytes: the messages of a capture or an exchange share
 * them (a plan holds no secret, only what the parameters say).
 */
const recentPlans = new Map<string, MacPlan>();

/** RFC 4211 §4.4: K = H^iterationCount(secret || salt); MAC = HMAC(K, data). */
export function pbmPlan(parameters: ArrayBuffer | undefined): MacPlan {
  if (!parameters) throw new Error('passwordBasedMac without PBMParameter');
  const key = toHex(new Uint8Array(parameters));
  let plan = recentPlans.get(key);
  if (!plan) {
    plan = makePbmPlan(parameters);
    if (recentPlans.size >= 32) recentPlans.delete(recentPlans.keys().next().value!);
    recentPlans.set(key, plan);
  }
  return plan;
}

function makePbmPlan(parameters: ArrayBuffer): MacPlan {
  const p = decodeAs(parameters, PBMParameter);
  const owf = hashByOid[p.owf.algorithm];
  if (!owf) throw new UnsupportedAlgorithm(`PBM one-way function ${p.owf.algorithm} is not supported`);
  const macHash = hmacHash(p.mac);
  if (p.iterationCount < 1) throw new Error(`PBM iterationCount ${p.iterationCount} is out of range`);
  if (p.iterationCount > maxPbmIterations)
    throw new UnsupportedAlgorithm(
      `PBM iterationCount ${p.iterationCount} is above this tool's limit of ${maxPbmIterations} (one digest each: a hostile file could keep the check busy for minutes)`,
    );
  const salt = new Uint8Array(p.salt.buffer);
  return {
    summary: `PBM, ${owf} × ${p.iterationCount}, ${hmacName(p.mac.algorithm)}, salt ${salt.length} bytes`,
    async compute(secret, data, subtle) {
      let k: Uint8Array = new Uint8Array(secret.length + salt.length);
      k.set(secret);
      k.set(salt, secret.length);
      const h = syncHash[owf];
      for (let i = 0; i < p.iterationCount; i++) k = h(k);
      return hmac(subtle, macHash, k, data);
    },
  };
}

/** RFC 8018 §7.1 PBMAC1 with PBKDF2 (keyLength in octets; absent: the MAC's output size). */
export function pbmac1Plan(parameters: ArrayBuffer | undefined): MacPlan {
  if (!parameters) throw new Error('PBMAC1 without PBMAC1-params');
  const p = decodeAs(parameters, PBMAC1Params);
  const kdfOid = p.keyDerivationFunc.algorithm;
  const pbes2 = kdfOid === oids.pbes2;
  if (kdfOid !== oids.pbkdf2 && !pbes2)
    throw new UnsupportedAlgorithm(`PBMAC1 key derivation ${algName(kdfOid)} is not supported (only PBKDF2)`);
  if (!p.keyDerivationFunc.parameters) throw new Error(`${pbes2 ? 'PBES2' : 'PBKDF2'} without parameters`);
  let kdf: PBKDF2Params;
  try {
    kdf = decodeAs(p.keyDerivationFunc.parameters, PBKDF2Params);
  } catch (e) {
    // Real PBES2-params (an encryption scheme) name no key to MAC with.
    if (pbes2)
      throw new UnsupportedAlgorithm(
        'PBMAC1 keyDerivationFunc is id-PBES2, an encryption scheme, not a key derivation function (RFC 8018 §7.1)',
      );
    throw e;
  }
  if (!kdf.salt.specified)
    throw new UnsupportedAlgorithm('PBKDF2 with a salt from otherSource is not supported');
  const salt = new Uint8Array(kdf.salt.specified.buffer);
  const prfHash = kdf.prf ? hmacHash(kdf.prf) : 'SHA-1';
  const macHash = hmacHash(p.messageAuthScheme);
  const outBytes: Record<string, number> = {
    'SHA-1': 20,
    'SHA-224': 28,
    'SHA-256': 32,
    'SHA-384': 48,
    'SHA-512': 64,
  };
  const keyLength = kdf.keyLength ?? outBytes[macHash];
  if (kdf.iterationCount < 1) throw new Error(`PBKDF2 iterationCount ${kdf.iterationCount} is out of range`);
  if (kdf.iterationCount > maxPbkdf2Iterations)
    throw new UnsupportedAlgorithm(
      `PBKDF2 iterationCount ${kdf.iterationCount} is above this tool's limit of ${maxPbkdf2Iterations}`,
    );
  if (keyLength < 1 || keyLength > 65536) throw new Error(`PBKDF2 keyLength ${keyLength} is out of range`);
  const derive = async (secret: Uint8Array, length: number, subtle: Subtle) => {
    const base = await subtle.importKey('raw', own(secret), 'PBKDF2', false, ['deriveBits']);
    return new Uint8Array(
      await subtle.deriveBits(
        { name: 'PBKDF2', hash: prfHash, salt: own(salt), iterations: kdf.iterationCount },
        base,
        length * 8,
      ),
    );
  };
  const mac = (length: number) => async (secret: Uint8Array, data: Uint8Array, subtle: Subtle) =>
    hmac(subtle, macHash, await derive(secret, length, subtle), data);
  const summary = `PBMAC1, ${pbes2 ? 'id-PBES2 carrying PBKDF2-params' : 'PBKDF2'} with ${hmacName(kdf.prf?.algorithm ?? '1.2.840.113549.2.7')} × ${kdf.iterationCount}, key ${keyLength} bytes, ${hmacName(p.messageAuthScheme.algorithm)}, salt ${salt.length} bytes`;
  if (pbes2)
    return {
      summary,
      notByRfc:
        'keyDerivationFunc is id-PBES2, an encryption scheme, where RFC 8018 §7.1 has a key derivation function (id-PBKDF2)',
      alternative: { explanation: quirks.pbes2ForPbkdf2.explanation, compute: mac(keyLength) },
    };
  const plan: MacPlan = { summary, compute: mac(keyLength) };
  if (kdf.keyLength !== undefined && kdf.keyLength % 8 === 0 && kdf.keyLength >= 64) {
    plan.alternative = {
      explanation: `keyLength ${kdf.keyLength} counts octets (RFC 8018); ${quirks.keyLengthInBits.explanation.replace('bits', `bits (${kdf.keyLength / 8} octets)`)}`,
      compute: mac(kdf.keyLength / 8),
    };
  }
  return plan;
}

/** HKDF by its RFC 8619 OID. */
const hkdfByOid: Record<string, string> = {
  '1.2.840.113549.1.9.16.3.28': 'SHA-256',
  '1.2.840.113549.1.9.16.3.29': 'SHA-384',
  '1.2.840.113549.1.9.16.3.30': 'SHA-512',
};

/** The context RFC 9810 §5.1.3.4 feeds the KDF: DER KemOtherInfo { "CMP-KEM", transactionID, kemContext }. */
export function kemOtherInfoDer(transactionID: Uint8Array, kemContext?: Uint8Array): Uint8Array {
  return new Uint8Array(
    AsnSerializer.serialize(
      new KemOtherInfo({
        staticString: new PKIFreeText(['CMP-KEM']),
        transactionID: new OctetString(transactionID),
        kemContext: kemContext ? new OctetString(kemContext) : undefined,
      }),
    ),
  );
}

/**
 * KemBasedMac (RFC 9810 §5.1.3.4): ssk = KDF(ss, len, KemOtherInfo), MAC = mac(ssk, ProtectedPart).
 * The "secret" of this plan is ss, the KEM shared secret of the exchange (decapsulated from the
 * KemCiphertextInfo with the KEM private key, or kept by the side that encapsulated). KDFs: HKDF with
 * SHA-2 (salt absent); MACs: HMAC with SHA-2. Others are named and refused.
 */
export function kemMacPlan(parameters: ArrayBuffer | undefined, transactionID: Uint8Array): MacPlan {
  if (!parameters) throw new Error('kemBasedMac without KemBMParameter');
  const p = decodeAs(parameters, KemBMParameter);
  const kdfHash = hkdfByOid[p.kdf.algorithm];
  if (!kdfHash)
    throw new UnsupportedAlgorithm(
      `KemBasedMac key derivation ${algName(p.kdf.algorithm)} is not supported (HKDF with SHA-2 is)`,
    );
  const macHash = hmacHash(p.mac);
  if (p.len < 1 || p.len > 1024) throw new Error(`KemBMParameter len ${p.len} is out of range`);
  const context = kemOtherInfoDer(
    transactionID,
    p.kemContext ? new Uint8Array(p.kemContext.buffer) : undefined,
  );
  return {
    summary: `KemBasedMac, HKDF-${kdfHash} to ${p.len} bytes, ${hmacName(p.mac.algorithm)}${p.kemContext ? ', with kemContext' : ''}`,
    async compute(ss, data, subtle) {
      const base = await subtle.importKey('raw', own(ss), 'HKDF', false, ['deriveBits']);
      const ssk = new Uint8Array(
        await subtle.deriveBits(
          { name: 'HKDF', hash: kdfHash, salt: new Uint8Array(), info: own(context) },
          base,
          p.len * 8,
        ),
      );
      return hmac(subtle, macHash, ssk, data);
    },
  };
}
