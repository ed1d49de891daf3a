import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { AnnotatedNode } from '../../src/shared/annotated';
import { walkWithPaths } from '../../src/core/inspect/paths';
import { toHex } from '../../src/core/der/values';
import { unwrapInput } from '../../src/core/base';
import { bigCrlann, hostileMessage, hostileStrings, hostileStructures, manyExtraCerts } from '../gen/inputs';
import { extraCertsOf, signedKur, withExtraCerts } from '../gen/signers';
import { denseCrlann } from '../gen/inputs';
import { fixture, fixtureFiles } from '../unit/helpers';
import { chromiumMissing, launch, openInspector, screenshot, serve, type Opened } from './harness';

const missing = chromiumMissing();
if (missing) {
  // Never pretend: without Chromium this suite fails with the reason.
  console.error(`webview tests cannot run: ${missing}`);
}

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

function findPath(roots: AnnotatedNode[], path: string): AnnotatedNode | undefined {
  let best: AnnotatedNode | undefined;
  walkWithPaths(roots, (n, p) => {
    if (p === path && (!best || n.length < best.length)) best = n;
  });
  return best;
}

const rowNames = (page: Page) => page.$$eval('.tree .row .name', (els) => els.map((e) => e.textContent));
const domSize = (page: Page) => page.evaluate(() => document.querySelectorAll('*').length);
const selectedName = (page: Page) =>
  page.$eval('.tree .row.selected .name', (e) => e.textContent).catch(() => undefined);

async function closeAll(o: Opened): Promise<void> {
  assert.deepEqual(o.errors, [], 'no page errors');
  await o.page.close();
}

describe('inspector webview: corpus fixtures render with field names', () => {
  for (const file of [...fixtureFiles('openssl-mock'), 'keys/ca.crt', 'bad/truncated-ip.der']) {
    it(file, async () => {
      const o = await openInspector(browser, origin, fixture(file), file);
      const names = await rowNames(o.page);
      if (file.startsWith('keys/')) assert.ok(names.includes('tbsCertificate'), names.join(','));
      else assert.ok(names.includes('header') && names.includes('body'), names.join(','));
      const kind = await o.page.$eval('.summary .kind', (e) => e.textContent);
      if (o.model.doc.summary)
        assert.equal(kind, `${o.model.doc.summary.bodyType} — ${o.model.doc.summary.bodyDescription}`);
      if (file === 'bad/truncated-ip.der') {
        assert.ok((await o.page.$$eval('.problems li', (l) => l.length)) > 0, 'problems listed');
        await screenshot(o.page, 'inspector-truncated-ip');
      }
      if (file.endsWith('ir-pbm.der')) await screenshot(o.page, 'inspector-ir-pbm');
      await closeAll(o);
    });
  }
});

describe('inspector webview: tree, hex view, details, filter, keyboard', () => {
  it('selecting a node highlights its tag, length and value bytes', async () => {
    const o = await openInspector(browser, origin, fixture('openssl-mock/ir-pbm.der'), 'ir-pbm');
    await o.page.click('.tree .row:has(.name:text-is("header")) .name');
    await o.page.waitForSelector('.hex .hl-tag');
    const header = findPath(o.model.doc.roots, 'header')!;
    const tag = await o.page.$$eval('.hex .hl-tag', (els) =>
      els.map((e) => Number((e as HTMLElement).dataset.offset)),
    );
    const len = await o.page.$$eval('.hex .hl-len', (els) => els.length);
    assert.deepEqual(tag, [header.offset]);
    assert.equal(len, header.headerLength - 1);
    assert.ok((await o.page.$$eval('.hex .hl-val', (els) => els.length)) > 100);
    assert.match(await o.page.$eval('.details h2', (e) => e.textContent ?? ''), /^header$/);
    assert.match(await o.page.$eval('.details', (e) => e.textContent ?? ''), /RFC 9810 §5\.1\.1/);
    await screenshot(o.page, 'inspector-select-header');
    await closeAll(o);
  });

  it('clicking a byte selects the innermost node covering it', async () => {
    const o = await openInspector(browser, origin, fixture('openssl-mock/ir-pbm.der'), 'ir-pbm');
    const nonce = findPath(o.model.doc.roots, 'header.senderNonce')!;
    await o.page.click(`.hex [data-offset="${nonce.offset + nonce.headerLength + 3}"]`);
    await o.page.waitForFunction(
      () => document.querySelector('.tree .row.selected .name')?.textContent === 'senderNonce',
    );
    assert.equal(await selectedName(o.page), 'senderNonce');
    assert.match(
      await o.page.$eval('.details .full-value', (e) => e.textContent ?? ''),
      /^f5cc79dd2f512db9a937bba1e4e53c00$/,
    );
    await screenshot(o.page, 'inspector-hex-click');
    await closeAll(o);
  });

  it('a signature shows 32 bytes in the tree row and all 256 in the details pane', async () => {
    const o = await openInspector(browser, origin, fixture('openssl-mock/cr-sig-rsa.der'), 'cr-sig-rsa');
    const sig = findPath(o.model.doc.roots, 'protection')!;
    const all = toHex(
      o.model.der.subarray(sig.offset + sig.headerLength + 1, sig.offset + sig.headerLength + sig.length),
    );
    assert.equal(all.length, 512);
    await o.page.click('.tree .row:has(.name:text-is("protection")) .twistie');
    const inner = '.tree .row:has(.name:text-is("protection")):has(.type:text-is("PKIProtection"))';
    await o.page.waitForSelector(inner);
    assert.equal(await o.page.$eval(`${inner} .value`, (e) => e.textContent ?? ''), `${all.slice(0, 64)}…`);
    await o.page.click(`${inner} .name`);
    await o.page.waitForFunction(() => document.querySelector('.details h2')?.textContent === 'protection');
    assert.equal(await o.page.$eval('.details .full-value', (e) => e.textContent ?? ''), all);
    await screenshot(o.page, 'inspector-long-value');
    await closeAll(o);
  });

  it('the filter finds a value and a click reveals it', async () => {
    const o = await openInspector(browser, origin, fixture('openssl-mock/ir-pbm.der'), 'ir-pbm');
    await o.page.click('vscode-textfield.filter');
    await o.page.keyboard.type('New EE');
    await o.page.waitForSelector('.matches .match');
    const paths = await o.page.$$eval('.matches .match .name', (els) => els.map((e) => e.textContent));
    assert.ok(paths.includes('body.ir[0].certReq.certTemplate.subject'), paths.join(', '));
    await o.page.click('.matches .match:has(.name:text-is("body.ir[0].certReq.certTemplate.subject"))');
    await o.page.waitForFunction(
      () => document.querySelector('.tree .row.selected .name')?.textContent === 'subject',
    );
    await screenshot(o.page, 'inspector-filter');
    await closeAll(o);
  });

  it('keyboard: arrows move and expand, Home/End, type-ahead', async () => {
    const o = await openInspector(browser, origin, fixture('openssl-mock/ir-pbm.der'), 'ir-pbm');
    await o.page.click('.tree .row .name');
    await o.page.keyboard.press('ArrowDown');
    assert.equal(await selectedName(o.page), 'header');
    await o.page.keyboard.press('ArrowRight');
    await o.page.waitForFunction(() =>
      [...document.querySelectorAll('.tree .row .name')].some((e) => e.textContent === 'pvno'),
    );
    await o.page.keyboard.press('ArrowRight');
    assert.equal(await selectedName(o.page), 'pvno');
    await o.page.keyboard.type('tra');
    assert.equal(await selectedName(o.page), 'transactionID');
    await o.page.keyboard.press('End');
    assert.equal(await selectedName(o.page), 'protection');
    await o.page.keyboard.press('Home');
    assert.equal(await selectedName(o.page), '·');
    await closeAll(o);
  });

  it('keeps expansion and selection in webview state and restores them', async () => {
    const o = await openInspector(browser, origin, fixture('openssl-mock/ir-pbm.der'), 'ir-pbm');
    await o.page.click('.tree .row:has(.name:text-is("header")) .twistie');
    await o.page.waitForSelector('.tree .row:has(.name:text-is("senderKID"))');
    await o.page.click('.tree .row:has(.name:text-is("senderKID")) .name');
    const state = (await o.page.evaluate(() => (window as unknown as { __state: unknown }).__state)) as {
      expanded: string[];
      selected: string;
    };
    assert.ok(state.expanded.includes('0.0'), JSON.stringify(state));
    assert.ok(state.selected);
    await o.page.addInitScript((s) => {
      (window as unknown as { __initialState: unknown }).__initialState = s;
    }, state);
    await o.page.reload();
    await o.page.waitForFunction(
      () => document.querySelector('.tree .row.selected .name')?.textContent === 'senderKID',
    );
    await closeAll(o);
  });
});

describe('inspector webview: values people read', () => {
  it("a rejection's header says its status, failInfo and statusString in words; a printable senderKID reads as text", async () => {
    const o = await openInspector(browser, origin, fixture('openssl-mock/ir-senderror-error.der'), 'error');
    const fields = await o.page.$$eval('.summary .field', (els) =>
      els.map((e) => [...e.children].map((c) => c.textContent).join(' ')),
    );
    assert.ok(fields.includes('senderKID 6d6f636b "mock"'), fields.join(' | '));
    assert.ok(
      fields.includes('status rejection (2) refused: failInfo and statusString say why'),
      fields.join(' | '),
    );
    assert.ok(
      fields.includes('failInfo badRequest this transaction is not permitted or not supported'),
      fields.join(' | '),
    );
    assert.ok(fields.includes('statusString error processing message'), fields.join(' | '));
    // A hex value is never broken mid-value: one line, an ellipsis if cut, the whole value in its tooltip.
    const tid = await o.page.$eval('.summary .field:has(.k:text-is("transactionID")) .v', (e) => ({
      lines: Math.round(
        e.getBoundingClientRect().height / parseFloat(getComputedStyle(e).lineHeight || '16'),
      ),
      title: (e as HTMLElement).title,
      wrap: getComputedStyle(e).whiteSpace,
    }));
    assert.equal(tid.wrap, 'nowrap');
    assert.equal(tid.title, 'f324f77aff4022b21e0564330a5c9a3f');
    await screenshot(o.page, 'inspector-rejection-header');
    await closeAll(o);
  });
});

describe('inspector webview: list rows lead with what tells them apart', () => {
  it('a CRL entry row reads [1], its serial, date and reason, then its type; a certificate in a list, its subject', async () => {
    const o = await openInspector(browser, origin, denseCrlann(3), 'crlann');
    await o.page.click('vscode-textfield.filter');
    await o.page.keyboard.type('cessationOfOperation');
    await o.page.waitForSelector('.matches .match');
    await o.page.click('.matches .match');
    // The match is inside entry [2]: revealed, its parents expanded; read entry [1]'s row.
    const row = await o.page.waitForSelector(
      '.tree .row:has(.name:text-is("[1]")):has(.type:text-is("RevokedCertificate"))',
    );
    const parts = await row.$$eval('span:not(.twistie)', (ss) =>
      ss.map((x) => `${x.className}=${x.textContent}`),
    );
    assert.deepEqual(parts.slice(0, 3), [
      'name=[1]',
      'value=0x01000000000000000000000000000001 · 2026-11-22T12:00:00Z · superseded',
      'type=RevokedCertificate',
    ]);
    await screenshot(o.page, 'inspector-crl-entries');
    await closeAll(o);
  });
});

describe('inspector webview: help on every field', () => {
  it('a row hovers what its field is for; the details pane links the RFC section; findings link theirs', async () => {
    const o = await openInspector(browser, origin, fixture('openssl-mock/ir-pbm.der'), 'ir');
    const title = await o.page.$eval(
      '.tree .row:has(.name:text-is("header"))',
      (e) => (e as HTMLElement).title,
    );
    assert.match(
      title,
      /^header: Who sends to whom, in which transaction, and how the message is protected\. \(RFC 9810 §5\.1\)/,
    );
    await o.page.click('.tree .row:has(.name:text-is("header")) .name');
    await o.page.waitForSelector('.details .help a.rfc-link');
    assert.equal(
      await o.page.$eval('.details .help a.rfc-link', (a) => (a as HTMLAnchorElement).href),
      'https://www.rfc-editor.org/rfc/rfc9810.html#section-5.1',
    );
    const findingLinks = await o.page.$$eval('.findings a.rfc-link', (as) =>
      as.map((a) => (a as HTMLAnchorElement).href),
    );
    assert.ok(
      findingLinks.includes('https://www.rfc-editor.org/rfc/rfc4211.html#section-4.4'),
      findingLinks.join(' '),
    );
    await screenshot(o.page, 'inspector-help');
    await closeAll(o);
  });
});

describe('inspector webview: protection results', () => {
  it('a signed message shows its valid signature and certificate checks', async () => {
    const o = await openInspector(browser, origin, fixture('openssl-mock/rr-sig-ec.der'), 'rr');
    await o.page.waitForSelector('.checks .check');
    assert.equal(await o.page.$eval('.summary .protection', (e) => e.textContent), 'protection: valid');
    const rows = await o.page.$$eval('.checks .check', (els) => els.map((e) => e.textContent ?? ''));
    assert.ok(
      rows.some((r) => /protection\s*valid\s*ecdsa-with-SHA256, with extraCerts\[0\] CN=Existing EE/.test(r)),
      rows.join(' | '),
    );
    // "valid" is not "trusted": the signature says its chain was not checked, and offers to set anchors.
    const chain = await o.page.$eval('.checks .check-chain.not-checked', (e) => e.textContent ?? '');
    assert.equal(chain, 'chain: not checked: no trust anchors given');
    await o.page.click('.checks .configure-trust');
    for (let i = 0; i < 50 && o.sent.at(-1)?.type !== 'configureTrust'; i++) await o.page.waitForTimeout(100);
    assert.deepEqual(o.sent.at(-1), { type: 'configureTrust' });
    await screenshot(o.page, 'inspector-protection-signed');
    await closeAll(o);
  });

  it('a message signed by its second extraCert: valid, the warning shown, another certificate offered', async () => {
    const kur = signedKur();
    const [ee, ca] = extraCertsOf(kur);
    const o = await openInspector(browser, origin, withExtraCerts(kur, [ca, ee]), 'kur');
    await o.page.waitForSelector('.checks .check-warning');
    assert.equal(await o.page.$eval('.summary .protection', (e) => e.textContent), 'protection: valid');
    const warning = await o.page.$eval('.checks .check-warning', (e) => e.textContent ?? '');
    assert.match(warning, /extraCerts\[1\], not extraCerts\[0\]/);
    assert.ok(await o.page.$('.checks .choose-cert'), 'Use another certificate… is offered');
    await closeAll(o);
  });

  it('a saved HTTP response: the body inspected, the input note shown as text (a hostile Content-Type too)', async () => {
    const ip = fixture('openssl-mock/ir-pbm-ip.der');
    const head = `HTTP/1.1 200 OK\r\nContent-Type: ${hostileStrings.img}\r\nContent-Length: ${ip.length}\r\n\r\n`;
    const saved = new Uint8Array([...new TextEncoder().encode(head), ...ip]);
    const o = await openInspector(browser, origin, saved, 'ip.http');
    await o.page.waitForSelector('.input-note');
    const note = await o.page.$eval('.input-note', (e) => e.textContent ?? '');
    assert.match(note, /^Input: the body of the HTTP response "HTTP\/1\.1 200 OK"/);
    assert.ok(note.includes(hostileStrings.img), 'the markup is text');
    assert.equal(await o.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    assert.match(
      await o.page.$eval('.summary .meta', (e) => e.textContent ?? ''),
      /PKIMessage, HTTP message, 1751 bytes/,
    );
    await closeAll(o);
  });

  it('a MAC needs the secret; after "Enter secret…" the result shows, and the secret is nowhere in the webview', async () => {
    const secret = 's3cret';
    const o = await openInspector(
      browser,
      origin,
      fixture('openssl-mock/ir-pbm.der'),
      'ir-pbm',
      undefined,
      new TextEncoder().encode(secret),
    );
    await o.page.waitForSelector('.checks .enter-secret');
    assert.equal(
      await o.page.$eval('.summary .protection', (e) => e.textContent),
      'protection: needs-secret',
    );
    await o.page.click('.checks .enter-secret');
    await o.page.waitForFunction(
      () => document.querySelector('.summary .protection')?.textContent === 'protection: valid',
    );
    assert.ok(o.sent.some((m) => m.type === 'enterSecret'));
    const html = await o.page.content();
    const state = String(
      JSON.stringify(await o.page.evaluate(() => (window as unknown as { __state: unknown }).__state)),
    );
    for (const [where, text] of [
      ['DOM', html],
      ['webview state', state],
      ['messages to the host', JSON.stringify(o.sent)],
      ['messages from the host', o.received.join('\n')],
    ]) {
      assert.ok(!text.includes(secret), `the secret appears in ${where}`);
    }
    await screenshot(o.page, 'inspector-protection-mac');
    await closeAll(o);
  });
});

describe('inspector webview: protocol checks', () => {
  it('findings are listed with their RFC section, marked on the tree, and a click selects the node', async () => {
    const o = await openInspector(browser, origin, fixture('openssl-mock/ir-pbm.der'), 'ir-pbm.der');
    await o.page.waitForSelector('.findings li');
    const items = await o.page.$$eval('.findings li', (els) => els.map((e) => e.textContent ?? ''));
    assert.equal(items.length, 2);
    assert.match(items.join('\n'), /iterationCount 500 is below the 1,000 recommended.*RFC 4211 §4\.4/);
    assert.match(items.join('\n'), /mac uses SHA-1.*RFC 9481/);
    await o.page.click('.findings li button.link');
    await o.page.waitForFunction(
      () => document.querySelector('.tree .row.selected .name')?.textContent === 'protectionAlg',
    );
    assert.equal(
      await o.page.$$eval('.tree .row.selected .finding-mark.finding-warning', (e) => e.length),
      1,
      'the selected row carries the warning mark',
    );
    assert.match(await o.page.$eval('.tree .row.selected', (e) => (e as HTMLElement).title), /RFC 4211/);
    await screenshot(o.page, 'inspector-findings');
    await closeAll(o);
  });

  it('a message without findings shows no findings section', async () => {
    const o = await openInspector(
      browser,
      origin,
      fixture('siemens-interop/IrWithMacProtection/downstream_INIT_REQ.PKI'),
      'downstream_INIT_REQ.PKI',
    );
    await o.page.waitForTimeout(300);
    assert.equal(await o.page.$$eval('.findings li', (e) => e.length), 0);
    assert.ok(
      o.received.some((m) => m.includes('"type":"findings"')),
      'the host sent its (empty) findings',
    );
    await closeAll(o);
  });
});

describe('inspector webview: hostile content', () => {
  it('the probe detects script execution when there is no CSP (control)', async () => {
    const page = await browser.newPage();
    await page.setContent('<div id="x"></div>');
    await page.evaluate((html) => {
      document.getElementById('x')!.innerHTML = html;
    }, hostileStrings.img);
    await page.waitForFunction(() => (window as unknown as { __pwned?: number }).__pwned === 1, undefined, {
      timeout: 5000,
    });
    await page.close();
  });

  it('HTML, script, bidi and a 1 MB string render as literal text and run nothing', async () => {
    const o = await openInspector(browser, origin, hostileMessage(), '<b>hostile</b>');
    const { page } = o;
    await page.click('.tree .row:has(.name:text-is("header")) .twistie');
    await page.click('vscode-textfield.filter');
    await page.keyboard.type('onerror');
    await page.waitForSelector('.matches .match');
    await page.click('.matches .match .name');
    await page.waitForSelector('.details .full-value');
    const text = await page.evaluate(() => document.getElementById('app')!.textContent ?? '');
    assert.ok(text.includes(hostileStrings.img), 'the <img> markup is shown as text');
    assert.equal(
      await page.$$eval('#app img, #app script', (e) => e.length),
      0,
      'no element was created from file content',
    );
    // A deliberate injection past our code: the CSP must still stop it.
    const before = o.errors.length;
    await page.evaluate((html) => {
      const d = document.createElement('div');
      d.innerHTML = html;
      document.body.append(d);
    }, hostileStrings.img);
    await page.waitForTimeout(300);
    // The injected <img src=x> itself may fetch "x" (a 404): that is the injection, not our page.
    o.errors.splice(
      before,
      o.errors.length - before,
      ...o.errors.slice(before).filter((e) => !/404/.test(e)),
    );
    assert.equal(
      await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned),
      undefined,
      'no script ran',
    );
    const blocked = o.errors.findIndex((e) =>
      /violates the following Content Security Policy directive 'script-src/.test(e),
    );
    assert.ok(blocked >= 0, 'the CSP reported blocking the injected handler');
    o.errors.splice(blocked, 1);
    await page.fill('vscode-textfield.filter input', 'xxxxxxxx');
    await page.waitForFunction(() => document.querySelector('.matches-count')?.textContent === '1 match');
    await page.click('.matches .match .name');
    await page.waitForFunction(
      () => document.querySelector('.details h2')?.textContent === 'header.freeText[4]',
    );
    assert.match(
      await page.$eval('.details .full-value', (e) => e.textContent ?? ''),
      /^x{4096}… \(1048576 characters\)$/,
    );
    assert.ok((await domSize(page)) < 5000);
    await screenshot(page, 'inspector-hostile');
    await closeAll(o);
  });
});

describe('inspector webview: large messages keep the DOM bounded', () => {
  const cases: [string, () => Uint8Array, string[]][] = [
    ['3,000 extraCerts', () => manyExtraCerts(3000), ['extraCerts', 'extraCerts']],
    [
      'crlann with 200,000 CRL entries',
      () => bigCrlann(200_000),
      ['body', 'crlann', '[0]', 'tbsCertList', 'revokedCertificates'],
    ],
  ];
  for (const [label, make, chain] of cases) {
    it(label, async () => {
      const o = await openInspector(browser, origin, make(), label);
      const { page } = o;
      console.log(`# ${label}: first paint ${o.firstPaintMs} ms after show`);
      for (const name of chain) {
        const row = page
          .locator('.tree .row')
          .filter({
            has: page.locator('.name', { hasText: new RegExp(`^${name.replace(/[[\]]/g, '\\$&')}$`) }),
          })
          .last();
        await row.locator('.twistie').click();
        await page.waitForTimeout(100);
      }
      await page.waitForFunction(() => document.querySelectorAll('.tree .row').length > 30);
      assert.ok((await domSize(page)) < 5000, `DOM ${await domSize(page)} elements`);
      await page.$eval('.tree', (t) => {
        t.scrollTop = t.scrollHeight;
      });
      await page.waitForTimeout(200);
      assert.ok(
        (await domSize(page)) < 5000,
        `DOM ${await domSize(page)} elements after scrolling to the end`,
      );
      await page.$eval('.hex', (h) => {
        h.scrollTop = h.scrollHeight;
      });
      await page.waitForTimeout(200);
      assert.ok((await domSize(page)) < 5000);
      await screenshot(page, `inspector-large-${label.replace(/\W+/g, '-')}`);
      await closeAll(o);
    });
  }
});

describe('inspector webview: hostile structures render, bounded, and run nothing', () => {
  for (const [label, bytes] of Object.entries(hostileStructures())) {
    it(label, async () => {
      const o = await openInspector(browser, origin, bytes, label);
      const { page } = o;
      console.log(`# ${label}: first paint ${o.firstPaintMs} ms after show`);
      // Open the first levels: every row that has a twistie, a few rounds (children come in pages).
      for (let round = 0; round < 4; round++) {
        const closed = page.locator('.tree .row[aria-expanded="false"] .twistie');
        const n = Math.min(await closed.count(), 6);
        for (let i = 0; i < n; i++) await closed.first().click();
        await page.waitForTimeout(50);
      }
      await page.$eval('.tree', (t) => {
        t.scrollTop = t.scrollHeight;
      });
      await page.waitForTimeout(100);
      assert.ok((await domSize(page)) < 5000, `DOM ${await domSize(page)} elements`);
      assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
      await screenshot(page, `inspector-hostile-${label.replace(/\W+/g, '-')}`);
      await closeAll(o);
    });
  }
});

describe('inspector webview: encrypted content (issue 18)', () => {
  it('lists the EnvelopedData locked, decrypts on request, shows the key only when asked, then hides it', async () => {
    const key = unwrapInput(fixture('centralkeygen/ee.key.pem')).der;
    const o = await openInspector(
      browser,
      origin,
      fixture('centralkeygen/ip-kari-ec.der'),
      'ip-kari-ec',
      undefined,
      undefined,
      { kind: 'key', pkcs8: key },
    );
    await o.page.waitForSelector('.encrypted-item.state-locked');
    assert.equal(
      await o.page.$eval('.encrypted h2', (e) => e.textContent?.trim().startsWith('Encrypted content: 1')),
      true,
    );
    assert.match(
      await o.page.$eval('.encrypted-lines', (e) => e.textContent ?? ''),
      /EnvelopedData for kari: not decrypted/,
    );
    await o.page.click('.encrypted vscode-button.decrypt');
    await o.page.waitForSelector('.encrypted-item.state-opened');
    const text = await o.page.$eval('.encrypted-item', (e) => e.textContent ?? '');
    assert.match(text, /decrypted with recipientInfos\[0\] kari/);
    assert.match(text, /KGA signature: valid — KGA signature by CN=KGA/);
    assert.match(
      text,
      /private key: id-ecPublicKey \(prime256v1 \(P-256\)\) \(redacted\), matches the certificate issued with it/,
    );
    assert.equal(await o.page.$('.key-pem'), null, 'no key on screen before Show key');
    assert.ok(!o.received.some((r) => r.includes('PRIVATE KEY')), 'no key sent before Show key');
    // The path link reveals the EnvelopedData in the tree.
    await o.page.click('.encrypted-item .link');
    await o.page.waitForFunction(
      () => document.querySelector('.tree .row.selected .name')?.textContent === 'privateKey',
    );
    // Its details offer Decrypt… where the eye is.
    await o.page.waitForFunction(() =>
      [...document.querySelectorAll('.details .actions vscode-button')].some(
        (b) => b.textContent === 'Decrypt…',
      ),
    );
    await o.page.click('.encrypted vscode-button.show-key');
    await o.page.waitForSelector('.key-pem pre');
    assert.match(
      await o.page.$eval('.key-pem pre', (e) => e.textContent ?? ''),
      /^-----BEGIN PRIVATE KEY-----/,
    );
    await screenshot(o.page, 'inspector-decrypted-key');
    // Nothing of the key in the state the webview saves.
    const saved = await o.page.evaluate(() =>
      JSON.stringify((window as unknown as { __state?: unknown }).__state ?? ''),
    );
    assert.ok(!saved.includes('PRIVATE KEY'));
    await o.page.click('.key-pem vscode-button.hide-key');
    assert.equal(await o.page.$('.key-pem'), null);
    await closeAll(o);
  });
});

describe('inspector webview: KemBasedMac (issue 18)', () => {
  it('a KemBasedMac message says what it needs and offers "Enter KEM key…"', async () => {
    const o = await openInspector(browser, origin, fixture('kem/genm.der'), 'genm-kem');
    await o.page.waitForSelector('.checks .enter-kem-key');
    const row = await o.page.$eval('.checks .check', (e) => e.textContent ?? '');
    assert.match(row, /cannot-verify/);
    assert.match(row, /KemBasedMac, HKDF-SHA-256 to 32 bytes, HMAC-SHA256/);
    assert.match(row, /needs the KEM private key and the exchange's KemCiphertextInfo/);
    await o.page.click('.checks .enter-kem-key');
    for (let i = 0; i < 50 && !o.sent.some((m) => m.type === 'enterKemKey'); i++)
      await new Promise((ok) => setTimeout(ok, 50));
    assert.ok(
      o.sent.some((m) => m.type === 'enterKemKey'),
      'the click asked the host for the KEM key',
    );
    await closeAll(o);
  });
});
