/**
 * CMP (RFC 9810) certificates, certificate responses, key recovery, revocation and announcements.
 * The CMP module is `DEFINITIONS EXPLICIT TAGS`: every context tag here is explicit.
 */
import { AsnArray, AsnProp, AsnPropTypes, AsnType, AsnTypeTypes, OctetString } from '@peculiar/asn1-schema';
import { AsnSafeIntegerConverter } from './integer';
import { Certificate, CertificateList, Extensions } from '@peculiar/asn1-x509';
import { CertId, EncryptedKey, PKIPublicationInfo } from './crmfControls';
import { CertTemplate } from './crmfTemplate';
import { PKIStatus, PKIStatusInfo } from './cmpStatus';

/**
 * ```asn1
 * CMPCertificate ::= CHOICE { x509v3PKCert Certificate, ... }
 * ```
 * RFC 9810 §5.1
 */
@AsnType({ type: AsnTypeTypes.Choice })
export class CMPCertificate {
  @AsnProp({ type: Certificate })
  public x509v3PKCert?: Certificate;

  constructor(params: Partial<CMPCertificate> = {}) {
    Object.assign(this, params);
  }
}

/** SEQUENCE SIZE (1..MAX) OF CMPCertificate (extraCerts, caPubs, caCerts). */
@AsnType({ type: AsnTypeTypes.Sequence, itemType: CMPCertificate })
export class CMPCertificates extends AsnArray<CMPCertificate> {
  constructor(items?: CMPCertificate[]) {
    super(items);
    Object.setPrototypeOf(this, CMPCertificates.prototype);
  }
}

/**
 * ```asn1
 * CertOrEncCert ::= CHOICE {
 *     certificate     [0] CMPCertificate,
 *     encryptedCert   [1] EncryptedKey
 * }
 * ```
 * RFC 9810 §5.3.4
 */
@AsnType({ type: AsnTypeTypes.Choice })
export class CertOrEncCert {
  @AsnProp({ type: CMPCertificate, context: 0 })
  public certificate?: CMPCertificate;

  @AsnProp({ type: EncryptedKey, context: 1 })
  public encryptedCert?: EncryptedKey;

  constructor(params: Partial<CertOrEncCert> = {}) {
    Object.assign(this, params);
  }
}

/**
 * ```asn1
 * CertifiedKeyPair ::= SEQUENCE {
 *     certOrEncCert       CertOrEncCert,
 *     privateKey      [0] EncryptedKey        OPTIONAL,
 *     -- See [RFC4211] for comments on encoding.
 *     publicationInfo [1] PKIPublicationInfo  OPTIONAL
 * }
 * ```
 * RFC 9810 §5.3.4
 */
export class CertifiedKeyPair {
  @AsnProp({ type: CertOrEncCert })
  public certOrEncCert = new CertOrEncCert();

  @AsnProp({ type: EncryptedKey, context: 0, optional: true })
  public privateKey?: EncryptedKey;

  @AsnProp({ type: PKIPublicationInfo, context: 1, optional: true })
  public publicationInfo?: PKIPublicationInfo;

  constructor(params: Partial<CertifiedKeyPair> = {}) {
    Object.assign(this, params);
  }
}

/**
 * ```asn1
 * CertResponse ::= SEQUENCE {
 *     certReqId           INTEGER,
 *     status              PKIStatusInfo,
 *     certifiedKeyPair    CertifiedKeyPair    OPTIONAL,
 *     rspInfo             OCTET STRING        OPTIONAL
 *     -- analogous to the id-regInfo-utf8Pairs string defined
 *     -- for regInfo in CertReqMsg [RFC4211]
 * }
 * ```
 * RFC 9810 §5.3.4
 */
export class CertResponse {
  @AsnProp({ type: AsnPropTypes.Integer, converter: AsnSafeIntegerConverter })
  public certReqId = 0;

  @AsnProp({ type: PKIStatusInfo })
  public status = new PKIStatusInfo();

  @AsnProp({ type: CertifiedKeyPair, optional: true })
  public certifiedKeyPair?: CertifiedKeyPair;

  @AsnProp({ type: OctetString, optional: true })
  public rspInfo?: OctetString;

  constructor(params: Partial<CertResponse> = {}) {
    Object.assign(this, params);
  }
}

/** SEQUENCE OF CertResponse */
@AsnType({ type: AsnTypeTypes.Sequence, itemType: CertResponse })
export class CertResponses extends AsnArray<CertResponse> {
  constructor(items?: CertResponse[]) {
    super(items);
    Object.setPrototypeOf(this, CertResponses.prototype);
  }
}

/**
 * ```asn1
 * CertRepMessage ::= SEQUENCE {
 *     caPubs       [1] SEQUENCE SIZE (1..MAX) OF CMPCertificate
 *                      OPTIONAL,
 *     response         SEQUENCE OF CertResponse
 * }
 * ```
 * RFC 9810 §5.3.4
 */
export class CertRepMessage {
  @AsnProp({ type: CMPCertificates, context: 1, optional: true })
  public caPubs?: CMPCertificates;

  @AsnProp({ type: CertResponses })
  public response = new CertResponses();

  constructor(params: Partial<CertRepMessage> = {}) {
    Object.assign(this, params);
  }
}

/** SEQUENCE SIZE (1..MAX) OF CertifiedKeyPair */
@AsnType({ type: AsnTypeTypes.Sequence, itemType: CertifiedKeyPair })
export class CertifiedKeyPairs extends AsnArray<CertifiedKeyPair> {
  constructor(items?: CertifiedKeyPair[]) {
    super(items);
    Object.setPrototypeOf(this, CertifiedKeyPairs.prototype);
  }
}

/**
 * ```asn1
 * KeyRecRepContent ::= SEQUENCE {
 *     status                  PKIStatusInfo,
 *     newSigCert          [0] CMPCertificate OPTIONAL,
 *     caCerts             [1] SEQUENCE SIZE (1..MAX) OF
 *                                  CMPCertificate OPTIONAL,
 *     keyPairHist         [2] SEQUENCE SIZE (1..MAX) OF
 *                                  CertifiedKeyPair OPTIONAL
 * }
 * ```
 * RFC 9810 §5.3.10
 */
export class KeyRecRepContent {
  @AsnProp({ type: PKIStatusInfo })
  public status = new PKIStatusInfo();

  @AsnProp({ type: CMPCertificate, context: 0, optional: true })
  public newSigCert?: CMPCertificate;

  @AsnProp({ type: CMPCertificates, context: 1, optional: true })
  public caCerts?: CMPCertificates;

  @AsnProp({ type: CertifiedKeyPairs, context: 2, optional: true })
  public keyPairHist?: CertifiedKeyPairs;

  constructor(params: Partial<KeyRecRepContent> = {}) {
    Object.assign(this, params);
  }
}

/**
 * ```asn1
 * RevDetails ::= SEQUENCE {
 *     certDetails         CertTemplate,
 *     crlEntryDetails     Extensions{{...}}    OPTIONAL
 * }
 * ```
 * RFC 9810 §5.3.11
 */
export class RevDetails {
  @AsnProp({ type: CertTemplate })
  public certDetails = new CertTemplate();

  @AsnProp({ type: Extensions, optional: true })
  public crlEntryDetails?: Extensions;

  constructor(params: Partial<RevDetails> = {}) {
    Object.assign(this, params);
  }
}

/**
 * ```asn1
 * RevReqContent ::= SEQUENCE OF RevDetails
 * ```
 * RFC 9810 §5.3.11
 */
@AsnType({ type: AsnTypeTypes.Sequence, itemType: RevDetails })
export class RevReqContent extends AsnArray<RevDetails> {
  constructor(items?: RevDetails[]) {
    super(items);
    Object.setPrototypeOf(this, RevReqContent.prototype);
  }
}

/** SEQUENCE SIZE (1..MAX) OF PKIStatusInfo */
@AsnType({ type: AsnTypeTypes.Sequence, itemType: PKIStatusInfo })
export class PKIStatusInfos extends AsnArray<PKIStatusInfo> {
  constructor(items?: PKIStatusInfo[]) {
    super(items);
    Object.setPrototypeOf(this, PKIStatusInfos.prototype);
  }
}

/** SEQUENCE SIZE (1..MAX) OF CertId */
@AsnType({ type: AsnTypeTypes.Sequence, itemType: CertId })
export class CertIds extends AsnArray<CertId> {
  constructor(items?: CertId[]) {
    super(items);
    Object.setPrototypeOf(this, CertIds.prototype);
  }
}

/** SEQUENCE SIZE (1..MAX) OF CertificateList (also CRLAnnContent, RFC 9810 §5.3.16) */
@AsnType({ type: AsnTypeTypes.Sequence, itemType: CertificateList })
export class CRLAnnContent extends AsnArray<CertificateList> {
  constructor(items?: CertificateList[]) {
    super(items);
    Object.setPrototypeOf(this, CRLAnnContent.prototype);
  }
}

/**
 * ```asn1
 * RevRepContent ::= SEQUENCE {
 *     status              SEQUENCE SIZE (1..MAX) OF PKIStatusInfo,
 *     revCerts        [0] SEQUENCE SIZE (1..MAX) OF CertId OPTIONAL,
 *     crls            [1] SEQUENCE SIZE (1..MAX) OF CertificateList
 *                              OPTIONAL
 * }
 * ```
 * RFC 9810 §5.3.12
 */
export class RevRepContent {
  @AsnProp({ type: PKIStatusInfos })
  public status = new PKIStatusInfos();

  @AsnProp({ type: CertIds, context: 0, optional: true })
  public revCerts?: CertIds;

  @AsnProp({ type: CRLAnnContent, context: 1, optional: true })
  public crls?: CRLAnnContent;

  constructor(params: Partial<RevRepContent> = {}) {
    Object.assign(this, params);
  }
}

/**
 * ```asn1
 * CAKeyUpdAnnContent ::= SEQUENCE {
 *     oldWithNew   CMPCertificate,
 *     newWithOld   CMPCertificate,
 *     newWithNew   CMPCertificate
 * }
 * ```
 * RFC 9810 §5.3.13 (deprecated; RootCaKeyUpdateContent replaces it in genp)
 */
export class CAKeyUpdAnnContent {
  @AsnProp({ type: CMPCertificate })
  public oldWithNew = new CMPCertificate();

  @AsnProp({ type: CMPCertificate })
  public newWithOld = new CMPCertificate();

  @AsnProp({ type: CMPCertificate })
  public newWithNew = new CMPCertificate();

  constructor(params: Partial<CAKeyUpdAnnContent> = {}) {
    Object.assign(this, params);
  }
}

/**
 * ```asn1
 * RevAnnContent ::= SEQUENCE {
 *     status              PKIStatus,
 *     certId              CertId,
 *     willBeRevokedAt     GeneralizedTime,
 *     badSinceDate        GeneralizedTime,
 *     crlDetails          Extensions{{...}}  OPTIONAL
 * }
 * ```
 * RFC 9810 §5.3.15
 */
export class RevAnnContent {
  @AsnProp({ type: AsnPropTypes.Integer, converter: AsnSafeIntegerConverter })
  public status: PKIStatus = PKIStatus.accepted;

  @AsnProp({ type: CertId })
  public certId = new CertId();

  @AsnProp({ type: AsnPropTypes.GeneralizedTime })
  public willBeRevokedAt = new Date();

  @AsnProp({ type: AsnPropTypes.GeneralizedTime })
  public badSinceDate = new Date();

  @AsnProp({ type: Extensions, optional: true })
  public crlDetails?: Extensions;

  constructor(params: Partial<RevAnnContent> = {}) {
    Object.assign(this, params);
  }
}
