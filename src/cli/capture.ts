/**
 * `cmp-lens capture FILE`: the CMP messages in a pcap/pcapng capture, grouped by transaction, with
 * HTTP path and status, body type, PKIStatus and protection verdict, the gaps the exchange checks
 * find, and what could not be read; `--export DIR` writes each exchange's messages in order.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { groupExchanges, type CapturedMessage } from '../core/capture';
import { checkExchange, findingLine } from '../core/checks';
import { verifyMessage } from '../core/protection';
import { readCaptureFile } from '../node/captureFile';
import { parseFlags, UsageError } from './args';
import { readSecret } from './craft';
import type { Io } from './main';

function time(t: number): string {
  return t ? new Date(t * 1000).toISOString().replace('T', ' ').replace('Z', '') : '-';
}

function line(m: CapturedMessage, verdict: string): string {
  const http = m.direction === 'request' ? `${m.method} ${m.path}` : `HTTP ${m.httpStatus}`;
  const arrow = m.direction === 'request' ? `${m.client} → ${m.server}` : `${m.client} ← ${m.server}`;
  const flags = [m.wrongContentType ? `wrong content type "${m.contentType ?? 'none'}"` : '', m.decodeError ? `does not decode: ${m.decodeError}` : '', m.incomplete ?? ''].filter(Boolean);
  return `#${m.index} packet ${m.packet}  ${time(m.time)}  ${arrow}  ${http}  ${m.bodyType}${m.pkiStatus ? ` (${m.pkiStatus})` : ''}  protection ${verdict}${flags.length ? `  [${flags.join('; ')}]` : ''}`;
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
  const exchanges = groupExchanges(result.messages);
  const verdicts = new Map<number, string>();
  for (const m of result.messages) verdicts.set(m.index, m.decodeError ? 'n/a' : (await verifyMessage(m.der, { secret })).find((c) => c.check === 'protection')?.verdict ?? '?');
  const gaps = await Promise.all(exchanges.map((e) => checkExchange(e.messages.map((m) => m.der))));
  if (p.bool('--json')) {
    io.out(JSON.stringify({
      summary: result.summary, problems: result.problems,
      exchanges: exchanges.map((e, i) => ({ transactionID: e.transactionID, messages: e.messages.map((m) => ({ ...m, der: undefined, bytes: m.der.length, protection: verdicts.get(m.index) })), findings: gaps[i] })),
    }, null, 2));
  } else {
    const s = result.summary;
    io.out(`${file}: ${s.packets} packets, ${s.tcpSegments} TCP segments (${s.outOfOrder} out of order, ${s.retransmitted} retransmitted), ${s.httpMessages} HTTP messages, ${result.messages.length} CMP messages in ${exchanges.length} exchange${exchanges.length === 1 ? '' : 's'}`);
    exchanges.forEach((e, i) => {
      io.out(`\nexchange ${e.transactionID}`);
      for (const m of e.messages) io.out(`  ${line(m, verdicts.get(m.index)!)}`);
      for (const f of gaps[i]) io.out(`  gap/check: #${e.messages[f.messageIndex ?? 0].index}: ${findingLine(f)}`);
    });
    for (const pr of result.problems) io.err(`problem${pr.packet ? ` (packet ${pr.packet})` : ''}${pr.offset ? ` at offset 0x${pr.offset.toString(16)}` : ''}: ${pr.message}`);
  }
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
