/**
 * The CMP message itself (RFC 9810 §5.1): PKIMessage, PKIHeader, PKIBody, ProtectedPart.
 * EXPLICIT TAGS: every context tag here is explicit.
 */
import {
  AsnArray,
  AsnProp,
  AsnPropTypes,
  AsnType,
  AsnTypeTypes,
  BitString,
  OctetString,
} from '@peculiar/asn1-schema';
import { AsnSafeIntegerConverter } from './integer';
import { CertificationRequest } from '@peculiar/asn1-csr';
import { AlgorithmIdentifier, GeneralName } from '@peculiar/asn1-x509';
import { CertReqMessages } from './crmfPop';
import {
  CAKeyUpdAnnContent,
  CertRepMessage,
  CMPCertificate,
  CMPCertificates,
  CRLAnnContent,
  KeyRecRepContent,
  RevAnnContent,
  RevRepContent,
  RevReqContent,
} from './cmpCertRep';
import {
  CertConfirmContent,
  ErrorMsgContent,
  GenMsgContent,
  GenRepContent,
  InfoTypeAndValue,
  POPODecKeyChallContent,
  POPODecKeyRespContent,
  PollRepContent,
  PollReqContent,
} from './cmpMessages';
import { PKIFreeText } from './cmpStatus';

/** pvno values (RFC 9810 §5.1.1). */
export enum PVNO {
  cmp1999 = 1,
  cmp2000 = 2,
  cmp2021 = 3,
}

/** The generalInfo of PKIHeader: SEQUENCE SIZE (1..MAX) OF InfoTypeAndValue. */
@AsnType({ type: AsnTypeTypes.Sequence, itemType: InfoTypeAndValue })
export class InfoTypeAndValues extends AsnArray<InfoTypeAndValue> {
  constructor(items?: InfoTypeAndValue[]) {
    super(items);
    Object.setPrototypeOf(this, InfoTypeAndValues.prototype);
  }
}

/**
 * ```asn1
 * PKIHeader ::= SEQUENCE {
 *     pvno                INTEGER     { cmp1999(1), cmp2000(2),
 *                                       cmp2021(3) },
 *     sender              GeneralName,
 *     recipient           GeneralName,
 *     messageTime     [0] GeneralizedTime         OPTIONAL,
 *     protectionAlg   [1] AlgorithmIdentifier{ALGORITHM, {...}}
 *                         OPTIONAL,
 *     senderKID       [2] KeyIdentifier           OPTIONAL,
 *     recipKID        [3] KeyIdentifier           OPTIONAL,
 *     transactionID   [4] OCTET STRING            OPTIONAL,
 *     senderNonce     [5] OCTET STRING            OPTIONAL,
 *     recipNonce      [6] OCTET STRING            OPTIONAL,
 *     freeText        [7] PKIFreeText             OPTIONAL,
 *     generalInfo     [8] SEQUENCE SIZE (1..MAX) OF
 *                         InfoTypeAndValue     OPTIONAL
 * }
 * ```
 * RFC 9810 §5.1.1
 */
export class PKIHeader {
  @AsnProp({ type: AsnPropTypes.Integer, converter: AsnSafeIntegerConverter })
  public pvno: PVNO = PVNO.cmp2000;

  @AsnProp({ type: GeneralName })
  public sender = new GeneralName();

  @AsnProp({ type: GeneralName })
  public recipient = new GeneralName();

  @AsnProp({ type: AsnPropTypes.GeneralizedTime, context: 0, optional: true })
  public messageTime?: Date;

  @AsnProp({ type: AlgorithmIdentifier, context: 1, optional: true })
  public protectionAlg?: AlgorithmIdentifier;

  @AsnProp({ type: OctetString, context: 2, optional: true })
  public senderKID?: OctetString;

  @AsnProp({ type: OctetString, context: 3, optional: true })
  public recipKID?: OctetString;

  @AsnProp({ type: OctetString, context: 4, optional: true })
  public transactionID?: OctetString;

  @AsnProp({ type: OctetString, context: 5, optional: true })
  public senderNonce?: OctetString;

  @AsnProp({ type: OctetString, context: 6, optional: true })
  public recipNonce?: OctetString;

  @AsnProp({ type: PKIFreeText, context: 7, optional: true })
  public freeText?: PKIFreeText;

  @AsnProp({ type: InfoTypeAndValues, context: 8, optional: true })
  public generalInfo?: InfoTypeAndValues;

  constructor(params: Partial<PKIHeader> = {}) {
    Object.assign(this, params);
  }
}

/**
 * ```asn1
 * PKIBody ::= CHOICE {       -- message-specific body elements
 *     ir       [0]  CertReqMessages,        --Initialization Request
 *     ip       [1]  CertRepMessage,         --Initialization Response
 *     cr       [2]  CertReqMessages,        --Certification Request
 *     cp       [3]  CertRepMessage,         --Certification Response
 *     p10cr    [4]  CertificationRequest,   --imported from [RFC2986]
 *     popdecc  [5]  POPODecKeyChallContent, --pop Challenge
 *     popdecr  [6]  POPODecKeyRespContent,  --pop Response
 *     kur      [7]  CertReqMessages,        --Key Update Request
 *     kup      [8]  CertRepMessage,         --Key Update Response
 *     krr      [9]  CertReqMessages,        --Key Recovery Request
 *     krp      [10] KeyRecRepContent,       --Key Recovery Response
 *     rr       [11] RevReqContent,          --Revocation Request
 *     rp       [12] RevRepContent,          --Revocation Response
 *     ccr      [13] CertReqMessages,        --Cross-Cert. Request
 *     ccp      [14] CertRepMessage,         --Cross-Cert. Response
 *     ckuann   [15] CAKeyUpdAnnContent,     --CA Key Update Ann.
 *     cann     [16] CertAnnContent,         --Certificate Ann.
 *     rann     [17] RevAnnContent,          --Revocation Ann.
 *     crlann   [18] CRLAnnContent,          --CRL Announcement
 *     pkiconf  [19] PKIConfirmContent,      --Confirmation
 *     nested   [20] NestedMessageContent,   --Nested Message
 *     genm     [21] GenMsgContent,          --General Message
 *     genp     [22] GenRepContent,          --General Response
 *     error    [23] ErrorMsgContent,        --Error Message
 *     certConf [24] CertConfirmContent,     --Certificate Confirm
 *     pollReq  [25] PollReqContent,         --Polling Request
 *     pollRep  [26] PollRepContent          --Polling Response
 * }
 * ```
 * RFC 9810 §5.1.2. `nested` is declared below PKIMessages, which it refers to.
 */
/** PKIBody's alternatives by their context tag number, [0] ir … [26] pollRep (RFC 9810 §5.1.2). */
export const pkiBodyNames = [
  'ir',
  'ip',
  'cr',
  'cp',
  'p10cr',
  'popdecc',
  'popdecr',
  'kur',
  'kup',
  'krr',
  'krp',
  'rr',
  'rp',
  'ccr',
  'ccp',
  'ckuann',
  'cann',
  'rann',
  'crlann',
  'pkiconf',
  'nested',
  'genm',
  'genp',
  'error',
  'certConf',
  'pollReq',
  'pollRep',
] as const;

@AsnType({ type: AsnTypeTypes.Choice })
export class PKIBody {
  @AsnProp({ type: CertReqMessages, context: 0 }) public ir?: CertReqMessages;
  @AsnProp({ type: CertRepMessage, context: 1 }) public ip?: CertRepMessage;
  @AsnProp({ type: CertReqMessages, context: 2 }) public cr?: CertReqMessages;
  @AsnProp({ type: CertRepMessage, context: 3 }) public cp?: CertRepMessage;
  @AsnProp({ type: CertificationRequest, context: 4 }) public p10cr?: CertificationRequest;
  @AsnProp({ type: POPODecKeyChallContent, context: 5 }) public popdecc?: POPODecKeyChallContent;
  @AsnProp({ type: POPODecKeyRespContent, context: 6 }) public popdecr?: POPODecKeyRespContent;
  @AsnProp({ type: CertReqMessages, context: 7 }) public kur?: CertReqMessages;
  @AsnProp({ type: CertRepMessage, context: 8 }) public kup?: CertRepMessage;
  @AsnProp({ type: CertReqMessages, context: 9 }) public krr?: CertReqMessages;
  @AsnProp({ type: KeyRecRepContent, context: 10 }) public krp?: KeyRecRepContent;
  @AsnProp({ type: RevReqContent, context: 11 }) public rr?: RevReqContent;
  @AsnProp({ type: RevRepContent, context: 12 }) public rp?: RevRepContent;
  @AsnProp({ type: CertReqMessages, context: 13 }) public ccr?: CertReqMessages;
  @AsnProp({ type: CertRepMessage, context: 14 }) public ccp?: CertRepMessage;
  @AsnProp({ type: CAKeyUpdAnnContent, context: 15 }) public ckuann?: CAKeyUpdAnnContent;
  /** CertAnnContent ::= CMPCertificate */
  @AsnProp({ type: CMPCertificate, context: 16 }) public cann?: CMPCertificate;
  @AsnProp({ type: RevAnnContent, context: 17 }) public rann?: RevAnnContent;
  @AsnProp({ type: CRLAnnContent, context: 18 }) public crlann?: CRLAnnContent;
  /** PKIConfirmContent ::= NULL */
  @AsnProp({ type: AsnPropTypes.Null, context: 19 }) public pkiconf?: null;
  public nested?: PKIMessages;
  @AsnProp({ type: GenMsgContent, context: 21 }) public genm?: GenMsgContent;
  @AsnProp({ type: GenRepContent, context: 22 }) public genp?: GenRepContent;
  @AsnProp({ type: ErrorMsgContent, context: 23 }) public error?: ErrorMsgContent;
  @AsnProp({ type: CertConfirmContent, context: 24 }) public certConf?: CertConfirmContent;
  @AsnProp({ type: PollReqContent, context: 25 }) public pollReq?: PollReqContent;
  @AsnProp({ type: PollRepContent, context: 26 }) public pollRep?: PollRepContent;

  constructor(params: Partial<PKIBody> = {}) {
    Object.assign(this, params);
  }
}

/**
 * ```asn1
 * PKIProtection ::= BIT STRING
 * ```
 * RFC 9810 §5.1.3
 */
export class PKIProtection extends BitString {}

/**
 * ```asn1
 * PKIMessage ::= SEQUENCE {
 *     header           PKIHeader,
 *     body             PKIBody,
 *     protection   [0] PKIProtection OPTIONAL,
 *     extraCerts   [1] SEQUENCE SIZE (1..MAX) OF CMPCertificate
 *                   OPTIONAL }
 * ```
 * RFC 9810 §5.1
 */
export class PKIMessage {
  @AsnProp({ type: PKIHeader })
  public header = new PKIHeader();

  @AsnProp({ type: PKIBody })
  public body = new PKIBody();

  @AsnProp({ type: PKIProtection, context: 0, optional: true })
  public protection?: PKIProtection;

  @AsnProp({ type: CMPCertificates, context: 1, optional: true })
  public extraCerts?: CMPCertificates;

  constructor(params: Partial<PKIMessage> = {}) {
    Object.assign(this, params);
  }
}

/**
 * ```asn1
 * PKIMessages ::= SEQUENCE SIZE (1..MAX) OF PKIMessage
 * NestedMessageContent ::= PKIMessages
 * ```
 * RFC 9810 §5.1, §5.1.3.4
 */
@AsnType({ type: AsnTypeTypes.Sequence, itemType: PKIMessage })
export class PKIMessages extends AsnArray<PKIMessage> {
  constructor(items?: PKIMessage[]) {
    super(items);
    Object.setPrototypeOf(this, PKIMessages.prototype);
  }
}

// nested [20] NestedMessageContent closes the PKIBody -> PKIMessages -> PKIMessage -> PKIBody cycle.
AsnProp({ type: PKIMessages, context: 20 })(PKIBody.prototype, 'nested');

/**
 * ```asn1
 * ProtectedPart ::= SEQUENCE {
 *     header    PKIHeader,
 *     body      PKIBody }
 * ```
 * RFC 9810 §5.1.3
 */
export class ProtectedPart {
  @AsnProp({ type: PKIHeader })
  public header = new PKIHeader();

  @AsnProp({ type: PKIBody })
  public body = new PKIBody();

  constructor(params: Partial<ProtectedPart> = {}) {
    Object.assign(this, params);
  }
}
