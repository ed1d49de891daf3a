/**
 * The capture view: a read-only custom editor for .pcap/.pcapng that lists the CMP exchanges in
 * the capture. Local files are streamed in 1 MiB chunks with a progress bar; a message opens in the
 * inspector ("capture.pcap #7 ir"), and messages or whole exchanges export as .pkimsg.
 */
import * as vscode from 'vscode';
import { captureView, checkProtection, diagramOfCapture, exportPlan, secretQueryFor } from '../../app';
import type { CaptureView } from '../../shared/capture';
import { showDiagram } from '../diagram/panel';
import type { CaptureResult } from '../../core/capture';
import { isCaptureToHost, type CaptureToHost, type HostToCapture } from '../../shared/capture';
import { Disposable } from '../disposable';
import type { VscodeSecrets } from '../secrets';
import { onGuardedMessage } from '../webviewMessages';
import { webviewHtml, webviewOptions } from '../webviewHtml';
import { webviewStrings } from '../l10n';
import { pickKemKey } from '../keyFile';
import type { Platform } from '../platform';

export const captureViewType = 'cmpLens.capture';

/** One capture panel: reads the file once, answers the webview, and goes when the panel goes. */
class CaptureSession extends Disposable {
  private result: CaptureResult | undefined;

  constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly uri: vscode.Uri,
    private readonly secrets: VscodeSecrets,
    private readonly log: vscode.LogOutputChannel,
    private readonly platform: Platform,
    private readonly extensionUri: vscode.Uri,
  ) {
    super();
    this.register(
      onGuardedMessage(panel.webview, isCaptureToHost, log, 'capture', (m) => void this.onMessage(m)),
    );
    this.register(panel.onDidDispose(() => this.dispose()));
    this.register(secrets.onDidLearn(() => void this.secretLearned()));
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
        case 'ready':
          this.post({ type: 'strings', strings: webviewStrings() });
          return await this.showView();
        case 'open':
          return await this.open(m.index);
        case 'export':
          return await this.exportOne(m.index);
        case 'exportAll':
          return await this.exportAll();
        case 'enterSecret':
          return await this.enterSecret(m.index);
        case 'enterKemKey':
          return await this.enterKemKey();
        case 'diagram':
          return this.diagram(m.exchange);
        default: {
          const never: never = m;
          throw new Error(`unknown message ${JSON.stringify(never)}`);
        }
      }
    } catch (e) {
      this.post({ type: 'error', message: (e as Error).message });
    }
  }

  /** Whether the rows shown wait for a secret (a MAC not checked, or checked with a wrong one). */
  private waiting = false;
  /** The view shown last (for the sequence picture of one of its exchanges). */
  private view: CaptureView | undefined;

  private diagram(exchange: number): void {
    const x = this.view?.exchanges[exchange];
    if (!x) throw new Error(`no exchange #${exchange + 1}`);
    showDiagram(this.extensionUri, this.log, {
      model: diagramOfCapture(x, `${this.name} ${x.transactionID}`),
      saveNear: vscode.Uri.joinPath(this.uri, '..'),
      open: (i) => this.open(x.rows[i].index),
    });
  }

  /** Checks every message (with the secrets known now) and shows the view. */
  private async showView(): Promise<void> {
    const result = await this.read();
    const view = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: vscode.l10n.t('CMP Lens: checking {0} messages of {1}', result.messages.length, this.name),
      },
      (progress) => {
        let reported = 0;
        return captureView(
          result,
          this.name,
          { secrets: this.secrets, kemKeys: this.kemKeys },
          (done, total) => {
            const fraction = done / total;
            if (fraction - reported >= 0.01) {
              progress.report({
                increment: (fraction - reported) * 100,
                message: vscode.l10n.t('{0} of {1}', done, total),
              });
              reported = fraction;
            }
          },
          this.platform.captureRunner,
        );
      },
    );
    this.waiting = view.exchanges.some((x) =>
      x.rows.some((r) => r.protection === 'needs-secret' || r.protection === 'invalid'),
    );
    this.view = view;
    this.post({ type: 'show', view });
  }

  /** A secret became known (here, in the inspector, by a send): rows that waited for one are checked again. */
  private async secretLearned(): Promise<void> {
    if (!this.waiting || this.isDisposed) return;
    try {
      await this.showView();
    } catch (e) {
      this.post({ type: 'error', message: (e as Error).message });
    }
  }

  /**
   * "Enter secret…" of an exchange: asks for it, checks it on message `index`; a secret that proved right
   * is known for the exchange and the senderKID (every view re-checks), a wrong one is said and dropped.
   */
  private async enterSecret(index: number): Promise<void> {
    const m = this.message(index);
    const name = `${this.name} #${index} ${m.bodyType}`;
    const q = secretQueryFor(m.der, name);
    const value = await vscode.window.showInputBox({
      title: vscode.l10n.t('CMP Lens: shared secret'),
      password: true,
      ignoreFocusOut: true,
      prompt: vscode.l10n.t(
        'The shared secret of transaction {0} (senderKID {1}), checked on the MAC of {2}.',
        q.transactionId ?? '-',
        q.senderKid ?? '-',
        name,
      ),
    });
    if (value === undefined) return;
    const outcome = await checkProtection({
      der: m.der,
      name,
      secrets: this.secrets,
      typed: new TextEncoder().encode(value),
    });
    if (outcome.protection?.verdict !== 'valid')
      void vscode.window.showWarningMessage(
        vscode.l10n.t('CMP Lens: the MAC of {0} does not match with this secret.', name),
      );
  }

  /** ML-KEM private keys given in this view (its memory only), for KemBasedMac. */
  private readonly kemKeys: Uint8Array[] = [];

  /** "Enter KEM key…": an ML-KEM private key; every exchange whose genp it opens is checked again. */
  private async enterKemKey(): Promise<void> {
    const key = await pickKemKey();
    if (!key) return;
    this.kemKeys.push(key);
    await this.showView();
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
    new CaptureSession(panel, document.uri, this.secrets, this.log, this.platform, this.extensionUri);
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
