// The transport where users are (issue 21): through a real HTTP proxy (Debian's tinyproxy, started here
// on loopback, bounded and stopped) to the test CA over HTTP and over HTTPS through CONNECT, NO_PROXY,
// a proxy that is down; TLS client certificates against `cmp-lens serve --tls-client-ca`; a redirect
// reported with its target and never followed. Each failure names its step and cause, and the
// exchange so far is on disk. `.ci/run` installs tinyproxy with apt; without it the proxy cases skip.
import { strict as assert } from 'node:assert';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildRequest } from '../../src/core/compose';
import { TestCa } from '../../src/core/testca';
import { runTransaction, type ServerConfig, type TransactionResult } from '../../src/core/transport';
import { ExchangeStore } from '../../src/node/exchangeStore';
import { nodePost, type PostOptions } from '../../src/node/httpPost';
import { serveTestCa, type RunningServer } from '../../src/node/testcaServer';
import { freePort, listening, runPeer } from '../gen/loopback';

const secret = new TextEncoder().encode('s3cret');
const tmp = mkdtempSync(join(tmpdir(), 'cmp-lens-where-'));
const file = (n: string) => join(tmp, n);
let request: Uint8Array;
let ca: TestCa;
let n = 0;

async function send(
  server: Partial<ServerConfig> & { url: string },
  o: PostOptions = {},
): Promise<{ r: TransactionResult; files: string[] }> {
  const store = new ExchangeStore(join(tmp, `x${n++}`));
  const config = { name: 'where', ...server };
  const r = await runTransaction(request, {
    post: nodePost(config, o),
    server: config,
    protection: { kind: 'pbm', secret, iterations: 500 },
    verify: { secret },
    onMessage: (m) => void store.add(m),
  });
  store.finish(r, server.url);
  return { r, files: readdirSync(store.dir).sort() };
}

const openssl = (args: string[]) => execFileSync('openssl', args, { cwd: tmp, stdio: 'ignore' });

before(async () => {
  ca = await TestCa.create({ secret });
  const built = await buildRequest(
    { body: 'ir', keyType: 'P-256', senderKID: 'user1', template: { subject: 'CN=where' } },
    { protection: { kind: 'pbm', secret, iterations: 500 } },
  );
  assert.ok(built.ok);
  request = built.der;
  // A TLS server certificate for 127.0.0.1, and a client CA with one client certificate it issued.
  openssl([
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=localhost',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
    '-keyout',
    'srv.key',
    '-out',
    'srv.crt',
  ]);
  openssl([
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=client CA',
    '-keyout',
    'cca.key',
    '-out',
    'cca.crt',
  ]);
  openssl([
    'req',
    '-new',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-subj',
    '/CN=a client',
    '-keyout',
    'client.key',
    '-out',
    'client.csr',
  ]);
  openssl([
    'x509',
    '-req',
    '-in',
    'client.csr',
    '-CA',
    'cca.crt',
    '-CAkey',
    'cca.key',
    '-days',
    '2',
    '-out',
    'client.crt',
  ]);
  // The same key encrypted, for the passphrase path.
  openssl([
    'pkcs8',
    '-topk8',
    '-in',
    'client.key',
    '-out',
    'client-enc.key',
    '-passout',
    'pass:k3y-pass',
    '-v2',
    'aes-256-cbc',
  ]);
  // Another client certificate, self-signed: the server must refuse it.
  openssl([
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=stranger',
    '-keyout',
    'stranger.key',
    '-out',
    'stranger.crt',
  ]);
});
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('transport: TLS client certificates (the test CA with --tls-client-ca)', () => {
  let srv: RunningServer;
  before(async () => {
    srv = await serveTestCa(ca, {
      tls: {
        cert: readFileSync(file('srv.crt'), 'utf8'),
        key: readFileSync(file('srv.key'), 'utf8'),
        clientCa: readFileSync(file('cca.crt'), 'utf8'),
      },
    });
  });
  after(() => srv.close());

  it('without a client certificate: fails at TLS, saying the server asks for one; the request is saved', async () => {
    const { r, files } = await send({ url: srv.url, caFile: file('srv.crt') });
    assert.equal(r.ok, false);
    assert.match(r.error!, /TLS with 127\.0\.0\.1:\d+ failed: the server asks for a client certificate/);
    assert.deepEqual(files, ['01-ir.pkimsg', 'summary.txt']);
  });
  it('with one the server does not trust: refused, said so', async () => {
    const { r } = await send({
      url: srv.url,
      caFile: file('srv.crt'),
      tlsClientCert: file('stranger.crt'),
      tlsClientKey: file('stranger.key'),
    });
    assert.equal(r.ok, false);
    assert.match(
      r.error!,
      /TLS with 127\.0\.0\.1:\d+ failed: .*does not accept the client certificate given/,
    );
  });
  it('with its client certificate (and with the encrypted key and its passphrase): the transaction completes', async () => {
    const a = await send({
      url: srv.url,
      caFile: file('srv.crt'),
      tlsClientCert: file('client.crt'),
      tlsClientKey: file('client.key'),
    });
    assert.equal(a.r.ok, true, a.r.error);
    const b = await send(
      {
        url: srv.url,
        caFile: file('srv.crt'),
        tlsClientCert: file('client.crt'),
        tlsClientKey: file('client-enc.key'),
      },
      { tlsKeyPassphrase: 'k3y-pass' },
    );
    assert.equal(b.r.ok, true, b.r.error);
  });
});

describe('transport: the CLI both ways (cmp-lens serve --tls-client-ca, cmp-lens send --tls-cert)', () => {
  it('send without a client certificate fails at TLS (exit 1); with it and its passphrase from the environment, completes', async () => {
    const cli = join(__dirname, '..', '..', 'dist', 'cli.js');
    const port = await freePort();
    const server = spawn(
      process.execPath,
      [
        cli,
        'serve',
        '--port',
        String(port),
        '--secret-env',
        'S',
        '--tls-cert',
        file('srv.crt'),
        '--tls-key',
        file('srv.key'),
        '--tls-client-ca',
        file('cca.crt'),
      ],
      { stdio: 'ignore', env: { ...process.env, S: 's3cret' } },
    );
    const killer = setTimeout(() => server.kill('SIGKILL'), 60_000);
    try {
      await listening(port, server);
      writeFileSync(file('cli-ir.der'), request);
      const send = (extra: string[]) =>
        runPeer(
          process.execPath,
          [
            cli,
            'send',
            file('cli-ir.der'),
            '--server',
            `https://127.0.0.1:${port}/.well-known/cmp`,
            '--ca-file',
            file('srv.crt'),
            '--secret-env',
            'S',
            '--out',
            file(`tls${n++}`),
            '--quiet',
            ...extra,
          ],
          { env: { ...process.env, S: 's3cret', KP: 'k3y-pass' } },
        );
      const without = await send([]);
      assert.equal(without.code, 1, without.out);
      assert.match(without.out, /the server asks for a client certificate/);
      const withCert = await send([
        '--tls-cert',
        file('client.crt'),
        '--tls-key',
        file('client-enc.key'),
        '--tls-key-pass-env',
        'KP',
      ]);
      assert.equal(withCert.code, 0, withCert.out);
      const half = await send(['--tls-cert', file('client.crt')]);
      assert.equal(half.code, 2);
      assert.match(half.out, /a TLS client certificate needs both --tls-cert and --tls-key/);
    } finally {
      clearTimeout(killer);
      server.kill();
    }
  });
});

describe('transport: redirects', () => {
  let server: http.Server;
  let url: string;
  before(async () => {
    server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(301, { Location: 'https://ca.elsewhere.example/.well-known/cmp' });
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/cmp`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });
  it('a 301 is reported with its target, not followed; the request is saved', async () => {
    const { r, files } = await send({ url });
    assert.equal(r.ok, false);
    assert.equal(
      r.error,
      "the server redirects to https://ca.elsewhere.example/.well-known/cmp (HTTP 301); update the server's url",
    );
    assert.deepEqual(files, ['01-ir.pkimsg', 'summary.txt']);
  });
});

const tinyproxy = spawnSync('tinyproxy', ['-v']).status === 0;

describe(
  'transport: through a real HTTP proxy (tinyproxy on loopback)',
  { skip: tinyproxy ? false : 'tinyproxy is not installed (apt-get install tinyproxy; .ci/run does)' },
  () => {
    let proxy: ChildProcess;
    let proxyUrl: string;
    let plain: RunningServer;
    let tlsSrv: RunningServer;
    const log = () => (existsSync(file('tinyproxy.log')) ? readFileSync(file('tinyproxy.log'), 'utf8') : '');
    before(async () => {
      plain = await serveTestCa(ca);
      tlsSrv = await serveTestCa(ca, {
        tls: { cert: readFileSync(file('srv.crt'), 'utf8'), key: readFileSync(file('srv.key'), 'utf8') },
      });
      const port = await freePort();
      // No ConnectPort line: CONNECT to any port (the test CA's is random). Loopback only.
      writeFileSync(
        file('tinyproxy.conf'),
        [
          `Port ${port}`,
          'Listen 127.0.0.1',
          'Timeout 30',
          'Allow 127.0.0.1',
          'MaxClients 64',
          `LogFile "${file('tinyproxy.log')}"`,
          'LogLevel Connect',
          '',
        ].join('\n'),
      );
      proxy = spawn('tinyproxy', ['-d', '-c', file('tinyproxy.conf')], { stdio: 'ignore' });
      await listening(port, proxy);
      proxyUrl = `http://127.0.0.1:${port}`;
    });
    after(async () => {
      proxy.kill('SIGKILL');
      await plain.close();
      await tlsSrv.close();
    });

    it('HTTP through the proxy: the transaction completes and the proxy carried it', async () => {
      const { r } = await send({ url: plain.url }, { proxyFor: () => proxyUrl });
      assert.equal(r.ok, true, r.error);
      assert.match(log(), new RegExp(`POST http://127\\.0\\.0\\.1:${plain.port}/\\.well-known/cmp`));
    });
    it('HTTPS through CONNECT: the transaction completes, TLS verified end to end with caFile', async () => {
      const { r } = await send({ url: tlsSrv.url, caFile: file('srv.crt') }, { proxyFor: () => proxyUrl });
      assert.equal(r.ok, true, r.error);
      assert.match(log(), new RegExp(`CONNECT 127\\.0\\.0\\.1:${tlsSrv.port}`));
      // Without caFile, the TLS failure is the server's certificate, not the proxy's.
      const bad = await send({ url: tlsSrv.url }, { proxyFor: () => proxyUrl });
      assert.match(bad.r.error!, /TLS with 127\.0\.0\.1:\d+ failed/);
    });
    it('the CLI honours HTTP_PROXY and NO_PROXY from the environment', async () => {
      const cli = join(__dirname, '..', '..', 'dist', 'cli.js');
      writeFileSync(file('ir.der'), request);
      const before = log().length;
      // Not spawnSync: the test CA answering it runs in this process.
      const run = (env: Record<string, string>) =>
        runPeer(
          process.execPath,
          [
            cli,
            'send',
            file('ir.der'),
            '--server',
            plain.url,
            '--secret-env',
            'S',
            '--out',
            file(`cli${n++}`),
            '--quiet',
          ],
          { env: { ...process.env, S: 's3cret', ...env } },
        );
      const via = await run({ HTTP_PROXY: proxyUrl, NO_PROXY: '' });
      assert.equal(via.code, 0, via.out);
      assert.ok(log().length > before, 'the proxy logged the request');
      const mark = log().length;
      const direct = await run({ HTTP_PROXY: proxyUrl, NO_PROXY: '127.0.0.1' });
      assert.equal(direct.code, 0, direct.out);
      assert.doesNotMatch(log().slice(mark), /POST/, 'NO_PROXY: not through the proxy');
    });
    it('a proxy that is down: refused, naming the proxy (without credentials)', async () => {
      const port = await freePort();
      const { r, files } = await send(
        { url: plain.url },
        { proxyFor: () => `http://user:pw@127.0.0.1:${port}` },
      );
      assert.equal(r.ok, false);
      assert.equal(r.error, `connection refused by the proxy http://127.0.0.1:${port}: is it running?`);
      assert.deepEqual(files, ['01-ir.pkimsg', 'summary.txt']);
    });
  },
);
