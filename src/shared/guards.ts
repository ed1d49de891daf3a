/**
 * Type guards for messages from webviews: a webview's content is hostile input like any file, so
 * the host checks each message's kind and fields before use and drops what does not fit.
 */
export type Check = (v: unknown) => boolean;

/** Longest string field a webview message may carry (a filter query, an id, a path). */
export const maxStringField = 4096;
/** Largest structured field (the composer's form), as JSON text. */
export const maxFormJson = 256 * 1024;

export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export const str =
  (max = maxStringField): Check =>
  (v) =>
    typeof v === 'string' && v.length <= max;

export const int =
  (min: number, max: number): Check =>
  (v) =>
    typeof v === 'number' && Number.isSafeInteger(v) && v >= min && v <= max;

export const oneOf =
  (values: readonly string[]): Check =>
  (v) =>
    typeof v === 'string' && values.includes(v);

export const optional =
  (check: Check): Check =>
  (v) =>
    v === undefined || check(v);

/** Plain JSON data (objects, arrays, strings, numbers, booleans, null) of at most `maxJson` characters. */
export const plainData =
  (maxJson = maxFormJson): Check =>
  (v) => {
    try {
      const text = JSON.stringify(v);
      return typeof text === 'string' && text.length <= maxJson && isRecord(v);
    } catch {
      return false; // cycles, BigInt
    }
  };

/**
 * A guard for a discriminated union: each kind with its fields' checks; a message with an unknown
 * kind, a missing or ill-typed field, or a field its kind does not have is refused.
 */
export function messageGuard<T extends { type: string }>(
  kinds: Record<T['type'], Record<string, Check>>,
): (m: unknown) => m is T {
  const table = kinds as Record<string, Record<string, Check>>;
  return (m: unknown): m is T => {
    if (!isRecord(m) || typeof m.type !== 'string' || !Object.hasOwn(table, m.type)) return false;
    const fields = table[m.type];
    for (const key of Object.keys(m)) if (key !== 'type' && !Object.hasOwn(fields, key)) return false;
    return Object.entries(fields).every(([key, check]) => check(m[key]));
  };
}

/** What may be logged of a refused message: its kind if it is a plain word, never its content. */
export function refusedKind(m: unknown): string {
  const type = isRecord(m) ? m.type : undefined;
  return typeof type === 'string' && /^[A-Za-z]{1,32}$/.test(type)
    ? `kind "${type}"`
    : isRecord(m)
      ? 'no known kind'
      : `a ${m === null ? 'null' : typeof m}`;
}
