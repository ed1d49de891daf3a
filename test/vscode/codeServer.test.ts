/**
 * The extension in a real VS Code: code-server (installed by scripts/install-code-server.sh) with our
 * .vsix installed, shown in headless Debian Chromium. Recipe: shared/real-vscode.md.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import * as h from './harness';
import { fixtures, grepTree, results, root } from './harness';
import { denseCrlann, manyExtraCerts } from '../gen/inputs';

let cs: h.CodeServer | undefined;
let page: Page;
let work: string;
const serverLog = { toString: () => cs?.log() ?? '' };
const webviewFrame = (text: string, timeoutMs?: number) => h.webviewFrame(page, text, timeoutMs);
const runCommand = (title: string) => h.runCommand(page, title);
const openFromExplorer = (name: string) => h.openFromExplorer(page, name);

/** In every hostile message from a webview: it must appear in no log and no file. */
const hostileMarker = 'HOSTILE-CONTENT-7f3a';

/** Waits until one of code-server's log files (our output channels among them) has a line matching `re`. */
async function waitForLog(re: RegExp, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  const match = () =>
    grepTree(work, 'dropped a malformed message', [/extensions$/, /workspace$/]).some((f) =>
      re.test(readFileSync(f, 'utf8')),
    );
  while (!match()) {
    if (Date.now() > until) assert.fail(`no log line matching ${re} within ${timeoutMs} ms`);
    await new Promise((ok) => setTimeout(ok, 250));
  }
}

/** Our log's lines that contain `needle`, with the time each was written (the host's clock, in ms). */
function logLines(needle: string): { at: number; text: string }[] {
  const out: { at: number; text: string }[] = [];
  for (const f of grepTree(work, needle, [/extensions$/, /workspace$/]))
    for (const line of readFileSync(f, 'utf8').split('\n')) {
      const m = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d\.\d{3}) \[\w+\] (.*)$/.exec(line);
      if (m && m[3].includes(needle)) out.push({ at: Date.parse(`${m[1]}T${m[2]}`), text: m[3] });
    }
  return out.sort((a, b) => a.at - b.at);
}

/** Waits for line `nth` (0: the first) of our log containing `needle`, and returns it. */
async function logLine(needle: string, timeoutMs = 60_000, nth = 0): Promise<{ at: number; text: string }> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const line = logLines(needle)[nth];
    if (line) return line;
    if (Date.now() > until) assert.fail(`no log line with "${needle}" within ${timeoutMs} ms`);
    await new Promise((ok) => setTimeout(ok, 100));
  }
}

before(async () => {
  cs = await h.startCodeServer({
    trust: true,
    prepare: (ws, ud) => {
      copyFileSync(join(fixtures, 'openssl-mock', 'ir-pbm.der'), join(ws, 'ir-pbm.pkimsg'));
      copyFileSync(join(fixtures, 'openssl-mock', 'rr-sig-ec.der'), join(ws, 'rr-sig-ec.pkimsg'));
      copyFileSync(join(fixtures, 'openssl-mock', 'ir-pbm.der'), join(ws, 'ir-pbm.der'));
      // Issue 20: a dense crlann (9.8 MB, 1.6 million nodes), a small message to open while it
      // decodes, and the 2 MB message with 3,000 extraCerts that is opened and closed five times.
      writeFileSync(join(ws, 'dense-crlann.pkimsg'), denseCrlann(200_000));
      copyFileSync(join(fixtures, 'openssl-mock', 'ir-pbm.der'), join(ws, 'while-decoding.pkimsg'));
      writeFileSync(join(ws, 'extra-certs.pkimsg'), manyExtraCerts(3000));
      for (const f of ['ir-ml-dsa-44.pkimsg', 'ir-ml-dsa-44-no-extracerts.pkimsg'])
        copyFileSync(join(fixtures, 'pq', f), join(ws, f));
      // OpenSSL 3.5's central key generation answer and the requester's key that opens it (issue 18).
      copyFileSync(join(fixtures, 'centralkeygen', 'ip-kari-ec.der'), join(ws, 'ip-kari-ec.pkimsg'));
      copyFileSync(join(fixtures, 'centralkeygen', 'ee.key.pem'), join(ws, 'ee.key.pem'));
      copyFileSync(
        join(fixtures, 'pcap', 'cmp-http-ir-exchange.pcap'),
        join(ws, 'cmp-http-ir-exchange.pcap'),
      );
      // A request for the embedded test CA, built by our CLI with the CA's public demo secret.
      const built = spawnSync(
        process.execPath,
        [
          join(root, 'dist', 'cli.js'),
          'build',
          '--body',
          'ir',
          '--subject',
          'CN=sent from VS Code',
          '--recipient',
          'CN=CMP Lens Test CA, O=CMP Lens',
          '--ref',
          'demo',
          '--secret-env',
          'DEMO_SECRET',
          '--out',
          join(ws, 'ir-demo.pkimsg'),
        ],
        { env: { ...process.env, DEMO_SECRET: 'cmp-lens-demo' }, encoding: 'utf8' },
      );
      assert.equal(built.status, 0, built.stderr);
      rmSync(join(ws, 'ir-demo.key.pem'));
      // User settings with the embedded server and one that Send must skip (ftp: is not an RFC 9811 URL).
      writeFileSync(
        join(ud, 'User', 'settings.json'),
        JSON.stringify(
          {
            'cmpLens.servers': [
              { name: 'CMP Lens test CA (embedded)', url: 'embedded:testca' },
              { name: 'bad', url: 'ftp://nowhere.example' },
            ],
          },
          null,
          2,
        ),
      );
    },
  });
  ({ page, work } = cs);
});

after(async () => {
  await cs?.stop();
});

describe('CMP Lens in a real VS Code (code-server)', () => {
  it('a .pkimsg opens in the inspector by double-click, with summary, tree and protection state', async () => {
    const t0 = Date.now();
    await openFromExplorer('ir-pbm.pkimsg');
    // A measurement, not an assertion: double-click to the first tree row, the extension activating too.
    console.log(
      `first paint, first open (activation included): ${await h.msToFirstRow(page, 'initialization request', t0)} ms`,
    );
    const frame = await webviewFrame('initialization request', 45_000);
    await frame.waitForSelector('.tree .row .name:text-is("header")', { timeout: 15_000 });
    const text = await frame.evaluate(() => document.body.innerText);
    assert.match(text, /ir — initialization request/);
    assert.match(text, /header/);
    await frame.waitForSelector('.checks .check', { timeout: 15_000 });
    assert.match(
      await frame.evaluate(() => document.querySelector('.summary .protection')?.textContent ?? ''),
      /^protection: needs-secret$/,
    );
    await page.screenshot({ path: join(results, 'vscode-inspector-ir-pbm.png') });
  });

  it("protocol-check findings of the open message are in VS Code's Problems panel", async () => {
    await page.keyboard.press('Control+Shift+M');
    await page
      .waitForFunction(
        () =>
          /iterationCount 500 is below the 1,000 recommended/.test(
            document.querySelector('.markers-panel')?.textContent ?? '',
          ),
        undefined,
        { timeout: 15_000 },
      )
      .catch(async (e) => {
        await page.screenshot({ path: join(results, 'vscode-problems-failed.png') });
        throw e;
      });
    const text = await page.evaluate(() => document.querySelector('.markers-panel')?.textContent ?? '');
    assert.match(text, /ir-pbm\.pkimsg/);
    assert.match(text, /RFC 4211 §4\.4/);
    await page.screenshot({ path: join(results, 'vscode-problems.png') });
    await page.keyboard.press('Control+Shift+M');
  });

  it('a .der opens through the explorer\'s "Open With…" → CMP Lens Inspector', async () => {
    const box = page.locator('.quick-input-widget input');
    for (let attempt = 1; ; attempt++) {
      await page.getByRole('treeitem', { name: 'ir-pbm.der' }).first().click();
      await page.getByRole('treeitem', { name: 'ir-pbm.der' }).first().click({ button: 'right' });
      const item = page
        .locator('.monaco-menu .action-item:not(.disabled) .action-label', { hasText: /^Open With/ })
        .first();
      await item.waitFor({ timeout: 10_000 });
      await page.waitForTimeout(300); // the menu animates in
      await item.click();
      if (
        await box.waitFor({ timeout: 5_000 }).then(
          () => true,
          () => false,
        )
      )
        break;
      await page.screenshot({ path: join(results, `vscode-open-with-attempt-${attempt}.png`) });
      await page.keyboard.press('Escape');
      assert.ok(attempt < 3, 'the Open With pick did not appear');
    }
    await page
      .locator('.quick-input-list .monaco-list-row', { hasText: 'CMP Lens Inspector' })
      .first()
      .click({ timeout: 10_000 })
      .catch(async (e) => {
        await page.screenshot({ path: join(results, 'vscode-open-with-failed.png') });
        await page.keyboard.press('Escape');
        throw e;
      });
    await page
      .getByRole('tab', { name: /ir-pbm\.der/ })
      .first()
      .waitFor({ timeout: 15_000 });
    const frame = await webviewFrame('DER, 899 bytes', 45_000);
    assert.match(await frame.evaluate(() => document.body.innerText), /ir — initialization request/);
    await page.screenshot({ path: join(results, 'vscode-open-with-der.png') });
  });

  it('a signed message shows a valid signature, in the view and in the status bar', async () => {
    const t0 = Date.now();
    await openFromExplorer('rr-sig-ec.pkimsg');
    console.log(
      `first paint, a 767-byte message, extension active: ${await h.msToFirstRow(page, 'revocation request', t0)} ms`,
    );
    const frame = await webviewFrame('revocation request', 45_000);
    await frame.waitForFunction(
      () => document.querySelector('.summary .protection')?.textContent === 'protection: valid',
      undefined,
      { timeout: 15_000 },
    );
    await page.waitForFunction(
      () =>
        [...document.querySelectorAll('.statusbar-item')].some((e) =>
          (e.textContent ?? '').includes('CMP: valid'),
        ),
      undefined,
      { timeout: 15_000 },
    );
    await page.screenshot({ path: join(results, 'vscode-inspector-rr-sig-ec.png') });
  });

  it('selecting a node in VS Code highlights its bytes in the hex view', async () => {
    const frame = await webviewFrame('revocation request');
    await frame.click('.tree .row:has(.name:text-is("header")) .name');
    await frame.waitForSelector('.hex .hl-tag', { timeout: 10_000 });
    assert.equal(await frame.$$eval('.hex .hl-tag', (e) => e.length), 1);
  });

  it('hostile messages from the inspector webview are dropped and logged without their content; the host keeps answering', async () => {
    const frame = await webviewFrame('revocation request');
    await h.postFromWebview(frame, h.hostileMessages(hostileMarker));
    await frame.click('.tree .row:has(.name:text-is("body")) .name');
    await frame.waitForFunction(
      () => document.querySelector('.details h2')?.textContent === 'body',
      undefined,
      {
        timeout: 15_000,
      },
    );
    await waitForLog(/inspector: dropped a malformed message from the webview \(kind "expand"\)/);
  });

  it("an ML-DSA-44 message made by OpenSSL 3.5 is valid (Node 24's WebCrypto or the fallback); without extraCerts it needs a certificate and offers one", async () => {
    await openFromExplorer('ir-ml-dsa-44.pkimsg');
    // The verdict text itself picks the frame: other inspectors (ir-pbm) are open too.
    let frame = await webviewFrame('ML-DSA-44, with extraCerts[0] CN=PQ EE ML-DSA-44', 45_000);
    assert.equal(
      await frame.evaluate(() => document.querySelector('.summary .protection')?.textContent),
      'protection: valid',
    );
    const rows = await frame.$$eval('.checks .check', (els) => els.map((e) => e.textContent ?? ''));
    assert.ok(
      rows.some((r) => /pop\s*valid/.test(r)),
      rows.join(' | '),
    );
    await page.screenshot({ path: join(results, 'vscode-inspector-ml-dsa-44.png') });
    await runCommand('View: Close Editor');
    await openFromExplorer('ir-ml-dsa-44-no-extracerts.pkimsg');
    frame = await webviewFrame('no certificate: extraCerts is empty', 45_000);
    assert.equal(
      await frame.evaluate(() => document.querySelector('.summary .protection')?.textContent),
      'protection: needs-cert',
    );
    assert.ok(await frame.$('.checks .choose-cert'), 'Use another certificate… is offered');
    await runCommand('View: Close Editor');
  });

  it('"Enter secret…" asks in VS Code, checks the MAC, stores the secret in SecretStorage only', async () => {
    const secret = 's3cret-for-the-vscode-test';
    // A message protected with a known secret: ir-pbm needs s3cret, so use a wrong one first, then the right one.
    await page
      .getByRole('tab', { name: /ir-pbm\.pkimsg/ })
      .first()
      .click();
    const frame = await webviewFrame('initialization request');
    await frame.click('.checks .enter-secret');
    const box = page.locator('.quick-input-widget input');
    await box.waitFor({ timeout: 10_000 });
    await box.fill(secret);
    await box.press('Enter');
    await frame.waitForFunction(
      () => document.querySelector('.summary .protection')?.textContent === 'protection: invalid',
      undefined,
      { timeout: 15_000 },
    );
    await frame.click('.checks .enter-secret');
    await box.waitFor({ timeout: 10_000 });
    await box.fill('s3cret');
    await box.press('Enter');
    await frame.waitForFunction(
      () => document.querySelector('.summary .protection')?.textContent === 'protection: valid',
      undefined,
      { timeout: 15_000 },
    );
    // One policy for every feature: a typed secret that a MAC proved right is used for its senderKID and
    // exchange in this window, and kept in SecretStorage only if the person says so.
    const toast = page
      .locator('.notifications-toasts .notification-toast', {
        hasText: /the secret is used for senderKID 7573657231 and its exchange until the window closes/,
      })
      .first();
    await toast.waitFor({ timeout: 10_000 });
    assert.match(await toast.innerText(), /Keep in Secret Storage/);
    await page.waitForTimeout(1500);
    await page.screenshot({ path: join(results, 'vscode-inspector-secret.png') });
    // Neither secret may be in settings, logs, the workspace, or the webview's state and DOM.
    const found = [secret, 's3cret'].flatMap((s) =>
      grepTree(work, s, [/state\.vscdb/, /extensions/]).map((f) => `${s} in ${f}`),
    );
    assert.deepEqual(found, []);
    const dom = await frame.content();
    assert.ok(!dom.includes(secret) && !dom.includes('s3cret'), 'the webview DOM holds no secret');
  });

  it('Decrypt… opens a centrally generated key with a key file; Save key… writes it owner-only; the key reaches no log', async () => {
    const ws = join(work, 'workspace');
    await openFromExplorer('ip-kari-ec.pkimsg');
    const frame = await webviewFrame('Encrypted content', 45_000);
    await frame.click('.encrypted vscode-button.decrypt');
    await page
      .locator('.quick-input-list .monaco-list-row', { hasText: 'A private key file' })
      .first()
      .click({ timeout: 10_000 });
    // code-server's open dialog is VS Code's simple file dialog: a quick input that takes a path.
    const box = page.locator('.quick-input-widget input');
    await page
      .locator('.quick-input-widget .quick-input-title', { hasText: 'the recipient private key' })
      .waitFor({ timeout: 10_000 });
    await page.waitForFunction(
      () =>
        (document.querySelector<HTMLInputElement>('.quick-input-widget input')?.value ?? '').includes('/'),
      undefined,
      { timeout: 10_000 },
    );
    await box.fill(join(ws, 'ee.key.pem'));
    await page.waitForTimeout(300);
    await box.press('Enter');
    await frame
      .waitForSelector('.encrypted-item.state-opened, .encrypted-item.state-failed', { timeout: 30_000 })
      .catch(async (e) => {
        await page.screenshot({ path: join(results, 'vscode-decrypt-failed.png') });
        // Leave no dialog open for the tests after this one.
        await page.keyboard.press('Escape');
        throw new Error(
          `nothing was decrypted (dialog shows "${await box.inputValue().catch(() => '')}"): ${(e as Error).message}`,
        );
      });
    const text = await frame.$eval('.encrypted-item', (e) => e.textContent ?? '');
    assert.match(text, /decrypted with recipientInfos\[0\] kari/);
    assert.match(text, /KGA signature: valid — KGA signature by CN=KGA/);
    assert.match(text, /\(redacted\), matches the certificate issued with it/);
    await page.screenshot({ path: join(results, 'vscode-inspector-decrypted.png') });
    await frame.click('.encrypted vscode-button.save-key');
    await box.waitFor({ timeout: 10_000 });
    await page.waitForFunction(
      () =>
        /ip-kari-ec\.key\.pem$/.test(
          document.querySelector<HTMLInputElement>('.quick-input-widget input')?.value ?? '',
        ),
      undefined,
      { timeout: 10_000 },
    );
    await box.press('Enter');
    const saved = join(ws, 'ip-kari-ec.key.pem');
    const until = Date.now() + 10_000;
    while (!existsSync(saved) && Date.now() < until) await new Promise((ok) => setTimeout(ok, 200));
    assert.equal(statSync(saved).mode & 0o777, 0o600, 'owner-only');
    const pem = readFileSync(saved, 'utf8');
    assert.match(pem, /^-----BEGIN PRIVATE KEY-----/);
    // The key's base64 is in that file only: not in logs, settings or the webview's DOM.
    const body = pem.split('\n')[1];
    assert.deepEqual(
      grepTree(work, body, [/state\.vscdb/, /extensions/]).filter((f) => !f.endsWith('ip-kari-ec.key.pem')),
      [],
    );
    assert.ok(!(await frame.content()).includes(body), 'not in the webview before Show key');
    await runCommand('View: Close Editor');
  });

  it('"CMP Lens: Show as Text" from the palette opens the tree as text, coloured by our grammar', async () => {
    await page
      .getByRole('tab', { name: /ir-pbm\.pkimsg/ })
      .first()
      .click();
    await webviewFrame('initialization request');
    await runCommand('CMP Lens: Show as Text');
    // The chat input is a Monaco editor too: look for the one that shows our text.
    // Monaco renders spaces as U+00A0.
    const ours = () =>
      [...document.querySelectorAll('.monaco-editor .view-lines')].find((e) =>
        (e.textContent ?? '').replace(/\u00a0/g, ' ').includes('PKIMessage (DER, 899 bytes)'),
      );
    await page.waitForFunction(ours, undefined, { timeout: 15_000 }).catch(async (e) => {
      await page.screenshot({ path: join(results, 'vscode-show-as-text-failed.png') });
      throw e;
    });
    // Tokens from the grammar get colours of their own (tokenizing is asynchronous: wait for it).
    const colours = () => {
      const lines = [...document.querySelectorAll('.monaco-editor .view-lines')].find((e) =>
        (e.textContent ?? '').replace(/\u00a0/g, ' ').includes('PKIMessage (DER, 899 bytes)'),
      );
      return new Set(
        [...(lines?.querySelectorAll('span[class*="mtk"]') ?? [])].map((e) => getComputedStyle(e).color),
      ).size;
    };
    await page
      .waitForFunction(
        () => {
          const lines = [...document.querySelectorAll('.monaco-editor .view-lines')].find((e) =>
            (e.textContent ?? '').replace(/\u00a0/g, ' ').includes('PKIMessage (DER, 899 bytes)'),
          );
          return (
            new Set(
              [...(lines?.querySelectorAll('span[class*="mtk"]') ?? [])].map(
                (e) => getComputedStyle(e).color,
              ),
            ).size >= 3
          );
        },
        undefined,
        { timeout: 15_000 },
      )
      .catch(async () => {
        assert.fail(`only ${await page.evaluate(colours)} colours in the text form`);
      });
    await page.screenshot({ path: join(results, 'vscode-show-as-text.png') });
  });

  it('the view re-decodes when the file changes on disk', async () => {
    await page
      .getByRole('tab', { name: /rr-sig-ec\.pkimsg/ })
      .first()
      .click();
    await webviewFrame('revocation request');
    copyFileSync(join(fixtures, 'openssl-mock', 'genm-sig.der'), join(work, 'workspace', 'rr-sig-ec.pkimsg'));
    const frame = await webviewFrame('general message', 30_000);
    await frame.waitForFunction(
      () => document.querySelector('.summary .kind')?.textContent === 'genm — general message',
      undefined,
      { timeout: 15_000 },
    );
    await page.screenshot({ path: join(results, 'vscode-inspector-redecoded.png') });
  });

  it('a dense crlann (9.8 MB, 1.6 million nodes) opens decoded in a worker thread: every node named, no false finding', async () => {
    const rssBefore = cs!.hostRssMiB();
    const t0 = Date.now();
    await openFromExplorer('dense-crlann.pkimsg');
    const ms = await h.msToFirstRow(page, 'CRL announcement', t0, 120_000);
    const dense = await logLine('decoded dense-crlann.pkimsg', 120_000);
    await webviewFrame('1600038 nodes', 60_000);
    const rssOpen = cs!.hostRssMiB();
    // A measurement, not an assertion: double-click to the first tree row.
    console.log(
      `dense crlann: first tree row ${ms} ms after the double-click; ${dense.text}; extension host ${rssBefore.toFixed(0)} MiB before, ${rssOpen.toFixed(0)} MiB with it open (its worker included)`,
    );
    assert.ok(rssOpen - rssBefore <= 500, `the host grew by ${(rssOpen - rssBefore).toFixed(0)} MiB`);
    assert.match(dense.text, /: 1600\d{3} nodes in \d+ ms, in a worker thread$/);
    const frame = await webviewFrame('CRL announcement', 60_000);
    await frame.waitForSelector('.checks .check', { timeout: 60_000 });
    const text = await frame.evaluate(() => document.body.innerText);
    assert.doesNotMatch(text, /node count|Maximum ASN\.1|does not decode/);
    assert.match(text, /1600\d{3} nodes \(100\.0% named\)/);
    await page.screenshot({ path: join(results, 'vscode-inspector-dense-crlann.png') });
    await runCommand('View: Close All Editors');
  });

  it('while the dense crlann decodes, the host opens and decodes another message', async () => {
    // The dense crlann was opened once before: this is its second decode.
    await openFromExplorer('dense-crlann.pkimsg');
    const started = (await logLine('decoding dense-crlann.pkimsg', 60_000, 1)).at;
    // Another gesture while the big one decodes: a second inspector, which the host opens and decodes.
    await openFromExplorer('while-decoding.pkimsg');
    const small = await logLine('decoded while-decoding.pkimsg');
    const smallStarted = await logLine('decoding while-decoding.pkimsg');
    const dense = await logLine('decoded dense-crlann.pkimsg', 120_000, 1);
    console.log(`while decoding: ${small.text}, then ${dense.text}`);
    // The small message started decoding after the big one and was done before it.
    assert.ok(started <= smallStarted.at, 'the small message was opened while the big one decoded');
    assert.ok(
      small.at <= dense.at,
      `the host decoded another message meanwhile: ${small.text} / ${dense.text}`,
    );
    await webviewFrame('initialization request', 30_000);
    await page
      .getByRole('tab', { name: /dense-crlann\.pkimsg/ })
      .first()
      .click();
    await webviewFrame('CRL announcement', 60_000);
  });

  it("closing an inspector frees its model: the 2 MB message opened and closed five times leaves the host's memory within 50 MB", async () => {
    await runCommand('View: Close All Editors');
    await page.waitForTimeout(5000);
    const before = cs!.hostRssMiB();
    for (let i = 0; i < 5; i++) {
      const t = Date.now();
      await openFromExplorer('extra-certs.pkimsg');
      await h.msToFirstRow(page, 'certification request', t, 60_000);
      await runCommand('View: Close All Editors');
    }
    await page.waitForTimeout(15_000);
    const after = cs!.hostRssMiB();
    console.log(
      `extension host resident memory: ${before.toFixed(0)} MiB before, ${after.toFixed(0)} MiB after five opens and closes`,
    );
    assert.ok(after - before <= 50, `the host kept ${(after - before).toFixed(0)} MiB`);
  });

  it('Send Message from the inspector to the embedded test CA: an invalid server entry is flagged; the reply opens, the exchange is saved and listed', async () => {
    await openFromExplorer('ir-demo.pkimsg');
    await webviewFrame('initialization request', 45_000);
    await runCommand('CMP Lens: Send Message');
    // The server pick: the embedded test CA is the default first entry.
    await page
      .locator('.quick-input-list .monaco-list-row', { hasText: 'CMP Lens test CA (embedded)' })
      .first()
      .waitFor({ timeout: 10_000 });
    // The settings also hold {"name": "bad", "url": "ftp://nowhere.example"}: not offered, flagged in the pick.
    await page
      .locator('.quick-input-list .monaco-list-row', {
        hasText: 'cmpLens.servers[1] "bad": ftp://nowhere.example is not an http(s) URL',
      })
      .first()
      .waitFor({ timeout: 10_000 })
      .catch(async (e) => {
        await page.screenshot({ path: join(results, 'vscode-invalid-server-failed.png') });
        const settingsFiles = grepTree(work, 'cmpLens', [/extensions$/, /workspace$/, /logs$/]).map(
          (f) => `${f}: ${readFileSync(f, 'utf8').slice(0, 600)}`,
        );
        throw new Error(`${(e as Error).message}\n${settingsFiles.join('\n')}`);
      });
    await page.screenshot({ path: join(results, 'vscode-invalid-server-flagged.png') });
    // Pick the embedded test CA by its row (the input box may no longer have the keyboard focus).
    await page
      .locator('.quick-input-list .monaco-list-row', { hasText: 'CMP Lens test CA (embedded)' })
      .first()
      .click();
    const frame = await webviewFrame('initialization response', 45_000).catch(async (e) => {
      await page.screenshot({ path: join(results, 'vscode-send-failed.png') });
      throw e;
    });
    // The reply is checked with the secret the transaction used, so it agrees with the exchange (and
    // summary.txt): valid, though a secret for its senderKID typed earlier ('s3cret') is another one.
    await frame
      .waitForFunction(
        () => document.querySelector('.summary .protection')?.textContent === 'protection: valid',
        undefined,
        { timeout: 15_000 },
      )
      .catch(async (e) => {
        await page.screenshot({ path: join(results, 'vscode-send-reply-failed.png') });
        throw e;
      });
    const exchanges = join(work, 'workspace', 'cmp-exchanges');
    const folder = readdirSync(exchanges)[0];
    assert.deepEqual(readdirSync(join(exchanges, folder)).sort(), [
      '01-ir.pkimsg',
      '02-ip.pkimsg',
      '03-certConf.pkimsg',
      '04-pkiconf.pkimsg',
      'issued-0.pem',
      'summary.txt',
    ]);
    assert.match(readFileSync(join(exchanges, folder, 'summary.txt'), 'utf8'), /result: completed/);
    await page.waitForFunction(
      () =>
        [...document.querySelectorAll('.statusbar-item')].some((e) =>
          (e.textContent ?? '').includes('CMP test CA'),
        ),
      undefined,
      { timeout: 15_000 },
    );
    await page
      .locator('.monaco-list-row', { hasText: 'ir → CMP Lens test CA' })
      .first()
      .waitFor({ timeout: 15_000 })
      .catch(async (e) => {
        await page.screenshot({ path: join(results, 'vscode-send-view-failed.png') });
        throw e;
      });
    await page.screenshot({ path: join(results, 'vscode-send-embedded.png') });
    // The shared secret protected the certConf too: it is in no log, setting, saved exchange or DOM.
    assert.deepEqual(grepTree(work, 'cmp-lens-demo', [/state\.vscdb/, /extensions/]), []);
    assert.ok(!(await frame.content()).includes('cmp-lens-demo'));
  });

  it("a request protected with another secret than the server's: badMessageCheck, then Re-protect with the server's secret and send again", async () => {
    const exchanges = join(work, 'workspace', 'cmp-exchanges');
    const before = readdirSync(exchanges).length;
    // The earlier send's reply must not stand in for this one's.
    await runCommand('View: Close All Editors');
    // ir-pbm.pkimsg is protected with s3cret; the embedded test CA takes cmp-lens-demo.
    await openFromExplorer('ir-pbm.pkimsg');
    await webviewFrame('initialization request', 45_000);
    await runCommand('CMP Lens: Send Message');
    await page
      .locator('.quick-input-list .monaco-list-row', { hasText: 'CMP Lens test CA (embedded)' })
      .first()
      .click({ timeout: 15_000 });
    const again = page
      .locator('.notifications-toasts .monaco-button', {
        hasText: "Re-protect with the server's secret and send again",
      })
      .first();
    await again.waitFor({ timeout: 45_000 }).catch(async (e) => {
      await page.screenshot({ path: join(results, 'vscode-reprotect-failed.png') });
      throw e;
    });
    await page.screenshot({ path: join(results, 'vscode-badmessagecheck.png') });
    await again.click();
    const box = page.locator('.quick-input-widget input');
    await box.waitFor({ timeout: 10_000 });
    await box.fill('cmp-lens-demo');
    await box.press('Enter');
    await webviewFrame('initialization response', 45_000);
    // The second exchange is complete once its summary is written.
    const until = Date.now() + 45_000;
    const done = () => {
      const f = readdirSync(exchanges).sort();
      return f.length === before + 2 && existsSync(join(exchanges, f.at(-1)!, 'summary.txt'));
    };
    while (!done() && Date.now() < until) await page.waitForTimeout(250);
    const folders = readdirSync(exchanges).sort();
    assert.equal(folders.length, before + 2);
    assert.match(readFileSync(join(exchanges, folders.at(-2)!, 'summary.txt'), 'utf8'), /badMessageCheck/);
    assert.match(readFileSync(join(exchanges, folders.at(-1)!, 'summary.txt'), 'utf8'), /result: completed/);
    assert.deepEqual(grepTree(work, 'cmp-lens-demo', [/state\.vscdb/, /extensions/]), []);
    await runCommand('View: Close All Editors');
  });

  it('New Request from the palette opens the composer; Save writes the request and its key (0600); Send gets a certificate', async () => {
    const ws = join(work, 'workspace');
    const exchanges = join(ws, 'cmp-exchanges');
    const before = readdirSync(exchanges).length;
    await runCommand('CMP Lens: New Request');
    const frame = await webviewFrame('Proof of possession', 45_000).catch(async (e) => {
      await page.screenshot({ path: join(results, 'vscode-composer-failed.png') });
      throw e;
    });
    await frame.waitForSelector('.preview-pane .tree .row .name:text-is("header")', { timeout: 30_000 });
    await frame.waitForFunction(
      () => /protection\s*valid/.test(document.querySelector('.preview-pane > .checks')?.textContent ?? ''),
      undefined,
      { timeout: 30_000 },
    );
    await h.postFromWebview(frame, h.hostileMessages(hostileMarker));
    await waitForLog(/composer: dropped a malformed message from the webview \(kind "change"\)/);
    const subject = frame.locator('.field-row[data-path="spec.template.subject"] input').first();
    await subject.click();
    await subject.press('Control+A');
    await subject.pressSequentially('CN=made in the composer');
    // Typed keys can land elsewhere if VS Code moves focus while they are sent (seen once in CI): then
    // the field gets the value directly, which fires the same input event.
    if ((await subject.inputValue()) !== 'CN=made in the composer')
      await subject.fill('CN=made in the composer');
    await frame
      .waitForFunction(
        () => /CN=made in the composer/.test(document.querySelector('.summary')?.textContent ?? ''),
        undefined,
        { timeout: 30_000 },
      )
      .catch(async (e) => {
        await page.screenshot({ path: join(results, 'vscode-composer-subject-failed.png') });
        const seen = await frame.evaluate(() => ({
          summary: document.querySelector('.summary')?.textContent,
          subject: document.querySelector<HTMLInputElement>(
            '.field-row[data-path="spec.template.subject"] input',
          )?.value,
          errors: document.querySelector('.errors')?.textContent,
        }));
        throw new Error(
          `the preview did not show the new subject: ${JSON.stringify(seen)}: ${(e as Error).message}`,
        );
      });
    await page.screenshot({ path: join(results, 'vscode-composer.png') });
    await frame.click('vscode-button.save');
    // code-server's save dialog is VS Code's simple file dialog, a quick input holding the default path.
    const box = page.locator('.quick-input-widget input');
    await box.waitFor({ timeout: 10_000 });
    // It fills in the default path (workspace/ir.pkimsg) a moment after it opens.
    await page
      .waitForFunction(
        () =>
          /ir\.pkimsg$/.test(
            document.querySelector<HTMLInputElement>('.quick-input-widget input')?.value ?? '',
          ),
        undefined,
        { timeout: 10_000 },
      )
      .catch(async (e) => {
        await page.screenshot({ path: join(results, 'vscode-composer-save-failed.png') });
        throw new Error(`the save dialog shows "${await box.inputValue()}": ${(e as Error).message}`);
      });
    // The dialog says what it saves, and offers a folder of the request's own, not the workspace root.
    assert.match(
      await page.locator('.quick-input-widget .quick-input-title').innerText(),
      /CMP Lens: save the ir request/,
    );
    assert.match(await box.inputValue(), /\/workspace\/cmp-requests\/ir-\d{8}-\d{6}\/ir\.pkimsg$/);
    await box.press('Enter');
    const requests = join(ws, 'cmp-requests');
    const until = Date.now() + 15_000;
    const keyFile = () => {
      const dir = existsSync(requests)
        ? readdirSync(requests).find((d) => /^ir-\d{8}-\d{6}$/.test(d))
        : undefined;
      return dir && existsSync(join(requests, dir, 'ir.key.pem'))
        ? join(requests, dir, 'ir.key.pem')
        : undefined;
    };
    while (!keyFile() && Date.now() < until) await page.waitForTimeout(250);
    const key = keyFile();
    assert.ok(key, 'the request and its key were saved in cmp-requests/ir-DATE/');
    assert.ok(existsSync(key.replace(/\.key\.pem$/, '.pkimsg')), 'the request was saved beside it');
    assert.ok(
      !existsSync(join(ws, 'ir.pkimsg')) && !existsSync(join(ws, 'ir.key.pem')),
      'nothing in the root',
    );
    assert.equal(statSync(key).mode & 0o777, 0o600, 'the private key is readable by its owner only');
    assert.match(readFileSync(key, 'utf8'), /^-----BEGIN PRIVATE KEY-----/);
    assert.match(readFileSync(join(requests, '.gitignore'), 'utf8'), /^\*\.key\.pem$/m);
    await frame.click('vscode-button.send');
    await page
      .locator('.quick-input-list .monaco-list-row', { hasText: 'CMP Lens test CA (embedded)' })
      .first()
      .waitFor({ timeout: 10_000 });
    await box.press('Enter');
    await webviewFrame('initialization response', 45_000).catch(async (e) => {
      await page.screenshot({ path: join(results, 'vscode-composer-send-failed.png') });
      throw e;
    });
    const folders = readdirSync(exchanges).sort();
    assert.equal(folders.length, before + 1);
    const summary = readFileSync(join(exchanges, folders.at(-1)!, 'summary.txt'), 'utf8');
    assert.match(summary, /result: completed/);
    assert.match(readFileSync(join(exchanges, folders.at(-1)!, 'issued-0.pem'), 'utf8'), /BEGIN CERTIFICATE/);
  });

  it('Edit as New Request fills the composer from a request, which then gets a certificate; Resend sends it again as a new transaction', async () => {
    const exchanges = join(work, 'workspace', 'cmp-exchanges');
    const before = readdirSync(exchanges).length;
    // An earlier reply left open must not stand in for this test's.
    await runCommand('View: Close All Editors');
    await openFromExplorer('ir-demo.pkimsg');
    await webviewFrame('initialization request', 45_000);
    await runCommand('CMP Lens: Edit as New Request');
    const composer = await webviewFrame('From ir-demo.pkimsg.', 45_000).catch(async (e) => {
      await page.screenshot({ path: join(results, 'vscode-edit-failed.png') });
      throw e;
    });
    assert.equal(
      await composer.inputValue('.field-row[data-path="spec.template.subject"] input'),
      'CN=sent from VS Code',
    );
    await composer.waitForFunction(
      () => /protection\s*valid/.test(document.querySelector('.preview-pane > .checks')?.textContent ?? ''),
      undefined,
      { timeout: 30_000 },
    );
    await page.screenshot({ path: join(results, 'vscode-edit-as-new.png') });
    await composer.click('vscode-button.send');
    const box = page.locator('.quick-input-widget input');
    await box.waitFor({ timeout: 10_000 });
    await page.waitForFunction(
      () =>
        /\.pkimsg$/.test(document.querySelector<HTMLInputElement>('.quick-input-widget input')?.value ?? ''),
      undefined,
      { timeout: 10_000 },
    );
    await box.press('Enter');
    await page
      .locator('.quick-input-list .monaco-list-row', { hasText: 'CMP Lens test CA (embedded)' })
      .first()
      .click({ timeout: 15_000 });
    await webviewFrame('initialization response', 45_000);
    await runCommand('View: Close All Editors');
    // Resend the original as a new transaction: its secret is known from the earlier send of it.
    await openFromExplorer('ir-demo.pkimsg');
    await webviewFrame('initialization request', 45_000);
    await runCommand('CMP Lens: Resend');
    await page
      .locator('.quick-input-list .monaco-list-row', { hasText: 'As a new transaction' })
      .first()
      .click({ timeout: 10_000 });
    await page
      .locator('.quick-input-list .monaco-list-row', { hasText: 'CMP Lens test CA (embedded)' })
      .first()
      .click({ timeout: 15_000 });
    const reply = await webviewFrame('initialization response', 45_000).catch(async (e) => {
      await page.screenshot({ path: join(results, 'vscode-resend-failed.png') });
      throw e;
    });
    await reply.waitForFunction(
      () => document.querySelector('.summary .protection')?.textContent === 'protection: valid',
      undefined,
      { timeout: 15_000 },
    );
    const until = Date.now() + 45_000;
    const complete = () => {
      const f = readdirSync(exchanges).sort();
      return (
        f.length === before + 2 && f.slice(-2).every((d) => existsSync(join(exchanges, d, 'summary.txt')))
      );
    };
    while (!complete() && Date.now() < until) await page.waitForTimeout(250);
    const folders = readdirSync(exchanges).sort();
    assert.equal(folders.length, before + 2);
    for (const f of folders.slice(-2))
      assert.match(readFileSync(join(exchanges, f, 'summary.txt'), 'utf8'), /result: completed/);
    const ids = folders
      .slice(-2)
      .map((f) => readFileSync(join(exchanges, f, '01-ir.pkimsg')).subarray(0, 64));
    assert.notDeepEqual(ids[0], ids[1]);
    await runCommand('View: Close All Editors');
  });

  it('a .pcap opens in the capture view; a message opens in the inspector', async () => {
    await openFromExplorer('cmp-http-ir-exchange.pcap');
    const frame = await webviewFrame('6 CMP messages in 2 exchanges', 45_000).catch(async (e) => {
      await page.screenshot({ path: join(results, 'vscode-capture-failed.png') });
      throw e;
    });
    assert.equal(await frame.$$eval('tr.message', (e) => e.length), 6);
    await page.screenshot({ path: join(results, 'vscode-capture.png') });
    await h.postFromWebview(frame, h.hostileMessages(hostileMarker));
    await waitForLog(/capture: dropped a malformed message from the webview \(kind "open"\)/);
    await frame.click('tr.message[data-index="2"]');
    await webviewFrame('initialization response', 30_000);
    await page
      .getByRole('tab', { name: /cmp-http-ir-exchange\.pcap #2 ip/ })
      .first()
      .waitFor({ timeout: 10_000 });
  });

  it("a secret entered in the capture view checks its exchange's rows, whatever their senderKID, and the open inspector again", async () => {
    // #2 ip (senderKID 'mock') is open in an inspector: it waits for a secret.
    const ip = await webviewFrame('initialization response');
    await ip.waitForFunction(
      () => document.querySelector('.summary .protection')?.textContent === 'protection: needs-secret',
      undefined,
      { timeout: 15_000 },
    );
    await page
      .getByRole('tab', { name: /cmp-http-ir-exchange\.pcap$/ })
      .first()
      .click();
    const capture = await webviewFrame('6 CMP messages in 2 exchanges');
    const verdicts = () =>
      capture.$$eval('section[data-exchange="0"] tr.message td.protection', (tds) =>
        tds.map((td) => td.textContent),
      );
    assert.ok((await verdicts()).includes('needs-secret'), (await verdicts()).join(', '));
    await capture.click('section[data-exchange="0"] h2 .enter-secret');
    const box = page.locator('.quick-input-widget input');
    await box.waitFor({ timeout: 10_000 });
    await box.fill('s3cret');
    await box.press('Enter');
    await capture
      .waitForFunction(
        () =>
          [...document.querySelectorAll('section[data-exchange="0"] tr.message td.protection')].every(
            (td) => td.textContent === 'valid',
          ),
        undefined,
        { timeout: 20_000 },
      )
      .catch(async (e) => {
        await page.screenshot({ path: join(results, 'vscode-capture-secret-failed.png') });
        throw e;
      });
    await page.screenshot({ path: join(results, 'vscode-capture-secret.png') });
    await ip.waitForFunction(
      () => document.querySelector('.summary .protection')?.textContent === 'protection: valid',
      undefined,
      { timeout: 15_000 },
    );
  });

  it("the capture's first exchange as a sequence diagram: four arrows; clicking one opens its message", async () => {
    // Back to the capture view (the explorer focuses the editor already open).
    await openFromExplorer('cmp-http-ir-exchange.pcap');
    const capture = await webviewFrame('6 CMP messages in 2 exchanges');
    await capture.click('section[data-exchange="0"] h2 .show-diagram');
    const diagram = await webviewFrame('Click an arrow to open its message.', 30_000).catch(async (e) => {
      await page.screenshot({ path: join(results, 'vscode-diagram-failed.png') });
      throw e;
    });
    await diagram.waitForSelector('svg g.arrow', { timeout: 15_000 });
    const arrows = await diagram.$$eval('svg g.arrow', (gs) =>
      gs.map((g) => g.querySelector('text')?.textContent ?? ''),
    );
    assert.deepEqual(arrows, ['ir', 'ip · accepted', 'certConf', 'pkiconf']);
    // The secret entered before checks them all: the verdicts on the arrows say valid.
    const details = await diagram.$$eval('svg g.arrow text:nth-of-type(2)', (ts) =>
      ts.map((t) => t.textContent),
    );
    assert.ok(
      details.every((d) => /^protection valid/.test(d ?? '')),
      details.join(' | '),
    );
    await page.screenshot({ path: join(results, 'vscode-diagram.png') });
    await diagram.click('svg g.arrow[data-index="3"]');
    await page
      .getByRole('tab', { name: /cmp-http-ir-exchange\.pcap #4 pkiconf/ })
      .first()
      .waitFor({ timeout: 15_000 });
    await runCommand('View: Close Editor');
  });

  it('a captured request opens from the capture view and is edited as a new request', async () => {
    await openFromExplorer('cmp-http-ir-exchange.pcap');
    const capture = await webviewFrame('6 CMP messages in 2 exchanges');
    await capture.click('tr.message[data-index="1"]');
    await page
      .getByRole('tab', { name: /cmp-http-ir-exchange\.pcap #1 ir/ })
      .first()
      .waitFor({ timeout: 15_000 });
    await runCommand('CMP Lens: Edit as New Request');
    const composer = await webviewFrame('From cmp-http-ir-exchange.pcap #1 ir.', 45_000).catch(async (e) => {
      await page.screenshot({ path: join(results, 'vscode-edit-captured-failed.png') });
      throw e;
    });
    assert.match(await composer.inputValue('.field-row[data-path="spec.template.subject"] input'), /CN=/);
    await runCommand('View: Close All Editors');
  });

  it('the walkthrough lists its six steps; its buttons open the example and its sequence picture', async () => {
    await runCommand('Welcome: Open Walkthrough...');
    await page
      .locator('.quick-input-list .monaco-list-row', { hasText: 'Get started with CMP Lens' })
      .first()
      .click({ timeout: 15_000 });
    const steps = page.locator('.getting-started-step .step-title');
    await steps.first().waitFor({ timeout: 15_000 });
    const titles = (await steps.allInnerTexts()).map((t) => t.trim());
    assert.deepEqual(titles, [
      'Open a CMP message',
      'Check its protection',
      'Read the exchange as a picture',
      'Build a request',
      'Send it to the embedded test CA',
      'Read the reply',
    ]);
    await page.screenshot({ path: join(results, 'vscode-walkthrough.png') });
    await page
      .locator('.getting-started-step a, .getting-started-step .button-link', { hasText: 'Open the example' })
      .first()
      .click();
    // The example shipped in the extension opens in the inspector.
    await page
      .getByRole('tab', { name: /02-ip\.pkimsg/ })
      .first()
      .waitFor({ timeout: 30_000 });
    await page
      .getByRole('tab', { name: /Welcome/ })
      .first()
      .click();
    await page
      .locator('.getting-started-step .step-title', { hasText: 'Read the exchange as a picture' })
      .first()
      .click();
    await page
      .locator('.getting-started-step a, .getting-started-step .button-link', {
        hasText: 'Show the sequence diagram',
      })
      .first()
      .click();
    // The example's picture (a capture's may be open too): its title names the example folder.
    let diagram: Frame | undefined;
    for (let i = 0; i < 60 && !diagram; i++) {
      for (const f of page.frames()) {
        const text = await f.evaluate(() => document.body?.innerText ?? '').catch(() => '');
        if (text.includes('exchange-ir-pbm') && text.includes('Click an arrow')) diagram = f;
      }
      if (!diagram) await page.waitForTimeout(500);
    }
    assert.ok(diagram, 'the sequence diagram of the example opened');
    await diagram.waitForSelector('svg g.arrow', { state: 'attached', timeout: 15_000 }).catch(async (e) => {
      await page.screenshot({ path: join(results, 'vscode-walkthrough-failed.png') });
      throw e;
    });
    assert.match(await diagram.evaluate(() => document.body.innerText), /exchange-ir-pbm/);
    assert.equal(await diagram.$$eval('svg g.arrow', (g) => g.length), 4);
    await page.screenshot({ path: join(results, 'vscode-walkthrough-diagram.png') });
  });

  it('our settings appear in the Settings UI with their descriptions', async () => {
    await runCommand('Preferences: Open Settings (UI)');
    await page.waitForSelector('.settings-editor', { timeout: 15_000 });
    await page.waitForTimeout(1000);
    // The search box has focus when the Settings editor opens.
    await page.keyboard.type('cmpLens');
    // Our settings are machine-overridable: with code-server's remote extension host the Settings UI
    // lists them under the Remote tab, not User.
    await page
      .locator('.settings-editor .settings-tabs-widget .action-label', { hasText: 'Remote' })
      .first()
      .click();
    await page
      .waitForFunction(
        () => (document.querySelector('.settings-editor')?.textContent ?? '').includes('CMP servers that'),
        undefined,
        { timeout: 15_000 },
      )
      .catch(async (e) => {
        await page.screenshot({ path: join(results, 'vscode-settings-ui-failed.png') });
        throw e;
      });
    const text = await page.evaluate(() => document.querySelector('.settings-editor')?.textContent ?? '');
    assert.match(text, /Trust anchor certificates \(PEM or DER files\)/);
    await page.screenshot({ path: join(results, 'vscode-settings-ui.png') });
    await page.keyboard.press('Escape');
  });

  // Last of the UI steps: VS Code rewrites the user settings.json when the theme changes, and in
  // code-server's remote extension host machine-overridable settings from that file are then no
  // longer seen (cmpLens.servers falls back to its default), which the Send step would notice.
  it('the inspector follows the colour theme: light, dark and high contrast screenshots', async () => {
    await openFromExplorer('ir-pbm.pkimsg');
    const frame = await webviewFrame('initialization request', 45_000);
    const luminance = () =>
      frame.evaluate(() => {
        const [r, g, b] = (
          getComputedStyle(document.body).backgroundColor.match(/\d+/g) ?? ['0', '0', '0']
        ).map(Number);
        return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
      });
    // "Preferences: Color Theme", as a user picks it (the row is clicked: Enter could take "Browse…").
    const pick = async (theme: string) => {
      const box = await runCommand('Preferences: Color Theme');
      await page.waitForFunction(
        () =>
          /theme/i.test(
            document.querySelector('.quick-input-widget input')?.getAttribute('placeholder') ?? '',
          ),
        undefined,
        { timeout: 10_000 },
      );
      await page.locator('.quick-input-list .monaco-list-row').first().waitFor({ timeout: 10_000 });
      await box.fill(theme);
      await page
        .locator('.quick-input-list .monaco-list-row', { hasText: new RegExp(`^${theme}`) })
        .first()
        .click({ timeout: 10_000 })
        .catch(async (e) => {
          await page.screenshot({ path: join(results, 'vscode-theme-failed.png') });
          await page.keyboard.press('Escape');
          throw e;
        });
      await page.waitForTimeout(1500);
    };
    await pick('Light Modern');
    assert.ok((await luminance()) > 0.8, `light theme: background luminance ${await luminance()}`);
    await page.screenshot({ path: join(results, 'vscode-inspector-light.png') });
    await pick('Dark High Contrast');
    assert.ok((await luminance()) < 0.1, `high contrast: background luminance ${await luminance()}`);
    await page.screenshot({ path: join(results, 'vscode-inspector-high-contrast.png') });
    await pick('Dark Modern');
    assert.ok((await luminance()) < 0.3, `dark theme: background luminance ${await luminance()}`);
    await page.screenshot({ path: join(results, 'vscode-inspector-dark.png') });
  });

  it('the extension activated on demand (opening a CMP file), not at startup', () => {
    // code-server runs with --log trace, so the extension host logs each activation and its event.
    const files = grepTree(work, '_doActivateExtension', [/extensions$/, /workspace$/]);
    const lines = files.flatMap((f) =>
      readFileSync(f, 'utf8')
        .split('\n')
        .filter((l) => /_doActivateExtension .*cmp-lens/i.test(l)),
    );
    assert.ok(lines.length >= 1, `no activation line for cmp-lens in ${files.join(', ') || 'any log'}`);
    assert.match(lines[0], /activationEvent: 'onCustomEditor:cmpLens\.inspector'/);
    assert.doesNotMatch(lines.join('\n'), /activationEvent: '(\*|onStartupFinished)'/);
  });

  it('no hostile message content reached a log or any file', () => {
    assert.deepEqual(grepTree(work, hostileMarker, [/extensions$/]), []);
  });

  it('the extension host logged no error from CMP Lens', () => {
    // Our extension is cmp-lens.cmp-lens; the temporary folder's name is not ours to match.
    const ours = String(serverLog)
      .split('\n')
      .filter(
        (l) =>
          /cmp-lens\.cmp-lens|CMP Lens/.test(l) &&
          /\b(error|exception)\b/i.test(l) &&
          !/\b(trace|debug)\b/.test(l),
      );
    assert.deepEqual(ours, []);
  });
});
