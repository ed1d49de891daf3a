// Benchmarks: measure and print, never assert. npm run bench
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readDer } from '../../src/core/der/reader';
import { inspectBytes } from '../../src/core/inspect';

function time(label: string, bytes: number, runs: number, fn: () => void): void {
  fn();
  const started = process.hrtime.bigint();
  for (let i = 0; i < runs; i++) fn();
  const ms = Number(process.hrtime.bigint() - started) / 1e6 / runs;
  const mbps = bytes / 1024 / 1024 / (ms / 1000);
  console.log(`${label.padEnd(44)} ${ms.toFixed(3).padStart(9)} ms/run  ${mbps.toFixed(1).padStart(7)} MiB/s  (${runs} runs, ${bytes} bytes)`);
}

const dir = join(__dirname, '..', 'fixtures', 'openssl-mock');
const files = readdirSync(dir).map((f) => new Uint8Array(readFileSync(join(dir, f))));
const total = files.reduce((n, f) => n + f.length, 0);
time(`readDer: ${files.length} openssl-mock messages`, total, 200, () => files.forEach((f) => readDer(f)));
time(`inspectBytes: ${files.length} openssl-mock messages`, total, 50, () => files.forEach((f) => inspectBytes(f)));

// One big message: a real header and body with 3,000 extraCerts.
const msg = new Uint8Array(readFileSync(join(dir, 'cr-sig-rsa.der')));
const doc = readDer(msg);
const extra = doc.roots[0].children!.find((c) => c.tagClass === 2 && c.tagNumber === 1)!;
const certTlv = extra.children![0].children![0];
const one = msg.subarray(certTlv.offset, certTlv.end);
const len = (n: number) => (n < 0x80 ? [n] : n < 0x10000 ? [0x82, n >> 8, n & 0xff] : [0x83, n >> 16, (n >> 8) & 0xff, n & 0xff]);
const certs = new Uint8Array(one.length * 3000);
for (let i = 0; i < 3000; i++) certs.set(one, i * one.length);
const headerBody = msg.subarray(4, doc.roots[0].children![2].offset);
const seq = [0x30, ...len(certs.length)];
const content = new Uint8Array([...headerBody, 0xa1, ...len(seq.length + certs.length), ...seq, ...certs]);
const big = new Uint8Array([0x30, ...len(content.length), ...content]);
time('readDer: 3,000 extraCerts', big.length, 10, () => readDer(big));
time('inspectBytes: 3,000 extraCerts', big.length, 3, () => inspectBytes(big));
console.log(`memory: ${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MiB RSS`);
