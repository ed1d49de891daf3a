export { verifyMessage, type VerifyOptions } from './verify';
export { certName } from './chain';
export { checkCertHashes, issuedCertificates, transactionIdOf } from './certHash';
