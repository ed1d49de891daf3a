/** Names, in words, and WebCrypto parameters for the algorithms CMP protection uses. */
import { oidName } from '../asn1';
import { pqSets } from './pq';

/** WebCrypto hash names by digest OID, and for HMAC and signature OIDs the digest they use. */
export const hashByOid: Record<string, string> = {
  '1.3.14.3.2.26': 'SHA-1',
  '2.16.840.1.101.3.4.2.4': 'SHA-224',
  '2.16.840.1.101.3.4.2.1': 'SHA-256',
  '2.16.840.1.101.3.4.2.2': 'SHA-384',
  '2.16.840.1.101.3.4.2.3': 'SHA-512',
};

/** Digest OID by WebCrypto hash name: the inverse of hashByOid. */
export const digestOidByHash: Record<string, string> = Object.fromEntries(
  Object.entries(hashByOid).map(([oid, name]) => [name, oid]),
);

/** HMAC algorithms (RFC 9481 §6.2) → hash. */
export const hmacByOid: Record<string, string> = {
  '1.3.6.1.5.5.8.1.2': 'SHA-1',
  '1.2.840.113549.2.7': 'SHA-1',
  '1.2.840.113549.2.8': 'SHA-224',
  '1.2.840.113549.2.9': 'SHA-256',
  '1.2.840.113549.2.10': 'SHA-384',
  '1.2.840.113549.2.11': 'SHA-512',
};

export type SignatureScheme =
  | { kind: 'RSASSA-PKCS1-v1_5'; hash: string }
  | { kind: 'RSA-PSS' }
  | { kind: 'ECDSA'; hash: string }
  | { kind: 'Ed25519' }
  | { kind: 'Ed448' }
  /** ML-DSA or SLH-DSA (pure, empty context), through the PQ port. */
  | { kind: 'PQ'; set: string };

export const signatureByOid: Record<string, SignatureScheme> = {
  '1.2.840.113549.1.1.5': { kind: 'RSASSA-PKCS1-v1_5', hash: 'SHA-1' },
  '1.2.840.113549.1.1.14': { kind: 'RSASSA-PKCS1-v1_5', hash: 'SHA-224' },
  '1.2.840.113549.1.1.11': { kind: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
  '1.2.840.113549.1.1.12': { kind: 'RSASSA-PKCS1-v1_5', hash: 'SHA-384' },
  '1.2.840.113549.1.1.13': { kind: 'RSASSA-PKCS1-v1_5', hash: 'SHA-512' },
  '1.2.840.113549.1.1.10': { kind: 'RSA-PSS' },
  '1.2.840.10045.4.1': { kind: 'ECDSA', hash: 'SHA-1' },
  '1.2.840.10045.4.3.1': { kind: 'ECDSA', hash: 'SHA-224' },
  '1.2.840.10045.4.3.2': { kind: 'ECDSA', hash: 'SHA-256' },
  '1.2.840.10045.4.3.3': { kind: 'ECDSA', hash: 'SHA-384' },
  '1.2.840.10045.4.3.4': { kind: 'ECDSA', hash: 'SHA-512' },
  '1.3.101.112': { kind: 'Ed25519' },
  '1.3.101.113': { kind: 'Ed448' },
  ...Object.fromEntries(pqSets.map((s) => [s.oid, { kind: 'PQ' as const, set: s.name }])),
};

export const curveByOid: Record<string, { name: string; size: number }> = {
  '1.2.840.10045.3.1.7': { name: 'P-256', size: 32 },
  '1.3.132.0.34': { name: 'P-384', size: 48 },
  '1.3.132.0.35': { name: 'P-521', size: 66 },
};

/** "sha256WithRSAEncryption" or the dotted OID. */
export function algName(oid: string): string {
  return oidName(oid) ?? oid;
}

/** HMAC-SHA256 style name for an HMAC OID. */
export function hmacName(oid: string): string {
  const hash = hmacByOid[oid];
  return hash ? `HMAC-${hash.replace('-', '')}` : algName(oid);
}

/**
 * Why a signature algorithm we name is not verified, when there is more to say than "not supported":
 * composite ML-DSA (draft-ietf-lamps-pq-composite-sigs, id-pkix arc 1.3.6.1.5.5.7.6.37–54) is named,
 * not verified: the draft still changes how the two signatures are bound together (its prefix and
 * domain separator), and no peer here makes such messages to test a verifier against.
 */
export function unverifiedBecause(oid: string): string | undefined {
  const m = /^1\.3\.6\.1\.5\.5\.7\.6\.(\d+)$/.exec(oid);
  if (m && Number(m[1]) >= 37 && Number(m[1]) <= 54)
    return 'composite ML-DSA signatures (draft-ietf-lamps-pq-composite-sigs) are named but not verified: the draft is not final and no peer here makes them to test against';
  return undefined;
}
