/**
 * CMP (RFC 9810) status and failure information. The CMP module is `DEFINITIONS EXPLICIT TAGS`.
 */
import { AsnArray, AsnProp, AsnPropTypes, AsnType, AsnTypeTypes, BitString } from '@peculiar/asn1-schema';
import { AsnSafeIntegerConverter } from './integer';

/**
 * ```asn1
 * PKIFreeText ::= SEQUENCE SIZE (1..MAX) OF UTF8String
 *     -- text encoded as UTF-8 String [RFC3629]
 * ```
 * RFC 9810 §5.1.1
 */
@AsnType({ type: AsnTypeTypes.Sequence, itemType: AsnPropTypes.Utf8String })
export class PKIFreeText extends AsnArray<string> {
  constructor(items?: string[]) {
    super(items);
    Object.setPrototypeOf(this, PKIFreeText.prototype);
  }
}

/**
 * ```asn1
 * PKIStatus ::= INTEGER {
 *     accepted               (0),
 *     grantedWithMods        (1),
 *     rejection              (2),
 *     waiting                (3),
 *     revocationWarning      (4),
 *     revocationNotification (5),
 *     keyUpdateWarning       (6)
 * }
 * ```
 * RFC 9810 §5.2.3
 */
export enum PKIStatus {
  accepted = 0,
  grantedWithMods = 1,
  rejection = 2,
  waiting = 3,
  revocationWarning = 4,
  revocationNotification = 5,
  keyUpdateWarning = 6,
}

/** The 27 named bits of PKIFailureInfo, bit 0 first (RFC 9810 §5.2.3). */
export const pkiFailureInfoNames = [
  'badAlg',
  'badMessageCheck',
  'badRequest',
  'badTime',
  'badCertId',
  'badDataFormat',
  'wrongAuthority',
  'incorrectData',
  'missingTimeStamp',
  'badPOP',
  'certRevoked',
  'certConfirmed',
  'wrongIntegrity',
  'badRecipientNonce',
  'timeNotAvailable',
  'unacceptedPolicy',
  'unacceptedExtension',
  'addInfoNotAvailable',
  'badSenderNonce',
  'badCertTemplate',
  'signerNotTrusted',
  'transactionIdInUse',
  'unsupportedVersion',
  'notAuthorized',
  'systemUnavail',
  'systemFailure',
  'duplicateCertReq',
] as const;

export type PKIFailureInfoName = (typeof pkiFailureInfoNames)[number];

/** What each PKIStatus tells the requester, after RFC 9810 §5.2.3 in our words. */
export const pkiStatusMeanings: Record<keyof typeof PKIStatus, string> = {
  accepted: 'granted exactly as asked',
  grantedWithMods: 'granted with changes: compare what was issued with what was asked for',
  rejection: 'refused: failInfo and statusString say why',
  waiting: 'not processed yet: poll (pollReq) for the answer',
  revocationWarning: 'a revocation is about to happen',
  revocationNotification: 'a revocation has happened',
  keyUpdateWarning: 'the key update for this oldCertId was already done',
};

/** What each PKIFailureInfo bit reports, after RFC 9810 §5.2.3 in our words. */
export const pkiFailureInfoMeanings: Record<PKIFailureInfoName, string> = {
  badAlg: 'an algorithm identifier is unknown or not supported',
  badMessageCheck: "the message's protection (MAC or signature) did not verify",
  badRequest: 'this transaction is not permitted or not supported',
  badTime: "messageTime is too far from the receiver's clock",
  badCertId: 'no certificate matches what was given to identify it',
  badDataFormat: 'the data sent has the wrong format',
  wrongAuthority: 'the request names another authority than the one answering',
  incorrectData: "the requester's data is incorrect",
  missingTimeStamp: 'a time stamp is required by policy and missing',
  badPOP: 'the proof of possession of the private key failed',
  certRevoked: 'the certificate is already revoked',
  certConfirmed: 'the certificate is already confirmed',
  wrongIntegrity: 'the wrong kind of protection: a signature where a MAC is expected, or the other way round',
  badRecipientNonce: 'recipNonce is missing or does not match the senderNonce it answers',
  timeNotAvailable: 'the time source is not available',
  unacceptedPolicy: 'the requested policy is not supported',
  unacceptedExtension: 'a requested extension is not supported',
  addInfoNotAvailable: 'the additional information asked for is not understood or not available',
  badSenderNonce: 'senderNonce is missing or has the wrong size',
  badCertTemplate: 'the certificate template is not valid or lacks something required',
  signerNotTrusted: "the message's signer is unknown or not trusted",
  transactionIdInUse: 'this transactionID is already in use',
  unsupportedVersion: 'this pvno is not supported',
  notAuthorized: 'the sender may not make this request',
  systemUnavail: 'the system is not available to handle the request',
  systemFailure: 'the system failed to handle the request',
  duplicateCertReq: 'a certificate like this one already exists',
};

/**
 * ```asn1
 * PKIFailureInfo ::= BIT STRING {
 *     badAlg              (0),
 *     badMessageCheck     (1),
 *     badRequest          (2),
 *     badTime             (3),
 *     badCertId           (4),
 *     badDataFormat       (5),
 *     wrongAuthority      (6),
 *     incorrectData       (7),
 *     missingTimeStamp    (8),
 *     badPOP              (9),
 *     certRevoked         (10),
 *     certConfirmed       (11),
 *     wrongIntegrity      (12),
 *     badRecipientNonce   (13),
 *     timeNotAvailable    (14),
 *     unacceptedPolicy    (15),
 *     unacceptedExtension (16),
 *     addInfoNotAvailable (17),
 *     badSenderNonce      (18),
 *     badCertTemplate     (19),
 *     signerNotTrusted    (20),
 *     transactionIdInUse  (21),
 *     unsupportedVersion  (22),
 *     notAuthorized       (23),
 *     systemUnavail       (24),
 *     systemFailure       (25),
 *     duplicateCertReq    (26)
 * }
 * ```
 * RFC 9810 §5.2.3. Bit 0 is the most significant bit of the first octet (X.690 §8.6.2).
 */
export class PKIFailureInfo extends BitString {
  /** The named bits that are set, in bit order; unknown bits as "bit N". */
  public toNames(): string[] {
    const bytes = new Uint8Array(this.value);
    const total = bytes.length * 8 - this.unusedBits;
    const names: string[] = [];
    for (let i = 0; i < total; i++) {
      if ((bytes[i >> 3] & (0x80 >> (i & 7))) !== 0) names.push(pkiFailureInfoNames[i] ?? `bit ${i}`);
    }
    return names;
  }

  /** DER form of the given named bits (trailing zero bits removed, X.690 §11.2.2). */
  public static fromNames(names: readonly PKIFailureInfoName[]): PKIFailureInfo {
    const bits = names.map((n) => pkiFailureInfoNames.indexOf(n));
    const highest = Math.max(-1, ...bits);
    const bytes = new Uint8Array(Math.ceil((highest + 1) / 8));
    for (const bit of bits) bytes[bit >> 3] |= 0x80 >> (bit & 7);
    const unusedBits = highest < 0 ? 0 : (8 - ((highest + 1) % 8)) % 8;
    return new PKIFailureInfo(bytes, unusedBits);
  }
}

/**
 * ```asn1
 * PKIStatusInfo ::= SEQUENCE {
 *     status        PKIStatus,
 *     statusString  PKIFreeText     OPTIONAL,
 *     failInfo      PKIFailureInfo  OPTIONAL
 * }
 * ```
 * RFC 9810 §5.2.3
 */
export class PKIStatusInfo {
  @AsnProp({ type: AsnPropTypes.Integer, converter: AsnSafeIntegerConverter })
  public status: PKIStatus = PKIStatus.accepted;

  @AsnProp({ type: PKIFreeText, optional: true })
  public statusString?: PKIFreeText;

  @AsnProp({ type: PKIFailureInfo, optional: true })
  public failInfo?: PKIFailureInfo;

  constructor(params: Partial<PKIStatusInfo> = {}) {
    Object.assign(this, params);
  }
}
