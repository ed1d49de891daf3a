/**
 * Distinguished names and general names as users type them: "CN=x, O=y" (RFC 4514: most
 * specific first, escapes `\,`) or OpenSSL's "/CN=x/O=y"; SANs as "dns:host", "ip:10.0.0.1", "email:a@b",
 * "uri:https://x". Errors name the part that is wrong.
 */
import {
  AttributeTypeAndValue,
  DirectoryString,
  GeneralName,
  Name,
  RelativeDistinguishedName,
} from '@peculiar/asn1-x509';
import { dnShortNames } from '../asn1/oids';
import { toHex } from './bytes';

const byShortName = new Map([...dnShortNames].map(([oid, short]) => [short.toLowerCase(), oid]));
byShortName.set('email', '1.2.840.113549.1.9.1');

/** Attributes whose syntax is not DirectoryString (X.520, PKCS #9). */
const printable = new Set(['2.5.4.6', '2.5.4.5']);
const ia5 = new Set(['1.2.840.113549.1.9.1', '0.9.2342.19200300.100.1.25']);

function splitUnescaped(text: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && i + 1 < text.length) {
      cur += c + text[++i];
    } else if (c === sep) {
      out.push(cur);
      cur = '';
    } else {
      cur += c;
    }
  }
  out.push(cur);
  return out;
}

const unescape = (s: string) => s.replace(/\\(.)/g, '$1');

function attribute(part: string, where: string): AttributeTypeAndValue {
  const eq = part.indexOf('=');
  if (eq < 1) throw new Error(`${where}: "${part.trim()}" is not TYPE=value`);
  const type = part.slice(0, eq).trim();
  const value = unescape(part.slice(eq + 1).trim());
  const oid = /^\d+(\.\d+)+$/.test(type) ? type : byShortName.get(type.toLowerCase());
  if (!oid)
    throw new Error(
      `${where}: unknown attribute type "${type}" (use CN, O, OU, C, L, ST, DC, emailAddress, … or a dotted OID)`,
    );
  if (oid === '2.5.4.6' && !/^[A-Za-z]{2}$/.test(value))
    throw new Error(`${where}: C must be a two-letter country code, not "${value}"`);
  const atv = new AttributeTypeAndValue({ type: oid });
  if (printable.has(oid)) atv.value = new DirectoryString({ printableString: value });
  else if (ia5.has(oid)) atv.value = new DirectoryString({ ia5String: value } as Partial<DirectoryString>);
  else atv.value = new DirectoryString({ utf8String: value });
  return atv;
}

/** Parses a DN; the empty string gives the empty Name (NULL-DN, RFC 9810 §5.1.1). */
export function parseName(text: string, where = 'name'): Name {
  const t = text.trim();
  if (t === '') return new Name([]);
  // OpenSSL's "/CN=x/O=y" lists RDNs in encoding order; RFC 4514's "CN=x, O=y" lists them reversed.
  const parts = t.startsWith('/') ? splitUnescaped(t.slice(1), '/') : splitUnescaped(t, ',').reverse();
  return new Name(
    parts
      .filter((p) => p.trim() !== '')
      .map((p) => new RelativeDistinguishedName(splitUnescaped(p, '+').map((a) => attribute(a, where)))),
  );
}

/** DER of an IPv4 or IPv6 address, or undefined. */
export function ipBytes(text: string): Uint8Array | undefined {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (v4) {
    const b = v4.slice(1).map(Number);
    return b.every((x) => x <= 255) ? new Uint8Array(b) : undefined;
  }
  if (!/^[0-9a-fA-F:]+$/.test(text) || !text.includes(':')) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  const fill = 8 - head.length - tail.length;
  if (halves.length === 1 ? head.length !== 8 : fill < 1) return undefined;
  const all = [...head, ...Array(halves.length === 2 ? fill : 0).fill('0'), ...tail];
  if (all.some((g) => g.length === 0 || g.length > 4)) return undefined;
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    const v = parseInt(g, 16);
    out[2 * i] = v >> 8;
    out[2 * i + 1] = v & 0xff;
  });
  return out;
}

/** "dns:example.com", "ip:192.0.2.1", "email:a@example.com", "uri:https://…", "dn:CN=x". */
export function parseGeneralName(text: string, where = 'name'): GeneralName {
  const m = /^\s*(dns|ip|email|uri|dn)\s*:\s*(.*?)\s*$/i.exec(text);
  if (!m) throw new Error(`${where}: "${text}" must start with dns:, ip:, email:, uri: or dn:`);
  const [, kind, value] = m;
  switch (kind.toLowerCase()) {
    case 'dns':
      if (
        !/^(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(
          value,
        )
      )
        throw new Error(`${where}: "${value}" is not a DNS name`);
      return new GeneralName({ dNSName: value });
    case 'ip': {
      if (!ipBytes(value)) throw new Error(`${where}: "${value}" is not an IPv4 or IPv6 address`);
      return new GeneralName({ iPAddress: value });
    }
    case 'email':
      if (!/^[^@\s]+@[^@\s]+$/.test(value)) throw new Error(`${where}: "${value}" is not an email address`);
      return new GeneralName({ rfc822Name: value });
    case 'uri':
      if (!/^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(value)) throw new Error(`${where}: "${value}" is not a URI`);
      return new GeneralName({ uniformResourceIdentifier: value });
    default:
      return new GeneralName({ directoryName: parseName(value, where) });
  }
}

/** RFC 4514's special characters in an attribute value, escaped so parseName reads it back. */
function escapeValue(v: string): string {
  return v
    .replace(/([,+"\\<>;=])/g, '\\$1')
    .replace(/^([ #])/, '\\$1')
    .replace(/ $/, '\\ ');
}

/**
 * A Name as people type it and parseName reads it: "CN=device 1, O=Example" (RFC 4514: most specific
 * first), attributes by short name or dotted OID; a value that is not a string is shown as #hex.
 */
export function formatName(name: Name): string {
  const rdns = [...name].reverse().map((rdn) =>
    [...rdn]
      .map((atv) => {
        const type = dnShortNames.get(atv.type) ?? atv.type;
        const v = atv.value;
        const text =
          v.utf8String ??
          v.printableString ??
          v.teletexString ??
          v.universalString ??
          v.bmpString ??
          v.ia5String;
        return `${type}=${text === undefined ? `#${toHex(new Uint8Array(v.anyValue ?? new ArrayBuffer(0)))}` : escapeValue(text)}`;
      })
      .join('+'),
  );
  return rdns.join(', ');
}

/** A string attribute value, case-folded with runs of space collapsed (RFC 4518's matching, simplified). */
function folded(atv: AttributeTypeAndValue): string | undefined {
  const v = atv.value;
  const text =
    v.utf8String ?? v.printableString ?? v.teletexString ?? v.universalString ?? v.bmpString ?? v.ia5String;
  return text === undefined ? undefined : text.trim().replace(/\s+/g, ' ').toLowerCase();
}

/**
 * Whether two names are the same name (RFC 5280 §7.1): the same RDNs in the same order, each with the
 * same attributes; string values compare case-insensitively with spaces collapsed, whatever string type
 * encodes them (a PrintableString "CA" equals a UTF8String "ca"); other values compare as encoded.
 */
export function sameName(a: Name, b: Name): boolean {
  if (a.length !== b.length) return false;
  return a.every((rdn, i) => {
    const other = b[i];
    if (rdn.length !== other.length) return false;
    return rdn.every((atv) =>
      other.some((o) => {
        if (o.type !== atv.type) return false;
        const x = folded(atv);
        const y = folded(o);
        if (x !== undefined || y !== undefined) return x === y;
        const raw = (v: AttributeTypeAndValue['value']) =>
          v.anyValue ? toHex(new Uint8Array(v.anyValue)) : '';
        return raw(atv.value) === raw(o.value);
      }),
    );
  });
}
