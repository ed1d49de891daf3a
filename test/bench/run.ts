// Benchmarks: measure and print, never assert. npm run bench [-- inspector|capture|pq|ca]
// Side by side on the same bytes: our decode+annotate, @lapo/asn1js decode (comparison only), and
// `openssl asn1parse -i` as a process; then first paint of the inspector webview in headless Chromium.
import { benchCa } from './ca';
import { benchCapture } from './capture';
import { benchPq } from './pq';
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspectBytes } from '../../src/core/inspect';
import { bigCrlann, denseCrlann, manyExtraCerts } from '../gen/inputs';

type Decode = (bytes: Uint8Array) => number;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Full GC before each timed run (when node runs with --expose-gc), so no decoder pays for another's garbage. */
const gc = (globalThis as { gc?: () => void }).gc;

function timeIt(runs: number, fn: () => void): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    gc?.();
    const t = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return median(times);
}

/**
 * Whole commands as a user runs them, text to a pipe (read and dropped by this process): wall time
 * and peak RSS of `cmp-lens inspect` (the built dist/cli.js), `--json`, and `openssl asn1parse -i`,
 * measured by GNU time (`/usr/bin/time -f`), median of 3, with ratios to openssl.
 */
function wholeProcess(dir: string, inputs: [string, Uint8Array][]): void {
  const gnuTime = '/usr/bin/time';
  const cli = join(__dirname, '..', '..', 'dist', 'cli.js');
  const measure = (cmd: string[]): { s: number; mib: number } => {
    const runs: { s: number; mib: number }[] = [];
    for (let i = 0; i < 3; i++) {
      const r = spawnSync(gnuTime, ['-f', '%e %M', ...cmd], {
        stdio: ['ignore', 'pipe', 'pipe'],
        maxBuffer: 4 * 1024 * 1024 * 1024,
        encoding: 'buffer',
      });
      const [s, kib] = r.stderr.toString().trim().split('\n').at(-1)!.split(' ').map(Number);
      runs.push({ s, mib: kib / 1024 });
    }
    runs.sort((a, b) => a.s - b.s);
    return runs[1];
  };
  console.log('\nwhole process, stdout a pipe (median of 3; wall s / peak RSS MiB):');
  console.log(
    `${'input'.padEnd(46)} ${'inspect'.padStart(16)} ${'inspect --json'.padStart(18)} ${'openssl -i'.padStart(14)} ${'time ratio'.padStart(10)}`,
  );
  for (const [label, bytes] of inputs) {
    const file = join(dir, 'whole.der');
    writeFileSync(file, bytes);
    const text = measure([process.execPath, cli, 'inspect', file]);
    const json = measure([process.execPath, cli, 'inspect', '--json', file]);
    const ssl = measure(['openssl', 'asn1parse', '-inform', 'DER', '-i', '-in', file]);
    const cell = (m: { s: number; mib: number }) => `${m.s.toFixed(2)} s/${m.mib.toFixed(0)} MiB`;
    console.log(
      `${label.padEnd(46)} ${cell(text).padStart(16)} ${cell(json).padStart(18)} ${cell(ssl).padStart(14)} ${(text.s / ssl.s).toFixed(2).padStart(10)}`,
    );
  }
}

/**
 * The extension's decode in a worker thread against the same decode in this thread: time from the
 * bytes to the model's first answer (worker start and copies included), and the longest this
 * thread's event loop waited meanwhile (perf_hooks' event-loop delay histogram: in this thread the
 * decode blocks it whole; with the worker, it stays free). Median of 3.
 */
async function workerRows(inputs: [string, Uint8Array][]): Promise<void> {
  const { monitorEventLoopDelay } = await import('node:perf_hooks');
  const { localModel } = await import('../../src/app');
  const { workerModel } = await import('../../src/node/worker');
  const script = join(__dirname, '..', '..', 'dist', 'worker.js');
  console.log(
    "\ninspector model: in this thread vs in a worker thread (median of 3; ms, and the event loop's longest wait meanwhile)",
  );
  console.log(
    `${'input'.padEnd(46)} ${'this thread'.padStart(12)} ${'loop blocked'.padStart(13)} ${'worker'.padStart(8)} ${'loop waited'.padStart(12)} ${'time ratio'.padStart(10)}`,
  );
  for (const [label, bytes] of inputs) {
    const here: { ms: number; wait: number }[] = [];
    const there: { ms: number; wait: number }[] = [];
    for (let i = 0; i < 3; i++) {
      for (const [out, open] of [
        [here, async () => localModel(bytes)],
        [there, () => workerModel(script, bytes)],
      ] as const) {
        gc?.();
        const h = monitorEventLoopDelay({ resolution: 5 });
        h.enable();
        // A timer that must run during the decode for the histogram to see the loop's delay; one turn
        // of the loop first, for the histogram's own timer to start.
        const tick = setInterval(() => undefined, 5);
        await new Promise((resolve) => setTimeout(resolve, 20));
        const t = performance.now();
        const m = await open();
        await m.ask('reveal', 0);
        const ms = performance.now() - t;
        // One more turn of the loop, so the histogram sees the delay a blocking decode caused.
        await new Promise((resolve) => setTimeout(resolve, 20));
        clearInterval(tick);
        h.disable();
        m.dispose();
        out.push({ ms, wait: h.max / 1e6 });
      }
    }
    const med = (xs: { ms: number; wait: number }[]) => ({
      ms: median(xs.map((x) => x.ms)),
      wait: median(xs.map((x) => x.wait)),
    });
    const a = med(here);
    const b = med(there);
    console.log(
      `${label.padEnd(46)} ${a.ms.toFixed(0).padStart(12)} ${a.wait.toFixed(0).padStart(13)} ${b.ms.toFixed(0).padStart(8)} ${b.wait.toFixed(0).padStart(12)} ${(b.ms / a.ms).toFixed(2).padStart(10)}`,
    );
  }
}

async function main(): Promise<void> {
  const { ASN1 } = (await import('@lapo/asn1js')) as {
    ASN1: { decode(b: Uint8Array): { sub: unknown[] | null } };
  };
  const ours: Decode = (b) => inspectBytes(b).stats.nodes;
  const lapo: Decode = (b) => {
    // Decode and visit every node, as the annotator does.
    let n = 0;
    const stack = [ASN1.decode(b)];
    while (stack.length) {
      const x = stack.pop() as { sub: unknown[] | null };
      n++;
      if (x.sub) for (const s of x.sub) stack.push(s as { sub: unknown[] | null });
    }
    return n;
  };
  console.log(
    gc
      ? 'full GC before each timed run'
      : 'note: run with --expose-gc (npm run bench does) for a GC before each timed run',
  );
  const dir = mkdtempSync(join(tmpdir(), 'cmp-lens-bench-'));
  const devNull = openSync('/dev/null', 'w');
  const memory: string[] = [];
  const inputs: [string, Uint8Array][] = [
    [
      '3.8 KB cp (Siemens)',
      new Uint8Array(
        readFileSync(
          join(__dirname, '..', 'fixtures', 'siemens-interop', 'CrDelayed', 'downstream_CERT_REP.PKI'),
        ),
      ),
    ],
    ['2 MB, 3,000 extraCerts', manyExtraCerts(3000)],
    ['7 MB crlann, 200,000 CRL entries', bigCrlann(200_000)],
    ['9.8 MB dense crlann, 200,000 with reasonCode', denseCrlann(200_000)],
  ];
  console.log(
    `${'input'.padEnd(34)} ${'nodes'.padStart(8)} ${'ours ms'.padStart(9)} ${'lapo ms'.padStart(9)} ${'openssl ms'.padStart(10)} ${'ours/lapo'.padStart(9)} ${'ours/openssl'.padStart(12)}`,
  );
  for (const [label, bytes] of inputs) {
    const file = join(dir, 'in.der');
    writeFileSync(file, bytes);
    const runs = bytes.length < 100_000 ? 50 : 3;
    // Warm up each decoder the same way (the JIT), then take the median of the runs.
    timeIt(2, () => {
      ours(bytes);
      lapo(bytes);
    });
    gc?.();
    const base = process.memoryUsage();
    const kept = inspectBytes(bytes);
    gc?.();
    const held = process.memoryUsage();
    const mib = (held.heapUsed + held.arrayBuffers - base.heapUsed - base.arrayBuffers) / 1024 / 1024;
    const nodes = kept.stats.nodes;
    memory.push(`${label}: ${mib.toFixed(0)} MiB held by the decoded document (heap + array buffers)`);
    const tOurs = timeIt(runs, () => ours(bytes));
    const tLapo = timeIt(runs, () => lapo(bytes));
    // openssl writes its text to /dev/null: its own work, not this process reading 30 MB of it.
    const tSsl = timeIt(Math.min(runs, 5), () =>
      execFileSync('openssl', ['asn1parse', '-inform', 'DER', '-i', '-in', file], {
        stdio: ['ignore', devNull, 'ignore'],
      }),
    );
    console.log(
      `${label.padEnd(34)} ${String(nodes).padStart(8)} ${tOurs.toFixed(2).padStart(9)} ${tLapo.toFixed(2).padStart(9)} ${tSsl.toFixed(2).padStart(10)} ${(tOurs / tLapo).toFixed(2).padStart(9)} ${(tOurs / tSsl).toFixed(2).padStart(12)}`,
    );
  }
  closeSync(devNull);
  for (const line of memory) console.log(line);
  wholeProcess(dir, inputs.slice(1));
  await workerRows(inputs.slice(1));
  rmSync(dir, { recursive: true, force: true });
  console.log(`peak memory of this process: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB RSS`);

  // Loaded only now: Playwright's modules would otherwise sit in the heap the decoders are timed in.
  const { chromiumMissing, launch, openInspector, serve } = await import('../webview/harness');
  const missing = chromiumMissing();
  if (missing) {
    console.log(`first paint: not measured (${missing})`);
    return;
  }
  const browser = await launch();
  const { server, origin } = await serve();
  try {
    for (const [label, bytes] of inputs) {
      const paints: number[] = [];
      for (let i = 0; i < 3; i++) {
        const o = await openInspector(browser, origin, bytes, label);
        paints.push(o.firstPaintMs);
        await o.page.close();
      }
      console.log(
        `first paint (show message posted → first frame with a tree row, timed in the page) ${label.padEnd(34)} ${median(paints)} ms (median of 3)`,
      );
    }
  } finally {
    await browser.close();
    server.close();
  }
}

// npm run bench -- inspector | capture | pq | ca [N M] | whole | worker: one part only.
const part = process.argv[2];
const only: Record<string, () => Promise<void>> = {
  // Whole commands only: cmp-lens inspect (text, --json) against openssl asn1parse -i.
  whole: async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cmp-lens-bench-whole-'));
    try {
      wholeProcess(dir, [
        ['2 MB, 3,000 extraCerts', manyExtraCerts(3000)],
        ['7 MB crlann, 200,000 CRL entries', bigCrlann(200_000)],
        ['9.8 MB dense crlann, 200,000 with reasonCode', denseCrlann(200_000)],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
  worker: () =>
    workerRows([
      ['2 MB, 3,000 extraCerts', manyExtraCerts(3000)],
      ['9.8 MB dense crlann, 200,000 with reasonCode', denseCrlann(200_000)],
    ]),
  pq: benchPq,
  ca: () => benchCa(Number(process.argv[3] ?? 4), Number(process.argv[4] ?? 25)),
  capture: () => Promise.resolve(),
};
void (only[part] ?? main)().then(() => {
  if (part && part !== 'capture') return;
  const dir = mkdtempSync(join(tmpdir(), 'cmp-lens-bench-capture-'));
  try {
    benchCapture(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
