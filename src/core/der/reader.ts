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
  nodeCount = 0;
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
    private readonly bytes: Uint8Array,
    private readonly limits: DerLimits,
  ) {}

  problem(offset: number, message: string, severity: DerProblem['severity'] = 'error'): void {
    this.problems.push({ offset, message, severity });
  }

  /** Elements being read, for every list open on the way down; each list takes its own off the end. */
  private readonly pending: TlvNode[] = [];

  /**
   * Reads consecutive elements in [start, end); with `untilEoc`, stops after an end-of-contents marker.
   * The list comes back in an array of its exact size (one grown by push() would keep room for ~17).
   */
  readList(
    start: number,
    end: number,
    depth: number,
    untilEoc: boolean,
  ): { nodes: TlvNode[]; next: number; sawEoc: boolean } {
    const base = this.pending.length;
    let pos = start;
    let sawEoc = false;
    while (pos < end && !this.stopped) {
      if (untilEoc && this.bytes[pos] === 0 && pos + 1 < end && this.bytes[pos + 1] === 0) {
        pos += 2;
        sawEoc = true;
        break;
      }
      const node = this.readNode(pos, end, depth);
      if (!node) break;
      this.pending.push(node);
      if (node.end <= pos) break;
      pos = node.end;
    }
    const nodes = this.pending.length > base ? this.pending.splice(base) : [];
    return { nodes, next: pos, sawEoc };
  }

  private readNode(offset: number, limit: number, depth: number): TlvNode | undefined {
    if (++this.nodeCount > this.limits.maxNodes) {
      this.problem(
        offset,
        `more than ${this.limits.maxNodes} nodes: the rest of the input from offset ${hexOffset(offset)} was not read`,
      );
      this.stopped = true;
      return undefined;
    }
    if (!this.readHeader(offset, limit)) return undefined;
    const header = this.header;
    // Every field from the start: one object shape, no property store added later.
    const node: TlvNode = {
      tagClass: header.tagClass,
      tagNumber: header.tagNumber,
      constructed: header.constructed,
      offset,
      headerLength: header.headerLength,
      length: header.length,
      end: offset + header.headerLength + header.length,
      children: undefined,
    };
    // `header` is overwritten by the next element read: from here on, only `node`.
    const contentStart = offset + node.headerLength;
    if (header.indefinite) {
      node.indefinite = true;
      this.readIndefinite(node, contentStart, limit, depth);
      return node;
    }
    if (node.end > limit) {
      this.problem(
        offset,
        `length ${node.length} at offset ${hexOffset(offset)} runs past the end of the ${limit === this.bytes.length ? 'input' : 'enclosing element'} (${limit - contentStart} bytes left)`,
      );
      node.length = limit - contentStart;
      node.end = limit;
      node.truncated = true;
    }
    if (node.constructed) {
      this.readChildren(node, contentStart, node.end, depth);
    } else {
      this.checkPrimitive(node);
    }
    return node;
  }

  private readChildren(node: TlvNode, start: number, end: number, depth: number): void {
    if (depth + 1 > this.limits.maxDepth) {
      this.problem(
        node.offset,
        `nesting deeper than ${this.limits.maxDepth} levels at offset ${hexOffset(node.offset)}: its content was not read`,
      );
      node.children = [];
      return;
    }
    node.children = this.readList(start, end, depth + 1, false).nodes;
  }

  private readIndefinite(node: TlvNode, contentStart: number, limit: number, depth: number): void {
    if (!node.constructed) {
      this.problem(
        node.offset,
        `primitive element at offset ${hexOffset(node.offset)} has an indefinite length (only constructed ones may)`,
      );
      node.length = 0;
      node.end = contentStart;
      return;
    }
    this.problem(
      node.offset,
      `indefinite length at offset ${hexOffset(node.offset)} (BER, not DER)`,
      'warning',
    );
    if (depth + 1 > this.limits.maxDepth) {
      this.problem(
        node.offset,
        `nesting deeper than ${this.limits.maxDepth} levels at offset ${hexOffset(node.offset)}: its content was not read`,
      );
      node.children = [];
      node.length = limit - contentStart;
      node.end = limit;
      node.truncated = true;
      return;
    }
    const list = this.readList(contentStart, limit, depth + 1, true);
    node.children = list.nodes;
    if (!list.sawEoc) {
      this.problem(
        node.offset,
        `indefinite-length element at offset ${hexOffset(node.offset)} has no end-of-contents marker before offset ${hexOffset(limit)}`,
      );
      node.truncated = true;
      node.length = list.next - contentStart;
      node.end = list.next;
      return;
    }
    node.length = list.next - 2 - contentStart;
    node.end = list.next;
  }

  private checkPrimitive(node: TlvNode): void {
    if (node.tagClass !== 0) return;
    const start = node.offset + node.headerLength;
    if (node.tagNumber === 3) {
      if (node.length === 0)
        this.problem(node.offset, `BIT STRING at offset ${hexOffset(node.offset)} has no unused-bits octet`);
      else if (this.bytes[start] > 7)
        this.problem(
          node.offset,
          `BIT STRING at offset ${hexOffset(node.offset)} says ${this.bytes[start]} unused bits (at most 7 are allowed)`,
        );
    } else if ((node.tagNumber === 2 || node.tagNumber === 10) && node.length === 0) {
      this.problem(
        node.offset,
        `${node.tagNumber === 2 ? 'INTEGER' : 'ENUMERATED'} at offset ${hexOffset(node.offset)} has no content octets`,
      );
    } else if (node.tagNumber === 1 && node.length !== 1) {
      this.problem(
        node.offset,
        `BOOLEAN at offset ${hexOffset(node.offset)} has ${node.length} content octets (must be 1)`,
      );
    } else if (node.tagNumber === 5 && node.length !== 0) {
      this.problem(
        node.offset,
        `NULL at offset ${hexOffset(node.offset)} has ${node.length} content octets (must be 0)`,
      );
    } else if (node.tagNumber === 0) {
      this.problem(node.offset, `unexpected end-of-contents marker at offset ${hexOffset(node.offset)}`);
    } else if (node.tagNumber === 16 || node.tagNumber === 17) {
      this.problem(
        node.offset,
        `${node.tagNumber === 16 ? 'SEQUENCE' : 'SET'} at offset ${hexOffset(node.offset)} is encoded as primitive (must be constructed)`,
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
 * Reads every element of `bytes[start, end)` (the whole input by default). Offsets are absolute
 * within `bytes`, so a nested decode of an OCTET STRING's content keeps the file's offsets.
 */
export function readDer(
  bytes: Uint8Array,
  options: { start?: number; end?: number; limits?: Partial<DerLimits> } = {},
): DerDocument {
  const limits = { ...defaultDerLimits, ...options.limits };
  const start = options.start ?? 0;
  const end = options.end ?? bytes.length;
  const reader = new Reader(bytes, limits);
  if (end - start > limits.maxBytes) {
    reader.problem(
      start,
      `input of ${end - start} bytes is larger than the limit of ${limits.maxBytes} bytes`,
    );
    return { bytes, roots: [], problems: reader.problems, nodeCount: 0 };
  }
  if (end <= start) {
    reader.problem(start, `the input is empty: no ASN.1 element at offset ${hexOffset(start)}`);
    return { bytes, roots: [], problems: reader.problems, nodeCount: 0 };
  }
  const { nodes, next } = reader.readList(start, end, 0, false);
  const first = nodes[0];
  if (first && first.end < end) {
    reader.problem(
      first.end,
      `${end - first.end} trailing bytes after the end of the first element (which ends at offset ${hexOffset(first.end)})`,
    );
  } else if (!first && next < end && reader.problems.length === 0) {
    reader.problem(next, `${end - next} bytes at offset ${hexOffset(next)} could not be read`);
  }
  return { bytes, roots: nodes, problems: reader.problems, nodeCount: reader.nodeCount };
}

/** The content bytes of a node (a view, not a copy). */
export function contentOf(bytes: Uint8Array, node: TlvNode): Uint8Array {
  const start = node.offset + node.headerLength;
  return bytes.subarray(start, start + node.length);
}
