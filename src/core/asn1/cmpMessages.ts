/**
 * CMP (RFC 9810) general messages, errors, confirmation, polling and POP challenges.
 * EXPLICIT TAGS, as in cmpCertRep.ts.
 */
import { AsnArray, AsnProp, AsnPropTypes, AsnType, AsnTypeTypes, OctetString } from '@peculiar/asn1-schema';
import { AsnSafeIntegerConverter } from './integer';
import { EnvelopedData } from './cms';
import { AlgorithmIdentifier, GeneralName } from '@peculiar/asn1-x509';
import { CertId } from './crmfControls';
import { PKIFreeText, PKIStatusInfo } from './cmpStatus';

/**
 * ```asn1
 * InfoTypeAndValue ::= SEQUENCE {
 *     infoType               OBJECT IDENTIFIER,
 *     infoValue              ANY DEFINED BY infoType  OPTIONAL
 * }
 * ```
 * RFC 9810 §5.3.19 (the value types by infoType are in cmpGenInfo.ts and oids.ts)
 */
export class InfoTypeAndValue {
  @AsnProp({ type: AsnPropTypes.ObjectIdentifier })
  public infoType = '';

  @AsnProp({ type: AsnPropTypes.Any, optional: true })
  public infoValue?: ArrayBuffer;

  constructor(params: Partial<InfoTypeAndValue> = {}) {
    Object.assign(this, params);
  }
}

/**
 * ```asn1
 * GenMsgContent ::= SEQUENCE OF InfoTypeAndValue
 * ```
 * RFC 9810 §5.3.19; also the generalInfo of PKIHeader (§5.1.1).
 */
@AsnType({ type: AsnTypeTypes.Sequence, itemType: InfoTypeAndValue })
export class GenMsgContent extends AsnArray<InfoTypeAndValue> {
  constructor(items?: InfoTypeAndValue[]) {
    super(items);
    Object.setPrototypeOf(this, GenMsgContent.prototype);
  }
}

/**
 * ```asn1
 * GenRepContent ::= SEQUENCE OF InfoTypeAndValue
 * ```
 * RFC 9810 §5.3.20
 */
@AsnType({ type: AsnTypeTypes.Sequence, itemType: InfoTypeAndValue })
export class GenRepContent extends AsnArray<InfoTypeAndValue> {
  constructor(items?: InfoTypeAndValue[]) {
    super(items);
    Object.setPrototypeOf(this, GenRepContent.prototype);
  }
}

/**
 * ```asn1
 * ErrorMsgContent ::= SEQUENCE {
 *     pKIStatusInfo          PKIStatusInfo,
 *     errorCode              INTEGER           OPTIONAL,
 *     -- implementation-specific error codes
 *     errorDetails           PKIFreeText       OPTIONAL
 *     -- implementation-specific error details
 * }
 * ```
 * RFC 9810 §5.3.21
 */
export class ErrorMsgContent {
  @AsnProp({ type: PKIStatusInfo })
  public pKIStatusInfo = new PKIStatusInfo();

  @AsnProp({ type: AsnPropTypes.Integer, optional: true, converter: AsnSafeIntegerConverter })
  public errorCode?: number;

  @AsnProp({ type: PKIFreeText, optional: true })
  public errorDetails?: PKIFreeText;

  constructor(params: Partial<ErrorMsgContent> = {}) {
    Object.assign(this, params);
  }
}

/**
 * ```asn1
 * CertStatus ::= SEQUENCE {
 *     certHash    OCTET STRING,
 *     certReqId   INTEGER,
 *     statusInfo  PKIStatusInfo OPTIONAL,
 *     hashAlg [0] AlgorithmIdentifier{DIGEST-ALGORITHM, {...}}
 *                   OPTIONAL
 * }
 * ```
 * RFC 9810 §5.3.18
 */
export class CertStatus {
  @AsnProp({ type: OctetString })
  public certHash = new OctetString();

  @AsnProp({ type: AsnPropTypes.Integer, converter: AsnSafeIntegerConverter })
  public certReqId = 0;

  @AsnProp({ type: PKIStatusInfo, optional: true })
  public statusInfo?: PKIStatusInfo;

  @AsnProp({ type: AlgorithmIdentifier, context: 0, optional: true })
  public hashAlg?: AlgorithmIdentifier;

  constructor(params: Partial<CertStatus> = {}) {
    Object.assign(this, params);
  }
}

/**
 * ```asn1
 * CertConfirmContent ::= SEQUENCE OF CertStatus
 * ```
 * RFC 9810 §5.3.18
 */
@AsnType({ type: AsnTypeTypes.Sequence, itemType: CertStatus })
export class CertConfirmContent extends AsnArray<CertStatus> {
  constructor(items?: CertStatus[]) {
    super(items);
    Object.setPrototypeOf(this, CertConfirmContent.prototype);
  }
}

/** The element of PollReqContent: `SEQUENCE { certReqId INTEGER }`. */
export class PollReq {
  @AsnProp({ type: AsnPropTypes.Integer, converter: AsnSafeIntegerConverter })
  public certReqId = 0;

  constructor(params: Partial<PollReq> = {}) {
    Object.assign(this, params);
  }
}

/**
 * ```asn1
 * PollReqContent ::= SEQUENCE OF SEQUENCE {
 *     certReqId              INTEGER
 * }
 * ```
 * RFC 9810 §5.3.22
 */
@AsnType({ type: AsnTypeTypes.Sequence, itemType: PollReq })
export class PollReqContent extends AsnArray<PollReq> {
  constructor(items?: PollReq[]) {
    super(items);
    Object.setPrototypeOf(this, PollReqContent.prototype);
  }
}

/** The element of PollRepContent. */
export class PollRep {
  @AsnProp({ type: AsnPropTypes.Integer, converter: AsnSafeIntegerConverter })
  public certReqId = 0;

  /** Seconds to wait before the next pollReq. */
  @AsnProp({ type: AsnPropTypes.Integer, converter: AsnSafeIntegerConverter })
  public checkAfter = 0;

  @AsnProp({ type: PKIFreeText, optional: true })
  public reason?: PKIFreeText;

  constructor(params: Partial<PollRep> = {}) {
    Object.assign(this, params);
  }
}

/**
 * ```asn1
 * PollRepContent ::= SEQUENCE OF SEQUENCE {
 *     certReqId              INTEGER,
 *     checkAfter             INTEGER,  -- time in seconds
 *     reason                 PKIFreeText OPTIONAL
 * }
 * ```
 * RFC 9810 §5.3.22
 */
@AsnType({ type: AsnTypeTypes.Sequence, itemType: PollRep })
export class PollRepContent extends AsnArray<PollRep> {
  constructor(items?: PollRep[]) {
    super(items);
    Object.setPrototypeOf(this, PollRepContent.prototype);
  }
}

/**
 * ```asn1
 * Challenge ::= SEQUENCE {
 *     owf                 AlgorithmIdentifier{DIGEST-ALGORITHM, {...}}
 *                           OPTIONAL,
 *     witness             OCTET STRING,
 *     challenge           OCTET STRING, -- deprecated
 *     encryptedRand   [0] EnvelopedData  OPTIONAL
 * }
 * ```
 * RFC 9810 §5.2.8.3.3
 */
export class Challenge {
  @AsnProp({ type: AlgorithmIdentifier, optional: true })
  public owf?: AlgorithmIdentifier;

  @AsnProp({ type: OctetString })
  public witness = new OctetString();

  @AsnProp({ type: OctetString })
  public challenge = new OctetString();

  @AsnProp({ type: EnvelopedData, context: 0, optional: true })
  public encryptedRand?: EnvelopedData;

  constructor(params: Partial<Challenge> = {}) {
    Object.assign(this, params);
  }
}

/**
 * ```asn1
 * Rand ::= SEQUENCE {
 *     int                 INTEGER,
 *     sender              GeneralName
 * }
 * ```
 * RFC 9810 §5.2.8.3.3 (the content encrypted in Challenge.encryptedRand)
 */
export class Rand {
  @AsnProp({ type: AsnPropTypes.Integer, converter: AsnSafeIntegerConverter })
  public int = 0;

  @AsnProp({ type: GeneralName })
  public sender = new GeneralName();

  constructor(params: Partial<Rand> = {}) {
    Object.assign(this, params);
  }
}

/**
 * ```asn1
 * POPODecKeyChallContent ::= SEQUENCE OF Challenge
 * ```
 * RFC 9810 §5.2.8.3.3
 */
@AsnType({ type: AsnTypeTypes.Sequence, itemType: Challenge })
export class POPODecKeyChallContent extends AsnArray<Challenge> {
  constructor(items?: Challenge[]) {
    super(items);
    Object.setPrototypeOf(this, POPODecKeyChallContent.prototype);
  }
}

/**
 * ```asn1
 * POPODecKeyRespContent ::= SEQUENCE OF INTEGER
 * ```
 * RFC 9810 §5.2.8.3.3
 */
@AsnType({ type: AsnTypeTypes.Sequence, itemType: AsnPropTypes.Integer })
export class POPODecKeyRespContent extends AsnArray<number> {
  constructor(items?: number[]) {
    super(items);
    Object.setPrototypeOf(this, POPODecKeyRespContent.prototype);
  }
}

/**
 * ```asn1
 * OOBCertHash ::= SEQUENCE {
 *     hashAlg     [0] AlgorithmIdentifier{DIGEST-ALGORITHM, {...}}
 *                         OPTIONAL,
 *     certId      [1] CertId                  OPTIONAL,
 *     hashVal         BIT STRING
 * }
 * ```
 * RFC 9810 §5.2.5
 */
export class OOBCertHash {
  @AsnProp({ type: AlgorithmIdentifier, context: 0, optional: true })
  public hashAlg?: AlgorithmIdentifier;

  @AsnProp({ type: CertId, context: 1, optional: true })
  public certId?: CertId;

  @AsnProp({ type: AsnPropTypes.BitString })
  public hashVal: ArrayBuffer = new ArrayBuffer(0);

  constructor(params: Partial<OOBCertHash> = {}) {
    Object.assign(this, params);
  }
}
