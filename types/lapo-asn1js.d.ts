declare module '@lapo/asn1js';
