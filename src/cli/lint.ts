/** `cmp-lens lint FILE…|DIR`: protocol-check findings for each message and each exchange. */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { lintMessages } from '../app';
import { findingLine } from '../core/checks';
import type { CheckProfile, Finding } from '../shared/findings';
import { helpText, parseFlags, type FlagSpec } from './args';
import type { Command } from './command';
import { readDerNoted, UsageError, type Io } from './io';

const messageFile = /\.(der|pkimsg|pki|pem|b64|hex|http|eml)$/i;

const flags: FlagSpec = {
  '--profile': {
    kind: 'value',
    arg: 'base|lightweight',
    help: 'rule set (default base: RFC 9810; lightweight adds RFC 9483)',
  },
  '--json': { kind: 'bool', help: 'findings as JSON' },
};

function expand(paths: string[]): string[] {
  return paths.flatMap((p) => {
    let dir = false;
    try {
      dir = statSync(p).isDirectory();
    } catch {
      throw new UsageError(`cannot read ${p}`);
    }
    return dir
      ? readdirSync(p)
          .filter((n) => messageFile.test(n))
          .sort()
          .map((n) => join(p, n))
      : [p];
  });
}

const plural = (n: number) => (n ? `${n} finding${n === 1 ? '' : 's'}` : 'no findings');

async function run(args: string[], io: Io): Promise<number> {
  const p = parseFlags('lint', args, flags);
  const profile = (p.value('--profile') ?? 'base') as CheckProfile;
  if (profile !== 'base' && profile !== 'lightweight')
    throw new UsageError('--profile must be base or lightweight');
  if (!p.positional.length) throw new UsageError('lint needs FILE… (messages, or a folder of them)');
  const notes = new Map<string, string>();
  const messages = expand(p.positional).map((file) => {
    const { der, note } = readDerNoted(file, io);
    if (note) notes.set(file, note);
    return { name: file, der };
  });
  const report = await lintMessages(messages, profile);
  if (p.bool('--json')) {
    io.out(JSON.stringify({ profile, files: report.files, exchanges: report.exchanges }, null, 2));
  } else {
    for (const { file, findings } of report.files) {
      io.out(`${file}: ${plural(findings.length)}`);
      if (notes.has(file)) io.out(`  input: ${notes.get(file)}`);
      for (const f of findings) io.out(`  ${findingLine(f)}`);
    }
    for (const e of report.exchanges) {
      io.out(`exchange ${e.transactionID} (${e.files.length} messages): ${plural(e.findings.length)}`);
      for (const f of e.findings) io.out(`  ${e.files[f.messageIndex ?? 0]}: ${findingLine(f)}`);
    }
    const count = (s: Finding['severity']) => report.all.filter((f) => f.severity === s).length;
    const rules = profile === 'lightweight' ? 'RFC 9483 lightweight profile' : 'RFC 9810 base';
    io.out(`${count('error')} errors, ${count('warning')} warnings, ${count('info')} notes (${rules} rules)`);
  }
  return report.all.some((f) => f.severity === 'error') ? 1 : 0;
}

export const lintCommand: Command = {
  name: 'lint',
  summary: 'lint FILE…|DIR      protocol checks (RFC 9810 / RFC 9483) for each message and each exchange',
  help: helpText(
    'lint [options] FILE…|DIR',
    'Protocol checks for each message, and for messages sharing a transactionID the exchange checks\n(nonces, certConf hashes, polling, pkiConf, time), in protocol order by their nonce chain.',
    flags,
    '0 no error-level finding, 1 errors found, 2 usage error.',
  ),
  run,
};
