/**
 * Link layer → IPv4/IPv6 → TCP, for the link types captures of CMP traffic come in: Ethernet
 * (with 802.1Q tags), Linux cooked SLL and SLL2, raw IP, and BSD/OpenBSD loopback. IP fragments
 * are reported, not reassembled.
 */

export interface TcpSegment {
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  seq: number;
  syn: boolean;
  fin: boolean;
  rst: boolean;
  payload: Uint8Array;
}

export type Decoded =
  { kind: 'tcp'; segment: TcpSegment } | { kind: 'other' } | { kind: 'problem'; message: string };

const be16 = (b: Uint8Array, p: number) => (b[p] << 8) | b[p + 1];
const be32 = (b: Uint8Array, p: number) =>
  ((b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]) >>> 0;

function ipv4Text(b: Uint8Array, p: number): string {
  return `${b[p]}.${b[p + 1]}.${b[p + 2]}.${b[p + 3]}`;
}

function ipv6Text(b: Uint8Array, p: number): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(be16(b, p + i).toString(16));
  // The longest run of zero groups becomes "::" (RFC 5952).
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j === i ? i + 1 : j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

function tcp(b: Uint8Array, p: number, end: number, src: string, dst: string): Decoded {
  if (end - p < 20) return { kind: 'problem', message: 'TCP header cut short' };
  const offset = (b[p + 12] >> 4) * 4;
  if (offset < 20 || p + offset > end)
    return { kind: 'problem', message: `TCP data offset ${offset} is out of range` };
  const flags = b[p + 13];
  return {
    kind: 'tcp',
    segment: {
      src,
      dst,
      srcPort: be16(b, p),
      dstPort: be16(b, p + 2),
      seq: be32(b, p + 4),
      syn: !!(flags & 0x02),
      fin: !!(flags & 0x01),
      rst: !!(flags & 0x04),
      payload: b.subarray(p + offset, end),
    },
  };
}

function ipv4(b: Uint8Array, p: number): Decoded {
  if (b.length - p < 20 || b[p] >> 4 !== 4) return { kind: 'problem', message: 'not an IPv4 header' };
  const ihl = (b[p] & 0x0f) * 4;
  const total = be16(b, p + 2);
  const frag = be16(b, p + 6);
  if (ihl < 20) return { kind: 'problem', message: `IPv4 header length ${ihl}` };
  if (b[p + 9] !== 6) return { kind: 'other' };
  if (frag & 0x2000 || frag & 0x1fff)
    return { kind: 'problem', message: 'an IPv4 fragment (not reassembled)' };
  // total 0 happens with TCP segmentation offload: take what was captured.
  const end = total ? Math.min(b.length, p + total) : b.length;
  return tcp(b, p + ihl, end, ipv4Text(b, p + 12), ipv4Text(b, p + 16));
}

function ipv6(b: Uint8Array, p: number): Decoded {
  if (b.length - p < 40 || b[p] >> 4 !== 6) return { kind: 'problem', message: 'not an IPv6 header' };
  const end = Math.min(b.length, p + 40 + be16(b, p + 4));
  let next = b[p + 6];
  let q = p + 40;
  // Hop-by-hop, routing and destination options headers are skipped; a fragment header is reported.
  while (next === 0 || next === 43 || next === 60 || next === 44) {
    if (next === 44) return { kind: 'problem', message: 'an IPv6 fragment (not reassembled)' };
    if (q + 2 > end) return { kind: 'problem', message: 'IPv6 extension header cut short' };
    next = b[q];
    q += (b[q + 1] + 1) * 8;
  }
  if (next !== 6) return { kind: 'other' };
  return tcp(b, q, end, ipv6Text(b, p + 8), ipv6Text(b, p + 24));
}

function byEtherType(type: number, b: Uint8Array, p: number): Decoded {
  if (type === 0x0800) return ipv4(b, p);
  if (type === 0x86dd) return ipv6(b, p);
  return { kind: 'other' };
}

/** Decodes one captured frame of `linkType` (pcap LINKTYPE_ numbers). */
export function decodePacket(linkType: number, b: Uint8Array): Decoded {
  switch (linkType) {
    case 1: {
      // Ethernet, with any 802.1Q / 802.1ad tags
      let p = 12;
      let type = be16(b, p);
      while ((type === 0x8100 || type === 0x88a8) && p + 6 <= b.length) {
        p += 4;
        type = be16(b, p);
      }
      return b.length < p + 2
        ? { kind: 'problem', message: 'Ethernet header cut short' }
        : byEtherType(type, b, p + 2);
    }
    case 113:
      return b.length < 16
        ? { kind: 'problem', message: 'Linux cooked header cut short' }
        : byEtherType(be16(b, 14), b, 16);
    case 276:
      return b.length < 20
        ? { kind: 'problem', message: 'Linux cooked v2 header cut short' }
        : byEtherType(be16(b, 0), b, 20);
    case 101:
    case 12:
    case 14:
    case 228:
    case 229: // raw IP
      return b.length && b[0] >> 4 === 6 ? ipv6(b, 0) : ipv4(b, 0);
    case 0:
    case 108: {
      // BSD loopback (host byte order) and OpenBSD loopback (network order)
      if (b.length < 4) return { kind: 'problem', message: 'loopback header cut short' };
      const family = b[0] || b[3];
      return family === 2 ? ipv4(b, 4) : [24, 28, 30].includes(family) ? ipv6(b, 4) : { kind: 'other' };
    }
    default:
      return {
        kind: 'problem',
        message: `link type ${linkType} is not supported (Ethernet, Linux cooked SLL/SLL2, raw IP and loopback are)`,
      };
  }
}
