/**
 * cmp-lens: the CLI. `cmp-lens inspect FILE` prints the annotated tree of a CMP message (or a
 * certificate, CSR, CRL …). Exit codes: 0 no errors, 1 errors found in the input, 2 usage.
 */
import { readFileSync } from 'node:fs';
import { inspectInput } from '../core/inspect';
import { unwrapInput } from '../core/base/pem';
import { checkCertHashes, issuedCertificates, verifyMessage } from '../core/protection';
import type { CheckResult } from '../shared/protection';
import { formatDocument } from '../core/inspect/text';
import { withPaths } from '../core/inspect/paths';
import { lintCommand } from './lint';
import { captureCommand } from './capture';
import { UsageError } from './args';
import { buildCommand, readSecret } from './craft';
import { demoCommand, sendCommand, serveCommand } from './send';

const usage = `Usage: cmp-lens <command> [options]

Commands:
  inspect FILE|-     print the annotated ASN.1 tree of a CMP message, certificate, CSR, CRL, ...
                     (DER, PEM with any label, or base64; "-" reads standard input)
    --offsets        show offset+header+length of every node
    --depth N        print at most N levels
    --json           print the whole view model as JSON
    --strict         exit 1 on warnings too
  verify FILE|-      check the protection (MAC or signature), the protecting certificate, POP and CSR signatures
    --secret-file F  the shared secret for MAC protection, read from a file (one trailing newline dropped)
    --secret-env V   the shared secret from environment variable V (never pass it as an argument)
    --cert F         check the signature with this certificate (PEM or DER) instead of extraCerts[0]
    --trust F        a trust anchor certificate for chain building (repeatable)
    --issued F       for a certConf: the issued certificate, or the ip/cp/kup that carried it (repeatable)

  lint FILE…|DIR     protocol checks (RFC 9810 / RFC 9483) for each message, and for messages sharing a
                     transactionID the exchange checks (nonces, certConf hashes, polling, pkiConf, time)
    --profile base|lightweight   rule set (default base: RFC 9810; lightweight adds RFC 9483)
    --json           findings as JSON
  capture FILE       the CMP messages in a pcap/pcapng capture, by transaction: HTTP path and status,
                     body type, PKIStatus, protection verdict, gaps, and what could not be read
    --export DIR     write each exchange's messages (NN-body.pkimsg) under DIR
    --secret-env V | --secret-file F   the shared secret, to check MACs
    --json           the list as JSON
  build --body B --out FILE   build a protected request (ir, cr, kur, p10cr, rr, genm, certConf, pollReq, error)
    --subject DN --san dns:x|ip:a|email:e|uri:u (repeatable) --key-usage K --eku E
    --sender DN --recipient DN --ref KID (senderKID) --implicit-confirm --pvno 2|3
    --key-type P-256|P-384|P-521|RSA-2048|RSA-3072|RSA-4096|Ed25519 or --newkey KEY.pem
    --csr F (p10cr)  --oldcert F (kur, rr)  --revoke-issuer DN --revoke-serial HEX --revreason N (rr)
    --infotype caCerts|rootCaKeyUpdate|certReqTemplate|... (genm)  --confirm-cert F [--reject] (certConf)
    --certreqid N (pollReq)  --status N --failinfo NAME --text T (error)  --spec FILE.json (same fields)
    protection: --secret-env V | --secret-file F [--pbmac1] [--iterations N] | --cert F --key F | --unprotected
    A generated key is written beside FILE as FILE.key.pem (mode 0600).
  send FILE --server URL   post a request, follow the transaction (pollReq, certConf), save every message
    --out DIR (default cmp-exchange-DATE)  --trust F  --ca-file F  --timeout MS  --max-response-bytes N
    --insecure-skip-tls-verify (warned)  and the protection flags of build, used for certConf/pollReq
  serve              run the embedded test CA on 127.0.0.1 (Ctrl+C stops it)
    --port N (default: a free one)  --state DIR (keeps its key and certificate)  --secret-env V | --secret-file F
    --poll-count N --check-after S --reject BIT,... --no-implicit-confirm --send-error (misbehave on purpose)
  demo               start the test CA, enrol a new key with a PBM-protected ir, confirm, print the reply

Exit codes: inspect: 0 no errors, 1 errors (or warnings with --strict) found in the input.
lint: 0 no error-level finding, 1 errors found. capture: 0 read cleanly, 1 problems reported.
verify: 0 valid or unprotected, 1 invalid, 3 needs input or cannot decide (secret, certificate,
unsupported algorithm, DH/KEM-based MAC). send, demo: 0 completed, 1 failed. All: 2 usage error.`;

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  readFile: (path: string) => Uint8Array;
  readStdin: () => Uint8Array;
  env: (name: string) => string | undefined;
}


function parseInspectArgs(args: string[]): { file: string; offsets: boolean; json: boolean; strict: boolean; depth: number } {
  const opts = { file: '', offsets: false, json: false, strict: false, depth: 0 };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--offsets') opts.offsets = true;
    else if (a === '--json') opts.json = true;
    else if (a === '--strict') opts.strict = true;
    else if (a === '--depth') {
      opts.depth = Number(args[++i]);
      if (!Number.isInteger(opts.depth) || opts.depth < 1) throw new UsageError('--depth needs a whole number of at least 1');
    } else if (a.startsWith('--')) throw new UsageError(`unknown option ${a}`);
    else if (opts.file) throw new UsageError(`only one FILE, got "${opts.file}" and "${a}"`);
    else opts.file = a;
  }
  if (!opts.file) throw new UsageError('inspect needs a FILE (or - for standard input)');
  return opts;
}

function inspectCommand(args: string[], io: Io): number {
  const opts = parseInspectArgs(args);
  const { doc, der } = inspectInput(readInput(opts.file, io));
  io.out(opts.json ? JSON.stringify({ ...doc, roots: withPaths(doc.roots) }, null, 2) : formatDocument(doc, { offsets: opts.offsets, depth: opts.depth, der }));
  const errors = doc.problems.filter((p) => p.severity === 'error' || (opts.strict && p.severity === 'warning'));
  return errors.length ? 1 : 0;
}

function readInput(file: string, io: Io): Uint8Array {
  try {
    return file === '-' ? io.readStdin() : io.readFile(file);
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

interface VerifyArgs {
  file: string;
  secretFile?: string;
  secretEnv?: string;
  cert?: string;
  trust: string[];
  issued: string[];
}

function parseVerifyArgs(args: string[]): VerifyArgs {
  const opts: VerifyArgs = { file: '', trust: [], issued: [] };
  const value = (i: number, flag: string) => {
    if (i >= args.length || args[i].startsWith('--')) throw new UsageError(`${flag} needs a value`);
    return args[i];
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--secret-file') opts.secretFile = value(++i, a);
    else if (a === '--secret-env') opts.secretEnv = value(++i, a);
    else if (a === '--cert') opts.cert = value(++i, a);
    else if (a === '--trust') opts.trust.push(value(++i, a));
    else if (a === '--issued') opts.issued.push(value(++i, a));
    else if (a === '--secret') throw new UsageError('--secret would put the secret in the process list and shell history: use --secret-file or --secret-env');
    else if (a.startsWith('--')) throw new UsageError(`unknown option ${a}`);
    else if (opts.file) throw new UsageError(`only one FILE, got "${opts.file}" and "${a}"`);
    else opts.file = a;
  }
  if (!opts.file) throw new UsageError('verify needs a FILE (or - for standard input)');
  return opts;
}

function resultLine(r: CheckResult): string {
  const why = r.reason ? `: ${r.reason}` : '';
  return `${r.check}: ${r.verdict} — ${r.summary}${why}`;
}

async function verifyCommand(args: string[], io: Io): Promise<number> {
  const opts = parseVerifyArgs(args);
  const der = unwrapInput(readInput(opts.file, io)).der;
  const results = await verifyMessage(der, {
    secret: readSecret(opts.secretFile, opts.secretEnv, io),
    cert: opts.cert ? unwrapInput(readInput(opts.cert, io)).der : undefined,
    trustAnchors: opts.trust.map((t) => unwrapInput(readInput(t, io)).der),
  });
  if (opts.issued.length) {
    // Each --issued file is a certificate, or a response message whose issued certificates are taken.
    const certs = opts.issued.flatMap((f) => {
      const bytes = unwrapInput(readInput(f, io)).der;
      const fromMessage = issuedCertificates(bytes).map((c) => c.der);
      return fromMessage.length ? fromMessage : [bytes];
    });
    results.push(...await checkCertHashes(der, certs));
  }
  for (const r of results) io.out(resultLine(r));
  if (results.some((r) => r.verdict === 'invalid')) return 1;
  if (results.some((r) => r.verdict !== 'valid' && r.verdict !== 'unprotected')) return 3;
  return 0;
}

/** Runs the CLI with `args` (without node and script); resolves to the exit code. */
export async function run(args: string[], io: Io): Promise<number> {
  const [command, ...rest] = args;
  try {
    switch (command) {
      case 'inspect': return inspectCommand(rest, io);
      case 'verify': return await verifyCommand(rest, io);
      case 'build': return await buildCommand(rest, io);
      case 'lint': return await lintCommand(rest, io);
      case 'capture': return await captureCommand(rest, io);
      case 'send': return await sendCommand(rest, io);
      case 'serve': return await serveCommand(rest, io);
      case 'demo': return await demoCommand(rest, io);
      case undefined: case '-h': case '--help': case 'help':
        io.out(usage);
        return command === undefined ? 2 : 0;
      default: throw new UsageError(`unknown command "${command}"`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`cmp-lens: ${e.message}\n\n${usage}`);
      return 2;
    }
    io.err(`cmp-lens: internal error: ${(e as Error).message}`);
    return 3;
  }
}

export const nodeIo: Io = {
  out: (t) => process.stdout.write(`${t}\n`),
  err: (t) => process.stderr.write(`${t}\n`),
  readFile: (p) => readFileSync(p),
  readStdin: () => readFileSync(0),
  env: (name) => process.env[name],
};
