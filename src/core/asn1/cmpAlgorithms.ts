/**
 * Parameters of the CMP protection algorithms: PasswordBasedMac, DHBasedMac, KemBasedMac
 * (RFC 9810 §5.1.3) and PBMAC1 with PBKDF2 (RFC 8018, as RFC 9481 §6.1.1 uses them).
 */
import { AsnProp, AsnPropTypes, AsnType, AsnTypeTypes, OctetString } from '@peculiar/asn1-schema';
import { AsnSafeIntegerConverter } from './integer';
import { AlgorithmIdentifier } from '@peculiar/asn1-x509';
import { PKIFreeText } from './cmpStatus';

/**
 * ```asn1
 * PBMParameter ::= SEQUENCE {
 *     salt                OCTET STRING,
 *     owf                 AlgorithmIdentifier{DIGEST-ALGORITHM, {...}},
 *     iterationCount      INTEGER,
 *     mac                 AlgorithmIdentifier{MAC-ALGORITHM, {...}}
 * }
 * ```
 * RFC 9810 §5.1.3.1 (and RFC 4211 §4.4)
 */
export class PBMParameter {
  @AsnProp({ type: OctetString })
  public salt = new OctetString();

  @AsnProp({ type: AlgorithmIdentifier })
  public owf = new AlgorithmIdentifier();

  @AsnProp({ type: AsnPropTypes.Integer, converter: AsnSafeIntegerConverter })
  public iterationCount = 0;

  @AsnProp({ type: AlgorithmIdentifier })
  public mac = new AlgorithmIdentifier();

  constructor(params: Partial<PBMParameter> = {}) {
    Object.assign(this, params);
  }
}

/**
 * ```asn1
 * DHBMParameter ::= SEQUENCE {
 *     owf                 AlgorithmIdentifier{DIGEST-ALGORITHM, {...}},
 *     mac                 AlgorithmIdentifier{MAC-ALGORITHM, {...}}
 * }
 * ```
 * RFC 9810 §5.1.3.2
 */
export class DHBMParameter {
  @AsnProp({ type: AlgorithmIdentifier })
  public owf = new AlgorithmIdentifier();

  @AsnProp({ type: AlgorithmIdentifier })
  public mac = new AlgorithmIdentifier();

  constructor(params: Partial<DHBMParameter> = {}) {
    Object.assign(this, params);
  }
}

/**
 * ```asn1
 * KemBMParameter ::= SEQUENCE {
 *     kdf              AlgorithmIdentifier{KEY-DERIVATION, {...}},
 *     kemContext   [0] OCTET STRING     OPTIONAL,
 *     len              INTEGER (1..MAX),
 *     mac              AlgorithmIdentifier{MAC-ALGORITHM, {...}}
 * }
 * ```
 * RFC 9810 §5.1.3.4
 */
export class KemBMParameter {
  @AsnProp({ type: AlgorithmIdentifier })
  public kdf = new AlgorithmIdentifier();

  @AsnProp({ type: OctetString, context: 0, optional: true })
  public kemContext?: OctetString;

  @AsnProp({ type: AsnPropTypes.Integer, converter: AsnSafeIntegerConverter })
  public len = 0;

  @AsnProp({ type: AlgorithmIdentifier })
  public mac = new AlgorithmIdentifier();

  constructor(params: Partial<KemBMParameter> = {}) {
    Object.assign(this, params);
  }
}

/**
 * ```asn1
 * KemCiphertextInfo ::= SEQUENCE {
 *     kem              AlgorithmIdentifier{KEM-ALGORITHM, {...}},
 *     ct               OCTET STRING
 * }
 * ```
 * RFC 9810 §5.1.3.4
 */
export class KemCiphertextInfo {
  @AsnProp({ type: AlgorithmIdentifier })
  public kem = new AlgorithmIdentifier();

  @AsnProp({ type: OctetString })
  public ct = new OctetString();

  constructor(params: Partial<KemCiphertextInfo> = {}) {
    Object.assign(this, params);
  }
}

/**
 * ```asn1
 * KemOtherInfo ::= SEQUENCE {
 *     staticString      PKIFreeText,
 *     transactionID     OCTET STRING,
 *     kemContext    [0] OCTET STRING     OPTIONAL
 * }
 * ```
 * RFC 9810 §5.1.3.4
 */
export class KemOtherInfo {
  @AsnProp({ type: PKIFreeText })
  public staticString = new PKIFreeText();

  @AsnProp({ type: OctetString })
  public transactionID = new OctetString();

  @AsnProp({ type: OctetString, context: 0, optional: true })
  public kemContext?: OctetString;

  constructor(params: Partial<KemOtherInfo> = {}) {
    Object.assign(this, params);
  }
}

/** The salt CHOICE of PBKDF2-params. */
@AsnType({ type: AsnTypeTypes.Choice })
export class PBKDF2Salt {
  @AsnProp({ type: OctetString })
  public specified?: OctetString;

  @AsnProp({ type: AlgorithmIdentifier })
  public otherSource?: AlgorithmIdentifier;

  constructor(params: Partial<PBKDF2Salt> = {}) {
    Object.assign(this, params);
  }
}

/**
 * ```asn1
 * PBKDF2-params ::= SEQUENCE {
 *     salt CHOICE {
 *       specified OCTET STRING,
 *       otherSource AlgorithmIdentifier {{PBKDF2-SaltSources}}
 *     },
 *     iterationCount INTEGER (1..MAX),
 *     keyLength INTEGER (1..MAX) OPTIONAL,
 *     prf AlgorithmIdentifier {{PBKDF2-PRFs}} DEFAULT algid-hmacWithSHA1 }
 * ```
 * RFC 8018 Appendix A.2. keyLength counts octets. An absent prf means hmacWithSHA1.
 */
export class PBKDF2Params {
  @AsnProp({ type: PBKDF2Salt })
  public salt = new PBKDF2Salt();

  @AsnProp({ type: AsnPropTypes.Integer, converter: AsnSafeIntegerConverter })
  public iterationCount = 0;

  @AsnProp({ type: AsnPropTypes.Integer, optional: true, converter: AsnSafeIntegerConverter })
  public keyLength?: number;

  @AsnProp({ type: AlgorithmIdentifier, optional: true })
  public prf?: AlgorithmIdentifier;

  constructor(params: Partial<PBKDF2Params> = {}) {
    Object.assign(this, params);
  }
}

/**
 * ```asn1
 * PBES2-params ::= SEQUENCE {
 *     keyDerivationFunc AlgorithmIdentifier {{PBES2-KDFs}},
 *     encryptionScheme AlgorithmIdentifier {{PBES2-Encs}} }
 * ```
 * RFC 8018 Appendix A.4 (password-based encryption; in a PBMAC1 keyDerivationFunc it is a producer
 * mistake, see the protection quirks).
 */
export class PBES2Params {
  @AsnProp({ type: AlgorithmIdentifier })
  public keyDerivationFunc = new AlgorithmIdentifier();

  @AsnProp({ type: AlgorithmIdentifier })
  public encryptionScheme = new AlgorithmIdentifier();

  constructor(params: Partial<PBES2Params> = {}) {
    Object.assign(this, params);
  }
}

/**
 * ```asn1
 * PBMAC1-params ::=  SEQUENCE {
 *     keyDerivationFunc AlgorithmIdentifier {{PBMAC1-KDFs}},
 *     messageAuthScheme AlgorithmIdentifier {{PBMAC1-MACs}} }
 * ```
 * RFC 8018 Appendix A.5, used for CMP by RFC 9481 §6.1.1
 */
export class PBMAC1Params {
  @AsnProp({ type: AlgorithmIdentifier })
  public keyDerivationFunc = new AlgorithmIdentifier();

  @AsnProp({ type: AlgorithmIdentifier })
  public messageAuthScheme = new AlgorithmIdentifier();

  constructor(params: Partial<PBMAC1Params> = {}) {
    Object.assign(this, params);
  }
}

/** The both form of an ML-DSA private key: SEQUENCE { seed, expandedKey } (RFC 9881). */
export class MLDSAPrivateKeyBoth {
  @AsnProp({ type: OctetString })
  public seed = new OctetString();

  @AsnProp({ type: OctetString })
  public expandedKey = new OctetString();

  constructor(params: Partial<MLDSAPrivateKeyBoth> = {}) {
    Object.assign(this, params);
  }
}

/**
 * ```asn1
 * ML-DSA-PrivateKey ::= CHOICE {
 *     seed [0] OCTET STRING (SIZE (32)),
 *     expandedKey OCTET STRING (SIZE (2560 | 4032 | 4896)),
 *     both SEQUENCE {
 *         seed OCTET STRING (SIZE (32)),
 *         expandedKey OCTET STRING (SIZE (2560 | 4032 | 4896)) } }
 * ```
 * RFC 9881 §6, inside PrivateKeyInfo.privateKey.
 */
@AsnType({ type: AsnTypeTypes.Choice })
export class MLDSAPrivateKey {
  @AsnProp({ type: OctetString, context: 0, implicit: true })
  public seed?: OctetString;

  @AsnProp({ type: OctetString })
  public expandedKey?: OctetString;

  @AsnProp({ type: MLDSAPrivateKeyBoth })
  public both?: MLDSAPrivateKeyBoth;

  constructor(params: Partial<MLDSAPrivateKey> = {}) {
    Object.assign(this, params);
  }
}
