/**
 * File content into DER, whatever form it was saved or pasted in (raw DER, PEM with any label, bare
 * base64 as `openssl base64` writes it, hex text or a hex dump, a saved HTTP request or response, a base64
 * MIME part), and DER into PEM.
 */
import { fromBase64, toBase64 } from './bytes';
import { HttpStream, type HttpMessage } from './http';
import type { AnnotatedDocument } from '../../shared/annotated';

export interface Unwrapped {
  der: Uint8Array;
  format: InputFormat;
  pemLabel?: string;
  /** Set when the input looked like text but could not be decoded. */
  error?: string;
  /** What was taken out of what, when it was not plain DER, PEM or base64 ("the body of an HTTP response …"). */
  note?: string;
}

/** The forms people save and paste a message in. */
export type InputFormat = AnnotatedDocument['format'];

const pemRe = /-----BEGIN ([A-Z0-9 ._-]+)-----([\s\S]*?)-----END \1-----/;

function looksLikeText(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 4096);
  for (let i = 0; i < n; i++) {
    const b = bytes[i];
    if (b < 0x09 || (b > 0x0d && b < 0x20) || b > 0x7e) return false;
  }
  return true;
}

/** One whole DER element, nothing after it: what a decoding of pasted text must give to be taken. */
function wholeElement(der: Uint8Array | undefined): der is Uint8Array {
  if (!der || der.length < 2 || (der[0] & 0x1f) === 0x1f) return false;
  let len = der[1];
  let head = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n < 1 || n > 4 || der.length < 2 + n) return false;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + der[2 + i];
    head += n;
  }
  return head + len === der.length;
}

/**
 * Hex as people paste it: "30 82 03 83", "30:82:03:83", "0x30, 0x82", one long run, or a dump with
 * offsets and an ASCII column (xxd, hexdump -C, od -A x -t x1). Undefined when it is not hex.
 */
export function fromHexText(text: string): Uint8Array | undefined {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (!lines.length) return undefined;
  // A dump: each line an offset, then byte groups, then maybe an ASCII column (after "|" in hexdump -C,
  // after two spaces in xxd); a line with only an offset (od's last) carries nothing.
  const offset = /^\s*[0-9a-fA-F]{4,10}:?(\s+|$)/;
  let digits: string;
  if (lines.length > 1 && lines.every((l) => offset.test(l))) {
    const parts: string[] = [];
    for (const l of lines) {
      let bytesPart = l.replace(offset, '');
      // hexdump -C ends a line with "|ascii|"; xxd puts two spaces before its ASCII column.
      const ascii = /\s+\|.{0,16}\|\s*$/;
      bytesPart = ascii.test(bytesPart)
        ? bytesPart.replace(ascii, '')
        : bytesPart.trimStart().split(/\s{2,}/)[0];
      const groups = bytesPart.trim().split(/\s+/).filter(Boolean);
      if (!groups.every((g) => /^([0-9a-fA-F]{2})+$/.test(g))) return undefined;
      parts.push(groups.join(''));
    }
    digits = parts.join('');
  } else {
    const t = text.replace(/0x/gi, '').replace(/[\s:,]+/g, '');
    if (!/^[0-9a-fA-F]+$/.test(t)) return undefined;
    digits = t;
  }
  if (digits.length < 4 || digits.length % 2) return undefined;
  const out = new Uint8Array(digits.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(digits.slice(2 * i, 2 * i + 2), 16);
  return out;
}

const httpStart = /^(HTTP\/1\.[01] \d{3}[^\r\n]*|[A-Z]+ \S+ HTTP\/1\.[01])\r?\n/;

/** A saved HTTP request or response (headers and body): the body, unwrapped in turn. */
function fromHttp(bytes: Uint8Array): Unwrapped | undefined {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, Math.min(bytes.length, 64 * 1024)));
  const first = httpStart.exec(head);
  if (!first) return undefined;
  // Saved by hand the header lines may end in LF only: give the parser CRLF.
  let input = bytes;
  const crlf = head.indexOf('\r\n\r\n');
  const lf = head.indexOf('\n\n');
  if (lf >= 0 && (crlf < 0 || lf < crlf)) {
    const end = lf;
    const fixed = new TextEncoder().encode(head.slice(0, end).replace(/\r?\n/g, '\r\n') + '\r\n\r\n');
    input = new Uint8Array(fixed.length + bytes.length - end - 2);
    input.set(fixed);
    input.set(bytes.subarray(end + 2), fixed.length);
  }
  const messages: HttpMessage[] = [];
  const stream = new HttpStream((m) => messages.push(m));
  stream.push(input, 0);
  stream.close(0);
  const m = messages[0];
  const what = first[1].startsWith('HTTP/')
    ? `HTTP response "${first[1].trim()}"`
    : `HTTP request "${first[1].trim()}"`;
  if (!m)
    return {
      der: bytes,
      format: 'http',
      error: `the ${what} at offset 0 could not be read: ${stream.problems[0] ?? 'its headers do not end'}`,
    };
  if (!m.body.length) return { der: m.body, format: 'http', error: `the ${what} has no body` };
  const type = m.headers.get('content-type');
  const inner = m.body[0] === 0x30 ? undefined : unwrapInput(m.body);
  const der = inner && !inner.error && inner.format !== 'der' ? inner.der : m.body;
  const note = `the body of the ${what}${type ? ` (Content-Type ${type})` : ''}, ${m.body.length} bytes${m.incomplete ? ` (${m.incomplete})` : ''}${inner && der !== m.body ? `, as ${inner.format}` : ''}`;
  return { der, format: 'http', note };
}

/** A MIME entity or part with Content-Transfer-Encoding: base64 (a mail, a multipart body). */
function fromMime(text: string): Unwrapped | undefined {
  const cte = /^Content-Transfer-Encoding:[ \t]*base64[ \t]*\r?$/im.exec(text);
  if (!cte) return undefined;
  // The part's headers end at the first empty line after the encoding header; its body at a boundary.
  const rest = text.slice(cte.index);
  const blank = /\r?\n\r?\n/.exec(rest);
  if (!blank) return undefined;
  const body = rest.slice(blank.index + blank[0].length).split(/\r?\n(?=--|\r?\n)/)[0];
  const der = fromBase64(body.replace(/\s+/g, ''), 'lenient');
  if (!wholeElement(der))
    return {
      der: new TextEncoder().encode(text),
      format: 'mime',
      error: `the base64 MIME part at offset ${cte.index} does not decode to one DER element`,
    };
  // The part's Content-Type: the last one before its body.
  const types = [...text.slice(0, cte.index + blank.index).matchAll(/^Content-Type:[ \t]*([^;\r\n]+)/gim)];
  const type = types[types.length - 1];
  return {
    der,
    format: 'mime',
    note: `the base64 MIME part${type ? ` (Content-Type ${type[1].trim()})` : ''} at offset ${cte.index}, ${der.length} bytes`,
  };
}

/**
 * Finds the DER in `bytes`: DER as is; a saved HTTP message's body; text as PEM, a base64 MIME part,
 * hex, or bare base64. A text decoding is taken only when it gives one whole DER element.
 */
export function unwrapInput(bytes: Uint8Array): Unwrapped {
  if (bytes.length === 0) return { der: bytes, format: 'der' };
  if (bytes[0] !== 0x30) {
    const http = fromHttp(bytes);
    if (http) return http;
  }
  if (!looksLikeText(bytes)) return { der: bytes, format: 'der' };
  const text = new TextDecoder('latin1').decode(bytes);
  const pem = pemRe.exec(text);
  if (pem) {
    const body = pem[2]
      .split(/\r?\n/)
      .filter((l) => !/^[A-Za-z-]+:/.test(l))
      .join('');
    const der = fromBase64(body, 'lenient');
    if (!der)
      return {
        der: bytes,
        format: 'pem',
        pemLabel: pem[1],
        error: `the PEM block "${pem[1]}" at offset ${pem.index} is not valid base64`,
      };
    return { der, format: 'pem', pemLabel: pem[1] };
  }
  if (text.includes('-----BEGIN ')) {
    return {
      der: bytes,
      format: 'pem',
      error: `a PEM "-----BEGIN" line at offset ${text.indexOf('-----BEGIN ')} has no matching "-----END" line`,
    };
  }
  const mime = fromMime(text);
  if (mime) return mime;
  // Hex before base64: "3082…" is both, and as hex it is the message.
  const hex = fromHexText(text);
  if (wholeElement(hex)) return { der: hex, format: 'hex', note: `hex text, ${hex.length} bytes` };
  const der = fromBase64(text, 'lenient');
  if (der && der.length > 0 && der[0] === 0x30) return { der, format: 'base64' };
  return { der: bytes, format: 'der' };
}

/** PEM armour for DER (CERTIFICATE, PRIVATE KEY, CERTIFICATE REQUEST). */
export function toPem(label: string, der: Uint8Array): string {
  const b64 = toBase64(der);
  return `-----BEGIN ${label}-----\n${b64.replace(/.{1,64}/g, '$&\n')}-----END ${label}-----\n`;
}
