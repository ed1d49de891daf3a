/**
 * The types behind `ANY DEFINED BY` and behind OCTET STRINGs that hold DER, keyed by the OID that
 * selects them. One table per open field; the annotator uses them to name what is inside.
 */
import { AsnPropTypes } from '@peculiar/asn1-schema';
import * as cms from '@peculiar/asn1-cms';
import { ContentInfo, SignedData } from '@peculiar/asn1-cms';
import { ECDSASigValue, ECPrivateKey } from '@peculiar/asn1-ecc';
import { PrivateKeyInfo } from '@peculiar/asn1-pkcs8';
import { RSAPrivateKey, RSAPublicKey, RsaEsOaepParams, RsaSaPssParams } from '@peculiar/asn1-rsa';
import * as x509 from '@peculiar/asn1-x509';
import {
  CertReqTemplateContent,
  CRLStatusListValue,
  AlgorithmIdentifiers,
  ObjectIdentifiers,
  RootCaKeyUpdateContent,
  UTF8Strings,
} from './cmpGenInfo';
import { CAKeyUpdAnnContent, CMPCertificate, CMPCertificates, CRLAnnContent } from './cmpCertRep';
import {
  KemCiphertextInfo,
  MLDSAPrivateKey,
  PBES2Params,
  PBKDF2Params,
  PBMAC1Params,
  DHBMParameter,
  KemBMParameter,
  PBMParameter,
} from './cmpAlgorithms';
import { PKIMessage, PKIMessages } from './cmpMessage';
import { CertId, EncryptedKey, PKIArchiveOptions, PKIPublicationInfo } from './crmfControls';
import { AttributeTypeAndValue, CertRequest } from './crmfTemplate';
import { InfoTypeAndValue } from './cmpMessages';
import { POPOSigningKey } from './crmfPop';
import { CertificationRequest } from '@peculiar/asn1-csr';
import { oids } from './oids';
import { EnvelopedData, GCMParameters, KEMRecipientInfo } from './cms';

/** A schema class, or a built-in type. */
export type OpenType = AsnPropTypes | (new () => object);

/**
 * One OID, two types told apart by the value's first element (tag class and number): for an OID that
 * producers use for something else than it stands for (id-PBES2 carrying PBKDF2-params).
 */
export class ShapeChoice {
  constructor(readonly pick: (first: { tagClass: number; tagNumber: number } | undefined) => OpenType) {}
}

/** What an open field's table holds: a type, or a choice by shape. */
export type OpenEntry = OpenType | ShapeChoice;

/**
 * An open field: `owner.field` holds a value whose type `selector` (a path of field names in the
 * owner, e.g. "algorithm.algorithm") chooses from `types`. `encapsulated`: the value is the content
 * of an OCTET/BIT STRING rather than the element itself.
 */
export interface OpenField {
  owner: new () => object;
  field: string;
  selector: string;
  types: ReadonlyMap<string, OpenEntry>;
  encapsulated?: boolean;
}

/** infoValue by infoType (RFC 9810 §5.3.19). */
export const infoValueTypes: ReadonlyMap<string, OpenType> = new Map<string, OpenType>([
  [oids.itCaProtEncCert, CMPCertificate],
  [oids.itSignKeyPairTypes, AlgorithmIdentifiers],
  [oids.itEncKeyPairTypes, AlgorithmIdentifiers],
  [oids.itPreferredSymmAlg, x509.AlgorithmIdentifier],
  [oids.itCaKeyUpdateInfo, CAKeyUpdAnnContent],
  [oids.itCurrentCRL, x509.CertificateList],
  [oids.itUnsupportedOIDs, ObjectIdentifiers],
  [oids.itKeyPairParamReq, AsnPropTypes.ObjectIdentifier],
  [oids.itKeyPairParamRep, x509.AlgorithmIdentifier],
  [oids.itRevPassphrase, EncryptedKey],
  [oids.itImplicitConfirm, AsnPropTypes.Null],
  [oids.itConfirmWaitTime, AsnPropTypes.GeneralizedTime],
  [oids.itOrigPKIMessage, PKIMessages],
  [oids.itSuppLangTags, UTF8Strings],
  [oids.itCaCerts, CMPCertificates],
  [oids.itRootCaKeyUpdate, RootCaKeyUpdateContent],
  [oids.itCertReqTemplate, CertReqTemplateContent],
  [oids.itRootCaCert, CMPCertificate],
  [oids.itCertProfile, UTF8Strings],
  [oids.itCrlStatusList, CRLStatusListValue],
  [oids.itCrls, CRLAnnContent],
  [oids.itKemCiphertextInfo, KemCiphertextInfo],
]);

/** Control and regInfo values by OID (RFC 4211 §6, §7; RFC 9810 App. F). */
export const controlValueTypes: ReadonlyMap<string, OpenType> = new Map<string, OpenType>([
  [oids.regCtrlRegToken, AsnPropTypes.Utf8String],
  [oids.regCtrlAuthenticator, AsnPropTypes.Utf8String],
  [oids.regCtrlPkiPublicationInfo, PKIPublicationInfo],
  [oids.regCtrlPkiArchiveOptions, PKIArchiveOptions],
  [oids.regCtrlOldCertID, CertId],
  [oids.regCtrlProtocolEncrKey, x509.SubjectPublicKeyInfo],
  [oids.regCtrlAlgId, x509.AlgorithmIdentifier],
  [oids.regCtrlRsaKeyLen, AsnPropTypes.Integer],
  [oids.regInfoUtf8Pairs, AsnPropTypes.Utf8String],
  [oids.regInfoCertReq, CertRequest],
]);

/** AlgorithmIdentifier parameters by algorithm. */
export const algorithmParameterTypes: ReadonlyMap<string, OpenEntry> = new Map<string, OpenEntry>([
  [oids.passwordBasedMac, PBMParameter],
  [oids.dhBasedMac, DHBMParameter],
  [oids.kemBasedMac, KemBMParameter],
  [oids.pbmac1, PBMAC1Params],
  [oids.pbkdf2, PBKDF2Params],
  // PBES2-params start with an AlgorithmIdentifier; PBKDF2-params (a producer's mistake) with the salt.
  [
    oids.pbes2,
    new ShapeChoice((first) => (first?.tagClass === 0 && first.tagNumber === 4 ? PBKDF2Params : PBES2Params)),
  ],
  ['1.2.840.113549.1.1.10', RsaSaPssParams],
  ['1.2.840.113549.1.1.8', x509.AlgorithmIdentifier],
  ['1.2.840.10045.2.1', AsnPropTypes.ObjectIdentifier],
  // RSAES-OAEP (ktri, RFC 8017 App. A.2.1).
  ['1.2.840.113549.1.1.7', RsaEsOaepParams],
  // ECDH key agreement (kari, RFC 5753 §7.1.1): the parameters are the KeyWrapAlgorithm, an
  // AlgorithmIdentifier (aes256-wrap, …); standard and cofactor DH, SHA-1 and SHA-2 KDFs.
  ...[
    '1.3.133.16.840.63.0.2',
    '1.3.133.16.840.63.0.3',
    '1.3.132.1.11.0',
    '1.3.132.1.11.1',
    '1.3.132.1.11.2',
    '1.3.132.1.11.3',
    '1.3.132.1.14.0',
    '1.3.132.1.14.1',
    '1.3.132.1.14.2',
    '1.3.132.1.14.3',
    // X25519/X448 with HKDF (RFC 8418 §2.2).
    '1.2.840.113549.1.9.16.3.19',
    '1.2.840.113549.1.9.16.3.20',
    '1.2.840.113549.1.9.16.3.21',
  ].map((oid): [string, OpenEntry] => [oid, x509.AlgorithmIdentifier]),
  // X9.44 KDF2/KDF3 (kemri, RFC 9690 §2.3): the hash function.
  ['1.3.133.16.840.9.44.1.1', x509.AlgorithmIdentifier],
  ['1.3.133.16.840.9.44.1.2', x509.AlgorithmIdentifier],
  // AES-GCM and AES-CCM content encryption (RFC 5084 §3): nonce and ICV length.
  ...[
    '2.16.840.1.101.3.4.1.6',
    '2.16.840.1.101.3.4.1.26',
    '2.16.840.1.101.3.4.1.46',
    '2.16.840.1.101.3.4.1.7',
    '2.16.840.1.101.3.4.1.27',
    '2.16.840.1.101.3.4.1.47',
  ].map((oid): [string, OpenEntry] => [oid, GCMParameters]),
  // PWRI-KEK (pwri, RFC 3211 §2.3): the key-encryption cipher, an AlgorithmIdentifier.
  ['1.2.840.113549.1.9.16.3.9', x509.AlgorithmIdentifier],
  // AES-CBC content encryption (RFC 3565 §4.1): the IV.
  ...['2.16.840.1.101.3.4.1.2', '2.16.840.1.101.3.4.1.22', '2.16.840.1.101.3.4.1.42'].map(
    (oid): [string, OpenEntry] => [oid, AsnPropTypes.OctetString],
  ),
]);

/** Certificate and CRL extensions by extnID (RFC 5280 §4.2, §5.2, §5.3). */
export const extensionTypes: ReadonlyMap<string, OpenType> = new Map<string, OpenType>([
  [x509.id_ce_subjectKeyIdentifier, x509.SubjectKeyIdentifier],
  [x509.id_ce_authorityKeyIdentifier, x509.AuthorityKeyIdentifier],
  [x509.id_ce_keyUsage, x509.KeyUsage],
  [x509.id_ce_extKeyUsage, x509.ExtendedKeyUsage],
  [x509.id_ce_subjectAltName, x509.SubjectAlternativeName],
  [x509.id_ce_issuerAltName, x509.IssueAlternativeName],
  [x509.id_ce_basicConstraints, x509.BasicConstraints],
  [x509.id_ce_certificatePolicies, x509.CertificatePolicies],
  [x509.id_ce_cRLDistributionPoints, x509.CRLDistributionPoints],
  [x509.id_ce_freshestCRL, x509.FreshestCRL],
  [x509.id_pe_authorityInfoAccess, x509.AuthorityInfoAccessSyntax],
  [x509.id_pe_subjectInfoAccess, x509.SubjectInfoAccessSyntax],
  [x509.id_ce_nameConstraints, x509.NameConstraints],
  [x509.id_ce_policyConstraints, x509.PolicyConstraints],
  [x509.id_ce_policyMappings, x509.PolicyMappings],
  [x509.id_ce_inhibitAnyPolicy, x509.InhibitAnyPolicy],
  [x509.id_ce_privateKeyUsagePeriod, x509.PrivateKeyUsagePeriod],
  [x509.id_ce_subjectDirectoryAttributes, x509.SubjectDirectoryAttributes],
  [x509.id_ce_cRLNumber, x509.CRLNumber],
  [x509.id_ce_deltaCRLIndicator, x509.BaseCRLNumber],
  [x509.id_ce_cRLReasons, x509.CRLReason],
  [x509.id_ce_invalidityDate, x509.InvalidityDate],
  [x509.id_ce_issuingDistributionPoint, x509.IssuingDistributionPoint],
  [x509.id_ce_certificateIssuer, x509.CertificateIssuer],
]);

/** Values of CSR and directory attributes by type (PKCS #9). */
export const attributeValueTypes: ReadonlyMap<string, OpenType> = new Map<string, OpenType>([
  [oids.extensionRequest, x509.Extensions],
  [oids.challengePassword, x509.DirectoryString],
]);

/** CMS content by contentType (RFC 5652). */
export const contentTypes: ReadonlyMap<string, OpenType> = new Map<string, OpenType>([
  ['1.2.840.113549.1.7.2', SignedData],
  ['1.2.840.113549.1.7.3', EnvelopedData],
]);

/** OtherRecipientInfo values by oriType (RFC 5652 §6.2.5; KEM: RFC 9629). */
export const oriValueTypes: ReadonlyMap<string, OpenType> = new Map<string, OpenType>([
  ['1.2.840.113549.1.9.16.13.3', KEMRecipientInfo],
]);

/** Public keys inside subjectPublicKey by algorithm. */
export const publicKeyTypes: ReadonlyMap<string, OpenType> = new Map<string, OpenType>([
  ['1.2.840.113549.1.1.1', RSAPublicKey],
]);

/** Private keys inside PrivateKeyInfo.privateKey by algorithm (RFC 5208, RFC 5915, RFC 8410). */
export const privateKeyTypes: ReadonlyMap<string, OpenType> = new Map<string, OpenType>([
  ['1.2.840.113549.1.1.1', RSAPrivateKey],
  ['1.2.840.10045.2.1', ECPrivateKey],
  ['1.3.101.112', AsnPropTypes.OctetString],
  ['1.3.101.113', AsnPropTypes.OctetString],
  ['2.16.840.1.101.3.4.3.17', MLDSAPrivateKey],
  ['2.16.840.1.101.3.4.3.18', MLDSAPrivateKey],
  ['2.16.840.1.101.3.4.3.19', MLDSAPrivateKey],
]);

/** Signature values inside signature BIT STRINGs by algorithm. */
export const signatureValueTypes: ReadonlyMap<string, OpenType> = new Map<string, OpenType>(
  [
    '1.2.840.10045.4.1',
    '1.2.840.10045.4.3.1',
    '1.2.840.10045.4.3.2',
    '1.2.840.10045.4.3.3',
    '1.2.840.10045.4.3.4',
  ].map((oid) => [oid, ECDSASigValue] as [string, OpenType]),
);

/** Every open field the annotator resolves. */
export const openFields: readonly OpenField[] = [
  { owner: InfoTypeAndValue, field: 'infoValue', selector: 'infoType', types: infoValueTypes },
  { owner: AttributeTypeAndValue, field: 'value', selector: 'type', types: controlValueTypes },
  // AlgorithmIdentifier, and CMS's types derived from it (each its own schema class).
  ...[
    x509.AlgorithmIdentifier,
    cms.KeyEncryptionAlgorithmIdentifier,
    cms.ContentEncryptionAlgorithmIdentifier,
    cms.KeyDerivationAlgorithmIdentifier,
    cms.DigestAlgorithmIdentifier,
    cms.SignatureAlgorithmIdentifier,
  ].map((owner) => ({
    owner,
    field: 'parameters',
    selector: 'algorithm',
    types: algorithmParameterTypes,
  })),
  {
    owner: x509.Extension,
    field: 'extnValue',
    selector: 'extnID',
    types: extensionTypes,
    encapsulated: true,
  },
  { owner: x509.Attribute, field: 'values', selector: 'type', types: attributeValueTypes },
  { owner: ContentInfo, field: 'content', selector: 'contentType', types: contentTypes },
  { owner: cms.OtherRecipientInfo, field: 'oriValue', selector: 'oriType', types: oriValueTypes },
  {
    owner: x509.SubjectPublicKeyInfo,
    field: 'subjectPublicKey',
    selector: 'algorithm.algorithm',
    types: publicKeyTypes,
    encapsulated: true,
  },
  {
    owner: x509.Certificate,
    field: 'signatureValue',
    selector: 'signatureAlgorithm.algorithm',
    types: signatureValueTypes,
    encapsulated: true,
  },
  {
    owner: x509.CertificateList,
    field: 'signature',
    selector: 'signatureAlgorithm.algorithm',
    types: signatureValueTypes,
    encapsulated: true,
  },
  {
    owner: CertificationRequest,
    field: 'signature',
    selector: 'signatureAlgorithm.algorithm',
    types: signatureValueTypes,
    encapsulated: true,
  },
  {
    owner: PrivateKeyInfo,
    field: 'privateKey',
    selector: 'privateKeyAlgorithm.algorithm',
    types: privateKeyTypes,
    encapsulated: true,
  },
  {
    owner: PKIMessage,
    field: 'protection',
    selector: 'header.protectionAlg.algorithm',
    types: signatureValueTypes,
    encapsulated: true,
  },
  {
    owner: POPOSigningKey,
    field: 'signature',
    selector: 'algorithmIdentifier.algorithm',
    types: signatureValueTypes,
    encapsulated: true,
  },
];
