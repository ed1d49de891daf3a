/** Values for people: primitives by type, and short summaries of composite productions. */
import { KeyUsage, Reason } from '@peculiar/asn1-x509';
import type { AnnotatedNode } from '../../shared/annotated';
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
  toHex,
  visible,
} from '../der/values';

export interface Rendered {
  value?: string;
  notes?: string[];
  /** Raw OID, kept so open types can be selected by it. */
  oid?: string;
  /** The value is the hex of the content from this octet on, cut to `treeHexBytes` (see AnnotatedNode.hexFrom). */
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
      if (n === 0 || n > 6) return undefined;
      let v = 0;
      for (let i = start; i < end; i++) v = v * 256 + bytes[i];
      if (bytes[start] & 0x80) v -= 2 ** (n * 8);
      return String(v);
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

/** Largest value the details pane and "copy value" spell out in hex (64 KiB of content). */
const fullHexMax = 65536;

/** A node's value in full: the tree's, or for hex cut in the tree, all of it (up to `max` bytes, 64 KiB by default). */
export function fullValue(node: AnnotatedNode, der: Uint8Array, max = fullHexMax): string | undefined {
  if (node.hexFrom === undefined) {
    // An explicit tag shows its element's value: in full, the element's full value.
    const only = node.childCount === 1 ? node.child(0) : undefined;
    return only?.hexFrom !== undefined && only.value === node.value ? fullValue(only, der, max) : node.value;
  }
  const start = node.offset + node.headerLength + node.hexFrom;
  const content = der.subarray(start, Math.min(der.length, node.offset + node.headerLength + node.length));
  if (content.length <= max) return toHex(content);
  return max === fullHexMax
    ? `${toHex(content, max)} (${content.length} bytes; "Copy hex" copies the whole element)`
    : toHex(content, max);
}

/** Value of an INTEGER field that has named values (PKIStatus, pvno, …). */
export function namedInteger(content: Uint8Array, names: Record<number, string>): string {
  const n = Number(decodeInteger(content.subarray(0, 8)));
  const name = names[n];
  return name ? `${name} (${n})` : `${n} (not a named value)`;
}

/** The child named `name` (a loop over child(i): no list of every child made). */
function childNamed(node: AnnotatedNode | undefined, name: string): AnnotatedNode | undefined {
  if (!node) return undefined;
  for (let i = 0; i < node.childCount; i++) {
    const c = node.child(i);
    if (c.name === name) return c;
  }
  return undefined;
}

function childValue(node: AnnotatedNode, name: string): string | undefined {
  const child = childNamed(node, name);
  if (!child) return undefined;
  const value = child.value;
  if (value === undefined && child.childCount === 1) {
    const inner = child.child(0);
    if (inner.name === name) return inner.value;
  }
  return value;
}

/** The reasonCode of a CRL entry's extensions (2.5.29.21), its name only. */
function reasonOf(extensions: AnnotatedNode | undefined): string | undefined {
  if (!extensions) return undefined;
  for (let i = 0; i < extensions.childCount; i++) {
    const e = extensions.child(i);
    if (!(e.value ?? '').endsWith('(2.5.29.21)')) continue;
    const v = childNamed(e, 'extnValue');
    return v?.childCount ? v.child(0).value : undefined;
  }
  return undefined;
}

function rdnText(node: AnnotatedNode, oidOf: (n: AnnotatedNode) => string | undefined): string {
  return node.children
    .map((atv) => {
      const typeNode = atv.children[0];
      const valueNode = atv.children[1];
      const oid = typeNode ? oidOf(typeNode) : undefined;
      const key = oid ? (dnShortNames.get(oid) ?? oid) : '?';
      const raw = valueNode?.value ?? '';
      return `${key}=${raw.replace(/([,+"\\<>;])/g, '\\$1').replace(/^([ #])/, '\\$1')}`;
    })
    .join('+');
}

/** RFC 4514 form: last RDN first. */
export function nameText(node: AnnotatedNode, oidOf: (n: AnnotatedNode) => string | undefined): string {
  const rdns = node.children.map((rdn) => rdnText(rdn, oidOf));
  return rdns.length ? rdns.reverse().join(',') : '(empty name)';
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
export function summarize(type: string, node: AnnotatedNode): string | undefined {
  switch (type) {
    case 'AlgorithmIdentifier':
      return childValue(node, 'algorithm');
    case 'Time':
      return node.children[0]?.value;
    case 'Extension':
      return childValue(node, 'extnID');
    case 'InfoTypeAndValue':
      return childValue(node, 'infoType');
    case 'AttributeTypeAndValue':
    case 'Attribute':
      return childValue(node, 'type');
    case 'PKIStatusInfo': {
      const status = childValue(node, 'status');
      const fail = childValue(node, 'failInfo');
      return fail ? `${status}; failInfo: ${fail}` : status;
    }
    case 'Certificate': {
      const tbs = node.children.find((c) => c.name === 'tbsCertificate');
      return tbs ? childValue(tbs, 'subject') : undefined;
    }
    case 'CertificationRequest': {
      const info = node.children.find((c) => c.name === 'certificationRequestInfo');
      return info ? childValue(info, 'subject') : undefined;
    }
    // A CRL entry leads with what tells it apart: its serial, when, and why.
    case 'RevokedCertificate': {
      const serial = childValue(node, 'userCertificate');
      const date = childNamed(node, 'revocationDate')?.value;
      const reason = reasonOf(childNamed(node, 'crlEntryExtensions'));
      return [serial, date, reason?.replace(/ \(\d+\)$/, '')].filter(Boolean).join(' · ');
    }
    case 'CertificateList': {
      const tbs = node.children.find((c) => c.name === 'tbsCertList');
      return tbs ? `issuer ${childValue(tbs, 'issuer') ?? '?'}` : undefined;
    }
    default:
      return undefined;
  }
}
