/**
 * The sequence picture in headless Chromium: the corpus capture's first exchange (ir → ip → certConf
 * → pkiconf) drawn from the real capture reader, an arrow per message, a click asks to open it, a
 * hostile body name stays text, and a polling exchange shows its wait.
 */
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { captureView, diagramOfCapture, diagramOfTransaction } from '../../src/app';
import { parseCapture } from '../../src/core/capture';
import type { DiagramModel, DiagramToHost } from '../../src/shared/diagram';
import { fixture } from '../unit/helpers';
import { chromiumMissing, launch, screenshot, serve } from './harness';

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

async function openDiagram(
  model: DiagramModel,
): Promise<{ page: Page; sent: DiagramToHost[]; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1024, height: 700 } });
  const sent: DiagramToHost[] = [];
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.exposeFunction('__toHost', async (json: string) => {
    const m = JSON.parse(json) as DiagramToHost;
    sent.push(m);
    if (m.type === 'ready')
      await page.evaluate((msg) => window.postMessage(msg, '*'), { type: 'show', model } as unknown as Record<
        string,
        unknown
      >);
  });
  await page.goto(`${origin}/?view=diagram`);
  await page.waitForSelector('svg g.arrow', { timeout: 30_000 });
  return { page, sent, errors };
}

describe('sequence diagram', () => {
  it("the corpus capture's first exchange: four arrows, each way in turn, with verdict and status; a click opens", async () => {
    const view = await captureView(parseCapture(fixture('pcap/cmp-http-ir-exchange.pcap')), 'cap.pcap');
    const model = diagramOfCapture(view.exchanges[0], 'cmp-http-ir-exchange.pcap');
    const o = await openDiagram(model);
    const arrows = await o.page.$$eval('svg g.arrow', (gs) =>
      gs.map((g) => [...g.querySelectorAll('text')].map((t) => t.textContent).join(' | ')),
    );
    assert.equal(arrows.length, 4);
    assert.match(arrows[0], /^ir \| protection needs-secret · 16:23:48\.301 \| #1$/);
    assert.match(arrows[1], /^ip · accepted \| protection needs-secret · 16:23:48\.303/);
    assert.match(arrows[2], /^certConf/);
    assert.match(arrows[3], /^pkiconf/);
    // Requests go right (client → server), answers left.
    const directions = await o.page.$$eval('svg g.arrow line', (ls) =>
      ls.map((l) => (Number(l.getAttribute('x2')) > Number(l.getAttribute('x1')) ? '→' : '←')).join(''),
    );
    assert.equal(directions, '→←→←');
    await o.page.click('svg g.arrow[data-index="1"]');
    for (let i = 0; i < 50 && o.sent.at(-1)?.type !== 'open'; i++) await o.page.waitForTimeout(100);
    assert.deepEqual(o.sent.at(-1), { type: 'open', index: 1 });
    await o.page.click('vscode-button.save-svg');
    for (let i = 0; i < 50 && o.sent.at(-1)?.type !== 'saveSvg'; i++) await o.page.waitForTimeout(100);
    assert.deepEqual(o.sent.at(-1), { type: 'saveSvg' });
    await screenshot(o.page, 'diagram-capture');
    assert.deepEqual(o.errors, []);
    await o.page.close();
  });

  it('a polling exchange shows the wait; hostile names stay text', async () => {
    const hostile = '<img src=x onerror="window.__pwned=1">';
    const model = diagramOfTransaction(
      {
        ok: true,
        issued: [],
        messages: [
          { direction: 'sent', body: 'ir', at: 0, der: new Uint8Array() },
          { direction: 'received', body: 'ip', status: 'waiting', at: 40, der: new Uint8Array() },
          { direction: 'sent', body: 'pollReq', at: 2040, der: new Uint8Array() },
          { direction: 'received', body: hostile, at: 2050, der: new Uint8Array() },
        ],
      } as never,
      [
        {
          id: 'x',
          severity: 'warning',
          message: hostile,
          ref: 'RFC',
          offset: 0,
          path: '',
          profile: 'base',
          messageIndex: 3,
        },
      ],
      `title ${hostile}`,
      hostile,
    );
    const o = await openDiagram(model);
    assert.equal(await o.page.$$eval('svg g.wait', (w) => w.length), 1);
    assert.match(await o.page.$eval('svg g.wait text', (t) => t.textContent ?? ''), /^waits 2\.0 s$/);
    assert.equal(await o.page.$$eval('svg g.finding-warning', (w) => w.length), 1);
    assert.equal(await o.page.$$eval('img', (i) => i.length), 0);
    assert.equal(await o.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    await screenshot(o.page, 'diagram-polling');
    await o.page.close();
  });
});
