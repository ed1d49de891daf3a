// The web extension's own parts, under Node's fetch and a loopback server: the fetch transport (each
// failure in our words, the browser's limits refused up front), the test CA served in the worker
// (a whole send through it), an exchange saved through an asynchronous writer, and the web bundle
// (no Node module required anywhere in it).
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { after, before, describe, it } from 'node:test';
import { ExchangeFiles, givenSecret, sendRequest, startTestCa } from '../../src/app';
import { buildRequest } from '../../src/core/compose';
import { TestCa } from '../../src/core/testca';
import { runTransaction, TransportError, type ServerConfig } from '../../src/core/transport';
import { browserRefusal, fetchPost } from '../../src/extension/web/fetchPost';
import { listenInWorker, reachInWorker } from '../../src/extension/web/workerCa';

const secret = new TextEncoder().encode('s3cret');
let ca: TestCa;
let request: Uint8Array;
const servers: http.Server[] = [];

function serve(handler: http.RequestListener): Promise<string> {
  const s = http.createServer(handler);
  servers.push(s);
  return new Promise((resolve) =>
    s.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(s.address() as AddressInfo).port}/.well-known/cmp`),
    ),
  );
}

/** The CA behind a loopback HTTP front that, like a CORS-enabled server, says who may read it. */
const viaCa: http.RequestListener = (req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', async () => {
    assert.equal(req.headers['content-type'], 'application/pkixcmp');
    const answer = await ca.handle(new Uint8Array(Buffer.concat(chunks)));
    res.writeHead(200, { 'Content-Type': 'application/pkixcmp', 'Access-Control-Allow-Origin': '*' });
    res.end(Buffer.from(answer));
  });
};

before(async () => {
  ca = await TestCa.create({ secret });
  const built = await buildRequest(
    { body: 'ir', senderKID: 'user1', template: { subject: 'CN=web' } },
    { protection: { kind: 'pbm', secret, iterations: 500 } },
  );
  assert.ok(built.ok);
  request = built.der;
});

after(() => {
  for (const s of servers) {
    s.closeAllConnections();
    s.close();
  }
});

const transaction = (server: ServerConfig) =>
  runTransaction(request, {
    post: fetchPost(server),
    server,
    protection: { kind: 'pbm', secret, iterations: 500 },
    verify: { secret },
  });

describe('web: the fetch transport', () => {
  it('runs a whole transaction (ir → ip → certConf → pkiConf) over fetch', async () => {
    const url = await serve(viaCa);
    const r = await transaction({ name: 'loopback', url });
    assert.equal(r.ok, true, r.error);
    assert.deepEqual(
      r.messages.map((m) => m.body),
      ['ir', 'ip', 'certConf', 'pkiconf'],
    );
  });

  it('says what the browser cannot do, naming the setting, before anything is sent', () => {
    for (const [server, re] of [
      [{ caFile: '/etc/ca.pem' }, /caFile cannot be used in the browser/],
      [
        { tlsClientCert: 'c.pem', tlsClientKey: 'k.pem' },
        /TLS client certificate cannot be given in the browser/,
      ],
      [{ insecureSkipTlsVerify: true }, /insecureSkipTlsVerify cannot be used in the browser/],
    ] as const) {
      const config = { name: 'x', url: 'https://ca.example/', ...server };
      assert.match(browserRefusal(config) ?? '', re);
      assert.throws(
        () => fetchPost(config),
        (e: TransportError) => e.step === 'tls' && re.test(e.message),
      );
    }
  });

  it('a server that cannot be read names both causes a browser hides: unreachable, or no CORS', async () => {
    const url = await serve(() => undefined);
    const port = new URL(url).port;
    servers.at(-1)!.close();
    const r = await transaction({ name: 'gone', url });
    assert.equal(r.ok, false);
    assert.match(r.error ?? '', new RegExp(`could not read an answer from 127\\.0\\.0\\.1:${port}`));
    assert.match(r.error ?? '', /CORS/);
    assert.doesNotMatch(
      r.error ?? '',
      /fetch failed|TypeError|ECONNREFUSED/,
      'no library text reaches the user',
    );
  });

  it('timeout, size cap, redirect and a non-200 answer each say what happened', async () => {
    const slow = await serve(() => undefined);
    const r1 = await transaction({ name: 'slow', url: slow, timeoutMs: 300 });
    assert.match(r1.error ?? '', /no complete answer from 127\.0\.0\.1:\d+ within 300 ms \(timeoutMs\)/);
    const big = await serve((_q, res) => {
      res.writeHead(200, { 'Content-Type': 'application/pkixcmp' });
      res.write(Buffer.alloc(64 * 1024));
      res.end(Buffer.alloc(64 * 1024));
    });
    const r2 = await transaction({ name: 'big', url: big, maxResponseBytes: 100_000 });
    assert.match(r2.error ?? '', /larger than the limit of 100000 bytes \(maxResponseBytes\)/);
    const moved = await serve((_q, res) => {
      res.writeHead(307, { Location: 'https://elsewhere.example/cmp' });
      res.end();
    });
    const r3 = await transaction({ name: 'moved', url: moved });
    assert.match(r3.error ?? '', /redirects to https:\/\/elsewhere\.example\/cmp \(HTTP 307\)/);
    const html = await serve((_q, res) => {
      res.writeHead(404, { 'Content-Type': 'text/html' });
      res.end('<h1>Not here</h1>');
    });
    const r4 = await transaction({ name: 'html', url: html });
    assert.match(r4.error ?? '', /HTTP 404 \(Not here\)/);
  });

  it('cancelling stops the request', async () => {
    const slow = await serve(() => undefined);
    const controller = new AbortController();
    const pending = fetchPost({ name: 's', url: slow })({
      url: slow,
      body: request,
      timeoutMs: 30_000,
      maxResponseBytes: 1 << 20,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 100);
    await assert.rejects(pending, (e: TransportError) => e.step === 'cancelled');
  });
});

describe('web: the test CA in the worker', () => {
  it('a send through it completes, saved through an asynchronous writer', async () => {
    const serving = await startTestCa({ secret, listen: listenInWorker });
    assert.match(serving.server.url, /^worker:\/\/cmp-lens-test-ca-\d+\/\.well-known\/cmp$/);
    const post = reachInWorker(serving.server.url);
    assert.ok(post);
    const written = new Map<string, Uint8Array | string>();
    const sink = new ExchangeFiles('memory:', async (name, data) => {
      await new Promise((r) => setTimeout(r, 5));
      written.set(name, data);
    });
    const out = await sendRequest({
      request,
      name: 'ir.pkimsg',
      server: { name: 'embedded', url: serving.server.url },
      post,
      secrets: givenSecret(secret),
      sink,
    });
    assert.ok(out?.result.ok, out?.result.error);
    await sink.settled();
    assert.deepEqual(
      [...written.keys()],
      [
        '01-ir.pkimsg',
        '02-ip.pkimsg',
        '03-certConf.pkimsg',
        '04-pkiconf.pkimsg',
        'issued-0.pem',
        'summary.txt',
      ],
    );
    assert.match(String(written.get('summary.txt')), /02-ip\.pkimsg {2}← ip {2}accepted {2}protection valid/);
    await serving.server.close();
    assert.equal(reachInWorker(serving.server.url), undefined, 'a stopped CA is no longer reached');
  });

  it('a failed asynchronous write is reported by settled(), not lost', async () => {
    const sink = new ExchangeFiles('memory:', async (name) => {
      if (name.startsWith('02')) throw new Error('disk full');
    });
    sink.add({ der: request, body: 'ir', direction: 'sent', at: 0 } as never);
    sink.add({ der: request, body: 'ip', direction: 'received', at: 1 } as never);
    await assert.rejects(sink.settled(), /disk full/);
  });
});

describe('web: the bundle', () => {
  const bundle = join(__dirname, '..', '..', 'dist', 'web', 'extension.js');
  it('requires nothing but vscode, and uses no Node global', () => {
    if (!existsSync(bundle))
      execFileSync(process.execPath, ['esbuild.mjs'], { cwd: join(__dirname, '..', '..') });
    const text = readFileSync(bundle, 'utf8');
    const required = new Set([...text.matchAll(/\brequire\(\s*["'`]([^"'`]+)["'`]\s*\)/g)].map((m) => m[1]));
    assert.deepEqual([...required], ['vscode']);
    assert.doesNotMatch(text, /["']node:[a-z_/]+["']/);
  });

  it('loads and activates where there is no Node: no process, Buffer, require or module of Node', () => {
    const text = readFileSync(bundle, 'utf8');
    // A VS Code API that answers everything with itself: enough for activate() to register every feature.
    const calls: string[] = [];
    const api = (path: string): unknown => {
      const own = new Map<PropertyKey, unknown>();
      return new Proxy(function () {}, {
        get: (_t, key) =>
          own.has(key)
            ? own.get(key)
            : key === 'then'
              ? undefined
              : key === Symbol.toPrimitive
                ? () => path
                : api(`${path}.${String(key)}`),
        set: (_t, key, value) => own.set(key, value) && true,
        apply: (_t, _this, args) => {
          calls.push(path);
          return path.endsWith('.t') ? String(args[0]) : api(`${path}()`);
        },
        construct: () => api(`new ${path}`) as object,
      });
    };
    // esbuild copies the module's own names: give every name VS Code's API declares (window, Uri, …),
    // read from @types/vscode (the bundle may be minified, so its own text cannot say).
    const declared = readFileSync(require.resolve('@types/vscode/index.d.ts'), 'utf8');
    const vscode = Object.fromEntries(
      [
        ...new Set(
          [...declared.matchAll(/^\s*export (?:namespace|class|enum|const|function|let) (\w+)/gm)].map(
            (m) => m[1],
          ),
        ),
      ].map((k) => [k, api(`vscode.${k}`)]),
    );
    const sandbox: Record<string, unknown> = {
      module: { exports: {} },
      require: (m: string) => {
        if (m === 'vscode') return vscode;
        throw new Error(`the web bundle required ${m}`);
      },
      crypto: globalThis.crypto,
      TextEncoder,
      TextDecoder,
      URL,
      AbortController,
      setTimeout,
      clearTimeout,
      queueMicrotask,
      fetch: () => Promise.reject(new Error('no network in this test')),
      btoa,
      atob,
    };
    sandbox.exports = (sandbox.module as { exports: object }).exports;
    sandbox.globalThis = sandbox;
    runInNewContext(text, sandbox, { filename: 'dist/web/extension.js' });
    const entry = (sandbox.module as { exports: { activate(c: unknown): void } }).exports;
    assert.equal(typeof entry.activate, 'function');
    const context = { subscriptions: [] as unknown[], ...(api('context') as object) };
    Object.assign(context, { subscriptions: [], extension: { packageJSON: { version: '0' } } });
    entry.activate(context);
    assert.ok(context.subscriptions.length >= 5, 'every feature registered');
    for (const registered of [
      'registerCustomEditorProvider',
      'registerCommand',
      'registerWebviewPanelSerializer',
    ])
      assert.ok(
        calls.some((c) => c.endsWith(registered)),
        `${registered} was called`,
      );
  });

  it('package.json names both entries, one extension for both hosts', () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'));
    assert.equal(pkg.main, './dist/extension.js');
    assert.equal(pkg.browser, './dist/web/extension.js');
  });
});
