/** PKIBody alternatives by role (RFC 9810 §5.1.2, §5.3): one list each, for every feature. */

/** Requests that carry CertReqMessages (ir, cr, kur, krr, ccr). */
export const certRequestBodies: ReadonlySet<string> = new Set(['ir', 'cr', 'kur', 'krr', 'ccr']);

/** Requests that ask for a new certificate for a key of the requester's: CertReqMessages or a CSR. */
export const keyRequestBodies: ReadonlySet<string> = new Set(['ir', 'cr', 'kur', 'p10cr']);

/** Responses that carry CertRepMessage (ip, cp, kup, ccp). */
export const certResponseBodies: ReadonlySet<string> = new Set(['ip', 'cp', 'kup', 'ccp']);

/** The bodies implicitConfirm belongs to (RFC 9810 §5.1.1.1): certificate requests and responses. */
export const implicitConfirmBodies: ReadonlySet<string> = new Set([
  ...certRequestBodies,
  'p10cr',
  ...certResponseBodies,
]);

/**
 * Bodies that open a transaction (no recipNonce expected): the requests, and the announcements a CA
 * sends unasked (RFC 9810 §5.3.13–§5.3.16), which answer nothing.
 */
export const firstBodies: ReadonlySet<string> = new Set([
  'ir',
  'cr',
  'kur',
  'p10cr',
  'rr',
  'genm',
  'krr',
  'ccr',
  'ckuann',
  'cann',
  'rann',
  'crlann',
]);

/** The CertRepMessage of a decoded body, whichever of ip, cp, kup, ccp it is. */
export function certRepOf<T>(body: { ip?: T; cp?: T; kup?: T; ccp?: T }): T | undefined {
  return body.ip ?? body.cp ?? body.kup ?? body.ccp;
}

/**
 * RFC 9483 §4.1.6: a certificate request asks for central key generation when it has no POP and its
 * template's publicKey is absent or carries only the algorithm (an empty BIT STRING).
 */
export function asksCentralKeygen(m: {
  popo?: unknown;
  certReq: { certTemplate: { publicKey?: { subjectPublicKey: ArrayBuffer } } };
}): boolean {
  const pk = m.certReq.certTemplate.publicKey;
  return !m.popo && (!pk || pk.subjectPublicKey.byteLength === 0);
}
