/**
 * cmp-lens: the CLI. `cmp-lens inspect FILE` prints the annotated tree of a CMP message (or a
 * certificate, CSR, CRL …). Exit codes: 0 no errors, 1 errors found in the input, 2 usage.
 */
import { readFileSync } from 'node:fs';
import { inspectBytes } from '../core/inspect';
import { formatDocument } from '../core/inspect/text';

const usage = `Usage: cmp-lens <command> [options]

Commands:
  inspect FILE|-     print the annotated ASN.1 tree of a CMP message, certificate, CSR, CRL, ...
                     (DER, PEM with any label, or base64; "-" reads standard input)
    --offsets        show offset+header+length of every node
    --depth N        print at most N levels
    --json           print the whole view model as JSON
    --strict         exit 1 on warnings too

Exit codes: 0 no errors, 1 errors (or warnings with --strict) found in the input, 2 usage error.`;

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  readFile: (path: string) => Uint8Array;
  readStdin: () => Uint8Array;
}

class UsageError extends Error {}

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
  let bytes: Uint8Array;
  try {
    bytes = opts.file === '-' ? io.readStdin() : io.readFile(opts.file);
  } catch (e) {
    io.err(`cmp-lens: cannot read ${opts.file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    return 2;
  }
  const doc = inspectBytes(bytes);
  io.out(opts.json ? JSON.stringify(doc, null, 2) : formatDocument(doc, { offsets: opts.offsets, depth: opts.depth }));
  const errors = doc.problems.filter((p) => p.severity === 'error' || (opts.strict && p.severity === 'warning'));
  return errors.length ? 1 : 0;
}

/** Runs the CLI with `args` (without node and script); returns the exit code. */
export function run(args: string[], io: Io): number {
  const [command, ...rest] = args;
  try {
    switch (command) {
      case 'inspect': return inspectCommand(rest, io);
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
};
