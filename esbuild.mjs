// Bundles the extension host, the CLI and each webview. `--production` minifies; `--watch` rebuilds.
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** @type {esbuild.BuildOptions} */
const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  sourcesContent: false,
  logLevel: 'warning',
  // The CommonJS builds of @peculiar/* everywhere: asn1-schema's schema table must be one instance.
  mainFields: ['main', 'module'],
  tsconfig: 'tsconfig.json',
  legalComments: 'none',
  // Production names come from class names (PKIHeader, CertTemplate): keep them through bundling.
  keepNames: true,
};

const builds = [
  {
    ...common,
    entryPoints: ['webview/inspector/main.ts'],
    outfile: 'dist/webview/inspector.js',
    platform: 'browser',
    format: 'iife',
    target: 'chrome120',
    tsconfig: 'webview/tsconfig.json',
  },
  {
    ...common,
    entryPoints: ['webview/capture/main.ts'],
    outfile: 'dist/webview/capture.js',
    platform: 'browser',
    format: 'iife',
    target: 'chrome120',
    tsconfig: 'webview/tsconfig.json',
  },
  {
    ...common,
    entryPoints: ['webview/diagram/main.ts'],
    outfile: 'dist/webview/diagram.js',
    platform: 'browser',
    format: 'iife',
    target: 'chrome120',
    tsconfig: 'webview/tsconfig.json',
  },
  {
    ...common,
    entryPoints: ['webview/composer/main.ts'],
    outfile: 'dist/webview/composer.js',
    platform: 'browser',
    format: 'iife',
    target: 'chrome120',
    tsconfig: 'webview/tsconfig.json',
  },
  {
    ...common,
    entryPoints: ['src/extension/extension.ts'],
    outfile: 'dist/extension.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
  },
  {
    // The web extension (vscode.dev, github.dev): VS Code's web worker host loads a CommonJS bundle
    // with only `vscode` external; platform 'browser' makes any Node built-in a build error.
    ...common,
    entryPoints: ['src/extension/web/extension.ts'],
    outfile: 'dist/web/extension.js',
    platform: 'browser',
    format: 'cjs',
    target: 'es2022',
    external: ['vscode'],
    tsconfig: 'src/extension/web/tsconfig.json',
  },
  {
    // The inspector's model in a worker thread (src/node/worker.ts), started by dist/extension.js.
    ...common,
    entryPoints: ['src/node/worker.ts'],
    outfile: 'dist/worker.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  },
  {
    ...common,
    entryPoints: ['src/cli/index.ts'],
    outfile: 'dist/cli.bundle.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  },
  // `cmp-lens` itself: runs dist/cli.bundle.js with V8's code cache; the helper thread likewise.
  {
    ...common,
    entryPoints: ['src/cli/start.ts'],
    outfile: 'dist/cli.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
  },
  {
    ...common,
    entryPoints: ['src/node/workerStart.ts'],
    outfile: 'dist/workerStart.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  },
];

// A production build starts clean, so no stale source map ends up in the .vsix.
if (production) rmSync('dist', { recursive: true, force: true });

// Static webview assets: our stylesheet and the codicon font (its CSS looks for codicon.ttf beside it).
mkdirSync('dist/webview', { recursive: true });
cpSync('webview/common/common.css', 'dist/webview/common.css');
cpSync('webview/inspector/inspector.css', 'dist/webview/inspector.css');
cpSync('webview/composer/composer.css', 'dist/webview/composer.css');
cpSync('webview/capture/capture.css', 'dist/webview/capture.css');
cpSync('webview/diagram/diagram.css', 'dist/webview/diagram.css');
cpSync('node_modules/@vscode/codicons/dist/codicon.css', 'dist/webview/codicon.css');
cpSync('node_modules/@vscode/codicons/dist/codicon.ttf', 'dist/webview/codicon.ttf');
if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
  await writeCodeCaches();
}

/**
 * V8's code cache for `cmp-lens` and its helper thread (src/node/codeCache.ts): the CLI inspects a
 * message once, the worker is started once, each with CMP_LENS_WRITE_CODE_CACHE set.
 */
async function writeCodeCaches() {
  const env = { ...process.env, CMP_LENS_WRITE_CODE_CACHE: '1' };
  const sample = 'test/fixtures/openssl-mock/ir-pbm-ip.der';
  spawnSync(process.execPath, ['dist/cli.js', 'inspect', sample], { env, stdio: 'ignore' });
  const worker = new Worker('./dist/workerStart.js', { env });
  await new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.postMessage({ findings: new Uint8Array(readFileSync(sample)), profile: 'base' });
  });
  await worker.terminate();
}
