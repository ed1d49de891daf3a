// Big messages through whole commands (issue 20): `cmp-lens inspect --json` and the text form are
// written as they are produced (no single giant string), the JSON is the same as the whole-document
// form, and a dense crlann (a CRL of 200,000 entries, each with a reasonCode) gets no false finding:
// no schema decoder's node limit or text reaches the user.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { inspectJsonChunks, inspectLines } from '../../src/app';
import { AsnParser, AsnSerializer } from '@peculiar/asn1-schema';
import * as cmp from '../../src/core/asn1';
import { readMessage } from '../../src/core/base';
import { checkMessage } from '../../src/core/checks';
import { TestCa } from '../../src/core/testca';
import { runTransaction } from '../../src/core/transport';
import { formatDocument, inspectInput, withPaths } from '../../src/core/inspect';
import { denseCrlann } from '../gen/inputs';
import { fixture, fixtureFiles } from './helpers';

const dir = mkdtempSync(join(tmpdir(), 'cmp-lens-scale-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const cliJs = join(__dirname, '..', '..', 'dist', 'cli.js');

/** Runs the built CLI with its stdout a pipe; returns the bytes written, the exit code and stderr. */
function runCli(args: string[]): Promise<{ code: number; bytes: number; tail: string; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [cliJs, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let bytes = 0;
    let tail = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => {
      bytes += d.length;
      tail = (tail + d.toString('utf8')).slice(-4000);
    });
    p.stderr.on('data', (d: Buffer) => (err += d));
    p.on('close', (code) => resolve({ code: code ?? -1, bytes, tail, err }));
  });
}

describe('scale: bodies too big for the schema decoder', () => {
  it('an rp with 6,000 statuses is named, its fields said not checked (an info note), nothing false', () => {
    const ir = AsnParser.parse(fixture('openssl-mock/ir-pbm.der'), cmp.PKIMessage);
    const rp = new cmp.RevRepContent({
      status: new cmp.PKIStatusInfos(
        Array.from({ length: 6000 }, () => new cmp.PKIStatusInfo({ status: cmp.PKIStatus.accepted })),
      ),
    });
    const msg = new cmp.PKIMessage({ header: ir.header, body: new cmp.PKIBody({ rp }) });
    const der = new Uint8Array(AsnSerializer.serialize(msg));
    const read = readMessage(der);
    assert.equal(read.bodyName, 'rp');
    assert.equal(read.bodyNodes, 12_003);
    const findings = checkMessage(der);
    const note = findings.find((f) => f.id === 'body.notChecked');
    assert.equal(note?.severity, 'info');
    assert.match(
      note?.message ?? '',
      /^the rp body has 12,003 ASN\.1 nodes, more than the 9,000 its field checks decode/,
    );
    assert.ok(!findings.some((f) => f.id === 'message.decode'));
  });
});

describe('scale: output streamed, whole commands on big messages', () => {
  it('the streamed JSON and text are exactly the whole-document forms (every fixture message)', () => {
    for (const f of fixtureFiles('openssl-mock').slice(0, 20).concat(['pq/ir-ml-dsa-44.pkimsg'])) {
      const bytes = fixture(f);
      const { doc, der } = inspectInput(bytes);
      const { chunks, findings } = inspectJsonChunks(bytes);
      const whole = JSON.stringify({ ...doc, roots: withPaths(doc.roots), findings }, null, 2);
      assert.equal([...chunks].join(''), whole, f);
      assert.equal(
        [...inspectLines(bytes).lines].join('\n'),
        formatDocument(doc, { offsets: false, depth: 0, der }),
        f,
      );
    }
  });

  it('a dense crlann (200,000 entries with reasonCode): inspect --json completes and parses; no false finding', async () => {
    const big = denseCrlann(200_000);
    const file = join(dir, 'dense-crlann.der');
    writeFileSync(file, big);
    // The checks see the message whole: only what is true of it (no nonce, no protection), nothing
    // about its body failing to decode.
    const findings = checkMessage(big);
    assert.deepEqual(findings.map((f) => f.id).sort(), ['header.senderNonce.missing', 'protection.missing']);
    for (const f of findings)
      assert.doesNotMatch(f.message, /node count|Maximum ASN\.1|does not (match|decode)/);
    const json = await runCli(['inspect', '--json', file]);
    assert.equal(json.code, 0, json.err); // warnings only
    assert.match(json.tail, /"path": "protection",\n\s+"profile": "base",\n\s+"offset": 0\n\s+}\n\s+]\n}\n$/);
    assert.ok(json.bytes > 2 ** 29, `${json.bytes} bytes of JSON: more than one string could hold`);
  });
});

describe('scale: a body too big to decode is refused in words where its fields are needed', () => {
  it('the test CA answers badDataFormat; a transaction stops saying why', async () => {
    const ir = AsnParser.parse(fixture('openssl-mock/ir-pbm.der'), cmp.PKIMessage);
    const rp = new cmp.RevRepContent({
      status: new cmp.PKIStatusInfos(
        Array.from({ length: 6000 }, () => new cmp.PKIStatusInfo({ status: cmp.PKIStatus.accepted })),
      ),
    });
    const big = new Uint8Array(
      AsnSerializer.serialize(new cmp.PKIMessage({ header: ir.header, body: new cmp.PKIBody({ rp }) })),
    );
    const ca = await TestCa.create({ secret: new TextEncoder().encode('s3cret') });
    const answer = readMessage(await ca.handle(big));
    assert.equal(answer.bodyName, 'error');
    assert.match([...(answer.body.error!.pKIStatusInfo.statusString ?? [])].join(' '), /12003 ASN\.1 nodes/);
    const r = await runTransaction(fixture('openssl-mock/rr-sig-ec.der'), {
      post: async () => ({ status: 200, contentType: 'application/pkixcmp', body: big }),
      server: { name: 'big', url: 'http://x/' },
      protection: { kind: 'none' },
    });
    assert.equal(r.ok, false);
    assert.match(
      r.error ?? '',
      /the rp answer to rr has 12003 ASN\.1 nodes in its body, more than a transaction decodes \(9000\)/,
    );
  });
});
