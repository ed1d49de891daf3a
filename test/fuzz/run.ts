// npm run fuzz -- --runs N [--seed S]: a long fuzzing run that prints its figures.
// npm run fuzz -- --sweep [--min-bytes A] [--max-bytes B] [--quick]: every systematic single mutation of
// each seed of A to B bytes (default 0 to 4096); --quick leaves out the test CA, the client and the MAC
// secret (about 7 times faster: the decoders, checks and signature verification only).
import { fuzz, seeds, sweep } from './harness';

async function main(): Promise<void> {
  const arg = (name: string, dflt: number) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? Number(process.argv[i + 1]) : dflt;
  };
  const runs = arg('--runs', 100_000);
  const seed = arg('--seed', Date.now() % 2 ** 31);
  const started = Date.now();
  // A line every 10,000 inputs, so a long run that is stopped still has its figures.
  const progress = (r: { runs: number; failures: string[]; slowestMsPerKb: number }) => {
    const secs = (Date.now() - started) / 1000;
    console.log(
      `progress: ${r.runs} inputs in ${secs.toFixed(0)} s, ${r.failures.length} failures, slowest ${r.slowestMsPerKb.toFixed(2)} ms per KB`,
    );
  };
  const sweeping = process.argv.includes('--sweep');
  const inputs = seeds().filter(
    (b) => b.length >= arg('--min-bytes', 0) && b.length <= arg('--max-bytes', 4096),
  );
  const quick = process.argv.includes('--quick') ? { peers: false, secret: false } : {};
  const report = sweeping ? await sweep(inputs, progress, quick) : await fuzz(runs, seed, progress);
  const secs = (Date.now() - started) / 1000;
  console.log(
    `${sweeping ? `sweep${quick.peers === false ? ' (quick)' : ''} of ${inputs.length} seeds` : `seed ${seed}`}: ${report.runs} inputs in ${secs.toFixed(0)} s (${(report.runs / secs).toFixed(0)}/s), ${report.failures.length} failures`,
  );
  console.log(
    `slowest: ${report.slowestMsPerKb.toFixed(2)} ms per KB (an input of ${report.slowestInputBytes} bytes); peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`,
  );
  for (const f of report.failures) console.log(`FAILURE: ${f}`);
  process.exitCode = report.failures.length ? 1 : 0;
}

void main();
