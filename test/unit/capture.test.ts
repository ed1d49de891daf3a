/**
 * Captures (src/core/capture): the corpus pcap gives exactly its 6 messages, in order, paired, with
 * their body types and verdicts; the generated captures (test/gen/captures.ts) cover pcapng, both
 * byte orders and ns timestamps, IPv6, SLL/SLL2/raw/loopback, reordering and retransmission,
 * chunked bodies, a wrong Content-Type and a truncated file; bad input never throws.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { groupExchanges, parseCapture, type CaptureResult } from '../../src/core/capture';
import { verifyMessage } from '../../src/core/protection';
import { peekMessage, readMessage, statusText, transactionIdHex } from '../../src/core/base/message';
import { fixture, fixtureFiles, isMessageFixture } from './helpers';

const secret = new TextEncoder().encode('s3cret');
const corpusPcap = () => fixture('pcap/cmp-http-ir-exchange.pcap');
const capture = (name: string) => parseCapture(fixture(`captures/${name}`));
const rows = (r: CaptureResult) =>
  r.messages.map((m) => `${m.packet} ${m.direction} ${m.bodyType}${m.pairedWith ? ` ↔${m.pairedWith}` : ''}`);
const expected = [
  '4 request ir ↔2',
  '7 response ip ↔1',
  '15 request certConf ↔4',
  '17 response pkiconf ↔3',
  '25 request genm ↔6',
  '27 response genp ↔5',
];

describe('captures: the corpus pcap', () => {
  it('yields exactly its 6 messages, in order, paired, with body types, statuses and verdicts', async () => {
    // The same frames Wireshark shows (corpus reference/tshark-V-exchange.txt: frames 6, 8, 12, 14, 23, 25).
    const r = parseCapture(corpusPcap());
    assert.deepEqual(rows(r), [
      '6 request ir ↔2',
      '8 response ip ↔1',
      '12 request certConf ↔4',
      '14 response pkiconf ↔3',
      '23 request genm ↔6',
      '25 response genp ↔5',
    ]);
    assert.deepEqual(r.problems, []);
    assert.equal(r.summary.packets, 29);
    const m = r.messages;
    assert.equal(m[0].path, '/pkix/');
    assert.equal(m[0].server, '127.0.0.1:18301');
    assert.equal(m[1].httpStatus, 200);
    assert.equal(m[1].pkiStatus, 'accepted');
    assert.ok(m.every((x) => !x.wrongContentType && x.contentType === 'application/pkixcmp'));
    const verdicts = await Promise.all(
      m.map(
        async (x) => (await verifyMessage(x.der, { secret })).find((c) => c.check === 'protection')?.verdict,
      ),
    );
    assert.deepEqual(verdicts, ['valid', 'valid', 'valid', 'valid', 'valid', 'valid']);
    const exchanges = groupExchanges(m);
    assert.deepEqual(
      exchanges.map((e) => e.messages.map((x) => x.bodyType)),
      [
        ['ir', 'ip', 'certConf', 'pkiconf'],
        ['genm', 'genp'],
      ],
    );
  });

  it('reads the same in chunks of any size (streaming)', () => {
    const whole = rows(parseCapture(corpusPcap()));
    for (const size of [1, 7, 100, 4096])
      assert.deepEqual(rows(parseCapture(corpusPcap(), size)), whole, `chunks of ${size}`);
  });
});

describe('captures: generated fixtures', () => {
  for (const name of [
    'ir-genm.pcapng',
    'ir-genm-be-ns.pcap',
    'ipv6-sll2.pcapng',
    'ipv6-loopback.pcap',
    'sll.pcap',
    'raw-ip.pcap',
    'chunked.pcap',
  ]) {
    it(`${name}: the 6 messages, paired, no problems`, () => {
      const r = capture(name);
      assert.deepEqual(rows(r), expected);
      assert.deepEqual(r.problems, []);
      assert.deepEqual(
        r.messages.map((m) => m.der),
        ['ir-pbm', 'ir-pbm-ip', 'ir-pbm-certConf', 'ir-pbm-pkiConf', 'genm-pbm', 'genm-pbm-genp'].map((n) =>
          fixture(`openssl-mock/${n}.der`),
        ),
      );
    });
  }

  it('timestamps: microseconds, nanoseconds (big-endian pcap), pcapng if_tsresol', () => {
    for (const name of ['ir-genm.pcapng', 'ir-genm-be-ns.pcap', 'sll.pcap']) {
      const t = capture(name).messages[0].time;
      assert.ok(Math.abs(t - (1795000000 + 3 * 0.001234567)) < 2e-6, `${name}: ${t}`);
    }
  });

  it('IPv6 addresses are written the RFC 5952 way', () => {
    assert.equal(capture('ipv6-sll2.pcapng').messages[0].client, '[fd00::10]:40000');
  });

  it('out-of-order and retransmitted segments are put back in order', () => {
    const r = capture('reordered.pcap');
    assert.deepEqual(
      r.messages.map((m) => m.bodyType),
      ['ir', 'ip', 'certConf', 'pkiconf', 'genm', 'genp'],
    );
    assert.deepEqual(r.messages[0].der, fixture('openssl-mock/ir-pbm.der'));
    assert.equal(r.summary.retransmitted, 1);
    assert.equal(r.summary.outOfOrder, 2);
  });

  it('a wrong Content-Type is flagged, the message still found', () => {
    const r = capture('wrong-content-type.pcap');
    assert.deepEqual(
      r.messages.map((m) => m.wrongContentType),
      [true, false, true, false, true, false],
    );
    assert.equal(r.messages[0].contentType, 'application/octet-stream');
  });

  it('a file that ends inside its last packet: what was read, and the problems with packet numbers', () => {
    const r = capture('truncated.pcap');
    assert.deepEqual(rows(r), [
      '4 request ir ↔2',
      '7 response ip ↔1',
      '15 request certConf ↔4',
      '17 response pkiconf ↔3',
      '25 request genm',
    ]);
    assert.match(r.problems[0].message, /the file ends inside a record: \d+ bytes left over after packet 26/);
    assert.equal(r.problems[0].packet, 27);
    assert.ok(r.problems.some((p) => /#5 \(genm\) got no HTTP response/.test(p.message)));
  });
});

describe('captures: bad input', () => {
  it('not a capture, empty, garbage: a clear problem, no exception', () => {
    assert.match(
      parseCapture(fixture('openssl-mock/ir-pbm.der')).problems[0].message,
      /not a pcap or pcapng file: magic 0x/,
    );
    assert.match(parseCapture(new Uint8Array()).problems[0].message, /empty/);
    const junk = Uint8Array.from({ length: 5000 }, (_, i) => (i * 7919) & 0xff);
    assert.doesNotThrow(() => parseCapture(junk));
    // A pcap header with a record claiming 1 GB.
    const huge = fixture('captures/raw-ip.pcap').slice(0, 40);
    new DataView(huge.buffer).setUint32(32, 1 << 30, true);
    assert.match(parseCapture(huge).problems[0].message, /claims 1073741824 bytes/);
  });

  it('every prefix of a capture parses without throwing, keeping the messages before the cut', () => {
    const bytes = fixture('captures/ir-genm.pcapng');
    for (let n = 0; n < bytes.length; n += 97) {
      const r = parseCapture(bytes.subarray(0, n));
      assert.ok(r.messages.length <= 6);
    }
  });
});

describe('captures: the message outline read without the schema decoder', () => {
  it('agrees with the full decode on every message fixture (body, transactionID, status)', () => {
    let compared = 0;
    for (const file of fixtureFiles('.', isMessageFixture)) {
      const der = fixture(file);
      let read;
      try {
        read = readMessage(der);
      } catch {
        continue;
      }
      const outline = peekMessage(der);
      assert.ok(outline, `${file}: no outline`);
      assert.equal(outline.bodyName, read.bodyName, file);
      assert.equal(outline.transactionID, transactionIdHex(read), file);
      const b = read.body as unknown as Record<
        string,
        { response?: { status: never }[]; pKIStatusInfo?: never; status?: never[] }
      >;
      const info = ['ip', 'cp', 'kup', 'ccp'].includes(read.bodyName)
        ? b[read.bodyName].response?.[0]?.status
        : read.bodyName === 'error'
          ? b.error.pKIStatusInfo
          : read.bodyName === 'rp'
            ? b.rp.status?.[0]
            : undefined;
      assert.equal(outline.status, info ? statusText(info) : undefined, file);
      compared++;
    }
    assert.ok(compared > 60, `${compared} messages compared`);
  });

  it('is undefined for what is not shaped like a PKIMessage', () => {
    assert.equal(peekMessage(fixture('bad/not-cmp-certificate.der')), undefined);
    assert.equal(peekMessage(fixture('bad/truncated-ip.der')), undefined);
    assert.equal(peekMessage(new TextEncoder().encode('<html>')), undefined);
  });
});
