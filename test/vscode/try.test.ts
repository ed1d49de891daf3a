/**
 * `npm run try`'s code-server path, as a newcomer runs it: the script starts code-server on the bundled
 * examples/ and prints a URL; in that VS Code, the examples open in the inspector. The script is
 * stopped with SIGINT, as Ctrl+C does.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import * as h from './harness';
import { results, root } from './harness';

let tryProcess: ChildProcess | undefined;
let browser: Browser | undefined;
let page: Page;
let output = '';

describe('npm run try (code-server path)', { skip: h.missing }, () => {
  before(async () => {
    tryProcess = spawn(process.execPath, [join(root, 'scripts', 'try.mjs'), '--code-server'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    tryProcess.stdout!.on('data', (d) => (output += d));
    tryProcess.stderr!.on('data', (d) => (output += d));
    const until = Date.now() + 240_000;
    while (!/http:\/\/127\.0\.0\.1:\d+\/\?folder=\S+/.test(output) && Date.now() < until) {
      if (tryProcess.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const url = /http:\/\/127\.0\.0\.1:\d+\/\?folder=\S+/.exec(output)?.[0];
    assert.ok(url, `npm run try printed no URL:\n${output}`);
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(url);
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    await page.waitForTimeout(8_000);
  });
  after(async () => {
    await browser?.close();
    tryProcess?.kill('SIGINT');
  });

  it('prints one loopback URL and says how to stop', () => {
    assert.match(output, /on this machine only:\s+http:\/\/127\.0\.0\.1:/);
    assert.match(output, /Ctrl\+C stops it/);
  });
  it('the examples are there, and a signed one opens in the inspector as valid', async () => {
    for (const name of [
      'ir-pbm.pkimsg',
      'rr-signed.pkimsg',
      'ir-ml-dsa-44.pkimsg',
      'capture-ir-exchange.pcap',
    ])
      await page.getByRole('treeitem', { name }).first().waitFor({ timeout: 30_000 });
    await h.openFromExplorer(page, 'rr-signed.pkimsg');
    const frame = await h.webviewFrame(page, 'revocation request', 60_000);
    await frame.waitForFunction(
      () => document.querySelector('.summary .protection')?.textContent === 'protection: valid',
      undefined,
      { timeout: 30_000 },
    );
    await page.screenshot({ path: join(results, 'vscode-try-examples.png') });
  });
  it('Ctrl+C (SIGINT) stops it', async () => {
    tryProcess!.kill('SIGINT');
    for (let i = 0; i < 100 && tryProcess!.exitCode === null && tryProcess!.signalCode === null; i++)
      await new Promise((r) => setTimeout(r, 100));
    assert.ok(tryProcess!.exitCode !== null || tryProcess!.signalCode !== null, 'still running');
  });
});
