/**
 * The capture view: a read-only custom editor for .pcap/.pcapng that lists the CMP exchanges in
 * the capture. Local files are streamed in 1 MiB chunks with a progress bar; a message opens in the
 * inspector ("capture.pcap #7 ir"), and messages or whole exchanges export as .pkimsg.
 */
import * as vscode from 'vscode';
import { captureView, exportPlan } from '../../app';
import type { CaptureResult } from '../../core/capture';
import { isCaptureToHost, type CaptureToHost, type HostToCapture } from '../../shared/capture';
import { Disposable } from '../disposable';
import type { VscodeSecrets } from '../secrets';
import { onGuardedMessage } from '../webviewMessages';
import { webviewHtml, webviewOptions } from '../webviewHtml';
import { webviewStrings } from '../l10n';
import type { Platform } from '../platform';

export const captureViewType = 'cmpLens.capture';

/** One capture panel: reads the file once, answers the webview, and goes when the panel goes. */
class CaptureSession extends Disposable {
  private result: CaptureResult | undefined;

  constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly uri: vscode.Uri,
    private readonly secrets: VscodeSecrets,
    log: vscode.LogOutputChannel,
    private readonly platform: Platform,
  ) {
    super();
    this.register(
      onGuardedMessage(panel.webview, isCaptureToHost, log, 'capture', (m) => void this.onMessage(m)),
    );
    this.register(panel.onDidDispose(() => this.dispose()));
  }

  private get name(): string {
    return this.uri.path.split('/').pop() ?? 'capture';
  }

  private post(m: HostToCapture): void {
    if (!this.isDisposed) void this.panel.webview.postMessage(m);
  }

  private async read(): Promise<CaptureResult> {
    if (this.result) return this.result;
    this.result = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: vscode.l10n.t('CMP Lens: reading {0}', this.name),
        cancellable: true,
      },
      async (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        let reported = 0;
        return this.platform.readCapture(
          this.uri,
          (read, total) => {
            const fraction = total ? read / total : 1;
            if (fraction - reported >= 0.01) {
              progress.report({
                increment: (fraction - reported) * 100,
                message: `${Math.round(fraction * 100)} %`,
              });
              this.post({ type: 'progress', fraction, packets: 0 });
              reported = fraction;
            }
          },
          abort.signal,
        );
      },
    );
    return this.result;
  }

  private async onMessage(m: CaptureToHost): Promise<void> {
    try {
      switch (m.type) {
        case 'ready': {
          this.post({ type: 'strings', strings: webviewStrings() });
          const result = await this.read();
          const view = await vscode.window.withProgress(
            {
              location: vscode.ProgressLocation.Notification,
              title: vscode.l10n.t(
                'CMP Lens: checking {0} messages of {1}',
                result.messages.length,
                this.name,
              ),
            },
            (progress) => {
              let reported = 0;
              return captureView(result, this.name, { secrets: this.secrets }, (done, total) => {
                const fraction = done / total;
                if (fraction - reported >= 0.01) {
                  progress.report({
                    increment: (fraction - reported) * 100,
                    message: vscode.l10n.t('{0} of {1}', done, total),
                  });
                  reported = fraction;
                }
              });
            },
          );
          return this.post({ type: 'show', view });
        }
        case 'open':
          return await this.open(m.index);
        case 'export':
          return await this.exportOne(m.index);
        case 'exportAll':
          return await this.exportAll();
        default: {
          const never: never = m;
          throw new Error(`unknown message ${JSON.stringify(never)}`);
        }
      }
    } catch (e) {
      this.post({ type: 'error', message: (e as Error).message });
    }
  }

  private message(index: number) {
    const m = this.result?.messages[index - 1];
    if (!m) throw new Error(`no message #${index}`);
    return m;
  }

  private async open(index: number): Promise<void> {
    const m = this.message(index);
    await vscode.commands.executeCommand(
      'cmpLens.inspectBytes',
      `${this.name} #${index} ${m.bodyType}`,
      m.der,
    );
  }

  private async exportOne(index: number): Promise<void> {
    const m = this.message(index);
    const base = vscode.Uri.joinPath(this.uri, '..');
    const target = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.joinPath(
        base,
        `${this.name.replace(/\.[^.]+$/, '')}-${index}-${m.bodyType}.pkimsg`,
      ),
      filters: { 'CMP message': ['pkimsg', 'der'] },
    });
    if (!target) return;
    await vscode.workspace.fs.writeFile(target, m.der);
    vscode.window.setStatusBarMessage(
      vscode.l10n.t('CMP Lens: saved #{0} to {1}', index, target.fsPath),
      4000,
    );
  }

  private async exportAll(): Promise<void> {
    const result = await this.read();
    const picked = await vscode.window.showOpenDialog({
      title: vscode.l10n.t('Folder to export the exchanges to'),
      canSelectFiles: false,
      canSelectFolders: true,
      canSelectMany: false,
      defaultUri: vscode.Uri.joinPath(this.uri, '..'),
    });
    if (!picked?.[0]) return;
    const files = exportPlan(result, `${this.name.replace(/\.[^.]+$/, '')}-`);
    for (const f of files)
      await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(picked[0], f.folder, f.file), f.der);
    void vscode.window.showInformationMessage(
      vscode.l10n.t('CMP Lens: exported {0} messages to {1}.', files.length, picked[0].fsPath),
    );
  }
}

class CaptureProvider implements vscode.CustomReadonlyEditorProvider {
  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly secrets: VscodeSecrets,
    private readonly log: vscode.LogOutputChannel,
    private readonly platform: Platform,
  ) {}

  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => undefined };
  }

  resolveCustomEditor(document: vscode.CustomDocument, panel: vscode.WebviewPanel): void {
    panel.webview.options = webviewOptions(this.extensionUri);
    panel.webview.html = webviewHtml(panel.webview, this.extensionUri, 'capture');
    new CaptureSession(panel, document.uri, this.secrets, this.log, this.platform);
  }
}

export function registerCapture(
  context: vscode.ExtensionContext,
  secrets: VscodeSecrets,
  platform: Platform,
): vscode.Disposable {
  const log = vscode.window.createOutputChannel('CMP Lens Capture', { log: true });
  const provider = new CaptureProvider(context.extensionUri, secrets, log, platform);
  return vscode.Disposable.from(
    log,
    vscode.window.registerCustomEditorProvider(captureViewType, provider, {
      supportsMultipleEditorsPerDocument: true,
    }),
  );
}
