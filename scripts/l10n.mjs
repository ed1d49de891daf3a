// `npm run l10n`: collects every user-facing text for translation, as @vscode/l10n-dev would, in the
// one form VS Code reads: l10n/bundle.l10n.json (English text → English text; a translator adds
// bundle.l10n.<locale>.json beside it). Texts come from
//   - the extension: vscode.l10n.t('…') in src/extension;
//   - the webviews: t('…') and button('…') in webview/ (their table comes from the host), and the composer's field
//     table (label, help, placeholder, section titles, option texts) in webview/composer/fields.ts;
// the webviews' list is also written to src/shared/webviewStrings.ts, which the host translates.
// `--check` writes nothing and fails when either file is stale (a unit test runs it).
import { readFileSync, readdirSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const check = process.argv.includes('--check');

function files(dir) {
  const out = [];
  for (const name of readdirSync(join(root, dir))) {
    const rel = join(dir, name);
    if (statSync(join(root, rel)).isDirectory()) out.push(...files(rel));
    else if (rel.endsWith('.ts')) out.push(rel);
  }
  return out.sort();
}

/** The value of a JS string literal's body (quote `q`), for the escapes our sources use. */
function unquote(body, q) {
  return body.replace(/\\(.)/g, (m, c) =>
    c === 'n' ? '\n' : c === q || c === '\\' || c === "'" || c === '"' ? c : m,
  );
}

const literal = String.raw`(['"])((?:\\.|(?!\1)[^\\])*)\1`;
function collect(source, pattern) {
  const out = [];
  for (const m of source.matchAll(new RegExp(pattern, 'g'))) {
    const q = m[m.length - 2];
    out.push(unquote(m[m.length - 1], q));
  }
  return out;
}

const extension = new Set();
for (const f of files('src/extension'))
  for (const s of collect(readFileSync(join(root, f), 'utf8'), String.raw`vscode\.l10n\.t\(\s*` + literal))
    extension.add(s);

const webview = new Set();
for (const f of files('webview'))
  for (const s of collect(
    readFileSync(join(root, f), 'utf8'),
    String.raw`(?<![\w.])(?:t|button)\(\s*` + literal,
  ))
    webview.add(s);
const fields = readFileSync(join(root, 'webview/composer/fields.ts'), 'utf8');
for (const s of collect(fields, String.raw`\b(?:label|help|placeholder|title):\s*` + literal)) webview.add(s);
// Option texts: the second element of ['value', 'text'] pairs.
for (const m of fields.matchAll(
  /\[\s*(['"])(?:\\.|(?!\1)[^\\])*\1\s*,\s*(['"])((?:\\.|(?!\2)[^\\])*)\2\s*\]/g,
))
  webview.add(unquote(m[3], m[2]));
// The request bodies' option texts (bodyLabels).
const bodyLabels = /const bodyLabels[^{]*\{([^}]*)\}/.exec(fields)?.[1] ?? '';
for (const s of collect(bodyLabels, String.raw`\w+:\s*` + literal)) webview.add(s);

const sorted = (set) => [...set].filter((s) => /[A-Za-z]/.test(s)).sort();
const all = [...new Set([...sorted(extension), ...sorted(webview)])].sort();
const bundle = `${JSON.stringify(Object.fromEntries(all.map((s) => [s, s])), null, 2)}\n`;
const list = `// Made by \`npm run l10n\` (scripts/l10n.mjs) from the webviews' sources: the texts the host translates\n// for them (src/extension/l10n.ts). Do not edit by hand.\nexport const webviewTexts: readonly string[] = ${JSON.stringify(sorted(webview), null, 2)};\n`;

const targets = [
  ['l10n/bundle.l10n.json', bundle],
  ['src/shared/webviewStrings.ts', list],
];
let stale = 0;
for (const [rel, text] of targets) {
  const path = join(root, rel);
  let old = '';
  try {
    old = readFileSync(path, 'utf8');
  } catch {
    // not there yet
  }
  if (old === text) continue;
  if (check) {
    console.error(`${rel} is stale: run npm run l10n`);
    stale++;
  } else {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    console.log(`wrote ${rel}`);
  }
}
console.log(`${extension.size} extension texts, ${webview.size} webview texts`);
process.exit(stale ? 1 : 0);
