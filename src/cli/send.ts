/** `cmp-lens send FILE --server URL`: the client transaction from a terminal. */
import { exchangeFolderName, givenSecret, sendRequest, type SendOutcome } from '../app';
import { certNameOf } from '../core/protection';
import { transportDefaults, type Post } from '../core/transport';
import { ExchangeStore } from '../node/exchangeStore';
import { nodePost, proxyFromEnv } from '../node/httpPost';
import { loadDer } from '../node/materials';
import { helpText, intFlag, parseFlags, type FlagSpec } from './args';
import type { Command } from './command';
import { protectionFlags, protectionFrom, secretFrom } from './craft';
import { readDer, UsageError, type Io } from './io';

const flags: FlagSpec = {
  '--server': {
    kind: 'value',
    arg: 'URL',
    help: 'where to POST, e.g. http://127.0.0.1:8080/.well-known/cmp',
  },
  '--out': { kind: 'value', arg: 'DIR', help: 'where every message is saved (default cmp-exchange-DATE)' },
  '--trust': { kind: 'list', arg: 'F', help: "a trust anchor for the answers' signatures" },
  '--ca-file': {
    kind: 'value',
    arg: 'F',
    help: "PEM CA certificates trusted for HTTPS, on top of the system's",
  },
  '--insecure-skip-tls-verify': { kind: 'bool', help: 'turn TLS verification off for this run (warned)' },
  '--tls-cert': {
    kind: 'value',
    arg: 'F',
    help: 'TLS client certificate (PEM, chain after it), for servers that ask for one',
  },
  '--tls-key': { kind: 'value', arg: 'F', help: 'its private key (PEM)' },
  '--tls-key-pass-env': {
    kind: 'value',
    arg: 'V',
    help: "the key's passphrase, from environment variable V (never as an argument)",
  },
  '--timeout': { kind: 'value', arg: 'MS', help: 'time allowed for each answer (default 30000)' },
  '--max-response-bytes': { kind: 'value', arg: 'N', help: 'larger answers are refused (default 4 MiB)' },
  '--max-poll': { kind: 'value', arg: 'S', help: 'longest total polling time in seconds (default 300)' },
  '--implicit-confirm': {
    kind: 'bool',
    help: 'ask for implicit confirmation when the request does not (protected again)',
  },
  '--quiet': { kind: 'bool', help: 'no step lines' },
  '--newkey': {
    kind: 'value',
    arg: 'F',
    help: 'the requested key (PKCS#8), to open a certificate sent back encrypted (indirect POP, encrCert)',
  },
  ...protectionFlags,
};

/** "transaction completed", the issued certificates, and where the exchange went. */
export function printOutcome(
  io: Io,
  o: Pick<SendOutcome, 'result'>,
  where?: { dir: string; files: string[] },
): void {
  const r = o.result;
  io.out(r.ok ? 'transaction completed' : `transaction failed: ${r.error}`);
  for (const c of r.issued) io.out(`issued certificate ${c.certReqId}: ${certNameOf(c.der)}`);
  if (where) io.out(`exchange saved in ${where.dir} (${where.files.join(', ')})`);
}

async function run(args: string[], io: Io): Promise<number> {
  const p = parseFlags('send', args, flags);
  if (p.positional.length !== 1) throw new UsageError('send needs one FILE (the request to send)');
  const url = p.value('--server');
  if (!url) throw new UsageError('send needs --server URL (e.g. http://127.0.0.1:8080/.well-known/cmp)');
  const file = p.positional[0];
  const request = readDer(file, io);
  const secret = secretFrom(p, io);
  const hasProtection = Object.keys(protectionFlags).some((f) => p.value(f) !== undefined || p.bool(f));
  const protection = hasProtection ? await protectionFrom(p, io, secret) : { kind: 'none' as const };
  if (!hasProtection) io.err('cmp-lens: no protection given: certConf and pollReq will be sent unprotected');
  const insecure = p.bool('--insecure-skip-tls-verify');
  if (insecure)
    io.err(
      'cmp-lens: WARNING: TLS certificate verification is OFF for this server (--insecure-skip-tls-verify)',
    );
  if (!!p.value('--tls-cert') !== !!p.value('--tls-key'))
    throw new UsageError('a TLS client certificate needs both --tls-cert and --tls-key');
  const passEnv = p.value('--tls-key-pass-env');
  if (passEnv && io.env(passEnv) === undefined)
    throw new UsageError(`--tls-key-pass-env: environment variable ${passEnv} is not set`);
  const server = {
    name: url,
    url,
    caFile: p.value('--ca-file'),
    insecureSkipTlsVerify: insecure,
    tlsClientCert: p.value('--tls-cert'),
    tlsClientKey: p.value('--tls-key'),
    implicitConfirm: p.bool('--implicit-confirm'),
    timeoutMs: intFlag(p, '--timeout', 100, 600_000) ?? transportDefaults.timeoutMs,
    maxResponseBytes:
      intFlag(p, '--max-response-bytes', 1024, 256 * 1024 * 1024) ?? transportDefaults.maxResponseBytes,
  };
  let post: Post;
  try {
    // Proxies as curl finds them: HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, and NO_PROXY's exceptions.
    post = nodePost(server, {
      proxyFor: proxyFromEnv,
      tlsKeyPassphrase: passEnv ? io.env(passEnv) : undefined,
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const store = new ExchangeStore(p.value('--out') ?? exchangeFolderName());
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  try {
    const outcome = await sendRequest({
      request,
      name: file,
      server,
      post,
      secrets: givenSecret(secret),
      protection,
      trustAnchors: p.list('--trust').map((t) => loadDer(t)),
      sink: store,
      signal: controller.signal,
      maxPollMs: (intFlag(p, '--max-poll', 0, 3600) ?? 300) * 1000,
      onStep: p.bool('--quiet') ? undefined : (line) => io.out(`  ${line}`),
      newKey: p.value('--newkey') ? async () => loadDer(p.value('--newkey')!, 'private key') : undefined,
    });
    if (!outcome) return 1; // only a prompt can cancel, and the CLI has none
    printOutcome(io, outcome, { dir: store.dir, files: store.files });
    for (const c of outcome.findingLines) io.out(`check: ${c}`);
    for (const d of outcome.delivered) io.out(d);
    return outcome.result.ok ? 0 : 1;
  } finally {
    process.off('SIGINT', onSignal);
  }
}

export const sendCommand: Command = {
  name: 'send',
  summary:
    'send FILE --server URL   post a request, follow the transaction (pollReq, certConf), save every message',
  help: helpText(
    'send FILE --server URL [options]',
    'Posts the request (Content-Type application/pkixcmp, RFC 9811), checks each answer, polls, confirms\nissued certificates with certConf and expects pkiConf. Every message is saved the moment it exists.\nThe protection flags say how certConf and pollReq are protected. HTTPS_PROXY, HTTP_PROXY and NO_PROXY\nare honoured; a redirect is reported, never followed.',
    flags,
    '0 completed, 1 failed (with the step and cause), 2 usage error.',
  ),
  run,
};
