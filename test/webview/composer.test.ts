/**
 * The composer webview in headless Chromium, its host answered by the real ComposerEngine: fill
 * the form, see the preview follow, get errors on the right fields, and the actions reach the host.
 */
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { chromiumMissing, launch, openComposer, screenshot, serve, type OpenedComposer } from './harness';

const missing = chromiumMissing();
let browser: Browser;
let server: Server;
let origin: string;

before(async () => {
  if (missing) throw new Error(`webview tests cannot run: ${missing}`);
  browser = await launch();
  ({ server, origin } = await serve());
});

after(async () => {
  await browser?.close();
  server?.close();
});

const row = (path: string) => `.field-row[data-path="${path}"]:not([hidden])`;

/** Types into a text field or textarea the way a user does (select all, type). */
async function type(page: Page, path: string, text: string): Promise<void> {
  const input = page.locator(`${row(path)} input, ${row(path)} textarea`).first();
  await input.click();
  await input.press('Control+A');
  if (text) await input.pressSequentially(text);
  else await input.press('Backspace');
}

/** Chooses an option of a vscode-single-select (set as its own keyboard/mouse handling would, then `change`). */
async function choose(page: Page, path: string, value: string): Promise<void> {
  await page.$eval(
    `${row(path)} vscode-single-select`,
    (e, v) => {
      (e as HTMLElement & { value: string }).value = v;
      e.dispatchEvent(new Event('change'));
    },
    value,
  );
}

const fieldError = (page: Page, path: string) =>
  page.$eval(`${row(path)} .field-error`, (e) => e.textContent ?? '');
const rowNames = (page: Page) =>
  page.$$eval('.preview-pane .tree .row .name', (els) => els.map((e) => e.textContent));

async function done(c: OpenedComposer): Promise<void> {
  assert.deepEqual(c.errors, [], 'no page errors');
  await c.page.close();
}

describe('composer webview', () => {
  it("shows the preview of the default request: the inspector's tree, summary and a valid MAC", async () => {
    const c = await openComposer(browser, origin);
    const p = await c.settled();
    assert.ok(p.ok);
    await c.page.waitForSelector('.preview-pane .tree .row');
    const names = await rowNames(c.page);
    for (const n of ['header', 'body', 'protection']) assert.ok(names.includes(n), names.join(','));
    assert.equal(await c.page.$eval('.summary .kind', (e) => e.textContent), 'ir — initialization request');
    assert.match(
      await c.page.$eval('.preview-pane > .checks', (e) => e.textContent ?? ''),
      /protection\s*valid/,
    );
    assert.equal(await c.page.$eval('.errors', (e) => e.childElementCount), 0);
    assert.equal(await c.page.$eval('vscode-button.save', (e) => e.hasAttribute('disabled')), false);
    await screenshot(c.page, 'composer-default');
    await done(c);
  });

  it('follows the form: a new subject shows in the preview (the sender defaults to it)', async () => {
    const c = await openComposer(browser, origin);
    await c.settled();
    await type(c.page, 'spec.template.subject', 'CN=Alice, O=Example');
    const p = await c.settled();
    assert.ok(p.ok);
    assert.match(p.show.summary?.sender ?? '', /CN=Alice/);
    await c.page.waitForFunction(() =>
      /CN=Alice/.test(document.querySelector('.summary')?.textContent ?? ''),
    );
    const change = c.sent.filter((m) => m.type === 'change').at(-1);
    assert.equal(
      change?.type === 'change' ? change.form.spec.template?.subject : undefined,
      'CN=Alice, O=Example',
    );
    await done(c);
  });

  it('puts errors on their fields: bad IP address, no subject and no SAN, secret missing', async () => {
    const c = await openComposer(browser, origin);
    await c.settled();
    await type(c.page, 'spec.template.sans', 'dns:ok.example\nip:300.1.2.3');
    let p = await c.settled();
    assert.equal(p.ok, false);
    assert.match(await fieldError(c.page, 'spec.template.sans'), /300\.1\.2\.3/);
    assert.match(await c.page.$eval('.errors', (e) => e.textContent ?? ''), /template\.sans\[1\]/);
    assert.equal(
      await c.page.$eval('vscode-button.save', (e) => e.hasAttribute('disabled')),
      true,
      'Save is off while the form has errors',
    );
    await screenshot(c.page, 'composer-bad-ip');

    await type(c.page, 'spec.template.sans', '');
    await type(c.page, 'spec.template.subject', '');
    p = await c.settled();
    assert.equal(p.ok, false);
    assert.match(await fieldError(c.page, 'spec.template.subject'), /subject or at least one subjectAltName/);
    assert.equal(await fieldError(c.page, 'spec.template.sans'), '');

    await type(c.page, 'spec.template.subject', 'CN=x');
    await choose(c.page, 'protection.secret', 'typed');
    p = await c.settled();
    assert.equal(p.ok, false);
    assert.match(await fieldError(c.page, 'protection.secret'), /secret is missing/);
    await c.page.click(`${row('protection.secret')} vscode-button.enter-secret`);
    assert.ok(
      c.sent.some((m) => m.type === 'enterSecret'),
      'Enter secret… asks the host',
    );
    // A number field checked in the webview itself.
    await type(c.page, 'protection.iterations', '12x');
    await c.settled();
    assert.match(await fieldError(c.page, 'protection.iterations'), /not a whole number/);
    await done(c);
  });

  it('switches sections with the body: rr shows revocation fields and builds from them', async () => {
    const c = await openComposer(browser, origin);
    await c.settled();
    await choose(c.page, 'spec.body', 'rr');
    assert.equal(await c.page.isVisible(row('spec.template.subject')), false);
    assert.equal(await c.page.isVisible(row('spec.revoke.serialHex')), true);
    await type(c.page, 'spec.revoke.issuer', 'CN=CMP Lens Test CA, O=CMP Lens');
    await type(c.page, 'spec.revoke.serialHex', '01a2b3');
    await choose(c.page, 'spec.revoke.reason', '1');
    const p = await c.settled();
    assert.ok(p.ok, p.ok ? '' : JSON.stringify(p.errors));
    assert.equal(p.show.summary?.bodyType, 'rr');
    const change = c.sent.filter((m) => m.type === 'change').at(-1);
    assert.deepEqual(change?.type === 'change' ? change.form.spec.revoke : undefined, {
      issuer: 'CN=CMP Lens Test CA, O=CMP Lens',
      serialHex: '01a2b3',
      reason: 1,
    });
    await screenshot(c.page, 'composer-rr');
    await done(c);
  });

  it('sends Save, Open in Inspector, Send and file picks to the host', async () => {
    const c = await openComposer(browser, origin);
    await c.settled();
    await c.page.click('vscode-button.save');
    await c.page.click('vscode-button.open');
    await c.page.click('vscode-button.send');
    await c.page.click(`${row('files.key')} vscode-button.choose-file`);
    await c.page.waitForTimeout(100);
    assert.deepEqual(
      c.sent.filter((m) => ['save', 'openInInspector', 'send', 'pickFile'].includes(m.type)),
      [{ type: 'save' }, { type: 'openInInspector' }, { type: 'send' }, { type: 'pickFile', field: 'key' }],
    );
    // The host answers a pick with paths: the form takes them and builds with the key file.
    await c.page.evaluate(() =>
      window.postMessage({ type: 'files', field: 'key', paths: ['keys/ee-ec.key'] }, '*'),
    );
    const p = await c.settled();
    assert.ok(p.ok);
    assert.equal(p.generatedKey, undefined, 'the key file is used, none generated');
    assert.match(
      await c.page.$eval(`${row('files.key')} .file-list`, (e) => e.textContent ?? ''),
      /ee-ec\.key/,
    );
    await done(c);
  });

  it('comes back after a reload with the form it had (webview state)', async () => {
    const c = await openComposer(browser, origin);
    await c.settled();
    await type(c.page, 'spec.template.subject', 'CN=kept');
    await choose(c.page, 'spec.body', 'cr');
    await c.settled();
    const state = await c.page.evaluate(() => (window as unknown as { __state: unknown }).__state);
    await done(c);
    const again = await openComposer(browser, origin, { state });
    const p = await again.settled();
    assert.ok(p.ok);
    assert.equal(p.show.summary?.bodyType, 'cr');
    assert.equal(
      await again.page.$eval(
        `${row('spec.template.subject')} vscode-textfield`,
        (e) => (e as HTMLElement & { value: string }).value,
      ),
      'CN=kept',
    );
    const ready = again.sent.find((m) => m.type === 'ready');
    assert.equal(ready?.type === 'ready' ? ready.form?.spec.body : undefined, 'cr');
    await done(again);
  });

  it('renders hostile field text as text: a subject with markup runs nothing', async () => {
    const c = await openComposer(browser, origin);
    await c.settled();
    await type(c.page, 'spec.template.subject', 'CN=<img src=x onerror="window.__pwned=1">');
    const p = await c.settled();
    assert.ok(p.ok);
    await c.page.waitForFunction(() =>
      /<img src=x/.test(document.querySelector('.summary')?.textContent ?? ''),
    );
    assert.equal(await c.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    assert.equal(await c.page.$$eval('.preview-pane img', (e) => e.length), 0);
    await done(c);
  });
});
