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
import type { Subtle } from '../protection/mac';
import { readMessage, type ReadMessage } from '../transport/message';
import { checkMessage, firstBodies } from './message';
import { Locator } from './locate';

const hex = (b: { buffer: ArrayBuffer } | undefined) => (b ? toHex(new Uint8Array(b.buffer)) : undefined);
const certResponses = new Set(['ip', 'cp', 'kup', 'ccp']);

interface Item {
  der: Uint8Array;
  m: ReadMessage;
  at: Locator;
}

/** Findings across the exchange; each names the message (index in `messages`) it is about. */
export async function checkExchange(messages: Uint8Array[], options: { profile?: CheckProfile; subtle?: Subtle } = {}): Promise<Finding[]> {
  const out: Finding[] = [];
  const items: (Item | undefined)[] = messages.map((der) => {
    try {
      return { der, m: readMessage(der), at: new Locator(readDer(der).roots[0]) };
    } catch {
      return undefined; // checkMessage reports what does not decode
    }
  });
  const add = (i: number, id: string, severity: Finding['severity'], message: string, ref: string, path: string, offset = 0) =>
    out.push({ id, severity, message, ref, profile: 'base', path, offset, messageIndex: i });
  const ok = items.filter((x): x is Item => !!x);
  if (!ok.length) return out;
  const tid = hex(ok[0].m.header.transactionID);
  let previous: Item | undefined;
  let lastTime: Date | undefined;
  let awaitingConf = false;
  let implicitGranted = false;
  let pollOpen = false;
  /** Certificates issued so far in the exchange (what a certConf's certHash may cover). */
  const issued: Uint8Array[] = [];
  for (const [i, it] of items.entries()) {
    if (!it) continue;
    const { m, at } = it;
    const t = hex(m.header.transactionID);
    if (t !== tid) add(i, 'exchange.transactionID', 'error', `transactionID ${t ?? 'absent'} differs from the exchange's ${tid ?? 'absent'}`, 'RFC 9810 §5.1.1', 'header.transactionID', at.headerField('transactionID')?.offset);
    if (previous && !firstBodies.has(m.bodyName)) {
      const want = hex(previous.m.header.senderNonce);
      const got = hex(m.header.recipNonce);
      if (want !== got) add(i, 'exchange.recipNonce', 'error', `recipNonce ${got ?? 'absent'} is not the previous message's senderNonce ${want ?? 'absent'}`, 'RFC 9810 §5.1.1', 'header.recipNonce', (at.headerField('recipNonce') ?? at.header)?.offset);
    }
    const time = m.header.messageTime;
    if (time && lastTime && time.getTime() < lastTime.getTime() - 1000) add(i, 'exchange.messageTime', 'warning', `messageTime ${time.toISOString()} is before the previous message's ${lastTime.toISOString()}`, 'RFC 9810 §5.1.1', 'header.messageTime', at.headerField('messageTime')?.offset);
    if (time) lastTime = time;

    const statuses = certResponses.has(m.bodyName) ? ((m.body as unknown as Record<string, { response: { status: { status: PKIStatus }; certifiedKeyPair?: unknown }[] }>)[m.bodyName].response) : [];
    const prevName = previous?.m.bodyName;
    if (m.bodyName === 'pollReq' && !(pollOpen || prevName === 'pollRep')) add(i, 'exchange.polling', 'error', `pollReq after ${prevName ?? 'nothing'}: it follows a "waiting" answer or a pollRep`, 'RFC 9810 §5.3.22', 'body', at.body?.offset);
    if (m.bodyName === 'pollRep' && prevName !== 'pollReq') add(i, 'exchange.polling', 'error', `pollRep after ${prevName ?? 'nothing'}: it answers a pollReq`, 'RFC 9810 §5.3.22', 'body', at.body?.offset);
    if (statuses.some((s) => s.status.status === PKIStatus.waiting) || m.bodyName === 'pollRep') pollOpen = true;
    else if (m.bodyName !== 'pollReq') pollOpen = false;

    if (statuses.some((s) => s.certifiedKeyPair)) {
      implicitGranted = (m.header.generalInfo ?? []).some((g) => g.infoType === '1.3.6.1.5.5.7.4.13');
      awaitingConf = !implicitGranted;
    }
    if (m.bodyName === 'certConf') {
      if (!awaitingConf) add(i, 'exchange.certConf.unexpected', 'warning', implicitGranted ? 'certConf although implicit confirmation was granted' : 'certConf without an issued certificate before it', 'RFC 9810 §5.3.18', 'body', at.body?.offset);
      if (issued.length) {
        for (const r of await checkCertHashes(it.der, issued, options.subtle)) {
          if (r.verdict === 'invalid') add(i, 'exchange.certHash', 'error', r.reason ?? r.summary, 'RFC 9810 §5.3.18', 'body.certConf', at.body?.offset);
        }
      }
      awaitingConf = false;
      issued.length = 0; // a certConf answers the certificates issued since the last one
      const next = items[i + 1];
      if (!next) add(i, 'exchange.pkiConf.missing', 'warning', 'the certConf is never answered (no pkiConf follows)', 'RFC 9810 §5.3.17', 'body', at.body?.offset);
    }
    if (certResponses.has(m.bodyName)) issued.push(...issuedCertificates(it.der).map((c) => c.der));
    if (m.bodyName === 'pkiconf' && prevName !== 'certConf') add(i, 'exchange.pkiConf.unexpected', 'error', `pkiConf after ${prevName ?? 'nothing'}: it answers a certConf`, 'RFC 9810 §5.3.17', 'body', at.body?.offset);
    previous = it;
  }
  const last = items.length - 1;
  const lastItem = items[last];
  if (lastItem && awaitingConf) add(last, 'exchange.certConf.missing', 'warning', 'a certificate was issued without implicit confirmation, and no certConf follows', 'RFC 9810 §5.3.18', 'body', lastItem.at.body?.offset);
  if (lastItem && pollOpen && lastItem.m.bodyName !== 'pollReq') add(last, 'exchange.polling.open', 'warning', 'the exchange ends waiting: no pollReq follows', 'RFC 9810 §5.3.22', 'body', lastItem.at.body?.offset);
  return out;
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
export async function checkTransaction(messages: Uint8Array[], options: { profile?: CheckProfile; subtle?: Subtle } = {}): Promise<Finding[]> {
  const own = messages.flatMap((der, i) => checkMessage(der, { profile: options.profile }).map((f) => ({ ...f, messageIndex: i })));
  return [...own, ...await checkExchange(messages, options)];
}

/** One line for logs, summaries and the CLI. */
export function findingLine(f: Finding): string {
  return `${f.severity} ${f.id}: ${f.message} (${f.ref}${f.profile === 'lightweight' ? ', lightweight profile' : ''}) at ${f.path || 'message'}, offset 0x${f.offset.toString(16)}`;
}
