/**
 * CRMF (RFC 4211) encrypted values, publication info, archive options and CertId, the types carried
 * by registration controls and by CMP responses. IMPLICIT TAGS, as in crmfTemplate.ts.
 */
import {
  AsnArray,
  AsnIntegerArrayBufferConverter,
  AsnProp,
  AsnPropTypes,
  AsnType,
  AsnTypeTypes,
  OctetString,
} from '@peculiar/asn1-schema';
import { AsnSafeIntegerConverter } from './integer';
import { EnvelopedData } from './cms';
import { PrivateKeyInfo } from '@peculiar/asn1-pkcs8';
import { AlgorithmIdentifier, GeneralName } from '@peculiar/asn1-x509';

/**
 * ```asn1
 * EncryptedValue ::= SEQUENCE {
 *     intendedAlg   [0] AlgorithmIdentifier  OPTIONAL,
 *     symmAlg       [1] AlgorithmIdentifier  OPTIONAL,
 *     encSymmKey    [2] BIT STRING           OPTIONAL,
 *     keyAlg        [3] AlgorithmIdentifier  OPTIONAL,
 *     valueHint     [4] OCTET STRING         OPTIONAL,
 *     encValue       BIT STRING }
 * ```
 * RFC 4211 §4.2.1 (deprecated by RFC 9810 in favour of EnvelopedData)
 */
export class EncryptedValue {
  @AsnProp({ type: AlgorithmIdentifier, context: 0, implicit: true, optional: true })
  public intendedAlg?: AlgorithmIdentifier;

  @AsnProp({ type: AlgorithmIdentifier, context: 1, implicit: true, optional: true })
  public symmAlg?: AlgorithmIdentifier;

  @AsnProp({ type: AsnPropTypes.BitString, context: 2, implicit: true, optional: true })
  public encSymmKey?: ArrayBuffer;

  @AsnProp({ type: AlgorithmIdentifier, context: 3, implicit: true, optional: true })
  public keyAlg?: AlgorithmIdentifier;

  @AsnProp({ type: OctetString, context: 4, implicit: true, optional: true })
  public valueHint?: OctetString;

  @AsnProp({ type: AsnPropTypes.BitString })
  public encValue: ArrayBuffer = new ArrayBuffer(0);

  constructor(params: Partial<EncryptedValue> = {}) {
    Object.assign(this, params);
  }
}

/**
 * ```asn1
 * EncryptedKey ::= CHOICE {
 *     encryptedValue        EncryptedValue,   -- Deprecated
 *     envelopedData     [0] EnvelopedData }
 * ```
 * RFC 4211 §4.2.1, as updated by RFC 9810 §5.2.2
 */
@AsnType({ type: AsnTypeTypes.Choice })
export class EncryptedKey {
  @AsnProp({ type: EncryptedValue })
  public encryptedValue?: EncryptedValue;

  @AsnProp({ type: EnvelopedData, context: 0, implicit: true })
  public envelopedData?: EnvelopedData;

  constructor(params: Partial<EncryptedKey> = {}) {
    Object.assign(this, params);
  }
}

/** `KeyGenParameters ::= OCTET STRING` (RFC 4211 §6.4). */
export class KeyGenParameters extends OctetString {}

/**
 * ```asn1
 * PKIArchiveOptions ::= CHOICE {
 *     encryptedPrivKey     [0] EncryptedKey,
 *     keyGenParameters     [1] KeyGenParameters,
 *     archiveRemGenPrivKey [2] BOOLEAN }
 * ```
 * RFC 4211 §6.4 (EncryptedKey is a CHOICE, so [0] is explicit)
 */
@AsnType({ type: AsnTypeTypes.Choice })
export class PKIArchiveOptions {
  @AsnProp({ type: EncryptedKey, context: 0 })
  public encryptedPrivKey?: EncryptedKey;

  @AsnProp({ type: KeyGenParameters, context: 1, implicit: true })
  public keyGenParameters?: KeyGenParameters;

  @AsnProp({ type: AsnPropTypes.Boolean, context: 2, implicit: true })
  public archiveRemGenPrivKey?: boolean;

  constructor(params: Partial<PKIArchiveOptions> = {}) {
    Object.assign(this, params);
  }
}

/** pubMethod of SinglePubInfo (RFC 4211 §6.3). */
export enum PubMethod {
  dontCare = 0,
  x500 = 1,
  web = 2,
  ldap = 3,
}

/**
 * ```asn1
 * SinglePubInfo ::= SEQUENCE {
 *     pubMethod    INTEGER {
 *         dontCare    (0),
 *         x500        (1),
 *         web         (2),
 *         ldap        (3) },
 *     pubLocation  GeneralName OPTIONAL }
 * ```
 * RFC 4211 §6.3
 */
export class SinglePubInfo {
  @AsnProp({ type: AsnPropTypes.Integer, converter: AsnSafeIntegerConverter })
  public pubMethod: PubMethod = PubMethod.dontCare;

  @AsnProp({ type: GeneralName, optional: true })
  public pubLocation?: GeneralName;

  constructor(params: Partial<SinglePubInfo> = {}) {
    Object.assign(this, params);
  }
}

/** SEQUENCE SIZE (1..MAX) OF SinglePubInfo */
@AsnType({ type: AsnTypeTypes.Sequence, itemType: SinglePubInfo })
export class SinglePubInfos extends AsnArray<SinglePubInfo> {
  constructor(items?: SinglePubInfo[]) {
    super(items);
    Object.setPrototypeOf(this, SinglePubInfos.prototype);
  }
}

/** action of PKIPublicationInfo (RFC 4211 §6.3). */
export enum PublicationAction {
  dontPublish = 0,
  pleasePublish = 1,
}

/**
 * ```asn1
 * PKIPublicationInfo ::= SEQUENCE {
 *     action     INTEGER {
 *                  dontPublish (0),
 *                  pleasePublish (1) },
 *     pubInfos  SEQUENCE SIZE (1..MAX) OF SinglePubInfo OPTIONAL }
 * ```
 * RFC 4211 §6.3
 */
export class PKIPublicationInfo {
  @AsnProp({ type: AsnPropTypes.Integer, converter: AsnSafeIntegerConverter })
  public action: PublicationAction = PublicationAction.dontPublish;

  @AsnProp({ type: SinglePubInfos, optional: true })
  public pubInfos?: SinglePubInfos;

  constructor(params: Partial<PKIPublicationInfo> = {}) {
    Object.assign(this, params);
  }
}

/**
 * ```asn1
 * CertId ::= SEQUENCE {
 *     issuer           GeneralName,
 *     serialNumber     INTEGER }
 * ```
 * RFC 4211 §6.5
 */
export class CertId {
  @AsnProp({ type: GeneralName })
  public issuer = new GeneralName();

  @AsnProp({ type: AsnPropTypes.Integer, converter: AsnIntegerArrayBufferConverter })
  public serialNumber: ArrayBuffer = new ArrayBuffer(0);

  constructor(params: Partial<CertId> = {}) {
    Object.assign(this, params);
  }
}

/** The anonymous identifier CHOICE of EncKeyWithID. */
@AsnType({ type: AsnTypeTypes.Choice })
export class EncKeyWithIDIdentifier {
  @AsnProp({ type: AsnPropTypes.Utf8String })
  public string?: string;

  @AsnProp({ type: GeneralName })
  public generalName?: GeneralName;

  constructor(params: Partial<EncKeyWithIDIdentifier> = {}) {
    Object.assign(this, params);
  }
}

/**
 * ```asn1
 * EncKeyWithID ::= SEQUENCE {
 *     privateKey           PrivateKeyInfo,
 *     identifier CHOICE {
 *         string             UTF8String,
 *         generalName        GeneralName
 *     } OPTIONAL }
 * ```
 * RFC 4211 §4.4
 */
export class EncKeyWithID {
  @AsnProp({ type: PrivateKeyInfo })
  public privateKey = new PrivateKeyInfo();

  @AsnProp({ type: EncKeyWithIDIdentifier, optional: true })
  public identifier?: EncKeyWithIDIdentifier;

  constructor(params: Partial<EncKeyWithID> = {}) {
    Object.assign(this, params);
  }
}
