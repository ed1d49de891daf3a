/**
 * Answers the inspector's questions about one annotated document: rows for a node's children,
 * details, filter matches, the node under a byte, byte pages. Pure, so it is tested in plain Node
 * and the host only forwards messages.
 */
import type { AnnotatedDocument, AnnotatedNode } from '../../shared/annotated';
import type { CopyWhat, FilterMatch, NodeDetails, NodeRow } from '../../shared/protocol';
import { integerDecimal, toHex } from '../der/values';
import { toBase64 } from '../base/bytes';
import { pathOf, walkWithPaths } from './paths';
import { fullValue } from './tree';
import { fieldHelp } from '../asn1/help';
import { rfcLink } from '../../shared/rfc';
import { pkiFailureInfoMeanings, pkiStatusMeanings } from '../asn1/cmpStatus';

const rowValueMax = 300;
const savableTypes = new Set([
  'Certificate',
  'CertificationRequest',
  'CertificateList',
  'PKIMessage',
  'PrivateKeyInfo',
  'SubjectPublicKeyInfo',
  'ContentInfo',
  'EnvelopedData',
  'SignedData',
]);

export class InspectorModel {
  constructor(
    readonly doc: AnnotatedDocument,
    readonly der: Uint8Array,
  ) {}

  /** The node at an index path ("0.2.1"), or undefined. */
  node(id: string): AnnotatedNode | undefined {
    const parts = id.split('.').map(Number);
    let node: AnnotatedNode | undefined = this.doc.roots[parts[0]];
    for (let i = 1; i < parts.length && node; i++)
      node = parts[i] >= 0 && parts[i] < node.childCount ? node.child(parts[i]) : undefined;
    return node;
  }

  row(node: AnnotatedNode, id: string, parent?: AnnotatedNode): NodeRow {
    const row: NodeRow = {
      id,
      name: node.name,
      type: node.type,
      offset: node.offset,
      headerLength: node.headerLength,
      length: node.length,
      childCount: node.childCount,
      explained: node.explained,
      hasProblem: !!node.problems?.length,
    };
    if (node.value !== undefined)
      row.value = node.value.length > rowValueMax ? `${node.value.slice(0, rowValueMax)}…` : node.value;
    const help = fieldHelp(parent?.type, node.name, node.type);
    if (help) row.help = `${help.text} (${help.ref})`;
    return row;
  }

  /** The parent of the node at `id`, when it has one. */
  private parentOf(id: string): AnnotatedNode | undefined {
    const cut = id.lastIndexOf('.');
    return cut < 0 ? undefined : this.node(id.slice(0, cut));
  }

  roots(): NodeRow[] {
    return this.doc.roots.map((n, i) => this.row(n, String(i)));
  }

  /** Rows for children `start` to `start + count` (at most 2,000 at a time) and how many there are. */
  children(id: string, start = 0, count = 2000): { total: number; nodes: NodeRow[] } {
    const node = this.node(id);
    if (!node) return { total: 0, nodes: [] };
    const from = Math.max(0, start);
    const to = Math.min(node.childCount, from + Math.min(Math.max(0, count), 2000));
    const nodes: NodeRow[] = [];
    for (let i = from; i < to; i++) nodes.push(this.row(node.child(i), `${id}.${i}`, node));
    return { total: node.childCount, nodes };
  }

  details(id: string): NodeDetails | undefined {
    const n = this.node(id);
    if (!n) return undefined;
    const notes = [...(n.notes ?? [])];
    // Large INTEGERs are shown in hex in the tree; the details pane adds the decimal.
    if (n.type === 'INTEGER' && (n.length > 8 || n.value?.startsWith('0x')) && n.length <= 4096) {
      notes.push(
        `decimal ${integerDecimal(this.der.subarray(n.offset + n.headerLength, n.offset + n.headerLength + n.length))}`,
      );
    }
    // What a status or failInfo value means for the requester (RFC 9810 §5.2.3).
    const word = /^(\w+) \(\d+\)$/.exec(n.value ?? '')?.[1];
    if (word && word in pkiStatusMeanings)
      notes.push(`${word}: ${pkiStatusMeanings[word as keyof typeof pkiStatusMeanings]}`);
    if (n.name === 'failInfo' && n.value)
      for (const bit of n.value.split(', '))
        if (bit in pkiFailureInfoMeanings)
          notes.push(`${bit}: ${pkiFailureInfoMeanings[bit as keyof typeof pkiFailureInfoMeanings]}`);
    const help = fieldHelp(this.parentOf(id)?.type, n.name, n.type);
    return {
      id,
      path: pathOf(this.doc.roots, id) ?? '',
      ...(help ? { help: { ...help, link: rfcLink(help.ref) } } : {}),
      name: n.name,
      type: n.type,
      tag: n.tag,
      value: fullValue(n, this.der),
      notes,
      ref: n.ref,
      offset: n.offset,
      tagLength: this.tagLength(n.offset),
      headerLength: n.headerLength,
      length: n.length,
      indefinite: !!n.indefinite,
      explained: n.explained,
      encapsulates: !!n.encapsulates,
      problems: n.problems ?? [],
      savable: savableTypes.has(n.type.replace(/^.*: /, '')) || n.tag === 'SEQUENCE',
    };
  }

  private tagLength(offset: number): number {
    if ((this.der[offset] & 0x1f) !== 0x1f) return 1;
    let i = offset + 1;
    while (i < this.der.length && (this.der[i] & 0x80) !== 0) i++;
    return i - offset + 1;
  }

  /** Case-insensitive search of name, type, value and path; depth-first order, at most `limit`. */
  filter(query: string, limit = 500): { matches: FilterMatch[]; total: number } {
    const q = query.trim().toLowerCase();
    const matches: FilterMatch[] = [];
    let total = 0;
    if (!q) return { matches, total };
    walkWithPaths(this.doc.roots, (node, path, id) => {
      const hay = `${node.name}\u0000${node.type}\u0000${node.value ?? ''}\u0000${path}`.toLowerCase();
      if (hay.includes(q)) {
        total++;
        if (matches.length < limit) {
          const m: FilterMatch = { id, path: path || node.type, type: node.type };
          if (node.value !== undefined)
            m.value = node.value.length > rowValueMax ? `${node.value.slice(0, rowValueMax)}…` : node.value;
          matches.push(m);
        }
      }
    });
    return { matches, total };
  }

  /** Ids from a root down to the innermost node whose bytes cover `offset`. */
  reveal(offset: number): string[] {
    const chain: string[] = [];
    let list = this.doc.roots;
    let prefix = '';
    for (;;) {
      const i = list.findIndex(
        (n) => offset >= n.offset && offset < n.offset + n.headerLength + n.length + (n.indefinite ? 2 : 0),
      );
      if (i < 0) return chain;
      const id = prefix ? `${prefix}.${i}` : String(i);
      chain.push(id);
      list = list[i].children;
      prefix = id;
    }
  }

  bytes(offset: number, length: number): string {
    const start = Math.max(0, Math.min(offset, this.der.length));
    return toHex(
      this.der.subarray(start, Math.min(this.der.length, start + Math.max(0, Math.min(length, 65536)))),
    );
  }

  /** The encoded element (tag, length and value) of a node. */
  elementBytes(id: string): Uint8Array | undefined {
    const n = this.node(id);
    return n
      ? this.der.subarray(n.offset, n.offset + n.headerLength + n.length + (n.indefinite ? 2 : 0))
      : undefined;
  }

  copyText(id: string, what: CopyWhat): string | undefined {
    const n = this.node(id);
    const bytes = this.elementBytes(id);
    if (!n || !bytes) return undefined;
    switch (what) {
      case 'value':
        return fullValue(n, this.der) ?? '';
      case 'path':
        return pathOf(this.doc.roots, id) ?? '';
      case 'hex':
        return toHex(bytes);
      case 'base64':
        return toBase64(bytes);
    }
  }
}
