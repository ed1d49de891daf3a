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

/** RFC 1071 ones'-complement sum of 16-bit words. */
function onesSum(bytes: Uint8Array, sum = 0): number {
  for (let i = 0; i + 1 < bytes.length; i += 2) sum += (bytes[i] << 8) | bytes[i + 1];
  if (bytes.length & 1) sum += bytes[bytes.length - 1] << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

/**
 * Writes about `targetBytes` of capture to `file`; returns the number of CMP messages in it. Each
 * repetition moves the client to its own loopback address (127.a.b.c; checksums recomputed), so
 * every connection is new to any reader, and keeps the bytes of every CMP message (verdicts hold).
 * Each repetition is then an exchange of its own (exchanges are told apart by client host and
 * transactionID). `oneClient`: one client host, each repetition from its own port instead — one
 * long exchange per transactionID (a client replaying its requests), at most 6,250 repetitions.
 */
export function makeBigCapture(file: string, targetBytes: number, oneClient = false): number {
  const src = new Uint8Array(
    readFileSync(join(root, 'test', 'fixtures', 'pcap', 'cmp-http-ir-exchange.pcap')),
  );
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
    const client = [127, 1 + ((rep >>> 16) & 0xff), (rep >>> 8) & 0xff, rep & 0xff];
    for (const r of records) {
      const c = r.slice();
      // Record header 16, Ethernet 14: the IPv4 header at 30, TCP after it.
      const ip = 16 + 14;
      const dv = new DataView(c.buffer);
      const ihl = (c[ip] & 0x0f) * 4;
      const total = dv.getUint16(ip + 2);
      const tcp = ip + ihl;
      const clientIsSource = dv.getUint16(tcp) !== 18301;
      if (oneClient) {
        // The corpus has two connections per repetition (ports 50272, 50276): kept apart by the low bits.
        const at = tcp + (clientIsSource ? 0 : 2);
        dv.setUint16(at, 10_000 + ((rep * 8 + (dv.getUint16(at) & 7)) % 50_000));
      } else c.set(client, ip + (clientIsSource ? 12 : 16));
      dv.setUint16(ip + 10, 0);
      dv.setUint16(ip + 10, ~onesSum(c.subarray(ip, ip + ihl)) & 0xffff);
      const segment = c.subarray(tcp, ip + total);
      dv.setUint16(tcp + 16, 0);
      const pseudo = new Uint8Array(12);
      pseudo.set(c.subarray(ip + 12, ip + 20));
      pseudo[9] = 6;
      new DataView(pseudo.buffer).setUint16(10, segment.length);
      dv.setUint16(tcp + 16, ~onesSum(segment, onesSum(pseudo)) & 0xffff);
      writeSync(fd, c);
      written += c.length;
    }
    rep++;
  }
  closeSync(fd);
  return rep * 6;
}

function timed(
  cmd: string,
  args: string[],
): { ms: number; maxRssMiB: number; out: string; code: number | null } {
  const r = spawnSync('/usr/bin/time', ['-v', cmd, ...args], {
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
  });
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(r.stderr);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
  const ms = wall ? ((Number(wall[1] ?? 0) * 60 + Number(wall[2])) * 60 + Number(wall[3])) * 1000 : NaN;
  return { ms, maxRssMiB: rss ? Number(rss[1]) / 1024 : NaN, out: r.stdout, code: r.status };
}

/** The run of median wall time of `times` runs (this machine's run-to-run noise is a few tenths of a second). */
function median(times: number, run: () => ReturnType<typeof timed>): ReturnType<typeof timed> {
  const runs = Array.from({ length: times }, run).sort((a, b) => a.ms - b.ms);
  return runs[Math.floor(times / 2)];
}

export function benchCapture(dir: string): void {
  const file = join(dir, 'big.pcap');
  const expected = makeBigCapture(file, 100 * 1024 * 1024);
  const size = statSync(file).size / 1024 / 1024;
  console.log(
    `\ncapture: ${size.toFixed(1)} MiB pcap, ${expected} CMP messages (the corpus traffic repeated)`,
  );
  const ours = median(3, () => timed(process.execPath, [join(root, 'dist', 'cli.js'), 'capture', file]));
  const found = ours.out.split('\n').filter((l) => /^ {2}#\d+ packet /.test(l)).length;
  console.log(
    `  cmp-lens capture (whole command, median of 3): ${(ours.ms / 1000).toFixed(2)} s, peak RSS ${ours.maxRssMiB.toFixed(0)} MiB, ${found} CMP messages listed`,
  );
  const phases = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, 'capturePhases.ts'), file], {
    encoding: 'utf8',
    cwd: root,
  });
  try {
    const p = JSON.parse(phases.stdout) as {
      readMs: number;
      viewMs: number;
      messages: number;
      maxRssMiB: number;
    };
    console.log(`    reading (records, TCP, HTTP, CMP outline):   ${(p.readMs / 1000).toFixed(2)} s`);
    console.log(
      `    per message, in one thread (no pool):       ${(p.viewMs / 1000).toFixed(2)} s (${(p.viewMs / p.messages).toFixed(2)} ms per message), peak RSS ${p.maxRssMiB.toFixed(0)} MiB`,
    );
  } catch {
    console.log(`    phases not measured: ${phases.stderr.split('\n')[0]}`);
  }
  if (!existsSync('/usr/bin/tshark')) {
    console.log(
      '  tshark -Y cmp: not measured (tshark is not installed: apt-get install tshark, for this bench only)',
    );
    return;
  }
  const ts = median(3, () =>
    timed('/usr/bin/tshark', ['-r', file, '-d', 'tcp.port==18301,http', '-Y', 'cmp']),
  );
  const lines = ts.out.split('\n').filter(Boolean).length;
  console.log(
    `  tshark -r FILE -Y cmp (median of 3):           ${(ts.ms / 1000).toFixed(2)} s, peak RSS ${ts.maxRssMiB.toFixed(0)} MiB, ${lines} CMP frames`,
  );
  console.log(
    `  time ratio, cmp-lens capture (every message checked) / tshark (listing): ${(ours.ms / ts.ms).toFixed(2)}`,
  );
}
