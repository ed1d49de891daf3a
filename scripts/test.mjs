// `npm test`: type check, lint, build, then every test suite in turn. Stops at the first failure.
// Each suite prints its runner's own summary; suites that cannot run here say so and fail the run
// rather than pretend to pass (set CMP_LENS_ALLOW_SKIP=1 to let a skipped suite through locally).
import { spawnSync } from 'node:child_process';

const steps = [
  ['type check', 'npm', ['run', '--silent', 'check']],
  ['lint', 'npm', ['run', '--silent', 'lint']],
  ['build', 'npm', ['run', '--silent', 'build']],
  ['grammar tests (vscode-tmgrammar-test)', 'npm', ['run', '--silent', 'test:grammar']],
  ['webview tests (headless Chromium)', 'npm', ['run', '--silent', 'test:webview']],
  ['real VS Code: code-server + headless Chromium (installs into .vscode-test/ once)', 'npm', ['run', '--silent', 'test:code-server']],
  ['unit tests (node:test)', 'npm', ['run', '--silent', 'test:unit']],
];

let previous = Date.now();
for (const [name, cmd, args] of steps) {
  // Timings go in the next header, so the last suite's own summary stays the last lines printed.
  console.log(`\n=== ${name} (${((Date.now() - previous) / 1000).toFixed(1)} s since the last step) ===`);
  previous = Date.now();
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`\n${name} failed (exit ${r.status ?? r.signal}).`);
    process.exit(r.status ?? 1);
  }
}
