/**
 * `cmp-lens capture FILE`: the CMP messages in a pcap/pcapng capture, grouped by transaction, with
 * HTTP path and status, body type, PKIStatus and protection verdict, the gaps the exchange checks
 * find, and what could not be read; `--export DIR` writes each exchange's messages in order.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { captureView, EarlyExchanges, exportPlan, givenSecret } from '../app';
import { findingLine } from '../core/checks';
import { readCaptureFile } from '../node/captureFile';
import { CapturePool } from '../node/worker';
import type { CaptureRow } from '../shared/capture';
import { helpText, parseFlags, type FlagSpec } from './args';
import type { Command } from './command';
import { readSecret, secretFlags, UsageError, writeStream, type Io } from './io';
import { writeFileAtomic } from '../node/atomic';

const flags: FlagSpec = {
  ...secretFlags,
  '--export': {
    kind: 'value',
    arg: 'DIR',
    help: "write each exchange's messages (NN-body.pkimsg) under DIR",
  },
  '--json': { kind: 'bool', help: 'the list as JSON' },
};

function time(t: number): string {
  return t ? new Date(t * 1000).toISOString().replace('T', ' ').replace('Z', '') : '-';
}

function line(r: CaptureRow): string {
  const arrow = r.direction === 'request' ? `${r.client} → ${r.server}` : `${r.client} ← ${r.server}`;
  const status = r.pkiStatus ? ` (${r.pkiStatus})` : '';
  const flagged = r.flags.length ? `  [${r.flags.join('; ')}]` : '';
  return `#${r.index} packet ${r.packet}  ${time(r.time)}  ${arrow}  ${r.http}  ${r.bodyType}${status}  protection ${r.protection}${flagged}`;
}

async function run(args: string[], io: Io): Promise<number> {
  const p = parseFlags('capture', args, flags);
  if (p.positional.length !== 1) throw new UsageError('capture needs one FILE (.pcap or .pcapng)');
  const file = p.positional[0];
  const secret = readSecret(p.value('--secret-file'), p.value('--secret-env'), io);
  // Every core checks exchanges: worker threads running dist/worker.js (through dist/workerStart.js:
  // with its code cache), beside this bundle, started now, checking exchanges while the file is still
  // read (EarlyExchanges).
  const script = join(__dirname, 'workerStart.js');
  const pool = existsSync(script) ? new CapturePool(script).start() : undefined;
  const options = { secrets: secret ? givenSecret(secret) : undefined };
  const early = pool && new EarlyExchanges((e, o, n) => pool.run(e, o, n), options);
  let result;
  let view;
  try {
    try {
      result = await readCaptureFile(file, undefined, undefined, early && ((m) => early.add(m)));
    } catch (e) {
      throw new UsageError(
        `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      );
    }
    // A few hundred messages are checked sooner here than the workers would be ready.
    const few = result.messages.length < 500;
    view = await captureView(result, file, options, undefined, early && !few ? early.runner : undefined);
  } finally {
    await pool?.close();
  }
  if (p.bool('--json')) {
    io.out(JSON.stringify(view, null, 2));
  } else {
    // In batches (writeStream): a line a write was a system call per message.
    const shown = view;
    await writeStream(
      io,
      (function* () {
        yield `${file}: ${shown.summary}`;
        for (const e of shown.exchanges) {
          yield `\nexchange ${e.transactionID}`;
          for (const r of e.rows) yield `  ${line(r)}`;
          for (const f of e.findings)
            yield `  gap/check: #${e.rows[f.messageIndex ?? 0].index}: ${findingLine(f)}`;
        }
      })(),
      true,
    );
    for (const pr of view.problems) {
      io.err(
        `problem${pr.packet ? ` (packet ${pr.packet})` : ''}${pr.offset ? ` at offset 0x${pr.offset.toString(16)}` : ''}: ${pr.message}`,
      );
    }
  }
  const dir = p.value('--export');
  if (dir) {
    const files = exportPlan(result, 'exchange-');
    for (const f of files) {
      mkdirSync(join(dir, f.folder), { recursive: true });
      writeFileAtomic(join(dir, f.folder, f.file), f.der);
    }
    io.out(`exported ${files.length} messages to ${dir}`);
  }
  return result.problems.length ? 1 : 0;
}

export const captureCommand: Command = {
  name: 'capture',
  summary:
    'capture FILE         the CMP messages in a pcap/pcapng capture, by transaction, with verdicts and gaps',
  help: helpText(
    'capture [options] FILE',
    'Lists the CMP messages in a pcap or pcapng capture by transaction: HTTP path and status, body type,\nPKIStatus, protection verdict, the gaps the exchange checks find, and what could not be read.',
    flags,
    '0 read cleanly, 1 problems reported, 2 usage error.',
  ),
  run,
};
