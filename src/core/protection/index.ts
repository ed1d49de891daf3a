export { verifyMessage, type VerifyOptions } from './verify';
export { certName, certNameOf } from './chain';
export { checkCertHashes, issuedCertificates, transactionIdOf } from './certHash';
