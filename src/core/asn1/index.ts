/**
 * CMP (RFC 9810) and CRMF (RFC 4211) ASN.1 schemas on @peculiar/asn1-schema, with the OID
 * registry and open-type tables. Self-contained: it imports only @peculiar packages.
 */
export * from './crmfTemplate';
export * from './crmfControls';
export * from './crmfPop';
export * from './cmpStatus';
export * from './cmpAlgorithms';
export * from './cmpCertRep';
export * from './cmpMessages';
export * from './cmpGenInfo';
export * from './cmpMessage';
export * from './cms';
export * from './oids';
export * from './openTypes';
export * from './refs';
export { fieldHelp, type FieldHelp } from './help';
