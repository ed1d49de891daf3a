/**
 * The value types of CMP general messages (genm/genp infoValue) added by RFC 9480 and kept in
 * RFC 9810 §5.3.19. EXPLICIT TAGS.
 */
import { AsnArray, AsnProp, AsnPropTypes, AsnType, AsnTypeTypes } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier, DistributionPointName, GeneralNames, Time } from '@peculiar/asn1-x509';
import { Controls, CertTemplate } from './crmfTemplate';
import { CMPCertificate } from './cmpCertRep';

/**
 * ```asn1
 * CertReqTemplateContent ::= SEQUENCE {
 *     certTemplate           CertTemplate,
 *     keySpec                Controls OPTIONAL
 * }
 * ```
 * RFC 9810 §5.3.19.16
 */
export class CertReqTemplateContent {
  @AsnProp({ type: CertTemplate })
  public certTemplate = new CertTemplate();

  @AsnProp({ type: Controls, optional: true })
  public keySpec?: Controls;

  constructor(params: Partial<CertReqTemplateContent> = {}) {
    Object.assign(this, params);
  }
}

/**
 * ```asn1
 * RootCaKeyUpdateContent ::= SEQUENCE {
 *     newWithNew       CMPCertificate,
 *     newWithOld   [0] CMPCertificate OPTIONAL,
 *     oldWithNew   [1] CMPCertificate OPTIONAL
 * }
 * ```
 * RFC 9810 §5.3.19.15
 */
export class RootCaKeyUpdateContent {
  @AsnProp({ type: CMPCertificate })
  public newWithNew = new CMPCertificate();

  @AsnProp({ type: CMPCertificate, context: 0, optional: true })
  public newWithOld?: CMPCertificate;

  @AsnProp({ type: CMPCertificate, context: 1, optional: true })
  public oldWithNew?: CMPCertificate;

  constructor(params: Partial<RootCaKeyUpdateContent> = {}) {
    Object.assign(this, params);
  }
}

/**
 * ```asn1
 * CAKeyUpdContent ::= SEQUENCE {
 *     oldWithNew   [0] CMPCertificate OPTIONAL,
 *     newWithOld   [1] CMPCertificate OPTIONAL,
 *     newWithNew   [2] CMPCertificate
 * }
 * ```
 * RFC 9810 §5.3.13 (value of id-it-caKeyUpdateInfo when sent in genp)
 */
export class CAKeyUpdContent {
  @AsnProp({ type: CMPCertificate, context: 0, optional: true })
  public oldWithNew?: CMPCertificate;

  @AsnProp({ type: CMPCertificate, context: 1, optional: true })
  public newWithOld?: CMPCertificate;

  @AsnProp({ type: CMPCertificate, context: 2 })
  public newWithNew = new CMPCertificate();

  constructor(params: Partial<CAKeyUpdContent> = {}) {
    Object.assign(this, params);
  }
}

/**
 * ```asn1
 * CRLSource ::= CHOICE {
 *     dpn          [0] DistributionPointName,
 *     issuer       [1] GeneralNames }
 * ```
 * RFC 9810 §5.3.19.17
 */
@AsnType({ type: AsnTypeTypes.Choice })
export class CRLSource {
  @AsnProp({ type: DistributionPointName, context: 0 })
  public dpn?: DistributionPointName;

  @AsnProp({ type: GeneralNames, context: 1 })
  public issuer?: GeneralNames;

  constructor(params: Partial<CRLSource> = {}) {
    Object.assign(this, params);
  }
}

/**
 * ```asn1
 * CRLStatus ::= SEQUENCE {
 *     source       CRLSource,
 *     thisUpdate   Time OPTIONAL }
 * ```
 * RFC 9810 §5.3.19.17
 */
export class CRLStatus {
  @AsnProp({ type: CRLSource })
  public source = new CRLSource();

  @AsnProp({ type: Time, optional: true })
  public thisUpdate?: Time;

  constructor(params: Partial<CRLStatus> = {}) {
    Object.assign(this, params);
  }
}

/**
 * ```asn1
 * CRLStatusListValue ::= SEQUENCE SIZE (1..MAX) OF CRLStatus
 * ```
 * RFC 9810 §5.3.19.17
 */
@AsnType({ type: AsnTypeTypes.Sequence, itemType: CRLStatus })
export class CRLStatusListValue extends AsnArray<CRLStatus> {
  constructor(items?: CRLStatus[]) {
    super(items);
    Object.setPrototypeOf(this, CRLStatusListValue.prototype);
  }
}

/** SEQUENCE OF AlgorithmIdentifier: SignKeyPairTypesValue, EncKeyPairTypesValue (RFC 9810 §5.3.19.2/3). */
@AsnType({ type: AsnTypeTypes.Sequence, itemType: AlgorithmIdentifier })
export class AlgorithmIdentifiers extends AsnArray<AlgorithmIdentifier> {
  constructor(items?: AlgorithmIdentifier[]) {
    super(items);
    Object.setPrototypeOf(this, AlgorithmIdentifiers.prototype);
  }
}

/** SEQUENCE OF OBJECT IDENTIFIER: UnsupportedOIDsValue (RFC 9810 §5.3.19.7). */
@AsnType({ type: AsnTypeTypes.Sequence, itemType: AsnPropTypes.ObjectIdentifier })
export class ObjectIdentifiers extends AsnArray<string> {
  constructor(items?: string[]) {
    super(items);
    Object.setPrototypeOf(this, ObjectIdentifiers.prototype);
  }
}

/** SEQUENCE OF UTF8String: SuppLangTagsValue, CertProfileValue (RFC 9810 §5.3.19.13/§5.1.1.4). */
@AsnType({ type: AsnTypeTypes.Sequence, itemType: AsnPropTypes.Utf8String })
export class UTF8Strings extends AsnArray<string> {
  constructor(items?: string[]) {
    super(items);
    Object.setPrototypeOf(this, UTF8Strings.prototype);
  }
}
