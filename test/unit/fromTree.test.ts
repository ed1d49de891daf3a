import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import {
  AsnIntegerArrayBufferConverter,
  AsnIntegerBigIntConverter,
  AsnParser,
  AsnProp,
  AsnPropTypes,
  AsnSerializer,
  AsnType,
  AsnTypeTypes,
} from '@peculiar/asn1-schema';
import { ContentInfo, EnvelopedData, SignedData } from '@peculiar/asn1-cms';
import {
  AlgorithmIdentifier,
  Certificate,
  Extensions,
  GeneralName,
  Name,
  SubjectPublicKeyInfo,
  Time,
} from '@peculiar/asn1-x509';
import * as cmp from '../../src/core/asn1';
import { readTlv, type TlvTree } from '../../src/core/der/reader';
import { decodeTree, SchemaMismatch } from '../../src/core/base/fromTree';
import { DecodeError, decodeAs } from '../../src/core/base/decode';
import { readMessage } from '../../src/core/base/message';
import { unwrapInput } from '../../src/core/base/pem';
import { fixture, hex } from './helpers';

const fixtures = join(__dirname, '..', 'fixtures');

/** Hex of one element: tag octet, definite length, content. */
function tlv(tag: number, content: string): string {
  const n = content.length / 2;
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return [tag, ...len].map((b) => b.toString(16).padStart(2, '0')).join('') + content;
}

/** An OID's text as the decoder gives it (through a one-field schema). */
@AsnType({ type: AsnTypeTypes.Choice })
class AnOid {
  @AsnProp({ type: AsnPropTypes.ObjectIdentifier }) oid?: string;
}
const oidOf = (tree: TlvTree, i: number) => decodeTree(tree, i, AnOid).oid;

/** A SEQUENCE of one field of each kind the converters make. */
@AsnType({ type: AsnTypeTypes.Sequence })
class Values {
  @AsnProp({ type: AsnPropTypes.Integer }) small = 0;
  @AsnProp({ type: AsnPropTypes.Integer }) negative = 0;
  @AsnProp({ type: AsnPropTypes.Integer }) big: number | string = 0;
  @AsnProp({ type: AsnPropTypes.Enumerated }) enumerated = 0;
  @AsnProp({ type: AsnPropTypes.Boolean }) yes = false;
  @AsnProp({ type: AsnPropTypes.Integer, converter: AsnIntegerArrayBufferConverter }) bytes = new ArrayBuffer(
    0,
  );
  @AsnProp({ type: AsnPropTypes.Integer, converter: AsnIntegerBigIntConverter }) bigint = 0n;
  @AsnProp({ type: AsnPropTypes.Utf8String }) utf8 = '';
  @AsnProp({ type: AsnPropTypes.BmpString }) bmp = '';
  @AsnProp({ type: AsnPropTypes.ObjectIdentifier }) oid = '';
  @AsnProp({ type: AsnPropTypes.ObjectIdentifier }) oid2 = '';
  @AsnProp({ type: AsnPropTypes.ObjectIdentifier }) oid3 = '';
  @AsnProp({
    type: AsnPropTypes.Utf8String,
    repeated: 'sequence',
    context: 0,
    implicit: true,
    optional: true,
  })
  texts?: string[];
  @AsnProp({ type: AsnPropTypes.Any, optional: true }) any?: ArrayBuffer | null;
}

function files(dir: string, out: string[] = []): string[] {
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) files(p, out);
    else if (
      !/\.(md|json|txt|pem|sh|py|ts|pcap|pcapng|log|hex|b64|crt|key|csr)$/.test(f) &&
      statSync(p).size < 200_000
    )
      out.push(p);
  }
  return out;
}

const types: [string, new () => unknown][] = [
  ['PKIMessage', cmp.PKIMessage],
  ['PKIHeader', cmp.PKIHeader],
  ['PKIBody', cmp.PKIBody],
  ['PKIStatusInfo', cmp.PKIStatusInfo],
  ['CertTemplate', cmp.CertTemplate],
  ['ProofOfPossession', cmp.ProofOfPossession],
  ['InfoTypeAndValue', cmp.InfoTypeAndValue],
  ['PBMParameter', cmp.PBMParameter],
  ['Certificate', Certificate],
  ['Name', Name],
  ['AlgorithmIdentifier', AlgorithmIdentifier],
  ['Extensions', Extensions],
  ['GeneralName', GeneralName],
  ['SubjectPublicKeyInfo', SubjectPublicKeyInfo],
  ['Time', Time],
  ['ContentInfo', ContentInfo],
  ['SignedData', SignedData],
  ['EnvelopedData', EnvelopedData],
];

/** The primitive types whose SEQUENCE OF elements we check the tags of (the library does not). */
const primitiveNames = new Set(Object.values(AsnPropTypes).filter((v) => typeof v === 'string'));

describe('fromTree: schema objects from our TLV tree, as the schema library makes them', () => {
  it('every element of every fixture, as 18 types: the same objects as AsnParser, or both refuse', () => {
    let same = 0;
    const differ: string[] = [];
    for (const f of files(fixtures)) {
      const bytes = new Uint8Array(readFileSync(f));
      const whole = readTlv(bytes, { limits: { maxNodes: 20_000 } });
      if (!whole.roots.length || whole.tree.count >= 20_000) continue;
      for (let i = 0; i < whole.tree.count; i++) {
        if (i > 0 && !(whole.tree.flags[i] & 4)) continue; // constructed elements (and each root)
        const el = bytes.slice(whole.tree.offset[i], whole.tree.end(i));
        const alone = readTlv(el);
        if (alone.broken) continue; // decodeAs refuses it before any schema (tested below)
        for (const [name, T] of types) {
          let theirs: unknown;
          let ours: unknown;
          let theirError = false;
          let ourError: unknown;
          try {
            theirs = AsnParser.parse(el, T);
          } catch {
            theirError = true;
          }
          try {
            ours = decodeTree(alone.tree, alone.roots[0], T);
          } catch (e) {
            ourError = e;
          }
          const where = `${f.slice(fixtures.length + 1)} @${whole.tree.offset[i]} as ${name}`;
          if (theirError && ourError) continue;
          if (!theirError && !ourError) {
            if (isDeepStrictEqual(theirs, ours)) same++;
            else differ.push(`${where}: different objects`);
          } else if (ourError) {
            // Allowed: a SEQUENCE OF a primitive type holding an element of another type, which
            // the library converts anyway (an OID read as an INTEGER, a SEQUENCE as "text").
            if (!(ourError instanceof SchemaMismatch && primitiveNames.has(ourError.typeName)))
              differ.push(`${where}: only the library decodes (${(ourError as Error).message})`);
          } else if (!f.endsWith('fuzz-pop-oid-overlong.der')) {
            // Allowed there: asn1js reads inside ANY values and refuses the overlong OID in one;
            // an ANY is its bytes to us, its fault is the inspector's to show.
            differ.push(`${where}: only ours decodes`);
          }
        }
      }
    }
    assert.deepEqual(differ, []);
    assert.ok(same > 5000, `${same} elements decoded the same`);
  });

  it('values: INTEGERs, ENUMERATED, BOOLEAN, OIDs, strings, times, ANY, IMPLICIT SEQUENCE OF: as the library makes them', () => {
    const inputs = [
      // small and negative INTEGERs, four octets and more (decimal text), ENUMERATED, BOOLEANs
      [
        tlv(2, '7f'),
        tlv(2, 'ff7f'),
        tlv(2, '01020304'),
        tlv(10, '02'),
        tlv(1, 'ff'),
        tlv(2, '00ff'),
        tlv(2, 'ffffffffff'),
      ],
      [
        tlv(2, '00'),
        tlv(2, '80'),
        tlv(2, '8000000000000001'),
        tlv(10, '01000000'),
        tlv(1, '00'),
        tlv(2, '01'),
        tlv(2, '00'),
      ],
    ];
    const texts = [
      [
        tlv(12, 'c3a9'),
        tlv(30, '00e920ac'),
        tlv(6, '2a864886f70d010101'),
        tlv(6, '8837'),
        tlv(6, '6981ffff7f'),
      ],
      [tlv(12, 'ff41'), tlv(30, ''), tlv(6, '2b0601'), tlv(6, '00'), tlv(6, '7f')], // invalid UTF-8 read as Latin-1
    ];
    for (const ints of inputs)
      for (const strs of texts)
        for (const tail of [
          '',
          tlv(0xa0, tlv(12, '6f6b') + tlv(19, '686921')), // [0] IMPLICIT SEQUENCE OF UTF8String, a PrintableString in it
          tlv(0xa0, '') + tlv(5, ''), // empty list, then ANY as NULL
          tlv(4, '0102'), // ANY as bytes
          tlv(0xa0, tlv(2, '01')), // an INTEGER in the list of text: refused (the library reads it as text)
        ]) {
          const el = hex(tlv(0x30, ints.join('') + strs.join('') + tail));
          const t = readTlv(el);
          let theirs: unknown;
          let ours: unknown;
          try {
            theirs = AsnParser.parse(el, Values);
          } catch {
            theirs = 'refused';
          }
          try {
            ours = decodeTree(t.tree, t.roots[0], Values);
          } catch {
            ours = 'refused';
          }
          if (tail === tlv(0xa0, tlv(2, '01'))) assert.equal(ours, 'refused');
          else assert.deepEqual(ours, theirs, Buffer.from(el).toString('hex'));
        }
    // An arc past 2^53 (a UUID OID): the library writes it as "{hex}", we in decimal.
    const uuid = hex(tlv(6, '69828080808080808001'));
    const u = readTlv(uuid);
    assert.equal(oidOf(u.tree, u.roots[0]), '2.25.144115188075855873');
    for (const h of [
      '170d3236313230353039313532305a', // UTCTime 261205091520Z
      '170d3439313230353039313532305a', // 49 → 2049
      '170d3530313230353039313532305a', // 50 → 1950
      '180f32303236313230353039313532305a', // GeneralizedTime
      '181332303236313230353039313532302e3537355a', // .575: the library's floating point (574 ms)
      '181132303236313230353039313532302e315a',
      '170b323631323035303931355a', // UTCTime without seconds (BER): asn1js's own reading
      '180c323032363132303530393135', // GeneralizedTime in local time, no seconds (BER): asn1js's own reading
      '180d3230323631323035303931355a', // GeneralizedTime without seconds: both refuse
    ]) {
      const el = hex(h);
      const t = readTlv(el);
      const either = (f: () => unknown) => {
        try {
          return f();
        } catch {
          return 'refused';
        }
      };
      assert.deepEqual(
        either(() => decodeTree(t.tree, t.roots[0], Time)),
        either(() => AsnParser.parse(el, Time)),
        h,
      );
    }
  });
});

describe('decodeAs and readMessage over the tree', () => {
  it('a PKIMessage decodes the same as the library parse, and re-encodes to its bytes', () => {
    for (const rel of [
      'openssl-mock/cr-pbm.der',
      'openssl-mock/cr-sig-rsa-cp.der',
      'openssl-mock/genm-pbm-genp.der',
    ]) {
      const bytes = fixture(rel);
      const ours = decodeAs(bytes, cmp.PKIMessage);
      assert.ok(isDeepStrictEqual(ours, AsnParser.parse(bytes, cmp.PKIMessage)), rel);
      assert.equal(
        Buffer.from(AsnSerializer.serialize(ours)).toString('hex'),
        Buffer.from(bytes).toString('hex'),
      );
    }
  });

  it('bytes cut short are refused in our words, with where; trailing bytes are passed over', () => {
    const cert = unwrapInput(fixture('keys/ca.crt')).der;
    assert.throws(
      () => decodeAs(cert.subarray(0, cert.length - 10), Certificate, 'the certificate'),
      (e: Error) =>
        e instanceof DecodeError &&
        /^the certificate does not decode as Certificate: .*offset 0x/.test(e.message) &&
        !/asn1|schema/i.test(e.message),
    );
    const withTail = new Uint8Array([...cert, 0x05, 0x00]);
    assert.ok(isDeepStrictEqual(decodeAs(withTail, Certificate), decodeAs(cert, Certificate)));
  });

  it('a value that does not fit its type says so in our words', () => {
    // SEQUENCE { INTEGER 1 } is no Certificate
    assert.throws(
      () => decodeAs(hex('3003020101'), Certificate),
      (e: Error) =>
        e instanceof DecodeError && e.message === 'not Certificate: its elements do not fit that type',
    );
  });

  it('a message read once: readMessage keeps its TLV read for the checks and verify to reuse', () => {
    const der = fixture('openssl-mock/cr-pbm.der');
    const m = readMessage(der);
    assert.equal(m.bodyName, 'cr');
    assert.equal(m.doc?.bytes, der);
  });
});
