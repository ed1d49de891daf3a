/**
 * The CMS pieces CMP's encrypted content uses that @peculiar/asn1-cms lacks or gets wrong:
 * EnvelopedData with a PasswordRecipientInfo whose keyDerivationAlgorithm is [0] IMPLICIT (the
 * package reads it as EXPLICIT and refuses every pwri), KEMRecipientInfo (RFC 9629), its KDF input,
 * AES-GCM's parameters (RFC 5084), and the asymmetric key package a key generation authority signs
 * (RFC 5958, RFC 9483 §4.1.6).
 */
import { AsnArray, AsnProp, AsnPropTypes, AsnType, AsnTypeTypes, OctetString } from '@peculiar/asn1-schema';
import {
  CMSVersion,
  EncryptedContentInfo,
  KEKRecipientInfo,
  KeyAgreeRecipientInfo,
  KeyDerivationAlgorithmIdentifier,
  KeyEncryptionAlgorithmIdentifier,
  KeyTransRecipientInfo,
  OriginatorInfo,
  OtherRecipientInfo,
  RecipientIdentifier,
  UnprotectedAttributes,
} from '@peculiar/asn1-cms';
import { AlgorithmIdentifier, Attribute } from '@peculiar/asn1-x509';
import { AsnSafeIntegerConverter } from './integer';

/**
 * ```asn1
 * KEMRecipientInfo ::= SEQUENCE {
 *     version CMSVersion,  -- always set to 0
 *     rid RecipientIdentifier,
 *     kem KEMAlgorithmIdentifier,
 *     kemct OCTET STRING,
 *     kdf KeyDerivationAlgorithmIdentifier,
 *     kekLength INTEGER (1..65535),
 *     ukm [0] EXPLICIT UserKeyingMaterial OPTIONAL,
 *     wrap KeyEncryptionAlgorithmIdentifier,
 *     encryptedKey EncryptedKey }
 * ```
 * RFC 9629 §3 (the oriValue of an OtherRecipientInfo whose oriType is id-ori-kem)
 */
export class KEMRecipientInfo {
  @AsnProp({ type: AsnPropTypes.Integer, converter: AsnSafeIntegerConverter })
  public version = 0;

  @AsnProp({ type: RecipientIdentifier })
  public rid = new RecipientIdentifier();

  @AsnProp({ type: AlgorithmIdentifier })
  public kem = new AlgorithmIdentifier();

  @AsnProp({ type: OctetString })
  public kemct = new OctetString();

  @AsnProp({ type: AlgorithmIdentifier })
  public kdf = new AlgorithmIdentifier();

  @AsnProp({ type: AsnPropTypes.Integer, converter: AsnSafeIntegerConverter })
  public kekLength = 0;

  @AsnProp({ type: OctetString, context: 0, optional: true })
  public ukm?: OctetString;

  @AsnProp({ type: AlgorithmIdentifier })
  public wrap = new AlgorithmIdentifier();

  @AsnProp({ type: OctetString })
  public encryptedKey = new OctetString();

  constructor(params: Partial<KEMRecipientInfo> = {}) {
    Object.assign(this, params);
  }
}

/**
 * ```asn1
 * CMSORIforKEMOtherInfo ::= SEQUENCE {
 *     wrap KeyEncryptionAlgorithmIdentifier,
 *     kekLength INTEGER (1..65535),
 *     ukm [0] EXPLICIT UserKeyingMaterial OPTIONAL }
 * ```
 * RFC 9629 §5 (the KDF's info)
 */
export class CMSORIforKEMOtherInfo {
  @AsnProp({ type: AlgorithmIdentifier })
  public wrap = new AlgorithmIdentifier();

  @AsnProp({ type: AsnPropTypes.Integer, converter: AsnSafeIntegerConverter })
  public kekLength = 0;

  @AsnProp({ type: OctetString, context: 0, optional: true })
  public ukm?: OctetString;

  constructor(params: Partial<CMSORIforKEMOtherInfo> = {}) {
    Object.assign(this, params);
  }
}

/**
 * ```asn1
 * GCMParameters ::= SEQUENCE {
 *     aes-nonce        OCTET STRING, -- recommended size is 12 octets
 *     aes-ICVlen       AES-GCMICVlen DEFAULT 12 }
 * ```
 * RFC 5084 §3.2 (CCMParameters has the same shape)
 */
export class GCMParameters {
  @AsnProp({ type: OctetString })
  public nonce = new OctetString();

  @AsnProp({ type: AsnPropTypes.Integer, converter: AsnSafeIntegerConverter, defaultValue: 12 })
  public icvLen = 12;

  constructor(params: Partial<GCMParameters> = {}) {
    Object.assign(this, params);
  }
}

/**
 * ```asn1
 * OneAsymmetricKey ::= SEQUENCE {
 *     version                   Version,
 *     privateKeyAlgorithm       PrivateKeyAlgorithmIdentifier,
 *     privateKey                PrivateKey,
 *     attributes            [0] Attributes OPTIONAL,
 *     ...,
 *     [[2: publicKey        [1] PublicKey OPTIONAL ]],
 *     ... }
 * ```
 * RFC 5958 §2 (version 0 is PKCS#8's PrivateKeyInfo)
 */
export class OneAsymmetricKey {
  @AsnProp({ type: AsnPropTypes.Integer, converter: AsnSafeIntegerConverter })
  public version = 0;

  @AsnProp({ type: AlgorithmIdentifier })
  public privateKeyAlgorithm = new AlgorithmIdentifier();

  @AsnProp({ type: OctetString })
  public privateKey = new OctetString();

  @AsnProp({ type: Attribute, context: 0, implicit: true, repeated: 'set', optional: true })
  public attributes?: Attribute[];

  @AsnProp({ type: AsnPropTypes.BitString, context: 1, implicit: true, optional: true })
  public publicKey?: ArrayBuffer;

  constructor(params: Partial<OneAsymmetricKey> = {}) {
    Object.assign(this, params);
  }
}

/**
 * ```asn1
 * AsymmetricKeyPackage ::= SEQUENCE SIZE (1..MAX) OF OneAsymmetricKey
 * ```
 * RFC 5958 §2 (the eContent of id-ct-KP-aKeyPackage)
 */
@AsnType({ type: AsnTypeTypes.Sequence, itemType: OneAsymmetricKey })
export class AsymmetricKeyPackage extends AsnArray<OneAsymmetricKey> {
  constructor(items?: OneAsymmetricKey[]) {
    super(items);
    Object.setPrototypeOf(this, AsymmetricKeyPackage.prototype);
  }
}

/**
 * ```asn1
 * ECC-CMS-SharedInfo ::= SEQUENCE {
 *     keyInfo         AlgorithmIdentifier,
 *     entityUInfo [0] EXPLICIT OCTET STRING OPTIONAL,
 *     suppPubInfo [2] EXPLICIT OCTET STRING }
 * ```
 * RFC 5753 §7.2 (the KDF's SharedInfo in kari; RFC 8418 uses it as HKDF's info)
 */
export class EccCmsSharedInfo {
  @AsnProp({ type: AlgorithmIdentifier })
  public keyInfo = new AlgorithmIdentifier();

  @AsnProp({ type: OctetString, context: 0, optional: true })
  public entityUInfo?: OctetString;

  @AsnProp({ type: OctetString, context: 2 })
  public suppPubInfo = new OctetString();

  constructor(params: Partial<EccCmsSharedInfo> = {}) {
    Object.assign(this, params);
  }
}

/**
 * ```asn1
 * PasswordRecipientInfo ::= SEQUENCE {
 *     version CMSVersion,   -- Always set to 0
 *     keyDerivationAlgorithm [0] KeyDerivationAlgorithmIdentifier OPTIONAL,
 *     keyEncryptionAlgorithm KeyEncryptionAlgorithmIdentifier,
 *     encryptedKey EncryptedKey }
 * ```
 * RFC 5652 §6.2.4 (the module has IMPLICIT TAGS: [0] replaces the AlgorithmIdentifier's tag)
 */
export class PasswordRecipientInfo {
  @AsnProp({ type: AsnPropTypes.Integer })
  public version = CMSVersion.v0;

  @AsnProp({ type: KeyDerivationAlgorithmIdentifier, context: 0, implicit: true, optional: true })
  public keyDerivationAlgorithm?: KeyDerivationAlgorithmIdentifier;

  @AsnProp({ type: KeyEncryptionAlgorithmIdentifier })
  public keyEncryptionAlgorithm = new KeyEncryptionAlgorithmIdentifier();

  @AsnProp({ type: OctetString })
  public encryptedKey = new OctetString();

  constructor(params: Partial<PasswordRecipientInfo> = {}) {
    Object.assign(this, params);
  }
}

/**
 * ```asn1
 * RecipientInfo ::= CHOICE {
 *     ktri KeyTransRecipientInfo,
 *     kari [1] KeyAgreeRecipientInfo,
 *     kekri [2] KEKRecipientInfo,
 *     pwri [3] PasswordRecipientInfo,
 *     ori [4] OtherRecipientInfo }
 * ```
 * RFC 5652 §6.2
 */
@AsnType({ type: AsnTypeTypes.Choice })
export class RecipientInfo {
  @AsnProp({ type: KeyTransRecipientInfo, optional: true })
  public ktri?: KeyTransRecipientInfo;

  @AsnProp({ type: KeyAgreeRecipientInfo, context: 1, implicit: true, optional: true })
  public kari?: KeyAgreeRecipientInfo;

  @AsnProp({ type: KEKRecipientInfo, context: 2, implicit: true, optional: true })
  public kekri?: KEKRecipientInfo;

  @AsnProp({ type: PasswordRecipientInfo, context: 3, implicit: true, optional: true })
  public pwri?: PasswordRecipientInfo;

  @AsnProp({ type: OtherRecipientInfo, context: 4, implicit: true, optional: true })
  public ori?: OtherRecipientInfo;

  constructor(params: Partial<RecipientInfo> = {}) {
    Object.assign(this, params);
  }
}

/** RecipientInfos ::= SET SIZE (1..MAX) OF RecipientInfo (RFC 5652 §6.1) */
@AsnType({ type: AsnTypeTypes.Set, itemType: RecipientInfo })
export class RecipientInfos extends AsnArray<RecipientInfo> {
  constructor(items?: RecipientInfo[]) {
    super(items);
    Object.setPrototypeOf(this, RecipientInfos.prototype);
  }
}

/**
 * ```asn1
 * EnvelopedData ::= SEQUENCE {
 *     version CMSVersion,
 *     originatorInfo [0] IMPLICIT OriginatorInfo OPTIONAL,
 *     recipientInfos RecipientInfos,
 *     encryptedContentInfo EncryptedContentInfo,
 *     unprotectedAttrs [1] IMPLICIT UnprotectedAttributes OPTIONAL }
 * ```
 * RFC 5652 §6.1
 */
export class EnvelopedData {
  @AsnProp({ type: AsnPropTypes.Integer })
  public version = CMSVersion.v0;

  @AsnProp({ type: OriginatorInfo, context: 0, implicit: true, optional: true })
  public originatorInfo?: OriginatorInfo;

  @AsnProp({ type: RecipientInfos })
  public recipientInfos = new RecipientInfos();

  @AsnProp({ type: EncryptedContentInfo })
  public encryptedContentInfo = new EncryptedContentInfo();

  @AsnProp({ type: UnprotectedAttributes, context: 1, implicit: true, optional: true })
  public unprotectedAttrs?: UnprotectedAttributes;

  constructor(params: Partial<EnvelopedData> = {}) {
    Object.assign(this, params);
  }
}
