/**
 * Layout at the widths people use (issue 22): VS Code windows of 1024, 1400 and 1920 px with the
 * Explorer open leave the webview about 350 px less. At each: the inspector's hex view shows whole
 * rows (16 bytes, or 8 when 16 do not fit — never an ASCII column cut off), the header's values stay on
 * one line (ellipsis and tooltip when cut), the splitter resizes the panes and is remembered, and the
 * capture table keeps its verdict column on screen. Screenshots: layout-*-WIDTH.png.
 */
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { fixture } from '../unit/helpers';
import { chromiumMissing, launch, openCapture, openInspector, screenshot, serve } from './harness';

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

/** Window width → the webview's width beside the activity bar and an Explorer of the default size. */
const windows = [1024, 1400, 1920];
const webviewWidth = (w: number) => w - 350;

async function overflowX(page: Page, selector: string): Promise<number> {
  return page.$eval(selector, (e) => e.scrollWidth - e.clientWidth);
}

describe('layout at 1024, 1400 and 1920 px windows', () => {
  for (const w of windows) {
    it(`inspector at ${w} px: whole hex rows, one-line header values, a splitter that is remembered`, async () => {
      const o = await openInspector(
        browser,
        origin,
        fixture('openssl-mock/ir-senderror-error.der'),
        'error',
        {
          width: webviewWidth(w),
          height: 800,
        },
      );
      await o.page.waitForSelector('.hex .hex-row .hex-ascii');
      assert.ok((await overflowX(o.page, '.hex')) <= 1, 'the hex view needs no horizontal scrolling');
      const cut = await o.page.$eval('.hex', (hex) => {
        const right = hex.getBoundingClientRect().right;
        return [...hex.querySelectorAll('.hex-ascii')].some(
          (a) => a.getBoundingClientRect().right > right + 1,
        );
      });
      assert.equal(cut, false, 'no ASCII column is cut');
      const perRow = await o.page.$eval('.hex', (e) => (e as HTMLElement).dataset.perRow ?? '16');
      if (w >= 1920) assert.equal(perRow, '16');
      // Header values: one line each; a cut one ends in an ellipsis, its tooltip holds it whole.
      const values = await o.page.$$eval('.summary .field:not(.wide) .v', (vs) =>
        vs.map((v) => ({
          oneLine: getComputedStyle(v).whiteSpace === 'nowrap',
          cut: v.scrollWidth > v.clientWidth,
          ellipsis: getComputedStyle(v).textOverflow === 'ellipsis',
          whole: (v as HTMLElement).title.startsWith(v.textContent ?? ''),
        })),
      );
      assert.ok(values.length > 5);
      for (const v of values) {
        assert.ok(v.oneLine && v.ellipsis && v.whole, JSON.stringify(v));
      }
      // The splitter: arrow keys move it; the share is kept in the webview's state.
      await o.page.focus('.splitter');
      await o.page.keyboard.press('ArrowLeft');
      await o.page.keyboard.press('ArrowLeft');
      const split = await o.page.evaluate(
        () => (window as unknown as { __state?: { split?: number } }).__state?.split,
      );
      assert.ok(split !== undefined && Math.abs(split - 0.4) < 0.001, String(split));
      assert.ok((await overflowX(o.page, '.hex')) <= 1);
      await screenshot(o.page, `layout-inspector-${w}`);
      await o.page.close();
    });

    it(`capture view at ${w} px: every column on screen, the verdicts included`, async () => {
      const o = await openCapture(browser, origin, fixture('pcap/cmp-http-ir-exchange.pcap'), 'cap.pcap');
      await o.page.setViewportSize({ width: webviewWidth(w), height: 800 });
      await o.page.waitForTimeout(200);
      const offscreen = await o.page.$eval('.exchanges', (box) => {
        const right = box.getBoundingClientRect().right;
        return [...box.querySelectorAll('td.protection, td.status')].filter(
          (td) => td.getBoundingClientRect().right > right + 1,
        ).length;
      });
      assert.equal(offscreen, 0, 'the PKIStatus and protection columns are on screen');
      await screenshot(o.page, `layout-capture-${w}`);
      await o.page.close();
    });
  }
});
