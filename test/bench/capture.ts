/**
 * Capture bench: a ~100 MB pcap made by repeating the corpus capture's traffic (each repetition on
 * new client ports, so every connection is its own), listed by `cmp-lens capture` (streamed, in a
 * child process) and by `tshark -r FILE -Y cmp` when tshark is installed (apt-get install tshark;
 * only for this bench). Time and peak RSS come from GNU time for both.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, openSync, writeSync, closeSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';

const root = join(__dirname, '..', '..');

/** Writes `targetBytes` of capture to `file`; returns the number of CMP messages in it. */
export function makeBigCapture(file: string, targetBytes: number): number {
  const src = new Uint8Array(readFileSync(join(root, 'test', 'fixtures', 'pcap', 'cmp-http-ir-exchange.pcap')));
  const records: Uint8Array[] = [];
  for (let p = 24; p + 16 <= src.length;) {
    const len = new DataView(src.buffer, src.byteOffset + p + 8, 4).getUint32(0, true);
    records.push(src.slice(p, p + 16 + len));
    p += 16 + len;
  }
  const fd = openSync(file, 'w');
  writeSync(fd, src.subarray(0, 24));
  let written = 24;
  let rep = 0;
  while (written < targetBytes) {
    const batch: Uint8Array[] = [];
    for (const r of records) {
      const c = r.slice();
      // Ethernet (14) + IPv4 (20): TCP ports at 34/36 of the frame, 16 more for the record header.
      const dv = new DataView(c.buffer);
      const sport = dv.getUint16(16 + 34);
      const dport = dv.getUint16(16 + 36);
      const shift = (p: number) => (p === 18301 ? p : 20000 + ((p - 50272 + rep * 8) % 40000));
      dv.setUint16(16 + 34, shift(sport));
      dv.setUint16(16 + 36, shift(dport));
      batch.push(c);
    }
    for (const b of batch) {
      writeSync(fd, b);
      written += b.length;
    }
    rep++;
  }
  closeSync(fd);
  return rep * 6;
}

function timed(cmd: string, args: string[]): { ms: number; maxRssMiB: number; out: string; code: number | null } {
  const r = spawnSync('/usr/bin/time', ['-v', cmd, ...args], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(r.stderr);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
  const ms = wall ? ((Number(wall[1] ?? 0) * 60 + Number(wall[2])) * 60 + Number(wall[3])) * 1000 : NaN;
  return { ms, maxRssMiB: rss ? Number(rss[1]) / 1024 : NaN, out: r.stdout, code: r.status };
}

export function benchCapture(dir: string): void {
  const file = join(dir, 'big.pcap');
  const expected = makeBigCapture(file, 100 * 1024 * 1024);
  const size = statSync(file).size / 1024 / 1024;
  console.log(`\ncapture: ${size.toFixed(1)} MiB pcap, ${expected} CMP messages (the corpus traffic repeated)`);
  const ours = timed(process.execPath, [join(root, 'dist', 'cli.js'), 'capture', file]);
  const found = ours.out.split('\n').filter((l) => /^ {2}#\d+ packet /.test(l)).length;
  console.log(`  cmp-lens capture (exchanges, verdicts, gaps):  ${(ours.ms / 1000).toFixed(2)} s, peak RSS ${ours.maxRssMiB.toFixed(0)} MiB, ${found} CMP messages`);
  if (!existsSync('/usr/bin/tshark')) {
    console.log('  tshark -Y cmp: not measured (tshark is not installed: apt-get install tshark, for this bench only)');
    return;
  }
  const ts = timed('/usr/bin/tshark', ['-r', file, '-d', 'tcp.port==18301,http', '-Y', 'cmp']);
  const lines = ts.out.split('\n').filter(Boolean).length;
  console.log(`  tshark -r FILE -Y cmp:                         ${(ts.ms / 1000).toFixed(2)} s, peak RSS ${ts.maxRssMiB.toFixed(0)} MiB, ${lines} CMP frames`);
}
