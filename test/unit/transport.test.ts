// The client over real HTTP on loopback, against the test CA and against servers that fail in each
// way the send issue lists. Every failure must name its step and cause, and the exchange so far must
// be on disk. Every server here listens on 127.0.0.1 and is closed by the test.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AsnParser, OctetString } from '@peculiar/asn1-schema';
import { PKIMessage } from '../../src/core/asn1';
import { buildRequest } from '../../src/core/compose';
import { protectMessage } from '../../src/core/protection';
import { TestCa } from '../../src/core/testca';
import { runTransaction, type ServerConfig, type TransactionResult } from '../../src/core/transport';
import { ExchangeStore } from '../../src/node/exchangeStore';
import { nodePost } from '../../src/node/httpPost';
import { serveTestCa, type RunningServer } from '../../src/node/testcaServer';
import { fixture } from './helpers';

const secret = new TextEncoder().encode('s3cret');
const tmp = mkdtempSync(join(tmpdir(), 'cmp-lens-transport-'));
let ca: TestCa;
let caServer: RunningServer;
let request: Uint8Array;
let n = 0;

async function send(
  server: Partial<ServerConfig> & { url: string },
): Promise<{ r: TransactionResult; files: string[] }> {
  const store = new ExchangeStore(join(tmp, `x${n++}`));
  const config = { name: 'test', ...server };
  const r = await runTransaction(request, {
    post: nodePost(config),
    server: config,
    protection: { kind: 'pbm', secret, iterations: 500 },
    verify: { secret },
    onMessage: (m) => void store.add(m),
  });
  store.finish(r, server.url);
  return { r, files: readdirSync(store.dir).sort() };
}

/** A loopback HTTP server with the given handler; closed after the suite. */
const servers: { close(): void }[] = [];
function serve(handler: http.RequestListener, tls?: { key: string; cert: string }): Promise<string> {
  const s = tls ? https.createServer(tls, handler) : http.createServer(handler);
  servers.push({
    close: () => {
      s.closeAllConnections();
      s.close();
    },
  });
  return new Promise((resolve) =>
    s.listen(0, '127.0.0.1', () =>
      resolve(`${tls ? 'https' : 'http'}://127.0.0.1:${(s.address() as AddressInfo).port}/.well-known/cmp`),
    ),
  );
}

/** Reads the request body, then answers with the CA's own answer, passed through `change`. */
const viaCa =
  (change: (answer: Uint8Array) => Uint8Array | Promise<Uint8Array>): http.RequestListener =>
  (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const answer = await change(await ca.handle(new Uint8Array(Buffer.concat(chunks))));
      res.writeHead(200, { 'Content-Type': 'application/pkixcmp' });
      res.end(Buffer.from(answer));
    });
  };

before(async () => {
  ca = await TestCa.create({ secret });
  caServer = await serveTestCa(ca);
  const built = await buildRequest(
    { body: 'ir', senderKID: 'user1', template: { subject: 'CN=transport' } },
    { protection: { kind: 'pbm', secret, iterations: 500 } },
  );
  assert.ok(built.ok);
  request = built.der;
});

after(async () => {
  await caServer.close();
  for (const s of servers) s.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('transport: a whole transaction over HTTP', () => {
  it('ir → ip → certConf → pkiConf against the test CA, saved in order with the certificate and a summary', async () => {
    const { r, files } = await send({ url: caServer.url });
    assert.equal(r.ok, true, r.error);
    assert.deepEqual(files, [
      '01-ir.pkimsg',
      '02-ip.pkimsg',
      '03-certConf.pkimsg',
      '04-pkiconf.pkimsg',
      'issued-0.pem',
      'summary.txt',
    ]);
    const summary = readFileSync(join(tmp, `x${n - 1}`, 'summary.txt'), 'utf8');
    assert.match(summary, /result: completed/);
    assert.match(summary, /02-ip\.pkimsg {2}← ip {2}accepted {2}protection valid/);
  });

  it('the test CA server refuses GET, wrong content type and oversized requests with HTTP errors', async () => {
    const get = await fetch(caServer.url);
    assert.equal(get.status, 405);
    const wrong = await fetch(caServer.url, {
      method: 'POST',
      body: 'x',
      headers: { 'Content-Type': 'text/plain' },
    });
    assert.equal(wrong.status, 415);
    const big = await fetch(caServer.url, {
      method: 'POST',
      body: new Uint8Array(2 * 1024 * 1024),
      headers: { 'Content-Type': 'application/pkixcmp' },
    }).catch((e: Error) => e);
    assert.ok(big instanceof Error || big.status === 413);
  });
});

describe('transport: faults, each with its message and the exchange so far saved', () => {
  const fails = async (
    server: Partial<ServerConfig> & { url: string },
    message: RegExp,
    saved = ['01-ir.pkimsg', 'summary.txt'],
  ) => {
    const { r, files } = await send(server);
    assert.equal(r.ok, false);
    assert.match(r.error!, message);
    assert.deepEqual(files, saved);
  };

  it('connection refused', async () => {
    const url = await serve(() => undefined);
    servers.pop()!.close();
    await fails({ url }, /connection refused by 127\.0\.0\.1:\d+: is the server running\?/);
  });
  it('server closes mid-response', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/pkixcmp', 'Content-Length': '1000' });
      res.write(Buffer.alloc(10));
      setTimeout(() => res.socket?.destroy(), 20);
    });
    await fails({ url }, /closed the connection before the answer was complete/);
  });
  it('slow server past the timeout', async () => {
    const url = await serve(() => undefined);
    const t = Date.now();
    await fails(
      { url, timeoutMs: 300 },
      /no complete answer from 127\.0\.0\.1:\d+ within 300 ms \(timeoutMs\)/,
    );
    assert.ok(Date.now() - t < 3000);
  });
  it('HTTP 500 with an HTML body', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(500, { 'Content-Type': 'text/html' });
      res.end('<html><body><h1>Internal Server Error</h1></body></html>');
    });
    await fails({ url }, /the server answered HTTP 500 \(Internal Server Error\), not 200 with a PKIMessage/);
  });
  it('wrong content type', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end(Buffer.from(fixture('openssl-mock/ir-pbm-ip.der')));
    });
    await fails({ url }, /Content-Type "text\/html", not application\/pkixcmp \(RFC 9811 §3\.4\)/);
  });
  it('garbage body', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/pkixcmp' });
      res.end('not DER at all');
    });
    await fails({ url }, /the answer to ir is not a PKIMessage: not DER: .*offset/);
  });
  it('a 10 MB body over the cap', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/pkixcmp' });
      res.end(Buffer.alloc(10 * 1024 * 1024));
    });
    await fails({ url }, /larger than the limit of 4194304 bytes \(maxResponseBytes\)/);
  });
  it('mismatched transactionID', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/pkixcmp' });
      res.end(Buffer.from(fixture('openssl-mock/ir-pbm-ip.der')));
    });
    await fails({ url }, /transactionID mismatch: sent [0-9a-f]{32}, the ip answer has [0-9a-f]{32}/, [
      '01-ir.pkimsg',
      '02-ip.pkimsg',
      'summary.txt',
    ]);
  });
  it("mismatched recipNonce (a correctly protected answer to someone else's nonce)", async () => {
    const url = await serve(
      viaCa(async (a) => {
        const m = AsnParser.parse(a, PKIMessage);
        m.header.recipNonce = new OctetString(new Uint8Array(16).fill(7));
        return protectMessage(m, { kind: 'pbm', secret, iterations: 500 });
      }),
    );
    await fails(
      { url },
      /recipNonce mismatch: the ip answer's recipNonce is 07070707070707070707070707070707, our senderNonce was [0-9a-f]{32}/,
      ['01-ir.pkimsg', '02-ip.pkimsg', 'summary.txt'],
    );
  });
  it("bad protection (one bit of the answer's MAC flipped)", async () => {
    const url = await serve(
      viaCa((a) => {
        const out = new Uint8Array(a);
        out[out.length - 1] ^= 1;
        return out;
      }),
    );
    await fails({ url }, /the ip answer's protection is invalid: MAC does not match with the given secret/, [
      '01-ir.pkimsg',
      '02-ip.pkimsg',
      'summary.txt',
    ]);
  });
});

describe('transport: TLS', () => {
  let dir: string;
  let url: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cmp-lens-tls-'));
    execFileSync(
      'openssl',
      [
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
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    url = await serve(
      viaCa((a) => a),
      { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') },
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a self-signed server certificate fails without caFile', async () => {
    const { r, files } = await send({ url });
    assert.equal(r.ok, false);
    assert.match(
      r.error!,
      /TLS with 127\.0\.0\.1:\d+ failed: self.signed certificate \(DEPTH_ZERO_SELF_SIGNED_CERT\); give the server's CA as caFile/,
    );
    assert.deepEqual(files, ['01-ir.pkimsg', 'summary.txt']);
  });
  it('and works with it as caFile', async () => {
    const { r } = await send({ url, caFile: join(dir, 'cert.pem') });
    assert.equal(r.ok, true, r.error);
  });
  it('insecureSkipTlsVerify, per server, also works (the caller warns)', async () => {
    const { r } = await send({ url, insecureSkipTlsVerify: true });
    assert.equal(r.ok, true, r.error);
    assert.ok(existsSync(dir));
  });
});
