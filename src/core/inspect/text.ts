/** Plain-text rendering of an annotated document for terminals. */
import type { AnnotatedDocument, AnnotatedNode } from '../../shared/annotated';
import { fullValue } from './render';

export interface TextOptions {
  offsets: boolean;
  /** Deepest level printed (0: no limit). */
  depth: number;
  /** The DER the tree was read from: hex values then show up to `textHexBytes` (the tree keeps 32). */
  der?: Uint8Array;
}

/** Bytes of hex a text line shows (diffs of two messages compare this much of each value). */
export const textHexBytes = 256;

/** Keeps control and bidi characters out of the terminal. */
function safe(text: string): string {
  // Most text has none: a loop over the code units finds that without a regular expression's cost.
  let clean = true;
  for (let i = 0; i < text.length && clean; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069))
      clean = false;
  }
  if (clean) return text;
  return text.replace(
    /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`,
  );
}

const pads: string[] = [];

function line(node: AnnotatedNode, indent: number, opts: TextOptions): string {
  const pad = (pads[indent] ??= '  '.repeat(indent));
  const where = opts.offsets ? `${String(node.offset).padStart(6)}+${node.headerLength}+${node.length} ` : '';
  const label = node.name ? `${node.name} ` : '';
  const type = node.explained ? node.type : `${node.type} (unexplained)`;
  const shown = opts.der ? fullValue(node, opts.der, textHexBytes) : node.value;
  const value = shown !== undefined ? ` = ${safe(shown)}` : '';
  const problems = node.problems?.length ? `  !! ${node.problems.map(safe).join('; ')}` : '';
  return `${where}${pad}${label}${type}${value}${problems}`;
}

export function formatDocument(doc: AnnotatedDocument, opts: TextOptions): string {
  return [...formatLines(doc, opts)].join('\n');
}

/** The text form line by line, as it is produced: a caller writes it out without holding it whole. */
export function* formatLines(doc: AnnotatedDocument, opts: TextOptions): Generator<string> {
  const names = { der: 'DER', base64: 'base64', hex: 'hex text', http: 'HTTP message', mime: 'MIME part' };
  const wrap = doc.format === 'pem' ? `PEM "${safe(doc.pemLabel ?? '')}"` : names[doc.format];
  yield `${doc.kind} (${wrap}, ${doc.size} bytes)`;
  if (doc.inputNote) yield `input: ${safe(doc.inputNote)}`;
  if (doc.summary) {
    const s = doc.summary;
    yield `body: ${s.bodyType} — ${s.bodyDescription}${s.status ? `; status ${s.status}` : ''}`;
  }
  // Depth-first with an explicit stack: no recursion of generators, however deep or wide the tree.
  const nodes: AnnotatedNode[] = [...doc.roots].reverse();
  const indents: number[] = nodes.map(() => 0);
  while (nodes.length) {
    const node = nodes.pop()!;
    const indent = indents.pop()!;
    yield line(node, indent, opts);
    if (opts.depth && indent + 1 >= opts.depth) continue;
    for (let i = node.childCount - 1; i >= 0; i--) {
      nodes.push(node.child(i));
      indents.push(indent + 1);
    }
  }
  const pct = doc.stats.nodes ? ((100 * doc.stats.explained) / doc.stats.nodes).toFixed(1) : '0';
  yield `${doc.stats.nodes} nodes, ${doc.stats.explained} named by the schema (${pct}%)`;
  for (const p of doc.problems) yield `${p.severity}: ${safe(p.message)}${p.path ? ` [${p.path}]` : ''}`;
}
