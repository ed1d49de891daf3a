/**
 * The capture view: a read-only custom editor for .pcap/.pcapng that lists the CMP exchanges in
 * the capture. Local files are streamed in 1 MiB chunks with a progress bar; a message opens in the
 * inspector ("capture.pcap #7 ir"), and messages or whole exchanges export as .pkimsg.
 */
import * as vscode from 'vscode';
import { captureView, groupExchanges, parseCapture, type CaptureResult } from '../../core/capture';
import { toHex } from '../../core/der/values';
import { readMessage } from '../../core/base/message';
import { readCaptureFile } from '../../node/captureFile';
import type { CaptureToHost, HostToCapture } from '../../shared/capture';
import type { SecretStore } from '../secrets';
import { webviewHtml, webviewOptions } from '../webviewHtml';

export const captureViewType = 'cmpLens.capture';

function senderKid(der: Uint8Array): string | undefined {
  try {
    const kid = readMessage(der).header.senderKID;
    return kid ? toHex(new Uint8Array(kid.buffer)) : undefined;
  } catch {
    return undefined;
  }
}

class CaptureSession {
  private result: CaptureResult | undefined;

  constructor(private readonly panel: vscode.WebviewPanel, private readonly uri: vscode.Uri, private readonly secrets: SecretStore) {
    panel.webview.onDidReceiveMessage((m: CaptureToHost) => void this.onMessage(m));
  }

  private get name(): string {
    return this.uri.path.split('/').pop() ?? 'capture';
  }

  private post(m: HostToCapture): void {
    void this.panel.webview.postMessage(m);
  }

  private async read(): Promise<CaptureResult> {
    if (this.result) return this.result;
    this.result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `CMP Lens: reading ${this.name}`, cancellable: true }, async (progress, token) => {
      if (this.uri.scheme !== 'file') return parseCapture(await vscode.workspace.fs.readFile(this.uri));
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      let reported = 0;
      return readCaptureFile(this.uri.fsPath, (read, total) => {
        const fraction = total ? read / total : 1;
        if (fraction - reported >= 0.01) {
          progress.report({ increment: (fraction - reported) * 100, message: `${Math.round(fraction * 100)} %` });
          this.post({ type: 'progress', fraction, packets: 0 });
          reported = fraction;
        }
      }, abort.signal);
    });
    return this.result;
  }

  private async onMessage(m: CaptureToHost): Promise<void> {
    try {
      switch (m.type) {
        case 'ready': {
          const result = await this.read();
          const view = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `CMP Lens: checking ${result.messages.length} messages of ${this.name}` }, (progress) => {
            let reported = 0;
            return captureView(result, this.name, { secretFor: async (kid) => (kid ? this.secrets.get(kid) : undefined), senderKidOf: senderKid }, (done, total) => {
              const fraction = done / total;
              if (fraction - reported >= 0.01) {
                progress.report({ increment: (fraction - reported) * 100, message: `${done} of ${total}` });
                reported = fraction;
              }
            });
          });
          return this.post({ type: 'show', view });
        }
        case 'open': return await this.open(m.index);
        case 'export': return await this.exportOne(m.index);
        case 'exportAll': return await this.exportAll();
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
    await vscode.commands.executeCommand('cmpLens.inspectBytes', `${this.name} #${index} ${m.bodyType}`, m.der);
  }

  private async exportOne(index: number): Promise<void> {
    const m = this.message(index);
    const base = vscode.Uri.joinPath(this.uri, '..');
    const target = await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.joinPath(base, `${this.name.replace(/\.[^.]+$/, '')}-${index}-${m.bodyType}.pkimsg`), filters: { 'CMP message': ['pkimsg', 'der'] } });
    if (!target) return;
    await vscode.workspace.fs.writeFile(target, m.der);
    vscode.window.setStatusBarMessage(`CMP Lens: saved #${index} to ${target.fsPath}`, 4000);
  }

  private async exportAll(): Promise<void> {
    const result = await this.read();
    const picked = await vscode.window.showOpenDialog({ title: 'Folder to export the exchanges to', canSelectFiles: false, canSelectFolders: true, canSelectMany: false, defaultUri: vscode.Uri.joinPath(this.uri, '..') });
    if (!picked?.[0]) return;
    let count = 0;
    for (const e of groupExchanges(result.messages)) {
      const dir = vscode.Uri.joinPath(picked[0], `${this.name.replace(/\.[^.]+$/, '')}-${e.transactionID.replace(/[^\w#-]/g, '_')}`);
      for (const [k, m] of e.messages.entries()) {
        await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(dir, `${String(k + 1).padStart(2, '0')}-${m.bodyType.replace(/\W/g, '_')}.pkimsg`), m.der);
        count++;
      }
    }
    void vscode.window.showInformationMessage(`CMP Lens: exported ${count} messages to ${picked[0].fsPath}.`);
  }
}

class CaptureProvider implements vscode.CustomReadonlyEditorProvider {
  constructor(private readonly extensionUri: vscode.Uri, private readonly secrets: SecretStore) {}

  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => undefined };
  }

  resolveCustomEditor(document: vscode.CustomDocument, panel: vscode.WebviewPanel): void {
    panel.webview.options = webviewOptions(this.extensionUri);
    panel.webview.html = webviewHtml(panel.webview, this.extensionUri, 'capture');
    new CaptureSession(panel, document.uri, this.secrets);
  }
}

export function registerCapture(context: vscode.ExtensionContext, secrets: SecretStore): vscode.Disposable {
  return vscode.window.registerCustomEditorProvider(captureViewType, new CaptureProvider(context.extensionUri, secrets), { supportsMultipleEditorsPerDocument: true });
}
