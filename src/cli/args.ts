/**
 * Flags with Node's `util.parseArgs`, read in our words: an unknown flag, a missing value or a
 * repeated single flag is a UsageError that names the command's --help.
 */
import { parseArgs } from 'node:util';
import { UsageError } from './io';

export type FlagKind = 'value' | 'list' | 'bool';

/** A command's flags: kind, value name and one line of help each. */
export type FlagSpec = Record<string, { kind: FlagKind; arg?: string; help: string }>;

export interface Parsed {
  positional: string[];
  value(flag: string): string | undefined;
  list(flag: string): string[];
  bool(flag: string): boolean;
}

/** Flags refused with a reason (a secret on the command line lands in shell history and `ps`). */
export const refusedFlags: Record<string, string> = {
  '--secret':
    '--secret would put the secret in the process list and shell history: use --secret-file or --secret-env',
};

export function parseFlags(command: string, args: string[], spec: FlagSpec): Parsed {
  const options = Object.fromEntries(
    Object.entries(spec).map(([flag, s]) => [
      flag.slice(2),
      { type: s.kind === 'bool' ? ('boolean' as const) : ('string' as const), multiple: true },
    ]),
  );
  const seeHelp = `(see cmp-lens ${command} --help)`;
  let tokens;
  try {
    tokens = parseArgs({ args, options, strict: false, allowPositionals: true, tokens: true }).tokens;
  } catch {
    throw new UsageError(`cannot read the arguments ${seeHelp}`);
  }
  const values = new Map<string, string[]>();
  const positional: string[] = [];
  for (const t of tokens) {
    if (t.kind === 'positional') positional.push(t.value);
    else if (t.kind === 'option-terminator') continue;
    else {
      const flag = t.rawName.startsWith('--') ? t.rawName : `-${t.name}`;
      if (refusedFlags[flag]) throw new UsageError(refusedFlags[flag]);
      const s = spec[flag];
      if (!s) throw new UsageError(`unknown option ${flag} ${seeHelp}`);
      let v = t.value;
      if (s.kind === 'bool') {
        if (v !== undefined) throw new UsageError(`${flag} takes no value ${seeHelp}`);
        v = 'true';
      } else if (v === undefined || (!t.inlineValue && v.startsWith('--'))) {
        // "--out -" is a value; "--out --json" is a missing value (write "--out=--json" to mean it).
        throw new UsageError(`${flag} needs a value ${seeHelp}`);
      }
      if (s.kind === 'value' && values.has(flag)) throw new UsageError(`${flag} is given twice ${seeHelp}`);
      values.set(flag, [...(values.get(flag) ?? []), v]);
    }
  }
  return {
    positional,
    value: (f) => values.get(f)?.[0],
    list: (f) => values.get(f) ?? [],
    bool: (f) => values.has(f),
  };
}

/** The one FILE argument ("-": standard input) of a command that reads one input. */
export function oneFile(p: Parsed, command: string): string {
  if (p.positional.length > 1)
    throw new UsageError(`only one FILE, got "${p.positional[0]}" and "${p.positional[1]}"`);
  const file = p.positional[0];
  if (!file) throw new UsageError(`${command} needs a FILE (or - for standard input)`);
  return file;
}

/** A whole number flag within bounds, or undefined when absent. */
export function intFlag(p: Parsed, flag: string, min: number, max: number): number | undefined {
  const v = p.value(flag);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`${flag} needs a whole number from ${min} to ${max}, not "${v}"`);
  return n;
}

/** The `--help` text of a command: usage line, what it does, its flags, its exit codes. */
export function helpText(usage: string, about: string, spec: FlagSpec, exits: string): string {
  const rows = Object.entries(spec).map(([flag, s]) => [
    `${flag}${s.arg ? ` ${s.arg}` : ''}`,
    `${s.help}${s.kind === 'list' ? ' (repeatable)' : ''}`,
  ]);
  const width = Math.min(28, Math.max(0, ...rows.map(([f]) => f.length)));
  const flags = rows.map(([f, h]) => `  ${f.padEnd(width)}  ${h}`).join('\n');
  return `Usage: cmp-lens ${usage}\n\n${about}\n\nOptions:\n${flags || '  (none)'}\n  ${'--help'.padEnd(width)}  this text\n\nExit codes: ${exits}`;
}
