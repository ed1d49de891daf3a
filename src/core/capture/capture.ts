/**
 * CMP messages from a packet capture: records → TCP streams (reassembled) → HTTP messages →
 * PKIMessages. CMP is recognised by `Content-Type: application/pkixcmp` or, when the type is wrong
 * or missing, by the body decoding as a PKIMessage (flagged: a classic bug). Requests and
 * responses are paired per connection; messages are grouped into exchanges by transactionID.
 * Fed in chunks (`push`), so the file never has to be in memory whole.
 */
import { peekMessage, readMessage, transactionIdHex } from '../base/message';
import { decodePacket } from './packet';
import { HttpStream, type HttpMessage } from '../base/http';
import { RecordReader, type CaptureProblem } from './records';
import { TcpDirection } from './tcp';

export interface CapturedMessage {
  /** 1-based, in the order the messages completed in the capture. */
  index: number;
  /** The packet that completed the HTTP message, and the one it started in. */
  packet: number;
  firstPacket: number;
  time: number;
  direction: 'request' | 'response';
  client: string;
  server: string;
  method?: string;
  path?: string;
  httpStatus?: number;
  contentType?: string;
  /** The body is a PKIMessage but the Content-Type is not application/pkixcmp. */
  wrongContentType: boolean;
  der: Uint8Array;
  /** "ir", "ip", …; "?" when the body does not decode. */
  bodyType: string;
  transactionID?: string;
  /** PKIStatus of a response, in words. */
  pkiStatus?: string;
  decodeError?: string;
  incomplete?: string;
  /** The index of the message this one answers or is answered by (same connection, HTTP order). */
  pairedWith?: number;
}

export interface CaptureSummary {
  packets: number;
  tcpSegments: number;
  retransmitted: number;
  outOfOrder: number;
  httpMessages: number;
}

export interface CaptureResult {
  messages: CapturedMessage[];
  problems: CaptureProblem[];
  summary: CaptureSummary;
}

interface Connection {
  id: string;
  /** Endpoint that sent the first request ("ip:port"); undefined until one is seen. */
  client?: string;
  dirs: Map<string, { tcp: TcpDirection; http: HttpStream; finished?: boolean }>;
  /** Requests waiting for their response (CMP index, or 0 for a non-CMP request). */
  waiting: number[];
  lastPacket: number;
}

const endpoint = (ip: string, port: number) => (ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`);
const isPkixCmp = (ct: string | undefined) =>
  ct?.split(';')[0].trim().toLowerCase() === 'application/pkixcmp';

export class CaptureParser {
  /** Hears each CMP message as it completes (its `pairedWith` is set later, when its answer comes). */
  onMessage?: (m: CapturedMessage) => void;
  private readonly reader: RecordReader;
  private readonly connections = new Map<string, Connection>();
  private readonly messages: CapturedMessage[] = [];
  private readonly problems: CaptureProblem[] = [];
  private readonly summary: CaptureSummary = {
    packets: 0,
    tcpSegments: 0,
    retransmitted: 0,
    outOfOrder: 0,
    httpMessages: 0,
  };
  private currentTime = 0;

  constructor() {
    this.reader = new RecordReader((r) => {
      this.summary.packets = r.number;
      this.currentTime = r.time;
      const d = decodePacket(r.linkType, r.data);
      if (d.kind === 'problem') {
        if (r.truncated)
          this.problems.push({
            message: `packet ${r.number} is cut short by the capture (snaplen): ${d.message}`,
            offset: r.offset,
            packet: r.number,
          });
        else
          this.problems.push({
            message: `packet ${r.number}: ${d.message}`,
            offset: r.offset,
            packet: r.number,
          });
        return;
      }
      if (d.kind !== 'tcp') return;
      const s = d.segment;
      if (r.truncated && s.payload.length)
        this.problems.push({
          message: `packet ${r.number} is cut short by the capture (snaplen): its TCP payload is incomplete`,
          offset: r.offset,
          packet: r.number,
        });
      this.summary.tcpSegments++;
      this.segment(endpoint(s.src, s.srcPort), endpoint(s.dst, s.dstPort), s, r.number);
    });
  }

  /** Feeds the next chunk of the file. */
  push(chunk: Uint8Array): void {
    this.reader.push(chunk);
  }

  /** Bytes read so far are all there is: finishes open streams and returns the result. */
  end(): CaptureResult {
    this.reader.end();
    for (const c of this.connections.values()) this.closeConnection(c);
    this.problems.unshift(...this.reader.problems);
    return { messages: this.messages, problems: this.problems, summary: this.summary };
  }

  private segment(from: string, to: string, s: Parameters<TcpDirection['add']>[0], packet: number): void {
    const id = [from, to].sort().join(' ↔ ');
    let c = this.connections.get(id);
    if (c && s.syn && !s.payload.length && c.dirs.has(from) && c.lastPacket) {
      // A new connection on the same ports: finish the old one first.
      this.closeConnection(c);
      this.connections.delete(id);
      c = undefined;
    }
    if (!c) {
      // An ACK or FIN of a connection already finished (or before the capture) starts nothing.
      if (!s.syn && !s.payload.length) return;
      c = { id, dirs: new Map(), waiting: [], lastPacket: packet };
      this.connections.set(id, c);
    }
    c.lastPacket = packet;
    let dir = c.dirs.get(from);
    if (!dir) {
      const conn = c;
      const http = new HttpStream((m) => this.httpMessage(conn, from, to, m));
      dir = { http, tcp: new TcpDirection((bytes, p) => http.push(bytes, p)) };
      c.dirs.set(from, dir);
    }
    dir.tcp.add(s, packet);
    if (s.fin || s.rst) {
      dir.http.close(packet);
      dir.finished = true;
      // Both sides done and nothing held back: the connection's state can go (bounded memory).
      const done = [...c.dirs.values()];
      if (
        (s.rst || (done.length === 2 && done.every((d) => d.finished))) &&
        done.every((d) => !d.tcp.missing)
      ) {
        this.closeConnection(c);
        this.connections.delete(id);
      }
    }
  }

  private closeConnection(c: Connection): void {
    for (const [from, d] of c.dirs) {
      d.http.close(c.lastPacket);
      this.summary.retransmitted += d.tcp.retransmitted;
      this.summary.outOfOrder += d.tcp.outOfOrder;
      if (d.tcp.missing)
        this.problems.push({
          message: `${from} (${c.id}): ${d.tcp.missing} bytes wait for a segment that is not in the capture`,
          offset: 0,
        });
      if (d.tcp.overflow)
        this.problems.push({
          message: `${from} (${c.id}): more out-of-order bytes than the 32 MiB held back; the stream is incomplete`,
          offset: 0,
        });
      for (const p of d.http.problems) this.problems.push({ message: `${from} (${c.id}): ${p}`, offset: 0 });
    }
    for (const index of c.waiting) {
      if (index)
        this.problems.push({
          message: `message #${index} (${this.messages[index - 1].bodyType}) got no HTTP response in the capture`,
          offset: 0,
          packet: this.messages[index - 1].packet,
        });
    }
    c.waiting = [];
  }

  private httpMessage(c: Connection, from: string, to: string, m: HttpMessage): void {
    this.summary.httpMessages++;
    if (m.kind === 'request' && !c.client) c.client = from;
    const contentType = m.headers.get('content-type');
    let index = 0;
    if (m.body.length) {
      // The outline is cheap; a body with another content type must also decode fully to count as CMP.
      const pkix = isPkixCmp(contentType);
      let outline = peekMessage(m.body);
      let decodeError: string | undefined;
      if (!outline || !pkix) {
        try {
          const read = readMessage(m.body);
          outline ??= { bodyName: read.bodyName, transactionID: transactionIdHex(read) };
        } catch (e) {
          decodeError = (e as Error).message;
          outline = undefined;
        }
      }
      if (pkix || outline) {
        index = this.messages.length + 1;
        const message: CapturedMessage = {
          index,
          packet: m.lastPacket,
          firstPacket: m.firstPacket,
          time: this.currentTime,
          direction: m.kind,
          client: m.kind === 'request' ? from : to,
          server: m.kind === 'request' ? to : from,
          method: m.method,
          path: m.path,
          httpStatus: m.status,
          contentType,
          wrongContentType: !pkix,
          der: m.body,
          bodyType: outline?.bodyName ?? '?',
          transactionID: outline?.transactionID || undefined,
          pkiStatus: outline?.status,
          decodeError,
          incomplete: m.incomplete,
        };
        this.messages.push(message);
        this.onMessage?.(message);
      }
    }
    if (m.kind === 'request') c.waiting.push(index);
    else {
      const req = c.waiting.shift();
      if (req && index) {
        this.messages[req - 1].pairedWith = index;
        this.messages[index - 1].pairedWith = req;
      }
    }
  }
}

/** Parses a whole capture in memory (tests, small files); big files go through CaptureParser.push. */
export function parseCapture(bytes: Uint8Array, chunkSize = 1 << 20): CaptureResult {
  const p = new CaptureParser();
  for (let i = 0; i < bytes.length; i += chunkSize) p.push(bytes.subarray(i, i + chunkSize));
  return p.end();
}

export interface CapturedExchange {
  transactionID: string;
  messages: CapturedMessage[];
}

/** Which exchange a message belongs to (groupExchanges' key). */
export function exchangeKey(m: CapturedMessage): string {
  return m.transactionID === undefined
    ? `#${m.index}`
    : `${m.client.replace(/:\d+$/, '')} ${m.transactionID}`;
}

/**
 * Messages grouped by client host and transactionID, in capture order; those without a transactionID
 * each stand alone. The client's host is part of the key (not its port: a transaction may take a new
 * connection per request): the same transactionID from two clients is two transactions (a replay, a
 * copied request), each checked on its own.
 */
export function groupExchanges(messages: CapturedMessage[]): CapturedExchange[] {
  const groups = new Map<string, { transactionID: string; messages: CapturedMessage[] }>();
  for (const m of messages) {
    const key = exchangeKey(m);
    const group = groups.get(key);
    if (group) group.messages.push(m);
    else groups.set(key, { transactionID: m.transactionID ?? `#${m.index}`, messages: [m] });
  }
  return [...groups.values()];
}
