/**
 * "CMP Lens: New Request": one composer panel (a singleton, restored after a reload by a
 * serializer; the form itself lives in the webview's state). The host owns files, keys and
 * secrets, builds with the core's ComposerEngine, and saves, opens or sends what it built.
 */
import * as vscode from 'vscode';
import { ComposerEngine, defaultTestCaSecret, folderTimestamp, formChoices, opensslCommand } from '../../app';
import {
  defaultComposerForm,
  isComposerToHost,
  type ComposerForm,
  type ComposerToHost,
  type FileField,
  type HostToComposer,
  type SecretChoice,
} from '../../shared/composer';
import type { CheckProfile } from '../../shared/findings';
import type { SecretStore } from '../secrets';
import { Disposable } from '../disposable';
import { onGuardedMessage } from '../webviewMessages';
import { webviewHtml, webviewOptions } from '../webviewHtml';
import { webviewStrings } from '../l10n';
import type { Platform } from '../platform';

export const composerViewType = 'cmpLens.composer';

const pickFilters: Record<FileField, Record<string, string[]>> = {
  key: { 'PKCS#8 key': ['pem', 'key', 'p8', 'der'] },
  signerKey: { 'PKCS#8 key': ['pem', 'key', 'p8', 'der'] },
  kemKey: { 'ML-KEM key (PKCS#8)': ['pem', 'key', 'p8', 'der'] },
  kemGenp: { 'CMP genp': ['pkimsg', 'der', 'pki', 'pem'] },
  csr: { 'PKCS#10 request': ['csr', 'p10', 'pem', 'der'] },
  oldCert: { Certificate: ['crt', 'cer', 'pem', 'der'] },
  confirmCert: { Certificate: ['crt', 'cer', 'pem', 'der'] },
  signerCert: { Certificate: ['crt', 'cer', 'pem', 'der'] },
  extraCerts: { Certificates: ['crt', 'cer', 'pem', 'der'] },
  chain: { Certificates: ['crt', 'cer', 'pem', 'der'] },
  rootCaCert: { Certificate: ['crt', 'cer', 'pem', 'der'] },
  crlSource: { 'Certificate or CRL': ['crt', 'cer', 'crl', 'pem', 'der'] },
};

export class ComposerPanel extends Disposable {
  static current: ComposerPanel | undefined;
  private readonly engine: ComposerEngine;
  /** A secret typed for this panel: in memory only, gone when the panel closes. */
  private typedSecret: Uint8Array | undefined;
  private pending: { seq: number; form: ComposerForm } | undefined;
  private building = false;
  private saved: { uri: vscode.Uri; der: Uint8Array } | undefined;
  /** The form last seen (a change), for Copy as openssl cmp command. */
  private form: ComposerForm | undefined;
  /** A form to show instead of the webview's own (Edit as New Request), with what to say about it. */
  private pendingLoad: { form: ComposerForm; note: string } | undefined;
  private ready = false;
  private loadSent = false;

  constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly secrets: SecretStore,
    private readonly log: vscode.LogOutputChannel,
    private readonly platform: Platform,
  ) {
    super();
    ComposerPanel.current = this;
    panel.webview.options = webviewOptions(extensionUri);
    panel.webview.html = webviewHtml(panel.webview, extensionUri, 'composer');
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.png');
    this.engine = new ComposerEngine({
      readFile: async (name) => vscode.workspace.fs.readFile(platform.uriOf(name)),
      secret: (source) => this.secret(source),
      profile: () => vscode.workspace.getConfiguration('cmpLens').get<CheckProfile>('checkProfile', 'base'),
    });
    this.register(
      onGuardedMessage(panel.webview, isComposerToHost, log, 'composer', (m) => void this.onMessage(m)),
    );
    this.register(panel.onDidDispose(() => this.dispose()));
  }

  override dispose(): void {
    if (ComposerPanel.current === this) ComposerPanel.current = undefined;
    this.typedSecret = undefined;
    super.dispose();
  }

  reveal(): void {
    this.panel.reveal();
  }

  private post(message: HostToComposer): void {
    void this.panel.webview.postMessage(message);
  }

  private async secret(source: SecretChoice): Promise<Uint8Array | undefined> {
    switch (source.from) {
      case 'testca':
        return (await this.secrets.get('testca')) ?? defaultTestCaSecret();
      case 'stored':
        return this.secrets.get(source.name);
      case 'typed':
        return this.typedSecret;
    }
  }

  private secretChoices() {
    return { stored: this.secrets.names().filter((n) => n !== 'testca'), typed: !!this.typedSecret };
  }

  private async onMessage(m: ComposerToHost): Promise<void> {
    try {
      switch (m.type) {
        case 'ready': {
          this.ready = true;
          this.post({ type: 'strings', strings: webviewStrings() });
          const load = this.pendingLoad;
          this.post({
            type: 'init',
            form: load?.form ?? m.form ?? defaultComposerForm,
            secrets: this.secretChoices(),
            choices: formChoices(),
          });
          if (load) {
            this.post({ type: 'status', level: 'info', message: load.note });
            this.loadSent = true;
          }
          return;
        }
        case 'copyOpenssl':
          return await this.copyOpenssl();
        case 'change':
          return await this.change(m.seq, m.form);
        case 'pickFile':
          return await this.pickFile(m.field);
        case 'enterSecret':
          return await this.enterSecret();
        case 'newKey':
          return this.engine.newKey();
        case 'save':
          return void (await this.save());
        case 'openInInspector':
          return await this.openInInspector();
        case 'send':
          return await this.send();
        case 'expand':
        case 'select': {
          const answer = this.engine.answer(m);
          if (answer) this.post(answer);
          return;
        }
        default: {
          const never: never = m;
          throw new Error(`unknown message ${JSON.stringify(never)}`);
        }
      }
    } catch (e) {
      this.log.error(`composer: ${(e as Error).message}`);
      this.post({ type: 'status', level: 'error', message: (e as Error).message });
    }
  }

  /**
   * Shows `form` (a request read back: Edit as New Request), saying `note` about what did not come
   * back. A hidden webview is made again when revealed and says `ready` with its own saved form: the
   * loaded one is kept until the webview builds it (its first `change`), so it wins either way.
   */
  load(form: ComposerForm, note: string): void {
    this.pendingLoad = { form, note };
    this.reveal();
    if (this.ready && this.panel.visible) {
      this.post({ type: 'init', form, secrets: this.secretChoices(), choices: formChoices() });
      this.post({ type: 'status', level: 'info', message: note });
      this.loadSent = true;
    }
  }

  /** The openssl cmp command of the form, to the clipboard; what it cannot say, in the status line. */
  private async copyOpenssl(): Promise<void> {
    if (!this.form) throw new Error('nothing to copy yet: the form is not built');
    const keyFile = this.saved
      ? `${this.platform.nameOf(this.saved.uri).replace(/\.(pkimsg|der|pki)$/i, '')}.key.pem`
      : undefined;
    const { command, notes } = opensslCommand(this.form.spec, {
      protection: this.form.protection.kind,
      newKeyFile: this.engine.built?.generatedKey && keyFile ? keyFile : undefined,
    });
    await vscode.env.clipboard.writeText(command);
    const message = `${vscode.l10n.t('Copied the openssl cmp command.')} ${notes.join('; ')}`;
    this.post({ type: 'status', level: 'info', message });
  }

  /** Builds the newest form only: changes that arrive while building replace each other. */
  private async change(seq: number, form: ComposerForm): Promise<void> {
    // The webview built the loaded form it was sent: the load is done (later edits are the person's).
    if (this.loadSent) {
      this.pendingLoad = undefined;
      this.loadSent = false;
    }
    this.form = form;
    this.pending = { seq, form };
    if (this.building) return;
    this.building = true;
    try {
      while (this.pending) {
        const next = this.pending;
        this.pending = undefined;
        this.post({ type: 'preview', payload: await this.engine.preview(next.form, next.seq) });
      }
    } finally {
      this.building = false;
    }
  }

  private async pickFile(field: FileField): Promise<void> {
    const many = field === 'extraCerts' || field === 'chain';
    const picked = await vscode.window.showOpenDialog({
      canSelectMany: many,
      openLabel: vscode.l10n.t('Choose'),
      title: `CMP Lens: ${field}`,
      filters: { ...pickFilters[field], 'All files': ['*'] },
    });
    if (picked?.length)
      this.post({ type: 'files', field, paths: picked.map((u) => this.platform.nameOf(u)) });
  }

  private async enterSecret(): Promise<void> {
    const value = await vscode.window.showInputBox({
      title: vscode.l10n.t('CMP Lens: shared secret for this request'),
      password: true,
      ignoreFocusOut: true,
      prompt: vscode.l10n.t('Kept in memory for this composer only (never in the form, settings or files).'),
    });
    if (value === undefined) return;
    this.typedSecret = new TextEncoder().encode(value);
    this.post({ type: 'secrets', secrets: this.secretChoices() });
  }

  /**
   * Saves the previewed message, and a generated key beside it (PKCS#8 PEM, mode 0600). By default in
   * a folder of its own, `cmp-requests/ir-20261204-213000/ir.pkimsg`, never the workspace root; that
   * folder's `.gitignore` keeps `*.key.pem` out of version control.
   */
  private async save(): Promise<vscode.Uri | undefined> {
    const built = this.engine.built;
    if (!built) throw new Error('nothing to save yet: the form has errors');
    const ws = vscode.workspace.workspaceFolders?.[0]?.uri;
    const requests = ws && vscode.Uri.joinPath(ws, 'cmp-requests');
    const folder = requests && vscode.Uri.joinPath(requests, `${built.body}-${folderTimestamp()}`);
    // The dialog opens in the new folder: it exists while the dialog is up, and goes if nothing was saved there.
    if (folder) await vscode.workspace.fs.createDirectory(folder);
    const target = await vscode.window.showSaveDialog({
      title: vscode.l10n.t('CMP Lens: save the {0} request', built.body),
      defaultUri: folder ? vscode.Uri.joinPath(folder, `${built.body}.pkimsg`) : undefined,
      saveLabel: vscode.l10n.t('Save request'),
      filters: { 'CMP message': ['pkimsg', 'der'] },
    });
    if (folder && !(target && target.path.startsWith(`${folder.path}/`))) await removeIfEmpty(folder);
    if (!target) return undefined;
    if (requests && target.path.startsWith(`${requests.path}/`)) await ignoreKeys(requests);
    await vscode.workspace.fs.writeFile(target, built.der);
    this.saved = { uri: target, der: built.der };
    let note = `Saved ${this.platform.nameOf(target)} (${built.der.length} bytes).`;
    if (built.generatedKey) {
      const keyUri = target.with({ path: `${target.path.replace(/\.(pkimsg|der|pki)$/i, '')}.key.pem` });
      if (await this.platform.saveKey(keyUri, built.generatedKey)) {
        note += ` The new ${built.generatedKey.kind} private key is in ${this.platform.nameOf(keyUri)} (PKCS#8, file mode 0600): it is a secret — keep it out of version control.`;
      } else {
        note +=
          ' The generated private key was not saved: its file mode cannot be restricted outside the local file system.';
      }
    }
    this.log.info(note);
    this.post({ type: 'status', level: 'info', message: note });
    void vscode.window.showInformationMessage(`CMP Lens: ${note}`);
    return target;
  }

  private upToDate(): vscode.Uri | undefined {
    const built = this.engine.built;
    return built && this.saved && this.saved.der === built.der ? this.saved.uri : undefined;
  }

  private async openInInspector(): Promise<void> {
    const built = this.engine.built;
    if (!built) throw new Error('nothing to open yet: the form has errors');
    const uri = this.upToDate();
    if (uri) await vscode.commands.executeCommand('vscode.openWith', uri, 'cmpLens.inspector');
    else
      await vscode.commands.executeCommand('cmpLens.inspectBytes', `${built.body} (new request)`, built.der);
  }

  /** Sends the saved message (saving it first) with "CMP Lens: Send Message". */
  /**
   * Sends the saved message (saving it first) with "CMP Lens: Send Message". A MAC's secret chosen
   * here (typed or stored) goes with it, so certConf and pollReq use it and the reply is checked with
   * it, without asking again.
   */
  private async send(): Promise<void> {
    const uri = this.upToDate() ?? (await this.save());
    if (!uri) return;
    const protection = this.form?.protection;
    const secret =
      protection && (protection.kind === 'pbm' || protection.kind === 'pbmac1') && protection.secret
        ? await this.secret(protection.secret)
        : undefined;
    const built = this.engine.built;
    if (secret && built)
      await vscode.commands.executeCommand('cmpLens.sendMessage', {
        name: uri.path.split('/').pop() ?? `${built.body}.pkimsg`,
        der: built.der,
        secret,
      });
    else await vscode.commands.executeCommand('cmpLens.sendMessage', uri);
  }
}

async function removeIfEmpty(folder: vscode.Uri): Promise<void> {
  try {
    if (!(await vscode.workspace.fs.readDirectory(folder)).length) await vscode.workspace.fs.delete(folder);
  } catch {
    // already gone, or not ours to remove
  }
}

/** `cmp-requests/.gitignore` with `*.key.pem`, unless there is one already: keys stay out of git. */
async function ignoreKeys(requests: vscode.Uri): Promise<void> {
  const file = vscode.Uri.joinPath(requests, '.gitignore');
  try {
    await vscode.workspace.fs.stat(file);
  } catch {
    await vscode.workspace.fs.writeFile(
      file,
      new TextEncoder().encode(
        '# Written by CMP Lens: the private keys made for requests are secrets, never committed.\n*.key.pem\n',
      ),
    );
  }
}

export function registerComposer(
  context: vscode.ExtensionContext,
  secrets: SecretStore,
  platform: Platform,
): vscode.Disposable {
  const log = vscode.window.createOutputChannel('CMP Lens Composer', { log: true });
  const open = (panel: vscode.WebviewPanel) =>
    new ComposerPanel(panel, context.extensionUri, secrets, log, platform);
  return vscode.Disposable.from(
    log,
    { dispose: () => ComposerPanel.current?.dispose() },
    // With a form (Edit as New Request): that form, in the one composer panel.
    vscode.commands.registerCommand('cmpLens.newRequest', (load?: { form: ComposerForm; note: string }) => {
      const panel =
        ComposerPanel.current ??
        open(
          vscode.window.createWebviewPanel(
            composerViewType,
            'New CMP Request',
            vscode.ViewColumn.Active,
            webviewOptions(context.extensionUri),
          ),
        );
      if (load && typeof load === 'object' && 'form' in load) panel.load(load.form, load.note);
      else panel.reveal();
    }),
    vscode.window.registerWebviewPanelSerializer(composerViewType, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel) {
        // The form comes back from the webview's own state with its `ready` message.
        if (ComposerPanel.current) panel.dispose();
        else open(panel);
      },
    }),
  );
}
