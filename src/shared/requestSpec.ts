/**
 * What a request is made of, as the composer form and `cmp-lens build` give it: plain JSON
 * (strings, numbers, hex), so a spec file, the form's state and the CLI flags are the same thing.
 * Keys, certificates and secrets are not in the spec: they come in as Materials (src/core/compose).
 * Here in src/shared because the composer webview edits it.
 */

/** The key types the composer offers, as a user names them (generated with WebCrypto). */
export const keyKinds = [
  'RSA-2048',
  'RSA-3072',
  'RSA-4096',
  'P-256',
  'P-384',
  'P-521',
  'Ed25519',
  'ML-DSA-44',
  'ML-DSA-65',
  'ML-DSA-87',
  'SLH-DSA-SHA2-128s',
  'SLH-DSA-SHA2-128f',
  'SLH-DSA-SHA2-192s',
  'SLH-DSA-SHA2-192f',
  'SLH-DSA-SHA2-256s',
  'SLH-DSA-SHA2-256f',
  'SLH-DSA-SHAKE-128s',
  'SLH-DSA-SHAKE-128f',
  'SLH-DSA-SHAKE-192s',
  'SLH-DSA-SHAKE-192f',
  'SLH-DSA-SHAKE-256s',
  'SLH-DSA-SHAKE-256f',
] as const;
export type KeyKind = (typeof keyKinds)[number];

export const requestBodies = [
  'ir',
  'cr',
  'kur',
  'p10cr',
  'rr',
  'genm',
  'certConf',
  'pollReq',
  'error',
] as const;
export type RequestBody = (typeof requestBodies)[number];

/**
 * genm infoTypes by name (RFC 9810 §5.3.19, RFC 9483 §4.3): what a client asks. rootCaCert is answered
 * by rootCaKeyUpdate, crlStatusList by crls, keyPairParamReq by keyPairParamRep.
 */
export const genmInfoTypes = [
  'caCerts',
  'rootCaCert',
  'certReqTemplate',
  'crlStatusList',
  'signKeyPairTypes',
  'encKeyPairTypes',
  'preferredSymmAlg',
  'currentCRL',
  'caKeyUpdateInfo',
  'keyPairParamReq',
  'suppLangTags',
  'revPassphrase',
  'kemCiphertextInfo',
  'unsupportedOIDs',
] as const;
export type GenmInfoType = (typeof genmInfoTypes)[number];

export interface TemplateSpec {
  /** "CN=device 1, O=Example" or "/CN=device 1/O=Example". */
  subject?: string;
  /** "dns:host.example", "ip:192.0.2.1", "email:a@example.com", "uri:https://…". */
  sans?: string[];
  /** digitalSignature, keyEncipherment, … (RFC 5280 §4.2.1.3 names). */
  keyUsage?: string[];
  /** serverAuth, clientAuth, codeSigning, emailProtection, timeStamping, OCSPSigning, or OIDs. */
  extKeyUsage?: string[];
  /** ISO dates; absent: the CA chooses. */
  notBefore?: string;
  notAfter?: string;
  /** Any extension as OID and DER value in hex. */
  extensions?: { oid: string; critical?: boolean; valueHex: string }[];
}

export interface RequestSpec {
  body: RequestBody;
  /** Header (RFC 9810 §5.1.1). Names as DN text; empty means the NULL-DN. */
  sender?: string;
  recipient?: string;
  /** senderKID as text (the reference a CA gave with the secret), or hex with `hex:`. */
  senderKID?: string;
  /** Hex; absent: 16 fresh random bytes (RFC 9483 §3.1). */
  transactionID?: string;
  senderNonce?: string;
  recipNonce?: string;
  /** ISO time; absent: now; "none": left out. */
  messageTime?: string;
  /** 2 (cmp2000) or 3 (cmp2021, needed for EnvelopedData / hashAlg in certConf). */
  pvno?: 2 | 3;
  implicitConfirm?: boolean;
  /** Other generalInfo entries, as OID and DER value in hex (value may be absent). */
  generalInfo?: { oid: string; valueHex?: string }[];
  /** ir / cr / kur */
  template?: TemplateSpec;
  /** Key generated for the request when no key is loaded. Default EC P-256. */
  keyType?: KeyKind;
  /**
   * RFC 4211 §4; encrCert: keyEncipherment (RSA, ML-KEM) or keyAgreement (EC, X25519, X448) with
   * subsequentMessage encrCert, the indirect method (RFC 9810 §5.2.8.3).
   */
  pop?: 'signature' | 'raVerified' | 'encrCert' | 'none';
  /**
   * ir/cr/kur: ask the CA to generate the key (RFC 9483 §4.1.6): the template's publicKey carries only
   * keyType's algorithm, there is no POP, and pvno is 3 (the key comes back in EnvelopedData).
   */
  centralKeygen?: boolean;
  certReqId?: number;
  /**
   * ir/cr/kur: CRMF controls (RFC 4211 §6) as OID and DER value in hex, added as given (a request read
   * back keeps its own; kur's oldCertID is made from the oldCert file when one is chosen).
   */
  controls?: { oid: string; valueHex: string }[];
  /** rr: the certificate to revoke (from Materials.revokeCert) or issuer + serial (hex). */
  revoke?: { issuer?: string; serialHex?: string; reason?: number };
  /** genm */
  infoTypes?: (GenmInfoType | { oid: string; valueHex?: string })[];
  /** Values for named infoTypes that take text: keyPairParamReq (EC, RSA or an OID), suppLangTags ("en, de"). */
  infoValues?: { keyPairParamReq?: string; suppLangTags?: string };
  /** certConf: accept or reject the certificate in Materials.confirmCert. */
  confirm?: { accept: boolean; reason?: string; hashAlg?: 'SHA-256' | 'SHA-384' | 'SHA-512' };
  /** error */
  errorStatus?: { status: number; failInfo?: string[]; texts?: string[]; errorCode?: number };
}

export interface FieldError {
  /** Path in the spec: "template.sans[1]", "protection.secret". */
  field: string;
  message: string;
}
