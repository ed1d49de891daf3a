/** The capture view in headless Chromium, fed by the real capture reader: exchanges, rows, gaps, actions. */
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeBigCapture } from '../bench/capture';
import { fixture } from '../unit/helpers';
import { chromiumMissing, launch, openCapture, screenshot, serve } from './harness';

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

describe('capture view', () => {
  it("lists the corpus capture's two exchanges with body, status and verdict; a click asks to open the message", async () => {
    const o = await openCapture(
      browser,
      origin,
      fixture('pcap/cmp-http-ir-exchange.pcap'),
      'cmp-http-ir-exchange.pcap',
    );
    const sections = await o.page.$$eval('.exchange h2 .flow', (e) => e.map((x) => x.textContent));
    assert.equal(sections.length, 2);
    assert.match(sections[0] ?? '', /ir → ip → certConf → pkiconf$/);
    const rows = await o.page.$$eval('tr.message', (trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].slice(0, 8).map((td) => td.textContent)),
    );
    assert.equal(rows.length, 6);
    assert.deepEqual(rows[1].slice(0, 2), ['#2', '8']);
    assert.deepEqual(rows[1].slice(5, 8), ['ip', 'accepted', 'valid']);
    await o.page.click('tr.message[data-index="3"]');
    await o.page.click('tr.message[data-index="5"] button.link');
    await o.page.click('vscode-button.export-all');
    assert.deepEqual(o.sent.slice(1), [
      { type: 'open', index: 3 },
      { type: 'export', index: 5 },
      { type: 'exportAll' },
    ]);
    await screenshot(o.page, 'capture-view');
    assert.deepEqual(o.errors, []);
    await o.page.close();
  });

  it('an exchange whose MACs wait for a secret offers "Enter secret…" in its heading; one that is valid does not', async () => {
    const o = await openCapture(
      browser,
      origin,
      fixture('pcap/cmp-http-ir-exchange.pcap'),
      'cmp-http-ir-exchange.pcap',
      null,
    );
    const verdicts = await o.page.$$eval('tr.message td.protection', (tds) =>
      tds.map((td) => td.textContent),
    );
    assert.ok(
      verdicts.every((v) => v === 'needs-secret'),
      verdicts.join(', '),
    );
    assert.equal(await o.page.$$eval('.exchange h2 .enter-secret', (e) => e.length), 2);
    await o.page.click('section[data-exchange="1"] h2 .enter-secret');
    assert.deepEqual(o.sent.at(-1), { type: 'enterSecret', index: 5 });
    await screenshot(o.page, 'capture-view-needs-secret');
    await o.page.close();
    const valid = await openCapture(browser, origin, fixture('pcap/cmp-http-ir-exchange.pcap'), 'x.pcap');
    assert.equal(await valid.page.$$eval('.enter-secret', (e) => e.length), 0);
    await valid.page.close();
  });

  it('shows what could not be read and the gaps: a truncated capture, a wrong content type', async () => {
    const t = await openCapture(browser, origin, fixture('captures/truncated.pcap'), 'truncated.pcap');
    const problems = await t.page.$eval('.problems', (e) => e.textContent ?? '');
    assert.match(problems, /the file ends inside a record/);
    assert.match(problems, /#5 \(genm\) got no HTTP response/);
    await t.page.close();
    const w = await openCapture(
      browser,
      origin,
      fixture('captures/wrong-content-type.pcap'),
      'wrong-content-type.pcap',
    );
    assert.equal(
      await w.page.$$eval(
        'td.flags',
        (e) =>
          e.filter((x) => /wrong content type "application\/octet-stream"/.test(x.textContent ?? '')).length,
      ),
      3,
    );
    await screenshot(w.page, 'capture-wrong-content-type');
    assert.deepEqual(w.errors, []);
    await w.page.close();
  });

  it('pages a big capture: 500 rows at a time, "Show more" adds the next, the DOM stays small', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cmp-lens-big-capture-'));
    let bytes: Uint8Array;
    let total: number;
    try {
      // One client replaying its exchange: one long exchange per transactionID, paged.
      total = makeBigCapture(join(dir, 'big.pcap'), 1_100_000, true);
      bytes = new Uint8Array(readFileSync(join(dir, 'big.pcap')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    assert.ok(total > 1000, `${total} messages`);
    const o = await openCapture(browser, origin, bytes, 'big.pcap');
    const count = () => o.page.$$eval('tr.message', (e) => e.length);
    assert.equal(await count(), 500);
    assert.ok((await o.page.$$eval('*', (e) => e.length)) < 8000);
    assert.match(
      await o.page.$eval('.exchange h2 .flow', (e) => e.textContent ?? ''),
      /ir → ip → certConf → pkiconf → ir → .* → … \(\d+ messages\)$/,
    );
    assert.equal(
      await o.page.$eval('vscode-button.show-more', (e) => e.textContent),
      `Show 500 more (500 of ${total} messages shown)`,
    );
    await o.page.click('vscode-button.show-more');
    assert.equal(await count(), 1000);
    await o.page.click('vscode-button.show-more');
    assert.equal(await count(), total);
    assert.equal(await o.page.$$eval('vscode-button.show-more', (e) => e.length), 0);
    assert.equal(await o.page.$$eval('.exchange', (e) => e.length), 2);
    assert.deepEqual(o.errors, []);
    await o.page.close();
  });
});
