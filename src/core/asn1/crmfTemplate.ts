/**
 * CRMF (RFC 4211) certificate request and template. The CRMF module is `DEFINITIONS IMPLICIT TAGS`,
 * so context tags are implicit except where the tagged type is a CHOICE (Name, Time, GeneralName).
 */
import {
  AsnArray,
  AsnIntegerArrayBufferConverter,
  AsnProp,
  AsnPropTypes,
  AsnType,
  AsnTypeTypes,
  BitString,
} from '@peculiar/asn1-schema';
import { AsnSafeIntegerConverter } from './integer';
import { AlgorithmIdentifier, Extensions, Name, SubjectPublicKeyInfo, Time } from '@peculiar/asn1-x509';

/**
 * ```asn1
 * AttributeTypeAndValue ::= SEQUENCE {
 *     type         OBJECT IDENTIFIER,
 *     value        ANY DEFINED BY type }
 * ```
 * RFC 4211 §6
 */
export class AttributeTypeAndValue {
  @AsnProp({ type: AsnPropTypes.ObjectIdentifier })
  public type = '';

  @AsnProp({ type: AsnPropTypes.Any })
  public value: ArrayBuffer = new ArrayBuffer(0);

  constructor(params: Partial<AttributeTypeAndValue> = {}) {
    Object.assign(this, params);
  }
}

/**
 * ```asn1
 * Controls  ::= SEQUENCE SIZE(1..MAX) OF AttributeTypeAndValue
 * ```
 * RFC 4211 §6
 */
@AsnType({ type: AsnTypeTypes.Sequence, itemType: AttributeTypeAndValue })
export class Controls extends AsnArray<AttributeTypeAndValue> {
  constructor(items?: AttributeTypeAndValue[]) {
    super(items);
    Object.setPrototypeOf(this, Controls.prototype);
  }
}

/**
 * ```asn1
 * OptionalValidity ::= SEQUENCE {
 *     notBefore  [0] Time OPTIONAL,
 *     notAfter   [1] Time OPTIONAL } -- at least one MUST be present
 * ```
 * RFC 4211 §5 (Time is a CHOICE, so its tags are explicit)
 */
export class OptionalValidity {
  @AsnProp({ type: Time, context: 0, optional: true })
  public notBefore?: Time;

  @AsnProp({ type: Time, context: 1, optional: true })
  public notAfter?: Time;

  constructor(params: Partial<OptionalValidity> = {}) {
    Object.assign(this, params);
  }
}

/** `UniqueIdentifier ::= BIT STRING` (RFC 5280 §4.1). */
export class UniqueIdentifier extends BitString {}

/**
 * ```asn1
 * CertTemplate ::= SEQUENCE {
 *     version      [0] Version               OPTIONAL,
 *     serialNumber [1] INTEGER               OPTIONAL,
 *     signingAlg   [2] AlgorithmIdentifier   OPTIONAL,
 *     issuer       [3] Name                  OPTIONAL,
 *     validity     [4] OptionalValidity      OPTIONAL,
 *     subject      [5] Name                  OPTIONAL,
 *     publicKey    [6] SubjectPublicKeyInfo  OPTIONAL,
 *     issuerUID    [7] UniqueIdentifier      OPTIONAL,
 *     subjectUID   [8] UniqueIdentifier      OPTIONAL,
 *     extensions   [9] Extensions            OPTIONAL }
 * ```
 * RFC 4211 §5
 */
export class CertTemplate {
  @AsnProp({
    type: AsnPropTypes.Integer,
    context: 0,
    implicit: true,
    optional: true,
    converter: AsnSafeIntegerConverter,
  })
  public version?: number;

  /** Kept as bytes: serial numbers are up to 20 octets and must survive re-encoding. */
  @AsnProp({
    type: AsnPropTypes.Integer,
    context: 1,
    implicit: true,
    optional: true,
    converter: AsnIntegerArrayBufferConverter,
  })
  public serialNumber?: ArrayBuffer;

  @AsnProp({ type: AlgorithmIdentifier, context: 2, implicit: true, optional: true })
  public signingAlg?: AlgorithmIdentifier;

  @AsnProp({ type: Name, context: 3, optional: true })
  public issuer?: Name;

  @AsnProp({ type: OptionalValidity, context: 4, implicit: true, optional: true })
  public validity?: OptionalValidity;

  @AsnProp({ type: Name, context: 5, optional: true })
  public subject?: Name;

  @AsnProp({ type: SubjectPublicKeyInfo, context: 6, implicit: true, optional: true })
  public publicKey?: SubjectPublicKeyInfo;

  @AsnProp({ type: UniqueIdentifier, context: 7, implicit: true, optional: true })
  public issuerUID?: UniqueIdentifier;

  @AsnProp({ type: UniqueIdentifier, context: 8, implicit: true, optional: true })
  public subjectUID?: UniqueIdentifier;

  @AsnProp({ type: Extensions, context: 9, implicit: true, optional: true })
  public extensions?: Extensions;

  constructor(params: Partial<CertTemplate> = {}) {
    Object.assign(this, params);
  }
}

/**
 * ```asn1
 * CertRequest ::= SEQUENCE {
 *     certReqId     INTEGER,        -- ID for matching request and reply
 *     certTemplate  CertTemplate,   -- Selected fields of cert to be issued
 *     controls      Controls OPTIONAL }   -- Attributes affecting issuance
 * ```
 * RFC 4211 §5
 */
export class CertRequest {
  @AsnProp({ type: AsnPropTypes.Integer, converter: AsnSafeIntegerConverter })
  public certReqId = 0;

  @AsnProp({ type: CertTemplate })
  public certTemplate = new CertTemplate();

  @AsnProp({ type: Controls, optional: true })
  public controls?: Controls;

  constructor(params: Partial<CertRequest> = {}) {
    Object.assign(this, params);
  }
}
