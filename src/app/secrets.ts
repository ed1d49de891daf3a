/** The one policy for shared secrets, used by check, send and capture alike. */
import type { SecretQuery, SecretSource } from './ports';

export interface ObtainedSecret {
  secret: Uint8Array;
  /** Typed just now (not stored, not given): remembered only if it proves right. */
  typed: boolean;
}

/** A known secret for `q`, else (when `ask`) one the person types; undefined when there is none. */
export async function obtainSecret(
  source: SecretSource,
  q: SecretQuery,
  ask = true,
): Promise<ObtainedSecret | undefined> {
  const known = await source.lookup(q);
  if (known) return { secret: known, typed: false };
  if (!ask || !source.ask) return undefined;
  const typed = await source.ask(q);
  return typed ? { secret: typed, typed: true } : undefined;
}

/** After a check: a typed secret that proved right is remembered; true when it was. */
export async function settleSecret(
  source: SecretSource,
  q: SecretQuery,
  obtained: ObtainedSecret | undefined,
  proven: boolean,
): Promise<boolean> {
  if (!obtained?.typed || !proven || !source.remember) return false;
  await source.remember(q, obtained.secret);
  return true;
}
