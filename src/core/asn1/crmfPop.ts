/**
 * CRMF (RFC 4211) proof of possession and the request message. IMPLICIT TAGS, as in crmfTemplate.ts.
 */
import { AsnArray, AsnProp, AsnPropTypes, AsnType, AsnTypeTypes } from '@peculiar/asn1-schema';
import { AsnSafeIntegerConverter } from './integer';
import { EnvelopedData } from './cms';
import { AlgorithmIdentifier, GeneralName, SubjectPublicKeyInfo } from '@peculiar/asn1-x509';
import { AttributeTypeAndValue, CertRequest } from './crmfTemplate';

/**
 * ```asn1
 * PKMACValue ::= SEQUENCE {
 *     algId  AlgorithmIdentifier,
 *     value  BIT STRING }
 * ```
 * RFC 4211 §4.1
 */
export class PKMACValue {
  @AsnProp({ type: AlgorithmIdentifier })
  public algId = new AlgorithmIdentifier();

  @AsnProp({ type: AsnPropTypes.BitString })
  public value: ArrayBuffer = new ArrayBuffer(0);

  constructor(params: Partial<PKMACValue> = {}) {
    Object.assign(this, params);
  }
}

/**
 * The authInfo CHOICE of POPOSigningKeyInput:
 * ```asn1
 * authInfo            CHOICE {
 *     sender              [0] GeneralName,
 *     publicKeyMAC        PKMACValue },
 * ```
 * RFC 4211 §4.1 (GeneralName is a CHOICE, so [0] is explicit)
 */
@AsnType({ type: AsnTypeTypes.Choice })
export class POPOSigningKeyInputAuthInfo {
  @AsnProp({ type: GeneralName, context: 0 })
  public sender?: GeneralName;

  @AsnProp({ type: PKMACValue })
  public publicKeyMAC?: PKMACValue;

  constructor(params: Partial<POPOSigningKeyInputAuthInfo> = {}) {
    Object.assign(this, params);
  }
}

/**
 * ```asn1
 * POPOSigningKeyInput ::= SEQUENCE {
 *     authInfo            CHOICE {
 *         sender              [0] GeneralName,
 *         publicKeyMAC        PKMACValue },
 *     publicKey           SubjectPublicKeyInfo }  -- from CertTemplate
 * ```
 * RFC 4211 §4.1
 */
export class POPOSigningKeyInput {
  @AsnProp({ type: POPOSigningKeyInputAuthInfo })
  public authInfo = new POPOSigningKeyInputAuthInfo();

  @AsnProp({ type: SubjectPublicKeyInfo })
  public publicKey = new SubjectPublicKeyInfo();

  constructor(params: Partial<POPOSigningKeyInput> = {}) {
    Object.assign(this, params);
  }
}

/**
 * ```asn1
 * POPOSigningKey ::= SEQUENCE {
 *     poposkInput           [0] POPOSigningKeyInput OPTIONAL,
 *     algorithmIdentifier   AlgorithmIdentifier,
 *     signature             BIT STRING }
 * ```
 * RFC 4211 §4.1
 */
export class POPOSigningKey {
  @AsnProp({ type: POPOSigningKeyInput, context: 0, implicit: true, optional: true })
  public poposkInput?: POPOSigningKeyInput;

  @AsnProp({ type: AlgorithmIdentifier })
  public algorithmIdentifier = new AlgorithmIdentifier();

  @AsnProp({ type: AsnPropTypes.BitString })
  public signature: ArrayBuffer = new ArrayBuffer(0);

  constructor(params: Partial<POPOSigningKey> = {}) {
    Object.assign(this, params);
  }
}

/** SubsequentMessage ::= INTEGER { encrCert (0), challengeResp (1) } (RFC 4211 §4.2) */
export enum SubsequentMessage {
  encrCert = 0,
  challengeResp = 1,
}

/**
 * ```asn1
 * POPOPrivKey ::= CHOICE {
 *     thisMessage       [0] BIT STRING,         -- Deprecated
 *     subsequentMessage [1] SubsequentMessage,
 *     dhMAC             [2] BIT STRING,         -- Deprecated
 *     agreeMAC          [3] PKMACValue,
 *     encryptedKey      [4] EnvelopedData }
 * ```
 * RFC 4211 §4.2
 */
@AsnType({ type: AsnTypeTypes.Choice })
export class POPOPrivKey {
  @AsnProp({ type: AsnPropTypes.BitString, context: 0, implicit: true })
  public thisMessage?: ArrayBuffer;

  @AsnProp({ type: AsnPropTypes.Integer, context: 1, implicit: true, converter: AsnSafeIntegerConverter })
  public subsequentMessage?: SubsequentMessage;

  @AsnProp({ type: AsnPropTypes.BitString, context: 2, implicit: true })
  public dhMAC?: ArrayBuffer;

  @AsnProp({ type: PKMACValue, context: 3, implicit: true })
  public agreeMAC?: PKMACValue;

  @AsnProp({ type: EnvelopedData, context: 4, implicit: true })
  public encryptedKey?: EnvelopedData;

  constructor(params: Partial<POPOPrivKey> = {}) {
    Object.assign(this, params);
  }
}

/**
 * ```asn1
 * ProofOfPossession ::= CHOICE {
 *     raVerified        [0] NULL,
 *     -- used if the RA has already verified that the requester is in
 *     -- possession of the private key
 *     signature         [1] POPOSigningKey,
 *     keyEncipherment   [2] POPOPrivKey,
 *     keyAgreement      [3] POPOPrivKey }
 * ```
 * RFC 4211 §4 (POPOPrivKey is a CHOICE, so [2] and [3] are explicit)
 */
@AsnType({ type: AsnTypeTypes.Choice })
export class ProofOfPossession {
  @AsnProp({ type: AsnPropTypes.Null, context: 0, implicit: true })
  public raVerified?: null;

  @AsnProp({ type: POPOSigningKey, context: 1, implicit: true })
  public signature?: POPOSigningKey;

  @AsnProp({ type: POPOPrivKey, context: 2 })
  public keyEncipherment?: POPOPrivKey;

  @AsnProp({ type: POPOPrivKey, context: 3 })
  public keyAgreement?: POPOPrivKey;

  constructor(params: Partial<ProofOfPossession> = {}) {
    Object.assign(this, params);
  }
}

/** SEQUENCE SIZE(1..MAX) OF AttributeTypeAndValue, the regInfo of a CertReqMsg. */
@AsnType({ type: AsnTypeTypes.Sequence, itemType: AttributeTypeAndValue })
export class RegInfo extends AsnArray<AttributeTypeAndValue> {
  constructor(items?: AttributeTypeAndValue[]) {
    super(items);
    Object.setPrototypeOf(this, RegInfo.prototype);
  }
}

/**
 * ```asn1
 * CertReqMsg ::= SEQUENCE {
 *     certReq   CertRequest,
 *     popo       ProofOfPossession  OPTIONAL,
 *     -- content depends upon key type
 *     regInfo   SEQUENCE SIZE(1..MAX) OF
 *         AttributeTypeAndValue OPTIONAL }
 * ```
 * RFC 4211 §3
 */
export class CertReqMsg {
  @AsnProp({ type: CertRequest })
  public certReq = new CertRequest();

  @AsnProp({ type: ProofOfPossession, optional: true })
  public popo?: ProofOfPossession;

  @AsnProp({ type: RegInfo, optional: true })
  public regInfo?: RegInfo;

  constructor(params: Partial<CertReqMsg> = {}) {
    Object.assign(this, params);
  }
}

/**
 * ```asn1
 * CertReqMessages ::= SEQUENCE SIZE (1..MAX) OF CertReqMsg
 * ```
 * RFC 4211 §3
 */
@AsnType({ type: AsnTypeTypes.Sequence, itemType: CertReqMsg })
export class CertReqMessages extends AsnArray<CertReqMsg> {
  constructor(items?: CertReqMsg[]) {
    super(items);
    Object.setPrototypeOf(this, CertReqMessages.prototype);
  }
}
