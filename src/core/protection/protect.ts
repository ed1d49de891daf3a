/**
 * Applies protection to a PKIMessage (RFC 9810 §5.1.3): the same algorithms verify.ts checks, so
 * what we make is what we accept. protectionAlg is set first, because it is part of the protected
 * header; the MAC or signature is then computed over the DER of ProtectedPart.
 */
import { AsnSerializer, OctetString } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier,
  Certificate,
  SubjectKeyIdentifier,
  id_ce_subjectKeyIdentifier,
} from '@peculiar/asn1-x509';
import {
  CMPCertificate,
  CMPCertificates,
  PBKDF2Params,
  PBKDF2Salt,
  PBMAC1Params,
  KemBMParameter,
  PBMParameter,
  PKIMessage,
  PKIProtection,
  ProtectedPart,
  oids,
} from '../asn1';
import { signatureAlgorithm, signBytes, type KeyPair, type SignatureHash } from '../base/keys';
import { digestOidByHash, hashByOid } from '../base/algorithms';
import { kemMacPlan, pbmac1Plan, pbmPlan } from './mac';
import { type Subtle } from '../base/crypto';
import { defaultRandom } from '../base/crypto';
import { decodeAs } from '../base/decode';

/** HMAC OIDs by hash name (RFC 9481 §6.2); for SHA-1 the hmac-sha1 OID that PBM uses. */
const hmacOid: Record<string, string> = {
  'SHA-1': '1.3.6.1.5.5.8.1.2',
  'SHA-256': '1.2.840.113549.2.9',
  'SHA-384': '1.2.840.113549.2.10',
  'SHA-512': '1.2.840.113549.2.11',
};
export type HashName = 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512';

export type ProtectionSpec =
  | { kind: 'none' }
  /** PasswordBasedMac; defaults: 16-byte random salt, SHA-256 × 10,000, HMAC-SHA256. */
  | {
      kind: 'pbm';
      secret: Uint8Array;
      salt?: Uint8Array;
      iterations?: number;
      owf?: HashName;
      mac?: HashName;
    }
  /** PBMAC1 with PBKDF2; defaults: 16-byte salt, HMAC-SHA256 PRF × 10,000, 32-octet key, HMAC-SHA256. */
  | {
      kind: 'pbmac1';
      secret: Uint8Array;
      salt?: Uint8Array;
      iterations?: number;
      prf?: HashName;
      mac?: HashName;
    }
  /**
   * KemBasedMac (RFC 9810 §5.1.3.4) with the exchange's KEM shared secret; defaults: HKDF-SHA256 to
   * 32 bytes, HMAC-SHA256. The message's transactionID goes into the KDF's context.
   */
  | { kind: 'kemBasedMac'; sharedSecret: Uint8Array; mac?: HashName; kemContext?: Uint8Array }
  /** Signature with `key`; `cert` goes first in extraCerts, `chain` after it (RFC 9483 §3.3). */
  | {
      kind: 'signature';
      key: KeyPair;
      cert: Uint8Array;
      chain?: Uint8Array[];
      /** RSA/ECDSA hash; default SHA-256 (RSA) or the curve's */ hash?: SignatureHash;
    };

export interface ProtectEnv {
  subtle?: Subtle;
  random?: (n: number) => Uint8Array;
}

function macAlgorithm(
  spec: Extract<ProtectionSpec, { kind: 'pbm' | 'pbmac1' }>,
  random: (n: number) => Uint8Array,
): AlgorithmIdentifier {
  const salt = spec.salt ?? random(16);
  const iterations = spec.iterations ?? 10_000;
  if (spec.kind === 'pbm') {
    const p = new PBMParameter({
      salt: new OctetString(salt),
      owf: new AlgorithmIdentifier({ algorithm: digestOidByHash[spec.owf ?? 'SHA-256'] }),
      iterationCount: iterations,
      mac: new AlgorithmIdentifier({ algorithm: hmacOid[spec.mac ?? 'SHA-256'] }),
    });
    return new AlgorithmIdentifier({
      algorithm: oids.passwordBasedMac,
      parameters: AsnSerializer.serialize(p),
    });
  }
  const prf = hmacOid[spec.prf ?? 'SHA-256'];
  const kdf = new PBKDF2Params({
    salt: new PBKDF2Salt({ specified: new OctetString(salt) }),
    iterationCount: iterations,
    keyLength: 32,
    prf: new AlgorithmIdentifier({ algorithm: prf, parameters: null }),
  });
  const p = new PBMAC1Params({
    keyDerivationFunc: new AlgorithmIdentifier({
      algorithm: oids.pbkdf2,
      parameters: AsnSerializer.serialize(kdf),
    }),
    messageAuthScheme: new AlgorithmIdentifier({
      algorithm: hmacOid[spec.mac ?? 'SHA-256'],
      parameters: null,
    }),
  });
  return new AlgorithmIdentifier({ algorithm: oids.pbmac1, parameters: AsnSerializer.serialize(p) });
}

/** The subjectKeyIdentifier of a certificate, if it has one (senderKID for signature protection). */
export function subjectKeyId(cert: Certificate): ArrayBuffer | undefined {
  const ext = cert.tbsCertificate.extensions?.find((e) => e.extnID === id_ce_subjectKeyIdentifier);
  return ext ? decodeAs(ext.extnValue.buffer, SubjectKeyIdentifier).buffer : undefined;
}

/** Protects `msg` in place and returns its DER. */
export async function protectMessage(
  msg: PKIMessage,
  spec: ProtectionSpec,
  env: ProtectEnv = {},
): Promise<Uint8Array> {
  const subtle = env.subtle ?? globalThis.crypto.subtle;
  const random = env.random ?? defaultRandom;
  msg.protection = undefined;
  if (spec.kind === 'none') {
    msg.header.protectionAlg = undefined;
    return new Uint8Array(AsnSerializer.serialize(msg));
  }
  if (spec.kind === 'signature') {
    const cert = decodeAs(spec.cert, Certificate);
    msg.header.protectionAlg = signatureAlgorithm(spec.key, spec.hash);
    const kid = subjectKeyId(cert);
    if (!msg.header.senderKID && kid) msg.header.senderKID = new OctetString(kid);
    const first = [spec.cert, ...(spec.chain ?? [])];
    const others = (msg.extraCerts ?? []).filter((c) => !first.some((der) => sameCert(c, der)));
    msg.extraCerts = new CMPCertificates([
      ...first.map((der) => new CMPCertificate({ x509v3PKCert: decodeAs(der, Certificate) })),
      ...others,
    ]);
    const data = protectedPartDer(msg);
    msg.protection = new PKIProtection(await signBytes(spec.key, data, subtle, spec.hash));
  } else if (spec.kind === 'kemBasedMac') {
    const hash = spec.mac ?? 'SHA-256';
    const p = new KemBMParameter({
      kdf: new AlgorithmIdentifier({ algorithm: '1.2.840.113549.1.9.16.3.28' }),
      kemContext: spec.kemContext ? new OctetString(spec.kemContext) : undefined,
      len: 32,
      mac: new AlgorithmIdentifier({ algorithm: hmacOid[hash], parameters: null }),
    });
    msg.header.protectionAlg = new AlgorithmIdentifier({
      algorithm: oids.kemBasedMac,
      parameters: AsnSerializer.serialize(p),
    });
    const plan = kemMacPlan(
      msg.header.protectionAlg.parameters ?? undefined,
      new Uint8Array(msg.header.transactionID?.buffer ?? []),
    );
    msg.protection = new PKIProtection(await plan.compute!(spec.sharedSecret, protectedPartDer(msg), subtle));
  } else {
    msg.header.protectionAlg = macAlgorithm(spec, random);
    const params = msg.header.protectionAlg.parameters ?? undefined;
    const plan = spec.kind === 'pbm' ? pbmPlan(params) : pbmac1Plan(params);
    msg.protection = new PKIProtection(await plan.compute!(spec.secret, protectedPartDer(msg), subtle));
  }
  return new Uint8Array(AsnSerializer.serialize(msg));
}

export function protectedPartDer(msg: PKIMessage): Uint8Array {
  return new Uint8Array(AsnSerializer.serialize(new ProtectedPart({ header: msg.header, body: msg.body })));
}

function sameCert(c: CMPCertificate, der: Uint8Array): boolean {
  const a = new Uint8Array(AsnSerializer.serialize(c));
  return a.length === der.length && a.every((b, i) => b === der[i]);
}

/**
 * MAC protection like `alg` (the same kind, hashes and iteration count, a fresh salt), for answering
 * in kind (iterations capped at 10,000 for PBM and 100,000 for PBKDF2: a request must not set our
 * cost); falls back to the defaults for parameters it cannot map.
 */
export function macLike(alg: AlgorithmIdentifier | undefined, secret: Uint8Array): ProtectionSpec {
  const nameOf = (table: Record<string, string>, oid: string | undefined) =>
    Object.entries(table).find(([, o]) => o === oid)?.[0] as HashName | undefined;
  try {
    if (alg?.algorithm === oids.passwordBasedMac && alg.parameters) {
      const p = decodeAs(alg.parameters, PBMParameter);
      // An iteration count the request got wrong (0, negative) is not copied: the defaults answer.
      if (p.iterationCount >= 1)
        return {
          kind: 'pbm',
          secret,
          iterations: Math.min(p.iterationCount, 10_000),
          owf: hashByOid[p.owf.algorithm] as HashName | undefined,
          mac: nameOf(hmacOid, p.mac.algorithm),
        };
    }
    if (alg?.algorithm === oids.pbmac1 && alg.parameters) {
      const p = decodeAs(alg.parameters, PBMAC1Params);
      const kdf = decodeAs(p.keyDerivationFunc.parameters!, PBKDF2Params);
      if (kdf.iterationCount >= 1)
        return {
          kind: 'pbmac1',
          secret,
          iterations: Math.min(kdf.iterationCount, 100_000),
          prf: nameOf(hmacOid, kdf.prf?.algorithm),
          mac: nameOf(hmacOid, p.messageAuthScheme.algorithm),
        };
    }
  } catch {
    // Parameters that do not decode: answer with the defaults.
  }
  return { kind: 'pbm', secret };
}
