/** `cmp-lens inspect FILE`: the annotated tree of a CMP message (or a certificate, CSR, CRL …). */
import { inspectJson, inspectText } from '../app';
import { helpText, intFlag, oneFile, parseFlags, type FlagSpec } from './args';
import type { Command } from './command';
import { readInput, type Io } from './io';

const flags: FlagSpec = {
  '--offsets': { kind: 'bool', help: 'show offset+header+length of every node' },
  '--depth': { kind: 'value', arg: 'N', help: 'print at most N levels' },
  '--json': { kind: 'bool', help: 'print the whole view model as JSON (each node with its field path)' },
  '--strict': { kind: 'bool', help: 'exit 1 on warnings too' },
};

async function run(args: string[], io: Io): Promise<number> {
  const p = parseFlags('inspect', args, flags);
  const file = oneFile(p, 'inspect');
  const depth = intFlag(p, '--depth', 1, 10_000);
  const bytes = readInput(file, io);
  const { doc, ...out } = p.bool('--json')
    ? inspectJson(bytes)
    : inspectText(bytes, { offsets: p.bool('--offsets'), depth });
  io.out('json' in out ? out.json : out.text);
  const strict = p.bool('--strict');
  return doc.problems.some((e) => e.severity === 'error' || (strict && e.severity === 'warning')) ? 1 : 0;
}

export const inspectCommand: Command = {
  name: 'inspect',
  summary: 'inspect FILE|-       the annotated ASN.1 tree of a CMP message, certificate, CSR, CRL, ...',
  help: helpText(
    'inspect [options] FILE|-',
    'Prints the annotated ASN.1 tree: every node with its RFC field name, type, value and byte range.\nFILE is DER, PEM with any label, or base64; "-" reads standard input.',
    flags,
    '0 no errors in the input, 1 errors found (or warnings with --strict), 2 usage error.',
  ),
  run,
};
