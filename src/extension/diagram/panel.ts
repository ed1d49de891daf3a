/**
 * "CMP Lens: Show Sequence Diagram": the picture of an exchange in a panel of its own — from a CMP
 * Exchanges entry, a capture's exchange, or a saved exchange folder (explorer context menu, or the
 * palette with a folder to pick). Clicking an arrow opens that message; "Save as SVG…" writes the
 * picture in fixed colours.
 */
import * as vscode from 'vscode';
import { diagramOfMessages, type SecretSource } from '../../app';
import { diagramSvg, isDiagramToHost, type DiagramModel, type HostToDiagram } from '../../shared/diagram';
import { Disposable } from '../disposable';
import { webviewStrings } from '../l10n';
import { onGuardedMessage } from '../webviewMessages';
import { webviewHtml, webviewOptions } from '../webviewHtml';

export const diagramViewType = 'cmpLens.diagram';

export interface DiagramSource {
  model: DiagramModel;
  /** Opens message `index` (a file in the exchange's folder, or bytes from a capture). */
  open(index: number): Promise<void>;
  /** Where "Save as SVG…" starts. */
  saveNear?: vscode.Uri;
}

class DiagramPanel extends Disposable {
  constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly source: DiagramSource,
    log: vscode.LogOutputChannel,
  ) {
    super();
    panel.webview.options = webviewOptions(extensionUri);
    panel.webview.html = webviewHtml(panel.webview, extensionUri, 'diagram');
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.png');
    this.register(
      onGuardedMessage(panel.webview, isDiagramToHost, log, 'diagram', (m) => {
        const done = (p: Promise<unknown>) =>
          void p.catch((e) => {
            log.error(`diagram: ${(e as Error).message}`);
            void vscode.window.showErrorMessage(vscode.l10n.t('CMP Lens: {0}', (e as Error).message));
          });
        switch (m.type) {
          case 'ready':
            this.post({ type: 'strings', strings: webviewStrings() });
            return this.post({ type: 'show', model: source.model });
          case 'open':
            return done(source.open(m.index));
          case 'saveSvg':
            return done(this.saveSvg());
        }
      }),
    );
    this.register(panel.onDidDispose(() => this.dispose()));
  }

  private post(m: HostToDiagram): void {
    if (!this.isDisposed) void this.panel.webview.postMessage(m);
  }

  private async saveSvg(): Promise<void> {
    const base = this.source.saveNear ?? vscode.workspace.workspaceFolders?.[0]?.uri;
    const name = `${this.source.model.title.replace(/[^\w.-]+/g, '-').replace(/^-|-$/g, '') || 'exchange'}.svg`;
    const target = await vscode.window.showSaveDialog({
      title: vscode.l10n.t('CMP Lens: save the sequence diagram'),
      defaultUri: base ? vscode.Uri.joinPath(base, name) : undefined,
      filters: { SVG: ['svg'] },
    });
    if (!target) return;
    await vscode.workspace.fs.writeFile(
      target,
      new TextEncoder().encode(diagramSvg(this.source.model, 'file')),
    );
    vscode.window.setStatusBarMessage(
      vscode.l10n.t('CMP Lens: saved {0}', target.path.split('/').pop() ?? ''),
      4000,
    );
  }
}

/** Opens a panel with the picture of `source`. */
export function showDiagram(
  extensionUri: vscode.Uri,
  log: vscode.LogOutputChannel,
  source: DiagramSource,
): void {
  const panel = vscode.window.createWebviewPanel(
    diagramViewType,
    vscode.l10n.t('Sequence: {0}', source.model.title),
    vscode.ViewColumn.Active,
    webviewOptions(extensionUri),
  );
  new DiagramPanel(panel, extensionUri, source, log);
}

/** The messages of a saved exchange folder (`NN-body.pkimsg`, in order), as a diagram source. */
export async function folderDiagram(folder: vscode.Uri, secrets: SecretSource): Promise<DiagramSource> {
  const entries = await vscode.workspace.fs.readDirectory(folder);
  const names = entries
    .filter(([n, type]) => type === vscode.FileType.File && /^\d+-.*\.(pkimsg|der|pki)$/i.test(n))
    .map(([n]) => n)
    .sort((a, b) => parseInt(a, 10) - parseInt(b, 10) || a.localeCompare(b));
  if (!names.length)
    throw new Error(
      `${folder.path.split('/').pop()} holds no numbered messages (01-ir.pkimsg, 02-ip.pkimsg, …) to draw`,
    );
  const messages = [];
  for (const name of names)
    messages.push({ name, der: await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder, name)) });
  const model = await diagramOfMessages(messages, folder.path.split('/').pop() ?? 'exchange', secrets);
  return {
    model,
    saveNear: folder,
    open: async (i) => {
      await vscode.commands.executeCommand(
        'vscode.openWith',
        vscode.Uri.joinPath(folder, names[i]),
        'cmpLens.inspector',
      );
    },
  };
}
