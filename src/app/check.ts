/**
 * Check a message: its protection (MAC with a stored, given or typed secret; signature with
 * extraCerts or a chosen certificate), the protecting certificate and its chain, POPs, CSRs, a
 * certConf's certHash, and the protocol findings. The inspector and `cmp-lens verify` both call it.
 */
import {
  messageShaped,
  pqImplementations,
  readMessage,
  readTop,
  senderKidOf,
  slice,
  type Subtle,
} from '../core/base';
import { inspectInput } from '../core/inspect';
import type { DocumentKind } from '../shared/annotated';
import { checkMessage } from '../core/checks';
import {
  checkCertHashes,
  kemCiphertextOf,
  kemSharedSecret,
  transactionIdOf,
  verifyMessage,
} from '../core/protection';
import type { CheckProfile, Finding } from '../shared/findings';
import type { CheckResult } from '../shared/protection';
import type { SecretQuery, SecretSource } from './ports';
import { settleSecret } from './secrets';

export interface CheckInput {
  der: Uint8Array;
  /** The message's name (file name, "capture.pcap #3"), for prompts. */
  name: string;
  secrets?: SecretSource;
  /** A secret just typed for this message: used instead of a stored one, remembered if the MAC matches. */
  typed?: Uint8Array;
  /** Check the signature with this certificate (DER) instead of extraCerts[0]. */
  cert?: Uint8Array;
  trustAnchors?: Uint8Array[];
  /** For a certConf: the certificates its certHash may cover (the ip/cp/kup beside it, `--issued`). */
  issued?: () => Promise<Uint8Array[]>;
  subtle?: Subtle;
  /** Clock for certificate validity when the message has no messageTime. */
  now?: () => Date;
  /**
   * KemBasedMac (RFC 9810 §5.1.3.4): the ML-KEM private key (PKCS#8) and the messages that may carry
   * the exchange's KemCiphertextInfo (its genp, or this message's generalInfo when absent).
   */
  kem?: { key: Uint8Array; carriers?: Uint8Array[] };
}

/**
 * The KEM shared secret for a KemBasedMac check: the first KemCiphertextInfo in `carriers` (or in the
 * message) that has the message's transactionID, decapsulated with the key. Throws in words.
 */
export function kemSecretFor(der: Uint8Array, kem: { key: Uint8Array; carriers?: Uint8Array[] }): Uint8Array {
  const tid = transactionIdOf(der);
  for (const c of kem.carriers?.length ? kem.carriers : [der]) {
    let m;
    try {
      m = readMessage(c);
    } catch {
      continue;
    }
    const info = kemCiphertextOf(m);
    if (info && transactionIdOf(c) === tid) return kemSharedSecret(info, kem.key);
  }
  throw new Error(
    `no KemCiphertextInfo with this message's transactionID ${tid ?? '(none)'} in ${kem.carriers?.length ? 'the messages given' : 'the message'}`,
  );
}

export interface CheckOutcome {
  results: CheckResult[];
  /** The result for the message's own protection. */
  protection?: CheckResult;
  /** senderKID in hex, the name a secret for this message is stored under. */
  senderKid?: string;
  /** The typed secret proved right and was remembered. */
  remembered: boolean;
}

/** The query a message's secret is looked up (and remembered) with. */
export function secretQueryFor(der: Uint8Array, name: string): SecretQuery {
  return { senderKid: senderKidOf(der), transactionId: transactionIdOf(der), purpose: `the MAC of ${name}` };
}

export async function checkProtection(input: CheckInput): Promise<CheckOutcome> {
  const q = secretQueryFor(input.der, input.name);
  const stored = !input.typed && input.secrets ? await input.secrets.lookup(q) : undefined;
  let kemSecret: Uint8Array | undefined;
  let kemProblem: string | undefined;
  if (input.kem) {
    try {
      kemSecret = kemSecretFor(input.der, input.kem);
    } catch (e) {
      kemProblem = (e as Error).message;
    }
  }
  const results = await verifyMessage(input.der, {
    secret: input.typed ?? stored,
    kemSecret,
    cert: input.cert,
    trustAnchors: input.trustAnchors,
    crypto: input.subtle ? { subtle: input.subtle } : undefined,
    now: input.now,
  });
  if (input.issued) results.push(...(await checkCertHashes(input.der, await input.issued(), input.subtle)));
  const protection = results.find((r) => r.check === 'protection');
  if (kemProblem && protection?.verdict === 'cannot-verify')
    protection.reason = `${protection.reason}: ${kemProblem}`;
  const typed = input.typed ? { secret: input.typed, typed: true } : undefined;
  const remembered = input.secrets
    ? await settleSecret(input.secrets, q, typed, protection?.verdict === 'valid')
    : false;
  return { results, protection, senderKid: q.senderKid, remembered };
}

/** The protocol findings of one message (RFC 9810, and RFC 9483 with the lightweight profile). */
export function lintMessage(der: Uint8Array, profile: CheckProfile = 'base'): Finding[] {
  return checkMessage(der, { profile });
}

/** What a file that is not one PKIMessage is, in words ("a PKCS#10 CSR"). */
export const kindInWords: Record<DocumentKind, string> = {
  PKIMessage: 'a PKIMessage',
  PKIMessages: 'PKIMessages (a sequence of PKIMessage)',
  Certificate: 'an X.509 certificate',
  CertificationRequest: 'a PKCS#10 CSR',
  CertificateList: 'a CRL',
  PrivateKeyInfo: 'a PKCS#8 private key',
  ContentInfo: 'a CMS ContentInfo',
  SubjectPublicKeyInfo: 'a public key (SubjectPublicKeyInfo)',
  CertReqMessages: 'CRMF CertReqMessages',
  'ASN.1': 'DER of no kind CMP Lens knows',
};

export interface MessagesInput {
  /** What the (first) element is. */
  kind: DocumentKind;
  /** The messages to check: one for a PKIMessage (or a damaged one), each of PKIMessages, none otherwise. */
  messages: Uint8Array[];
  /** Bytes after the first element, which are not part of it. */
  trailing?: { offset: number; length: number };
}

/** Sorts out what a file holds before it is checked: a message, several, something else, trailing bytes. */
export function messagesOf(der: Uint8Array): MessagesInput {
  const first = readTop(der);
  if (!first) return { kind: 'ASN.1', messages: [der] };
  const one = der.subarray(0, first.end);
  const trailing = first.end < der.length ? { offset: first.end, length: der.length - first.end } : undefined;
  // The TLV tree tells a message (or several) at once; only something else is annotated to name it.
  if (messageShaped(first)) return { kind: 'PKIMessage', messages: [one], trailing };
  const children = first.children ?? [];
  if (first.tagClass === 0 && first.tagNumber === 16 && children.length && children.every(messageShaped)) {
    return { kind: 'PKIMessages', messages: children.map((c) => slice(der, c)), trailing };
  }
  const { kind } = inspectInput(one).doc;
  // Unrecognised DER is still checked as a message: the check says where it stops being one.
  return { kind, messages: kind === 'PKIMessage' || kind === 'ASN.1' ? [one] : [], trailing };
}

/**
 * One line saying which implementation verifies each algorithm the crypto port has a fallback for in
 * this runtime (ML-DSA, SLH-DSA, Ed25519, Ed448): the runtime's WebCrypto, or @noble/post-quantum and
 * @noble/curves. Post-quantum signing is always @noble/post-quantum's (WebCrypto keys cannot be made
 * from a seed). The extension logs it once at activation.
 */
export async function signatureImplementations(subtle: Subtle = globalThis.crypto.subtle): Promise<string> {
  const impl = await pqImplementations(subtle);
  const by = (which: string) =>
    Object.entries(impl)
      .filter(([, v]) => v === which)
      .map(([k]) => k);
  const part = (which: string) => {
    const names = by(which);
    return names.length ? `${which} for ${names.join(', ')}` : undefined;
  };
  const parts = ['WebCrypto', '@noble/post-quantum', '@noble/curves'].map(part).filter(Boolean);
  return `signature verification: ${parts.join('; ')}; post-quantum signing: @noble/post-quantum`;
}
