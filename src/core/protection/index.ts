export { verifyMessage, type VerifyOptions } from './verify';
export { certName } from './chain';
