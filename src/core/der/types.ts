/** Tag classes as encoded in the two high bits of the identifier octet (X.690 §8.1.2.2). */
export type TagClass = 0 | 1 | 2 | 3;

/** One TLV element with absolute byte offsets into the input it was read from. */
export interface TlvNode {
  tagClass: TagClass;
  tagNumber: number;
  constructed: boolean;
  /** Offset of the identifier octet. */
  offset: number;
  /** Identifier and length octets. */
  headerLength: number;
  /** Content octets (for indefinite lengths: without the end-of-contents marker). */
  length: number;
  /** Offset just after the element, end-of-contents marker included. */
  end: number;
  /** BER indefinite length (X.690 §8.1.3.6). */
  indefinite?: boolean;
  /** The element is cut off by the end of the input or of its parent. */
  truncated?: boolean;
  /** The elements inside a constructed one (undefined for a primitive); read-only. */
  readonly children?: TlvNode[];
}

export interface DerProblem {
  offset: number;
  message: string;
  severity: 'error' | 'warning';
}

export function hexOffset(offset: number): string {
  return `0x${offset.toString(16)}`;
}

const universalNames: Record<number, string> = {
  0: 'END-OF-CONTENTS',
  1: 'BOOLEAN',
  2: 'INTEGER',
  3: 'BIT STRING',
  4: 'OCTET STRING',
  5: 'NULL',
  6: 'OBJECT IDENTIFIER',
  7: 'ObjectDescriptor',
  8: 'EXTERNAL',
  9: 'REAL',
  10: 'ENUMERATED',
  11: 'EMBEDDED PDV',
  12: 'UTF8String',
  13: 'RELATIVE-OID',
  14: 'TIME',
  16: 'SEQUENCE',
  17: 'SET',
  18: 'NumericString',
  19: 'PrintableString',
  20: 'TeletexString',
  21: 'VideotexString',
  22: 'IA5String',
  23: 'UTCTime',
  24: 'GeneralizedTime',
  25: 'GraphicString',
  26: 'VisibleString',
  27: 'GeneralString',
  28: 'UniversalString',
  29: 'CHARACTER STRING',
  30: 'BMPString',
  31: 'DATE',
  32: 'TIME-OF-DAY',
  33: 'DATE-TIME',
  34: 'DURATION',
};

const contextNames = Array.from({ length: 64 }, (_, i) => `[${i}]`);

/** "INTEGER", "SEQUENCE" … for a universal tag number. */
export function universalName(tagNumber: number): string {
  return universalNames[tagNumber] ?? `[UNIVERSAL ${tagNumber}]`;
}

/** "SEQUENCE", "[0]", "[APPLICATION 3]" — the tag as ASN.1 writes it. */
export function tagName(node: Pick<TlvNode, 'tagClass' | 'tagNumber'>): string {
  switch (node.tagClass) {
    case 0:
      return universalName(node.tagNumber);
    case 1:
      return `[APPLICATION ${node.tagNumber}]`;
    case 2:
      return node.tagNumber < contextNames.length ? contextNames[node.tagNumber] : `[${node.tagNumber}]`;
    default:
      return `[PRIVATE ${node.tagNumber}]`;
  }
}
