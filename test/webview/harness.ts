/**
 * Runs the built inspector webview (dist/webview) in headless Debian Chromium with a stubbed
 * acquireVsCodeApi. The stub forwards the webview's requests to the real InspectorModel in this
 * process, so the page talks to the same logic the extension host uses.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { inspectInput, InspectorModel } from '../../src/core/inspect';
import { respond, showPayload } from '../../src/core/inspect';
import { verifyMessage, type DecryptedItem, type RecipientKey } from '../../src/core/protection';
import { toPem } from '../../src/core/base';
import { checkMessage } from '../../src/core/checks';
import { captureView, decryptMessage, encryptedViews, givenSecret, portOf } from '../../src/app';
import { parseCapture } from '../../src/core/capture';
import type { CaptureToHost } from '../../src/shared/capture';
import type { HostToWebview, WebviewToHost } from '../../src/shared/protocol';
import { ComposerEngine, formChoices } from '../../src/app';
import { demoSecret } from '../../src/core/testca';
import {
  defaultComposerForm,
  type ComposerToHost,
  type HostToComposer,
  type PreviewPayload,
} from '../../src/shared/composer';

const root = join(__dirname, '..', '..');
export const resultsDir = join(root, 'test-results');
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function chromiumMissing(): string | undefined {
  if (!existsSync(chromiumPath))
    return `Chromium not found at ${chromiumPath} (apt-get install chromium, or set CHROMIUM_PATH)`;
  if (!existsSync(join(root, 'dist', 'webview', 'inspector.js')))
    return 'dist/webview/inspector.js missing: run npm run build first';
  return undefined;
}

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Serves the test page and dist/webview on loopback; the page carries the same CSP as the extension's. */
export async function serve(): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/') {
      const view = ['composer', 'capture', 'diagram'].includes(url.searchParams.get('view') ?? '')
        ? url.searchParams.get('view')
        : 'inspector';
      const nonce = 'dGVzdG5vbmNldGVzdG5vbmNl';
      const origin = `http://${req.headers.host}`;
      const csp = `default-src 'none'; style-src ${origin} 'nonce-${nonce}'; font-src ${origin}; img-src ${origin} data:; script-src 'nonce-${nonce}'`;
      res.setHeader('content-type', 'text/html');
      res.end(`<!DOCTYPE html><html><head><meta charset="UTF-8"><meta http-equiv="Content-Security-Policy" content="${csp}">
<link rel="stylesheet" href="/dist/webview/codicon.css" id="vscode-codicon-stylesheet"><link rel="stylesheet" href="/dist/webview/common.css"><link rel="stylesheet" href="/dist/webview/${view}.css">
<style nonce="${nonce}">body{--vscode-font-family:sans-serif;--vscode-editor-font-family:monospace;--vscode-font-size:13px;--vscode-editor-font-size:13px;--vscode-foreground:#ccc;--vscode-editor-background:#1e1e1e;--vscode-list-activeSelectionBackground:#04395e;--vscode-editor-selectionBackground:#264f78;--vscode-editor-findMatchBackground:#515c6a;--vscode-editor-findMatchHighlightBackground:#623315;--vscode-descriptionForeground:#999;--vscode-errorForeground:#f48771;}</style>
</head><body><div id="app"></div>
<script nonce="${nonce}">
window.__state = window.__initialState;
window.acquireVsCodeApi = () => ({
  postMessage: (m) => window.__toHost(JSON.stringify(m)),
  getState: () => window.__state,
  setState: (s) => { window.__state = s; },
});
</script>
<script nonce="${nonce}" src="/dist/webview/${view}.js"></script></body></html>`);
      return;
    }
    if (url.pathname === '/favicon.ico') {
      res.statusCode = 204;
      res.end();
      return;
    }
    const file = join(root, url.pathname);
    if (!url.pathname.startsWith('/dist/webview/') || !existsSync(file)) {
      res.statusCode = 404;
      res.end();
      return;
    }
    res.setHeader(
      'content-type',
      file.endsWith('.js') ? 'text/javascript' : file.endsWith('.css') ? 'text/css' : 'font/ttf',
    );
    res.end(readFileSync(file));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { server, origin: `http://127.0.0.1:${port}` };
}

export interface Opened {
  page: Page;
  model: InspectorModel;
  /** Every message the webview sent. */
  sent: WebviewToHost[];
  /** Page errors and console errors. */
  errors: string[];
  /** Time from the host's `show` to the first painted tree row. */
  firstPaintMs: number;
  /** Every message the host sent, as JSON. */
  received: string[];
}

/** Opens the inspector page for `bytes`, answering its requests from a real model. */
export async function openInspector(
  browser: Browser,
  origin: string,
  bytes: Uint8Array,
  title: string,
  viewport = { width: 1280, height: 800 },
  secretOnRequest?: Uint8Array,
  /** What the host's Decrypt… dialogs would give (a key file, a password). */
  decryptWith?: RecipientKey,
): Promise<Opened> {
  const page = await browser.newPage({ viewport });
  const { doc, der } = inspectInput(bytes);
  const model = new InspectorModel(doc, der);
  const sent: WebviewToHost[] = [];
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  const received: string[] = [];
  let decrypted: DecryptedItem[] | undefined;
  // First paint, timed in the page: from the moment the "show" message is posted to the first
  // animation frame after the first tree row (or, with no element, problem) is in the DOM.
  await page.addInitScript(() => {
    const w = window as unknown as { __firstPaintAt?: number };
    new MutationObserver((_, obs) => {
      if (document.querySelector('.tree .row, .problems li')) {
        obs.disconnect();
        requestAnimationFrame(() => {
          w.__firstPaintAt = performance.now();
        });
      }
    }).observe(document, { childList: true, subtree: true });
  });
  const post = async (m: HostToWebview) => {
    received.push(JSON.stringify(m));
    await page.evaluate(
      (msg) => {
        if (msg.type === 'show') (window as unknown as { __showAt: number }).__showAt = performance.now();
        window.postMessage(msg, '*');
      },
      m as unknown as Record<string, unknown>,
    );
  };
  await page.exposeFunction('__toHost', async (json: string) => {
    const m = JSON.parse(json) as WebviewToHost;
    sent.push(m);
    if (m.type === 'ready') {
      await post({ type: 'show', payload: showPayload(model, title, 1) });
      if (doc.kind === 'PKIMessage') {
        await post({
          type: 'findings',
          version: 1,
          profile: 'base',
          findings: checkMessage(der).map((f) => ({ ...f, nodeId: model.reveal(f.offset).at(-1) })),
        });
        await post({ type: 'protection', version: 1, results: await verifyMessage(der) });
        await post({ type: 'encrypted', version: 1, items: await encryptedViews(portOf(model)) });
      }
      return;
    }
    if (m.type === 'decrypt' && decryptWith) {
      // What the host does after its dialogs: decrypt, then send the rows (never a key).
      decrypted = (await decryptMessage(der, decryptWith)).items;
      await post({ type: 'encrypted', version: 1, items: await encryptedViews(portOf(model), decrypted) });
      return;
    }
    if (m.type === 'showKey') {
      // After the host's confirmation: the key, once, for this view.
      const pkcs8 = decrypted?.flatMap((d) => d.keys ?? [])[m.index]?.pkcs8;
      if (pkcs8)
        await post({ type: 'keyShown', version: 1, index: m.index, pem: toPem('PRIVATE KEY', pkcs8) });
      return;
    }
    if (['decrypt', 'saveKey', 'saveCert', 'openCert', 'openSigned'].includes(m.type)) return;
    if (m.type === 'chooseCert' || m.type === 'configureTrust' || m.type === 'enterKemKey') return;
    if (m.type === 'enterSecret') {
      // What the host does after its password input box: check with the secret, send only results.
      await post({
        type: 'protection',
        version: 1,
        results: await verifyMessage(der, { secret: secretOnRequest }),
      });
      return;
    }
    const answer = respond(model, m, 1);
    if (answer) await post(answer);
  });
  await page.goto(`${origin}/`);
  // A tree row, or for input with no element at all (a length that cannot be read), its problem.
  await page.waitForSelector(doc.roots.length ? '.tree .row' : '.problems li', { timeout: 30_000 });
  await page.waitForFunction(
    () => (window as unknown as { __firstPaintAt?: number }).__firstPaintAt !== undefined,
  );
  const firstPaintMs = Math.round(
    await page.evaluate(() => {
      const w = window as unknown as { __firstPaintAt: number; __showAt: number };
      return w.__firstPaintAt - w.__showAt;
    }),
  );
  return { page, model, sent, errors, firstPaintMs, received };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

export interface OpenedComposer {
  page: Page;
  engine: ComposerEngine;
  /** Every message the webview sent. */
  sent: ComposerToHost[];
  errors: string[];
  /** The last preview the host sent. */
  last(): PreviewPayload | undefined;
  /** Waits for the preview of the newest change. */
  settled(): Promise<PreviewPayload>;
}

/** Opens the composer page, answering it with the real ComposerEngine (files from test/fixtures). */
export async function openComposer(
  browser: Browser,
  origin: string,
  options: {
    secrets?: Record<string, string>;
    state?: unknown;
    viewport?: { width: number; height: number };
  } = {},
): Promise<OpenedComposer> {
  const page = await browser.newPage({ viewport: options.viewport ?? { width: 1280, height: 900 } });
  const secrets = options.secrets ?? {};
  const engine = new ComposerEngine({
    readFile: async (path) => new Uint8Array(readFileSync(join(root, 'test', 'fixtures', path))),
    secret: async (s) => {
      const v = s.from === 'testca' ? demoSecret : s.from === 'stored' ? secrets[s.name] : secrets.typed;
      return v === undefined ? undefined : new TextEncoder().encode(v);
    },
  });
  const sent: ComposerToHost[] = [];
  const errors: string[] = [];
  let last: PreviewPayload | undefined;
  let shown = 0;
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  const post = async (m: HostToComposer) => {
    await page.evaluate((msg) => window.postMessage(msg, '*'), m as unknown as Record<string, unknown>);
  };
  await page.exposeFunction('__toHost', async (json: string) => {
    const m = JSON.parse(json) as ComposerToHost;
    sent.push(m);
    switch (m.type) {
      case 'ready':
        return post({
          type: 'init',
          form: m.form ?? defaultComposerForm,
          secrets: { stored: Object.keys(secrets).filter((k) => k !== 'typed'), typed: 'typed' in secrets },
          choices: formChoices(),
        });
      case 'change': {
        const p = await engine.preview(m.form, m.seq);
        last = p;
        await post({ type: 'preview', payload: p });
        shown = p.seq;
        return;
      }
      case 'newKey':
        return engine.newKey();
      case 'expand':
      case 'select': {
        const a = engine.answer(m);
        return a ? post(a) : undefined;
      }
      default:
        return undefined;
    }
  });
  await page.addInitScript((s) => {
    (window as unknown as { __initialState: unknown }).__initialState = s;
  }, options.state);
  await page.goto(`${origin}/?view=composer`);
  await page.waitForSelector('.field-row', { timeout: 30_000 });
  const settled = async (): Promise<PreviewPayload> => {
    // Past the webview's 250 ms typing debounce, then until the newest change has its preview shown.
    await page.waitForTimeout(300);
    for (let i = 0; i < 600; i++) {
      const newest = Math.max(0, ...sent.map((c) => (c.type === 'change' ? c.seq : 0)));
      if (last && last.seq === newest && shown === newest) return last;
      await page.waitForTimeout(25);
    }
    throw new Error('no preview for the last change');
  };
  return { page, engine, sent, errors, last: () => last, settled };
}

/** Opens the capture view for `bytes`, answered with the real capture reader and view model. */
export async function openCapture(
  browser: Browser,
  origin: string,
  bytes: Uint8Array,
  title: string,
  /** The shared secret the host knows (none: MACs stay needs-secret). */
  secret: string | null = 's3cret',
): Promise<{ page: Page; sent: CaptureToHost[]; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const sent: CaptureToHost[] = [];
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.exposeFunction('__toHost', async (json: string) => {
    const m = JSON.parse(json) as CaptureToHost;
    sent.push(m);
    if (m.type === 'ready') {
      const view = await captureView(parseCapture(bytes), title, {
        secrets: givenSecret(secret === null ? undefined : new TextEncoder().encode(secret)),
      });
      await page.evaluate((msg) => window.postMessage(msg, '*'), { type: 'show', view } as unknown as Record<
        string,
        unknown
      >);
    }
  });
  await page.goto(`${origin}/?view=capture`);
  await page.waitForSelector('.summary .meta', { timeout: 30_000 });
  return { page, sent, errors };
}
