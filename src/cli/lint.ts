/**
 * `cmp-lens lint FILE…`: protocol-check findings for each message, and the exchange checks for
 * messages that share a transactionID: split into nonce chains in protocol order when the nonces
 * place every message (so alphabetical file names do not matter, and an RA's upstream and
 * downstream legs are two exchanges), else in the order given (a folder: name order).
 * Exit 1 when an error-level finding exists.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { checkExchange, checkMessage, findingLine, nonceChains } from '../core/checks';
import { unwrapInput } from '../core/base/pem';
import { transactionIdOf } from '../core/protection';
import type { CheckProfile, Finding } from '../shared/findings';
import { parseFlags, UsageError } from './args';
import type { Io } from './main';

const messageFile = /\.(der|pkimsg|pki|pem|b64)$/i;

function expand(paths: string[]): string[] {
  return paths.flatMap((p) => {
    let dir = false;
    try {
      dir = statSync(p).isDirectory();
    } catch {
      throw new UsageError(`cannot read ${p}`);
    }
    return dir ? readdirSync(p).filter((n) => messageFile.test(n)).sort().map((n) => join(p, n)) : [p];
  });
}

export async function lintCommand(args: string[], io: Io): Promise<number> {
  const p = parseFlags(args, { '--profile': 'value', '--json': 'bool' });
  const profile = (p.value('--profile') ?? 'base') as CheckProfile;
  if (profile !== 'base' && profile !== 'lightweight') throw new UsageError('--profile must be base or lightweight');
  if (!p.positional.length) throw new UsageError('lint needs FILE… (messages, or a folder of them)');
  const files = expand(p.positional);
  const messages = files.map((file) => {
    let bytes: Uint8Array;
    try {
      bytes = io.readFile(file);
    } catch (e) {
      throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    return { file, der: unwrapInput(bytes).der };
  });
  const perFile = messages.map(({ file, der }) => ({ file, findings: checkMessage(der, { profile }) }));
  const groups = new Map<string, typeof messages>();
  for (const m of messages) {
    const tid = transactionIdOf(m.der);
    if (!tid) continue;
    const list = groups.get(tid);
    if (list) list.push(m);
    else groups.set(tid, [m]);
  }
  const exchanges: { transactionID: string; files: string[]; findings: Finding[] }[] = [];
  for (const [tid, given] of groups) {
    if (given.length < 2) continue;
    const chains = nonceChains(given.map((g) => g.der)) ?? [given.map((_, i) => i)];
    for (const chain of chains.filter((c) => c.length > 1)) {
      const group = chain.map((i) => given[i]);
      exchanges.push({ transactionID: tid, files: group.map((g) => g.file), findings: await checkExchange(group.map((g) => g.der), { profile }) });
    }
  }
  const all = [...perFile.flatMap((f) => f.findings), ...exchanges.flatMap((e) => e.findings)];
  if (p.bool('--json')) {
    io.out(JSON.stringify({ profile, files: perFile, exchanges }, null, 2));
  } else {
    for (const { file, findings } of perFile) {
      io.out(`${file}: ${findings.length ? `${findings.length} finding${findings.length === 1 ? '' : 's'}` : 'no findings'}`);
      for (const f of findings) io.out(`  ${findingLine(f)}`);
    }
    for (const e of exchanges) {
      io.out(`exchange ${e.transactionID} (${e.files.length} messages): ${e.findings.length ? `${e.findings.length} finding${e.findings.length === 1 ? '' : 's'}` : 'no findings'}`);
      for (const f of e.findings) io.out(`  ${e.files[f.messageIndex ?? 0]}: ${findingLine(f)}`);
    }
    const count = (s: Finding['severity']) => all.filter((f) => f.severity === s).length;
    io.out(`${count('error')} errors, ${count('warning')} warnings, ${count('info')} notes (${profile === 'lightweight' ? 'RFC 9483 lightweight profile' : 'RFC 9810 base'} rules)`);
  }
  return all.some((f) => f.severity === 'error') ? 1 : 0;
}
