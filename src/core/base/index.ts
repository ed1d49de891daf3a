/**
 * The base floor under the core's features: bytes, PEM, the WebCrypto port, key and signing
 * helpers, algorithm tables, reading a PKIMessage, body-kind sets, names. Features import it and
 * the schemas (`asn1`) and the TLV reader (`der`); never each other's files.
 */
export * from './algorithms';
export * from './bodies';
export * from './bytes';
export * from './crypto';
export * from './encoded';
export * from './keys';
export * from './message';
export * from './names';
export * from './pem';
export * from './decode';
export * from './pq';
