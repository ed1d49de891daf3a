/**
 * A client's CMP transaction (RFC 9810 §5, RFC 9483 §4): send the request, check each answer, poll
 * on `waiting`/pollRep, confirm issued certificates with certConf, expect pkiConf. Each message is
 * reported through onMessage as soon as it exists, so callers save it before anything can fail.
 */
import { AsnSerializer, OctetString } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier, Certificate } from '@peculiar/asn1-x509';
import type { CheckResult } from '../../shared/protection';
import {
  CertConfirmContent,
  type CertResponses,
  CertStatus,
  type EncryptedKey,
  PKIBody,
  PKIFreeText,
  PKIHeader,
  PKIMessage,
  PKIStatus,
  PKIStatusInfo,
  PollReq,
  PollReqContent,
  oids,
} from '../asn1';
import { toHex } from '../der/values';
import { certHashFor, openEnvelope } from '../protection';
import { own } from '../base/bytes';
import { type Subtle } from '../base/crypto';
import { protectMessage, type ProtectionSpec } from '../protection';
import { verifyMessage, type VerifyOptions } from '../protection';
import { checkHttpAnswer, transportDefaults, TransportError, type Post, type ServerConfig } from './rfc9811';
import { readMessage, schemaNodeLimit, statusText, type ReadMessage } from '../base/message';
import { certRepOf } from '../base/bodies';
import { digestOidByHash } from '../base/algorithms';
import { decodeAs, wordsOf } from '../base/decode';

export interface ExchangeMessage {
  direction: 'sent' | 'received';
  der: Uint8Array;
  body: string;
  /** PKIStatus in words for responses that carry one. */
  status?: string;
  /** ms since the transaction started. */
  at: number;
  protection?: CheckResult;
}

export interface TransactionOptions {
  post: Post;
  server: ServerConfig;
  /** How follow-up messages (pollReq, certConf) are protected: as the request was. */
  protection: ProtectionSpec;
  /** For checking the answers' protection. */
  verify?: VerifyOptions;
  onMessage?: (m: ExchangeMessage) => void | Promise<void>;
  /** One line per step, for the log (never a secret). */
  onStep?: (line: string) => void;
  signal?: AbortSignal;
  /** Longest total time spent polling (default 5 min), and longest single wait (default 60 s). */
  maxPollMs?: number;
  maxWaitMs?: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => Date;
  random?: (n: number) => Uint8Array;
  subtle?: Subtle;
  /**
   * The requested key's PKCS#8, to open an encrypted certificate (indirect POP, RFC 9810 §5.2.8.3): the
   * certificate is decrypted, and certConf's certHash is over the decrypted certificate.
   */
  newKey?: () => Promise<Uint8Array | undefined>;
}

export interface TransactionResult {
  messages: ExchangeMessage[];
  ok: boolean;
  /** Which step failed and why. */
  error?: string;
  /** Certificates issued (DER), with their certReqId. */
  issued: { certReqId: number; der: Uint8Array }[];
  /** The last message received. */
  reply?: Uint8Array;
}

export class TransactionError extends Error {}

const sleepDefault = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        reject(new TransportError('cancelled', 'cancelled while waiting to poll'));
      },
      { once: true },
    );
  });

/** Runs the transaction started by `request` (DER). Never throws: failures are in the result. */
export async function runTransaction(request: Uint8Array, o: TransactionOptions): Promise<TransactionResult> {
  const t = new Transaction(request, o);
  try {
    await t.run();
    return { messages: t.messages, ok: true, issued: t.issued, reply: t.lastReply };
  } catch (e) {
    const msg =
      e instanceof TransportError || e instanceof TransactionError
        ? e.message
        : `unexpected: ${wordsOf(e, 'an error in the transaction')}`;
    o.onStep?.(`failed: ${msg}`);
    return { messages: t.messages, ok: false, error: msg, issued: t.issued, reply: t.lastReply };
  }
}

class Transaction {
  readonly messages: ExchangeMessage[] = [];
  readonly issued: { certReqId: number; der: Uint8Array }[] = [];
  lastReply?: Uint8Array;
  private readonly start: number;
  private readonly req: ReadMessage;
  private pollStart?: number;

  constructor(
    private readonly request: Uint8Array,
    private readonly o: TransactionOptions,
  ) {
    this.start = this.now().getTime();
    this.req = readMessage(request);
  }

  private now(): Date {
    return (this.o.now ?? (() => new Date()))();
  }

  async run(): Promise<void> {
    let sent = this.request;
    let sentHeader = this.req;
    for (let round = 0; round < 100; round++) {
      const { msg } = await this.exchange(sent, sentHeader);
      const next = await this.followUp(msg);
      if (!next) return;
      sent = next;
      sentHeader = readMessage(next);
    }
    throw new TransactionError('more than 100 rounds in one transaction: stopped');
  }

  private async record(
    direction: ExchangeMessage['direction'],
    der: Uint8Array,
    m: ReadMessage,
    protection?: CheckResult,
  ): Promise<void> {
    const entry: ExchangeMessage = {
      direction,
      der,
      body: m.bodyName,
      status: responseStatus(m),
      at: this.now().getTime() - this.start,
      protection,
    };
    this.messages.push(entry);
    await this.o.onMessage?.(entry);
  }

  /** Sends one message and returns the checked answer. */
  private async exchange(der: Uint8Array, sent: ReadMessage): Promise<{ der: Uint8Array; msg: ReadMessage }> {
    if (this.o.signal?.aborted) throw new TransportError('cancelled', 'cancelled');
    await this.record('sent', der, sent);
    const s = this.o.server;
    this.o.onStep?.(`POST ${sent.bodyName} (${der.length} bytes) to ${s.url}`);
    const answer = await this.o.post({
      url: s.url,
      body: der,
      headers: s.headers,
      signal: this.o.signal,
      timeoutMs: s.timeoutMs ?? transportDefaults.timeoutMs,
      maxResponseBytes: s.maxResponseBytes ?? transportDefaults.maxResponseBytes,
    });
    this.o.onStep?.(
      `HTTP ${answer.status}, ${answer.contentType ?? 'no Content-Type'}, ${answer.body.length} bytes`,
    );
    checkHttpAnswer(answer);
    let msg: ReadMessage;
    try {
      msg = readMessage(answer.body);
    } catch (e) {
      throw new TransactionError(
        `the answer to ${sent.bodyName} is not a PKIMessage: ${(e as Error).message}`,
      );
    }
    // A body too big to decode into schema objects cannot be followed (readMessage names it, empty).
    if (msg.bodyNodes !== undefined)
      throw new TransactionError(
        `the ${msg.bodyName} answer to ${sent.bodyName} has ${msg.bodyNodes} ASN.1 nodes in its body, more than a transaction decodes (${schemaNodeLimit}); inspect it to see it whole`,
      );
    this.lastReply = answer.body;
    const checks = await verifyMessage(answer.body, {
      ...this.o.verify,
      crypto: this.o.subtle ? { subtle: this.o.subtle } : undefined,
    });
    const protection = checks.find((c) => c.check === 'protection');
    await this.record('received', answer.body, msg, protection);
    this.o.onStep?.(
      `received ${msg.bodyName}${responseStatus(msg) ? ` (${responseStatus(msg)})` : ''}; protection ${protection?.verdict ?? '?'}: ${protection?.summary ?? ''}`,
    );
    this.checkHeader(sent, msg);
    if (protection?.verdict === 'invalid')
      throw new TransactionError(
        `the ${msg.bodyName} answer's protection is invalid: ${protection.reason ?? protection.summary}`,
      );
    return { der: answer.body, msg };
  }

  private checkHeader(sent: ReadMessage, got: ReadMessage): void {
    const hex = (o?: OctetString) => (o ? toHex(new Uint8Array(o.buffer)) : '(absent)');
    const tid = hex(sent.header.transactionID);
    if (hex(got.header.transactionID) !== tid)
      throw new TransactionError(
        `transactionID mismatch: sent ${tid}, the ${got.bodyName} answer has ${hex(got.header.transactionID)}`,
      );
    const nonce = hex(sent.header.senderNonce);
    if (hex(got.header.recipNonce) !== nonce)
      throw new TransactionError(
        `recipNonce mismatch: the ${got.bodyName} answer's recipNonce is ${hex(got.header.recipNonce)}, our senderNonce was ${nonce} (RFC 9810 §5.1.1)`,
      );
  }

  /** The next message to send, or undefined when the transaction is complete. */
  private async followUp(msg: ReadMessage): Promise<Uint8Array | undefined> {
    const b = msg.body;
    // RFC 9810 §5.3.22: an answer other than ip/cp/kup is delayed with an error message whose status
    // is waiting; the client polls with certReqId -1 until the final answer comes (OpenSSL 3.5 does it).
    if (b.error?.pKIStatusInfo.status === PKIStatus.waiting) return this.poll(msg, 0, [-1]);
    if (b.error)
      throw new TransactionError(
        `the server answered with an error message: ${statusText(b.error.pKIStatusInfo)}`,
      );
    const rep = certRepOf(b);
    if (rep) return this.certResponse(msg, rep.response);
    if (b.pollRep) {
      const wait = b.pollRep[0]?.checkAfter ?? 0;
      return this.poll(
        msg,
        wait,
        b.pollRep.map((p) => p.certReqId),
      );
    }
    if (b.pkiconf !== undefined || b.rp || b.genp || b.krp || b.popdecc) {
      if (b.rp) {
        const bad = b.rp.status.find(
          (s) => s.status !== PKIStatus.accepted && s.status !== PKIStatus.grantedWithMods,
        );
        if (bad) throw new TransactionError(`revocation not done: ${statusText(bad)}`);
      }
      return undefined;
    }
    throw new TransactionError(`unexpected ${msg.bodyName} in answer to ${this.req.bodyName}`);
  }

  private async certResponse(msg: ReadMessage, responses: CertResponses): Promise<Uint8Array | undefined> {
    const waiting = responses.filter((r) => r.status.status === PKIStatus.waiting);
    if (waiting.length)
      return this.poll(
        msg,
        0,
        waiting.map((r) => r.certReqId),
      );
    const statuses: CertStatus[] = [];
    for (const r of responses) {
      if (r.status.status !== PKIStatus.accepted && r.status.status !== PKIStatus.grantedWithMods) {
        throw new TransactionError(
          `certificate request ${r.certReqId} was not granted: ${statusText(r.status)}`,
        );
      }
      const cert =
        r.certifiedKeyPair?.certOrEncCert.certificate?.x509v3PKCert ??
        (await this.decryptedCert(r.certReqId, r.certifiedKeyPair?.certOrEncCert.encryptedCert));
      if (!cert)
        throw new TransactionError(`certificate request ${r.certReqId} was granted without a certificate`);
      const certDer = new Uint8Array(AsnSerializer.serialize(cert));
      this.issued.push({ certReqId: r.certReqId, der: certDer });
      statuses.push(await this.certStatus(r.certReqId, cert, certDer));
    }
    const implicit = msg.header.generalInfo?.some((i) => i.infoType === oids.itImplicitConfirm);
    if (implicit) {
      this.o.onStep?.('implicitConfirm granted: no certConf');
      return undefined;
    }
    return this.next(msg, new PKIBody({ certConf: new CertConfirmContent(statuses) }));
  }

  /** An encrypted certificate (indirect POP) opened with the requested key; undefined when there is none. */
  private async decryptedCert(
    certReqId: number,
    enc: EncryptedKey | undefined,
  ): Promise<Certificate | undefined> {
    if (!enc) return undefined;
    if (!enc.envelopedData)
      throw new TransactionError(
        `certificate ${certReqId} came encrypted as an EncryptedValue (RFC 4211): only EnvelopedData is opened in a transaction`,
      );
    const newKey = await this.o.newKey?.();
    if (!newKey)
      throw new TransactionError(
        `certificate ${certReqId} came encrypted (indirect POP) and the requested key is not at hand to open it`,
      );
    try {
      const opened = await openEnvelope(enc.envelopedData, { kind: 'key', pkcs8: newKey }, this.o.subtle);
      this.o.onStep?.(
        `certificate ${certReqId} came encrypted: opened with ${opened.recipient.replace(/ for .*/, '')}`,
      );
      return decodeAs(opened.content, Certificate, 'the decrypted certificate');
    } catch (e) {
      throw new TransactionError(
        `certificate ${certReqId} came encrypted and does not open: ${wordsOf(e, 'it does not decrypt')}`,
      );
    }
  }

  /** Accept when the certificate carries the requested public key; reject otherwise. */
  private async certStatus(certReqId: number, cert: Certificate, certDer: Uint8Array): Promise<CertStatus> {
    // A signature algorithm that names no hash (ML-DSA, SLH-DSA, Ed448, RSASSA-PSS): SHA-256, said in
    // hashAlg, which needs pvno 3 (RFC 9810 §5.3.18), as OpenSSL 3.5 does; `next` raises the pvno.
    const named = certHashFor(cert, undefined);
    const hash = named ?? 'SHA-256';
    const status = new CertStatus({
      certReqId,
      certHash: new OctetString(await (this.o.subtle ?? globalThis.crypto.subtle).digest(hash, own(certDer))),
    });
    if (!named) status.hashAlg = new AlgorithmIdentifier({ algorithm: digestOidByHash['SHA-256'] });
    const wanted = requestedKey(this.req);
    const got = toHex(new Uint8Array(AsnSerializer.serialize(cert.tbsCertificate.subjectPublicKeyInfo)));
    if (wanted && wanted !== got) {
      this.o.onStep?.(
        `certificate ${certReqId} does not carry the requested public key: rejecting it in certConf`,
      );
      status.statusInfo = new PKIStatusInfo({
        status: PKIStatus.rejection,
        statusString: new PKIFreeText(['the certificate does not carry the requested public key']),
      });
    } else {
      status.statusInfo = new PKIStatusInfo({ status: PKIStatus.accepted });
    }
    return status;
  }

  private async poll(msg: ReadMessage, checkAfter: number, ids: number[]): Promise<Uint8Array> {
    this.pollStart ??= this.now().getTime();
    const maxPoll = this.o.maxPollMs ?? 300_000;
    const wait = Math.min(Math.max(0, checkAfter) * 1000, this.o.maxWaitMs ?? 60_000);
    if (this.now().getTime() - this.pollStart + wait > maxPoll)
      throw new TransactionError(
        `polling would take longer than ${Math.round(maxPoll / 1000)} s (checkAfter ${checkAfter} s): stopped`,
      );
    this.o.onStep?.(
      `waiting ${wait / 1000} s before pollReq${checkAfter * 1000 > wait ? ` (checkAfter ${checkAfter} s, capped)` : ''}`,
    );
    await (this.o.sleep ?? sleepDefault)(wait, this.o.signal);
    return this.next(
      msg,
      new PKIBody({ pollReq: new PollReqContent(ids.map((certReqId) => new PollReq({ certReqId }))) }),
    );
  }

  /** The request's header with fresh senderNonce and time, recipNonce from the answer. */
  private async next(answer: ReadMessage, body: PKIBody): Promise<Uint8Array> {
    const random = this.o.random ?? ((n: number) => globalThis.crypto.getRandomValues(new Uint8Array(n)));
    const h = decodeAs(AsnSerializer.serialize(this.req.header), PKIHeader);
    h.senderNonce = new OctetString(random(16));
    h.recipNonce = answer.header.senderNonce;
    h.messageTime = new Date(Math.floor(this.now().getTime() / 1000) * 1000);
    h.generalInfo = undefined;
    h.protectionAlg = undefined;
    if (body.certConf?.some((st) => st.hashAlg)) h.pvno = 3;
    const m = new PKIMessage({ header: h, body });
    return protectMessage(m, this.o.protection, { subtle: this.o.subtle, random });
  }
}

/**
 * Hex of the SubjectPublicKeyInfo the request asked a certificate for; undefined for central key
 * generation (RFC 9483 §4.1.6: the template names only the algorithm, the CA chooses the key).
 */
function requestedKey(req: ReadMessage): string | undefined {
  const b = req.body;
  const msgs = b.ir ?? b.cr ?? b.kur ?? b.ccr;
  const spki = msgs?.[0]?.certReq.certTemplate.publicKey ?? b.p10cr?.certificationRequestInfo.subjectPKInfo;
  if (!spki || spki.subjectPublicKey.byteLength === 0) return undefined;
  return toHex(new Uint8Array(AsnSerializer.serialize(spki)));
}

function responseStatus(m: ReadMessage): string | undefined {
  const b = m.body;
  const rep = certRepOf(b);
  if (rep) return rep.response.map((r) => statusText(r.status)).join('; ');
  if (b.error) return statusText(b.error.pKIStatusInfo);
  if (b.rp) return b.rp.status.map((s) => statusText(s)).join('; ');
  if (b.pollRep) return `checkAfter ${b.pollRep.map((p) => p.checkAfter).join(', ')} s`;
  if (b.certConf) return b.certConf.map((s) => statusText(s.statusInfo) || 'accepted').join('; ');
  return undefined;
}
