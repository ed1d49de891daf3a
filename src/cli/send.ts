/**
 * `cmp-lens send`, `cmp-lens serve` and `cmp-lens demo` (what `npm start` runs): the client
 * transaction and the embedded test CA from a terminal.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildRequest } from '../core/compose';
import { toPem } from '../core/base/index';
import { inspectInput } from '../core/inspect';
import { formatDocument } from '../core/inspect/text';
import { certName, certNameOf } from '../core/protection';
import { demoSecret, TestCa, type TestCaBehaviour } from '../core/testca';
import { runTransaction, transportDefaults, type TransactionResult } from '../core/transport';
import { pkiFailureInfoNames } from '../core/asn1';
import { ExchangeStore, exchangeFolderName } from '../node/exchangeStore';
import { nodePost } from '../node/httpPost';
import { loadDer } from '../node/materials';
import { serveTestCa } from '../node/testcaServer';
import { openTestCa } from '../node/testcaState';
import { checkTransaction, findingLine } from '../core/checks';
import { intFlag, parseFlags, UsageError, type Parsed } from './args';
import { noSecretArgs, protectionFlags, protectionFrom, secretFrom } from './craft';
import type { Io } from './main';


function printResult(io: Io, r: TransactionResult, store?: ExchangeStore): void {
  io.out(r.ok ? 'transaction completed' : `transaction failed: ${r.error}`);
  for (const c of r.issued) io.out(`issued certificate ${c.certReqId}: ${certNameOf(c.der)}`);
  if (store) io.out(`exchange saved in ${store.dir} (${store.files.join(', ')})`);
}

export async function sendCommand(args: string[], io: Io): Promise<number> {
  const p = parseFlags(args, {
    ...protectionFlags, '--server': 'value', '--trust': 'list', '--ca-file': 'value', '--insecure-skip-tls-verify': 'bool',
    '--timeout': 'value', '--max-response-bytes': 'value', '--out': 'value', '--max-poll': 'value', '--quiet': 'bool',
  }, noSecretArgs);
  if (p.positional.length !== 1) throw new UsageError('send needs one FILE (the request to send)');
  const url = p.value('--server');
  if (!url) throw new UsageError('send needs --server URL (e.g. http://127.0.0.1:8080/.well-known/cmp)');
  const request = loadDer(p.positional[0], 'request');
  const hasProtection = Object.keys(protectionFlags).some((f) => p.value(f) !== undefined || p.bool(f));
  const protection = hasProtection ? await protectionFrom(p, io) : { kind: 'none' as const };
  if (!hasProtection) io.err('cmp-lens: no protection given: certConf and pollReq will be sent unprotected');
  if (p.bool('--insecure-skip-tls-verify')) io.err('cmp-lens: WARNING: TLS certificate verification is OFF for this server (--insecure-skip-tls-verify)');
  const server = {
    name: url, url, caFile: p.value('--ca-file'), insecureSkipTlsVerify: p.bool('--insecure-skip-tls-verify'),
    timeoutMs: intFlag(p, '--timeout', 100, 600_000) ?? transportDefaults.timeoutMs,
    maxResponseBytes: intFlag(p, '--max-response-bytes', 1024, 256 * 1024 * 1024) ?? transportDefaults.maxResponseBytes,
  };
  const store = new ExchangeStore(p.value('--out') ?? exchangeFolderName());
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  try {
    const result = await runTransaction(request, {
      post: nodePost(server), server, protection, signal: controller.signal,
      verify: { secret: secretFrom(p, io), trustAnchors: p.list('--trust').map((t) => loadDer(t)) },
      maxPollMs: (intFlag(p, '--max-poll', 0, 3600) ?? 300) * 1000,
      onMessage: (m) => void store.add(m),
      onStep: p.bool('--quiet') ? undefined : (line) => io.out(`  ${line}`),
    });
    // Protocol checks of what was exchanged (RFC 9810 rules), in summary.txt and on stdout.
    const checks = (await checkTransaction(result.messages.map((m) => m.der))).map((f) => `#${(f.messageIndex ?? 0) + 1} ${result.messages[f.messageIndex ?? 0]?.body ?? ''}: ${findingLine(f)}`);
    store.finish(result, url, checks);
    printResult(io, result, store);
    for (const c of checks) io.out(`check: ${c}`);
    return result.ok ? 0 : 1;
  } finally {
    process.off('SIGINT', onSignal);
  }
}

function behaviourFrom(p: Parsed): TestCaBehaviour {
  const reject = p.list('--reject').flatMap((r) => r.split(',')).filter(Boolean);
  for (const r of reject) if (!(pkiFailureInfoNames as readonly string[]).includes(r)) throw new UsageError(`--reject: "${r}" is not a PKIFailureInfo bit name (${pkiFailureInfoNames.join(', ')})`);
  return {
    pollCount: intFlag(p, '--poll-count', 0, 100),
    checkAfter: intFlag(p, '--check-after', 0, 3600),
    reject: reject as TestCaBehaviour['reject'],
    grantImplicitConfirm: !p.bool('--no-implicit-confirm'),
    sendError: p.bool('--send-error'),
  };
}

/** The CA kept in DIR (see openTestCa), or one in memory; DIR also gets testca.crt for clients' trust. */
async function caFromState(dir: string | undefined, secret: Uint8Array, behaviour: TestCaBehaviour, trust: Uint8Array[]): Promise<TestCa> {
  const options = { secret, behaviour, trustAnchors: trust };
  const ca = dir ? await openTestCa(dir, options) : await TestCa.create(options);
  if (dir) writeFileSync(join(dir, 'testca.crt'), toPem('CERTIFICATE', ca.certDer));
  return ca;
}

export async function serveCommand(args: string[], io: Io): Promise<number> {
  const p = parseFlags(args, {
    '--port': 'value', '--host': 'value', '--state': 'value', '--secret-env': 'value', '--secret-file': 'value', '--trust': 'list',
    '--poll-count': 'value', '--check-after': 'value', '--reject': 'list', '--no-implicit-confirm': 'bool', '--send-error': 'bool',
  }, noSecretArgs);
  const host = p.value('--host') ?? '127.0.0.1';
  if (host !== '127.0.0.1' && host !== '::1' && host !== 'localhost') io.err(`cmp-lens: WARNING: the test CA listens on ${host}, beyond this machine: it issues certificates to anyone with the secret`);
  const given = secretFrom(p, io);
  const secret = given ?? new TextEncoder().encode(demoSecret);
  const ca = await caFromState(p.value('--state'), secret, behaviourFrom(p), p.list('--trust').map((t) => loadDer(t)));
  const srv = await serveTestCa(ca, { port: intFlag(p, '--port', 0, 65535) ?? 0, host, log: (l) => io.out(`  ${l}`) });
  io.out(`CMP Lens test CA "${certName(ca.cert)}" listening on ${srv.url}`);
  io.out(given ? 'shared secret: the one given (any senderKID)' : `shared secret: the public demo default "${demoSecret}" (any senderKID); choose your own with --secret-env`);
  if (p.value('--state')) io.out(`state and CA certificate in ${p.value('--state')} (testca.crt for clients' trust)`);
  io.out('Ctrl+C stops it.');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await srv.close();
  io.out('test CA stopped');
  return 0;
}

/** `npm start`: the whole loop on the embedded defaults. */
export async function demoCommand(args: string[], io: Io): Promise<number> {
  const p = parseFlags(args, { '--out': 'value', '--subject': 'value' });
  const secret = new TextEncoder().encode(demoSecret);
  const ca = await TestCa.create({ secret });
  const srv = await serveTestCa(ca);
  io.out(`1. started the embedded test CA "${certName(ca.cert)}" at ${srv.url}`);
  try {
    const built = await buildRequest(
      { body: 'ir', recipient: 'CN=CMP Lens Test CA, O=CMP Lens', senderKID: 'demo', template: { subject: p.value('--subject') ?? 'CN=CMP Lens demo device', sans: ['dns:device.example'] } },
      { protection: { kind: 'pbm', secret } },
    );
    if (!built.ok) throw new Error(built.errors.map((e) => `${e.field}: ${e.message}`).join('; '));
    io.out(`2. built a PBM-protected ir (${built.der.length} bytes) for a new ${built.generatedKey?.kind} key`);
    const store = p.value('--out') ? new ExchangeStore(p.value('--out')!) : undefined;
    io.out('3. sending it and following the transaction:');
    const result = await runTransaction(built.der, {
      post: nodePost(), server: { name: 'embedded test CA', url: srv.url }, protection: { kind: 'pbm', secret }, verify: { secret },
      onMessage: (m) => void store?.add(m), onStep: (l) => io.out(`     ${l}`),
    });
    store?.finish(result, srv.url);
    const ip = result.messages.find((m) => m.direction === 'received' && m.body === 'ip');
    if (ip) {
      io.out('4. the reply (ip), annotated:');
      const { doc, der } = inspectInput(ip.der);
      io.out(formatDocument(doc, { offsets: false, depth: 0, der }));
      io.out(`   protection: ${ip.protection?.verdict} — ${ip.protection?.summary}`);
    }
    printResult(io, result, store);
    return result.ok ? 0 : 1;
  } finally {
    await srv.close();
    io.out('5. stopped the test CA');
  }
}
