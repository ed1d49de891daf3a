/**
 * The composer's fields: where each one lives in the form, which bodies show it, and its help
 * text from the RFCs. `path` is a dotted path into ComposerForm; a builder error about
 * "template.sans[1]" lands on the field whose path is "spec.template.sans".
 */
import { genmInfoTypes, keyKinds, requestBodies, type RequestBody } from '../../src/shared/requestSpec';

export type FieldKind =
  /** one line of text (empty: absent) */
  | 'text'
  /** a whole number (empty: absent) */
  | 'int'
  /** one entry per line */
  | 'lines'
  /** "OID [DER hex]" per line, into { oid, valueHex } */
  | 'oidValues'
  /** "OID [critical] DER-hex" per line, into { oid, critical, valueHex } */
  | 'extensions'
  | 'bool'
  | 'select'
  /** checkboxes, into a list of the checked names */
  | 'checks'
  /** file paths picked on the host */
  | 'file'
  | 'files'
  /** where the shared secret comes from */
  | 'secret';

export interface FieldDef {
  path: string;
  label: string;
  kind: FieldKind;
  help: string;
  /** Bodies that show it; absent: all. */
  bodies?: readonly RequestBody[];
  /** Protection kinds that show it; absent: all. */
  protections?: readonly string[];
  /** select: [value, label]; checks: names (or filled from the host's choices by `choices`). */
  options?: readonly (readonly [string, string])[];
  choices?: 'keyUsage' | 'failInfo' | 'crlReasons' | 'infoTypes';
  placeholder?: string;
  /** select: the value is a number. */
  numeric?: boolean;
  /** bool: value when the form has none. */
  defaultValue?: boolean;
}

export interface SectionDef {
  title: string;
  bodies?: readonly RequestBody[];
  fields: FieldDef[];
}

const certRequests = ['ir', 'cr', 'kur'] as const;
const keyed = ['ir', 'cr', 'kur', 'p10cr'] as const;
const mac = ['pbm', 'pbmac1'] as const;
const hashes = [
  ['', 'default (SHA-256)'],
  ['SHA-256', 'SHA-256'],
  ['SHA-384', 'SHA-384'],
  ['SHA-512', 'SHA-512'],
  ['SHA-1', 'SHA-1 (PBM only)'],
] as const;

const bodyLabels: Record<RequestBody, string> = {
  ir: 'ir — initialization request',
  cr: 'cr — certification request',
  kur: 'kur — key update request',
  p10cr: 'p10cr — PKCS#10 request',
  rr: 'rr — revocation request',
  genm: 'genm — general message',
  certConf: 'certConf — certificate confirmation',
  pollReq: 'pollReq — polling request',
  error: 'error — error message',
};

export const sections: SectionDef[] = [
  {
    title: 'Message',
    fields: [
      {
        path: 'spec.body',
        label: 'Body',
        kind: 'select',
        options: requestBodies.map((b) => [b, bodyLabels[b]] as const),
        help: 'The PKIBody choice (RFC 9810 §5.1.2). Sections below follow it.',
      },
    ],
  },
  {
    title: 'Certificate template',
    bodies: certRequests,
    fields: [
      {
        path: 'spec.template.subject',
        label: 'Subject',
        kind: 'text',
        placeholder: 'CN=device 1, O=Example',
        help: 'CertTemplate.subject (RFC 4211 §5): "CN=device 1, O=Example" (RFC 4514, most significant last) or "/O=Example/CN=device 1" (OpenSSL). For kur, empty takes the old certificate\'s.',
      },
      {
        path: 'spec.template.sans',
        label: 'Subject alternative names',
        kind: 'lines',
        placeholder: 'dns:device.example\nip:192.0.2.1',
        help: 'One per line: dns:, ip:, email:, uri:, dn: (RFC 5280 §4.2.1.6). Critical when the subject is empty.',
      },
      {
        path: 'spec.template.keyUsage',
        label: 'Key usage',
        kind: 'checks',
        choices: 'keyUsage',
        help: 'The KeyUsage extension, marked critical (RFC 5280 §4.2.1.3).',
      },
      {
        path: 'spec.template.extKeyUsage',
        label: 'Extended key usage',
        kind: 'lines',
        placeholder: 'clientAuth',
        help: 'One per line: serverAuth, clientAuth, codeSigning, emailProtection, timeStamping, OCSPSigning, cmcCA, cmcRA, cmKGA, or an OID (RFC 5280 §4.2.1.12).',
      },
      {
        path: 'spec.template.notBefore',
        label: 'Not before',
        kind: 'text',
        placeholder: '2027-01-01T00:00:00Z',
        help: 'OptionalValidity (RFC 4211 §5), ISO 8601. Empty: the CA chooses.',
      },
      {
        path: 'spec.template.notAfter',
        label: 'Not after',
        kind: 'text',
        placeholder: '2028-01-01T00:00:00Z',
        help: 'OptionalValidity (RFC 4211 §5), ISO 8601. Empty: the CA chooses.',
      },
      {
        path: 'spec.template.extensions',
        label: 'Other extensions',
        kind: 'extensions',
        placeholder: '2.5.29.19 critical 3000',
        help: 'One per line: OID, "critical" if so, and the extnValue\'s DER in hex.',
      },
    ],
  },
  {
    title: 'Key and proof of possession',
    bodies: keyed,
    fields: [
      {
        path: 'spec.keyType',
        label: 'Generate key',
        kind: 'select',
        // The small SLH-DSA sets sign in tens of seconds in pure JS: the form says so in the option.
        options: ['P-256', ...keyKinds.filter((k) => k !== 'P-256')].map((k) => [k, k] as const),
        help: 'The key pair made for the request (WebCrypto; ML-DSA and SLH-DSA with @noble/post-quantum), unless a key file is given. It signs the POP or CSR. Saved beside the message as PKCS#8 (a secret).',
      },
      {
        path: 'files.key',
        label: 'Or use key file',
        kind: 'file',
        help: 'A PKCS#8 private key (PEM or DER) to certify instead of a generated one.',
      },
      {
        path: 'spec.centralKeygen',
        label: 'Central key generation',
        kind: 'bool',
        bodies: ['ir', 'cr', 'kur'],
        help: 'RFC 9483 §4.1.6: the CA generates the key. The template names only the algorithm of "Generate key", there is no POP, pvno is 3; the key comes back encrypted (EnvelopedData) to your signing certificate or your MAC secret, and Send opens it and saves it owner-only beside the exchange.',
      },
      {
        path: 'spec.pop',
        label: 'Proof of possession',
        kind: 'select',
        bodies: certRequests,
        options: [
          ['signature', 'signature (default)'],
          ['raVerified', 'raVerified'],
          ['encrCert', 'indirect: the certificate comes back encrypted (encrCert)'],
          ['none', 'none'],
        ],
        help: 'RFC 4211 §4: a signature with the new key (over the CertRequest, or POPOSigningKeyInput when the subject is empty); raVerified when an RA has checked it; encrCert for a key that cannot sign (RFC 9810 §5.2.8.3: the CA encrypts the certificate to it, certConf proves it was opened); none to test a server.',
      },
      {
        path: 'spec.certReqId',
        label: 'certReqId',
        kind: 'int',
        bodies: certRequests,
        placeholder: '0',
        help: 'RFC 9810 §5.2.1; RFC 9483 §4.1.1 uses 0.',
      },
      {
        path: 'files.csr',
        label: 'CSR file',
        kind: 'file',
        bodies: ['p10cr'],
        help: 'A PKCS#10 request (RFC 2986) sent as is. Empty: one is made and signed with the key.',
      },
      {
        path: 'files.oldCert',
        label: 'Certificate to update',
        kind: 'file',
        bodies: ['kur'],
        help: 'Its issuer and serial go in the oldCertID control (RFC 4211 §6.5); its subject is the default.',
      },
    ],
  },
  {
    title: 'Revocation',
    bodies: ['rr'],
    fields: [
      {
        path: 'files.oldCert',
        label: 'Certificate to revoke',
        kind: 'file',
        bodies: ['rr'],
        help: 'RevDetails.certDetails takes its issuer and serialNumber (RFC 9810 §5.3.9).',
      },
      {
        path: 'spec.revoke.issuer',
        label: 'Or issuer',
        kind: 'text',
        placeholder: 'CN=CMP Lens Test CA, O=CMP Lens',
        help: 'The issuer name, without a certificate file.',
      },
      {
        path: 'spec.revoke.serialHex',
        label: 'and serial (hex)',
        kind: 'text',
        placeholder: '01a2b3',
        help: 'The serialNumber in hex.',
      },
      {
        path: 'spec.revoke.reason',
        label: 'Reason',
        kind: 'select',
        numeric: true,
        choices: 'crlReasons',
        help: 'A crlEntryDetails reasonCode extension (RFC 5280 §5.3.1). Empty: none.',
      },
    ],
  },
  {
    title: 'General message',
    bodies: ['genm'],
    fields: [
      {
        path: 'spec.infoTypes',
        label: 'infoTypes',
        kind: 'checks',
        choices: 'infoTypes',
        help: 'InfoTypeAndValue entries asking the CA for each (RFC 9810 §5.3.19, RFC 9483 §4.3); the fields below give the values some of them take.',
      },
      {
        path: 'files.rootCaCert',
        label: 'rootCaCert: root certificate',
        kind: 'file',
        help: 'The root CA certificate you trust now: the CA answers rootCaKeyUpdate for it (RFC 9483 §4.3.2).',
      },
      {
        path: 'files.crlSource',
        label: 'crlStatusList: certificate or CRL',
        kind: 'file',
        help: 'A certificate whose CRL you want, or the CRL you hold (its issuer and thisUpdate) (RFC 9483 §4.3.4).',
      },
      {
        path: 'spec.infoValues.keyPairParamReq',
        label: 'keyPairParamReq: key type',
        kind: 'text',
        placeholder: 'EC, RSA or an OID',
        help: 'The key type whose parameters you ask for (RFC 9810 §5.3.19.9).',
      },
      {
        path: 'spec.infoValues.suppLangTags',
        label: 'suppLangTags: languages',
        kind: 'text',
        placeholder: 'en, de',
        help: 'Language tags you read; the CA answers with the one it will use (RFC 9810 §5.3.19.13).',
      },
      {
        path: 'x.infoTypeOids',
        label: 'Other infoTypes',
        kind: 'oidValues',
        placeholder: '1.3.6.1.5.5.7.4.17',
        help: "One per line: OID and, optionally, the infoValue's DER in hex.",
      },
    ],
  },
  {
    title: 'Certificate confirmation',
    bodies: ['certConf'],
    fields: [
      {
        path: 'files.confirmCert',
        label: 'Certificate',
        kind: 'file',
        help: 'The issued certificate: certHash is computed over it (RFC 9810 §5.3.18).',
      },
      {
        path: 'spec.confirm.accept',
        label: 'Accept it',
        kind: 'bool',
        defaultValue: true,
        help: 'Unchecked: statusInfo rejection, telling the CA to revoke it.',
      },
      {
        path: 'spec.confirm.reason',
        label: 'Reason text',
        kind: 'text',
        help: 'statusInfo.statusString, for a rejection.',
      },
      {
        path: 'spec.confirm.hashAlg',
        label: 'hashAlg',
        kind: 'select',
        options: [
          ['', "from the certificate's signature (pvno 2)"],
          ['SHA-256', 'SHA-256 (pvno 3)'],
          ['SHA-384', 'SHA-384 (pvno 3)'],
          ['SHA-512', 'SHA-512 (pvno 3)'],
        ],
        help: "RFC 9810 §5.3.18: an explicit hashAlg needs pvno 3; otherwise the hash of the certificate's signature algorithm is used.",
      },
      {
        path: 'spec.certReqId',
        label: 'certReqId',
        kind: 'int',
        bodies: ['certConf'],
        placeholder: '0',
        help: 'The certReqId of the request being confirmed.',
      },
    ],
  },
  {
    title: 'Polling',
    bodies: ['pollReq'],
    fields: [
      {
        path: 'spec.certReqId',
        label: 'certReqId',
        kind: 'int',
        bodies: ['pollReq'],
        placeholder: '0',
        help: 'RFC 9810 §5.3.22: which request is polled for.',
      },
    ],
  },
  {
    title: 'Error',
    bodies: ['error'],
    fields: [
      {
        path: 'spec.errorStatus.status',
        label: 'Status',
        kind: 'select',
        numeric: true,
        options: [
          ['2', 'rejection (2)'],
          ['0', 'accepted (0)'],
          ['1', 'grantedWithMods (1)'],
          ['3', 'waiting (3)'],
          ['4', 'revocationWarning (4)'],
          ['5', 'revocationNotification (5)'],
          ['6', 'keyUpdateWarning (6)'],
        ],
        help: 'PKIStatusInfo.status (RFC 9810 §5.2.3).',
      },
      {
        path: 'spec.errorStatus.failInfo',
        label: 'failInfo',
        kind: 'checks',
        choices: 'failInfo',
        help: 'PKIFailureInfo bits (RFC 9810 §5.2.3).',
      },
      {
        path: 'spec.errorStatus.texts',
        label: 'Texts',
        kind: 'lines',
        help: 'statusString (PKIFreeText), one per line.',
      },
      {
        path: 'spec.errorStatus.errorCode',
        label: 'errorCode',
        kind: 'int',
        help: 'An implementation-specific code (RFC 9810 §5.3.21).',
      },
    ],
  },
  {
    title: 'Header',
    fields: [
      {
        path: 'spec.sender',
        label: 'Sender',
        kind: 'text',
        placeholder: 'CN=device 1',
        help: "PKIHeader.sender (RFC 9810 §5.1.1). Empty: the signer's subject with signature protection, else the template's subject, else the NULL-DN.",
      },
      {
        path: 'spec.recipient',
        label: 'Recipient',
        kind: 'text',
        placeholder: 'CN=CMP Lens Test CA, O=CMP Lens',
        help: "The CA's name; the NULL-DN when unknown (RFC 9810 §5.1.1).",
      },
      {
        path: 'spec.senderKID',
        label: 'senderKID',
        kind: 'text',
        placeholder: 'user1',
        help: 'For MAC protection the reference the CA gave with the secret; for signatures the signer\'s key identifier (RFC 9810 §5.1.1). Text, or hex after "hex:".',
      },
      {
        path: 'spec.transactionID',
        label: 'transactionID',
        kind: 'text',
        placeholder: 'random (16 bytes)',
        help: '128 random bits naming the transaction (RFC 9483 §3.1), in hex. Empty: fresh on every build.',
      },
      {
        path: 'spec.senderNonce',
        label: 'senderNonce',
        kind: 'text',
        placeholder: 'random (16 bytes)',
        help: '128 bits of fresh randomness against replay (RFC 9810 §5.1.1), in hex. Empty: fresh on every build.',
      },
      {
        path: 'spec.recipNonce',
        label: 'recipNonce',
        kind: 'text',
        help: 'The senderNonce of the message this one answers (certConf, pollReq), in hex.',
      },
      {
        path: 'spec.messageTime',
        label: 'messageTime',
        kind: 'text',
        placeholder: 'now',
        help: 'GeneralizedTime of sending (RFC 9810 §5.1.1), ISO 8601. Empty: now; "none": left out.',
      },
      {
        path: 'spec.pvno',
        label: 'pvno',
        kind: 'select',
        numeric: true,
        options: [
          ['', 'automatic (2; 3 when certConf has hashAlg)'],
          ['2', '2 (cmp2000)'],
          ['3', '3 (cmp2021)'],
        ],
        help: 'RFC 9810 §7: 3 where the message needs it (EnvelopedData, hashAlg in certConf), else 2.',
      },
      {
        path: 'spec.implicitConfirm',
        label: 'implicitConfirm',
        kind: 'bool',
        help: 'Asks the CA to skip certConf/pkiConf (RFC 9810 §5.1.1.1).',
      },
      {
        path: 'spec.generalInfo',
        label: 'Other generalInfo',
        kind: 'oidValues',
        placeholder: '1.3.6.1.5.5.7.4.14 020164',
        help: "InfoTypeAndValue entries, one per line: OID and optionally the value's DER in hex (RFC 9810 §5.1.1).",
      },
      {
        path: 'files.extraCerts',
        label: 'extraCerts',
        kind: 'files',
        help: "Certificates added to extraCerts (RFC 9810 §5.1). With signature protection the signer's comes first anyway.",
      },
    ],
  },
  {
    title: 'Protection',
    fields: [
      {
        path: 'protection.kind',
        label: 'Protection',
        kind: 'select',
        options: [
          ['pbm', 'PasswordBasedMac (shared secret)'],
          ['pbmac1', 'PBMAC1 (shared secret, RFC 9481)'],
          ['signature', 'signature (certificate + key)'],
          ['kemBasedMac', 'KemBasedMac (ML-KEM key + the genp with KemCiphertextInfo)'],
          ['none', 'none'],
        ],
        help: "RFC 9810 §5.1.3: a MAC with a shared secret, a signature with the sender's key, or KemBasedMac with the secret a genp's KemCiphertextInfo carried to your ML-KEM key (§5.1.3.4).",
      },
      {
        path: 'files.kemKey',
        label: 'ML-KEM key',
        kind: 'file',
        protections: ['kemBasedMac'],
        help: 'Your ML-KEM private key (PKCS#8): the genp encapsulated the shared secret to its certificate.',
      },
      {
        path: 'files.kemGenp',
        label: 'genp with KemCiphertextInfo',
        kind: 'file',
        protections: ['kemBasedMac'],
        help: 'The genp that answered a genm asking for KemCiphertextInfo (saved with its exchange). The request takes its transactionID unless one is set.',
      },
      {
        path: 'protection.secret',
        label: 'Shared secret',
        kind: 'secret',
        protections: mac,
        help: "From VS Code's secret storage (the embedded test CA's, or a stored one), or typed for this panel only. Never saved in the form.",
      },
      {
        path: 'protection.iterations',
        label: 'Iterations',
        kind: 'int',
        protections: mac,
        placeholder: '10000',
        help: 'PBM iterationCount or PBKDF2 iterationCount. Empty: 10,000.',
      },
      {
        path: 'protection.saltHex',
        label: 'Salt (hex)',
        kind: 'text',
        protections: mac,
        placeholder: 'random (16 bytes)',
        help: 'Empty: 16 fresh random bytes.',
      },
      {
        path: 'protection.owf',
        label: 'OWF / PRF hash',
        kind: 'select',
        protections: mac,
        options: hashes,
        help: "PBM's one-way function, or PBMAC1's PBKDF2 PRF (RFC 9481 §6.1).",
      },
      {
        path: 'protection.mac',
        label: 'MAC hash',
        kind: 'select',
        protections: mac,
        options: hashes,
        help: "The HMAC's hash (RFC 9481 §6.2).",
      },
      {
        path: 'files.signerCert',
        label: 'Signer certificate',
        kind: 'file',
        protections: ['signature'],
        help: 'Goes first in extraCerts; its subject becomes the sender and its key identifier the senderKID (RFC 9483 §3.3).',
      },
      {
        path: 'files.signerKey',
        label: 'Signer key',
        kind: 'file',
        protections: ['signature'],
        help: "The signer's PKCS#8 private key (PEM or DER).",
      },
      {
        path: 'protection.hash',
        label: 'Signature hash',
        kind: 'select',
        protections: ['signature'],
        options: [
          ['', "default (SHA-256; ECDSA: the curve's)"],
          ['SHA-256', 'SHA-256'],
          ['SHA-384', 'SHA-384'],
          ['SHA-512', 'SHA-512'],
        ],
        help: 'The hash of an RSA or ECDSA signature (RFC 9481 §3); Ed25519 has its own.',
      },
      {
        path: 'files.chain',
        label: 'Chain',
        kind: 'files',
        protections: ['signature'],
        help: "Intermediate certificates after the signer's in extraCerts.",
      },
    ],
  },
];

export const infoTypeNames: readonly string[] = genmInfoTypes;
