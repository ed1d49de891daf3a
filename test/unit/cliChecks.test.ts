// cmp-lens lint and cmp-lens capture, run in process on the fixtures.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { run, type Io } from '../../src/cli/main';
import { fixtures } from './helpers';

const tmp = mkdtempSync(join(tmpdir(), 'cmp-lens-cli-checks-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

async function cli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = {
    out: (t) => void out.push(t),
    err: (t) => void err.push(t),
    readFile: (p) => new Uint8Array(readFileSync(p)),
    readStdin: () => new Uint8Array(),
    env: (n) => env[n],
  };
  return { code: await run(args, io), out: out.join('\n'), err: err.join('\n') };
}
const f = (rel: string) => join(fixtures, rel);

describe('cmp-lens lint', () => {
  it('an OpenSSL exchange given in alphabetical order: per-message warnings, no exchange findings, exit 0', async () => {
    const files = ['ir-pbm-certConf', 'ir-pbm-ip', 'ir-pbm-pkiConf', 'ir-pbm'].map((n) =>
      f(`openssl-mock/${n}.der`),
    );
    const r = await cli(['lint', ...files]);
    assert.equal(r.code, 0, r.out);
    assert.match(
      r.out,
      /warning protection\.mac\.iterations: iterationCount 500 is below the 1,000 recommended for password-based keys \(RFC 4211 §4\.4\) at header\.protectionAlg, offset 0x5a/,
    );
    assert.match(r.out, /^exchange 1e67b033c468bad383c4c507844ac0cf \(4 messages\): no findings$/m);
    assert.match(r.out, /^0 errors, 4 warnings, 4 notes \(RFC 9810 base rules\)$/m);
  });

  it('an unprotected message under the lightweight profile: an error, exit 1; --json', async () => {
    const r = await cli(['lint', '--profile', 'lightweight', f('openssl-mock/ir-unprot.der')]);
    assert.equal(r.code, 1);
    assert.match(
      r.out,
      /error protection\.missing: the message is unprotected \(RFC 9483 §3\.2, lightweight profile\)/,
    );
    const j = JSON.parse((await cli(['lint', '--json', f('openssl-mock/ir-unprot.der')])).out);
    assert.equal(j.profile, 'base');
    assert.deepEqual(
      j.files[0].findings.map((x: { id: string; severity: string }) => `${x.severity} ${x.id}`),
      ['warning protection.missing'],
    );
  });

  it('a folder: the Siemens RA exchange splits into its downstream and upstream legs, both clean', async () => {
    const r = await cli(['lint', '--profile', 'lightweight', f('siemens-interop/IrWithMacProtection')]);
    assert.equal(r.code, 0, r.out);
    assert.equal(r.out.match(/^exchange \w+ \(4 messages\): no findings$/gm)?.length, 2, r.out);
  });

  it('usage errors: no file, a bad profile, a missing file', async () => {
    assert.equal((await cli(['lint'])).code, 2);
    assert.equal((await cli(['lint', '--profile', 'strict', f('openssl-mock/ir-pbm.der')])).code, 2);
    assert.equal((await cli(['lint', join(tmp, 'nope.der')])).code, 2);
  });
});

describe('cmp-lens capture', () => {
  it('lists the corpus capture with verdicts (secret given), exit 0', async () => {
    const r = await cli(['capture', f('pcap/cmp-http-ir-exchange.pcap'), '--secret-env', 'S'], {
      S: 's3cret',
    });
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /29 packets, 29 TCP segments .* 6 CMP messages in 2 exchanges/);
    assert.match(
      r.out,
      /#2 packet 8 .* 127\.0\.0\.1:50272 ← 127\.0\.0\.1:18301 {2}HTTP 200 {2}ip \(accepted\) {2}protection valid/,
    );
    assert.equal(r.out.match(/protection valid/g)?.length, 6);
  });

  it('a truncated capture: the messages read, the problems on stderr, exit 1; --export writes them in order', async () => {
    const dir = join(tmp, 'export');
    const r = await cli(['capture', f('captures/truncated.pcap'), '--export', dir]);
    assert.equal(r.code, 1);
    assert.match(r.err, /problem \(packet 27\) at offset 0x[0-9a-f]+: the file ends inside a record/);
    assert.deepEqual(
      readdirSync(dir)
        .sort()
        .map((d) => readdirSync(join(dir, d)).sort()),
      [['01-ir.pkimsg', '02-ip.pkimsg', '03-certConf.pkimsg', '04-pkiconf.pkimsg'], ['01-genm.pkimsg']],
    );
  });

  it('a wrong Content-Type is reported on the message; not a capture: a clear problem', async () => {
    const w = await cli(['capture', f('captures/wrong-content-type.pcap')]);
    assert.equal(w.out.match(/\[wrong content type "application\/octet-stream"\]/g)?.length, 3);
    const bad = await cli(['capture', f('openssl-mock/ir-pbm.der')]);
    assert.equal(bad.code, 1);
    assert.match(bad.err, /not a pcap or pcapng file/);
  });
});

describe('an unknown PKIBody alternative', () => {
  it('inspect exits 1 with the error at its offset; lint and verify say it in our words, no library text', async () => {
    const inspect = await cli(['inspect', f('bad/unknown-body-27.der')]);
    assert.equal(inspect.code, 1);
    assert.match(inspect.out, /^body: \[27\] — unknown PKIBody alternative$/m);
    assert.match(
      inspect.out,
      /^error: body at offset 0xcb: unknown PKIBody alternative \[27\] \(RFC 9810 defines 0–26\)/m,
    );
    const lint = await cli(['lint', f('bad/unknown-body-27.der')]);
    assert.equal(lint.code, 1);
    assert.match(lint.out, /unknown PKIBody alternative \[27\] at offset 0xcb \(RFC 9810 defines 0–26\)/);
    for (const r of [inspect, lint])
      assert.doesNotMatch(r.out + r.err, /Data does not match|ASN1 schema|Wrong values/);
  });
});

describe('cmp-lens verify on the wrong kind of file', () => {
  it('a certificate or a CSR: says what it is, exit 2, no "invalid"', async () => {
    for (const [file, words] of [
      ['bad/not-cmp-certificate.der', 'an X.509 certificate'],
      ['keys/ee-ec.csr', 'a PKCS#10 CSR'],
      ['keys/ee-ec.key', 'a PKCS#8 private key'],
    ]) {
      const r = await cli(['verify', f(file)]);
      assert.equal(r.code, 2, file);
      assert.match(r.err, new RegExp(`is not a PKIMessage: it is ${words.replace(/[#.]/g, '\\$&')}`));
      assert.doesNotMatch(`${r.out}${r.err.split('\n')[0]}`, /invalid|ASN1 schema/);
    }
  });
  it('PKIMessages: each message is checked and named', async () => {
    const a = readFileSync(f('openssl-mock/ir-pbm.der'));
    const b = readFileSync(f('openssl-mock/ir-unprot2-ip.der'));
    const len = a.length + b.length;
    const wrapper = Buffer.concat([Buffer.from([0x30, 0x82, len >> 8, len & 0xff]), a, b]);
    const file = join(tmp, 'two.pkimessages');
    writeFileSync(file, wrapper);
    const r = await cli(['verify', file]);
    assert.match(r.out, /^message 1: protection: needs-secret — PBM/m);
    assert.match(r.out, /^message 2: protection: unprotected/m);
    assert.equal(r.code, 3);
  });
  it('trailing bytes: the message is checked and the trailing bytes reported', async () => {
    const r = await cli(['verify', f('bad/trailing-bytes-ip.der')]);
    assert.match(r.out, /^protection: needs-secret/m);
    assert.match(r.out, /^input: 8 trailing bytes after the PKIMessage at offset 0x6d7 are not part of it/m);
    assert.doesNotMatch(r.out, /invalid/);
  });
  it('a --cert that is a private key is a usage error naming the flag', async () => {
    const r = await cli(['verify', '--cert', f('keys/ee-ec.key'), f('openssl-mock/rr-sig-ec.der')]);
    assert.equal(r.code, 2);
    assert.match(r.err, /--cert .*ee-ec\.key is not a certificate: it is a PKCS#8 private key/);
  });
});
