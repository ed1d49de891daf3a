// npm run fuzz -- --runs N [--seed S]: a long fuzzing run that prints its figures.
import { fuzz } from './harness';

async function main(): Promise<void> {
  const arg = (name: string, dflt: number) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? Number(process.argv[i + 1]) : dflt;
  };
  const runs = arg('--runs', 100_000);
  const seed = arg('--seed', Date.now() % 2 ** 31);
  const started = Date.now();
  // A line every 10,000 inputs, so a long run that is stopped still has its figures.
  const report = await fuzz(runs, seed, (r) => {
    const secs = (Date.now() - started) / 1000;
    console.log(`progress: ${r.runs} inputs in ${secs.toFixed(0)} s, ${r.failures.length} failures, slowest ${r.slowestMsPerKb.toFixed(2)} ms per KB`);
  });
  const secs = (Date.now() - started) / 1000;
  console.log(`seed ${seed}: ${report.runs} inputs in ${secs.toFixed(0)} s (${(report.runs / secs).toFixed(0)}/s), ${report.failures.length} failures`);
  console.log(`slowest: ${report.slowestMsPerKb.toFixed(2)} ms per KB (an input of ${report.slowestInputBytes} bytes); peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
  for (const f of report.failures) console.log(`FAILURE: ${f}`);
  process.exitCode = report.failures.length ? 1 : 0;
}

void main();
