/**
 * Plain-text rendering of an annotated document for terminals: one line per node, written as UTF-8
 * straight from the annotated tree's arrays into 64 KiB chunks (no view object, line string or
 * batch string per node: a CRL of 1.6 million nodes is 115 MB of text).
 */
import type { AnnotatedDocument } from '../../shared/annotated';
import { TlvFlag } from '../der/reader';
import { NodeView, ValueKind, type AnnTree } from './tree';

export interface TextOptions {
  offsets: boolean;
  /** Deepest level printed (0: no limit). */
  depth: number;
  /** The DER the tree was read from: hex values then show up to `textHexBytes` (the tree keeps 32). */
  der?: Uint8Array;
}

/** Bytes of hex a text line shows (diffs of two messages compare this much of each value). */
export const textHexBytes = 256;

/** Whether a code unit is kept out of the terminal: C0 and C1 controls, bidi embeddings and isolates. */
function unsafeUnit(c: number): boolean {
  return c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

/** Keeps control and bidi characters out of the terminal. */
function safe(text: string): string {
  return text.replace(
    /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`,
  );
}

const chunkBytes = 1 << 16;
const encoder = new TextEncoder();

/** UTF-8 output in chunks of about 64 KiB; each chunk handed out is new (a stream may hold it). */
class ChunkWriter {
  private buf = new Uint8Array(chunkBytes);
  private pos = 0;
  readonly full: Uint8Array[] = [];

  /** Room for `n` more bytes: a full chunk is set aside first. */
  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    if (this.pos) this.full.push(this.buf.subarray(0, this.pos));
    this.buf = new Uint8Array(Math.max(chunkBytes, n));
    this.pos = 0;
  }

  /** The chunk in progress, if any, set aside (at the end). */
  flush(): void {
    if (this.pos) this.full.push(this.buf.subarray(0, this.pos));
    this.buf = new Uint8Array(0);
    this.pos = 0;
  }

  byte(b: number): void {
    this.room(1);
    this.buf[this.pos++] = b;
  }

  spaces(n: number): void {
    this.room(n);
    this.buf.fill(0x20, this.pos, this.pos + n);
    this.pos += n;
  }

  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** Text as UTF-8; `escape`: control and bidi characters written as \u{…} (see `safe`). */
  text(s: string, escape: boolean): void {
    const n = s.length;
    this.room(n * 3);
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x20 && c < 0x7f) buf[p++] = c;
      else if (c >= 0xa0 && c < 0x800) {
        // Two octets (a middle dot, Latin-1 letters).
        buf[p++] = 0xc0 | (c >> 6);
        buf[p++] = 0x80 | (c & 0x3f);
      } else if (c >= 0x800 && (c < 0xd800 || c > 0xdfff) && !unsafeUnit(c)) {
        buf[p++] = 0xe0 | (c >> 12);
        buf[p++] = 0x80 | ((c >> 6) & 0x3f);
        buf[p++] = 0x80 | (c & 0x3f);
      } else {
        // Rare: a character to escape or a surrogate pair. The whole text again, the general way.
        const clean = escape && unsafeText(s, i) ? safe(s) : s;
        this.room(clean.length * 3);
        this.pos += encoder.encodeInto(clean, this.buf.subarray(this.pos)).written;
        return;
      }
    }
    this.pos = p;
  }

  /** `bytes[start, end)` in lower-case hex. */
  hex(bytes: Uint8Array, start: number, end: number): void {
    this.room(2 * (end - start));
    const buf = this.buf;
    let p = this.pos;
    for (let i = start; i < end; i++) {
      const b = bytes[i];
      buf[p++] = hexDigits[b >> 4];
      buf[p++] = hexDigits[b & 15];
    }
    this.pos = p;
  }

  /** A non-negative integer in decimal. */
  decimal(v: number): void {
    this.text(String(v), false);
  }
}

function unsafeText(s: string, from: number): boolean {
  for (let i = from; i < s.length; i++) if (unsafeUnit(s.charCodeAt(i))) return true;
  return false;
}

/** The tree under a document's roots (each a view of the same AnnTree, as inspectInput makes them). */
function viewOf(node: unknown): NodeView {
  if (!(node instanceof NodeView)) throw new TypeError('the text form is written from an annotated tree');
  return node;
}

/** Bytes of the interned strings of a tree (names and types), encoded once each. */
class StringBytes {
  private readonly cache: (Uint8Array | undefined)[] = [];
  constructor(private readonly tree: AnnTree) {}
  get(id: number): Uint8Array {
    return (this.cache[id] ??= encoder.encode(this.tree.strings[id]));
  }
}

const unexplainedBytes = encoder.encode(' (unexplained)');
const equalsBytes = encoder.encode(' = ');
const serialBytes = encoder.encode(' = 0x');
const hexDigits = encoder.encode('0123456789abcdef');
const ellipsisBytes = encoder.encode('…');
const problemBytes = encoder.encode('  !! cut off: ');
const presentBytes = encoder.encode(' content bytes present');

/** One node's line: [offsets] indent [name ]type[ = value][  !! problems], and a newline. */
function writeLine(
  out: ChunkWriter,
  tree: AnnTree,
  strings: StringBytes,
  node: number,
  indent: number,
  opts: TextOptions,
): void {
  const tlvs = tree.tlvs;
  const t = tree.tlv[node];
  if (opts.offsets) {
    const offset = String(tlvs.offset[t]);
    if (offset.length < 6) out.spaces(6 - offset.length);
    out.text(offset, false);
    out.byte(0x2b);
    out.decimal(tlvs.headerLength[t]);
    out.byte(0x2b);
    out.decimal(tlvs.length[t]);
    out.byte(0x20);
  }
  out.spaces(indent * 2);
  const name = tree.name[node];
  if (name > 0) {
    out.bytes(strings.get(name));
    out.byte(0x20);
  } else if (name < 0) {
    out.byte(0x5b);
    out.decimal(-name - 1);
    out.byte(0x5d);
    out.byte(0x20);
  }
  out.bytes(strings.get(tree.type[node]));
  if (!tree.explained(node)) out.bytes(unexplainedBytes);
  writeValue(out, tree, node, opts.der);
  if (tlvs.flags[t] & TlvFlag.Truncated) {
    out.bytes(problemBytes);
    out.decimal(tlvs.length[t]);
    out.bytes(presentBytes);
  }
  out.byte(0x0a);
}

/**
 * " = value": AnnTree.fullValue(node, der, textHexBytes) (or valueOf without `der`), with hex and
 * serial numbers written from the DER as they are read instead of through a string.
 */
function writeValue(out: ChunkWriter, tree: AnnTree, node: number, der: Uint8Array | undefined): void {
  const kind = tree.vkind[node] as ValueKind;
  let value: string | undefined;
  if (kind === ValueKind.Primitive) {
    const r = tree.rendered(node);
    if (der && r?.hexFrom !== undefined) return writeHex(out, tree, node, r.hexFrom, der);
    value = r?.value;
  } else if (kind === ValueKind.Serial) {
    const t = tree.tlv[node];
    const start = tree.tlvs.offset[t] + tree.tlvs.headerLength[t];
    out.bytes(serialBytes);
    out.hex(tree.bytes, start, start + tree.tlvs.length[t]);
    return;
  } else if (kind === ValueKind.FirstChild) {
    // An explicit tag shows its element's value (in full when it is the only one).
    const first = tree.kid(node, 0);
    if (first >= 0 && tree.vkind[first] === ValueKind.Primitive) {
      const r = tree.rendered(first);
      if (der && r?.hexFrom !== undefined && tree.kidCount[node] === 1)
        return writeHex(out, tree, first, r.hexFrom, der);
      value = r?.value;
    } else value = first >= 0 ? tree.valueOf(first) : undefined;
  } else value = tree.valueOf(node);
  if (value === undefined) return;
  if (der && kind !== ValueKind.FirstChild && tree.kidCount[node] === 1) {
    // fullValue's rule for a node whose value is its only child's cut hex.
    const only = tree.kid(node, 0);
    const r = only >= 0 ? tree.rendered(only) : undefined;
    if (r?.hexFrom !== undefined && r.value === value) return writeHex(out, tree, only, r.hexFrom, der);
  }
  out.bytes(equalsBytes);
  out.text(value, true);
}

/** " = " and the hex of a node's content from `hexFrom`, `textHexBytes` of it at most, then "…". */
function writeHex(out: ChunkWriter, tree: AnnTree, node: number, hexFrom: number, der: Uint8Array): void {
  const t = tree.tlv[node];
  const contentStart = tree.tlvs.offset[t] + tree.tlvs.headerLength[t];
  const start = Math.min(der.length, contentStart + hexFrom);
  const end = Math.min(der.length, contentStart + tree.tlvs.length[t]);
  out.bytes(equalsBytes);
  if (end - start <= textHexBytes) return out.hex(der, start, end);
  out.hex(der, start, start + textHexBytes);
  out.bytes(ellipsisBytes);
}

/**
 * The text form as UTF-8 chunks, produced as they are written: a caller writes each out without
 * holding the whole. Every line ends with a newline.
 */
export function* textChunks(doc: AnnotatedDocument, opts: TextOptions): Generator<Uint8Array> {
  const out = new ChunkWriter();
  const line = (s: string): void => {
    out.text(s, false);
    out.byte(0x0a);
  };
  const names = { der: 'DER', base64: 'base64', hex: 'hex text', http: 'HTTP message', mime: 'MIME part' };
  const wrap = doc.format === 'pem' ? `PEM "${safe(doc.pemLabel ?? '')}"` : names[doc.format];
  line(`${doc.kind} (${wrap}, ${doc.size} bytes)`);
  if (doc.inputNote) line(`input: ${safe(doc.inputNote)}`);
  if (doc.summary) {
    const s = doc.summary;
    line(`body: ${s.bodyType} — ${s.bodyDescription}${s.status ? `; status ${s.status}` : ''}`);
  }
  // Depth-first with an explicit stack: no recursion, however deep or wide the tree.
  for (const root of doc.roots) {
    const { tree, index } = viewOf(root);
    const strings = new StringBytes(tree);
    const nodes = [index];
    const indents = [0];
    while (nodes.length) {
      const node = nodes.pop()!;
      const indent = indents.pop()!;
      writeLine(out, tree, strings, node, indent, opts);
      if (out.full.length) yield* out.full.splice(0);
      if (opts.depth && indent + 1 >= opts.depth) continue;
      for (let k = tree.kidCount[node] - 1; k >= 0; k--) {
        const kid = tree.kid(node, k);
        if (kid < 0) continue;
        nodes.push(kid);
        indents.push(indent + 1);
      }
    }
  }
  const pct = doc.stats.nodes ? ((100 * doc.stats.explained) / doc.stats.nodes).toFixed(1) : '0';
  line(`${doc.stats.nodes} nodes, ${doc.stats.explained} named by the schema (${pct}%)`);
  for (const p of doc.problems) line(`${p.severity}: ${safe(p.message)}${p.path ? ` [${p.path}]` : ''}`);
  out.flush();
  yield* out.full;
}

/** The text form as one string (lines joined by newlines, none at the end): for a message of ordinary size. */
export function formatDocument(doc: AnnotatedDocument, opts: TextOptions): string {
  return textOf(textChunks(doc, opts));
}

/** UTF-8 chunks of lines as one string, without the last newline. */
export function textOf(chunks: Iterable<Uint8Array>): string {
  const decoder = new TextDecoder();
  let text = '';
  for (const chunk of chunks) text += decoder.decode(chunk, { stream: true });
  text += decoder.decode();
  return text.endsWith('\n') ? text.slice(0, -1) : text;
}
