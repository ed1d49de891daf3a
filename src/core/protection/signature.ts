/** Signature verification with WebCrypto for the schemes CMP uses (RFC 9481 §3). */
import { ECDSASigValue } from '@peculiar/asn1-ecc';
import { RsaSaPssParams } from '@peculiar/asn1-rsa';
import { AlgorithmIdentifier, SubjectPublicKeyInfo } from '@peculiar/asn1-x509';
import { decodeOid } from '../der/values';
import { algName, curveByOid, hashByOid, signatureByOid, unverifiedBecause } from '../base/algorithms';
import { derLength } from '../base/encoded';
import { UnsupportedAlgorithm } from './mac';
import { edVerify, pqByName, pqVerify } from '../base/pq';
import { own } from '../base/bytes';
import { type Subtle } from '../base/crypto';
import { decodeAs } from '../base/decode';

/** ECDSA's DER SEQUENCE { r, s } as the fixed-size r || s WebCrypto wants. */
function ecdsaRaw(der: Uint8Array, size: number): Uint8Array {
  const v = decodeAs(der, ECDSASigValue);
  const out = new Uint8Array(size * 2);
  const put = (n: ArrayBuffer, at: number) => {
    let b = new Uint8Array(n);
    while (b.length > size && b[0] === 0) b = b.subarray(1);
    if (b.length > size) throw new Error('ECDSA signature value is longer than the curve allows');
    out.set(b, at + size - b.length);
  };
  put(v.r, 0);
  put(v.s, size);
  return out;
}

/** "ecdsa-with-SHA256", "RSASSA-PSS (SHA-256, MGF1 SHA-256, salt 32)", "ML-DSA-65". */
export function describeSignature(alg: AlgorithmIdentifier): string {
  const scheme = signatureByOid[alg.algorithm];
  if (scheme?.kind === 'PQ') return scheme.set;
  if (scheme?.kind !== 'RSA-PSS') return algName(alg.algorithm);
  const p = pssParams(alg);
  return `RSASSA-PSS (${p.hash}, MGF1 ${p.mgfHash}, salt ${p.saltLength})`;
}

function pssParams(alg: AlgorithmIdentifier): { hash: string; mgfHash: string; saltLength: number } {
  const p = alg.parameters ? decodeAs(alg.parameters, RsaSaPssParams) : new RsaSaPssParams();
  const hash = hashByOid[p.hashAlgorithm.algorithm] ?? p.hashAlgorithm.algorithm;
  const mgf = p.maskGenAlgorithm.parameters
    ? decodeAs(p.maskGenAlgorithm.parameters, AlgorithmIdentifier)
    : undefined;
  const mgfHash = mgf ? (hashByOid[mgf.algorithm] ?? mgf.algorithm) : 'SHA-1';
  return { hash, mgfHash, saltLength: p.saltLength };
}

/**
 * Verifies `signature` over `data` with the public key `spki` (DER SubjectPublicKeyInfo) under the
 * algorithm `alg`. Throws UnsupportedAlgorithm for schemes WebCrypto here cannot do.
 */
export async function verifySignature(
  subtle: Subtle,
  spki: Uint8Array,
  alg: AlgorithmIdentifier,
  data: Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  const scheme = signatureByOid[alg.algorithm];
  if (!scheme)
    throw new UnsupportedAlgorithm(
      unverifiedBecause(alg.algorithm) ?? `signature algorithm ${algName(alg.algorithm)} is not supported`,
    );
  switch (scheme.kind) {
    case 'RSASSA-PKCS1-v1_5': {
      const key = await subtle.importKey('spki', own(spki), { name: scheme.kind, hash: scheme.hash }, false, [
        'verify',
      ]);
      return subtle.verify(scheme.kind, key, own(signature), own(data));
    }
    case 'RSA-PSS': {
      const p = pssParams(alg);
      if (p.hash !== p.mgfHash)
        throw new UnsupportedAlgorithm(
          `RSASSA-PSS with MGF1 ${p.mgfHash} and hash ${p.hash} (WebCrypto needs them equal)`,
        );
      if (!p.hash.startsWith('SHA-')) throw new UnsupportedAlgorithm(`RSASSA-PSS with hash ${p.hash}`);
      // WebCrypto imports an RSA key for PSS from an rsaEncryption SPKI.
      const key = await subtle.importKey(
        'spki',
        own(rsaEncryptionSpki(spki)),
        { name: 'RSA-PSS', hash: p.hash },
        false,
        ['verify'],
      );
      return subtle.verify({ name: 'RSA-PSS', saltLength: p.saltLength }, key, own(signature), own(data));
    }
    case 'ECDSA': {
      const info = decodeAs(spki, SubjectPublicKeyInfo);
      const params = info.algorithm.parameters ? new Uint8Array(info.algorithm.parameters) : new Uint8Array();
      const curveOid =
        params[0] === 0x06 && params[1] === params.length - 2 ? (decodeOid(params.subarray(2)) ?? '') : '';
      const curve = curveByOid[curveOid];
      if (!curve) throw new UnsupportedAlgorithm(`ECDSA on curve ${algName(curveOid)} is not supported`);
      const key = await subtle.importKey(
        'spki',
        own(spki),
        { name: 'ECDSA', namedCurve: curve.name },
        false,
        ['verify'],
      );
      return subtle.verify(
        { name: 'ECDSA', hash: scheme.hash },
        key,
        own(ecdsaRaw(signature, curve.size)),
        own(data),
      );
    }
    case 'PQ':
      return pqVerify(subtle, pqByName.get(scheme.set)!, spki, data, signature);
    case 'Ed25519':
    case 'Ed448':
      return edVerify(subtle, scheme.kind, spki, data, signature);
  }
}

/** An SPKI with the id-RSASSA-PSS OID rewritten as rsaEncryption, which WebCrypto imports. */
function rsaEncryptionSpki(spki: Uint8Array): Uint8Array {
  const info = decodeAs(spki, SubjectPublicKeyInfo);
  if (info.algorithm.algorithm !== '1.2.840.113549.1.1.10') return spki;
  // Rebuild: SEQUENCE { SEQUENCE { rsaEncryption, NULL }, BIT STRING key }.
  const key = new Uint8Array(info.subjectPublicKey);
  const algId = [0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00];
  const bits = [0x03, ...derLength(key.length + 1), 0x00, ...key];
  return new Uint8Array([0x30, ...derLength(algId.length + bits.length), ...algId, ...bits]);
}
