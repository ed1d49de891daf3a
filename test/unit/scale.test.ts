// Big messages through whole commands (issue 20): `cmp-lens inspect --json` and the text form are
// written as they are produced (no single giant string), the JSON is the same as the whole-document
// form, and a dense crlann (a CRL of 200,000 entries, each with a reasonCode) gets no false finding:
// no schema decoder's node limit or text reaches the user.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { inspectJsonChunks, inspectText } from '../../src/app';
import { AsnParser, AsnSerializer } from '@peculiar/asn1-schema';
import * as cmp from '../../src/core/asn1';
import { readMessage } from '../../src/core/base';
import { checkMessage, findingLine } from '../../src/core/checks';
import { TestCa } from '../../src/core/testca';
import { runTransaction } from '../../src/core/transport';
import {
  formatDocument,
  inspectInput,
  pieceChunks,
  textChunks,
  textHexBytes,
  textParts,
  textPlan,
  treeOf,
  withPaths,
  type TextOptions,
} from '../../src/core/inspect';
import { AnnTree, fullValue } from '../../src/core/inspect/tree';
import type { AnnotatedDocument, AnnotatedNode } from '../../src/shared/annotated';
import { denseCrlann, manyExtraCerts } from '../gen/inputs';
import { fixture, fixtureFiles } from './helpers';

const dir = mkdtempSync(join(tmpdir(), 'cmp-lens-scale-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const cliJs = join(__dirname, '..', '..', 'dist', 'cli.js');

/** Runs the built CLI with its stdout a pipe; returns the bytes written, the exit code and stderr. */
function runCli(
  args: string[],
  cli = cliJs,
): Promise<{ code: number; bytes: number; tail: string; err: string; sha256: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let bytes = 0;
    let tail = '';
    let err = '';
    const hash = createHash('sha256');
    p.stdout.on('data', (d: Buffer) => {
      bytes += d.length;
      hash.update(d);
      tail = (tail + d.toString('utf8')).slice(-4000);
    });
    p.stderr.on('data', (d: Buffer) => (err += d));
    p.on('close', (code) => resolve({ code: code ?? -1, bytes, tail, err, sha256: hash.digest('hex') }));
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
  it('the streamed JSON is exactly the whole-document form (every fixture message)', () => {
    for (const f of fixtureFiles('openssl-mock').slice(0, 20).concat(['pq/ir-ml-dsa-44.pkimsg'])) {
      const bytes = fixture(f);
      const { doc } = inspectInput(bytes);
      const { chunks, findings } = inspectJsonChunks(bytes);
      const whole = JSON.stringify({ ...doc, roots: withPaths(doc.roots), findings }, null, 2);
      assert.equal([...chunks].join(''), whole, f);
    }
  });

  it('the text form written from the arrays is, line for line, what each node says through the AnnotatedNode interface', () => {
    // The definition of a line, written plainly over the public node interface: the fast writer
    // (UTF-8 straight from the tree's arrays) must give these same bytes, for every fixture and form.
    const reference = (doc: AnnotatedDocument, opts: TextOptions): string[] => {
      const out: string[] = [];
      const walk = (node: AnnotatedNode, indent: number): void => {
        const where = opts.offsets
          ? `${String(node.offset).padStart(6)}+${node.headerLength}+${node.length} `
          : '';
        const label = node.name ? `${node.name} ` : '';
        const type = node.explained ? node.type : `${node.type} (unexplained)`;
        const shown = opts.der ? fullValue(node, opts.der, textHexBytes) : node.value;
        const value = shown !== undefined ? ` = ${shownSafe(shown)}` : '';
        const problems = node.problems?.length ? `  !! ${node.problems.map(shownSafe).join('; ')}` : '';
        out.push(`${where}${'  '.repeat(indent)}${label}${type}${value}${problems}`);
        if (opts.depth && indent + 1 >= opts.depth) return;
        for (let i = 0; i < node.childCount; i++) walk(node.child(i), indent + 1);
      };
      for (const root of doc.roots) walk(root, 0);
      return out;
    };
    const shownSafe = (t: string) =>
      t.replace(
        /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g,
        (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`,
      );
    let lines = 0;
    for (const f of fixtureFiles('.', (n) => /\.(der|pkimsg|PKI|pem|b64|crt|csr|key|bin)$/.test(n))) {
      const { doc, der } = inspectInput(fixture(f));
      for (const opts of [
        { offsets: false, depth: 0, der },
        { offsets: true, depth: 0, der },
        { offsets: false, depth: 3 },
      ]) {
        const text = formatDocument(doc, opts).split('\n');
        const head = 1 + (doc.inputNote ? 1 : 0) + (doc.summary ? 1 : 0);
        const expected = reference(doc, opts);
        assert.deepEqual(
          text.slice(head, head + expected.length),
          expected,
          `${f} ${JSON.stringify({ ...opts, der: !!opts.der })}`,
        );
        lines += expected.length;
      }
    }
    assert.ok(lines > 10_000, `${lines} lines compared`);
  });

  it('the text form escapes control and bidi characters and writes other text as UTF-8', () => {
    // A UTF8String holding a bidi override, an escape and non-ASCII text, inside a SEQUENCE.
    const utf8 = (t: string) => {
      const value = new TextEncoder().encode(t);
      return inspectText(new Uint8Array([0x30, value.length + 2, 0x0c, value.length, ...value])).text;
    };
    assert.match(utf8('é\u202e\u001b[31mx€'), /UTF8String \(unexplained\) = é\\u\{202e\}\\u\{1b\}\[31mx€$/m);
    // Two- and three-octet characters written in place; a surrogate pair the general way.
    assert.match(utf8('·ü€ — 😀 ok'), /UTF8String \(unexplained\) = ·ü€ — 😀 ok$/m);
    assert.match(utf8('😀\u2066x'), /UTF8String \(unexplained\) = 😀\\u\{2066\}x$/m);
  });

  it('a text cut into pieces (textPlan) is, put back together, the whole text; each piece written from a shared copy of the tree', () => {
    const joined = (chunks: Iterable<Uint8Array>) => Buffer.concat([...chunks]).toString('utf8');
    for (const [input, opts] of [
      [denseCrlann(3000), { offsets: false, depth: 0 }],
      [denseCrlann(2000), { offsets: true, depth: 0 }],
      [manyExtraCerts(60), { offsets: false, depth: 0 }],
      [denseCrlann(1000), { offsets: false, depth: 8 }],
    ] as const) {
      const { doc, der } = inspectInput(input, { shared: true });
      const o = { ...opts, der };
      const whole = joined(textChunks(doc, o));
      const plan = textPlan(doc, o, 1000, 300)!;
      assert.ok(plan && plan.pieces.length > 3, `a plan of several pieces (${plan?.pieces.length})`);
      // As another thread reads it: a tree made from what share() posts.
      const other = AnnTree.fromShare(structuredClone(treeOf(doc).share()));
      const parts: Uint8Array[] = [];
      for (const part of textParts(doc, o, plan))
        if (typeof part !== 'number') parts.push(part);
        else
          parts.push(...pieceChunks(part % 2 ? other : treeOf(doc), { ...o, der: other.bytes }, plan, part));
      assert.equal(joined(parts), whole);
    }
    // Depth limit above the list, or a small tree: no plan.
    const { doc, der } = inspectInput(denseCrlann(1000));
    assert.equal(textPlan(doc, { offsets: false, depth: 3, der }, 1000, 700), undefined);
    assert.equal(textPlan(doc, { offsets: false, depth: 0, der }), undefined);
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

  it('cmp-lens inspect on a big message (a helper thread checks it and writes half the text) prints what one thread does', async () => {
    const big = denseCrlann(100_000);
    assert.ok(big.length >= 4 << 20, 'big enough for the helper');
    const file = join(dir, 'dense-crlann-100k.der');
    writeFileSync(file, big);
    const expected = (offsets: boolean): string => {
      const { text, findings } = inspectText(big, { offsets });
      return `${text}\nfindings (RFC 9810 base rules): ${findings.length}\n${findings.map((f) => `  ${findingLine(f)}\n`).join('')}`;
    };
    const same = (run: Awaited<ReturnType<typeof runCli>>, text: string): void => {
      assert.equal(run.code, 0, run.err);
      assert.equal(run.err, '', "nothing on stderr (a helper that failed is not the user's business)");
      assert.equal(run.bytes, Buffer.byteLength(text));
      assert.equal(run.sha256, createHash('sha256').update(text).digest('hex'));
    };
    for (const offsets of [false, true])
      same(await runCli(['inspect', ...(offsets ? ['--offsets'] : []), file]), expected(offsets));
    // A helper that cannot start (its bundle gone from beside the CLI): this thread does it all.
    const lone = mkdtempSync(join(tmpdir(), 'cmp-lens-lone-'));
    try {
      for (const f of ['cli.js', 'cli.bundle.js', 'workerStart.js'])
        copyFileSync(join(dirname(cliJs), f), join(lone, f));
      same(await runCli(['inspect', file], join(lone, 'cli.js')), expected(false));
    } finally {
      rmSync(lone, { recursive: true, force: true });
    }
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
