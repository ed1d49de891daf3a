/**
 * Workspace trust in a real VS Code (code-server with trust on): a folder the user does not trust
 * cannot point Send at its own server through .vscode/settings.json; the user's servers still show.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as h from './harness';
import { fixtures, results } from './harness';

let cs: h.CodeServer | undefined;

before(async () => {
  cs = await h.startCodeServer({
    trust: false,
    prepare: (ws, ud) => {
      copyFileSync(join(fixtures, 'openssl-mock', 'ir-pbm.der'), join(ws, 'ir-pbm.pkimsg'));
      mkdirSync(join(ws, '.vscode'));
      writeFileSync(
        join(ws, '.vscode', 'settings.json'),
        JSON.stringify(
          { 'cmpLens.servers': [{ name: 'workspace server (evil)', url: 'http://127.0.0.1:9/evil' }] },
          null,
          2,
        ),
      );
      writeFileSync(
        join(ud, 'User', 'settings.json'),
        JSON.stringify({ 'cmpLens.servers': [{ name: 'my own server', url: 'embedded:testca' }] }, null, 2),
      );
    },
  });
});

after(async () => {
  await cs?.stop();
});

describe('CMP Lens in an untrusted workspace (code-server, Restricted Mode)', () => {
  it("Send offers the user's servers only, never the workspace's", async () => {
    const page = cs!.page;
    // VS Code asks whether to trust the folder's authors: the answer is no.
    const no = page.getByRole('button', { name: /No, I don.t trust the authors/ });
    if (
      await no.waitFor({ timeout: 15_000 }).then(
        () => true,
        () => false,
      )
    )
      await no.click();
    await h.openFromExplorer(page, 'ir-pbm.pkimsg');
    await h.webviewFrame(page, 'initialization request', 45_000);
    await h.runCommand(page, 'CMP Lens: Send Message');
    const rows = page.locator('.quick-input-list .monaco-list-row');
    await rows
      .filter({ hasText: 'my own server' })
      .first()
      .waitFor({ timeout: 10_000 })
      .catch(async (e) => {
        await page.screenshot({ path: join(results, 'vscode-untrusted-failed.png') });
        throw e;
      });
    assert.equal(await rows.filter({ hasText: 'evil' }).count(), 0);
    assert.match(
      (await page.locator('.quick-input-widget input').getAttribute('placeholder')) ?? '',
      /Untrusted workspace: only servers from your user settings/,
    );
    await page.screenshot({ path: join(results, 'vscode-untrusted-send.png') });
    await page.keyboard.press('Escape');
  });
});
