// Input the way people paste and save it (issue 19, class 6): hex text and dumps, a saved HTTP request
// or response, a base64 MIME part. The dumps are made here in the layouts of xxd, hexdump -C and od (as
// those tools print them on this machine), so the test needs none of them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { unwrapInput, toBase64 } from '../../src/core/base';
import { inspectInput } from '../../src/core/inspect';
import { run, type Io } from '../../src/cli/main';
import { fixture } from './helpers';

const ir = fixture('openssl-mock/ir-pbm.der');
const ip = fixture('openssl-mock/ir-pbm-ip.der');
const hex2 = (b: number) => b.toString(16).padStart(2, '0');
const enc = (s: string) => new TextEncoder().encode(s);
const ascii = (b: Uint8Array) =>
  [...b].map((c) => (c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '.')).join('');

function rows(
  der: Uint8Array,
  each: (offset: number, row: Uint8Array) => string,
  end?: (n: number) => string,
): string {
  const out: string[] = [];
  for (let o = 0; o < der.length; o += 16) out.push(each(o, der.subarray(o, o + 16)));
  if (end) out.push(end(der.length));
  return out.join('\n') + '\n';
}

/** `xxd FILE`: "00000000: 3082 037f …  0...0." */
const xxd = (der: Uint8Array) =>
  rows(der, (o, r) => {
    const groups = [...r]
      .map(hex2)
      .join('')
      .replace(/(.{4})(?=.)/g, '$1 ');
    return `${o.toString(16).padStart(8, '0')}: ${groups.padEnd(39)}  ${ascii(r)}`;
  });
/** `hexdump -C FILE`: "00000000  30 82 03 7f 30 81 c4 02  01 02 …  |0...0.|", then the length. */
const hexdumpC = (der: Uint8Array) =>
  rows(
    der,
    (o, r) => {
      const h = [...r].map(hex2);
      const bytes = `${h.slice(0, 8).join(' ')}  ${h.slice(8).join(' ')}`.trimEnd();
      return `${o.toString(16).padStart(8, '0')}  ${bytes.padEnd(48)}  |${ascii(r)}|`;
    },
    (n) => n.toString(16).padStart(8, '0'),
  );
/** `od -A x -t x1 FILE`: "000000 30 82 03 7f …", then the length. */
const od = (der: Uint8Array) =>
  rows(
    der,
    (o, r) => `${o.toString(16).padStart(6, '0')} ${[...r].map(hex2).join(' ')}`,
    (n) => n.toString(16).padStart(6, '0'),
  );

describe('input: hex text', () => {
  const plain = [...ir].map(hex2);
  const forms: Record<string, string> = {
    'one run': plain.join(''),
    'spaces and line breaks': plain.join(' ').replace(/(.{48})/g, '$1\n'),
    colons: plain.join(':'),
    '0x, comma-separated (a C array)': plain.map((h) => `0x${h}`).join(', '),
    'xxd -p': plain.join('').replace(/(.{60})/g, '$1\n'),
    xxd: xxd(ir),
    'hexdump -C': hexdumpC(ir),
    'od -A x -t x1': od(ir),
  };
  for (const [name, text] of Object.entries(forms)) {
    it(`${name}: the message, said to be hex`, () => {
      const u = unwrapInput(enc(text));
      assert.equal(u.format, 'hex');
      assert.deepEqual(u.der, ir);
      assert.match(u.note!, /^hex text, 899 bytes$/);
      const { doc } = inspectInput(enc(text));
      assert.equal(doc.kind, 'PKIMessage');
      assert.equal(doc.inputNote, 'hex text, 899 bytes');
    });
  }
  it('text that is not hex, or hex that is no whole DER element, is left as it is', () => {
    assert.equal(unwrapInput(enc('hello world, not a message')).format, 'der');
    assert.equal(unwrapInput(enc(plain.slice(0, 100).join(' '))).format, 'der', 'a cut-off message');
  });
});

describe('input: a saved HTTP message', () => {
  const head = (lines: string[], eol = '\r\n') => enc(lines.join(eol) + eol + eol);
  const join = (...parts: Uint8Array[]) => {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  };
  it('a response with Content-Length: its body, and what it came from', () => {
    const saved = join(
      head(['HTTP/1.1 200 OK', 'Content-Type: application/pkixcmp', `Content-Length: ${ip.length}`]),
      ip,
    );
    const u = unwrapInput(saved);
    assert.equal(u.format, 'http');
    assert.deepEqual(u.der, ip);
    assert.equal(
      u.note,
      `the body of the HTTP response "HTTP/1.1 200 OK" (Content-Type application/pkixcmp), ${ip.length} bytes`,
    );
  });
  it('a request saved with LF line ends and a chunked body', () => {
    const chunks = [ir.subarray(0, 500), ir.subarray(500)];
    const body = join(
      ...chunks.flatMap((c) => [enc(`${c.length.toString(16)}\r\n`), c, enc('\r\n')]),
      enc('0\r\n\r\n'),
    );
    const saved = join(
      head(
        [
          'POST /pkix/ HTTP/1.1',
          'Host: ca.example',
          'Content-Type: application/pkixcmp',
          'Transfer-Encoding: chunked',
        ],
        '\n',
      ),
      body,
    );
    const u = unwrapInput(saved);
    assert.deepEqual(u.der, ir);
    assert.match(u.note!, /^the body of the HTTP request "POST \/pkix\/ HTTP\/1\.1"/);
  });
  it('a body in base64, and a body cut short', () => {
    const b64 = enc(toBase64(ir));
    const u = unwrapInput(join(head(['HTTP/1.0 200 OK', `Content-Length: ${b64.length}`]), b64));
    assert.deepEqual(u.der, ir);
    assert.match(u.note!, /, as base64$/);
    const cut = unwrapInput(
      join(head(['HTTP/1.1 200 OK', `Content-Length: ${ip.length}`]), ip.subarray(0, 100)),
    );
    assert.match(cut.note!, /\(100 of 1751 body bytes captured\)/);
    const { doc } = inspectInput(
      join(head(['HTTP/1.1 200 OK', `Content-Length: ${ip.length}`]), ip.subarray(0, 100)),
    );
    assert.ok(
      doc.problems.some((p) => p.severity === 'error'),
      'the cut message is reported',
    );
  });
  it('no body: an error that says so', () => {
    const u = unwrapInput(head(['HTTP/1.1 204 No Content']));
    assert.match(u.error!, /the HTTP response "HTTP\/1\.1 204 No Content" has no body/);
  });
});

describe('input: a base64 MIME part', () => {
  it('a multipart mail with the message as an attachment', () => {
    const b64 = toBase64(ir).replace(/.{1,76}/g, '$&\r\n');
    const mail = [
      'From: ra@example.com',
      'Subject: the ir that failed',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="xyz"',
      '',
      '--xyz',
      'Content-Type: text/plain',
      '',
      'See the attached request.',
      '--xyz',
      'Content-Type: application/pkixcmp; name="ir.der"',
      'Content-Transfer-Encoding: base64',
      'Content-Disposition: attachment; filename="ir.der"',
      '',
      b64,
      '--xyz--',
      '',
    ].join('\r\n');
    const u = unwrapInput(enc(mail));
    assert.equal(u.format, 'mime');
    assert.deepEqual(u.der, ir);
    assert.match(
      u.note!,
      /^the base64 MIME part \(Content-Type application\/pkixcmp\) at offset \d+, 899 bytes$/,
    );
  });
});

describe('input: the CLI says what it took', () => {
  const files = new Map<string, Uint8Array>();
  async function cli(args: string[]): Promise<{ code: number; out: string }> {
    let out = '';
    const io: Io = {
      out: (t) => (out += `${t}\n`),
      err: (t) => (out += `${t}\n`),
      readFile: (p) => files.get(p) ?? fixture(p),
      readStdin: () => new Uint8Array(),
      env: (n) => (n === 'S' ? 's3cret' : undefined),
    };
    return { code: await run(args, io), out };
  }
  it('verify a saved HTTP response, inspect and verify hex', async () => {
    files.set(
      'ip.http',
      new Uint8Array([
        ...enc(
          `HTTP/1.1 200 OK\r\nContent-Type: application/pkixcmp\r\nContent-Length: ${ip.length}\r\n\r\n`,
        ),
        ...ip,
      ]),
    );
    const v = await cli(['verify', '--secret-env', 'S', 'ip.http']);
    assert.equal(v.code, 0, v.out);
    assert.match(v.out, /^input: the body of the HTTP response "HTTP\/1\.1 200 OK"/m);
    assert.match(v.out, /^protection: valid — PBM/m);
    files.set('ir.hex', enc(xxd(ir)));
    const i = await cli(['inspect', '--depth', '1', 'ir.hex']);
    assert.match(i.out, /^PKIMessage \(hex text, 899 bytes\)\ninput: hex text, 899 bytes$/m);
    const h = await cli(['verify', '--secret-env', 'S', 'ir.hex']);
    assert.match(h.out, /^protection: valid/m);
  });
});
