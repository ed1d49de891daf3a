/**
 * Send a request: follow the whole transaction (poll, certConf, pkiConf), save every message the
 * moment it exists, check what was exchanged, and say which reply answers the request. The
 * extension's Send Message and `cmp-lens send` both call `sendRequest`.
 */
import { oids } from '../core/asn1';
import {
  certResponseBodies,
  readTop,
  readMessage,
  senderKidHex,
  slice,
  toPem,
  transactionIdHex,
  type KeyPair,
  type ReadMessage,
  type Subtle,
} from '../core/base';
import { checkTransaction, findingLine } from '../core/checks';
import { withImplicitConfirm } from '../core/compose';
import { certNameOf, macLike, type ProtectionSpec, type RecipientKey } from '../core/protection';
import {
  runTransaction,
  type ExchangeMessage,
  type Post,
  type ServerConfig,
  type TransactionResult,
} from '../core/transport';
import type { CheckProfile, Finding } from '../shared/findings';
import { silentLog, type ExchangeSink, type Log, type SecretQuery, type SecretSource } from './ports';
import { obtainSecret, settleSecret, type ObtainedSecret } from './secrets';
import { decryptMessage, describeDecrypted } from './decrypt';

/** The request cannot be sent as given (what and where, in words). */
export class SendError extends Error {}

export interface SendInput {
  /** DER of the request. */
  request: Uint8Array;
  /** Its name (a file name), for messages. */
  name: string;
  /** Where to send it; `url` is what is posted to (the embedded test CA's resolved already). */
  server: ServerConfig;
  post: Post;
  secrets: SecretSource;
  /**
   * How certConf and pollReq are protected. Absent: as the request was (its MAC parameters with
   * the secret from `secrets`; for a signed request, the key from `signerKey`).
   */
  protection?: ProtectionSpec;
  /** The private key of a signed request's signer (a file dialog, `--key`). */
  signerKey?: () => Promise<KeyPair | undefined>;
  /** The requested key (PKCS#8), asked for only when a certificate comes back encrypted (indirect POP). */
  newKey?: () => Promise<Uint8Array | undefined>;
  trustAnchors?: Uint8Array[];
  sink?: ExchangeSink;
  log?: Log;
  /** One line per step as it happens (progress, stdout). */
  onStep?: (line: string) => void;
  signal?: AbortSignal;
  profile?: CheckProfile;
  maxPollMs?: number;
  subtle?: Subtle;
  /** Clock for the transaction's timings and the answers' certificate validity. */
  now?: () => Date;
}

export interface SendOutcome {
  result: TransactionResult;
  findings: Finding[];
  /** The findings as one line each, "#2 ip: …" (log, summary.txt, stdout). */
  findingLines: string[];
  /** The message that answers the request: the ip/cp/kup that issued, else the last answer. */
  replyIndex?: number;
  /** Subjects of the issued certificates. */
  issued: string[];
  /** A typed secret proved right with the server and was remembered. */
  remembered: boolean;
  /** What the answers carried encrypted (a centrally generated key), opened and checked, one line each. */
  delivered: string[];
}

/** One line per finding of an exchange: which message, then the finding. */
export function exchangeFindingLine(f: Finding, messages: readonly Pick<ExchangeMessage, 'body'>[]): string {
  const i = f.messageIndex ?? 0;
  return `#${i + 1} ${messages[i]?.body ?? ''}: ${findingLine(f)}`;
}

/** DER of extraCerts[0], read off the TLV tree (the schema decoder never sees the whole message). */
export function firstExtraCert(der: Uint8Array): Uint8Array | undefined {
  const root = readTop(der);
  const cert = root?.children?.find((c) => c.tagClass === 2 && c.tagNumber === 1)?.children?.[0]
    ?.children?.[0];
  return cert ? slice(der, cert) : undefined;
}

function isMac(read: ReadMessage): boolean {
  const alg = read.header.protectionAlg?.algorithm;
  return alg === oids.passwordBasedMac || alg === oids.pbmac1;
}

interface FollowUp {
  protection: ProtectionSpec;
  secret?: ObtainedSecret;
}

/** certConf and pollReq are protected as the request was; undefined when the person cancelled. */
async function followUp(read: ReadMessage, input: SendInput, q: SecretQuery): Promise<FollowUp | undefined> {
  if (input.protection) {
    const given = 'secret' in input.protection ? input.protection.secret : undefined;
    return { protection: input.protection, secret: given ? { secret: given, typed: false } : undefined };
  }
  const alg = read.header.protectionAlg;
  if (!alg) return { protection: { kind: 'none' } };
  if (isMac(read)) {
    const secret = await obtainSecret(input.secrets, q);
    return secret ? { protection: macLike(alg, secret.secret), secret } : undefined;
  }
  const cert = firstExtraCert(input.request);
  if (!cert)
    throw new SendError(
      `${input.name} is signed but has no extraCerts[0] (the signer's certificate), needed to sign certConf and pollReq`,
    );
  const key = await input.signerKey?.();
  return key ? { protection: { kind: 'signature', key, cert } } : undefined;
}

/** Runs the transaction; undefined when the person cancelled a prompt before anything was sent. */
export async function sendRequest(input: SendInput): Promise<SendOutcome | undefined> {
  const log = input.log ?? silentLog;
  let read: ReadMessage;
  try {
    read = readMessage(input.request);
  } catch (e) {
    throw new SendError(`${input.name} is not a PKIMessage to send: ${(e as Error).message}`);
  }
  const q: SecretQuery = {
    senderKid: senderKidHex(read),
    transactionId: transactionIdHex(read) || undefined,
    secretRef: input.server.secretRef,
    server: input.server.name,
    purpose: `${read.bodyName} to ${input.server.name} (certConf and pollReq use the same secret)`,
  };
  const follow = await followUp(read, input, q);
  if (!follow) return undefined;
  let request = input.request;
  if (input.server.implicitConfirm) {
    // RFC 9810 §5.1.1.1: the server entry asks for implicit confirmation where the request does not say.
    const asked = await withImplicitConfirm(request, follow.protection, { subtle: input.subtle });
    if (asked) {
      request = asked;
      log.info(
        `${read.bodyName}: implicitConfirm added to generalInfo for ${input.server.name} (implicitConfirm in its entry); protected again`,
      );
    }
  }
  const result = await runTransaction(request, {
    post: input.post,
    server: input.server,
    protection: follow.protection,
    signal: input.signal,
    subtle: input.subtle,
    now: input.now,
    maxPollMs: input.maxPollMs,
    newKey: input.newKey,
    verify: { secret: follow.secret?.secret, trustAnchors: input.trustAnchors, now: input.now },
    onMessage: (m) => void input.sink?.add(m),
    onStep: (line) => {
      log.info(line);
      input.onStep?.(line);
    },
  });
  const findings = await checkTransaction(
    result.messages.map((m) => m.der),
    { profile: input.profile, subtle: input.subtle },
  );
  const findingLines = findings.map((f) => exchangeFindingLine(f, result.messages));
  for (const line of findingLines) log.warn(`check: ${line}`);
  const delivered = await openDelivered(result, follow, input);
  for (const line of delivered) log.info(line);
  input.sink?.finish(result, input.server.url, findingLines, delivered);
  // The secret proved right when an answer's MAC verified with it.
  const proven = result.messages.some((m) => m.direction === 'received' && m.protection?.verdict === 'valid');
  const remembered = await settleSecret(input.secrets, q, follow.secret, proven && isMac(read));
  // A known secret that worked is known for this exchange's other messages too (the reply, once opened).
  if (proven && isMac(read) && follow.secret && !follow.secret.typed)
    input.secrets.learn?.(q, follow.secret.secret);
  return {
    result,
    findings,
    findingLines,
    replyIndex: replyIndex(result),
    issued: result.issued.map((c) => certNameOf(c.der)),
    remembered,
    delivered,
  };
}

/**
 * Central key generation (RFC 9483 §4.1.6): the keys the answers carry, opened with what protected the
 * request (the signer's key and certificate, or the shared secret for pwri), checked (KGA signature and
 * id-kp-cmKGA, the key against its certificate) and written owner-only beside the exchange as
 * `delivered-N.key.pem`. Lines say what happened; keys never appear in them.
 */
async function openDelivered(
  result: TransactionResult,
  follow: FollowUp,
  input: SendInput,
): Promise<string[]> {
  const key: RecipientKey | undefined =
    follow.protection.kind === 'signature'
      ? { kind: 'key', pkcs8: follow.protection.key.pkcs8, certificate: follow.protection.cert }
      : follow.secret
        ? { kind: 'password', password: follow.secret.secret }
        : undefined;
  const lines: string[] = [];
  for (const m of result.messages) {
    if (m.direction !== 'received' || !certResponseBodies.has(m.body)) continue;
    let out;
    try {
      out = key ? await decryptMessage(m.der, key, { subtle: input.subtle }) : undefined;
    } catch {
      continue;
    }
    for (const item of out?.items ?? []) {
      lines.push(...describeDecrypted(item).map((l) => `${m.body}: ${l.trim()}`));
      for (const [n, k] of (item.keys ?? []).entries()) {
        const name = `delivered-${item.certReqId ?? 0}${n ? `-${n}` : ''}.key.pem`;
        const kept = input.sink?.addSecret?.(name, toPem('PRIVATE KEY', k.pkcs8));
        lines.push(
          kept
            ? `${m.body}: the delivered key is in ${name} (PKCS#8, owner-only)`
            : `${m.body}: the delivered key was not written: ${input.sink ? 'this place cannot keep a file owner-only (use a local folder)' : 'no exchange folder'}`,
        );
      }
    }
  }
  return lines;
}

function replyIndex(result: TransactionResult): number | undefined {
  const received = [...result.messages.keys()].filter((i) => result.messages[i].direction === 'received');
  return received.filter((i) => certResponseBodies.has(result.messages[i].body)).at(-1) ?? received.at(-1);
}
