/** `cmp-lens serve` (the embedded test CA) and `cmp-lens demo` (what `npm start` runs). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { givenSecret, inspectText, sendRequest, startTestCa, TestCaKeyMismatch } from '../app';
import { keyKinds, pkiFailureInfoNames, toPem, type KeyKind } from '../core/base';
import { buildRequest } from '../core/compose';
import type { TestCaBehaviour } from '../core/testca';
import { ExchangeStore } from '../node/exchangeStore';
import { nodePost } from '../node/httpPost';
import { loadDer } from '../node/materials';
import { serveTestCa } from '../node/testcaServer';
import { openTestCa } from '../node/testcaState';
import { helpText, intFlag, parseFlags, type FlagSpec, type Parsed } from './args';
import type { Command } from './command';
import { printOutcome } from './send';
import { readSecret, secretFlags, UsageError, type Io } from './io';
import { writeFileAtomic } from '../node/atomic';

const serveFlags: FlagSpec = {
  '--port': { kind: 'value', arg: 'N', help: 'port (default: a free one)' },
  '--host': { kind: 'value', arg: 'H', help: 'address to listen on (default 127.0.0.1; others are warned)' },
  '--state': {
    kind: 'value',
    arg: 'DIR',
    help: "keep the CA in DIR in openssl ca's layout (ca.key mode 0600, ca.crt, index.txt, newcerts/)",
  },
  ...secretFlags,
  '--ca-key': {
    kind: 'value',
    arg: 'T',
    help: `key type of a new CA (default P-256): ${keyKinds.join(', ')}; case does not matter (ml-dsa-65)`,
  },
  '--trust': { kind: 'list', arg: 'F', help: 'more trust anchors for signed requests' },
  '--tls-cert': { kind: 'value', arg: 'F', help: 'serve HTTPS with this certificate (PEM; with --tls-key)' },
  '--tls-key': { kind: 'value', arg: 'F', help: 'its private key (PEM)' },
  '--tls-client-ca': {
    kind: 'value',
    arg: 'F',
    help: 'ask clients for a TLS certificate issued by these CAs (PEM) and refuse others',
  },
  '--poll-count': { kind: 'value', arg: 'N', help: 'answer waiting, then pollRep N times, before issuing' },
  '--check-after': { kind: 'value', arg: 'S', help: 'checkAfter in pollRep, seconds' },
  '--confirm-wait': {
    kind: 'value',
    arg: 'S',
    help: 'seconds the CA waits for certConf, sent as confirmWaitTime (default 300); a later certConf revokes',
  },
  '--reject': { kind: 'list', arg: 'BIT,...', help: 'reject certificate requests with these failInfo bits' },
  '--no-implicit-confirm': { kind: 'bool', help: 'never grant implicit confirmation' },
  '--template-key': {
    kind: 'value',
    arg: 'P-256|RSA-N',
    help: 'the key certReqTemplate asks for: an EC P-256 algId (default) or an RSA modulus length (rsaKeyLen)',
  },
  '--central-key-form': {
    kind: 'value',
    arg: 'rfc9483|openssl',
    help: "central key generation: sign the key as RFC 9483's AsymmetricKeyPackage (default) or as OpenSSL 3.5's client reads it (the PKCS#8 as id-data)",
  },
  '--roll-root': {
    kind: 'bool',
    help: 'make a new root key first and serve the update (newWithNew, newWithOld, oldWithNew; RFC 9810 §4.4)',
  },
  '--send-error': { kind: 'bool', help: 'answer every request with an error message' },
};

function behaviourFrom(p: Parsed): TestCaBehaviour {
  const reject = p
    .list('--reject')
    .flatMap((r) => r.split(','))
    .filter(Boolean);
  for (const r of reject) {
    if (!(pkiFailureInfoNames as readonly string[]).includes(r))
      throw new UsageError(
        `--reject: "${r}" is not a PKIFailureInfo bit name (${pkiFailureInfoNames.join(', ')})`,
      );
  }
  return {
    pollCount: intFlag(p, '--poll-count', 0, 100),
    checkAfter: intFlag(p, '--check-after', 0, 3600),
    confirmWaitSeconds: intFlag(p, '--confirm-wait', 0, 86_400),
    templateKey: templateKeyFlag(p.value('--template-key')),
    centralKeyForm: centralKeyFormFlag(p.value('--central-key-form')),
    reject: reject as TestCaBehaviour['reject'],
    grantImplicitConfirm: !p.bool('--no-implicit-confirm'),
    sendError: p.bool('--send-error'),
  };
}

function centralKeyFormFlag(v: string | undefined): TestCaBehaviour['centralKeyForm'] {
  if (v === undefined || v === 'rfc9483' || v === 'openssl') return v;
  throw new UsageError(`--central-key-form must be rfc9483 or openssl (got "${v}")`);
}

function templateKeyFlag(v: string | undefined): string | undefined {
  if (v === undefined || v === 'P-256') return v;
  const bits = /^RSA-(\d+)$/i.exec(v)?.[1];
  if (!bits || Number(bits) < 1024 || Number(bits) > 16384)
    throw new UsageError(`--template-key must be P-256 or RSA-N with N from 1024 to 16384 (got "${v}")`);
  return `RSA-${bits}`;
}

/** --tls-cert, --tls-key, --tls-client-ca: HTTPS, with client authentication when a client CA is given. */
function tlsFlags(p: Parsed): { cert: string; key: string; clientCa?: string } | undefined {
  const [cert, key, clientCa] = ['--tls-cert', '--tls-key', '--tls-client-ca'].map((f) => p.value(f));
  if (!cert && !key) {
    if (clientCa) throw new UsageError('--tls-client-ca needs --tls-cert and --tls-key (HTTPS)');
    return undefined;
  }
  if (!cert || !key) throw new UsageError('HTTPS needs both --tls-cert and --tls-key');
  const read = (f: string, flag: string) => {
    try {
      return readFileSync(f, 'utf8');
    } catch {
      throw new UsageError(`${flag} ${f}: cannot read it`);
    }
  };
  return {
    cert: read(cert, '--tls-cert'),
    key: read(key, '--tls-key'),
    clientCa: clientCa ? read(clientCa, '--tls-client-ca') : undefined,
  };
}

/** `--ca-key ml-dsa-65`: a key type as the composer names it, in any case. */
function caKeyFlag(p: Parsed): KeyKind | undefined {
  const given = p.value('--ca-key');
  if (given === undefined) return undefined;
  const kind = keyKinds.find((k) => k.toLowerCase() === given.toLowerCase());
  if (!kind) throw new UsageError(`--ca-key must be one of ${keyKinds.join(', ')} (got "${given}")`);
  return kind;
}

async function serve(args: string[], io: Io): Promise<number> {
  const p = parseFlags('serve', args, serveFlags);
  if (p.positional.length) throw new UsageError(`serve takes no FILE (got "${p.positional[0]}")`);
  const host = p.value('--host') ?? '127.0.0.1';
  if (!['127.0.0.1', '::1', 'localhost'].includes(host)) {
    io.err(
      `cmp-lens: WARNING: the test CA listens on ${host}, beyond this machine: it issues certificates to anyone with the secret`,
    );
  }
  const state = p.value('--state');
  const port = intFlag(p, '--port', 0, 65535) ?? 0;
  const tls = tlsFlags(p);
  const serving = await startTestCa({
    secret: readSecret(p.value('--secret-file'), p.value('--secret-env'), io),
    behaviour: behaviourFrom(p),
    trustAnchors: p.list('--trust').map((t) => loadDer(t)),
    caKey: caKeyFlag(p),
    rollRoot: p.bool('--roll-root'),
    open: state ? (options) => openTestCa(state, options) : undefined,
    listen: (ca) => serveTestCa(ca, { port, host, tls, log: (l) => io.out(`  ${l}`) }),
  }).catch((e: unknown) => {
    throw e instanceof TestCaKeyMismatch ? new UsageError(`--ca-key: ${e.message}`) : e;
  });
  io.out(
    `CMP Lens test CA "${serving.name}" (${serving.ca.key.kind} key) listening on ${serving.server.url}`,
  );
  io.out(
    p.value('--secret-file') || p.value('--secret-env')
      ? serving.secretNote
      : `${serving.secretNote}; choose your own with --secret-env`,
  );
  if (p.bool('--roll-root'))
    io.out(
      'root key rolled: genm rootCaCert about the old root answers newWithNew, newWithOld and oldWithNew',
    );
  if (state) {
    // DIR/testca.crt for clients' trust (ca.crt is the same; after a roll, the new one).
    writeFileAtomic(join(state, 'testca.crt'), toPem('CERTIFICATE', serving.ca.certDer));
    io.out(`state and CA certificate in ${state} (testca.crt for clients' trust)`);
  }
  io.out('Ctrl+C stops it.');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await serving.server.close();
  io.out('test CA stopped');
  return 0;
}

const demoFlags: FlagSpec = {
  '--out': { kind: 'value', arg: 'DIR', help: 'also save the exchange in DIR' },
  '--subject': {
    kind: 'value',
    arg: 'DN',
    help: 'subject of the new certificate (default CN=CMP Lens demo device)',
  },
};

/** `npm start`: the whole loop on the embedded defaults. */
async function demo(args: string[], io: Io): Promise<number> {
  const p = parseFlags('demo', args, demoFlags);
  const serving = await startTestCa({ listen: (ca) => serveTestCa(ca) });
  const { secret, server } = serving;
  io.out(`1. started the embedded test CA "${serving.name}" at ${server.url}`);
  try {
    const spec = {
      body: 'ir' as const,
      recipient: 'CN=CMP Lens Test CA, O=CMP Lens',
      senderKID: 'demo',
      template: { subject: p.value('--subject') ?? 'CN=CMP Lens demo device', sans: ['dns:device.example'] },
    };
    const built = await buildRequest(spec, { protection: { kind: 'pbm', secret } });
    if (!built.ok) throw new Error(built.errors.map((e) => `${e.field}: ${e.message}`).join('; '));
    io.out(
      `2. built a PBM-protected ir (${built.der.length} bytes) for a new ${built.generatedKey?.kind} key`,
    );
    const store = p.value('--out') ? new ExchangeStore(p.value('--out')!) : undefined;
    io.out('3. sending it and following the transaction:');
    const outcome = await sendRequest({
      request: built.der,
      name: 'the demo ir',
      server: { name: 'embedded test CA', url: server.url },
      post: nodePost(),
      secrets: givenSecret(secret),
      sink: store,
      onStep: (l) => io.out(`     ${l}`),
    });
    if (!outcome) throw new Error('the demo needs no prompt');
    const ip = outcome.result.messages.find((m) => m.direction === 'received' && m.body === 'ip');
    if (ip) {
      io.out('4. the reply (ip), annotated:');
      io.out(inspectText(ip.der).text);
      io.out(`   protection: ${ip.protection?.verdict} — ${ip.protection?.summary}`);
    }
    printOutcome(io, outcome, store ? { dir: store.dir, files: store.files } : undefined);
    return outcome.result.ok ? 0 : 1;
  } finally {
    await server.close();
    io.out('5. stopped the test CA');
  }
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'serve                run the embedded test CA on 127.0.0.1 (Ctrl+C stops it)',
  help: helpText(
    'serve [options]',
    'Runs the embedded test CA: ir, cr, kur, p10cr, rr, genm, certConf and pollReq on any path.\nWithout a secret flag the secret is the public demo default "cmp-lens-demo": for your own machine only.',
    serveFlags,
    '0 stopped with Ctrl+C, 2 usage error.',
  ),
  run: serve,
};

export const demoCommand: Command = {
  name: 'demo',
  summary:
    'demo                 start the test CA, enrol a new key with a PBM-protected ir, confirm, print the reply',
  help: helpText(
    'demo [options]',
    'The whole loop on the embedded defaults (what npm start runs); nothing is left behind.',
    demoFlags,
    '0 completed, 1 failed.',
  ),
  run: demo,
};
