/** A small flag parser for the CLI's commands: `--flag value`, repeatable `--flag`, booleans. */
export class UsageError extends Error {}

export type FlagKind = 'value' | 'list' | 'bool';

export interface Parsed {
  positional: string[];
  value(flag: string): string | undefined;
  list(flag: string): string[];
  bool(flag: string): boolean;
}

export function parseFlags(args: string[], spec: Record<string, FlagKind>, forbidden: Record<string, string> = {}): Parsed {
  const values = new Map<string, string[]>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (forbidden[a]) throw new UsageError(forbidden[a]);
    if (!a.startsWith('--') || a === '-') {
      positional.push(a);
      continue;
    }
    const kind = spec[a];
    if (!kind) throw new UsageError(`unknown option ${a}`);
    if (kind === 'bool') {
      values.set(a, ['true']);
      continue;
    }
    const v = args[++i];
    if (v === undefined || (v.startsWith('--') && v !== '-')) throw new UsageError(`${a} needs a value`);
    if (kind === 'value' && values.has(a)) throw new UsageError(`${a} is given twice`);
    values.set(a, [...(values.get(a) ?? []), v]);
  }
  return {
    positional,
    value: (f) => values.get(f)?.[0],
    list: (f) => values.get(f) ?? [],
    bool: (f) => values.has(f),
  };
}

/** A whole number flag within bounds, or undefined when absent. */
export function intFlag(p: Parsed, flag: string, min: number, max: number): number | undefined {
  const v = p.value(flag);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${flag} needs a whole number from ${min} to ${max}, not "${v}"`);
  return n;
}
