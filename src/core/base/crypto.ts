/**
 * The WebCrypto port: every core function that signs, verifies, hashes or derives takes a `Subtle`
 * (defaulting to the runtime's), and randomness through `Random`, so the extension host, a browser
 * worker, the CLI and tests can each pass their own.
 */
export type Subtle = typeof globalThis.crypto.subtle;

/** `n` random bytes. */
export type Random = (n: number) => Uint8Array;

export const defaultRandom: Random = (n) => globalThis.crypto.getRandomValues(new Uint8Array(n));
