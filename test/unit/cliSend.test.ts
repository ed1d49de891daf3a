// cmp-lens build, send, serve and demo, run in process with real files and a real loopback server.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { run, type Io } from '../../src/cli/main';

const tmp = mkdtempSync(join(tmpdir(), 'cmp-lens-cli-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function io(env: Record<string, string> = {}): Io & { out_: string[]; err_: string[] } {
  const o: string[] = [];
  const e: string[] = [];
  return {
    out_: o,
    err_: e,
    out: (t) => void o.push(t),
    err: (t) => void e.push(t),
    readFile: (p) => new Uint8Array(readFileSync(p)),
    readStdin: () => new Uint8Array(),
    env: (n) => env[n],
  };
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });

describe('cmp-lens serve, build, send', () => {
  it('a request built by the CLI goes through the CLI test CA; Ctrl+C stops it', async () => {
    const env = { S: 'a secret nobody should see' };
    const port = await freePort();
    const serveIo = io(env);
    const serving = run(
      ['serve', '--port', String(port), '--state', join(tmp, 'ca'), '--secret-env', 'S'],
      serveIo,
    );
    for (let i = 0; i < 100 && !serveIo.out_.some((l) => l.includes('listening')); i++)
      await new Promise((r) => setTimeout(r, 20));
    const url = `http://127.0.0.1:${port}/.well-known/cmp`;
    assert.ok(
      serveIo.out_.some((l) => l.includes(`listening on ${url}`)),
      serveIo.out_.join('\n'),
    );

    const b = io(env);
    const out = join(tmp, 'ir.pkimsg');
    assert.equal(
      await run(
        [
          'build',
          '--body',
          'ir',
          '--subject',
          'CN=cli device',
          '--san',
          'dns:cli.example',
          '--recipient',
          'CN=CMP Lens Test CA, O=CMP Lens',
          '--ref',
          'user1',
          '--secret-env',
          'S',
          '--out',
          out,
        ],
        b,
      ),
      0,
      b.err_.join('\n'),
    );
    assert.match(b.out_.join('\n'), /wrote .*ir\.key\.pem: the new P-256 private key \(PKCS#8, mode 0600\)/);
    assert.equal(statSync(join(tmp, 'ir.key.pem')).mode & 0o777, 0o600);

    const s = io(env);
    const dir = join(tmp, 'exchange');
    assert.equal(
      await run(['send', out, '--server', url, '--secret-env', 'S', '--out', dir], s),
      0,
      [...s.out_, ...s.err_].join('\n'),
    );
    assert.match(s.out_.join('\n'), /issued certificate 0: CN=cli device/);
    assert.deepEqual(readdirSync(dir).sort(), [
      '01-ir.pkimsg',
      '02-ip.pkimsg',
      '03-certConf.pkimsg',
      '04-pkiconf.pkimsg',
      'issued-0.pem',
      'summary.txt',
    ]);

    process.emit('SIGINT');
    assert.equal(await serving, 0);
    assert.ok(serveIo.out_.includes('test CA stopped'));
    assert.equal(statSync(join(tmp, 'ca', 'ca.key')).mode & 0o777, 0o600);
    assert.ok(existsSync(join(tmp, 'ca', 'testca.crt')));
    assert.equal(
      readFileSync(join(tmp, 'ca', 'index.txt'), 'utf8')
        .split('\n')
        .filter(Boolean).length,
      1,
    );
    // The secret is in none of the output, the saved exchange or the CA state.
    const everything = [
      ...serveIo.out_,
      ...serveIo.err_,
      ...b.out_,
      ...s.out_,
      ...s.err_,
      readFileSync(join(dir, 'summary.txt'), 'utf8'),
      ...readdirSync(join(tmp, 'ca'))
        .filter((f) => f !== 'newcerts')
        .map((f) => readFileSync(join(tmp, 'ca', f), 'utf8')),
    ].join('\n');
    assert.doesNotMatch(everything, /nobody should see/);
    for (const f of readdirSync(dir))
      assert.equal(Buffer.from(readFileSync(join(dir, f))).includes(Buffer.from(env.S)), false, f);
  });

  it('the protocol checks of the exchange go to stdout and summary.txt', async () => {
    const env = { S: 'another secret' };
    const port = await freePort();
    const serveIo = io(env);
    const serving = run(['serve', '--port', String(port), '--secret-env', 'S'], serveIo);
    for (let i = 0; i < 100 && !serveIo.out_.some((l) => l.includes('listening')); i++)
      await new Promise((r) => setTimeout(r, 20));
    const out = join(tmp, 'ir500.pkimsg');
    // 500 PBM iterations: below the 1,000 RFC 8018 recommends, so every MAC-protected message gets a finding.
    assert.equal(
      await run(
        [
          'build',
          '--body',
          'ir',
          '--subject',
          'CN=checked',
          '--recipient',
          'CN=CMP Lens Test CA, O=CMP Lens',
          '--ref',
          'user1',
          '--secret-env',
          'S',
          '--iterations',
          '500',
          '--out',
          out,
        ],
        io(env),
      ),
      0,
    );
    const s = io(env);
    const dir = join(tmp, 'exchange500');
    assert.equal(
      await run(['send', out, '--server', `http://127.0.0.1:${port}/`, '--secret-env', 'S', '--out', dir], s),
      0,
      [...s.out_, ...s.err_].join('\n'),
    );
    assert.match(
      s.out_.join('\n'),
      /^check: #1 ir: warning protection\.mac\.iterations: iterationCount 500/m,
    );
    const summary = readFileSync(join(dir, 'summary.txt'), 'utf8');
    assert.match(summary, /^protocol checks:$/m);
    assert.match(summary, /#2 ip: warning protection\.mac\.iterations/);
    process.emit('SIGINT');
    assert.equal(await serving, 0);
  });

  it('send to nothing: exit 1, the step and cause, the request saved', async () => {
    const s = io({ S: 'x' });
    const dir = join(tmp, 'refused');
    const port = await freePort();
    assert.equal(
      await run(
        [
          'send',
          join(tmp, 'ir.pkimsg'),
          '--server',
          `http://127.0.0.1:${port}/`,
          '--secret-env',
          'S',
          '--out',
          dir,
        ],
        s,
      ),
      1,
    );
    assert.match(s.out_.join('\n'), /transaction failed: connection refused by 127\.0\.0\.1:\d+/);
    assert.deepEqual(readdirSync(dir).sort(), ['01-ir.pkimsg', 'summary.txt']);
  });

  it('usage: no protection, a secret on the command line, a bad body, field errors', async () => {
    const u = io();
    assert.equal(await run(['build', '--body', 'ir', '--out', join(tmp, 'x.der')], u), 2);
    assert.match(u.err_.join('\n'), /choose protection/);
    assert.equal(await run(['build', '--secret', 'x'], u), 2);
    assert.match(u.err_.join('\n'), /--secret would put the secret in the process list/);
    assert.equal(await run(['build', '--body', 'xx', '--unprotected', '--out', join(tmp, 'x.der')], u), 2);
    const f = io();
    assert.equal(
      await run(
        ['build', '--body', 'cr', '--san', 'ip:1.2.3', '--unprotected', '--out', join(tmp, 'x.der')],
        f,
      ),
      1,
    );
    assert.match(f.err_.join('\n'), /template\.sans\[0\]: "1\.2\.3" is not an IPv4 or IPv6 address/);
    assert.equal(existsSync(join(tmp, 'x.der')), false);
  });
});

describe('cmp-lens demo (npm start)', () => {
  it('runs the whole loop and prints the reply with its protection and the subject', async () => {
    const d = io();
    assert.equal(await run(['demo'], d), 0, d.err_.join('\n'));
    const text = d.out_.join('\n');
    assert.match(
      text,
      /^1\. started the embedded test CA "CN=CMP Lens Test CA,O=CMP Lens" at http:\/\/127\.0\.0\.1:\d+\/\.well-known\/cmp$/m,
    );
    assert.match(text, /received ip \(accepted\); protection valid/);
    assert.match(text, /^body: ip — initialization response; status accepted \(0\)$/m);
    assert.match(text, /^ {3}protection: valid — PBM, SHA-256 × 10000, HMAC-SHA256, salt 16 bytes$/m);
    assert.match(text, /^issued certificate 0: CN=CMP Lens demo device$/m);
    assert.match(text, /^5\. stopped the test CA$/m);
  });
});
