import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readDer } from '../../src/core/der/reader';
import type { TlvNode } from '../../src/core/der/types';
import { decodeOid, decodeTime, formatInteger } from '../../src/core/der/values';
import { fixture, fixtureFiles, hex } from './helpers';

/** Compact shape of a tree: tag@offset(header+length)[children]. */
function shape(nodes: TlvNode[]): string {
  return nodes
    .map((n) => {
      const tag = `${['u', 'a', 'c', 'p'][n.tagClass]}${n.tagNumber}${n.constructed ? '*' : ''}`;
      const kids = n.children ? `[${shape(n.children)}]` : '';
      return `${tag}@${n.offset}(${n.headerLength}+${n.length}${n.indefinite ? ' indef' : ''}${n.truncated ? ' cut' : ''})${kids}`;
    })
    .join(' ');
}

// [hex, expected shape, expected problem substrings ('' = none), comment]
const vectors: [string, string, string[], string][] = [
  ['020105', 'u2@0(2+1)', [], 'small INTEGER'],
  ['3003020105', 'u16*@0(2+3)[u2@2(2+1)]', [], 'SEQUENCE with one INTEGER'],
  ['3000', 'u16*@0(2+0)[]', [], 'empty SEQUENCE'],
  ['1f8101020304', 'u129@0(4+2)', [], 'high tag number (two octets)'],
  [
    'bf1f0105',
    'c31*@0(3+1)[]',
    ['length octets of the element at offset 0x3 are missing'],
    'high tag [31] constructed, child has no length',
  ],
  ['1f', '', ['cut off by the end of the input'], 'high tag number cut off'],
  [
    '04820100aa',
    'u4@0(4+1 cut)',
    ['length 256 at offset 0x0 runs past the end of the input (1 bytes left)'],
    'long-form length past the end',
  ],
  ['048100', 'u4@0(3+0)', ['not in its shortest form'], 'long form for a short length (BER)'],
  ['3080020105 0000', 'u16*@0(2+3 indef)[u2@2(2+1)]', ['indefinite length'], 'BER indefinite length'],
  ['3080020105', 'u16*@0(2+3 indef cut)[u2@2(2+1)]', ['no end-of-contents'], 'indefinite length without EOC'],
  ['0480', '', ['primitive element'], 'indefinite length on a primitive'],
  ['0285ffffffffff', '', ['lengths above 4 GiB'], '5-octet length'],
  ['02ff', '', ['reserved first octet'], 'reserved length octet 0xff'],
  ['020105 00', 'u2@0(2+1)', ['1 trailing bytes'], 'one trailing byte'],
  ['020105 020106', 'u2@0(2+1) u2@3(2+1)', ['3 trailing bytes'], 'a second element after the first'],
  ['0302080f', 'u3@0(2+2)', ['8 unused bits'], 'unused bits > 7'],
  ['0300', 'u3@0(2+0)', ['no unused-bits octet'], 'empty BIT STRING'],
  ['0200', 'u2@0(2+0)', ['INTEGER at offset 0x0 has no content'], 'empty INTEGER'],
  ['010200ff', 'u1@0(2+2)', ['BOOLEAN'], 'BOOLEAN of two octets'],
  ['1000', 'u16@0(2+0)', ['encoded as primitive'], 'primitive SEQUENCE'],
  ['30', '', ['length octets'], 'tag without length'],
  [
    '300602010530020105',
    'u16*@0(2+6)[u2@2(2+1) u16*@5(2+1 cut)[]]',
    ['trailing bytes', 'runs past the end of the enclosing element'],
    'child longer than its parent, then trailing bytes',
  ],
  ['', '', ['input is empty'], 'empty input'],
];

describe('DER reader: vectors', () => {
  for (const [h, expected, problems, comment] of vectors) {
    it(comment, () => {
      const doc = readDer(hex(h));
      if (expected) assert.equal(shape(doc.roots), expected);
      for (const p of problems) {
        assert.ok(
          doc.problems.some((x) => x.message.includes(p)),
          `expected a problem with "${p}", got ${JSON.stringify(doc.problems)}`,
        );
      }
      if (problems.length === 0) assert.deepEqual(doc.problems, []);
      for (const p of doc.problems) assert.ok(Number.isInteger(p.offset) && p.offset >= 0);
    });
  }
});

describe('DER reader: limits', () => {
  it('reads a 5,000-deep nesting without exhausting the stack, stopping at the depth limit', () => {
    const depth = 5000;
    const parts: number[] = [];
    // Indefinite lengths let the nesting be built without computing lengths.
    for (let i = 0; i < depth; i++) parts.push(0x30, 0x80);
    for (let i = 0; i < depth; i++) parts.push(0x00, 0x00);
    const doc = readDer(new Uint8Array(parts));
    assert.equal(doc.roots.length, 1);
    assert.ok(
      doc.problems.some((p) => p.message.includes('nesting deeper than 200 levels')),
      JSON.stringify(doc.problems.slice(0, 3)),
    );
    let d = 0;
    for (let n: TlvNode | undefined = doc.roots[0]; n; n = n.children?.[0]) d++;
    assert.equal(d, 201);
  });

  it('stops at the node limit with a clear problem', () => {
    const many = new Uint8Array(3 * 1000)
      .fill(0)
      .map((_, i) => (i % 3 === 0 ? 0x02 : i % 3 === 1 ? 0x01 : 0x07));
    const doc = readDer(many, { limits: { maxNodes: 100 } });
    assert.ok(doc.problems.some((p) => p.message.includes('more than 100 nodes')));
    assert.equal(doc.nodeCount, 100); // the nodes read; the 101st is where it stopped
    assert.equal(doc.roots.length, 100);
  });

  it('refuses input above the size limit', () => {
    const doc = readDer(new Uint8Array(2048), { limits: { maxBytes: 1024 } });
    assert.equal(doc.roots.length, 0);
    assert.match(doc.problems[0].message, /larger than the limit of 1024 bytes/);
  });
});

describe('DER reader: corpus', () => {
  for (const file of fixtureFiles('openssl-mock')) {
    it(`${file} reads without problems and covers every byte`, () => {
      const bytes = fixture(file);
      const doc = readDer(bytes);
      assert.deepEqual(doc.problems, []);
      assert.equal(doc.roots.length, 1);
      assert.equal(doc.roots[0].end, bytes.length);
    });
  }
  const expectations: Record<string, RegExp | null> = {
    'bad/empty.der': /input is empty/,
    'bad/truncated-ip.der': /runs past the end of the input/,
    'bad/wrong-length-ip.der': /length 1791 at offset 0x0 runs past the end of the input \(1747 bytes left\)/,
    'bad/trailing-bytes-ip.der': /trailing bytes after the end of the first element/,
    'bad/random-2k.bin': /length|tag|past the end/,
    'bad/tampered-mac-ir.der': null,
    'bad/not-cmp-certificate.der': null,
  };
  for (const [file, expected] of Object.entries(expectations)) {
    it(`${file}: ${expected ? 'a problem with its offset' : 'valid DER'}`, () => {
      const doc = readDer(fixture(file));
      if (expected)
        assert.ok(
          doc.problems.some((p) => expected.test(p.message)),
          JSON.stringify(doc.problems),
        );
      else assert.deepEqual(doc.problems, []);
    });
  }
});

describe('value decoders', () => {
  it('decodes OIDs, including large arcs and the 2.x form', () => {
    assert.equal(decodeOid(hex('2a864886f67d07420d')), '1.2.840.113533.7.66.13');
    assert.equal(decodeOid(hex('8837')), '2.999');
    assert.equal(decodeOid(hex('2a86')), undefined, 'unterminated arc');
  });
  it('cuts an OID of 10,000 arcs', () => {
    const text = decodeOid(new Uint8Array(10000).fill(1));
    assert.match(text ?? '', /…\(10001 arcs\)$/);
  });
  it('formats integers: small as decimal, large also as hex, negative', () => {
    assert.equal(formatInteger(hex('05')), '5');
    assert.equal(formatInteger(hex('ff')), '-1');
    assert.equal(formatInteger(hex('0102030405060708')), '72623859790382856 (0x0102030405060708)');
  });
  it('renders UTCTime with the RFC 5280 century rule and GeneralizedTime with fractions', () => {
    assert.equal(decodeTime(23, new TextEncoder().encode('491231235959Z')), '2049-12-31T23:59:59Z');
    assert.equal(decodeTime(23, new TextEncoder().encode('500101000000Z')), '1950-01-01T00:00:00Z');
    assert.equal(decodeTime(24, new TextEncoder().encode('20261122162249.123Z')), '2026-11-22T16:22:49.123Z');
    assert.equal(decodeTime(24, new TextEncoder().encode('2026x')), undefined);
  });
});
