/**
 * What every command uses: the terminal and files (`Io`, so tests drive the CLI in process),
 * reading an input, usage errors, and the secret flags (--secret-file, --secret-env), read once; the
 * one secret they give is every command's SecretSource (`givenSecret`).
 */
import { readFileSync } from 'node:fs';
import { readDerInput, textOf } from '../app';
import { readFailure } from '../node/materials';

/** Wrong use of the CLI: exit 2 with the message. */
export class UsageError extends Error {}

export interface Io {
  out: (text: string) => void;
  /**
   * Text as it is, no newline added (streamed output), resolved once the receiver took it (a pipe
   * that is full holds the writer back); absent: `out` takes whole lines.
   */
  write?: (text: string | Uint8Array) => Promise<void>;
  err: (text: string) => void;
  readFile: (path: string) => Uint8Array;
  readStdin: () => Uint8Array;
  env: (name: string) => string | undefined;
}

export const nodeIo: Io = {
  out: (t) => process.stdout.write(`${t}\n`),
  // A pipe on Linux is written asynchronously: wait for it to drain, so output streams in bounded memory.
  write: (t) =>
    process.stdout.write(t)
      ? Promise.resolve()
      : new Promise((resolve) => process.stdout.once('drain', () => resolve())),
  err: (t) => process.stderr.write(`${t}\n`),
  readFile: (p) => readFileSync(p),
  readStdin: () => readFileSync(0),
  env: (name) => process.env[name],
};

/**
 * Writes `pieces` in batches of about 64 KiB as they are produced (so a tree of millions of lines
 * never becomes one string). `lines`: each piece is a line (a newline follows it).
 */
export async function writeStream(io: Io, pieces: Iterable<string>, lines: boolean): Promise<void> {
  // An Io without `write` (the tests' in-process one) takes the whole text as one out().
  if (!io.write) return io.out([...pieces].join(lines ? '\n' : ''));
  const write = io.write;
  let batch = '';
  for (const p of pieces) {
    batch += lines ? `${p}\n` : p;
    if (batch.length >= 1 << 16) {
      await write(batch);
      batch = '';
    }
  }
  await write(lines ? batch : `${batch}\n`);
}

/** Writes UTF-8 `chunks` as they are produced; the text ends with a newline (an Io without `write` takes it whole, without). */
export async function writeChunks(io: Io, chunks: Iterable<Uint8Array>): Promise<void> {
  if (!io.write) return io.out(textOf(chunks));
  for (const c of chunks) await io.write(c);
}

/** A file's bytes ("-": standard input); a file that cannot be read is a usage error naming it. */
export function readInput(file: string, io: Io): Uint8Array {
  try {
    return file === '-' ? io.readStdin() : io.readFile(file);
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${readFailure(e)}`);
  }
}

/** DER from a file in DER, PEM or base64. */
export function readDer(file: string, io: Io): Uint8Array {
  return readDerInput(readInput(file, io)).der;
}

/** Like readDer, with what was taken out of the file when it was hex, a saved HTTP message or MIME. */
export function readDerNoted(file: string, io: Io): { der: Uint8Array; note?: string } {
  const u = readDerInput(readInput(file, io));
  return { der: u.der, note: u.note };
}

/** The secret flags, shared by verify, build, send, serve and capture. */
export const secretFlags = {
  '--secret-file': {
    kind: 'value',
    arg: 'F',
    help: 'the shared secret, read from file F (one trailing newline dropped)',
  },
  '--secret-env': {
    kind: 'value',
    arg: 'V',
    help: 'the shared secret from environment variable V (never as an argument)',
  },
} as const;

/** The secret from --secret-file or --secret-env, or undefined when neither is given. */
export function readSecret(
  file: string | undefined,
  env: string | undefined,
  io: Io,
): Uint8Array | undefined {
  if (file && env) throw new UsageError('give --secret-file or --secret-env, not both');
  if (file) {
    const b = readInput(file, io);
    const n = b.length;
    const cut = n > 1 && b[n - 2] === 0x0d && b[n - 1] === 0x0a ? 2 : n > 0 && b[n - 1] === 0x0a ? 1 : 0;
    return b.subarray(0, n - cut);
  }
  if (env) {
    const v = io.env(env);
    if (v === undefined) throw new UsageError(`environment variable ${env} is not set`);
    return new TextEncoder().encode(v);
  }
  return undefined;
}
