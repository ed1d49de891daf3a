/** Values for people: primitives by type, and short summaries of composite productions. */
import { KeyUsage, Reason } from '@peculiar/asn1-x509';
import { dnShortNames, oidName, pkiFailureInfoNames, PKIFailureInfo } from '../asn1';
import {
  bitsSet,
  formatIntegerAt,
  decodeDerTime,
  decodeInteger,
  decodeOid,
  decodeString,
  decodeTime,
  formatInteger,
  smallIntegerAt,
  toHex,
  visible,
} from '../der/values';

export interface Rendered {
  value?: string;
  notes?: string[];
  /** Raw OID, kept so open types can be selected by it. */
  oid?: string;
  /** The value is the hex of the content from this octet on, cut to `treeHexBytes` (see AnnotatedNode.hexFrom in src/shared/annotated). */
  hexFrom?: number;
}

/**
 * Octets of hex a tree value shows (64 digits, then "…"): the row has room for no more, and a
 * message with 3,000 certificates would otherwise keep 6,000 strings of 512 digits. The details
 * pane and "copy value" give the whole value (`fullValue`).
 */
export const treeHexBytes = 32;

function hexValue(content: Uint8Array, from: number): Rendered {
  const hex = content.subarray(from);
  if (!hex.length) return { value: '(empty)' };
  return hex.length > treeHexBytes
    ? { value: toHex(hex, treeHexBytes), hexFrom: from }
    : { value: toHex(hex) };
}

const keyUsageNames = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
];
const reasonFlagNames = [
  'unused',
  'keyCompromise',
  'cACompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
  'certificateHold',
  'privilegeWithdrawn',
  'aACompromise',
];

/** Named-bit BIT STRING classes and their bit names. */
export const namedBits = new Map<unknown, readonly string[]>([
  [PKIFailureInfo, pkiFailureInfoNames],
  [KeyUsage, keyUsageNames],
  [Reason, reasonFlagNames],
]);

export function oidText(oid: string): string {
  const name = oidName(oid);
  return name ? `${name} (${oid})` : oid;
}

/**
 * OBJECT IDENTIFIERs repeat (a certificate has a dozen, the same in every certificate): one
 * rendering per distinct encoding, shared by every node that has it, found by a hash of the octets.
 * At most `oidCacheMax` entries, so hostile input with a million distinct OIDs cannot grow it.
 */
const oidCache = new Map<number, { octets: Uint8Array; rendered: Rendered }[]>();
let oidCacheSize = 0;
const oidCacheMax = 4096;

function renderOid(bytes: Uint8Array, start: number, end: number): Rendered {
  if (end - start > 64) return renderOidOnce(bytes.subarray(start, end));
  let h = end - start;
  for (let i = start; i < end; i++) h = (Math.imul(h, 31) + bytes[i]) | 0;
  const bucket = oidCache.get(h);
  if (bucket) {
    for (const e of bucket) if (sameOctets(e.octets, bytes, start, end)) return e.rendered;
  }
  const content = bytes.subarray(start, end);
  const rendered = renderOidOnce(content);
  if (oidCacheSize < oidCacheMax) {
    oidCacheSize++;
    const entry = { octets: content.slice(), rendered };
    if (bucket) bucket.push(entry);
    else oidCache.set(h, [entry]);
  }
  return rendered;
}

function sameOctets(a: Uint8Array, b: Uint8Array, start: number, end: number): boolean {
  if (a.length !== end - start) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[start + i]) return false;
  return true;
}

/**
 * A primitive value read from `bytes[start, end)`: first `plainValueAt` (the common small cases, in
 * place, without a view of the content — a 200,000-entry CRL would make 400,000), then OIDs from the
 * cache, then everything else through renderPrimitive.
 */
export function renderPrimitiveAt(
  universal: number,
  bytes: Uint8Array,
  start: number,
  end: number,
  bitNames?: readonly string[],
): Rendered {
  const value = plainValueAt(universal, bytes, start, end);
  if (value !== undefined) return { value };
  return universal === 6
    ? renderOid(bytes, start, end)
    : renderPrimitive(universal, bytes.subarray(start, end), bitNames);
}

/** The value alone for the cases that have nothing else (no notes, no OID): BOOLEAN, NULL, INTEGERs, DER times. */
export function plainValueAt(
  universal: number,
  bytes: Uint8Array,
  start: number,
  end: number,
): string | undefined {
  const n = end - start;
  switch (universal) {
    case 1:
      return n === 1 ? (bytes[start] === 0 ? 'FALSE' : 'TRUE') : undefined;
    case 2:
    case 10: {
      if (n > 8) return formatIntegerAt(bytes, start, end);
      return n === 0 || n > 6 ? undefined : String(smallIntegerAt(bytes, start, end));
    }
    case 5:
      return n === 0 ? 'NULL' : undefined;
    case 23:
    case 24:
      return decodeDerTime(universal, bytes, start, end);
    default:
      return undefined;
  }
}

function renderOidOnce(content: Uint8Array): Rendered {
  const oid = decodeOid(content);
  return oid === undefined ? { value: `(bad OID ${toHex(content, 32)})` } : { value: oidText(oid), oid };
}

/** A primitive value by universal tag number. */
export function renderPrimitive(
  universal: number,
  content: Uint8Array,
  bitNames?: readonly string[],
): Rendered {
  switch (universal) {
    case 1:
      return {
        value:
          content.length === 1 ? (content[0] === 0 ? 'FALSE' : 'TRUE') : `(bad BOOLEAN ${toHex(content)})`,
      };
    case 2:
    case 10:
      return { value: content.length ? formatInteger(content) : '(empty)' };
    case 3:
      return renderBitString(content, bitNames);
    case 4:
      return hexValue(content, 0);
    case 5:
      return { value: 'NULL' };
    case 6:
      return renderOid(content, 0, content.length);
    case 13:
      return renderOidOnce(content);
    case 23:
    case 24: {
      const iso = decodeTime(universal, content);
      return iso ? { value: iso } : { value: `(bad time "${visible(decodeString(26, content) ?? '', 64)}")` };
    }
    default: {
      const text = decodeString(universal, content);
      if (text !== undefined) return { value: visible(text) };
      return hexValue(content, 0);
    }
  }
}

function renderBitString(content: Uint8Array, bitNames?: readonly string[]): Rendered {
  if (content.length === 0) return { value: '(empty)' };
  const unused = content[0];
  const bits = content.length - 1;
  if (bitNames) {
    const set = bitsSet(content).map((b) => bitNames[b] ?? `bit ${b}`);
    return {
      value: set.length ? set.join(', ') : '(no bits set)',
      notes: [`bits ${toHex(content.subarray(1))}, ${unused} unused`],
    };
  }
  return { ...hexValue(content, 1), notes: [`${bits * 8 - unused} bits (${bits} bytes, ${unused} unused)`] };
}

/** Value of an INTEGER field that has named values (PKIStatus, pvno, …), read from `bytes[start, end)`. */
export function namedIntegerAt(
  bytes: Uint8Array,
  start: number,
  end: number,
  names: Record<number, string>,
): string {
  // The usual case (one octet) without a BigInt.
  const n =
    end > start && end - start <= 6
      ? smallIntegerAt(bytes, start, end)
      : Number(decodeInteger(bytes.subarray(start, Math.min(end, start + 8))));
  const name = names[n];
  return name ? `${name} (${n})` : `${n} (not a named value)`;
}

/**
 * What summaries read of an annotated tree: nodes are indexes (src/core/inspect/tree.ts's AnnTree),
 * so a CRL of 200,000 entries is summarised without an object per node visited.
 */
export interface SummaryTree {
  childCountOf(node: number): number;
  /** Child `k` of `node`; -1 when there is none. */
  kid(node: number, k: number): number;
  nameOf(node: number): string;
  valueOf(node: number): string | undefined;
  oid(node: number): string | undefined;
}

/** The child named `name`, -1 for none (a loop: no list of every child made). */
function childNamed(tree: SummaryTree, node: number, name: string): number {
  if (node < 0) return -1;
  const n = tree.childCountOf(node);
  for (let k = 0; k < n; k++) {
    const c = tree.kid(node, k);
    if (c >= 0 && tree.nameOf(c) === name) return c;
  }
  return -1;
}

function childValue(tree: SummaryTree, node: number, name: string): string | undefined {
  const child = childNamed(tree, node, name);
  if (child < 0) return undefined;
  const value = tree.valueOf(child);
  if (value === undefined && tree.childCountOf(child) === 1) {
    const inner = tree.kid(child, 0);
    if (inner >= 0 && tree.nameOf(inner) === name) return tree.valueOf(inner);
  }
  return value;
}

/** The reasonCode of a CRL entry's extensions (2.5.29.21), its name only. */
function reasonOf(tree: SummaryTree, extensions: number): string | undefined {
  if (extensions < 0) return undefined;
  const n = tree.childCountOf(extensions);
  for (let k = 0; k < n; k++) {
    const e = tree.kid(extensions, k);
    const id = childNamed(tree, e, 'extnID');
    if (id < 0 || tree.oid(id) !== '2.5.29.21') continue;
    const v = childNamed(tree, e, 'extnValue');
    const inner = v >= 0 && tree.childCountOf(v) ? tree.kid(v, 0) : -1;
    return inner >= 0 ? tree.valueOf(inner) : undefined;
  }
  return undefined;
}

function rdnText(tree: SummaryTree, rdn: number): string {
  const parts: string[] = [];
  for (let k = 0; k < tree.childCountOf(rdn); k++) {
    const atv = tree.kid(rdn, k);
    const typeNode = atv >= 0 && tree.childCountOf(atv) > 0 ? tree.kid(atv, 0) : -1;
    const valueNode = atv >= 0 && tree.childCountOf(atv) > 1 ? tree.kid(atv, 1) : -1;
    const oid = typeNode >= 0 ? tree.oid(typeNode) : undefined;
    const key = oid ? (dnShortNames.get(oid) ?? oid) : '?';
    const raw = (valueNode >= 0 ? tree.valueOf(valueNode) : undefined) ?? '';
    parts.push(`${key}=${raw.replace(/([,+"\\<>;])/g, '\\$1').replace(/^([ #])/, '\\$1')}`);
  }
  return parts.join('+');
}

/** A Name in RFC 4514 form: last RDN first. */
export function nameText(tree: SummaryTree, node: number): string {
  const rdns: string[] = [];
  for (let k = tree.childCountOf(node) - 1; k >= 0; k--) {
    const rdn = tree.kid(node, k);
    if (rdn >= 0) rdns.push(rdnText(tree, rdn));
  }
  return rdns.length ? rdns.join(',') : '(empty name)';
}

/** The productions `summarize` has a summary for. */
export const summarized = new Set([
  'AlgorithmIdentifier',
  'Time',
  'Extension',
  'InfoTypeAndValue',
  'AttributeTypeAndValue',
  'Attribute',
  'PKIStatusInfo',
  'Certificate',
  'CertificationRequest',
  'RevokedCertificate',
  'CertificateList',
]);

/** Summaries of composite productions, by production name. */
export function summarize(type: string, tree: SummaryTree, node: number): string | undefined {
  switch (type) {
    case 'AlgorithmIdentifier':
      return childValue(tree, node, 'algorithm');
    case 'Time': {
      const first = tree.childCountOf(node) ? tree.kid(node, 0) : -1;
      return first >= 0 ? tree.valueOf(first) : undefined;
    }
    case 'Extension':
      return childValue(tree, node, 'extnID');
    case 'InfoTypeAndValue':
      return childValue(tree, node, 'infoType');
    case 'AttributeTypeAndValue':
    case 'Attribute':
      return childValue(tree, node, 'type');
    case 'PKIStatusInfo': {
      const status = childValue(tree, node, 'status');
      const fail = childValue(tree, node, 'failInfo');
      return fail ? `${status}; failInfo: ${fail}` : status;
    }
    case 'Certificate': {
      const tbs = childNamed(tree, node, 'tbsCertificate');
      return tbs >= 0 ? childValue(tree, tbs, 'subject') : undefined;
    }
    case 'CertificationRequest': {
      const info = childNamed(tree, node, 'certificationRequestInfo');
      return info >= 0 ? childValue(tree, info, 'subject') : undefined;
    }
    // A CRL entry leads with what tells it apart: its serial, when, and why.
    case 'RevokedCertificate': {
      const serial = childValue(tree, node, 'userCertificate');
      const when = childNamed(tree, node, 'revocationDate');
      const date = when >= 0 ? tree.valueOf(when) : undefined;
      const reason = reasonOf(tree, childNamed(tree, node, 'crlEntryExtensions'))?.replace(/ \(\d+\)$/, '');
      // What there is of the three, joined (one string: 200,000 entries make no arrays).
      let text = serial || '';
      if (date) text = text ? `${text} · ${date}` : date;
      if (reason) text = text ? `${text} · ${reason}` : reason;
      return text;
    }
    case 'CertificateList': {
      const tbs = childNamed(tree, node, 'tbsCertList');
      return tbs >= 0 ? `issuer ${childValue(tree, tbs, 'issuer') ?? '?'}` : undefined;
    }
    default:
      return undefined;
  }
}
