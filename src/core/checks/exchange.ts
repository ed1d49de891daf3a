/**
 * Findings for the messages of one transaction, in order (a saved exchange folder, files given
 * together, a capture): one transactionID, each recipNonce the previous senderNonce, certConf
 * hashes over the issued certificates, polling in sequence, confirmations closed, time going on.
 */
import type { CheckProfile, Finding } from '../../shared/findings';
import { PKIStatus } from '../asn1';
import { readDer } from '../der/reader';
import { toHex } from '../der/values';
import { checkCertHashes, issuedCertificates } from '../protection';
import type { Subtle } from '../base/crypto';
import { readMessage, type ReadMessage } from '../base/message';
import { checkMessage } from './message';
import { Locator } from './locate';
import { certResponseBodies, firstBodies } from '../base/bodies';
import { genpProblems } from './genp';

const hex = (b: { buffer: ArrayBuffer } | undefined) => (b ? toHex(new Uint8Array(b.buffer)) : undefined);

interface Item {
  der: Uint8Array;
  m: ReadMessage;
  at: Locator;
}

/**
 * The exchange checks, fed one message at a time (`push`, then `finish`): only the state the
 * checks need is kept, so an exchange of any length costs the memory of one message.
 */
export class ExchangeChecker {
  private readonly out: Finding[] = [];
  private count = 0;
  private tid: string | undefined;
  private started = false;
  private previous: Item | undefined;
  /** The message added last, when it decoded. */
  private lastItem: { index: number; item: Item } | undefined;
  private lastTime: Date | undefined;
  private awaitingConf = false;
  private implicitGranted = false;
  private pollOpen = false;
  /** The body answered by an error with status waiting (the delayed request, RFC 9810 §5.3.22). */
  private delayedAfter: string | undefined;
  /** A certConf waiting to see whether anything follows it (a pkiConf should). */
  private openCertConf: { index: number; offset?: number } | undefined;
  /** Certificates issued since the last certConf (what a certConf's certHash may cover). */
  private readonly issued: Uint8Array[] = [];

  constructor(private readonly options: { subtle?: Subtle } = {}) {}

  /** A finding about message `i` of the exchange. */
  private add(
    f: Omit<Finding, 'offset' | 'profile' | 'messageIndex'> & { i: number; offset?: number },
  ): void {
    const { i, offset = 0, ...rest } = f;
    this.out.push({ ...rest, profile: 'base', offset, messageIndex: i });
  }

  /** The next message; `decoded` when the caller read it already (the capture view does), null when it found it does not decode. */
  async push(der: Uint8Array, decoded?: ReadMessage | null): Promise<void> {
    const i = this.count++;
    let it: Item;
    try {
      if (decoded === null) throw new Error('does not decode');
      const m = decoded ?? readMessage(der);
      it = { der, m, at: new Locator((m.doc?.bytes === der ? m.doc : readDer(der)).roots[0]) };
    } catch {
      this.lastItem = undefined; // checkMessage reports what does not decode
      return;
    }
    this.openCertConf = undefined; // something follows the certConf
    const { m, at } = it;
    const t = hex(m.header.transactionID);
    if (!this.started) {
      this.started = true;
      this.tid = t;
    }
    if (t !== this.tid)
      this.add({
        i,
        id: 'exchange.transactionID',
        severity: 'error',
        message: `transactionID ${t ?? 'absent'} differs from the exchange's ${this.tid ?? 'absent'}`,
        ref: 'RFC 9810 §5.1.1',
        path: 'header.transactionID',
        offset: at.headerField('transactionID')?.offset,
      });
    const previous = this.previous;
    if (previous && !firstBodies.has(m.bodyName)) {
      const want = hex(previous.m.header.senderNonce);
      const got = hex(m.header.recipNonce);
      if (want !== got)
        this.add({
          i,
          id: 'exchange.recipNonce',
          severity: 'error',
          message: `recipNonce ${got ?? 'absent'} is not the previous message's senderNonce ${want ?? 'absent'}`,
          ref: 'RFC 9810 §5.1.1',
          path: 'header.recipNonce',
          offset: (at.headerField('recipNonce') ?? at.header)?.offset,
        });
    }
    const time = m.header.messageTime;
    if (time && this.lastTime && time.getTime() < this.lastTime.getTime() - 1000)
      this.add({
        i,
        id: 'exchange.messageTime',
        severity: 'info',
        message: `messageTime ${time.toISOString()} is before the previous message's ${this.lastTime.toISOString()}`,
        ref: 'RFC 9810 §5.1.1',
        path: 'header.messageTime',
        offset: at.headerField('messageTime')?.offset,
      });
    if (time) this.lastTime = time;

    const statuses = certResponseBodies.has(m.bodyName)
      ? ((
          m.body as unknown as Record<
            string,
            { response: { status: { status: PKIStatus }; certifiedKeyPair?: unknown }[] }
          >
        )[m.bodyName]?.response ?? [])
      : [];
    const prevName = previous?.m.bodyName;
    if (m.bodyName === 'pollReq' && !(this.pollOpen || prevName === 'pollRep'))
      this.add({
        i,
        id: 'exchange.polling',
        severity: 'error',
        message: `pollReq after ${prevName ?? 'nothing'}: it follows a "waiting" answer or a pollRep`,
        ref: 'RFC 9810 §5.3.22',
        path: 'body',
        offset: at.body?.offset,
      });
    if (m.bodyName === 'pollRep' && prevName !== 'pollReq')
      this.add({
        i,
        id: 'exchange.polling',
        severity: 'error',
        message: `pollRep after ${prevName ?? 'nothing'}: it answers a pollReq`,
        ref: 'RFC 9810 §5.3.22',
        path: 'body',
        offset: at.body?.offset,
      });
    // RFC 9810 §5.3.22: any answer may be delayed, an ip/cp/kup by status waiting, others by an error
    // whose status is waiting; the final answer comes after a pollReq.
    const delayed = m.bodyName === 'error' && m.body.error?.pKIStatusInfo.status === PKIStatus.waiting;
    if (delayed) this.delayedAfter = prevName;
    if (statuses.some((s) => s.status.status === PKIStatus.waiting) || m.bodyName === 'pollRep' || delayed)
      this.pollOpen = true;
    else if (m.bodyName !== 'pollReq') this.pollOpen = false;
    if (m.bodyName === 'genp' && previous?.m.bodyName === 'genm') {
      for (const p of genpProblems(previous.m, m))
        this.add({
          i,
          id: 'exchange.genp.answers',
          severity: p.severity,
          message: p.message,
          ref: p.ref,
          path: p.item !== undefined ? `body.genp[${p.item}]` : 'body.genp',
          offset: at.body?.offset,
        });
    }

    if (statuses.some((s) => s.certifiedKeyPair)) {
      this.implicitGranted = (m.header.generalInfo ?? []).some((g) => g.infoType === '1.3.6.1.5.5.7.4.13');
      this.awaitingConf = !this.implicitGranted;
    }
    // An error ends the transaction (RFC 9810 §5.3.21): no certConf is owed after it (unless it only says "waiting").
    if (m.bodyName === 'error' && !delayed) this.awaitingConf = false;
    if (m.bodyName === 'certConf') {
      if (!this.awaitingConf)
        this.add({
          i,
          id: 'exchange.certConf.unexpected',
          severity: 'warning',
          message: this.implicitGranted
            ? 'certConf although implicit confirmation was granted'
            : 'certConf without an issued certificate before it',
          ref: 'RFC 9810 §5.3.18',
          path: 'body',
          offset: at.body?.offset,
        });
      if (this.issued.length) {
        for (const r of await checkCertHashes(der, this.issued, this.options.subtle, m.body)) {
          if (r.verdict === 'invalid')
            this.add({
              i,
              id: 'exchange.certHash',
              severity: 'error',
              message: r.reason ?? r.summary,
              ref: 'RFC 9810 §5.3.18',
              path: 'body.certConf',
              offset: at.body?.offset,
            });
        }
      }
      this.awaitingConf = false;
      this.issued.length = 0; // a certConf answers the certificates issued since the last one
      this.openCertConf = { index: i, offset: at.body?.offset };
    }
    if (certResponseBodies.has(m.bodyName)) this.issued.push(...issuedCertificates(der).map((c) => c.der));
    // pkiConf answers a certConf (§5.3.17), and the receiver of an error may answer it with a pkiConf
    // (§5.3.21); after anything else it answers nothing.
    const afterPolledConf = prevName === 'pollReq' && this.delayedAfter === 'certConf';
    if (m.bodyName === 'pkiconf' && prevName !== 'certConf' && prevName !== 'error' && !afterPolledConf)
      this.add({
        i,
        id: 'exchange.pkiConf.unexpected',
        severity: 'error',
        message: `pkiConf after ${prevName ?? 'nothing'}: it answers a certConf or an error`,
        ref: 'RFC 9810 §5.3.17, §5.3.21',
        path: 'body',
        offset: at.body?.offset,
      });
    this.previous = it;
    this.lastItem = { index: i, item: it };
  }

  /** All messages are in: the findings, each naming its message by the order it was added. */
  finish(): Finding[] {
    const last = this.lastItem;
    if (last && this.openCertConf)
      this.add({
        i: this.openCertConf.index,
        id: 'exchange.pkiConf.missing',
        severity: 'warning',
        message: 'the certConf is never answered (no pkiConf follows)',
        ref: 'RFC 9810 §5.3.17',
        path: 'body',
        offset: this.openCertConf.offset,
      });
    if (last && this.awaitingConf)
      this.add({
        i: last.index,
        id: 'exchange.certConf.missing',
        severity: 'warning',
        message: 'a certificate was issued without implicit confirmation, and no certConf follows',
        ref: 'RFC 9810 §5.3.18',
        path: 'body',
        offset: last.item.at.body?.offset,
      });
    if (last && this.pollOpen && last.item.m.bodyName !== 'pollReq')
      this.add({
        i: last.index,
        id: 'exchange.polling.open',
        severity: 'warning',
        message: 'the exchange ends waiting: no pollReq follows',
        ref: 'RFC 9810 §5.3.22',
        path: 'body',
        offset: last.item.at.body?.offset,
      });
    return this.out;
  }
}

/** Findings across the exchange; each names the message (index in `messages`) it is about. */
export async function checkExchange(
  messages: Uint8Array[],
  options: { profile?: CheckProfile; subtle?: Subtle } = {},
): Promise<Finding[]> {
  const checker = new ExchangeChecker(options);
  for (const der of messages) await checker.push(der);
  return checker.finish();
}

/**
 * The messages split into nonce chains, each in protocol order (a chain opens with a message
 * without recipNonce; each next one's recipNonce is the current senderNonce), when every message
 * finds its place; else undefined. So files named alphabetically (ir-pbm-certConf before
 * ir-pbm-ip) still check in the order they happened, and an RA's upstream and downstream
 * transactions (one transactionID, two nonce chains) are told apart.
 */
export function nonceChains(messages: Uint8Array[]): number[][] | undefined {
  const heads: { sender?: string; recip?: string }[] = messages.map((der) => {
    try {
      const h = readMessage(der).header;
      return { sender: hex(h.senderNonce), recip: hex(h.recipNonce) };
    } catch {
      return {};
    }
  });
  const used = new Set<number>();
  const chains: number[][] = [];
  heads.forEach((h, start) => {
    if (h.recip) return;
    const chain = [start];
    used.add(start);
    for (;;) {
      const cur = heads[chain[chain.length - 1]];
      const next = heads.findIndex((x, i) => !used.has(i) && !!cur.sender && x.recip === cur.sender);
      if (next < 0) break;
      chain.push(next);
      used.add(next);
    }
    chains.push(chain);
  });
  return used.size === messages.length ? chains : undefined;
}

/** Every finding of an exchange: each message's own (with its index), then the exchange's. */
export async function checkTransaction(
  messages: Uint8Array[],
  options: { profile?: CheckProfile; subtle?: Subtle } = {},
): Promise<Finding[]> {
  const own = messages.flatMap((der, i) =>
    checkMessage(der, { profile: options.profile }).map((f) => ({ ...f, messageIndex: i })),
  );
  return [...own, ...(await checkExchange(messages, options))];
}

/** One line for logs, summaries and the CLI. */
export function findingLine(f: Finding): string {
  return `${f.severity} ${f.id}: ${f.message} (${f.ref}${f.profile === 'lightweight' ? ', lightweight profile' : ''}) at ${f.path || 'message'}, offset 0x${f.offset.toString(16)}`;
}
