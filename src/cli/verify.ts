/** `cmp-lens verify FILE`: protection, the protecting certificate and chain, POPs, CSRs, certHash. */
import { checkProtection, givenSecret, inspectFile, kindInWords, messagesOf } from '../app';
import { issuedCertificates } from '../core/protection';
import type { CheckResult } from '../shared/protection';
import { helpText, oneFile, parseFlags, type FlagSpec } from './args';
import type { Command } from './command';
import { readDer, readDerNoted, readSecret, secretFlags, UsageError, type Io } from './io';

const flags: FlagSpec = {
  ...secretFlags,
  '--cert': {
    kind: 'value',
    arg: 'F',
    help: 'check the signature with this certificate (PEM or DER), not one found by senderKID or sender',
  },
  '--trust': { kind: 'list', arg: 'F', help: 'a trust anchor certificate for chain building' },
  '--kem-key': {
    kind: 'value',
    arg: 'F',
    help: 'KemBasedMac: the ML-KEM private key (PKCS#8) the KemCiphertextInfo was encapsulated to',
  },
  '--kem-ct': {
    kind: 'list',
    arg: 'F',
    help: 'KemBasedMac: the genp (or message) carrying the KemCiphertextInfo of the same transactionID (default: the message itself)',
  },
  '--issued': {
    kind: 'list',
    arg: 'F',
    help: 'for a certConf: the issued certificate, or the ip/cp/kup that carried it',
  },
};

/** "protection: valid — PBM, SHA-256 × 500, HMAC-SHA1, salt 16 bytes", then a line per warning. */
export function resultLine(r: CheckResult): string {
  const hint = r.verdict === 'needs-cert' ? ' (give the signer with --cert FILE)' : '';
  const line = `${r.check}: ${r.verdict} — ${r.summary}${r.reason ? `: ${r.reason}` : ''}${hint}`;
  // A valid signature says what it does not prove: whether its certificate leads to a trusted CA
  // (when it was checked, the "chain:" line says how).
  const chain = r.chainNotChecked ? [`${r.check}: chain ${r.chain} (give them with --trust FILE)`] : [];
  return [line, ...chain, ...(r.warnings ?? []).map((w) => `${r.check}: warning — ${w}`)].join('\n');
}

/** 1 when something is invalid, 3 when something needs input or cannot be decided, else 0. */
export function verdictExit(results: CheckResult[]): number {
  if (results.some((r) => r.verdict === 'invalid')) return 1;
  return results.some((r) => r.verdict !== 'valid' && r.verdict !== 'unprotected') ? 3 : 0;
}

/** The --cert file, which must be a certificate (a key or garbage is a usage error naming the flag). */
function certificateFlag(file: string, io: Io): Uint8Array {
  const bytes = readDer(file, io);
  const { kind } = inspectFile(bytes).doc;
  if (kind !== 'Certificate')
    throw new UsageError(`--cert ${file} is not a certificate: it is ${kindInWords[kind]}`);
  return bytes;
}

async function run(args: string[], io: Io): Promise<number> {
  const p = parseFlags('verify', args, flags);
  const file = oneFile(p, 'verify');
  const read = readDerNoted(file, io);
  if (read.note) io.out(`input: ${read.note}`);
  const input = messagesOf(read.der);
  if (!input.messages.length) {
    throw new UsageError(
      `${file} is not a PKIMessage: it is ${kindInWords[input.kind]} (cmp-lens inspect shows it)`,
    );
  }
  const secret = readSecret(p.value('--secret-file'), p.value('--secret-env'), io);
  const cert = p.value('--cert') ? certificateFlag(p.value('--cert')!, io) : undefined;
  const trustAnchors = p.list('--trust').map((t) => readDer(t, io));
  const issuedFiles = p.list('--issued');
  // Each --issued file is a certificate, or a response whose issued certificates are taken.
  const issued = issuedFiles.length
    ? async () =>
        issuedFiles.flatMap((f) => {
          const bytes = readDer(f, io);
          const fromMessage = issuedCertificates(bytes).map((c) => c.der);
          return fromMessage.length ? fromMessage : [bytes];
        })
    : undefined;
  const kemKey = p.value('--kem-key');
  const kem = kemKey
    ? { key: readDer(kemKey, io), carriers: p.list('--kem-ct').map((f) => readDer(f, io)) }
    : undefined;
  const all: CheckResult[] = [];
  for (const [i, der] of input.messages.entries()) {
    const several = input.messages.length > 1;
    const name = several ? `${file} message ${i + 1}` : file;
    const { results } = await checkProtection({
      der,
      name,
      secrets: givenSecret(secret),
      cert,
      trustAnchors,
      issued,
      kem,
    });
    const prefix = several ? `message ${i + 1}: ` : '';
    for (const r of results) for (const line of resultLine(r).split('\n')) io.out(prefix + line);
    all.push(...results);
  }
  if (input.trailing) {
    const { length, offset } = input.trailing;
    io.out(
      `input: ${length} trailing bytes after the ${input.kind} at offset 0x${offset.toString(16)} are not part of it and were not checked`,
    );
  }
  return verdictExit(all);
}

export const verifyCommand: Command = {
  name: 'verify',
  summary:
    'verify FILE|-        check protection (MAC or signature), the protecting certificate, POP, CSR, certHash',
  help: helpText(
    'verify [options] FILE|-',
    'Checks the protection (PBM, PBMAC1 or a signature), the protecting certificate and its chain, POPs,\nCSR signatures and, for a certConf with --issued, its certHash. One line per check. PKIMessages: each\nmessage is checked; bytes after the message are reported, not checked.',
    flags,
    '0 valid or unprotected, 1 invalid, 3 needs input or cannot decide (a secret, a certificate, an\nunsupported algorithm, DHBasedMac/KemBasedMac), 2 usage error (also: FILE is not a PKIMessage, or --cert\nis not a certificate).',
  ),
  run,
};
