/**
 * A CMP exchange saved as files, whatever writes them: `01-ir.pkimsg`, `02-ip.pkimsg`, … the moment
 * each message exists (so a later failure loses nothing), then the issued certificates as PEM and
 * `summary.txt`. The writer is the port: src/node/exchangeStore writes a folder atomically with
 * node:fs (the CLI, the Node extension host); the web extension writes through `vscode.workspace.fs`.
 */
import { toPem } from '../core/base/pem';
import type { ExchangeMessage, TransactionResult } from '../core/transport';
import type { ExchangeSink } from './ports';

/**
 * Writes one file of the exchange. A synchronous writer throws where the write fails (as before the
 * port existed); an asynchronous one's failures are collected and reported by `settled()`.
 */
export type WriteExchangeFile = (
  name: string,
  data: Uint8Array | string,
  /** A private key: written readable by its owner only (mode 0600). */
  secret?: boolean,
) => void | PromiseLike<void>;

export class ExchangeFiles implements ExchangeSink {
  readonly files: string[] = [];
  private readonly pending: PromiseLike<unknown>[] = [];

  constructor(
    /** The place, for people: a path or a URI. */
    readonly where: string,
    private readonly write: WriteExchangeFile,
    /** Whether the writer can make an owner-only file (not through vscode.workspace.fs). */
    readonly secretsWritable = true,
  ) {}

  private put(name: string, data: Uint8Array | string, secret = false): void {
    this.files.push(name);
    const done = this.write(name, data, secret);
    if (done) this.pending.push(done);
  }

  /** Writes a private key (PEM) owner-only; false when this writer cannot, and nothing was written. */
  addSecret(name: string, text: string): boolean {
    if (!this.secretsWritable) return false;
    this.put(name, text, true);
    return true;
  }

  /** Writes one message; its file name says its place and body. */
  add(m: ExchangeMessage): string {
    const name = `${String(this.files.length + 1).padStart(2, '0')}-${m.body.replace(/[^A-Za-z0-9]/g, '')}.pkimsg`;
    this.put(name, m.der);
    return name;
  }

  /**
   * Writes the issued certificates and summary.txt (with `checks`: the protocol-check findings, one per
   * line, and `notes`: what was decrypted, one per line).
   */
  finish(result: TransactionResult, server: string, checks: string[] = [], notes: string[] = []): string {
    for (const c of result.issued)
      this.put(`issued-${c.certReqId < 0 ? 'p10' : c.certReqId}.pem`, toPem('CERTIFICATE', c.der));
    const lines = [
      ...summaryLines(result, server, this.files, checks),
      ...(notes.length ? ['', 'encrypted content:', ...notes.map((n) => `  ${n}`)] : []),
    ];
    this.put('summary.txt', `${lines.join('\n')}\n`);
    return lines.join('\n');
  }

  /** Resolves when every write so far has finished; rejects with the first that failed. */
  async settled(): Promise<void> {
    await Promise.all(this.pending);
  }
}

/** summary.txt: the outcome, one line per message (file, direction, body, status, protection, time), the checks. */
function summaryLines(
  result: TransactionResult,
  server: string,
  files: string[],
  checks: string[],
): string[] {
  return [
    `CMP exchange with ${server}`,
    `result: ${result.ok ? 'completed' : `failed: ${result.error}`}`,
    '',
    ...result.messages.map(
      (m, i) =>
        `${files[i] ?? '?'}  ${m.direction === 'sent' ? '→' : '←'} ${m.body}${m.status ? `  ${m.status}` : ''}${m.protection ? `  protection ${m.protection.verdict}${m.protection.chain ? ` (chain ${m.protection.chain})` : ''}` : ''}  +${m.at} ms`,
    ),
    ...(checks.length ? ['', 'protocol checks:', ...checks.map((c) => `  ${c}`)] : []),
  ];
}

/** A folder name for an exchange started now: `cmp-exchange-20261123-004512`. */
export function exchangeFolderName(now = new Date()): string {
  return `cmp-exchange-${folderTimestamp(now)}`;
}

/** `20261123-004512`, local time: what folder names made now end with. */
export function folderTimestamp(now = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
}
