/** `cmp-lens inspect FILE`: the annotated tree of a CMP message (or a certificate, CSR, CRL …). */
import { inspectJsonChunks, inspectTextChunks } from '../app';
import { helpText, intFlag, oneFile, parseFlags, type FlagSpec } from './args';
import type { Command } from './command';
import { readInput, UsageError, writeChunks, writeStream, type Io } from './io';
import { checkMessage, findingLine } from '../core/checks';
import {
  inspectInput,
  pieceChunks,
  sharedCopy,
  textChunks,
  textParts,
  textPlan,
  treeOf,
} from '../core/inspect';
import { InspectHelper, PieceClaims } from '../node/worker';
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
  let bytes = readInput(file, io);
  if (p.bool('--json')) {
    const { doc, findings, chunks } = inspectJsonChunks(bytes, profile);
    await writeStream(io, chunks, false);
    return exitCode(doc, findings, p.bool('--strict'));
  }
  const opts = { offsets: p.bool('--offsets'), depth: depth ?? 0, profile };
  const script = join(__dirname, 'workerStart.js');
  let helper: InspectHelper | undefined;
  if (io.write && bytes.length >= helperFrom && existsSync(script)) {
    // In shared memory: the helper reads what this thread reads (posting it copies nothing).
    bytes = sharedCopy(bytes);
    helper = new InspectHelper(script);
  }
  let doc: AnnotatedDocument;
  let findings: Finding[];
  try {
    ({ doc, findings } = helper
      ? await writeWithHelper(io, bytes, opts, helper)
      : await (async () => {
          const text = inspectTextChunks(bytes, opts);
          await writeChunks(io, text.chunks);
          return text;
        })());
  } finally {
    helper?.close();
  }
  // The message-level findings, as the inspector shows them under the tree.
  if (doc.kind === 'PKIMessage') {
    io.out(`findings (${profileNames[profile]}): ${findings.length || 'none'}`);
    for (const f of findings) io.out(`  ${findingLine(f)}`);
  }
  return exitCode(doc, findings, p.bool('--strict'));
}

/** Inputs from this size on (bytes) are inspected with a helper thread (InspectHelper): a few MB of DER is a million lines. */
const helperFrom = 4 << 20;

/**
 * The text form of a big message written by two threads: this one and the helper share the pieces
 * of its longest list (textPlan, PieceClaims), each piece written out here in order; the helper has
 * checked the message meanwhile. Whatever the helper fails to do, this
 * thread does (the output is the same bytes either way).
 */
async function writeWithHelper(
  io: Io,
  bytes: Uint8Array,
  options: { offsets: boolean; depth: number; profile: CheckProfile },
  helper: InspectHelper,
): Promise<{ doc: AnnotatedDocument; findings: Finding[] }> {
  const write = io.write!;
  const { doc, der } = inspectInput(bytes, {
    shared: true,
    onRead: (read) => helper.check(read, options.profile),
  });
  const opts = { offsets: options.offsets, depth: options.depth, der };
  const plan = textPlan(doc, opts);
  if (!plan) await writeChunks(io, textChunks(doc, opts));
  else {
    const tree = treeOf(doc);
    const claims = PieceClaims.make(plan.pieces.length);
    helper.share(tree.share(), plan, opts, claims);
    // Pieces this thread made ahead, while the helper's came, waiting for their turn.
    const ahead = new Map<number, Uint8Array[]>();
    for (const part of textParts(doc, opts, plan)) {
      if (typeof part !== 'number') {
        await write(part);
        continue;
      }
      const made = ahead.get(part);
      ahead.delete(part);
      if (made) for (const c of made) await write(c);
      else if (claims.take(part, 'main')) for (const c of pieceChunks(tree, opts, plan, part)) await write(c);
      else {
        // The helper has it: meanwhile, the next piece nobody has, made here and kept.
        for (let j = part + 1; j < Math.min(plan.pieces.length, part + PieceClaims.ahead); j++)
          if (!ahead.has(j) && claims.take(j, 'main')) {
            ahead.set(j, [...pieceChunks(tree, opts, plan, j)]);
            break;
          }
        let written = 0;
        try {
          for await (const c of helper.piece(part)) {
            await write(c);
            written += c.length;
          }
        } catch {
          // The helper stopped: the rest of its piece from here.
          for (const c of pieceChunks(tree, opts, plan, part)) {
            const skip = Math.min(written, c.length);
            written -= skip;
            if (skip < c.length) await write(c.subarray(skip));
          }
        }
      }
      claims.written(part + 1);
    }
  }
  if (doc.kind !== 'PKIMessage') return { doc, findings: [] };
  const findings = await helper
    .findings()
    .catch(() => checkMessage(der.slice(), { profile: options.profile }));
  return { doc, findings };
}

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
