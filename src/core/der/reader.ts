/**
 * A DER/BER TLV reader that keeps the whole tree with byte offsets and never throws on bad input.
 * Every node says where its header and content are, so views highlight bytes without decoding again.
 */
import { hexOffset, type DerProblem, type TagClass, type TlvNode } from './types';

export interface DerLimits {
  /** Deepest nesting followed; deeper content is reported and left unread. */
  maxDepth: number;
  /** Most nodes read from one input; the rest is reported and left unread. */
  maxNodes: number;
  /** Largest input accepted, in bytes. */
  maxBytes: number;
}

export const defaultDerLimits: DerLimits = { maxDepth: 200, maxNodes: 2_000_000, maxBytes: 64 * 1024 * 1024 };

export interface DerDocument {
  bytes: Uint8Array;
  /** Top-level elements in order; more than one means trailing data. */
  roots: TlvNode[];
  problems: DerProblem[];
  nodeCount: number;
}

type TreeArray = Uint8Array | Uint32Array | Int32Array;

/** Whether `a` is in memory another thread can read (a SharedArrayBuffer; none in a page without cross-origin isolation). */
export function isShared(a: TreeArray): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && a.buffer instanceof SharedArrayBuffer;
}

/**
 * A copy of `a` with room for `size` entries (cut to them when it had more): how the trees grow and
 * shrink. `shared`: in a SharedArrayBuffer (by default, where `a` is).
 */
export function resized<T extends TreeArray>(a: T, size: number, shared = isShared(a)): T {
  const make = a.constructor as new (n: number | SharedArrayBuffer) => T;
  const b = shared ? new make(new SharedArrayBuffer(size * a.BYTES_PER_ELEMENT)) : new make(size);
  b.set(a.length > size ? a.subarray(0, size) : a);
  return b;
}

/** Flag bits of a node in a TlvTree. */
export const enum TlvFlag {
  Constructed = 4,
  Indefinite = 8,
  Truncated = 16,
}

/**
 * The TLV tree as parallel arrays, one slot per element in the order read (a parent before its
 * children): no object per node, so a CRL of a million entries costs tens of megabytes, not a
 * gigabyte. Children are a linked list (`firstChild`, `nextSibling`, -1 for none); `childCount`
 * says how many. Encapsulated content read later (`read`) is appended to the same arrays.
 */
export class TlvTree {
  count = 0;
  offset: Uint32Array = new Uint32Array(0);
  /** Identifier and length octets (at most 1 + 5 + 5). */
  headerLength: Uint8Array = new Uint8Array(0);
  /** Content octets (for indefinite lengths: without the end-of-contents marker). */
  length: Uint32Array = new Uint32Array(0);
  tagNumber: Uint32Array = new Uint32Array(0);
  /** Tag class in the low two bits, then TlvFlag bits. */
  flags: Uint8Array = new Uint8Array(0);
  firstChild: Int32Array = new Int32Array(0);
  nextSibling: Int32Array = new Int32Array(0);
  childCount: Uint32Array = new Uint32Array(0);

  /**
   * `room`: elements expected (the arrays grow by doubling past it). `shared`: the arrays in shared
   * memory, for another thread to read (`cmp-lens inspect` writes a big tree's text on two); such a
   * tree is not trimmed (the room never used is never touched, so it takes no memory).
   */
  constructor(
    public bytes: Uint8Array,
    room = 64,
    readonly shared = false,
  ) {
    this.grow(Math.max(64, room));
  }

  tagClass(i: number): TagClass {
    return (this.flags[i] & 3) as TagClass;
  }

  constructed(i: number): boolean {
    return (this.flags[i] & TlvFlag.Constructed) !== 0;
  }

  /**
   * Offset just after the element, end-of-contents marker included: an indefinite-length element cut
   * off (no marker found, or too deep to read) or primitive (not allowed one) has none.
   */
  end(i: number): number {
    const f = this.flags[i];
    const eoc =
      (f & (TlvFlag.Indefinite | TlvFlag.Constructed | TlvFlag.Truncated)) ===
      (TlvFlag.Indefinite | TlvFlag.Constructed);
    return this.offset[i] + this.headerLength[i] + this.length[i] + (eoc ? 2 : 0);
  }

  /** Offset of the content octets. */
  contentStart(i: number): number {
    return this.offset[i] + this.headerLength[i];
  }

  /** The child indexes of `i`, in order. */
  children(i: number): number[] {
    const out = new Array<number>(this.childCount[i]);
    for (let c = this.firstChild[i], k = 0; c >= 0; c = this.nextSibling[c]) out[k++] = c;
    return out;
  }

  /**
   * Reads the elements of `bytes[start, end)` into the tree and returns the top-level ones with the
   * problems found. `nodesBefore` counts towards `limits.maxNodes` (a nested read shares the budget).
   */
  read(
    start: number,
    end: number,
    limits: DerLimits,
  ): {
    roots: number[];
    problems: DerProblem[];
    next: number;
    /** The first element could not be read whole (see Reader.broken). */
    broken: boolean;
  } {
    const reader = new Reader(this, limits);
    const { nodes, next } = reader.readList(start, end, 0, false);
    return { roots: nodes, problems: reader.problems, next, broken: reader.firstBroken ?? reader.broken };
  }

  /** A slot for a new element; grows the arrays by doubling. */
  add(): number {
    if (this.count === this.offset.length) this.grow(Math.max(64, this.count * 2));
    const i = this.count++;
    this.firstChild[i] = -1;
    this.nextSibling[i] = -1;
    this.childCount[i] = 0;
    return i;
  }

  /** Releases the memory the arrays hold beyond the elements read. */
  trim(): void {
    if (!this.shared && this.offset.length > this.count + (this.count >> 3)) this.grow(this.count);
  }

  /**
   * Room for `size` elements, what was read kept. A small tree's eight arrays are views of one buffer
   * (one allocation: a tree is made for every small read, a header or a certificate, thousands a
   * second); a big one's are grown one at a time (the old and the new of all eight at once would
   * raise a big file's peak by the size of its tree).
   */
  private grow(size: number): void {
    if (size > 1 << 16) {
      const shared = this.shared;
      this.offset = resized(this.offset, size, shared);
      this.length = resized(this.length, size, shared);
      this.tagNumber = resized(this.tagNumber, size, shared);
      this.childCount = resized(this.childCount, size, shared);
      this.firstChild = resized(this.firstChild, size, shared);
      this.nextSibling = resized(this.nextSibling, size, shared);
      this.headerLength = resized(this.headerLength, size, shared);
      this.flags = resized(this.flags, size, shared);
      return;
    }
    const buffer = this.shared ? new SharedArrayBuffer(size * 26) : new ArrayBuffer(size * 26);
    const keep = Math.min(this.count, size);
    const offset = new Uint32Array(buffer, 0, size);
    const length = new Uint32Array(buffer, size * 4, size);
    const tagNumber = new Uint32Array(buffer, size * 8, size);
    const childCount = new Uint32Array(buffer, size * 12, size);
    const firstChild = new Int32Array(buffer, size * 16, size);
    const nextSibling = new Int32Array(buffer, size * 20, size);
    const headerLength = new Uint8Array(buffer, size * 24, size);
    const flags = new Uint8Array(buffer, size * 24 + size, size);
    if (keep) {
      offset.set(this.offset.subarray(0, keep));
      length.set(this.length.subarray(0, keep));
      tagNumber.set(this.tagNumber.subarray(0, keep));
      childCount.set(this.childCount.subarray(0, keep));
      firstChild.set(this.firstChild.subarray(0, keep));
      nextSibling.set(this.nextSibling.subarray(0, keep));
      headerLength.set(this.headerLength.subarray(0, keep));
      flags.set(this.flags.subarray(0, keep));
    }
    this.offset = offset;
    this.length = length;
    this.tagNumber = tagNumber;
    this.childCount = childCount;
    this.firstChild = firstChild;
    this.nextSibling = nextSibling;
    this.headerLength = headerLength;
    this.flags = flags;
  }

  /** How many elements the subtree of `i` has (itself included), counting no further than `limit` + 1. */
  subtreeSize(i: number, limit = Infinity): number {
    let count = 0;
    const stack = [i];
    while (stack.length && count <= limit) {
      const x = stack.pop()!;
      count++;
      for (let c = this.firstChild[x]; c >= 0; c = this.nextSibling[c]) stack.push(c);
    }
    return count;
  }

  /** The element `i` as a TlvNode, its children made when first read (most callers read a few). */
  node(i: number): TlvNode {
    return new LazyNode(this, i);
  }

  /** What another thread needs to read this tree (arrays in shared memory when it is `shared`: posting them copies nothing). */
  share(): SharedTlvTree {
    return {
      bytes: this.bytes,
      arrays: [
        this.offset,
        this.headerLength,
        this.length,
        this.tagNumber,
        this.flags,
        this.firstChild,
        this.nextSibling,
        this.childCount,
      ],
      count: this.count,
    };
  }

  /**
   * The tree another thread shared, to read: its first `count` elements, which that thread does not
   * change (it only appends: an OCTET STRING's content read later; a copy of grown arrays leaves
   * these as they were).
   */
  static fromShare(s: SharedTlvTree): TlvTree {
    const tree = new TlvTree(s.bytes, 0, true);
    [
      tree.offset,
      tree.headerLength,
      tree.length,
      tree.tagNumber,
      tree.flags,
      tree.firstChild,
      tree.nextSibling,
      tree.childCount,
    ] = s.arrays;
    tree.count = s.count;
    return tree;
  }
}

/** A TlvTree as posted to another thread (TlvTree.share). */
export interface SharedTlvTree {
  bytes: Uint8Array;
  arrays: [
    Uint32Array,
    Uint8Array,
    Uint32Array,
    Uint32Array,
    Uint8Array,
    Int32Array,
    Int32Array,
    Uint32Array,
  ];
  count: number;
}

/** A TlvNode over a TlvTree slot: plain fields, and children made (once) when first read. */
class LazyNode implements TlvNode {
  readonly tagClass: TagClass;
  readonly tagNumber: number;
  readonly constructed: boolean;
  readonly offset: number;
  readonly headerLength: number;
  readonly length: number;
  readonly end: number;
  readonly indefinite?: boolean;
  readonly truncated?: boolean;
  private kids?: TlvNode[];

  constructor(
    private readonly tree: TlvTree,
    private readonly i: number,
  ) {
    const f = tree.flags[i];
    this.tagClass = (f & 3) as TagClass;
    this.tagNumber = tree.tagNumber[i];
    this.constructed = (f & TlvFlag.Constructed) !== 0;
    this.offset = tree.offset[i];
    this.headerLength = tree.headerLength[i];
    this.length = tree.length[i];
    this.end = tree.end(i);
    if (f & TlvFlag.Indefinite) this.indefinite = true;
    if (f & TlvFlag.Truncated) this.truncated = true;
  }

  get slot(): { tree: TlvTree; index: number } {
    return { tree: this.tree, index: this.i };
  }

  /** Elements in this one's subtree (itself included), counting no further than `limit` + 1. */
  size(limit: number): number {
    return this.tree.subtreeSize(this.i, limit);
  }

  get children(): TlvNode[] | undefined {
    if (!this.constructed) return undefined;
    if (!this.kids) {
      const t = this.tree;
      const kids = new Array<TlvNode>(t.childCount[this.i]);
      for (let c = t.firstChild[this.i], k = 0; c >= 0; c = t.nextSibling[c]) kids[k++] = new LazyNode(t, c);
      this.kids = kids;
    }
    return this.kids;
  }
}

interface Header {
  tagClass: TagClass;
  tagNumber: number;
  constructed: boolean;
  headerLength: number;
  length: number;
  indefinite: boolean;
}

class Reader {
  readonly problems: DerProblem[] = [];
  /**
   * Whether an element could not be read whole (a bad header or length, cut off, too deep, too many):
   * the errors that are not about one primitive's content (checkPrimitive's, which a schema decoder
   * may pass over as a BER reader does).
   */
  broken = false;
  /** `broken` as it was when the first top-level element was read (what follows it does not count). */
  firstBroken?: boolean;
  private readonly bytes: Uint8Array;
  private readonly startCount: number;
  private stopped = false;
  /** readHeader's answer, reused: one object per element read would be a million for a big CRL. */
  private readonly header: Header = {
    tagClass: 0,
    tagNumber: 0,
    constructed: false,
    headerLength: 0,
    length: 0,
    indefinite: false,
  };

  constructor(
    private readonly tree: TlvTree,
    private readonly limits: DerLimits,
  ) {
    this.bytes = tree.bytes;
    this.startCount = tree.count;
  }

  /** Elements read by this reader. */
  get nodeCount(): number {
    return this.tree.count - this.startCount;
  }

  problem(offset: number, message: string, severity: DerProblem['severity'] = 'error'): void {
    this.problems.push({ offset, message, severity });
    if (severity === 'error') this.broken = true;
  }

  /** A fault in one primitive's content octets: the element itself was read whole. */
  private contentProblem(offset: number, message: string): void {
    this.problems.push({ offset, message, severity: 'error' });
  }

  /**
   * Reads consecutive elements in [start, end) as the children of `parent` (-1: top level, returned
   * in `nodes`); with `untilEoc`, stops after an end-of-contents marker.
   */
  readList(
    start: number,
    end: number,
    depth: number,
    untilEoc: boolean,
    parent = -1,
  ): { nodes: number[]; next: number; sawEoc: boolean } {
    const t = this.tree;
    const nodes: number[] = [];
    let pos = start;
    let sawEoc = false;
    let last = -1;
    let count = 0;
    while (pos < end && !this.stopped) {
      if (untilEoc && this.bytes[pos] === 0 && pos + 1 < end && this.bytes[pos + 1] === 0) {
        pos += 2;
        sawEoc = true;
        break;
      }
      const node = this.readNode(pos, end, depth);
      if (node < 0) break;
      if (parent < 0) {
        nodes.push(node);
        if (nodes.length === 1) this.firstBroken = this.broken;
      } else if (last < 0) t.firstChild[parent] = node;
      else t.nextSibling[last] = node;
      last = node;
      count++;
      const after = t.end(node);
      if (after <= pos) break;
      pos = after;
    }
    if (parent >= 0) t.childCount[parent] = count;
    return { nodes, next: pos, sawEoc };
  }

  private readNode(offset: number, limit: number, depth: number): number {
    if (this.nodeCount >= this.limits.maxNodes) {
      this.problem(
        offset,
        `more than ${this.limits.maxNodes} nodes: the rest of the input from offset ${hexOffset(offset)} was not read`,
      );
      this.stopped = true;
      return -1;
    }
    if (!this.readHeader(offset, limit)) return -1;
    const header = this.header;
    const t = this.tree;
    const i = t.add();
    t.offset[i] = offset;
    t.headerLength[i] = header.headerLength;
    t.length[i] = header.length;
    t.tagNumber[i] = header.tagNumber;
    t.flags[i] = header.tagClass | (header.constructed ? TlvFlag.Constructed : 0);
    // `header` is overwritten by the next element read: from here on, only the tree.
    const contentStart = offset + header.headerLength;
    if (header.indefinite) {
      t.flags[i] |= TlvFlag.Indefinite;
      this.readIndefinite(i, contentStart, limit, depth);
      return i;
    }
    const end = contentStart + t.length[i];
    if (end > limit) {
      this.problem(
        offset,
        `length ${t.length[i]} at offset ${hexOffset(offset)} runs past the end of the ${limit === this.bytes.length ? 'input' : 'enclosing element'} (${limit - contentStart} bytes left)`,
      );
      t.length[i] = limit - contentStart;
      t.flags[i] |= TlvFlag.Truncated;
    }
    if (t.constructed(i)) {
      this.readChildren(i, contentStart, contentStart + t.length[i], depth);
    } else {
      this.checkPrimitive(i);
    }
    return i;
  }

  private tooDeep(i: number, depth: number): boolean {
    if (depth + 1 <= this.limits.maxDepth) return false;
    const offset = this.tree.offset[i];
    this.problem(
      offset,
      `nesting deeper than ${this.limits.maxDepth} levels at offset ${hexOffset(offset)}: its content was not read`,
    );
    return true;
  }

  private readChildren(i: number, start: number, end: number, depth: number): void {
    if (this.tooDeep(i, depth)) return;
    this.readList(start, end, depth + 1, false, i);
  }

  private readIndefinite(i: number, contentStart: number, limit: number, depth: number): void {
    const t = this.tree;
    const offset = t.offset[i];
    if (!t.constructed(i)) {
      this.problem(
        offset,
        `primitive element at offset ${hexOffset(offset)} has an indefinite length (only constructed ones may)`,
      );
      t.length[i] = 0;
      return;
    }
    this.problem(offset, `indefinite length at offset ${hexOffset(offset)} (BER, not DER)`, 'warning');
    if (this.tooDeep(i, depth)) {
      this.cutIndefinite(i, limit - contentStart);
      return;
    }
    const list = this.readList(contentStart, limit, depth + 1, true, i);
    if (!list.sawEoc) {
      this.problem(
        offset,
        `indefinite-length element at offset ${hexOffset(offset)} has no end-of-contents marker before offset ${hexOffset(limit)}`,
      );
      this.cutIndefinite(i, list.next - contentStart);
      return;
    }
    t.length[i] = list.next - 2 - contentStart;
  }

  /** An indefinite-length element without its end-of-contents marker: cut off at `length` content octets. */
  private cutIndefinite(i: number, length: number): void {
    const t = this.tree;
    t.length[i] = length;
    t.flags[i] |= TlvFlag.Truncated;
  }

  private checkPrimitive(i: number): void {
    const t = this.tree;
    if (t.tagClass(i) !== 0) return;
    const offset = t.offset[i];
    const start = offset + t.headerLength[i];
    const length = t.length[i];
    const tagNumber = t.tagNumber[i];
    if (tagNumber === 3) {
      if (length === 0)
        this.contentProblem(offset, `BIT STRING at offset ${hexOffset(offset)} has no unused-bits octet`);
      else if (this.bytes[start] > 7)
        this.contentProblem(
          offset,
          `BIT STRING at offset ${hexOffset(offset)} says ${this.bytes[start]} unused bits (at most 7 are allowed)`,
        );
    } else if ((tagNumber === 2 || tagNumber === 10) && length === 0) {
      this.contentProblem(
        offset,
        `${tagNumber === 2 ? 'INTEGER' : 'ENUMERATED'} at offset ${hexOffset(offset)} has no content octets`,
      );
    } else if (tagNumber === 1 && length !== 1) {
      this.contentProblem(
        offset,
        `BOOLEAN at offset ${hexOffset(offset)} has ${length} content octets (must be 1)`,
      );
    } else if (tagNumber === 5 && length !== 0) {
      this.contentProblem(
        offset,
        `NULL at offset ${hexOffset(offset)} has ${length} content octets (must be 0)`,
      );
    } else if (tagNumber === 0) {
      this.contentProblem(offset, `unexpected end-of-contents marker at offset ${hexOffset(offset)}`);
    } else if (tagNumber === 16 || tagNumber === 17) {
      this.contentProblem(
        offset,
        `${tagNumber === 16 ? 'SEQUENCE' : 'SET'} at offset ${hexOffset(offset)} is encoded as primitive (must be constructed)`,
      );
    }
  }

  /** Reads the identifier and length octets at `offset` into `this.header`; false (with a problem) when they are bad. */
  private readHeader(offset: number, limit: number): boolean {
    const b = this.bytes;
    if (offset >= limit) return false;
    const first = b[offset];
    const tagClass = (first >> 6) as TagClass;
    const constructed = (first & 0x20) !== 0;
    let tagNumber = first & 0x1f;
    let pos = offset + 1;
    if (tagNumber === 0x1f) {
      tagNumber = 0;
      if (pos < limit && b[pos] === 0x80)
        this.problem(
          offset,
          `high tag number at offset ${hexOffset(offset)} has a leading 0x80 octet (not minimal)`,
          'warning',
        );
      for (let i = 0; ; i++) {
        if (pos >= limit) {
          this.problem(
            offset,
            `tag at offset ${hexOffset(offset)} is cut off by the end of the ${limit === b.length ? 'input' : 'enclosing element'}`,
          );
          return false;
        }
        if (i >= 4) {
          this.problem(offset, `tag number at offset ${hexOffset(offset)} is too large (more than 4 octets)`);
          return false;
        }
        const v = b[pos++];
        tagNumber = tagNumber * 128 + (v & 0x7f);
        if ((v & 0x80) === 0) break;
      }
    }
    if (pos >= limit) {
      this.problem(
        offset,
        `length octets of the element at offset ${hexOffset(offset)} are missing: the input ends at offset ${hexOffset(limit)}`,
      );
      return false;
    }
    const lenByte = b[pos++];
    if (lenByte === 0x80) {
      return this.setHeader(tagClass, tagNumber, constructed, pos - offset, 0, true);
    }
    if (lenByte < 0x80) {
      return this.setHeader(tagClass, tagNumber, constructed, pos - offset, lenByte, false);
    }
    const count = lenByte & 0x7f;
    if (count === 0x7f) {
      this.problem(offset, `length at offset ${hexOffset(pos - 1)} uses the reserved first octet 0xff`);
      return false;
    }
    if (count > 4) {
      this.problem(
        offset,
        `length at offset ${hexOffset(pos - 1)} has ${count} octets: lengths above 4 GiB are not supported`,
      );
      return false;
    }
    if (pos + count > limit) {
      this.problem(
        offset,
        `length at offset ${hexOffset(pos - 1)} needs ${count} octets but the ${limit === b.length ? 'input' : 'enclosing element'} ends at offset ${hexOffset(limit)}`,
      );
      return false;
    }
    let length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + b[pos + i];
    if (b[pos] === 0 || length < 0x80) {
      this.problem(
        offset,
        `length at offset ${hexOffset(pos - 1)} is not in its shortest form (BER, not DER)`,
        'warning',
      );
    }
    pos += count;
    return this.setHeader(tagClass, tagNumber, constructed, pos - offset, length, false);
  }

  private setHeader(
    tagClass: TagClass,
    tagNumber: number,
    constructed: boolean,
    headerLength: number,
    length: number,
    indefinite: boolean,
  ): true {
    const h = this.header;
    h.tagClass = tagClass;
    h.tagNumber = tagNumber;
    h.constructed = constructed;
    h.headerLength = headerLength;
    h.length = length;
    h.indefinite = indefinite;
    return true;
  }
}

/**
 * Reads every element of `bytes[start, end)` (the whole input by default) into a TlvTree. Offsets
 * are absolute within `bytes`, so a nested decode of an OCTET STRING's content keeps the file's offsets.
 */
export function readTlv(
  bytes: Uint8Array,
  options: { start?: number; end?: number; limits?: Partial<DerLimits>; shared?: boolean } = {},
): { tree: TlvTree; roots: number[]; problems: DerProblem[]; broken: boolean } {
  const start = options.start ?? 0;
  const end = options.end ?? bytes.length;
  // Real messages have an element every 5 to 10 bytes: room for one every 8 (a small tree grows
  // cheaply, and a capture makes one per message) or, past 1 MiB, every 4 (growing a big tree copies
  // it; room never used is never touched, so it takes no memory), unless only its top is read (a
  // depth limit: a header of a 10 MB message needs no room for a million) or a few elements (a node
  // limit).
  const size = end - start;
  const tree = new TlvTree(
    bytes,
    options.limits?.maxDepth !== undefined && options.limits.maxDepth < 8
      ? 64
      : Math.min(size >> (size > 1 << 20 ? 2 : 3), options.limits?.maxNodes ?? 4_000_000, 4_000_000),
    options.shared,
  );
  const read = readInto(tree, start, end, {
    ...defaultDerLimits,
    ...options.limits,
  });
  return { tree, roots: read.roots, problems: read.problems, broken: read.broken };
}

const scratch = { tree: new TlvTree(new Uint8Array(0), 4096), busy: false };

/**
 * `read` of a tree of `bytes` that lives only while `read` runs (a message's outline, a small value
 * decoded): one tree, emptied and reused, not one allocated per call (a hundred thousand in a
 * capture). Nothing `read` returns may keep the tree or a node of it. A call inside another gets a
 * tree of its own.
 */
export function withTlvRead<T>(
  bytes: Uint8Array,
  read: (r: { tree: TlvTree; roots: number[]; problems: DerProblem[]; broken: boolean }) => T,
): T {
  if (scratch.busy || bytes.length > 1 << 16) return read(readTlv(bytes));
  const tree = scratch.tree;
  scratch.busy = true;
  try {
    tree.bytes = bytes;
    tree.count = 0;
    const r = readInto(tree, 0, bytes.length, defaultDerLimits);
    return read({ tree, roots: r.roots, problems: r.problems, broken: r.broken });
  } finally {
    tree.bytes = empty;
    scratch.busy = false;
  }
}

const empty = new Uint8Array(0);

// Module functions, not closures in the functions that use them: the bundle keeps function names
// (esbuild's keepNames), which costs a defineProperty each time a named closure is made.
function problem(offset: number, message: string): DerProblem {
  return { offset, message, severity: 'error' };
}

/**
 * Reads `tree.bytes[start, end)` into `tree` (appended: an OCTET STRING's content read into its
 * message's tree) with the checks of a whole input: empty, too large, trailing bytes.
 */
export function readInto(
  tree: TlvTree,
  start: number,
  end: number,
  limits: DerLimits,
): { roots: number[]; problems: DerProblem[]; broken: boolean } {
  if (end - start > limits.maxBytes)
    return {
      roots: [],
      problems: [
        problem(start, `input of ${end - start} bytes is larger than the limit of ${limits.maxBytes} bytes`),
      ],
      broken: true,
    };
  if (end <= start)
    return {
      roots: [],
      problems: [problem(start, `the input is empty: no ASN.1 element at offset ${hexOffset(start)}`)],
      broken: true,
    };
  const { roots, problems, next, broken } = tree.read(start, end, limits);
  const first = roots.length ? roots[0] : -1;
  const firstEnd = first >= 0 ? tree.end(first) : 0;
  if (first >= 0 && firstEnd < end) {
    problems.push(
      problem(
        firstEnd,
        `${end - firstEnd} trailing bytes after the end of the first element (which ends at offset ${hexOffset(firstEnd)})`,
      ),
    );
  } else if (first < 0 && next < end && problems.length === 0) {
    problems.push(problem(next, `${end - next} bytes at offset ${hexOffset(next)} could not be read`));
  }
  return { roots, problems, broken: broken || first < 0 };
}

/** Like readTlv, as TlvNode objects: for the small reads (a header, a certificate) most callers make. */
export function readDer(
  bytes: Uint8Array,
  options: { start?: number; end?: number; limits?: Partial<DerLimits> } = {},
): DerDocument {
  return derDocument(readTlv(bytes, options));
}

/** The DerDocument of a TLV read already made (readTlv). */
export function derDocument(read: { tree: TlvTree; roots: number[]; problems: DerProblem[] }): DerDocument {
  const { tree, roots, problems } = read;
  return { bytes: tree.bytes, roots: roots.map((r) => tree.node(r)), problems, nodeCount: tree.count };
}

/** How many TLV nodes `n` has (itself included), counting no further than `limit` + 1. */
export function nodeCount(n: TlvNode, limit = Infinity): number {
  // A node readDer made counts on its tree's arrays, without making a node object per element.
  if (n instanceof LazyNode) return n.size(limit);
  let count = 0;
  const stack = [n];
  while (stack.length && count <= limit) {
    const x = stack.pop()!;
    count++;
    if (x.children) for (const c of x.children) stack.push(c);
  }
  return count;
}

/** The tree and slot behind a node readDer made (undefined for a node made otherwise). */
export function slotOf(n: TlvNode): { tree: TlvTree; index: number } | undefined {
  return n instanceof LazyNode ? n.slot : undefined;
}

/** The content bytes of a node (a view, not a copy). */
export function contentOf(bytes: Uint8Array, node: TlvNode): Uint8Array {
  const start = node.offset + node.headerLength;
  return bytes.subarray(start, start + node.length);
}
