/** `cmp-lens inspect FILE`: the annotated tree of a CMP message (or a certificate, CSR, CRL …). */
import { inspectJsonChunks, inspectTextChunks } from '../app';
import { helpText, intFlag, oneFile, parseFlags, type FlagSpec } from './args';
import type { Command } from './command';
import { readInput, UsageError, writeChunks, writeStream, type Io } from './io';
import { findingLine } from '../core/checks';
import { sharedCopy } from '../core/inspect';
import { inspectWithHelper } from '../node/worker';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CheckProfile, Finding } from '../shared/findings';
import type { AnnotatedDocument } from '../shared/annotated';

const flags: FlagSpec = {
  '--offsets': { kind: 'bool', help: 'show offset+header+length of every node' },
  '--depth': { kind: 'value', arg: 'N', help: 'print at most N levels' },
  '--json': { kind: 'bool', help: 'print the whole view model as JSON (each node with its field path)' },
  '--strict': { kind: 'bool', help: 'exit 1 on warnings too' },
  '--profile': {
    kind: 'value',
    arg: 'base|lightweight',
    help: 'rule set for the findings (default base: RFC 9810; lightweight adds RFC 9483)',
  },
};

const profileNames: Record<CheckProfile, string> = {
  base: 'RFC 9810 base rules',
  lightweight: 'RFC 9810 and the RFC 9483 lightweight profile',
};

async function run(args: string[], io: Io): Promise<number> {
  const p = parseFlags('inspect', args, flags);
  const file = oneFile(p, 'inspect');
  const depth = intFlag(p, '--depth', 1, 10_000);
  const profile = (p.value('--profile') ?? 'base') as CheckProfile;
  if (profile !== 'base' && profile !== 'lightweight')
    throw new UsageError('--profile must be base or lightweight');
  const bytes = readInput(file, io);
  if (p.bool('--json')) {
    const { doc, findings, chunks } = inspectJsonChunks(bytes, profile);
    await writeStream(io, chunks, false);
    return exitCode(doc, findings, p.bool('--strict'));
  }
  const opts = { offsets: p.bool('--offsets'), depth: depth ?? 0, profile };
  const script = join(__dirname, 'workerStart.js');
  let doc: AnnotatedDocument;
  let findings: Finding[];
  if (io.write && bytes.length >= helperFrom && existsSync(script))
    // In shared memory: the helper thread reads what this thread reads (posting it copies nothing).
    ({ doc, findings } = await inspectWithHelper(script, sharedCopy(bytes), opts, io.write));
  else {
    const text = inspectTextChunks(bytes, opts);
    await writeChunks(io, text.chunks);
    ({ doc, findings } = text);
  }
  // The message-level findings, as the inspector shows them under the tree.
  if (doc.kind === 'PKIMessage') {
    io.out(`findings (${profileNames[profile]}): ${findings.length || 'none'}`);
    for (const f of findings) io.out(`  ${findingLine(f)}`);
  }
  return exitCode(doc, findings, p.bool('--strict'));
}

/** Inputs from this size on (bytes) are inspected with a helper thread (inspectWithHelper): a few MB of DER is a million lines. */
const helperFrom = 4 << 20;

/** 1 for errors in the input or error findings (warnings too with `strict`), else 0. */
function exitCode(doc: AnnotatedDocument, findings: Finding[], strict: boolean): number {
  const bad = (s: string) => s === 'error' || (strict && s === 'warning');
  return doc.problems.some((e) => bad(e.severity)) || findings.some((f) => bad(f.severity)) ? 1 : 0;
}

export const inspectCommand: Command = {
  name: 'inspect',
  summary: 'inspect FILE|-       the annotated ASN.1 tree of a CMP message, certificate, CSR, CRL, ...',
  help: helpText(
    'inspect [options] FILE|-',
    'Prints the annotated ASN.1 tree: every node with its RFC field name, type, value and byte range,\nthen, for a PKIMessage, its findings (the rules of cmp-lens lint for one message).\nFILE is DER, PEM with any label, or base64; "-" reads standard input.',
    flags,
    '0 no errors, 1 errors in the input or error findings (or warnings with --strict), 2 usage error.',
  ),
  run,
};
