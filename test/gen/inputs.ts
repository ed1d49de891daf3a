/**
 * Test and benchmark inputs made on the fly (no committed blobs): a hostile message whose strings
 * carry HTML, script, bidi and zero-width characters and a 1 MB string; a message with 3,000
 * extraCerts (about 2 MB); a crlann carrying a CRL with 200,000 entries (about 7 MB).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AsnConvert, AsnParser, AsnSerializer, OctetString } from '@peculiar/asn1-schema';
import * as x509 from '@peculiar/asn1-x509';
import * as cmp from '../../src/core/asn1';
import { unwrapInput } from '../../src/core/base/pem';

const fixtures = join(__dirname, '..', 'fixtures');
const fixture = (rel: string) => new Uint8Array(readFileSync(join(fixtures, rel)));

export const hostileStrings = {
  img: '<img src=x onerror="window.__pwned=(window.__pwned||0)+1">',
  script: '</script><script>window.__pwned=(window.__pwned||0)+1</script>',
  bidi: 'invoice\u202Egpj.exe\u200B\u2066hidden\u2069',
  control: 'bell\u0007 null\u0000 esc\u001b[31mred',
};

function name(cn: string): x509.Name {
  return new x509.Name([
    new x509.RelativeDistinguishedName([
      new x509.AttributeTypeAndValue({ type: '2.5.4.3', value: new x509.AttributeValue({ utf8String: cn }) }),
    ]),
  ]);
}

function certWithHostileNames(): cmp.CMPCertificate {
  const base = AsnParser.parse(unwrapInput(fixture('keys/ee-rsa.crt')).der, x509.Certificate);
  const tbs = base.tbsCertificate;
  tbs.subject = name(hostileStrings.img);
  tbs.extensions = new x509.Extensions([
    new x509.Extension({
      extnID: x509.id_ce_subjectAltName,
      extnValue: new OctetString(
        AsnConvert.serialize(
          new x509.SubjectAlternativeName([
            new x509.GeneralName({ dNSName: hostileStrings.script }),
            new x509.GeneralName({ rfc822Name: hostileStrings.bidi }),
          ]),
        ),
      ),
    }),
  ]);
  return new cmp.CMPCertificate({ x509v3PKCert: base });
}

/** A PKIMessage whose every kind of string is hostile, plus a 1 MB UTF8String. */
export function hostileMessage(): Uint8Array {
  const msg = new cmp.PKIMessage({
    header: new cmp.PKIHeader({
      pvno: 2,
      sender: new x509.GeneralName({ directoryName: name(hostileStrings.img) }),
      recipient: new x509.GeneralName({ uniformResourceIdentifier: hostileStrings.script }),
      transactionID: new OctetString(new Uint8Array(16).fill(7)),
      freeText: new cmp.PKIFreeText([
        hostileStrings.img,
        hostileStrings.script,
        hostileStrings.bidi,
        hostileStrings.control,
        'x'.repeat(1024 * 1024),
      ]),
    }),
    body: new cmp.PKIBody({ pkiconf: null }),
    extraCerts: new cmp.CMPCertificates([certWithHostileNames()]),
  });
  return new Uint8Array(AsnSerializer.serialize(msg));
}

function len(n: number): number[] {
  if (n < 0x80) return [n];
  const out: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) out.unshift(v & 0xff);
  return [0x80 | out.length, ...out];
}

function tlv(tag: number, content: Uint8Array | number[]): Uint8Array {
  const c = content instanceof Uint8Array ? content : new Uint8Array(content);
  const out = new Uint8Array(1 + len(c.length).length + c.length);
  out.set([tag, ...len(c.length)]);
  out.set(c, out.length - c.length);
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Header and body of a real message (cr-sig-rsa) with `count` copies of its extraCerts[0]. */
export function manyExtraCerts(count = 3000): Uint8Array {
  const msg = AsnParser.parse(fixture('openssl-mock/cr-sig-rsa.der'), cmp.PKIMessage);
  const cert = new Uint8Array(AsnSerializer.serialize(msg.extraCerts![0]));
  const header = new Uint8Array(AsnSerializer.serialize(msg.header));
  const body = new Uint8Array(AsnSerializer.serialize(msg.body));
  const certs = concat(Array.from({ length: count }, () => cert));
  return tlv(0x30, concat([header, body, tlv(0xa1, tlv(0x30, certs))]));
}

/** A crlann whose CRL lists `entries` revoked certificates (16-byte serials, UTCTime). */
/**
 * A crlann as dense as a real CA's CRL: `entries` revoked certificates, each with a reasonCode entry
 * extension (8 TLV nodes per entry: 200,000 entries make 7 MB and about 1.6 million nodes).
 */
export function denseCrlann(entries = 200_000): Uint8Array {
  return bigCrlann(entries, true);
}

export function bigCrlann(entries = 200_000, reasonCodes = false): Uint8Array {
  const alg = tlv(0x30, [0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02]);
  const issuer = new Uint8Array(AsnSerializer.serialize(name('Big CRL CA')));
  const time = tlv(0x17, new TextEncoder().encode('261122120000Z'));
  const list: Uint8Array[] = [];
  for (let i = 0; i < entries; i++) {
    const serial = new Uint8Array(16);
    serial[0] = 0x01;
    new DataView(serial.buffer).setUint32(12, i);
    // reasonCode (2.5.29.21) as an entry extension: keyCompromise (1) … by turns, as real CRLs mix them.
    const reason = tlv(0x30, [
      ...tlv(0x30, [...tlv(0x06, [0x55, 0x1d, 0x15]), ...tlv(0x04, tlv(0x0a, [[1, 4, 5][i % 3]]))]),
    ]);
    list.push(tlv(0x30, concat(reasonCodes ? [tlv(0x02, serial), time, reason] : [tlv(0x02, serial), time])));
  }
  const tbs = tlv(0x30, concat([tlv(0x02, [1]), alg, issuer, time, time, tlv(0x30, concat(list))]));
  const crl = tlv(0x30, concat([tbs, alg, tlv(0x03, [0, 0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01])]));
  const header = new Uint8Array(
    AsnSerializer.serialize(
      new cmp.PKIHeader({
        pvno: 2,
        sender: new x509.GeneralName({ directoryName: name('Big CRL CA') }),
        recipient: new x509.GeneralName({ directoryName: name('EE') }),
        transactionID: new OctetString(new Uint8Array(16).fill(1)),
      }),
    ),
  );
  const body = tlv(0xb2, tlv(0x30, crl));
  return tlv(0x30, concat([header, body]));
}

/** An OID's content octets: base-128 arcs after the first two (X.690 §8.19). */
function oidContent(arcs: number[]): number[] {
  const out = [arcs[0] * 40 + arcs[1]];
  for (const arc of arcs.slice(2)) {
    const bytes = [arc & 0x7f];
    for (let v = arc >>> 7; v > 0; v >>>= 7) bytes.unshift(0x80 | (v & 0x7f));
    out.push(...bytes);
  }
  return out;
}

/** A genm (header of the corpus genm-pbm) whose one InfoTypeAndValue carries `value`. */
function genmCarrying(infoType: number[], value: Uint8Array): Uint8Array {
  const msg = AsnParser.parse(fixture('openssl-mock/genm-pbm.der'), cmp.PKIMessage);
  const header = new Uint8Array(AsnSerializer.serialize(msg.header));
  const itav = tlv(0x30, concat([tlv(0x06, oidContent(infoType)), value]));
  return tlv(0x30, concat([header, tlv(0xb5, tlv(0x30, itav))]));
}

/**
 * Structurally hostile inputs (the hardening issue): each must decode to a tree with problems where
 * they apply, in bounded time, and render in the inspector with a bounded DOM.
 */
export function hostileStructures(): Record<string, Uint8Array> {
  const header = (pvno: Uint8Array) => {
    const msg = AsnParser.parse(fixture('openssl-mock/genm-pbm.der'), cmp.PKIMessage);
    const h = new Uint8Array(AsnSerializer.serialize(msg.header));
    const inner = readHeaderChildren(h);
    return tlv(0x30, concat([pvno, inner.slice(3)]));
  };
  const huge = new Uint8Array(100_000).fill(0xab);
  huge[0] = 0x7f;
  let deep = tlv(0x05, []);
  for (let i = 0; i < 150; i++) deep = tlv(0x30, deep);
  let tooDeep = tlv(0x05, []);
  for (let i = 0; i < 1000; i++) tooDeep = tlv(0x30, tooDeep);
  return {
    '100,000 siblings': genmCarrying(
      [1, 3, 6, 1, 5, 5, 7, 4, 17],
      tlv(0x30, concat(Array.from({ length: 100_000 }, (_, i) => tlv(0x02, [(i >> 8) & 0x7f, i & 0xff])))),
    ),
    'an OID with 10,000 arcs': genmCarrying(
      [1, 3, ...Array.from({ length: 9998 }, (_, i) => 1000 + i)],
      tlv(0x05, []),
    ),
    'a 100 KB INTEGER as pvno': tlv(0x30, concat([header(tlv(0x02, huge)), tlv(0xb3, tlv(0x05, []))])),
    'nesting 150 deep': genmCarrying([1, 3, 6, 1, 5, 5, 7, 4, 17], deep),
    'nesting 1,000 deep (over the limit)': genmCarrying([1, 3, 6, 1, 5, 5, 7, 4, 17], tooDeep),
    'a length of 2 GiB': new Uint8Array([0x30, 0x84, 0x7f, 0xff, 0xff, 0xff, 0x02, 0x01, 0x02]),
    'a length of 126 octets': new Uint8Array([0x30, 0xfe, ...new Array(126).fill(0xff), 0x05, 0x00]),
    'a non-minimal length (BER)': new Uint8Array([0x30, 0x82, 0x00, 0x03, 0x02, 0x01, 0x02]),
  };
}

/** The content of a header SEQUENCE from its first child on (its own tag and length skipped). */
function readHeaderChildren(h: Uint8Array): Uint8Array {
  const lenByte = h[1];
  const skip = lenByte < 0x80 ? 2 : 2 + (lenByte & 0x7f);
  return h.subarray(skip);
}
