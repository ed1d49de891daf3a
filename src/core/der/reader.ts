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

  constructor(
    private readonly bytes: Uint8Array,
    private readonly limits: DerLimits,
  ) {}

  problem(offset: number, message: string, severity: DerProblem['severity'] = 'error'): void {
    this.problems.push({ offset, message, severity });
  }

  /** Reads consecutive elements in [start, end); with `untilEoc`, stops after an end-of-contents marker. */
  readList(start: number, end: number, depth: number, untilEoc: boolean): { nodes: TlvNode[]; next: number; sawEoc: boolean } {
    const nodes: TlvNode[] = [];
    let pos = start;
    while (pos < end && !this.stopped) {
      if (untilEoc && this.bytes[pos] === 0 && pos + 1 < end && this.bytes[pos + 1] === 0) {
        return { nodes, next: pos + 2, sawEoc: true };
      }
      const node = this.readNode(pos, end, depth);
      if (!node) break;
      nodes.push(node);
      if (node.end <= pos) break;
      pos = node.end;
    }
    return { nodes, next: pos, sawEoc: false };
  }

  private readNode(offset: number, limit: number, depth: number): TlvNode | undefined {
    if (++this.nodeCount > this.limits.maxNodes) {
      this.problem(offset, `more than ${this.limits.maxNodes} nodes: the rest of the input from offset ${hexOffset(offset)} was not read`);
      this.stopped = true;
      return undefined;
    }
    const header = this.readHeader(offset, limit);
    if (!header) return undefined;
    const node: TlvNode = {
      tagClass: header.tagClass,
      tagNumber: header.tagNumber,
      constructed: header.constructed,
      offset,
      headerLength: header.headerLength,
      length: header.length,
      end: offset + header.headerLength + header.length,
    };
    const contentStart = offset + header.headerLength;
    if (header.indefinite) {
      node.indefinite = true;
      this.readIndefinite(node, contentStart, limit, depth);
      return node;
    }
    if (node.end > limit) {
      this.problem(offset, `length ${header.length} at offset ${hexOffset(offset)} runs past the end of the ${limit === this.bytes.length ? 'input' : 'enclosing element'} (${limit - contentStart} bytes left)`);
      node.length = limit - contentStart;
      node.end = limit;
      node.truncated = true;
    }
    if (header.constructed) {
      this.readChildren(node, contentStart, node.end, depth);
    } else {
      this.checkPrimitive(node);
    }
    return node;
  }

  private readChildren(node: TlvNode, start: number, end: number, depth: number): void {
    if (depth + 1 > this.limits.maxDepth) {
      this.problem(node.offset, `nesting deeper than ${this.limits.maxDepth} levels at offset ${hexOffset(node.offset)}: its content was not read`);
      node.children = [];
      return;
    }
    node.children = exact(this.readList(start, end, depth + 1, false).nodes);
  }

  private readIndefinite(node: TlvNode, contentStart: number, limit: number, depth: number): void {
    if (!node.constructed) {
      this.problem(node.offset, `primitive element at offset ${hexOffset(node.offset)} has an indefinite length (only constructed ones may)`);
      node.length = 0;
      node.end = contentStart;
      return;
    }
    this.problem(node.offset, `indefinite length at offset ${hexOffset(node.offset)} (BER, not DER)`, 'warning');
    if (depth + 1 > this.limits.maxDepth) {
      this.problem(node.offset, `nesting deeper than ${this.limits.maxDepth} levels at offset ${hexOffset(node.offset)}: its content was not read`);
      node.children = [];
      node.length = limit - contentStart;
      node.end = limit;
      node.truncated = true;
      return;
    }
    const list = this.readList(contentStart, limit, depth + 1, true);
    node.children = exact(list.nodes);
    if (!list.sawEoc) {
      this.problem(node.offset, `indefinite-length element at offset ${hexOffset(node.offset)} has no end-of-contents marker before offset ${hexOffset(limit)}`);
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
      if (node.length === 0) this.problem(node.offset, `BIT STRING at offset ${hexOffset(node.offset)} has no unused-bits octet`);
      else if (this.bytes[start] > 7) this.problem(node.offset, `BIT STRING at offset ${hexOffset(node.offset)} says ${this.bytes[start]} unused bits (at most 7 are allowed)`);
    } else if ((node.tagNumber === 2 || node.tagNumber === 10) && node.length === 0) {
      this.problem(node.offset, `${node.tagNumber === 2 ? 'INTEGER' : 'ENUMERATED'} at offset ${hexOffset(node.offset)} has no content octets`);
    } else if (node.tagNumber === 1 && node.length !== 1) {
      this.problem(node.offset, `BOOLEAN at offset ${hexOffset(node.offset)} has ${node.length} content octets (must be 1)`);
    } else if (node.tagNumber === 5 && node.length !== 0) {
      this.problem(node.offset, `NULL at offset ${hexOffset(node.offset)} has ${node.length} content octets (must be 0)`);
    } else if (node.tagNumber === 0) {
      this.problem(node.offset, `unexpected end-of-contents marker at offset ${hexOffset(node.offset)}`);
    } else if (node.tagNumber === 16 || node.tagNumber === 17) {
      this.problem(node.offset, `${node.tagNumber === 16 ? 'SEQUENCE' : 'SET'} at offset ${hexOffset(node.offset)} is encoded as primitive (must be constructed)`);
    }
  }

  private readHeader(offset: number, limit: number): Header | undefined {
    const b = this.bytes;
    if (offset >= limit) return undefined;
    const first = b[offset];
    const tagClass = (first >> 6) as TagClass;
    const constructed = (first & 0x20) !== 0;
    let tagNumber = first & 0x1f;
    let pos = offset + 1;
    if (tagNumber === 0x1f) {
      tagNumber = 0;
      if (pos < limit && b[pos] === 0x80) this.problem(offset, `high tag number at offset ${hexOffset(offset)} has a leading 0x80 octet (not minimal)`, 'warning');
      for (let i = 0; ; i++) {
        if (pos >= limit) {
          this.problem(offset, `tag at offset ${hexOffset(offset)} is cut off by the end of the ${limit === b.length ? 'input' : 'enclosing element'}`);
          return undefined;
        }
        if (i >= 4) {
          this.problem(offset, `tag number at offset ${hexOffset(offset)} is too large (more than 4 octets)`);
          return undefined;
        }
        const v = b[pos++];
        tagNumber = tagNumber * 128 + (v & 0x7f);
        if ((v & 0x80) === 0) break;
      }
    }
    if (pos >= limit) {
      this.problem(offset, `length octets of the element at offset ${hexOffset(offset)} are missing: the input ends at offset ${hexOffset(limit)}`);
      return undefined;
    }
    const lenByte = b[pos++];
    if (lenByte === 0x80) {
      return { tagClass, tagNumber, constructed, headerLength: pos - offset, length: 0, indefinite: true };
    }
    if (lenByte < 0x80) {
      return { tagClass, tagNumber, constructed, headerLength: pos - offset, length: lenByte, indefinite: false };
    }
    const count = lenByte & 0x7f;
    if (count === 0x7f) {
      this.problem(offset, `length at offset ${hexOffset(pos - 1)} uses the reserved first octet 0xff`);
      return undefined;
    }
    if (count > 4) {
      this.problem(offset, `length at offset ${hexOffset(pos - 1)} has ${count} octets: lengths above 4 GiB are not supported`);
      return undefined;
    }
    if (pos + count > limit) {
      this.problem(offset, `length at offset ${hexOffset(pos - 1)} needs ${count} octets but the ${limit === b.length ? 'input' : 'enclosing element'} ends at offset ${hexOffset(limit)}`);
      return undefined;
    }
    let length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + b[pos + i];
    if (b[pos] === 0 || length < 0x80) {
      this.problem(offset, `length at offset ${hexOffset(pos - 1)} is not in its shortest form (BER, not DER)`, 'warning');
    }
    pos += count;
    return { tagClass, tagNumber, constructed, headerLength: pos - offset, length, indefinite: false };
  }
}

/**
 * Reads every element of `bytes[start, end)` (the whole input by default). Offsets are absolute
 * within `bytes`, so a nested decode of an OCTET STRING's content keeps the file's offsets.
 */
export function readDer(bytes: Uint8Array, options: { start?: number; end?: number; limits?: Partial<DerLimits> } = {}): DerDocument {
  const limits = { ...defaultDerLimits, ...options.limits };
  const start = options.start ?? 0;
  const end = options.end ?? bytes.length;
  const reader = new Reader(bytes, limits);
  if (end - start > limits.maxBytes) {
    reader.problem(start, `input of ${end - start} bytes is larger than the limit of ${limits.maxBytes} bytes`);
    return { bytes, roots: [], problems: reader.problems, nodeCount: 0 };
  }
  if (end <= start) {
    reader.problem(start, `the input is empty: no ASN.1 element at offset ${hexOffset(start)}`);
    return { bytes, roots: [], problems: reader.problems, nodeCount: 0 };
  }
  const { nodes, next } = reader.readList(start, end, 0, false);
  const first = nodes[0];
  if (first && first.end < end) {
    reader.problem(first.end, `${end - first.end} trailing bytes after the end of the first element (which ends at offset ${hexOffset(first.end)})`);
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

/**
 * A list grown by push() keeps room for about 17 entries: a copy of the right size lets the
 * oversized one die young, which matters when a million of them stay in the tree.
 */
function exact<T>(list: T[]): T[] {
  return list.length > 0 && list.length < 16 ? list.slice() : list;
}
