/** Send, the embedded test CA and the exchanges view, registered together. */
import * as vscode from 'vscode';
import type { VscodeSecrets } from '../secrets';
import { ExchangesView } from './exchangesView';
import { sendMessage } from './sendCommand';
import { TestCaService } from './testCa';

export function registerSend(context: vscode.ExtensionContext, secrets: VscodeSecrets): vscode.Disposable {
  const log = vscode.window.createOutputChannel('CMP Lens Send', { log: true });
  const testCa = new TestCaService(context, secrets.store, log);
  const exchanges = new ExchangesView();
  const deps = { log, secrets, testCa, exchanges };
  return vscode.Disposable.from(
    log,
    testCa,
    exchanges,
    vscode.commands.registerCommand('cmpLens.sendMessage', async (resource?: vscode.Uri) => {
      try {
        await sendMessage(resource, deps);
      } catch (e) {
        log.error(`send: ${(e as Error).message}`);
        void vscode.window.showErrorMessage(`CMP Lens: send failed: ${(e as Error).message}`);
      }
    }),
    vscode.commands.registerCommand('cmpLens.startTestCa', async () => {
      try {
        const url = await testCa.start();
        void vscode.window.showInformationMessage(`CMP Lens: test CA running at ${url}.`);
        return url;
      } catch (e) {
        log.error(`test CA: ${(e as Error).message}`);
        void vscode.window.showErrorMessage(`CMP Lens: ${(e as Error).message}`);
        return undefined;
      }
    }),
    vscode.commands.registerCommand('cmpLens.stopTestCa', async () => {
      const stopped = await testCa.stop();
      void vscode.window.showInformationMessage(
        stopped ? 'CMP Lens: test CA stopped.' : 'CMP Lens: the test CA was not running.',
      );
    }),
  );
}
