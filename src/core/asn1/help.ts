/**
 * What each field is for, from the RFCs in our words, with the section it is defined in: the
 * inspector's hover on a tree row, the details pane's paragraph and its link. One table beside the
 * schema classes (src/core/asn1), so the webview holds no copy. Keyed by field name; `Type.field`
 * where one name means two things; by type for the items of a SEQUENCE OF, which have no field name.
 */

export interface FieldHelp {
  /** Where the RFC defines it: "RFC 9810 §5.1.1". */
  ref: string;
  text: string;
}

const h = (ref: string, text: string): FieldHelp => ({ ref, text });
const header = 'RFC 9810 §5.1.1';

const byField: Record<string, FieldHelp> = {
  header: h('RFC 9810 §5.1', 'Who sends to whom, in which transaction, and how the message is protected.'),
  body: h('RFC 9810 §5.1.2', 'What the message is: the request or answer itself (ir, ip, certConf, …).'),
  protection: h(
    'RFC 9810 §5.1.3',
    'The MAC or signature over header and body, computed as protectionAlg says.',
  ),
  extraCerts: h(
    'RFC 9810 §5.1',
    'Certificates that help the receiver: the protecting certificate first, then its chain (RFC 9483 §3.3).',
  ),
  pvno: h(
    header,
    'The protocol version: 2 (cmp2000), or 3 (cmp2021) when the message uses what RFC 9810 added.',
  ),
  sender: h(
    header,
    'Who sent the message: the subject of the protecting certificate, or a name agreed for a MAC.',
  ),
  recipient: h(header, 'Who the message is for: the CA or RA, or the requester in an answer.'),
  messageTime: h(
    header,
    'When the message was made; a receiver may refuse one too far from its clock (badTime).',
  ),
  protectionAlg: h(
    header,
    'How `protection` was computed: a MAC (PBM, PBMAC1, KemBasedMac) or a signature algorithm.',
  ),
  senderKID: h(
    header,
    "Which key protected the message: for a MAC the reference given with the shared secret, for a signature the protecting certificate's subject key identifier.",
  ),
  recipKID: h(header, "Which of the recipient's keys is meant (DH- and KEM-based MAC)."),
  transactionID: h(
    header,
    'Ties the messages of one transaction together: chosen by the client (16 random bytes, RFC 9483 §3.1) and copied into every answer.',
  ),
  senderNonce: h(header, 'Fresh random bytes against replay; the answer copies them into its recipNonce.'),
  recipNonce: h(header, 'The senderNonce of the message this one answers.'),
  freeText: h(header, 'Text for people, in the languages of its tags.'),
  generalInfo: h(
    header,
    'Further header information, each an infoType OID with its value: implicitConfirm, confirmWaitTime, certProfile, …',
  ),
  certReqId: h(
    'RFC 4211 §5',
    'Numbers the request within the message; the answer and certConf refer to it (0 in RFC 9483).',
  ),
  certTemplate: h(
    'RFC 4211 §5',
    'The certificate asked for: the fields the requester fills in, the CA fills the rest.',
  ),
  'CertTemplate.subject': h('RFC 4211 §5', 'The subject name asked for.'),
  'CertTemplate.publicKey': h(
    'RFC 4211 §5',
    'The public key to certify (absent for central key generation).',
  ),
  'CertTemplate.extensions': h(
    'RFC 4211 §5',
    'Extensions asked for: subjectAltName, keyUsage, extKeyUsage, …',
  ),
  'CertTemplate.validity': h('RFC 4211 §5', 'The validity asked for; the CA decides.'),
  'CertTemplate.serialNumber': h('RFC 4211 §5', 'Must be left out of a request: the CA assigns it.'),
  controls: h(
    'RFC 4211 §6',
    'Controls for the CA: regToken, authenticator, oldCertID (which certificate a kur replaces), …',
  ),
  popo: h(
    'RFC 4211 §4',
    'Proof that the requester holds the private key: a signature, raVerified, or (for encryption and KEM keys) an indirect method.',
  ),
  raVerified: h('RFC 4211 §4', 'An RA checked the proof of possession before passing the request on.'),
  'ProofOfPossession.signature': h(
    'RFC 4211 §4.1',
    'A signature with the private key over the certificate request.',
  ),
  regInfo: h('RFC 4211 §7', 'Further registration information for the CA.'),
  certReq: h('RFC 4211 §5', 'The request: its number, the certificate template and controls.'),
  status: h('RFC 9810 §5.2.3', 'How the request went: accepted, granted with changes, rejected, waiting, …'),
  'PKIStatusInfo.status': h(
    'RFC 9810 §5.2.3',
    'The outcome: accepted, grantedWithMods, rejection, waiting, or a revocation or key update warning.',
  ),
  failInfo: h('RFC 9810 §5.2.3', 'Why it failed: one bit per reason (badPOP, badMessageCheck, …).'),
  statusString: h('RFC 9810 §5.2.3', "The server's words about the status, for people."),
  response: h('RFC 9810 §5.3.4', 'One answer per request: its status and, when granted, the certificate.'),
  caPubs: h(
    'RFC 9810 §5.3.4',
    'CA certificates the requester may want to trust (RFC 9483: only with ir, and then rightly).',
  ),
  certifiedKeyPair: h(
    'RFC 9810 §5.3.4',
    'The certificate issued, and the private key when the CA made it (central key generation).',
  ),
  certOrEncCert: h(
    'RFC 9810 §5.3.4',
    'The certificate, in clear or encrypted to the requester (indirect proof of possession).',
  ),
  certificate: h('RFC 9810 §5.3.4', 'The certificate issued.'),
  encryptedCert: h(
    'RFC 9810 §5.2.8.3',
    "The certificate encrypted to the requester's key: decrypting it proves possession.",
  ),
  privateKey: h(
    'RFC 9810 §5.3.4',
    'The private key the CA generated, encrypted to the requester (EnvelopedData).',
  ),
  publicationInfo: h('RFC 9810 §5.3.4', 'Where the certificate is to be published.'),
  rspInfo: h('RFC 9810 §5.3.4', 'Further information about the response.'),
  certHash: h(
    'RFC 9810 §5.3.18',
    "Hash of the certificate being confirmed, with the certificate signature's hash (or hashAlg).",
  ),
  hashAlg: h(
    'RFC 9810 §5.3.18',
    'The hash of certHash, when the certificate signature names none (EdDSA, ML-DSA): pvno 3.',
  ),
  statusInfo: h('RFC 9810 §5.3.18', 'Whether the requester accepts the certificate (absent: accepted).'),
  checkAfter: h('RFC 9810 §5.3.22', 'How many seconds to wait before polling again.'),
  reason: h('RFC 9810 §5.3.22', 'Why the answer is not there yet, for people.'),
  infoType: h(
    'RFC 9810 §5.3.19',
    'What is asked or answered (an id-it OID: caCerts, rootCaCert, certReqTemplate, …).',
  ),
  infoValue: h('RFC 9810 §5.3.19', 'The value for infoType, in its own ASN.1 type.'),
  pKIStatusInfo: h(
    'RFC 9810 §5.3.21',
    'The status the error reports: rejection, with failInfo and statusString.',
  ),
  errorCode: h('RFC 9810 §5.3.21', "An implementation's own error number."),
  errorDetails: h('RFC 9810 §5.3.21', 'More text about the error.'),
  certDetails: h(
    'RFC 9810 §5.3.11',
    'Which certificate to revoke: its issuer and serial number (RFC 9483 §4.2).',
  ),
  crlEntryDetails: h('RFC 9810 §5.3.11', 'Why and since when: CRL entry extensions such as reasonCode.'),
  revCerts: h('RFC 9810 §5.3.12', 'The certificates the revocation answer is about.'),
  crls: h('RFC 9810 §5.3.12', 'CRLs that show the revocation.'),
  oldWithNew: h('RFC 9810 §4.4', 'The old root key certified by the new one.'),
  newWithOld: h(
    'RFC 9810 §4.4',
    'The new root key certified by the old one: lets holders of the old root trust the new.',
  ),
  newWithNew: h('RFC 9810 §4.4', 'The new root certificate, self-signed.'),
  salt: h(
    'RFC 9810 §5.1.3.1',
    'Random bytes mixed with the shared secret, so one secret gives different keys.',
  ),
  owf: h('RFC 9810 §5.1.3.1', 'The one-way function (a hash) iterated over secret and salt.'),
  iterationCount: h(
    'RFC 9810 §5.1.3.1',
    'How often the hash is applied: more is slower to guess (RFC 4211 §4.4 asks for at least 100, suggests 1,000).',
  ),
  mac: h('RFC 9810 §5.1.3.1', 'The MAC algorithm keyed with the derived key (HMAC).'),
  ct: h(
    'RFC 9810 §5.1.3.4',
    'The KEM ciphertext: the receiver decapsulates it to the shared secret the MAC key comes from.',
  ),
  kem: h('RFC 9810 §5.1.3.4', 'The KEM algorithm the ciphertext was made with.'),
  tbsCertificate: h('RFC 5280 §4.1', 'What the CA signs: the certificate fields.'),
  signatureAlgorithm: h('RFC 5280 §4.1.1.2', 'The algorithm of the signature below it.'),
  signatureValue: h('RFC 5280 §4.1.1.3', 'The signature over the signed part.'),
  issuer: h('RFC 5280 §4.1.2.4', 'The name of who issued (signed) it.'),
  subject: h('RFC 5280 §4.1.2.6', 'The name of who it is for.'),
  serialNumber: h(
    'RFC 5280 §4.1.2.2',
    'Unique per issuer: with the issuer name, identifies the certificate.',
  ),
  validity: h('RFC 5280 §4.1.2.5', 'When it is valid: notBefore to notAfter.'),
  subjectPublicKeyInfo: h('RFC 5280 §4.1.2.7', 'The public key and its algorithm.'),
  extensions: h('RFC 5280 §4.1.2.9', 'Further fields, each an OID, a critical flag and a value.'),
  revokedCertificates: h(
    'RFC 5280 §5.1.2.6',
    'The revoked certificates: serial number, revocation date, reason.',
  ),
  userCertificate: h('RFC 5280 §5.1.2.6', 'The serial number of the revoked certificate.'),
  revocationDate: h('RFC 5280 §5.1.2.6', 'When it was revoked.'),
  thisUpdate: h('RFC 5280 §5.1.2.4', 'When this CRL was issued.'),
  nextUpdate: h('RFC 5280 §5.1.2.5', 'When the next CRL will be issued at the latest.'),
};

/** Items of a SEQUENCE OF (no field name of their own), by their type. */
const byType: Record<string, FieldHelp> = {
  PKIMessage: h('RFC 9810 §5.1', 'A CMP message: header, body, protection, extraCerts.'),
  CMPCertificate: h('RFC 9810 §5.1', 'A certificate (X.509 v3).'),
  CertReqMsg: h('RFC 4211 §3', 'One certificate request with its proof of possession.'),
  CertResponse: h('RFC 9810 §5.3.4', 'The answer to one certificate request.'),
  CertStatus: h('RFC 9810 §5.3.18', 'The confirmation of one certificate.'),
  InfoTypeAndValue: h('RFC 9810 §5.3.19', 'One item of information: its type and value.'),
  RevDetails: h('RFC 9810 §5.3.11', 'One certificate to revoke.'),
  PKIStatusInfo: h('RFC 9810 §5.2.3', 'A status, why it failed, and words for people.'),
  Extension: h('RFC 5280 §4.2', 'One extension: OID, critical flag, value.'),
  RevokedCertificate: h('RFC 5280 §5.1.2.6', 'One revoked certificate: serial number, date, reason.'),
  AttributeTypeAndValue: h('RFC 5280 §4.1.2.4', 'One attribute of a name (CN=…, O=…).'),
};

/** What a node is for: by `ParentType.field`, then by field name, then (items) by its own type. */
export function fieldHelp(parentType: string | undefined, name: string, type: string): FieldHelp | undefined {
  const parent = parentType?.replace(/^\[\d+\] (EXPLICIT|IMPLICIT) /, '');
  return (
    (parent && byField[`${parent}.${name}`]) ||
    (name && !name.startsWith('[') ? byField[name] : undefined) ||
    byType[type.replace(/ \(.*\)$/, '')]
  );
}
