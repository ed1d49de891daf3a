/** Protection: verify and apply PBM, PBMAC1 and signatures over the bytes as received (RFC 9810 §5.1.3). */
export { verifyMessage, type VerifyOptions } from './verify';
export { certName, certNameOf } from './chain';
export { certHashFor, checkCertHashes, issuedCertificates, transactionIdOf } from './certHash';
export {
  macLike,
  protectMessage,
  protectedPartDer,
  subjectKeyId,
  type HashName,
  type ProtectEnv,
  type ProtectionSpec,
} from './protect';
export {
  EnvelopeError,
  openEnvelope,
  generateRecipientKey,
  kemCiphertextOf,
  kemSharedSecret,
  readRecipientKey,
  recipientKeyKinds,
  sealEnvelope,
  type RecipientKeyKind,
  type Opened,
  type RecipientKey,
  type RecipientPrivateKey,
  type SealTo,
} from './envelope';
export {
  decryptItem,
  findEncrypted,
  type DecryptedItem,
  type EncryptedItem,
  type EncryptedPurpose,
} from './encrypted';
export {
  asPkcs8,
  oidCmKga,
  readKeyPackage,
  signKeyPackage,
  type DeliveredKey,
  type KeyPackageForm,
  type KeyPackageResult,
} from './keyPackage';
