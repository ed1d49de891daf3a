/**
 * The web build in a real VS Code: the web-only variant of the .vsix (no `main`) in code-server, which
 * runs it in its web worker extension host as vscode.dev and github.dev do, shown in headless Chromium.
 * Everything here runs inside the browser: Chromium's WebCrypto, the pure-JS fallback for what it lacks
 * (Ed448, ML-DSA), fetch, workspace.fs, and the test CA inside the worker.
 */
import assert from 'node:assert/strict';
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import * as h from './harness';
import { fixtures, results } from './harness';

let cs: h.CodeServer | undefined;
let page: Page;
let ws: string;
const staging = mkdtempSync(join(tmpdir(), 'cmp-lens-web-vsix-'));
const webviewFrame = (text: string, timeoutMs?: number) => h.webviewFrame(page, text, timeoutMs);
const runCommand = (title: string) => h.runCommand(page, title);

async function shot<T>(name: string, p: Promise<T>): Promise<T> {
  return p.catch(async (e) => {
    await page.screenshot({ path: join(results, `web-${name}-failed.png`) });
    throw e;
  });
}

/** The text of an output channel, as a user reads it (View → Output, then the channel). */
async function outputChannel(name: string): Promise<string> {
  await runCommand('Output: Show Output Channels...');
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first();
  await row.waitFor({ timeout: 10_000 });
  await page.locator('.quick-input-widget input').fill(name);
  await page.waitForTimeout(300);
  await page
    .locator('.quick-input-list .monaco-list-row')
    .filter({ has: page.getByText(name, { exact: true }) })
    .first()
    .click();
  const lines = page.locator('.part.panel .view-lines');
  await lines.first().waitFor({ timeout: 10_000 });
  await page.waitForTimeout(500);
  // The editor wraps long lines: one space for any run of white space.
  return (await lines.first().innerText()).replace(/\s+/g, ' ');
}

before(async () => {
  const vsix = h.missing ? undefined : h.packageWebOnly(staging);
  cs = await h.startCodeServer({
    trust: true,
    vsix,
    prepare: (workspace, ud) => {
      copyFileSync(join(fixtures, 'openssl-mock', 'ir-pbm.der'), join(workspace, 'ir-pbm.pkimsg'));
      copyFileSync(join(fixtures, 'generated', 'cr-ed25519.der'), join(workspace, 'cr-ed25519.pkimsg'));
      copyFileSync(join(fixtures, 'generated', 'cr-ed448.der'), join(workspace, 'cr-ed448.pkimsg'));
      copyFileSync(join(fixtures, 'pq', 'ir-ml-dsa-44.pkimsg'), join(workspace, 'ir-ml-dsa-44.pkimsg'));
      copyFileSync(
        join(fixtures, 'pcap', 'cmp-http-ir-exchange.pcap'),
        join(workspace, 'cmp-http-ir-exchange.pcap'),
      );
      writeFileSync(
        join(ud, 'User', 'settings.json'),
        JSON.stringify(
          { 'cmpLens.servers': [{ name: 'CMP Lens test CA (embedded)', url: 'embedded:testca' }] },
          null,
          2,
        ),
      );
    },
  });
  page = cs.page;
  ws = cs.workspace;
});

after(async () => {
  await cs?.stop();
  rmSync(staging, { recursive: true, force: true });
});

describe("CMP Lens on the web: code-server's web worker extension host in Chromium", () => {
  it('a .pkimsg opens in the inspector, and the extension says it runs in the web worker host', async () => {
    await h.openFromExplorer(page, 'ir-pbm.pkimsg');
    const frame = await shot('inspector', webviewFrame('initialization request', 60_000));
    await frame.waitForSelector('.tree .row .name:text-is("header")', { timeout: 15_000 });
    await frame.waitForFunction(
      () => document.querySelector('.summary .protection')?.textContent === 'protection: needs-secret',
      undefined,
      { timeout: 15_000 },
    );
    await page.screenshot({ path: join(results, 'web-inspector-ir-pbm.png') });
    const log = await shot('output', outputChannel('CMP Lens'));
    assert.match(log, /active in the web extension host: web worker/);
    // Which implementation serves each algorithm in this browser: Chromium has no Ed448 (the
    // @noble/curves fallback serves it); ML-DSA is WebCrypto's where the browser has it, else @noble's.
    assert.match(log, /@noble\/curves for [^;]*Ed448/);
    assert.match(log, /(WebCrypto|@noble\/post-quantum) for [^;]*ML-DSA-44/);
    await page.screenshot({ path: join(results, 'web-output-host.png') });
    // Nothing of ours ran in code-server's Node extension host.
    const nodeHost = h.grepTree(cs!.work, 'cmp-lens.cmp-lens', [/extensions$/, /workspace$/, /\.vsix$/]);
    for (const f of nodeHost.filter((p) => /exthost/.test(p)))
      assert.doesNotMatch(
        readFileSync(f, 'utf8'),
        /ExtensionService#_doActivateExtension cmp-lens\.cmp-lens/,
        f,
      );
  });

  it('its MAC verifies with a secret entered in VS Code', async () => {
    await page
      .getByRole('tab', { name: /ir-pbm\.pkimsg/ })
      .first()
      .click();
    const frame = await webviewFrame('initialization request');
    await frame.click('.checks .enter-secret');
    const box = page.locator('.quick-input-widget input');
    await box.waitFor({ timeout: 10_000 });
    await box.fill('s3cret');
    await box.press('Enter');
    await shot(
      'mac',
      frame.waitForFunction(
        () => document.querySelector('.summary .protection')?.textContent === 'protection: valid',
        undefined,
        { timeout: 20_000 },
      ),
    );
    await page.screenshot({ path: join(results, 'web-inspector-mac-valid.png') });
    await runCommand('View: Close All Editors');
  });

  for (const [file, title] of [
    ['cr-ed25519.pkimsg', 'certification request'],
    ['cr-ed448.pkimsg', 'certification request'],
    ['ir-ml-dsa-44.pkimsg', 'initialization request'],
  ]) {
    it(`${file}: its signature verifies in the browser`, async () => {
      await h.openFromExplorer(page, file);
      const frame = await shot(file, webviewFrame(title, 60_000));
      await shot(
        file,
        frame.waitForFunction(
          () => document.querySelector('.summary .protection')?.textContent === 'protection: valid',
          undefined,
          { timeout: 30_000 },
        ),
      );
      await page.screenshot({ path: join(results, `web-inspector-${file.replace('.pkimsg', '')}.png`) });
      await runCommand('View: Close All Editors');
    });
  }

  it('the composer builds a request, sends it to the test CA in the worker, and the reply opens', async () => {
    await runCommand('CMP Lens: New Request');
    const frame = await shot('composer', webviewFrame('Proof of possession', 60_000));
    await shot(
      'composer',
      frame.waitForFunction(
        () => /protection\s*valid/.test(document.querySelector('.preview-pane > .checks')?.textContent ?? ''),
        undefined,
        { timeout: 60_000 },
      ),
    );
    await page.screenshot({ path: join(results, 'web-composer.png') });
    await frame.click('vscode-button.send');
    // Send saves first: the simple file dialog, holding the default name.
    const box = page.locator('.quick-input-widget input');
    await box.waitFor({ timeout: 10_000 });
    await shot(
      'composer-save',
      page.waitForFunction(
        () =>
          /ir\.pkimsg$/.test(
            document.querySelector<HTMLInputElement>('.quick-input-widget input')?.value ?? '',
          ),
        undefined,
        { timeout: 10_000 },
      ),
    );
    await box.press('Enter');
    const row = page
      .locator('.quick-input-list .monaco-list-row', { hasText: 'CMP Lens test CA (embedded)' })
      .first();
    await shot('composer-pick', row.waitFor({ timeout: 15_000 }));
    assert.match(await row.innerText(), /in this window/);
    await row.click();
    const reply = await shot('composer-reply', webviewFrame('initialization response', 90_000));
    // Checked with the secret the transaction used (not the s3cret typed earlier for the same senderKID).
    await shot(
      'composer-reply-valid',
      reply.waitForFunction(
        () => document.querySelector('.summary .protection')?.textContent === 'protection: valid',
        undefined,
        { timeout: 20_000 },
      ),
    );
    await page.screenshot({ path: join(results, 'web-composer-reply.png') });
    const requests = join(ws, 'cmp-requests');
    const saved = readdirSync(requests).find((d) => /^ir-\d{8}-\d{6}$/.test(d));
    assert.ok(
      saved && existsSync(join(requests, saved, 'ir.pkimsg')),
      'the request was saved through workspace.fs',
    );
    assert.ok(
      !existsSync(join(requests, saved, 'ir.key.pem')),
      'no private key is written where its mode cannot be set',
    );
    const exchanges = join(ws, 'cmp-exchanges');
    const folder = readdirSync(exchanges)[0];
    assert.deepEqual(readdirSync(join(exchanges, folder)).sort(), [
      '01-ir.pkimsg',
      '02-ip.pkimsg',
      '03-certConf.pkimsg',
      '04-pkiconf.pkimsg',
      'issued-0.pem',
      'summary.txt',
    ]);
    const summary = readFileSync(join(exchanges, folder, 'summary.txt'), 'utf8');
    assert.match(summary, /^CMP exchange with worker:\/\/cmp-lens-test-ca-\d+\/\.well-known\/cmp$/m);
    assert.match(summary, /result: completed/);
    assert.ok(await reply.$('.tree .row'), 'the reply shows its tree');
    await runCommand('View: Close All Editors');
  });

  it('a .pcap lists its exchanges', async () => {
    await h.openFromExplorer(page, 'cmp-http-ir-exchange.pcap');
    const frame = await shot('capture', webviewFrame('6 CMP messages in 2 exchanges', 60_000));
    assert.equal(await frame.$$eval('tr.message', (e) => e.length), 6);
    await page.screenshot({ path: join(results, 'web-capture.png') });
  });
});
