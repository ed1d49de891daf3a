/** `cmp-lens verify FILE`: protection, the protecting certificate and chain, POPs, CSRs, certHash. */
import { checkProtection } from '../app';
import { issuedCertificates } from '../core/protection';
import type { CheckResult } from '../shared/protection';
import { helpText, oneFile, parseFlags, type FlagSpec } from './args';
import type { Command } from './command';
import { flagSecrets, readDer, readSecret, secretFlags, type Io } from './io';

const flags: FlagSpec = {
  ...secretFlags,
  '--cert': {
    kind: 'value',
    arg: 'F',
    help: 'check the signature with this certificate (PEM or DER) instead of extraCerts[0]',
  },
  '--trust': { kind: 'list', arg: 'F', help: 'a trust anchor certificate for chain building' },
  '--issued': {
    kind: 'list',
    arg: 'F',
    help: 'for a certConf: the issued certificate, or the ip/cp/kup that carried it',
  },
};

/** "protection: valid — PBM, SHA-256 × 500, HMAC-SHA1, salt 16 bytes" */
export function resultLine(r: CheckResult): string {
  return `${r.check}: ${r.verdict} — ${r.summary}${r.reason ? `: ${r.reason}` : ''}`;
}

/** 1 when something is invalid, 3 when something needs input or cannot be decided, else 0. */
export function verdictExit(results: CheckResult[]): number {
  if (results.some((r) => r.verdict === 'invalid')) return 1;
  return results.some((r) => r.verdict !== 'valid' && r.verdict !== 'unprotected') ? 3 : 0;
}

async function run(args: string[], io: Io): Promise<number> {
  const p = parseFlags('verify', args, flags);
  const file = oneFile(p, 'verify');
  const der = readDer(file, io);
  const secret = readSecret(p.value('--secret-file'), p.value('--secret-env'), io);
  const cert = p.value('--cert');
  const issuedFiles = p.list('--issued');
  const { results } = await checkProtection({
    der,
    name: file,
    secrets: flagSecrets(secret),
    cert: cert ? readDer(cert, io) : undefined,
    trustAnchors: p.list('--trust').map((t) => readDer(t, io)),
    // Each --issued file is a certificate, or a response whose issued certificates are taken.
    issued: issuedFiles.length
      ? async () =>
          issuedFiles.flatMap((f) => {
            const bytes = readDer(f, io);
            const fromMessage = issuedCertificates(bytes).map((c) => c.der);
            return fromMessage.length ? fromMessage : [bytes];
          })
      : undefined,
  });
  for (const r of results) io.out(resultLine(r));
  return verdictExit(results);
}

export const verifyCommand: Command = {
  name: 'verify',
  summary:
    'verify FILE|-        check protection (MAC or signature), the protecting certificate, POP, CSR, certHash',
  help: helpText(
    'verify [options] FILE|-',
    'Checks the protection (PBM, PBMAC1 or a signature), the protecting certificate and its chain, POPs,\nCSR signatures and, for a certConf with --issued, its certHash. One line per check.',
    flags,
    '0 valid or unprotected, 1 invalid, 3 needs input or cannot decide (a secret, a certificate, an\nunsupported algorithm, DHBasedMac/KemBasedMac), 2 usage error.',
  ),
  run,
};
