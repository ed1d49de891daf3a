/**
 * The annotated tree, compact: one slot per node in parallel arrays (the TLV element it describes,
 * its name and type as indexes into a table of strings, how its value is rendered), the children of
 * a node in one block of `kids`. Values, notes and paths are made when asked for, so a CRL of a
 * million entries costs tens of megabytes, not a gigabyte, and closing its editor frees a handful of
 * arrays instead of millions of objects. `NodeView` reads one node as an `AnnotatedNode`.
 */
import type { AnnotatedNode } from '../../shared/annotated';
import { resized, TlvFlag, TlvTree, type SharedTlvTree } from '../der/reader';
import { tagName } from '../der/types';
import { toHex } from '../der/values';
import { nodeFields } from './paths';
import {
  nameText,
  namedIntegerAt,
  plainValueAt,
  renderPrimitiveAt,
  summarize,
  type Rendered,
  type SummaryTree,
} from './render';

/** An AnnTree as posted to another thread (AnnTree.share): arrays in the order share() lists them. */
export interface SharedAnnTree {
  tlvs: SharedTlvTree;
  nodes: [
    Int32Array,
    Int32Array,
    Int32Array,
    Int32Array,
    Uint8Array,
    Int32Array,
    Uint8Array,
    Uint32Array,
    Uint32Array,
    Int32Array,
  ];
  count: number;
  strings: string[];
  bitNames: (readonly string[])[];
  namedTables: Record<number, string>[];
}

/** How a node's value is made when it is asked for. */
export const enum ValueKind {
  None = 0,
  /** The primitive rendered by its universal tag (`arg`: the tag, and a bit-name table's index << 8). */
  Primitive = 1,
  /** An INTEGER with named values (`arg`: the table's index). */
  Named = 2,
  /** A serial number in hex. */
  Serial = 3,
  /** The summary of a production (`arg`: its name's string index). */
  Summary = 4,
  /** A Name in RFC 4514 form. */
  Name = 5,
  /** The value of the first child (an explicit tag shows its element's). */
  FirstChild = 6,
}

const enum Bit {
  Explained = 1,
  Encapsulates = 2,
  /** Notes say "N items" (a SEQUENCE OF production without exactly one). */
  Items = 4,
}

export class AnnTree implements SummaryTree {
  count = 0;
  /** The TLV element of each node. */
  tlv: Int32Array = new Int32Array(0);
  /** A string's index, or -(i + 1) for the list index name "[i]". */
  name: Int32Array = new Int32Array(0);
  type: Int32Array = new Int32Array(0);
  /** String index of where the production is defined; 0 for none. */
  ref: Int32Array = new Int32Array(0);
  vkind: Uint8Array = new Uint8Array(0);
  varg: Int32Array = new Int32Array(0);
  bits: Uint8Array = new Uint8Array(0);
  kidStart: Uint32Array = new Uint32Array(0);
  kidCount: Uint32Array = new Uint32Array(0);
  kids: Int32Array = new Int32Array(0);
  private kidsUsed = 0;
  /** Notes beyond the rendered value's (few nodes have them). */
  readonly notes = new Map<number, string[]>();
  readonly strings: string[] = [''];
  private readonly ids = new Map<string, number>([['', 0]]);
  /** Bit-name tables and named-integer tables that values refer to. */
  readonly bitNames: (readonly string[])[] = [];
  readonly namedTables: Record<number, string>[] = [];

  constructor(readonly tlvs: TlvTree) {
    // About one node per element read, and the elements read from inside OCTET STRINGs while
    // annotating (a CRL entry's reasonCode): room for a quarter more, grown if needed.
    this.grow(Math.max(64, tlvs.count + (tlvs.count >> 2)));
  }

  get bytes(): Uint8Array {
    return this.tlvs.bytes;
  }

  intern(text: string): number {
    let id = this.ids.get(text);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(text);
      this.ids.set(text, id);
    }
    return id;
  }

  tableIndex<T>(list: T[], table: T): number {
    const i = list.indexOf(table);
    return i >= 0 ? i : list.push(table) - 1;
  }

  /** A new node for TLV element `tlv`, without children or value. */
  add(tlv: number, name: number, type: number, explained: boolean): number {
    if (this.count === this.tlv.length) this.grow(Math.max(64, this.count * 2));
    const i = this.count++;
    this.tlv[i] = tlv;
    this.name[i] = name;
    this.type[i] = type;
    this.ref[i] = 0;
    this.vkind[i] = ValueKind.None;
    this.varg[i] = 0;
    this.bits[i] = explained ? Bit.Explained : 0;
    this.kidStart[i] = 0;
    this.kidCount[i] = 0;
    return i;
  }

  /** Room for `n` children of `node`, each -1 until set. */
  reserveKids(node: number, n: number): void {
    if (this.kidsUsed + n > this.kids.length)
      this.kids = resized(
        this.kids.subarray(0, this.kidsUsed),
        Math.max(256, (this.kidsUsed + n) * 2),
        this.tlvs.shared,
      );
    this.kidStart[node] = this.kidsUsed;
    this.kidCount[node] = n;
    this.kids.fill(-1, this.kidsUsed, this.kidsUsed + n);
    this.kidsUsed += n;
  }

  setKid(node: number, k: number, child: number): void {
    this.kids[this.kidStart[node] + k] = child;
  }

  kid(node: number, k: number): number {
    return k < this.kidCount[node] ? this.kids[this.kidStart[node] + k] : -1;
  }

  setValue(node: number, kind: ValueKind, arg = 0): void {
    this.vkind[node] = kind;
    this.varg[node] = arg;
  }

  setEncapsulates(node: number): void {
    this.bits[node] |= Bit.Encapsulates;
  }

  setItemsNote(node: number): void {
    this.bits[node] |= Bit.Items;
  }

  addNote(node: number, note: string): void {
    const list = this.notes.get(node);
    if (list) list.push(note);
    else this.notes.set(node, [note]);
  }

  explained(node: number): boolean {
    return (this.bits[node] & Bit.Explained) !== 0;
  }

  encapsulates(node: number): boolean {
    return (this.bits[node] & Bit.Encapsulates) !== 0;
  }

  nameOf(node: number): string {
    const n = this.name[node];
    return n >= 0 ? this.strings[n] : indexName(-n - 1);
  }

  typeOf(node: number): string {
    return this.strings[this.type[node]];
  }

  /** The rendering of a primitive node (its value, notes, OID, hexFrom); undefined for other kinds. */
  rendered(node: number): Rendered | undefined {
    if (this.vkind[node] !== ValueKind.Primitive) return undefined;
    const t = this.tlv[node];
    const start = this.tlvs.contentStart(t);
    const arg = this.varg[node];
    const bitNames = arg >> 8 ? this.bitNames[(arg >> 8) - 1] : undefined;
    return renderPrimitiveAt(arg & 0xff, this.bytes, start, start + this.tlvs.length[t], bitNames);
  }

  /**
   * A primitive's value when it is one of the plain kinds (BOOLEAN, NULL, INTEGER, DER time: no notes,
   * no hex cut short), made without a Rendered object; undefined otherwise (then `rendered`).
   */
  plainValue(node: number): string | undefined {
    if (this.vkind[node] !== ValueKind.Primitive) return undefined;
    const t = this.tlv[node];
    const start = this.tlvs.contentStart(t);
    return plainValueAt(this.varg[node] & 0xff, this.bytes, start, start + this.tlvs.length[t]);
  }

  /** The OID a node holds, for the open types chosen by it. */
  oid(node: number): string | undefined {
    return this.rendered(node)?.oid;
  }

  childCountOf(node: number): number {
    return this.kidCount[node];
  }

  /** The value for people (AnnotatedNode.value), made now from the bytes. */
  valueOf(node: number): string | undefined {
    switch (this.vkind[node] as ValueKind) {
      case ValueKind.Primitive:
        return this.rendered(node)?.value;
      case ValueKind.Named: {
        const t = this.tlv[node];
        const start = this.tlvs.contentStart(t);
        return namedIntegerAt(
          this.bytes,
          start,
          start + this.tlvs.length[t],
          this.namedTables[this.varg[node]],
        );
      }
      case ValueKind.Serial: {
        const t = this.tlv[node];
        const start = this.tlvs.contentStart(t);
        return `0x${toHex(this.bytes.subarray(start, start + this.tlvs.length[t]))}`;
      }
      case ValueKind.Summary:
        return summarize(this.strings[this.varg[node]], this, node);
      case ValueKind.Name:
        return nameText(this, node);
      case ValueKind.FirstChild: {
        const first = this.kid(node, 0);
        return first >= 0 ? this.valueOf(first) : undefined;
      }
      default:
        return undefined;
    }
  }

  /** AnnotatedNode.hexFrom: where the hex of a value cut short starts. */
  hexFromOf(node: number): number | undefined {
    return this.vkind[node] === ValueKind.Primitive ? this.rendered(node)?.hexFrom : undefined;
  }

  /**
   * A node's value in full: the tree's, or for hex cut in the tree, all of it (up to `max` bytes of
   * content, 64 KiB by default). `value`: the node's value when the caller has it already.
   */
  fullValue(node: number, der: Uint8Array, max = fullHexMax, value = this.valueOf(node)): string | undefined {
    const hexFrom = this.hexFromOf(node);
    if (hexFrom === undefined) {
      // An explicit tag shows its element's value: in full, the element's full value.
      const only = this.kidCount[node] === 1 ? this.kid(node, 0) : -1;
      if (only < 0 || this.hexFromOf(only) === undefined) return value;
      const inner = this.valueOf(only);
      return inner === value ? this.fullValue(only, der, max, inner) : value;
    }
    const t = this.tlv[node];
    const contentStart = this.tlvs.contentStart(t);
    const content = der.subarray(
      contentStart + hexFrom,
      Math.min(der.length, contentStart + this.tlvs.length[t]),
    );
    if (content.length <= max) return toHex(content);
    return max === fullHexMax
      ? `${toHex(content, max)} (${content.length} bytes; "Copy hex" copies the whole element)`
      : toHex(content, max);
  }

  view(node: number): NodeView {
    return new NodeView(this, node);
  }

  /** Releases the memory arrays hold beyond what is used (once annotation is done; not a shared tree's, see TlvTree). */
  trim(): void {
    if (this.tlvs.shared) return;
    this.grow(this.count);
    this.kids = resized(this.kids, this.kidsUsed);
  }

  private grow(size: number): void {
    const shared = this.tlvs.shared;
    this.tlv = resized(this.tlv, size, shared);
    this.name = resized(this.name, size, shared);
    this.type = resized(this.type, size, shared);
    this.ref = resized(this.ref, size, shared);
    this.vkind = resized(this.vkind, size, shared);
    this.varg = resized(this.varg, size, shared);
    this.bits = resized(this.bits, size, shared);
    this.kidStart = resized(this.kidStart, size, shared);
    this.kidCount = resized(this.kidCount, size, shared);
  }

  /**
   * What another thread needs to read this tree's values and text: its arrays (in shared memory when
   * the TLV tree was read `shared`: posting them copies nothing), strings and tables.
   */
  share(): SharedAnnTree {
    return {
      tlvs: this.tlvs.share(),
      nodes: [
        this.tlv,
        this.name,
        this.type,
        this.ref,
        this.vkind,
        this.varg,
        this.bits,
        this.kidStart,
        this.kidCount,
        this.kids,
      ],
      count: this.count,
      strings: this.strings,
      bitNames: this.bitNames,
      namedTables: this.namedTables,
    };
  }

  /** The tree another thread shared (`share`), to read: values, summaries and text, not annotation. */
  static fromShare(s: SharedAnnTree): AnnTree {
    // Made with no elements, so the tree makes no room for their nodes; then given them.
    const tlvs = TlvTree.fromShare({ ...s.tlvs, count: 0 });
    const tree = new AnnTree(tlvs);
    tlvs.count = s.tlvs.count;
    [
      tree.tlv,
      tree.name,
      tree.type,
      tree.ref,
      tree.vkind,
      tree.varg,
      tree.bits,
      tree.kidStart,
      tree.kidCount,
      tree.kids,
    ] = s.nodes;
    tree.count = s.count;
    tree.strings.splice(0, tree.strings.length, ...s.strings);
    tree.bitNames.push(...s.bitNames);
    tree.namedTables.push(...s.namedTables);
    return tree;
  }
}

/** Largest value the details pane and "copy value" spell out in hex (64 KiB of content). */
const fullHexMax = 65536;

/** A node's value in full (AnnTree.fullValue); a node that is not a view of an AnnTree has its value. */
export function fullValue(node: AnnotatedNode, der: Uint8Array, max = fullHexMax): string | undefined {
  return node instanceof NodeView ? node.tree.fullValue(node.index, der, max) : node.value;
}

const indexNames: string[] = [];
/** "[i]", one string each for the first 4,096. */
export function indexName(i: number): string {
  return i < 4096 ? (indexNames[i] ??= `[${i}]`) : `[${i}]`;
}

/** One node of an AnnTree, read as an AnnotatedNode: every field made when it is read. */
export class NodeView implements AnnotatedNode {
  /** The primitive's rendering, made once per view (value, hexFrom and notes all come from it). */
  private memo?: Rendered | null;

  constructor(
    readonly tree: AnnTree,
    readonly index: number,
  ) {}

  private rendered(): Rendered | undefined {
    if (this.memo === undefined) this.memo = this.tree.rendered(this.index) ?? null;
    return this.memo ?? undefined;
  }

  private get t(): number {
    return this.tree.tlv[this.index];
  }

  get name(): string {
    return this.tree.nameOf(this.index);
  }

  get type(): string {
    return this.tree.typeOf(this.index);
  }

  get tag(): string {
    const { tlvs } = this.tree;
    return tagName({ tagClass: tlvs.tagClass(this.t), tagNumber: tlvs.tagNumber[this.t] });
  }

  get offset(): number {
    return this.tree.tlvs.offset[this.t];
  }

  get headerLength(): number {
    return this.tree.tlvs.headerLength[this.t];
  }

  get length(): number {
    return this.tree.tlvs.length[this.t];
  }

  get indefinite(): boolean | undefined {
    return this.tree.tlvs.flags[this.t] & TlvFlag.Indefinite ? true : undefined;
  }

  get explained(): boolean {
    return this.tree.explained(this.index);
  }

  get encapsulates(): boolean | undefined {
    return this.tree.encapsulates(this.index) || undefined;
  }

  get ref(): string | undefined {
    const r = this.tree.ref[this.index];
    return r ? this.tree.strings[r] : undefined;
  }

  get problems(): string[] | undefined {
    const { tlvs } = this.tree;
    return tlvs.flags[this.t] & TlvFlag.Truncated
      ? [`cut off: ${tlvs.length[this.t]} content bytes present`]
      : undefined;
  }

  get value(): string | undefined {
    // A primitive's rendering is kept by the view: value, hexFrom and notes are read together.
    return this.tree.vkind[this.index] === ValueKind.Primitive
      ? this.rendered()?.value
      : this.tree.valueOf(this.index);
  }

  get hexFrom(): number | undefined {
    return this.rendered()?.hexFrom;
  }

  get notes(): string[] | undefined {
    const tree = this.tree;
    const i = this.index;
    const rendered = this.rendered()?.notes;
    const extra = tree.notes.get(i);
    const items = tree.bits[i] & Bit.Items ? [`${tree.kidCount[i]} items`] : undefined;
    if (!extra && !items) return rendered ? [...rendered] : undefined;
    return [...(rendered ?? []), ...(items ?? []), ...(extra ?? [])];
  }

  get oid(): string | undefined {
    return this.rendered()?.oid;
  }

  get childCount(): number {
    return this.tree.kidCount[this.index];
  }

  child(k: number): NodeView {
    return new NodeView(this.tree, this.tree.kid(this.index, k));
  }

  get children(): NodeView[] {
    const n = this.childCount;
    const out = new Array<NodeView>(n);
    for (let k = 0; k < n; k++) out[k] = this.child(k);
    return out;
  }

  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of nodeFields(this)) if (v !== undefined) out[k] = v;
    out.children = this.children;
    return out;
  }
}
