/** X.509 certificates for the test CA (RFC 5280 profile, v3, SHA-256 signatures), with WebCrypto. */
import { AsnConvert, AsnSerializer, OctetString } from '@peculiar/asn1-schema';
import {
  AuthorityKeyIdentifier,
  BasicConstraints,
  CRLNumber,
  CRLReason,
  Certificate,
  CertificateList,
  Extension,
  Extensions,
  KeyIdentifier,
  KeyUsage,
  KeyUsageFlags,
  Name,
  RevokedCertificate,
  SubjectKeyIdentifier,
  SubjectPublicKeyInfo,
  TBSCertList,
  TBSCertificate,
  Time,
  Validity,
  Version,
  id_ce_authorityKeyIdentifier,
  id_ce_basicConstraints,
  id_ce_cRLNumber,
  id_ce_cRLReasons,
  id_ce_keyUsage,
  id_ce_subjectKeyIdentifier,
} from '@peculiar/asn1-x509';
import { signatureAlgorithm, signBytes, type KeyPair } from '../base/keys';
import { own } from '../base/bytes';
import { type Subtle } from '../base/crypto';
import { decodeAs } from '../base/decode';

/** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey BIT STRING's value. */
export async function keyIdentifier(
  spki: Uint8Array | SubjectPublicKeyInfo,
  subtle: Subtle,
): Promise<Uint8Array> {
  const info = spki instanceof SubjectPublicKeyInfo ? spki : decodeAs(spki, SubjectPublicKeyInfo);
  return new Uint8Array(await subtle.digest('SHA-1', own(new Uint8Array(info.subjectPublicKey))));
}

function ext(id: string, value: object, critical = false): Extension {
  return new Extension({ extnID: id, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });
}

/** A positive serial number from bytes (RFC 5280 §4.1.2.2: at most 20 octets, positive). */
export function serialBytes(n: bigint): ArrayBuffer {
  let hex = n.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  if (parseInt(hex.slice(0, 2), 16) & 0x80) hex = `00${hex}`;
  return own(new Uint8Array(hex.match(/../g)!.map((h) => parseInt(h, 16)))).buffer;
}

export interface IssueParams {
  issuerKey: KeyPair;
  /** Absent for a self-signed certificate. */
  issuerCert?: Certificate;
  subject: Name;
  spki: Uint8Array | SubjectPublicKeyInfo;
  serial: bigint;
  notBefore: Date;
  notAfter: Date;
  ca?: boolean;
  /** Extensions from the request (SAN, EKU, KU …); SKI, AKI and basicConstraints are ours. */
  extensions?: Extension[];
  subtle: Subtle;
}

/** Issues (signs) a certificate. */
export async function issueCertificate(p: IssueParams): Promise<{ cert: Certificate; der: Uint8Array }> {
  const spki = p.spki instanceof SubjectPublicKeyInfo ? p.spki : decodeAs(p.spki, SubjectPublicKeyInfo);
  const issuerSpki =
    p.issuerCert?.tbsCertificate.subjectPublicKeyInfo ?? decodeAs(p.issuerKey.spki, SubjectPublicKeyInfo);
  const ours = new Set([id_ce_subjectKeyIdentifier, id_ce_authorityKeyIdentifier, id_ce_basicConstraints]);
  const requested = (p.extensions ?? []).filter(
    (e) => !ours.has(e.extnID) && !(p.ca && e.extnID === id_ce_keyUsage),
  );
  const extensions = [
    ext(id_ce_basicConstraints, new BasicConstraints({ cA: p.ca ?? false }), true),
    ext(
      id_ce_subjectKeyIdentifier,
      new SubjectKeyIdentifier(own(await keyIdentifier(spki, p.subtle)).buffer),
    ),
    ext(
      id_ce_authorityKeyIdentifier,
      new AuthorityKeyIdentifier({
        keyIdentifier: new KeyIdentifier(own(await keyIdentifier(issuerSpki, p.subtle)).buffer),
      }),
    ),
    ...(p.ca
      ? [
          ext(
            id_ce_keyUsage,
            new KeyUsage(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign | KeyUsageFlags.digitalSignature),
            true,
          ),
        ]
      : []),
    ...requested,
  ];
  // An end entity's default keyUsage follows its key: KEM keys encipher (RFC 9935 §4), X25519/X448
  // agree (RFC 8410 §5), the rest sign.
  const alg = spki.algorithm.algorithm;
  const usage = alg.startsWith('2.16.840.1.101.3.4.4.')
    ? KeyUsageFlags.keyEncipherment
    : alg === '1.3.101.110' || alg === '1.3.101.111'
      ? KeyUsageFlags.keyAgreement
      : KeyUsageFlags.digitalSignature;
  if (!p.ca && !requested.some((e) => e.extnID === id_ce_keyUsage))
    extensions.push(ext(id_ce_keyUsage, new KeyUsage(usage), true));
  const tbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: serialBytes(p.serial),
    signature: signatureAlgorithm(p.issuerKey),
    issuer: p.issuerCert?.tbsCertificate.subject ?? p.subject,
    validity: new Validity({ notBefore: p.notBefore, notAfter: p.notAfter }),
    subject: p.subject,
    subjectPublicKeyInfo: spki,
    extensions: new Extensions(extensions),
  });
  const signature = await signBytes(p.issuerKey, new Uint8Array(AsnSerializer.serialize(tbs)), p.subtle);
  const cert = new Certificate({
    tbsCertificate: tbs,
    signatureAlgorithm: signatureAlgorithm(p.issuerKey),
    signatureValue: own(signature).buffer,
  });
  const der = new Uint8Array(AsnSerializer.serialize(cert));
  // Parsed back so that raw TBS bytes (used when this certificate is checked) match what was signed.
  return { cert: decodeAs(der, Certificate), der };
}

export interface CrlParams {
  issuerKey: KeyPair;
  issuerCert: Certificate;
  /** The CRL number (RFC 5280 §5.2.3: increasing with each CRL). */
  number: bigint;
  revoked: { serial: bigint; at: Date; reason?: number }[];
  thisUpdate: Date;
  nextUpdate: Date;
  subtle: Subtle;
}

/** A signed version 2 CRL (RFC 5280 §5) of what the CA revoked, with cRLNumber and authorityKeyIdentifier. */
export async function issueCrl(p: CrlParams): Promise<Uint8Array> {
  const aki = new AuthorityKeyIdentifier({
    keyIdentifier: new KeyIdentifier(
      own(await keyIdentifier(p.issuerCert.tbsCertificate.subjectPublicKeyInfo, p.subtle)).buffer,
    ),
  });
  const tbs = new TBSCertList({
    version: Version.v2,
    signature: signatureAlgorithm(p.issuerKey),
    issuer: p.issuerCert.tbsCertificate.subject,
    thisUpdate: new Time(p.thisUpdate),
    nextUpdate: new Time(p.nextUpdate),
    revokedCertificates: p.revoked.length
      ? p.revoked.map(
          (r) =>
            new RevokedCertificate({
              userCertificate: serialBytes(r.serial),
              revocationDate: new Time(r.at),
              crlEntryExtensions:
                r.reason !== undefined && r.reason !== 0
                  ? [ext(id_ce_cRLReasons, new CRLReason(r.reason))]
                  : undefined,
            }),
        )
      : undefined,
    crlExtensions: [
      ext(id_ce_cRLNumber, new CRLNumber(Number(p.number))),
      ext(id_ce_authorityKeyIdentifier, aki),
    ],
  });
  const signature = await signBytes(p.issuerKey, new Uint8Array(AsnSerializer.serialize(tbs)), p.subtle);
  return new Uint8Array(
    AsnSerializer.serialize(
      new CertificateList({
        tbsCertList: tbs,
        signatureAlgorithm: signatureAlgorithm(p.issuerKey),
        signature: own(signature).buffer,
      }),
    ),
  );
}
