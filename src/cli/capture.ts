/**
 * `cmp-lens capture FILE`: the CMP messages in a pcap/pcapng capture, grouped by transaction, with
 * HTTP path and status, body type, PKIStatus and protection verdict, the gaps the exchange checks
 * find, and what could not be read; `--export DIR` writes each exchange's messages in order.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { captureView, groupExchanges } from '../core/capture';
import { findingLine } from '../core/checks';
import { readCaptureFile } from '../node/captureFile';
import type { CaptureRow } from '../shared/capture';
import { parseFlags, UsageError } from './args';
import { readSecret } from './craft';
import type { Io } from './main';

function time(t: number): string {
  return t ? new Date(t * 1000).toISOString().replace('T', ' ').replace('Z', '') : '-';
}

function line(r: CaptureRow): string {
  const arrow = r.direction === 'request' ? `${r.client} → ${r.server}` : `${r.client} ← ${r.server}`;
  return `#${r.index} packet ${r.packet}  ${time(r.time)}  ${arrow}  ${r.http}  ${r.bodyType}${r.pkiStatus ? ` (${r.pkiStatus})` : ''}  protection ${r.protection}${r.flags.length ? `  [${r.flags.join('; ')}]` : ''}`;
}

export async function captureCommand(args: string[], io: Io): Promise<number> {
  const p = parseFlags(args, { '--json': 'bool', '--export': 'value', '--secret-env': 'value', '--secret-file': 'value' }, { '--secret': '--secret would put the secret in the process list: use --secret-file or --secret-env' });
  if (p.positional.length !== 1) throw new UsageError('capture needs one FILE (.pcap or .pcapng)');
  const file = p.positional[0];
  const secret = readSecret(p.value('--secret-file'), p.value('--secret-env'), io);
  let result;
  try {
    result = await readCaptureFile(file);
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const view = await captureView(result, file, { secretFor: async () => secret });
  if (p.bool('--json')) {
    io.out(JSON.stringify(view, null, 2));
  } else {
    io.out(`${file}: ${view.summary}`);
    for (const e of view.exchanges) {
      io.out(`\nexchange ${e.transactionID}`);
      for (const r of e.rows) io.out(`  ${line(r)}`);
      for (const f of e.findings) io.out(`  gap/check: #${e.rows[f.messageIndex ?? 0].index}: ${findingLine(f)}`);
    }
    for (const pr of view.problems) io.err(`problem${pr.packet ? ` (packet ${pr.packet})` : ''}${pr.offset ? ` at offset 0x${pr.offset.toString(16)}` : ''}: ${pr.message}`);
  }
  const exchanges = groupExchanges(result.messages);
  const dir = p.value('--export');
  if (dir) {
    for (const e of exchanges) {
      const sub = join(dir, `exchange-${e.transactionID.replace(/[^\w#-]/g, '_')}`);
      mkdirSync(sub, { recursive: true });
      e.messages.forEach((m, k) => writeFileSync(join(sub, `${String(k + 1).padStart(2, '0')}-${m.bodyType.replace(/\W/g, '_')}.pkimsg`), m.der));
    }
    io.out(`exported ${result.messages.length} messages to ${dir}`);
  }
  return result.problems.length ? 1 : 0;
}
