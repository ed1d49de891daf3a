/**
 * Writes the capture fixtures in test/fixtures/captures/ (run: npx tsx test/gen/captures.ts): the
 * OpenSSL corpus exchanges (ir/ip/certConf/pkiConf, genm/genp) carried over HTTP in TCP, framed as
 * real captures are — classic pcap (both byte orders, µs and ns) and pcapng, Ethernet, Linux
 * cooked SLL/SLL2, raw IP, BSD loopback, IPv4 and IPv6 — and bent the ways captures go wrong:
 * segments out of order and retransmitted, a chunked response, a wrong Content-Type, a file that
 * ends inside its last packet. Deterministic: same bytes every run. Checksums are real, so
 * Wireshark reads these files as it reads captures from tcpdump.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', 'fixtures');
const out = join(root, 'captures');
const msg = (name: string) => new Uint8Array(readFileSync(join(root, 'openssl-mock', `${name}.der`)));
const text = (s: string) => new TextEncoder().encode(s);
const cat = (...parts: Uint8Array[]) => {
  const r = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    r.set(p, o);
    o += p.length;
  }
  return r;
};

function sum16(b: Uint8Array, initial = 0): number {
  let s = initial;
  for (let i = 0; i < b.length; i += 2) s += (b[i] << 8) | (b[i + 1] ?? 0);
  while (s >> 16) s = (s & 0xffff) + (s >> 16);
  return s;
}
const checksum = (b: Uint8Array, initial = 0) => ~sum16(b, initial) & 0xffff;

interface Host {
  ip: Uint8Array;
  port: number;
}
const v4 = (a: string) => Uint8Array.from(a.split('.').map(Number));
function v6(a: string): Uint8Array {
  const [head, tail] = a.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return Uint8Array.from(groups.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff]));
}

interface Segment {
  from: Host;
  to: Host;
  seq: number;
  ack: number;
  flags: number;
  payload: Uint8Array;
}
const SYN = 0x02,
  ACK = 0x10,
  PSH = 0x08,
  FIN = 0x01;

function tcpBytes(s: Segment): Uint8Array {
  const h = new Uint8Array(20);
  const dv = new DataView(h.buffer);
  dv.setUint16(0, s.from.port);
  dv.setUint16(2, s.to.port);
  dv.setUint32(4, s.seq >>> 0);
  dv.setUint32(8, s.ack >>> 0);
  h[12] = 5 << 4;
  h[13] = s.flags;
  dv.setUint16(14, 65535);
  const seg = cat(h, s.payload);
  const v6 = s.from.ip.length === 16;
  const pseudo = v6
    ? cat(s.from.ip, s.to.ip, Uint8Array.of(0, 0, seg.length >> 8, seg.length & 0xff, 0, 0, 0, 6))
    : cat(s.from.ip, s.to.ip, Uint8Array.of(0, 6, seg.length >> 8, seg.length & 0xff));
  new DataView(seg.buffer).setUint16(16, checksum(seg, sum16(pseudo)));
  return seg;
}

let ipId = 1;
function ipBytes(s: Segment): Uint8Array {
  const tcp = tcpBytes(s);
  if (s.from.ip.length === 16) {
    const h = new Uint8Array(40);
    h[0] = 0x60;
    new DataView(h.buffer).setUint16(4, tcp.length);
    h[6] = 6;
    h[7] = 64;
    h.set(s.from.ip, 8);
    h.set(s.to.ip, 24);
    return cat(h, tcp);
  }
  const h = new Uint8Array(20);
  const dv = new DataView(h.buffer);
  h[0] = 0x45;
  dv.setUint16(2, 20 + tcp.length);
  dv.setUint16(4, ipId++);
  dv.setUint16(6, 0x4000);
  h[8] = 64;
  h[9] = 6;
  h.set(s.from.ip, 12);
  h.set(s.to.ip, 16);
  dv.setUint16(10, checksum(h));
  return cat(h, tcp);
}

type Link = 'ethernet' | 'sll' | 'sll2' | 'raw' | 'loopback';
const linkTypes: Record<Link, number> = { ethernet: 1, sll: 113, sll2: 276, raw: 101, loopback: 0 };

function frame(link: Link, ip: Uint8Array): Uint8Array {
  const v6 = ip[0] >> 4 === 6;
  const etherType = v6 ? Uint8Array.of(0x86, 0xdd) : Uint8Array.of(0x08, 0x00);
  switch (link) {
    case 'ethernet':
      return cat(new Uint8Array(12), etherType, ip);
    case 'sll':
      return cat(Uint8Array.of(0, 0, 0, 772 >> 8, 772 & 0xff, 0, 6), new Uint8Array(7), etherType, ip);
    case 'sll2':
      return cat(etherType, Uint8Array.of(0, 0, 0, 0, 0, 1, 3, 4, 0, 6), new Uint8Array(8), ip);
    case 'raw':
      return ip;
    case 'loopback':
      return cat(Uint8Array.of(v6 ? 30 : 2, 0, 0, 0), ip);
  }
}

/** A TCP connection that records its segments in order of sending. */
class Conn {
  private cseq = 1000;
  private sseq = 500_000;
  readonly segments: Segment[] = [];
  constructor(
    readonly client: Host,
    readonly server: Host,
  ) {
    this.push(client, server, this.cseq++, 0, SYN, new Uint8Array());
    this.push(server, client, this.sseq++, this.cseq, SYN | ACK, new Uint8Array());
    this.push(client, server, this.cseq, this.sseq, ACK, new Uint8Array());
  }
  private push(from: Host, to: Host, seq: number, ack: number, flags: number, payload: Uint8Array): void {
    this.segments.push({ from, to, seq, ack, flags, payload });
  }
  /** Sends `data` from the client (or server) in segments of at most `mss` bytes. */
  send(fromClient: boolean, data: Uint8Array, mss = 1448): void {
    for (let o = 0; o < data.length; o += mss) {
      const part = data.subarray(o, o + mss);
      if (fromClient) {
        this.push(this.client, this.server, this.cseq, this.sseq, ACK | PSH, part);
        this.cseq += part.length;
      } else {
        this.push(this.server, this.client, this.sseq, this.cseq, ACK | PSH, part);
        this.sseq += part.length;
      }
    }
    if (fromClient) this.push(this.server, this.client, this.sseq, this.cseq, ACK, new Uint8Array());
    else this.push(this.client, this.server, this.cseq, this.sseq, ACK, new Uint8Array());
  }
  close(): void {
    this.push(this.client, this.server, this.cseq++, this.sseq, FIN | ACK, new Uint8Array());
    this.push(this.server, this.client, this.sseq++, this.cseq, FIN | ACK, new Uint8Array());
    this.push(this.client, this.server, this.cseq, this.sseq, ACK, new Uint8Array());
  }
}

function request(der: Uint8Array, contentType = 'application/pkixcmp'): Uint8Array {
  return cat(
    text(
      `POST /.well-known/cmp HTTP/1.1\r\nHost: ca.example\r\nContent-Type: ${contentType}\r\nContent-Length: ${der.length}\r\n\r\n`,
    ),
    der,
  );
}

function response(der: Uint8Array, chunked = false): Uint8Array {
  if (!chunked)
    return cat(
      text(`HTTP/1.1 200 OK\r\nContent-Type: application/pkixcmp\r\nContent-Length: ${der.length}\r\n\r\n`),
      der,
    );
  const parts: Uint8Array[] = [
    text('HTTP/1.1 200 OK\r\nContent-Type: application/pkixcmp\r\nTransfer-Encoding: chunked\r\n\r\n'),
  ];
  for (let o = 0; o < der.length; o += 300) {
    const c = der.subarray(o, o + 300);
    parts.push(text(`${c.length.toString(16)}; ext=1\r\n`), c, text('\r\n'));
  }
  parts.push(text('0\r\nX-Trailer: yes\r\n\r\n'));
  return cat(...parts);
}

interface Options {
  v6?: boolean;
  chunked?: boolean;
  contentType?: string;
  mss?: number;
}

/** The ir exchange (one connection per request, as OpenSSL does) and the genm exchange. */
function traffic(o: Options = {}): Segment[] {
  const host = (last: number, port: number): Host => ({
    ip: o.v6 ? v6(`fd00::${last}`) : v4(`192.0.2.${last}`),
    port,
  });
  const pairs: [string, string][] = [
    ['ir-pbm', 'ir-pbm-ip'],
    ['ir-pbm-certConf', 'ir-pbm-pkiConf'],
    ['genm-pbm', 'genm-pbm-genp'],
  ];
  return pairs.flatMap(([req, res], i) => {
    const c = new Conn(host(10, 40000 + i), host(1, 8080));
    c.send(true, request(msg(req), o.contentType), o.mss);
    c.send(false, response(msg(res), o.chunked), o.mss);
    c.close();
    return c.segments;
  });
}

interface Packet {
  time: number;
  data: Uint8Array;
  orig?: number;
}
const packets = (segs: Segment[], link: Link): Packet[] =>
  segs.map((s, i) => ({ time: 1795000000 + i * 0.001234567, data: frame(link, ipBytes(s)) }));
const pcapOf = (segs: Segment[], link: Link, opts?: { bigEndian?: boolean; nanos?: boolean }) =>
  pcap(packets(segs, link), linkTypes[link], opts);
const pcapngOf = (segs: Segment[], link: Link) => pcapng(packets(segs, link), linkTypes[link]);

function pcap(
  pkts: Packet[],
  linkType: number,
  opts: { bigEndian?: boolean; nanos?: boolean } = {},
): Uint8Array {
  const le = !opts.bigEndian;
  const head = new DataView(new ArrayBuffer(24));
  head.setUint32(0, opts.nanos ? 0xa1b23c4d : 0xa1b2c3d4, le);
  head.setUint16(4, 2, le);
  head.setUint16(6, 4, le);
  head.setUint32(16, 262144, le);
  head.setUint32(20, linkType, le);
  const recs = pkts.map((p) => {
    const h = new DataView(new ArrayBuffer(16));
    const sec = Math.floor(p.time);
    h.setUint32(0, sec, le);
    h.setUint32(4, Math.round((p.time - sec) * (opts.nanos ? 1e9 : 1e6)), le);
    h.setUint32(8, p.data.length, le);
    h.setUint32(12, p.orig ?? p.data.length, le);
    return cat(new Uint8Array(h.buffer), p.data);
  });
  return cat(new Uint8Array(head.buffer), ...recs);
}

function block(type: number, body: Uint8Array): Uint8Array {
  const padded = cat(body, new Uint8Array((4 - (body.length % 4)) % 4));
  const len = 12 + padded.length;
  const b = new DataView(new ArrayBuffer(len));
  b.setUint32(0, type, true);
  b.setUint32(4, len, true);
  new Uint8Array(b.buffer).set(padded, 8);
  b.setUint32(len - 4, len, true);
  return new Uint8Array(b.buffer);
}

function pcapng(pkts: Packet[], linkType: number): Uint8Array {
  const shb = new DataView(new ArrayBuffer(16));
  shb.setUint32(0, 0x1a2b3c4d, true);
  shb.setUint16(4, 1, true);
  shb.setBigInt64(8, -1n, true);
  const idb = new DataView(new ArrayBuffer(16));
  idb.setUint16(0, linkType, true);
  idb.setUint32(4, 262144, true);
  // Option if_tsresol = 9 (nanoseconds), then opt_endofopt.
  idb.setUint16(8, 9, true);
  idb.setUint16(10, 1, true);
  idb.setUint8(12, 9);
  const nrb = block(4, new Uint8Array(4)); // a name resolution block (empty): skipped by readers
  const epbs = pkts.map((p) => {
    const ns = BigInt(Math.round(p.time * 1e6)) * 1000n;
    const h = new DataView(new ArrayBuffer(20));
    h.setUint32(0, 0, true);
    h.setUint32(4, Number(ns >> 32n), true);
    h.setUint32(8, Number(ns & 0xffffffffn), true);
    h.setUint32(12, p.data.length, true);
    h.setUint32(16, p.orig ?? p.data.length, true);
    return block(6, cat(new Uint8Array(h.buffer), p.data));
  });
  return cat(
    block(0x0a0d0d0a, new Uint8Array(shb.buffer)),
    block(1, new Uint8Array(idb.buffer)),
    nrb,
    ...epbs,
  );
}

/** Out of order and retransmitted: the ir goes in 5 segments sent 1, 3, 2, 2 again, 5, 4. */
function reordered(): Segment[] {
  const segs = traffic({ mss: 200 });
  const data = segs.map((s, i) => [s, i] as const).filter(([s]) => s.payload.length && s.from.port === 40000);
  const idx = data.slice(0, 5).map(([, i]) => i);
  const order = [idx[0], idx[2], idx[1], idx[1], idx[4], idx[3]];
  const before = segs.slice(0, idx[0]);
  const rest = segs.slice(idx[4] + 1);
  const between = segs.slice(idx[0], idx[4] + 1).filter((_, k) => !idx.includes(idx[0] + k));
  return [...before, ...order.map((i) => segs[i]), ...between, ...rest];
}

mkdirSync(out, { recursive: true });
const files: Record<string, Uint8Array> = {
  'ir-genm.pcapng': pcapngOf(traffic(), 'ethernet'),
  'ir-genm-be-ns.pcap': pcapOf(traffic(), 'ethernet', { bigEndian: true, nanos: true }),
  'ipv6-sll2.pcapng': pcapngOf(traffic({ v6: true }), 'sll2'),
  'ipv6-loopback.pcap': pcapOf(traffic({ v6: true }), 'loopback'),
  'sll.pcap': pcapOf(traffic(), 'sll'),
  'raw-ip.pcap': pcapOf(traffic(), 'raw'),
  'reordered.pcap': pcapOf(reordered(), 'ethernet'),
  'chunked.pcap': pcapOf(traffic({ chunked: true }), 'ethernet'),
  'wrong-content-type.pcap': pcapOf(traffic({ contentType: 'application/octet-stream' }), 'ethernet'),
};
// The file ends 100 bytes into the record of the genp's data segment (as when tcpdump is killed).
const full = pcapOf(traffic(), 'ethernet');
const last = traffic()
  .map((s, i) => [s, i] as const)
  .filter(([s]) => s.payload.length)
  .at(-1)![1];
const offsets = packets(traffic(), 'ethernet').reduce<number[]>(
  (acc, p) => [...acc, acc[acc.length - 1] + 16 + p.data.length],
  [24],
);
files['truncated.pcap'] = full.subarray(0, offsets[last] + 16 + 100);
for (const [name, bytes] of Object.entries(files)) writeFileSync(join(out, name), bytes);
console.log(`wrote ${Object.keys(files).length} captures to ${out}`);
