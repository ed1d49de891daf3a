/** Decoders of primitive contents into text for people. None of them throws. */

const maxOidArcs = 64;

/** Dotted OID; an OID with very many arcs is cut with "…" (the count is given). */
export function decodeOid(content: Uint8Array): string | undefined {
  if (content.length === 0 || (content[content.length - 1] & 0x80) !== 0) return undefined;
  let text = '';
  let value = 0;
  let big: bigint | undefined;
  let total = 0;
  for (let i = 0; i < content.length; i++) {
    const b = content[i];
    // Numbers while exact; BigInt only for arcs past 2^53 (UUID-based OIDs).
    if (big !== undefined) big = (big << 7n) | BigInt(b & 0x7f);
    else if (value > 0x3ffffffffffff) big = (BigInt(value) << 7n) | BigInt(b & 0x7f);
    else value = value * 128 + (b & 0x7f);
    if ((b & 0x80) !== 0) continue;
    let arc: string;
    if (total === 0) {
      const v = big ?? BigInt(value);
      const first = v < 40n ? 0n : v < 80n ? 1n : 2n;
      arc = `${first}.${v - first * 40n}`;
      total = 2;
    } else {
      arc = big !== undefined ? big.toString() : String(value);
      total++;
    }
    if (total <= maxOidArcs) text = text ? `${text}.${arc}` : arc;
    value = 0;
    big = undefined;
  }
  return total > maxOidArcs ? `${text}…(${total} arcs)` : text;
}

/** Two's-complement INTEGER content of 1 to 6 octets, `bytes[start, end)`, as a number (in place: no view, no bigint). */
export function smallIntegerAt(bytes: Uint8Array, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) n = n * 256 + bytes[i];
  return bytes[start] & 0x80 ? n - 2 ** ((end - start) * 8) : n;
}

/** Two's-complement INTEGER content as a bigint. */
export function decodeInteger(content: Uint8Array): bigint {
  if (content.length === 0) return 0n;
  if (content.length <= 6) return BigInt(smallIntegerAt(content, 0, content.length));
  let value = BigInt(`0x${toHex(content)}`);
  if ((content[0] & 0x80) !== 0) value -= 1n << BigInt(content.length * 8);
  return value;
}

const NodeBuffer = (
  globalThis as {
    Buffer?: { from(b: ArrayBufferLike, offset: number, length: number): { toString(enc: 'hex'): string } };
  }
).Buffer;

/** A Buffer over each input (weakly held: it goes when the input goes). */
const hexSources = new WeakMap<Uint8Array, { toString(enc: 'hex', start: number, end: number): string }>();

/** Hex of `bytes[start, end)` without a view of it: in Node, one Buffer over the whole input, reused. */
export function hexAt(bytes: Uint8Array, start: number, end: number): string {
  if (!NodeBuffer) return toHex(bytes.subarray(start, end));
  let source = hexSources.get(bytes);
  if (!source)
    hexSources.set(
      bytes,
      (source = NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as never),
    );
  return source!.toString('hex', start, end);
}

const hexDigits = [48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102];

/** Lowercase hex, built as one flat string (a `+=` chain would keep a rope of small pieces alive). */
const byteHex = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function toHex(bytes: Uint8Array, max = Infinity): string {
  const n = Math.min(bytes.length, max);
  if (n <= 32) {
    // Short values (serials, key identifiers, nonces) by a table: no Buffer object per value.
    let s = '';
    for (let i = 0; i < n; i++) s += byteHex[bytes[i]];
    return n < bytes.length ? `${s}…` : s;
  }
  if (NodeBuffer) {
    // In Node (the extension host, the CLI) the native conversion: no temporary arrays.
    const s = NodeBuffer.from(bytes.buffer, bytes.byteOffset, n).toString('hex');
    return n < bytes.length ? `${s}…` : s;
  }
  let s = '';
  const codes = new Array<number>(Math.min(n, 4096) * 2);
  for (let start = 0; start < n; start += 4096) {
    const end = Math.min(n, start + 4096);
    codes.length = (end - start) * 2;
    for (let i = start, j = 0; i < end; i++, j += 2) {
      codes[j] = hexDigits[bytes[i] >> 4];
      codes[j + 1] = hexDigits[bytes[i] & 15];
    }
    s += String.fromCharCode.apply(null, codes);
  }
  return n < bytes.length ? `${s}…` : s;
}

/**
 * INTEGER for people: decimal up to 8 octets (with hex from 7), hex beyond, as serial numbers are
 * usually written; `integerDecimal` gives the decimal of any size for the details pane.
 */
export function formatInteger(content: Uint8Array): string {
  return formatIntegerAt(content, 0, content.length);
}

/** formatInteger of `bytes[start, end)`, read in place. */
export function formatIntegerAt(bytes: Uint8Array, start: number, end: number): string {
  const n = end - start;
  if (n > 64) return `(${n * 8}-bit) 0x${hexAt(bytes, start, start + 64)}…`;
  if (n > 8) return `0x${hexAt(bytes, start, end)}`;
  const content = bytes.subarray(start, end);
  const value = decodeInteger(content);
  if (content.length <= 6) return value.toString();
  return `${value.toString()} (0x${toHex(content)})`;
}

export function integerDecimal(content: Uint8Array): string {
  return decodeInteger(content).toString();
}

/** Bits set in a BIT STRING, bit 0 first (X.690 §8.6). */
export function bitsSet(content: Uint8Array): number[] {
  const bits: number[] = [];
  if (content.length === 0) return bits;
  const unused = content[0] & 7;
  const total = (content.length - 1) * 8 - unused;
  for (let i = 0; i < total; i++) {
    if ((content[1 + (i >> 3)] & (0x80 >> (i & 7))) !== 0) bits.push(i);
  }
  return bits;
}

function latin1(content: Uint8Array): string {
  let s = '';
  for (const b of content) s += String.fromCharCode(b);
  return s;
}

/** String types by universal tag number; undefined when `tag` is no string type. */
export function decodeString(tag: number, content: Uint8Array): string | undefined {
  switch (tag) {
    case 12:
      return new TextDecoder('utf-8', { fatal: false }).decode(content);
    case 30: {
      let s = '';
      for (let i = 0; i + 1 < content.length; i += 2)
        s += String.fromCharCode((content[i] << 8) | content[i + 1]);
      return s;
    }
    case 28: {
      let s = '';
      for (let i = 0; i + 3 < content.length; i += 4) {
        const cp =
          ((content[i] << 24) | (content[i + 1] << 16) | (content[i + 2] << 8) | content[i + 3]) >>> 0;
        s += cp <= 0x10ffff ? String.fromCodePoint(cp) : '\ufffd';
      }
      return s;
    }
    case 18:
    case 19:
    case 20:
    case 21:
    case 22:
    case 25:
    case 26:
    case 27:
    case 7:
      return latin1(content);
    default:
      return undefined;
  }
}

/** UTCTime / GeneralizedTime as ISO 8601 (UTC), or undefined when it is not well formed. */
/**
 * The DER forms (YYMMDDHHMMSSZ, YYYYMMDDHHMMSSZ) that make up nearly every time, read in place from
 * `bytes[start, end)` as ISO 8601; undefined for any other form (decodeTime handles those).
 */
export function decodeDerTime(tag: number, c: Uint8Array, start: number, end: number): string | undefined {
  const n = end - start;
  if (!((tag === 23 && n === 13) || (tag === 24 && n === 15))) return undefined;
  if (c[end - 1] !== 0x5a) return undefined;
  for (let i = start; i < end - 1; i++) if (c[i] < 0x30 || c[i] > 0x39) return undefined;
  // Built from char codes: one flat 20-character string instead of a rope of pieces.
  const o = start + (tag === 23 ? 0 : 2);
  let y0: number, y1: number;
  if (tag === 23) {
    const late = (c[start] - 48) * 10 + c[start + 1] - 48 < 50;
    y0 = late ? 50 : 49;
    y1 = late ? 48 : 57;
  } else {
    y0 = c[start];
    y1 = c[start + 1];
  }
  return String.fromCharCode(
    y0,
    y1,
    c[o],
    c[o + 1],
    45,
    c[o + 2],
    c[o + 3],
    45,
    c[o + 4],
    c[o + 5],
    84,
    c[o + 6],
    c[o + 7],
    58,
    c[o + 8],
    c[o + 9],
    58,
    c[o + 10],
    c[o + 11],
    90,
  );
}

export function decodeTime(tag: number, content: Uint8Array): string | undefined {
  const der = decodeDerTime(tag, content, 0, content.length);
  if (der !== undefined) return der;
  const s = latin1(content);
  const m =
    tag === 23
      ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(Z|[+-]\d{4})$/.exec(s)
      : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})?(\d{2})?([.,]\d+)?(Z|[+-]\d{4})?$/.exec(s);
  if (!m) return undefined;
  let year = Number(m[1]);
  if (tag === 23) year += year < 50 ? 2000 : 1900; // RFC 5280 §4.1.2.5.1
  const [mo, d, h] = [m[2], m[3], m[4]];
  const mi = m[5] ?? '00';
  const sec = m[6] ?? '00';
  const frac = tag === 24 && m[7] ? `.${m[7].slice(1)}` : '';
  const zone = tag === 23 ? m[7] : (m[8] ?? '');
  const zoneText = zone === 'Z' ? 'Z' : zone ? `${zone.slice(0, 3)}:${zone.slice(3)}` : ' (local time)';
  return `${String(year).padStart(4, '0')}-${mo}-${d}T${h}:${mi}:${sec}${frac}${zoneText}`;
}

/** Makes control, bidi and zero-width characters visible, so a value cannot pretend to be another. */
const invisible = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/;

export function visible(text: string, max = 4096): string {
  if (text.length <= max && !invisible.test(text)) return text;
  const cut = text.length > max ? text.slice(0, max) : text;
  const shown = cut.replace(
    /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g,
    (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`,
  );
  return text.length > max ? `${shown}… (${text.length} characters)` : shown;
}

/** Bytes from hex ("0a1b", "0A:1B", "0a 1b"); undefined if it is not hex. */
export function fromHex(text: string): Uint8Array | undefined {
  const clean = text.replace(/[\s:]/g, '');
  if (clean.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(clean)) return undefined;
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}
