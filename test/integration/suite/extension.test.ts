// The extension in VS Code through @vscode/test-electron: activation, contributions as declared, the
// inspector opening for the right files. Runs where VS Code can be downloaded or VSCODE_EXECUTABLE_PATH
// points at one; the code-server suite (test/vscode) covers the same ground on machines without network.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'mocha';
import * as vscode from 'vscode';

const fixtures = path.resolve(__dirname, '..', '..', 'test', 'fixtures');

describe('CMP Lens (test-electron)', () => {
  it('activates without errors and registers its commands', async () => {
    const ext = vscode.extensions.getExtension('cmp-lens.cmp-lens');
    assert.ok(ext, 'the extension is installed');
    await ext.activate();
    const commands = await vscode.commands.getCommands(true);
    for (const c of [
      'cmpLens.inspectAsCmp',
      'cmpLens.sendMessage',
      'cmpLens.startTestCa',
      'cmpLens.stopTestCa',
      'cmpLens.enterSecret',
    ]) {
      assert.ok(commands.includes(c), `${c} is registered`);
    }
  });

  it('declares cmpLens.servers with the embedded test CA first', () => {
    const servers = vscode.workspace.getConfiguration('cmpLens').get<{ url: string }[]>('servers');
    assert.equal(servers?.[0]?.url, 'embedded:testca');
  });

  it('opens a .pkimsg in the inspector', async () => {
    const uri = vscode.Uri.file(path.join(fixtures, 'compose', 'ir.der'));
    await vscode.commands.executeCommand('vscode.openWith', uri, 'cmpLens.inspector');
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
    assert.ok(tab?.input instanceof vscode.TabInputCustom && tab.input.viewType === 'cmpLens.inspector');
  });

  it('starts and stops the embedded test CA', async () => {
    const url = await vscode.commands.executeCommand<string>('cmpLens.startTestCa');
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/\.well-known\/cmp$/);
    await vscode.commands.executeCommand('cmpLens.stopTestCa');
  });
});
