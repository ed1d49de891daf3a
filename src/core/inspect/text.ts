/**
 * Plain-text rendering of an annotated document for terminals: one line per node, written as UTF-8
 * straight from the annotated tree's arrays into 64 KiB chunks (no view object, line string or
 * batch string per node: a CRL of 1.6 million nodes is 115 MB of text).
 */
import type { AnnotatedDocument } from '../../shared/annotated';
import { TlvFlag } from '../der/reader';
import { summarize, type SummaryTree } from './render';
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
    // Digits in place (a string per list item's "[i]" was most of what the text made to throw away).
    if (v < 0 || v > 0xffffffff || v !== Math.floor(v)) return this.text(String(v), false);
    let digits = 1;
    for (let x = v; x >= 10; x = Math.floor(x / 10)) digits++;
    this.room(digits);
    const buf = this.buf;
    let x = v;
    for (let p = this.pos + digits - 1; p >= this.pos; p--) {
      buf[p] = 0x30 + (x % 10);
      x = Math.floor(x / 10);
    }
    this.pos += digits;
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

const unexplainedBytes = encoder.encode(' (unexplained)');
const equalsBytes = encoder.encode(' = ');
const serialBytes = encoder.encode(' = 0x');
const hexDigits = encoder.encode('0123456789abcdef');
const ellipsisBytes = encoder.encode('…');
const problemBytes = encoder.encode('  !! cut off: ');
const presentBytes = encoder.encode(' content bytes present');

/**
 * The lines of one AnnTree. What repeats from line to line is made once: a line's start (indent,
 * name, type) by its parts, and the values a summary read (a CRL entry's serial, date and reason)
 * for the lines of its children that follow.
 */
class TreeWriter implements SummaryTree {
  /** Line starts by (name, type, indent, explained) packed into a small integer. */
  private readonly starts = new Map<number, Uint8Array>();
  /** "] type" of list items, by (type, explained). */
  private readonly itemTypes = new Map<number, Uint8Array>();
  /** Values read lately, by node (a few, direct-mapped). */
  private readonly memoNode = new Int32Array(16).fill(-1);
  private readonly memoValue: (string | undefined)[] = new Array<string | undefined>(16);

  constructor(
    private readonly out: ChunkWriter,
    private readonly tree: AnnTree,
    private readonly opts: TextOptions,
  ) {}

  /** One node's line: [offsets] indent [name ]type[ = value][  !! problems], and a newline. */
  line(node: number, indent: number): void {
    const { out, tree } = this;
    const tlvs = tree.tlvs;
    const t = tree.tlv[node];
    if (this.opts.offsets) {
      const offset = String(tlvs.offset[t]);
      if (offset.length < 6) out.spaces(6 - offset.length);
      out.text(offset, false);
      out.byte(0x2b);
      out.decimal(tlvs.headerLength[t]);
      out.byte(0x2b);
      out.decimal(tlvs.length[t]);
      out.byte(0x20);
    }
    const name = tree.name[node];
    const type = tree.type[node];
    const explained = tree.explained(node) ? 1 : 0;
    if (name < 0) {
      out.spaces(indent * 2);
      out.byte(0x5b);
      out.decimal(-name - 1);
      const key = type * 2 + explained;
      let rest = this.itemTypes.get(key);
      if (!rest)
        this.itemTypes.set(
          key,
          (rest = encoder.encode(`] ${tree.strings[type]}${explained ? '' : ' (unexplained)'}`)),
        );
      out.bytes(rest);
    } else if (name < 1024 && type < 1024 && indent < 128) {
      const key = (((name << 10) | type) << 8) | (indent << 1) | explained;
      let start = this.starts.get(key);
      if (!start) {
        const label = name ? `${tree.strings[name]} ` : '';
        const text = `${'  '.repeat(indent)}${label}${tree.strings[type]}${explained ? '' : ' (unexplained)'}`;
        this.starts.set(key, (start = encoder.encode(text)));
      }
      out.bytes(start);
    } else {
      out.spaces(indent * 2);
      if (name) {
        out.text(tree.strings[name], false);
        out.byte(0x20);
      }
      out.text(tree.strings[type], false);
      if (!explained) out.bytes(unexplainedBytes);
    }
    this.value(node);
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
  private value(node: number): void {
    const { out, tree } = this;
    const der = this.opts.der;
    const kind = tree.vkind[node] as ValueKind;
    let value: string | undefined;
    if (kind === ValueKind.Primitive) {
      value = this.memo(node) ?? tree.plainValue(node);
      if (value === undefined) {
        const r = tree.rendered(node);
        if (der && r?.hexFrom !== undefined) return this.hex(node, r.hexFrom, der);
        value = r?.value;
      }
    } else if (kind === ValueKind.Serial) {
      const t = tree.tlv[node];
      const start = tree.tlvs.contentStart(t);
      out.bytes(serialBytes);
      out.hex(tree.bytes, start, start + tree.tlvs.length[t]);
      return;
    } else if (kind === ValueKind.FirstChild) {
      // An explicit tag shows its element's value (in full when it is the only one).
      const first = tree.kid(node, 0);
      if (first >= 0 && tree.vkind[first] === ValueKind.Primitive) {
        const r = tree.rendered(first);
        if (der && r?.hexFrom !== undefined && tree.kidCount[node] === 1)
          return this.hex(first, r.hexFrom, der);
        value = r?.value;
        if (r?.hexFrom === undefined) this.remember(first, value);
      } else value = first >= 0 ? this.valueOf(first) : undefined;
    } else value = this.valueOf(node);
    if (value === undefined) return;
    if (der && kind !== ValueKind.FirstChild && tree.kidCount[node] === 1) {
      // fullValue's rule for a node whose value is its only child's cut hex.
      const only = tree.kid(node, 0);
      const r = only >= 0 ? tree.rendered(only) : undefined;
      if (r?.hexFrom !== undefined && r.value === value) return this.hex(only, r.hexFrom, der);
    }
    out.bytes(equalsBytes);
    out.text(value, true);
  }

  /** " = " and the hex of a node's content from `hexFrom`, `textHexBytes` of it at most, then "…". */
  private hex(node: number, hexFrom: number, der: Uint8Array): void {
    const { out, tree } = this;
    const t = tree.tlv[node];
    const contentStart = tree.tlvs.contentStart(t);
    const start = Math.min(der.length, contentStart + hexFrom);
    const end = Math.min(der.length, contentStart + tree.tlvs.length[t]);
    out.bytes(equalsBytes);
    if (end - start <= textHexBytes) return out.hex(der, start, end);
    out.hex(der, start, start + textHexBytes);
    out.bytes(ellipsisBytes);
  }

  private memo(node: number): string | undefined {
    const slot = node & 15;
    return this.memoNode[slot] === node ? this.memoValue[slot] : undefined;
  }

  private remember(node: number, value: string | undefined): void {
    const slot = node & 15;
    this.memoNode[slot] = node;
    this.memoValue[slot] = value;
  }

  // SummaryTree: summaries read the tree through the writer, so what they read is remembered.
  valueOf(node: number): string | undefined {
    const known = this.memo(node);
    if (known !== undefined) return known;
    const tree = this.tree;
    const kind = tree.vkind[node] as ValueKind;
    if (kind === ValueKind.Primitive) {
      const plain = tree.plainValue(node);
      if (plain !== undefined) {
        this.remember(node, plain);
        return plain;
      }
      // Hex cut short is not remembered: the node's own line shows more of it.
      const r = tree.rendered(node);
      if (r?.hexFrom === undefined) this.remember(node, r?.value);
      return r?.value;
    }
    const value =
      kind === ValueKind.Summary ? summarize(tree.strings[tree.varg[node]], this, node) : tree.valueOf(node);
    this.remember(node, value);
    return value;
  }

  childCountOf(node: number): number {
    return this.tree.kidCount[node];
  }

  kid(node: number, k: number): number {
    return this.tree.kid(node, k);
  }

  nameOf(node: number): string {
    return this.tree.nameOf(node);
  }

  oid(node: number): string | undefined {
    return this.tree.oid(node);
  }
}

/**
 * Where a big tree's text is cut to be written by two threads: the children of `node` (a long list,
 * a CRL's entries) in `pieces`, ranges [from, to) of its children of about the same number of nodes.
 * The lines of each piece are those the whole text has there (`pieceChunks`).
 */
export interface TextPlan {
  node: number;
  /** The indent of the children's lines. */
  indent: number;
  pieces: [number, number][];
}

/** Nodes in the subtree of `node`: nodes are made parent first, a subtree's in one run. */
function subtreeNodes(tree: AnnTree, node: number): number {
  let last = node;
  for (;;) {
    const n = tree.kidCount[last];
    const kid = n ? tree.kid(last, n - 1) : -1;
    if (kid < 0) return last - node + 1;
    last = kid;
  }
}

/**
 * A plan for a document of one root whose text is long: the list found by going down into the
 * biggest child while it holds at least `minNodes` nodes, cut into pieces of about `pieceNodes`.
 * Undefined when there is none (a small tree, several roots, a depth limit above the list).
 */
export function textPlan(
  doc: AnnotatedDocument,
  opts: TextOptions,
  minNodes = 200_000,
  pieceNodes = 16_384,
): TextPlan | undefined {
  if (doc.roots.length !== 1) return undefined;
  const { tree, index } = viewOf(doc.roots[0]);
  let node = index;
  let indent = 0;
  for (;;) {
    if (opts.depth && indent + 1 >= opts.depth) return undefined;
    const n = tree.kidCount[node];
    if (n >= 16 && subtreeNodes(tree, node) >= minNodes) break;
    let best = -1;
    let bestSize = 0;
    for (let k = 0; k < n; k++) {
      const kid = tree.kid(node, k);
      const size = kid >= 0 ? subtreeNodes(tree, kid) : 0;
      if (size > bestSize) [best, bestSize] = [kid, size];
    }
    if (bestSize < minNodes) return undefined;
    node = best;
    indent++;
  }
  const pieces: [number, number][] = [];
  let from = 0;
  let nodes = 0;
  const n = tree.kidCount[node];
  for (let k = 0; k < n; k++) {
    const kid = tree.kid(node, k);
    nodes += kid >= 0 ? subtreeNodes(tree, kid) : 0;
    if (nodes >= pieceNodes || k === n - 1) {
      pieces.push([from, k + 1]);
      from = k + 1;
      nodes = 0;
    }
  }
  return { node, indent: indent + 1, pieces };
}

/** Writes the lines of the subtrees in `stack` (with their indents), depth-first, yielding full chunks. */
function* walk(
  out: ChunkWriter,
  writer: TreeWriter,
  tree: AnnTree,
  nodes: number[],
  indents: number[],
  opts: TextOptions,
  plan?: TextPlan,
): Generator<Uint8Array | number> {
  // Depth-first with an explicit stack: no recursion, however deep or wide the tree.
  while (nodes.length) {
    const node = nodes.pop()!;
    const indent = indents.pop()!;
    writer.line(node, indent);
    if (out.full.length) yield* out.full.splice(0);
    if (opts.depth && indent + 1 >= opts.depth) continue;
    if (plan && node === plan.node) {
      // Its children are the plan's pieces: each one's place is marked by its number.
      out.flush();
      yield* out.full.splice(0);
      for (let i = 0; i < plan.pieces.length; i++) yield i;
      continue;
    }
    for (let k = tree.kidCount[node] - 1; k >= 0; k--) {
      const kid = tree.kid(node, k);
      if (kid < 0) continue;
      nodes.push(kid);
      indents.push(indent + 1);
    }
  }
}

/**
 * The text form as UTF-8 chunks, produced as they are written: a caller writes each out without
 * holding the whole. Every line ends with a newline.
 */
export function textChunks(doc: AnnotatedDocument, opts: TextOptions): Generator<Uint8Array> {
  return textParts(doc, opts) as Generator<Uint8Array>;
}

/** textChunks, with the place of each piece of `plan` marked by its number instead of its lines. */
export function* textParts(
  doc: AnnotatedDocument,
  opts: TextOptions,
  plan?: TextPlan,
): Generator<Uint8Array | number> {
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
  for (const root of doc.roots) {
    const { tree, index } = viewOf(root);
    yield* walk(out, new TreeWriter(out, tree, opts), tree, [index], [0], opts, plan);
  }
  const pct = doc.stats.nodes ? ((100 * doc.stats.explained) / doc.stats.nodes).toFixed(1) : '0';
  line(`${doc.stats.nodes} nodes, ${doc.stats.explained} named by the schema (${pct}%)`);
  for (const p of doc.problems) line(`${p.severity}: ${safe(p.message)}${p.path ? ` [${p.path}]` : ''}`);
  out.flush();
  yield* out.full;
}

/** The lines of piece `i` of `plan` (the subtrees of some of its node's children), as UTF-8 chunks. */
export function* pieceChunks(
  tree: AnnTree,
  opts: TextOptions,
  plan: TextPlan,
  i: number,
): Generator<Uint8Array> {
  const out = new ChunkWriter();
  const [from, to] = plan.pieces[i];
  const nodes: number[] = [];
  const indents: number[] = [];
  for (let k = to - 1; k >= from; k--) {
    const kid = tree.kid(plan.node, k);
    if (kid < 0) continue;
    nodes.push(kid);
    indents.push(plan.indent);
  }
  yield* walk(out, new TreeWriter(out, tree, opts), tree, nodes, indents, opts) as Generator<Uint8Array>;
  out.flush();
  yield* out.full;
}

/** The AnnTree under a document's single root, for pieceChunks in this thread. */
export function treeOf(doc: AnnotatedDocument): AnnTree {
  return viewOf(doc.roots[0]).tree;
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
