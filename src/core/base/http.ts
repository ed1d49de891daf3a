/**
 * HTTP/1.0 and 1.1 messages from one direction of a reassembled TCP stream: start line, headers,
 * and the body by Content-Length, chunked transfer coding, or (responses) connection close.
 * A stream that does not start like HTTP is dropped at once, so other traffic costs nothing.
 */

const latin1 = new TextDecoder('latin1');

export interface HttpMessage {
  kind: 'request' | 'response';
  method?: string;
  path?: string;
  status?: number;
  headers: Map<string, string>;
  body: Uint8Array;
  firstPacket: number;
  lastPacket: number;
  /** The body was cut: by the end of the capture, or by the size cap. */
  incomplete?: string;
}

/** Largest header block and body kept (a CMP message is far smaller). */
export const maxHeaderBytes = 64 * 1024;
export const maxBodyBytes = 16 * 1024 * 1024;

const requestLine = /^([A-Z]+) (\S+) HTTP\/1\.[01]$/;
const statusLine = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/;

function findHeaderEnd(b: Uint8Array, from: number): number {
  for (let i = Math.max(0, from); i + 3 < b.length; i++) {
    if (b[i] === 13 && b[i + 1] === 10 && b[i + 2] === 13 && b[i + 3] === 10) return i;
  }
  return -1;
}

/** A chunked body from `b` at `p`: the decoded body and the bytes used, or undefined if incomplete. */
function chunked(
  b: Uint8Array,
  p: number,
): { body: Uint8Array; used: number } | { error: string } | undefined {
  const parts: Uint8Array[] = [];
  let size = 0;
  let q = p;
  for (;;) {
    let eol = q;
    while (eol + 1 < b.length && !(b[eol] === 13 && b[eol + 1] === 10)) eol++;
    if (eol + 1 >= b.length) return undefined;
    const line = latin1.decode(b.subarray(q, eol)).split(';')[0].trim();
    if (!/^[0-9a-fA-F]+$/.test(line)) return { error: `bad chunk size "${line.slice(0, 20)}"` };
    const n = parseInt(line, 16);
    q = eol + 2;
    if (n === 0) {
      // Trailers, then an empty line.
      for (;;) {
        let e = q;
        while (e + 1 < b.length && !(b[e] === 13 && b[e + 1] === 10)) e++;
        if (e + 1 >= b.length) return undefined;
        const empty = e === q;
        q = e + 2;
        if (empty) break;
      }
      const body = new Uint8Array(size);
      let o = 0;
      for (const part of parts) {
        body.set(part, o);
        o += part.length;
      }
      return { body, used: q - p };
    }
    if (size + n > maxBodyBytes) return { error: `chunked body over ${maxBodyBytes} bytes` };
    if (q + n + 2 > b.length) return undefined;
    parts.push(b.subarray(q, q + n));
    size += n;
    q += n + 2;
  }
}

/** A byte buffer that grows by doubling, so a body arriving in many segments is copied O(n) times in all. */
class Bytes {
  private store = new Uint8Array(0); // allocated on first use: most directions carry little
  private start = 0;
  private end = 0;

  get length(): number {
    return this.end - this.start;
  }

  view(): Uint8Array {
    return this.store.subarray(this.start, this.end);
  }

  append(b: Uint8Array): void {
    if (this.end + b.length > this.store.length) {
      const used = this.length;
      if (used + b.length <= this.store.length / 2) {
        this.store.copyWithin(0, this.start, this.end); // room enough once the consumed part is gone
      } else {
        // The first append takes what it needs (most messages come in one segment or two: a
        // connection each, tens of thousands in a capture), later ones double.
        const next = new Uint8Array(Math.max(this.store.length * 2, used + b.length));
        next.set(this.store.subarray(this.start, this.end));
        this.store = next;
      }
      this.start = 0;
      this.end = used;
    }
    this.store.set(b, this.end);
    this.end += b.length;
  }

  consume(n: number): void {
    this.start += n;
    if (this.start === this.end) this.start = this.end = 0;
  }

  clear(): void {
    this.start = this.end = 0;
  }
}

interface Head {
  /** Offset of the blank line ending the headers. */
  end: number;
  req: RegExpExecArray | null;
  status?: number;
  headers: Map<string, string>;
}

export class HttpStream {
  private readonly buf = new Bytes();
  private firstPacket = 0;
  private notHttp = false;
  private head?: Head;
  /** Set by the pairing: the method of the request a response answers (HEAD has no body). */
  problems: string[] = [];

  constructor(private readonly onMessage: (m: HttpMessage) => void) {}

  push(bytes: Uint8Array, packet: number): void {
    if (this.notHttp) return;
    if (!this.buf.length) this.firstPacket = packet;
    this.buf.append(bytes);
    while (this.buf.length && !this.notHttp && this.parse(packet, false)) {
      /* one message per round */
    }
  }

  /** The connection closed (or the capture ended): a body read to the close is complete now. */
  close(packet: number): void {
    while (this.buf.length && !this.notHttp && this.parse(packet, true)) {
      /* flush */
    }
    if (this.buf.length && !this.notHttp)
      this.problems.push(`${this.buf.length} bytes of an unfinished HTTP message at the end of the stream`);
    this.buf.clear();
    this.head = undefined;
  }

  /** The head (request or status line, headers) at the buffer's start; undefined until it is all there. */
  private readHead(b: Uint8Array): Head | undefined {
    const end = findHeaderEnd(b, 0);
    if (end < 0) {
      const start = latin1.decode(b.subarray(0, Math.min(b.length, 16)));
      if (!/^(HTTP\/|[A-Z]+ )/.test(start) && b.length >= 5) this.notHttp = true;
      else if (b.length > maxHeaderBytes) {
        this.problems.push(`no end of HTTP headers within ${maxHeaderBytes} bytes`);
        this.notHttp = true;
      }
      return undefined;
    }
    const lines = latin1.decode(b.subarray(0, end)).split('\r\n');
    const req = requestLine.exec(lines[0]);
    const res = statusLine.exec(lines[0]);
    if (!req && !res) {
      this.notHttp = true;
      return undefined;
    }
    const headers = new Map<string, string>();
    for (const l of lines.slice(1)) {
      const c = l.indexOf(':');
      if (c > 0) headers.set(l.slice(0, c).trim().toLowerCase(), l.slice(c + 1).trim());
    }
    return { end, req, status: res ? Number(res[1]) : undefined, headers };
  }

  /** Parses one message from the buffer; true when one was taken. */
  private parse(packet: number, closing: boolean): boolean {
    const b = this.buf.view();
    // The head of a message whose body is still coming was read already (most bodies take a segment
    // or two after it): read again only once a message is taken.
    const head = this.head ?? (this.head = this.readHead(b));
    if (!head) return false;
    const { end, req, status, headers } = head;
    const bodyStart = end + 4;
    const base = {
      kind: req ? ('request' as const) : ('response' as const),
      method: req?.[1],
      path: req?.[2],
      status,
      headers,
      firstPacket: this.firstPacket,
      lastPacket: packet,
    };
    let body: Uint8Array;
    let used: number;
    let incomplete: string | undefined;
    const te = headers.get('transfer-encoding')?.toLowerCase();
    const cl = headers.get('content-length');
    if (status !== undefined && (status < 200 || status === 204 || status === 304)) {
      body = new Uint8Array(0);
      used = bodyStart;
    } else if (te?.includes('chunked')) {
      const c = chunked(b, bodyStart);
      if (!c) {
        if (!closing) return false;
        incomplete = 'the chunked body ends early';
        body = new Uint8Array(0);
        used = b.length;
      } else if ('error' in c) {
        this.problems.push(c.error);
        this.notHttp = true;
        return false;
      } else {
        body = c.body.slice();
        used = bodyStart + c.used;
      }
    } else if (cl !== undefined) {
      const n = Number(cl);
      if (!Number.isInteger(n) || n < 0) {
        this.problems.push(`bad Content-Length "${cl}"`);
        this.notHttp = true;
        return false;
      }
      if (n > maxBodyBytes) {
        this.problems.push(`Content-Length ${n} is over the ${maxBodyBytes}-byte cap`);
        this.notHttp = true;
        return false;
      }
      if (b.length < bodyStart + n) {
        if (!closing) return false;
        incomplete = `${b.length - bodyStart} of ${n} body bytes captured`;
        body = b.slice(bodyStart);
        used = b.length;
      } else {
        body = b.slice(bodyStart, bodyStart + n);
        used = bodyStart + n;
      }
    } else if (req) {
      body = new Uint8Array(0);
      used = bodyStart;
    } else {
      // A response without length: the body runs to the close (HTTP/1.0 style).
      if (!closing) return false;
      body = b.slice(bodyStart);
      used = b.length;
    }
    this.buf.consume(used);
    this.head = undefined;
    this.firstPacket = packet;
    this.onMessage({ ...base, body, incomplete });
    return true;
  }
}
