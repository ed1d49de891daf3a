/**
 * Saves a CMP exchange to a folder as it happens: `01-ir.pkimsg`, `02-ip.pkimsg`, … written the
 * moment each message exists (so a later failure loses nothing), then the issued certificates as
 * PEM and `summary.txt`, each file atomically (a send killed at any step leaves only whole files). Shared by `cmp-lens send` and the extension's Send command.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { toPem } from '../core/base/pem';
import { writeFileAtomic } from './atomic';
import type { ExchangeSink } from '../app';
import type { ExchangeMessage, TransactionResult } from '../core/transport';

export class ExchangeStore implements ExchangeSink {
  readonly files: string[] = [];

  get where(): string {
    return this.dir;
  }

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  /** Writes one message; its file name says its place and body. */
  add(m: ExchangeMessage): string {
    const name = `${String(this.files.length + 1).padStart(2, '0')}-${m.body.replace(/[^A-Za-z0-9]/g, '')}.pkimsg`;
    writeFileAtomic(join(this.dir, name), m.der);
    this.files.push(name);
    return join(this.dir, name);
  }

  /** Writes the issued certificates and summary.txt (with `checks`: the protocol-check findings, one per line). */
  finish(result: TransactionResult, server: string, checks: string[] = []): string {
    for (const c of result.issued) {
      const name = `issued-${c.certReqId < 0 ? 'p10' : c.certReqId}.pem`;
      writeFileAtomic(join(this.dir, name), toPem('CERTIFICATE', c.der));
      this.files.push(name);
    }
    const lines = [
      `CMP exchange with ${server}`,
      `result: ${result.ok ? 'completed' : `failed: ${result.error}`}`,
      '',
      ...result.messages.map(
        (m, i) =>
          `${this.files[i] ?? '?'}  ${m.direction === 'sent' ? '→' : '←'} ${m.body}${m.status ? `  ${m.status}` : ''}${m.protection ? `  protection ${m.protection.verdict}` : ''}  +${m.at} ms`,
      ),
      ...(checks.length ? ['', 'protocol checks:', ...checks.map((c) => `  ${c}`)] : []),
    ];
    writeFileAtomic(join(this.dir, 'summary.txt'), `${lines.join('\n')}\n`);
    return lines.join('\n');
  }
}

/** A folder name for an exchange started now: `cmp-exchange-20261123-004512`. */
export function exchangeFolderName(now = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `cmp-exchange-${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
}
