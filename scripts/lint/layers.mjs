// The layers of docs/ARCHITECTURE.md as an ESLint rule with an allow-list per folder (VS Code's own
// local/code-layering is the model): each import, export-from, import() and require() is resolved
// to a layer and checked against what the importing file's layer may use. Anything not listed is refused.
import { isBuiltin } from 'node:module';
import { existsSync, statSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Core features; `protection` is the one the others may build on, through its index only. */
const features = ['inspect', 'protection', 'checks', 'compose', 'transport', 'testca', 'capture'];
const floor = ['src/core/base', 'src/core/asn1', 'src/core/der', 'src/shared'];
const peculiar = ['@peculiar/', '@noble/'];

/**
 * Who may import what. `folders`: folders whose files may be imported (any file); `indexes`:
 * folders that may be imported only through their index; `packages`: npm package prefixes;
 * `builtins`: Node's modules; `vscode`: the VS Code API.
 */
function layerOf(file) {
  const rel = relative(root, file).split(sep).join('/');
  const m = /^src\/core\/([^/]+)\//.exec(rel);
  if (m) {
    const own = `src/core/${m[1]}`;
    if (m[1] === 'asn1') return { name: own, folders: [own], indexes: [], packages: ['@peculiar/'] };
    if (m[1] === 'der')
      return { name: own, folders: [own, 'src/core/base/bytes.ts'], indexes: [], packages: [] };
    // asn1js: the schema library's value layer, for fromTree.ts (its schema objects, rare values).
    if (m[1] === 'base')
      return { name: own, folders: [own, ...floor], indexes: [], packages: [...peculiar, 'asn1js'] };
    const onProtection = ['checks', 'compose', 'transport', 'testca'].includes(m[1]);
    return {
      name: own,
      folders: [own, ...floor],
      indexes: onProtection ? ['src/core/protection'] : [],
      packages: peculiar,
    };
  }
  if (rel.startsWith('src/shared/'))
    return { name: 'src/shared', folders: ['src/shared'], indexes: [], packages: [] };
  const coreIndexes = features.map((f) => `src/core/${f}`);
  if (rel.startsWith('src/app/'))
    return { name: 'src/app', folders: ['src/app', ...floor], indexes: coreIndexes, packages: peculiar };
  const frontEnd = {
    folders: [...floor, 'src/node'],
    indexes: ['src/app', ...coreIndexes],
    packages: peculiar,
    builtins: true,
  };
  // The Node adapters alone reach the network, so they alone may use the proxy packages.
  const proxies = ['proxy-from-env', 'http-proxy-agent', 'https-proxy-agent'];
  if (rel.startsWith('src/node/'))
    return {
      ...frontEnd,
      name: 'src/node',
      folders: [...floor, 'src/node'],
      packages: [...peculiar, ...proxies],
    };
  if (rel.startsWith('src/cli/'))
    return { ...frontEnd, name: 'src/cli', folders: [...frontEnd.folders, 'src/cli'] };
  // The Node extension host's entry and platform: Node's modules and src/node.
  if (rel.startsWith('src/extension/node/') || rel === 'src/extension/extension.ts')
    return {
      ...frontEnd,
      name: 'src/extension (Node)',
      folders: [...frontEnd.folders, 'src/extension'],
      vscode: true,
    };
  // Everything else in the extension runs in the web worker host too: no Node, no src/node, and not
  // the Node entry or platform (it gets the host's Platform as a parameter).
  if (rel.startsWith('src/extension/'))
    return {
      ...frontEnd,
      name: 'src/extension',
      folders: [...floor, 'src/extension'],
      except: ['src/extension/node', 'src/extension/extension.ts'],
      builtins: false,
      vscode: true,
    };
  if (rel.startsWith('webview/')) {
    return {
      name: 'webview',
      folders: ['webview', 'src/shared'],
      indexes: [],
      packages: ['@vscode-elements/', '@vscode/codicons'],
    };
  }
  return undefined; // tests, scripts, configuration: not layered
}

/** The file or folder a relative specifier names (a folder means its index.ts). */
function target(fromFile, spec) {
  const abs = resolve(dirname(fromFile), spec);
  for (const candidate of [abs, `${abs}.ts`, `${abs}.mjs`, `${abs}.js`]) {
    if (existsSync(candidate)) return { path: candidate, folder: statSync(candidate).isDirectory() };
  }
  return { path: abs, folder: false };
}

const inside = (rel, folder) => rel === folder || rel.startsWith(`${folder}/`);

function refusal(layer, fromFile, spec) {
  if (spec.startsWith('.')) {
    const t = target(fromFile, spec);
    const rel = relative(root, t.path).split(sep).join('/');
    if (layer.except?.some((f) => inside(rel, f))) return `${layer.name} may not import ${rel}`;
    if (layer.folders.some((f) => inside(rel, f))) return undefined;
    const viaIndex = t.folder || /\/index\.ts$/.test(rel);
    const folder = rel.replace(/\/index\.ts$/, '');
    if (viaIndex && layer.indexes.includes(folder)) return undefined;
    const index = layer.indexes.find((f) => inside(rel, f));
    if (index) return `${layer.name} may use ${index} only through its index ('${index}'), not ${rel}`;
    return `${layer.name} may not import ${rel}`;
  }
  if (spec === 'vscode') return layer.vscode ? undefined : `${layer.name} may not import vscode`;
  if (isBuiltin(spec))
    return layer.builtins
      ? undefined
      : `${layer.name} may not import Node's ${spec}: take it as a parameter (a port)`;
  return layer.packages.some((p) => spec === p || spec.startsWith(p))
    ? undefined
    : `${layer.name} may not import the package ${spec}`;
}

function allowedText(layer) {
  const parts = [
    ...layer.folders,
    ...layer.indexes.map((i) => `${i} (index)`),
    ...layer.packages.map((p) => `${p}*`),
  ];
  if (layer.builtins) parts.push("Node's modules");
  if (layer.vscode) parts.push('vscode');
  return parts.join(', ');
}

const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'Each folder imports only what its layer allows (docs/ARCHITECTURE.md).' },
    schema: [],
  },
  create(context) {
    const file = context.filename;
    const layer = layerOf(file);
    if (!layer) return {};
    const check = (node, source) => {
      if (!source || typeof source.value !== 'string') return;
      const why = refusal(layer, file, source.value);
      if (why)
        context.report({
          node,
          message: `${why}. Allowed here: ${allowedText(layer)} (docs/ARCHITECTURE.md).`,
        });
    };
    return {
      ImportDeclaration: (n) => check(n, n.source),
      ExportNamedDeclaration: (n) => check(n, n.source),
      ExportAllDeclaration: (n) => check(n, n.source),
      ImportExpression: (n) => check(n, n.source.type === 'Literal' ? n.source : undefined),
      TSImportEqualsDeclaration: (n) => check(n, n.moduleReference.expression),
      CallExpression: (n) => {
        if (
          n.callee.type === 'Identifier' &&
          n.callee.name === 'require' &&
          n.arguments[0]?.type === 'Literal'
        )
          check(n, n.arguments[0]);
      },
    };
  },
};

export default { rules: { layers: rule } };
