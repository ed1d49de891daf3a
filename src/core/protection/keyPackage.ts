/**
 * What a centrally generated key arrives in (RFC 9483 §4.1.6): a SignedData from the key generation
 * authority around an AsymmetricKeyPackage (RFC 5958). Its signature is verified over the signed
 * attributes as encoded, the signer must be authorized (EKU id-kp-cmKGA, or the CA itself), and each
 * key comes out as PKCS#8. OpenSSL 3.5 signs the bare private key as id-data instead of a key package:
 * read too, and said so.
 */
import {
  Attribute,
  CertificateChoices,
  CertificateSet,
  CMSVersion,
  DigestAlgorithmIdentifier,
  DigestAlgorithmIdentifiers,
  EncapsulatedContent,
  EncapsulatedContentInfo,
  IssuerAndSerialNumber,
  SignedData,
  SignerIdentifier,
  SignerInfo,
  SignerInfos,
} from '@peculiar/asn1-cms';
import { ECPrivateKey } from '@peculiar/asn1-ecc';
import { PrivateKeyInfo } from '@peculiar/asn1-pkcs8';
import { AsnSerializer, OctetString } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier,
  BasicConstraints,
  Certificate,
  ExtendedKeyUsage,
  SubjectKeyIdentifier,
} from '@peculiar/asn1-x509';
import { AsymmetricKeyPackage, OneAsymmetricKey } from '../asn1';
import {
  algName,
  decodeAs,
  digestOidByHash,
  equalBytes,
  hashByOid,
  oidBytes,
  own,
  retag,
  sequenceOf,
  signatureAlgorithm,
  signBytes,
  slice,
  wordsOf,
} from '../base';

import type { KeyPair, Subtle } from '../base';
import { readDer } from '../der/reader';
import { decodeOid } from '../der/values';
import type { TlvNode } from '../der/types';
import { certName } from './chain';
import { verifySignature } from './signature';

/** An OBJECT IDENTIFIER element (06 LL …), for AlgorithmIdentifier parameters. */
const oidElement = (oid: string) => {
  const b = oidBytes(oid);
  return new Uint8Array([0x06, b.length, ...b]);
};

export const oidCmKga = '1.3.6.1.5.5.7.3.32';
export const oidAKeyPackage = '2.16.840.1.101.2.1.2.78.5';
const oidData = '1.2.840.113549.1.7.1';
const oidMessageDigest = '1.2.840.113549.1.9.4';
const oidContentType = '1.2.840.113549.1.9.3';

export interface DeliveredKey {
  /** The key as PKCS#8 PrivateKeyInfo (a secret). */
  pkcs8: Uint8Array;
  /** Its algorithm, named: "id-ecPublicKey (P-256)", "rsaEncryption". */
  algorithm: string;
}

export interface KeyPackageResult {
  /** The SignedData's signature: valid, invalid (with why), or cannot-verify (with what is missing). */
  signature: { verdict: 'valid' | 'invalid' | 'cannot-verify'; summary: string; reason?: string };
  /** The signer named, and whether it may generate keys for others. */
  signer?: string;
  /** The signer's certificate (DER), when found. */
  signerCertificate?: Uint8Array;
  authorized: { ok: boolean; reason: string };
  /** eContentType named, and a note when it is not the key package RFC 9483 asks for. */
  contentType: string;
  habit?: string;
  keys: DeliveredKey[];
  /** Why no key came out, when none did. */
  problem?: string;
}

const der = (v: object) => new Uint8Array(AsnSerializer.serialize(v));

function childAt(n: TlvNode | undefined, tagClass: number, tagNumber: number): TlvNode | undefined {
  return n?.children?.find((c) => c.tagClass === tagClass && c.tagNumber === tagNumber);
}

/** A private key from a OneAsymmetricKey, a PKCS#8, an ECPrivateKey or an RSAPrivateKey, as PKCS#8. */
export function asPkcs8(bytes: Uint8Array): DeliveredKey | undefined {
  const named = (info: PrivateKeyInfo, pkcs8: Uint8Array): DeliveredKey => {
    const p = info.privateKeyAlgorithm.parameters
      ? new Uint8Array(info.privateKeyAlgorithm.parameters)
      : undefined;
    const curve = p?.[0] === 0x06 ? ` (${algName(readOid(p))})` : '';
    return { pkcs8, algorithm: `${algName(info.privateKeyAlgorithm.algorithm)}${curve}` };
  };
  const top = readDer(bytes).roots[0]?.children ?? [];
  // PrivateKeyInfo / OneAsymmetricKey: INTEGER, SEQUENCE (algorithm), OCTET STRING.
  if (top[1]?.tagNumber === 16 && top[2]?.tagNumber === 4) {
    try {
      const oak = decodeAs(bytes, OneAsymmetricKey);
      // Saved as version 0 (PKCS#8 v1), which every tool reads; the public key is derived again.
      const info = new PrivateKeyInfo({
        version: 0,
        privateKeyAlgorithm: oak.privateKeyAlgorithm,
        privateKey: oak.privateKey,
      });
      return named(info, oak.version === 0 ? bytes.slice() : der(info));
    } catch {
      return undefined;
    }
  }
  // ECPrivateKey (RFC 5915): INTEGER 1, OCTET STRING, [0] curve.
  if (top[0]?.tagNumber === 2 && top[1]?.tagNumber === 4) {
    try {
      const ec = decodeAs(bytes, ECPrivateKey);
      const curve = ec.parameters?.namedCurve;
      if (!curve) return undefined;
      const info = new PrivateKeyInfo({
        version: 0,
        privateKeyAlgorithm: new AlgorithmIdentifier({
          algorithm: '1.2.840.10045.2.1',
          parameters: oidElement(curve).buffer,
        }),
        privateKey: new OctetString(bytes),
      });
      return named(info, der(info));
    } catch {
      return undefined;
    }
  }
  // RSAPrivateKey (RFC 8017): version and then nine INTEGERs.
  if (top.length >= 9 && top.every((c) => c.tagNumber === 2)) {
    const info = new PrivateKeyInfo({
      version: 0,
      privateKeyAlgorithm: new AlgorithmIdentifier({ algorithm: '1.2.840.113549.1.1.1', parameters: null }),
      privateKey: new OctetString(bytes),
    });
    return named(info, der(info));
  }
  return undefined;
}

/** The OBJECT IDENTIFIER in an element's encoding (06 LL …). */
function readOid(p: Uint8Array): string {
  return decodeOid(p.subarray(2, 2 + p[1])) ?? '';
}

function ekus(cert: Certificate): string[] {
  const ext = cert.tbsCertificate.extensions?.find((e) => e.extnID === '2.5.29.37');
  return ext ? [...decodeAs(ext.extnValue, ExtendedKeyUsage, 'extKeyUsage')] : [];
}

function isCa(cert: Certificate): boolean {
  const ext = cert.tbsCertificate.extensions?.find((e) => e.extnID === '2.5.29.19');
  return ext ? decodeAs(ext.extnValue, BasicConstraints, 'basicConstraints').cA : false;
}

function skiOf(cert: Certificate): Uint8Array | undefined {
  const ext = cert.tbsCertificate.extensions?.find((e) => e.extnID === '2.5.29.14');
  return ext
    ? new Uint8Array(decodeAs(ext.extnValue, SubjectKeyIdentifier, 'subjectKeyIdentifier').buffer)
    : undefined;
}

/** RSA's CMS signature algorithm may be rsaEncryption with the hash in digestAlgorithm (RFC 3370 §3.2). */
function signatureAlgorithmOf(sig: AlgorithmIdentifier, digest: AlgorithmIdentifier): AlgorithmIdentifier {
  const rsaWith: Record<string, string> = {
    'SHA-1': '1.2.840.113549.1.1.5',
    'SHA-256': '1.2.840.113549.1.1.11',
    'SHA-384': '1.2.840.113549.1.1.12',
    'SHA-512': '1.2.840.113549.1.1.13',
  };
  const hash = hashByOid[digest.algorithm];
  if (sig.algorithm === '1.2.840.113549.1.1.1' && hash && rsaWith[hash])
    return new AlgorithmIdentifier({ algorithm: rsaWith[hash], parameters: null });
  return sig;
}

/**
 * Reads the SignedData a key generation authority sent (`signedDer`, as decrypted): verifies its one
 * SignerInfo with the signer's certificate (from the SignedData, else from `extraCerts`), checks the
 * signer may generate keys, and returns the key(s).
 */
export async function readKeyPackage(
  signedDer: Uint8Array,
  options: { extraCerts?: Uint8Array[]; subtle?: Subtle } = {},
): Promise<KeyPackageResult> {
  const subtle = options.subtle ?? globalThis.crypto.subtle;
  const root = readDer(signedDer).roots[0];
  let sd: SignedData;
  try {
    sd = decodeAs(signedDer, SignedData, 'the SignedData');
  } catch (e) {
    return {
      signature: {
        verdict: 'cannot-verify',
        summary: 'KGA signature',
        reason: 'the content is not a SignedData',
      },
      authorized: { ok: false, reason: 'no signer' },
      contentType: '',
      keys: [],
      problem: wordsOf(e, 'the decrypted content is not a SignedData'),
    };
  }
  const eType = sd.encapContentInfo.eContentType;
  const eContent = sd.encapContentInfo.eContent?.single
    ? new Uint8Array(sd.encapContentInfo.eContent.single.buffer)
    : sd.encapContentInfo.eContent?.any
      ? new Uint8Array(sd.encapContentInfo.eContent.any)
      : undefined;
  const result: KeyPackageResult = {
    signature: { verdict: 'cannot-verify', summary: 'KGA signature' },
    authorized: { ok: false, reason: 'the signer is unknown' },
    contentType: algName(eType),
    keys: [],
  };
  // The key(s).
  if (!eContent) result.problem = 'the SignedData carries no content (eContent is absent)';
  else if (eType === oidAKeyPackage) {
    try {
      const pkg = decodeAs(eContent, AsymmetricKeyPackage, 'AsymmetricKeyPackage');
      for (const oak of pkg) {
        const k = asPkcs8(der(oak));
        if (k) result.keys.push(k);
      }
    } catch (e) {
      result.problem = wordsOf(e, 'the AsymmetricKeyPackage does not decode');
    }
  } else if (eType === oidData) {
    const k = asPkcs8(eContent);
    if (k) {
      result.keys.push(k);
      result.habit =
        'the key is signed as id-data (a bare private key), not as id-ct-KP-aKeyPackage with an AsymmetricKeyPackage (RFC 9483 §4.1.6.1); OpenSSL 3.5 does this';
    } else result.problem = 'the id-data content is not a private key';
  } else result.problem = `the signed content is ${algName(eType)}, not a key package`;
  // The signature.
  const si = sd.signerInfos[0];
  const siNode = root?.children?.at(-1)?.children?.[0];
  if (!si || !siNode) {
    result.signature = {
      verdict: 'invalid',
      summary: 'KGA signature',
      reason: 'the SignedData has no SignerInfo',
    };
    return result;
  }
  const certs = [
    ...(sd.certificates ?? []).flatMap((c) => (c.certificate ? [der(c.certificate)] : [])),
    ...(options.extraCerts ?? []),
  ];
  const signer = certs
    .map((d) => {
      try {
        return { der: d, cert: decodeAs(d, Certificate) };
      } catch {
        return undefined;
      }
    })
    .find((c) => {
      if (!c) return false;
      const ias = si.sid.issuerAndSerialNumber;
      if (ias)
        return (
          equalBytes(der(ias.issuer), der(c.cert.tbsCertificate.issuer)) &&
          equalBytes(new Uint8Array(ias.serialNumber), new Uint8Array(c.cert.tbsCertificate.serialNumber))
        );
      const ski = si.sid.subjectKeyIdentifier;
      const own_ = skiOf(c.cert);
      return !!ski && !!own_ && equalBytes(new Uint8Array(ski.buffer), own_);
    });
  if (!signer) {
    result.signature = {
      verdict: 'cannot-verify',
      summary: 'KGA signature',
      reason: "the signer's certificate is neither in the SignedData nor in extraCerts",
    };
    return result;
  }
  result.signer = certName(signer.cert);
  result.signerCertificate = signer.der;
  const usages = ekus(signer.cert);
  result.authorized = usages.includes(oidCmKga)
    ? { ok: true, reason: `${result.signer} carries EKU id-kp-cmKGA` }
    : isCa(signer.cert)
      ? { ok: true, reason: `${result.signer} is a CA (RFC 9483 §4.1.6: the CA may generate keys itself)` }
      : {
          ok: false,
          reason: `${result.signer} has no EKU id-kp-cmKGA and is not a CA: it is not authorized to generate keys (RFC 9483 §4.1.6)`,
        };
  // Over the signed attributes as encoded ([0] IMPLICIT → SET OF), with messageDigest over eContent.
  const attrsNode = childAt(siNode, 2, 0);
  const sigNode = siNode.children?.find((c) => c.tagClass === 0 && c.tagNumber === 4);
  if (!sigNode) {
    result.signature = {
      verdict: 'invalid',
      summary: 'KGA signature',
      reason: 'the SignerInfo has no signature',
    };
    return result;
  }
  const signature = slice(signedDer, sigNode).subarray(sigNode.headerLength);
  let data: Uint8Array;
  if (attrsNode) {
    data = retag(signedDer, attrsNode, 0x31);
    const digestAttr = si.signedAttrs?.find((a) => a.attrType === oidMessageDigest);
    const typeAttr = si.signedAttrs?.find((a) => a.attrType === oidContentType);
    const hash = hashByOid[si.digestAlgorithm.algorithm];
    if (!digestAttr || !hash || !eContent) {
      result.signature = {
        verdict: 'invalid',
        summary: 'KGA signature',
        reason: !hash
          ? `digest algorithm ${algName(si.digestAlgorithm.algorithm)} is not supported`
          : 'the signed attributes lack messageDigest',
      };
      return result;
    }
    const want = new Uint8Array(decodeAs(digestAttr.attrValues[0], OctetString, 'messageDigest').buffer);
    const got = new Uint8Array(await subtle.digest(hash, own(eContent)));
    if (!equalBytes(want, got)) {
      result.signature = {
        verdict: 'invalid',
        summary: 'KGA signature',
        reason: 'messageDigest does not match the signed content (the content was changed)',
      };
      return result;
    }
    if (typeAttr && readOid(new Uint8Array(typeAttr.attrValues[0])) !== eType) {
      result.signature = {
        verdict: 'invalid',
        summary: 'KGA signature',
        reason: 'the contentType attribute differs from eContentType',
      };
      return result;
    }
  } else if (eContent) data = eContent;
  else {
    result.signature = { verdict: 'invalid', summary: 'KGA signature', reason: 'nothing is signed' };
    return result;
  }
  const alg = signatureAlgorithmOf(si.signatureAlgorithm, si.digestAlgorithm);
  const spki = der(signer.cert.tbsCertificate.subjectPublicKeyInfo);
  try {
    const ok = await verifySignature(subtle, spki, alg, data, signature);
    result.signature = ok
      ? { verdict: 'valid', summary: `KGA signature by ${result.signer} (${algName(alg.algorithm)})` }
      : {
          verdict: 'invalid',
          summary: `KGA signature by ${result.signer} (${algName(alg.algorithm)})`,
          reason: 'the signature does not verify with the signer certificate',
        };
  } catch (e) {
    result.signature = {
      verdict: 'cannot-verify',
      summary: `KGA signature by ${result.signer}`,
      reason: wordsOf(e, 'the signature algorithm is not supported'),
    };
  }
  return result;
}

/** How the signed key is packed: RFC 9483's AsymmetricKeyPackage, or OpenSSL 3.5's bare key as id-data. */
export type KeyPackageForm = 'rfc9483' | 'openssl';

/**
 * A key generation authority's SignedData around `pkcs8` (RFC 9483 §4.1.6.1): by default an
 * AsymmetricKeyPackage (id-ct-KP-aKeyPackage) with the key as OneAsymmetricKey; `form: 'openssl'` signs
 * the PKCS#8 itself as id-data, the one shape OpenSSL 3.5's client reads. Signed attributes contentType
 * and messageDigest (SHA-256), the KGA's certificate and `chain` in certificates.
 */
export async function signKeyPackage(
  pkcs8: Uint8Array,
  kga: { key: KeyPair; certDer: Uint8Array },
  options: { chain?: Uint8Array[]; form?: KeyPackageForm; subtle?: Subtle } = {},
): Promise<Uint8Array> {
  const subtle = options.subtle ?? globalThis.crypto.subtle;
  const openssl = options.form === 'openssl';
  const eContentType = openssl ? oidData : oidAKeyPackage;
  const eContent = openssl
    ? pkcs8
    : der(new AsymmetricKeyPackage([decodeAs(pkcs8, OneAsymmetricKey, 'the private key')]));
  const digest = new Uint8Array(await subtle.digest('SHA-256', own(eContent)));
  const attr = (type: string, value: Uint8Array) =>
    new Attribute({ attrType: type, attrValues: [own(value).buffer] });
  const oidValue = oidElement(eContentType);
  // DER orders a SET OF by encoding: contentType's attribute is the shorter and sorts first.
  const attrs = [attr(oidContentType, oidValue), attr(oidMessageDigest, der(new OctetString(digest)))]
    .map(der)
    .sort(compareBytes);
  const signedAttrs = sequenceOf(attrs);
  signedAttrs[0] = 0x31;
  const signature = await signBytes(kga.key, signedAttrs, subtle);
  const cert = decodeAs(kga.certDer, Certificate, 'the KGA certificate');
  const sd = new SignedData({
    version: CMSVersion.v3,
    digestAlgorithms: new DigestAlgorithmIdentifiers([
      new DigestAlgorithmIdentifier({ algorithm: digestOidByHash['SHA-256'] }),
    ]),
    encapContentInfo: new EncapsulatedContentInfo({
      eContentType,
      eContent: new EncapsulatedContent({ single: new OctetString(eContent) }),
    }),
    certificates: new CertificateSet(
      [kga.certDer, ...(options.chain ?? [])].map(
        (d) => new CertificateChoices({ certificate: decodeAs(d, Certificate) }),
      ),
    ),
    signerInfos: new SignerInfos([
      new SignerInfo({
        version: CMSVersion.v1,
        sid: new SignerIdentifier({
          issuerAndSerialNumber: new IssuerAndSerialNumber({
            issuer: cert.tbsCertificate.issuer,
            serialNumber: cert.tbsCertificate.serialNumber,
          }),
        }),
        digestAlgorithm: new DigestAlgorithmIdentifier({ algorithm: digestOidByHash['SHA-256'] }),
        signedAttrs: attrs.map((a) => decodeAs(a, Attribute)),
        signatureAlgorithm: signatureAlgorithm(kga.key),
        signature: new OctetString(signature),
      }),
    ]),
  });
  return der(sd);
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}
