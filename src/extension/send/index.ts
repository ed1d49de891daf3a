/** Send, the embedded test CA and the exchanges view, registered together. */
import * as vscode from 'vscode';
import type { Platform } from '../platform';
import type { VscodeSecrets } from '../secrets';
import { diagramOfTransaction } from '../../app';
import { folderDiagram, showDiagram } from '../diagram/panel';
import { ExchangesView, type Node } from './exchangesView';
import { copyOpenssl, editAsNewRequest, resend } from './requestActions';
import { sendMessage } from './sendCommand';
import { TestCaService } from './testCa';

/** The example files the walkthrough may open (a command link's argument is checked against them). */
const exampleFiles = [
  'exchange-ir-pbm/02-ip.pkimsg',
  'exchange-ir-pbm/01-ir.pkimsg',
  'ir-pbm.pkimsg',
  'rr-signed.pkimsg',
  'ir-ml-dsa-44.pkimsg',
];

export function registerSend(
  context: vscode.ExtensionContext,
  secrets: VscodeSecrets,
  platform: Platform,
): vscode.Disposable {
  const log = vscode.window.createOutputChannel('CMP Lens Send', { log: true });
  const testCa = new TestCaService(context, secrets.store, log, platform);
  const exchanges = new ExchangesView();
  const deps = { log, secrets, testCa, exchanges, platform };
  return vscode.Disposable.from(
    log,
    testCa,
    exchanges,
    vscode.commands.registerCommand('cmpLens.sendMessage', async (resource?: vscode.Uri) => {
      try {
        await sendMessage(resource, deps);
      } catch (e) {
        log.error(`send: ${(e as Error).message}`);
        void vscode.window.showErrorMessage(
          vscode.l10n.t('CMP Lens: send failed: {0}', (e as Error).message),
        );
      }
    }),
    // A CMP Exchanges entry, a folder from the explorer, or (the palette) a folder to pick.
    vscode.commands.registerCommand('cmpLens.showDiagram', async (arg?: Node | vscode.Uri) => {
      try {
        if (arg && 'exchange' in arg) {
          const e = arg.exchange;
          return showDiagram(context.extensionUri, log, {
            model: diagramOfTransaction(
              e.result,
              e.findings,
              e.title,
              e.title.split(' → ').pop() ?? 'server',
            ),
            saveNear: e.folder,
            open: async (i) => {
              const file = e.files[i];
              if (file)
                await vscode.commands.executeCommand(
                  'vscode.openWith',
                  vscode.Uri.joinPath(e.folder, file),
                  'cmpLens.inspector',
                );
            },
          });
        }
        const folder =
          arg instanceof vscode.Uri
            ? arg
            : (
                await vscode.window.showOpenDialog({
                  title: vscode.l10n.t(
                    'CMP Lens: the folder of a saved exchange (01-ir.pkimsg, 02-ip.pkimsg, …)',
                  ),
                  canSelectFiles: false,
                  canSelectFolders: true,
                  canSelectMany: false,
                })
              )?.[0];
        if (folder) showDiagram(context.extensionUri, log, await folderDiagram(folder, secrets));
      } catch (e) {
        void vscode.window.showErrorMessage(vscode.l10n.t('CMP Lens: {0}', (e as Error).message));
      }
    }),
    ...(
      [
        ['cmpLens.editAsNewRequest', (r?: vscode.Uri) => editAsNewRequest(r)],
        ['cmpLens.resend', (r?: vscode.Uri) => resend(r, deps)],
        ['cmpLens.copyOpensslCommand', (r?: vscode.Uri) => copyOpenssl(r, deps)],
      ] as const
    ).map(([id, run]) =>
      vscode.commands.registerCommand(id, async (r?: vscode.Uri) => {
        try {
          await run(r instanceof vscode.Uri ? r : undefined);
        } catch (e) {
          log.error(`${id}: ${(e as Error).message}`);
          void vscode.window.showErrorMessage(vscode.l10n.t('CMP Lens: {0}', (e as Error).message));
        }
      }),
    ),
    // The walkthrough's steps: the examples shipped in the extension (examples/), by a fixed list only.
    vscode.commands.registerCommand('cmpLens.openExample', async (name?: unknown) => {
      const file = typeof name === 'string' && exampleFiles.includes(name) ? name : exampleFiles[0];
      await vscode.commands.executeCommand(
        'vscode.openWith',
        vscode.Uri.joinPath(context.extensionUri, 'examples', ...file.split('/')),
        'cmpLens.inspector',
      );
    }),
    vscode.commands.registerCommand('cmpLens.openExampleDiagram', async () => {
      try {
        const folder = vscode.Uri.joinPath(context.extensionUri, 'examples', 'exchange-ir-pbm');
        showDiagram(context.extensionUri, log, await folderDiagram(folder, secrets));
      } catch (e) {
        void vscode.window.showErrorMessage(vscode.l10n.t('CMP Lens: {0}', (e as Error).message));
      }
    }),
    vscode.commands.registerCommand('cmpLens.startTestCa', async () => {
      try {
        const url = await testCa.start();
        void vscode.window.showInformationMessage(vscode.l10n.t('CMP Lens: test CA running at {0}.', url));
        return url;
      } catch (e) {
        log.error(`test CA: ${(e as Error).message}`);
        void vscode.window.showErrorMessage(vscode.l10n.t('CMP Lens: {0}', (e as Error).message));
        return undefined;
      }
    }),
    vscode.commands.registerCommand('cmpLens.stopTestCa', async () => {
      const stopped = await testCa.stop();
      void vscode.window.showInformationMessage(
        stopped
          ? vscode.l10n.t('CMP Lens: test CA stopped.')
          : vscode.l10n.t('CMP Lens: the test CA was not running.'),
      );
    }),
  );
}
