// After `vsce package`: lists what cmp-lens.vsix holds, with sizes, and fails when anything but the
// bundles (dist/), media/, syntaxes/ and the docs (package.json, README, LICENSE, CHANGELOG) got in.
// `npm run package` runs it, so a stray file (a key, a fixture, a source map) never ships.
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';

const allowed = [
  /^dist\/(extension\.js|worker\.js|web\/extension\.js|webview\/[\w.-]+\.(js|css|ttf))$/,
  /^media\/[\w.-]+$/,
  /^media\/walkthrough\/[\w.-]+\.md$/,
  // The examples the walkthrough opens (real messages, see examples/README.md).
  /^examples\/[\w.-]+(\/[\w.-]+)?$/,
  /^syntaxes\/[\w.-]+\.json$/,
  /^(package\.json|package\.nls\.json|README\.md|LICENSE|CHANGELOG\.md)$/,
  /^l10n\/bundle\.l10n(\.[\w-]+)?\.json$/,
];
const ls = spawnSync('npx', ['vsce', 'ls', '--no-dependencies'], { encoding: 'utf8' });
if (ls.status !== 0) {
  console.error(`vsce ls failed:\n${ls.stderr}`);
  process.exit(1);
}
const files = ls.stdout
  .split('\n')
  .map((l) => l.trim())
  .filter(Boolean);
let total = 0;
const stray = [];
for (const f of files) {
  const size = statSync(f).size;
  total += size;
  console.log(`${String(size).padStart(9)}  ${f}`);
  if (!allowed.some((re) => re.test(f))) stray.push(f);
}
console.log(
  `${files.length} files, ${(total / 1024).toFixed(1)} KiB before compression; cmp-lens.vsix is ${(statSync('cmp-lens.vsix').size / 1024).toFixed(1)} KiB`,
);
if (stray.length) {
  console.error(`not allowed in the .vsix (see .vscodeignore): ${stray.join(', ')}`);
  process.exit(1);
}
