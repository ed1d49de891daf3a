/**
 * The inspector as a read-only custom editor (default for .pkimsg/.pki, "Open With…" for .der and
 * friends), the "Inspect as CMP" command for PEM/base64 text, and the webview context-menu actions.
 */
import * as vscode from 'vscode';
import type { CopyWhat } from '../../shared/protocol';
import type { CheckResult } from '../../shared/protection';
import type { Finding } from '../../shared/findings';
import { issuedCertificates, transactionIdOf } from '../../core/protection';
import { inspectJsonChunks, signatureImplementations, type SecretQuery } from '../../app';
import type { Platform } from '../platform';
import { readTrustAnchors, type VscodeSecrets } from '../secrets';
import { webviewHtml, webviewOptions } from '../webviewHtml';
import { InspectorSession, type ProtectionContext } from './session';

export const inspectorViewType = 'cmpLens.inspector';
/**
 * The same editor offered through "Open With…" for .der, .cer, .crt, .csr, .crl, .p10 and .bin: a
 * custom editor's viewType must be unique, so the optional file types get their own.
 */
export const inspectorBinaryViewType = 'cmpLens.inspectorBinary';
export const inspectorPanelType = 'cmpLens.inspectorPanel';

const icons: Record<CheckResult['verdict'], string> = {
  valid: '$(pass)',
  unprotected: '$(unlock)',
  invalid: '$(error)',
  'needs-secret': '$(key)',
  'needs-cert': '$(question)',
  unsupported: '$(question)',
  'cannot-verify': '$(question)',
};

/** Sessions by panel, the one last active (for context-menu commands), and its status bar item. */
class Sessions {
  private active: InspectorSession | undefined;
  /** Every open inspector, to check again when a secret for its exchange or senderKID becomes known. */
  private readonly open = new Set<InspectorSession>();
  readonly status = vscode.window.createStatusBarItem(
    'cmpLens.protection',
    vscode.StatusBarAlignment.Left,
    100,
  );

  constructor() {
    this.status.name = vscode.l10n.t('CMP Lens protection');
    this.status.command = 'cmpLens.enterSecret';
  }

  track(panel: vscode.WebviewPanel, session: InspectorSession): vscode.Disposable {
    if (panel.active) this.setActive(session);
    this.open.add(session);
    return vscode.Disposable.from(
      { dispose: () => this.open.delete(session) },
      panel.onDidChangeViewState((e) => {
        if (e.webviewPanel.active) this.setActive(session);
        else if (this.active === session) this.setActive(undefined);
      }),
      panel.onDidDispose(() => {
        if (this.active === session) this.setActive(undefined);
      }),
    );
  }

  private setActive(session: InspectorSession | undefined): void {
    this.active = session;
    this.update(session);
  }

  /** Shows the active inspector's protection verdict in the status bar. */
  update(session: InspectorSession | undefined): void {
    if (session !== this.active) return;
    const r = session?.results.find((x) => x.check === 'protection');
    if (!r) {
      this.status.hide();
      return;
    }
    this.status.text = `${icons[r.verdict]} CMP: ${r.verdict}`;
    this.status.tooltip = `${r.summary}${r.reason ? `\n${r.reason}` : ''}${r.chain ? `\n${vscode.l10n.t('chain: {0}', r.chain)}` : ''}${r.verdict === 'needs-secret' || r.verdict === 'invalid' ? `\n${vscode.l10n.t('Click to enter the shared secret.')}` : ''}`;
    this.status.show();
  }

  get current(): InspectorSession | undefined {
    return this.active;
  }

  /** A secret became known: every open message of that exchange or senderKID whose MAC was not valid is checked again. */
  recheck(q: SecretQuery): void {
    for (const s of this.open) if (s.waitsFor(q)) void s.recheck();
  }
}

/** Certificates issued (ip/cp/kup beside `uri`, same transactionID): what a certConf's certHash covers. */
/** The messages in the folder of `uri` with the transactionID of `der` (an exchange saved as files). */
async function sameTransactionBeside(uri: vscode.Uri, der: Uint8Array): Promise<Uint8Array[]> {
  const tid = transactionIdOf(der);
  if (!tid) return [];
  const dir = vscode.Uri.joinPath(uri, '..');
  const out: Uint8Array[] = [];
  let entries: [string, vscode.FileType][] = [];
  try {
    entries = await vscode.workspace.fs.readDirectory(dir);
  } catch {
    return [];
  }
  for (const [name, type] of entries.slice(0, 500)) {
    if (type !== vscode.FileType.File || !/\.(der|pkimsg|pki)$/i.test(name)) continue;
    const file = vscode.Uri.joinPath(dir, name);
    if ((await vscode.workspace.fs.stat(file)).size > 1024 * 1024) continue;
    const bytes = await vscode.workspace.fs.readFile(file);
    if (transactionIdOf(bytes) === tid) out.push(bytes);
  }
  return out;
}

/** The certificates issued in the exchange `der` belongs to (certConf's certHash), from the files beside it. */
async function issuedBeside(uri: vscode.Uri, der: Uint8Array): Promise<Uint8Array[]> {
  return (await sameTransactionBeside(uri, der)).flatMap((m) => issuedCertificates(m).map((c) => c.der));
}

const diagnosticSeverity: Record<Finding['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

/** A finding for the Problems panel: a binary file has no lines, so the place is said in words. */
function toDiagnostic(f: Finding): vscode.Diagnostic {
  const d = new vscode.Diagnostic(
    new vscode.Range(0, 0, 0, 0),
    `${f.message} — ${f.path || 'message'} at offset 0x${f.offset.toString(16)} (${f.ref}${f.profile === 'lightweight' ? ', lightweight profile' : ''})`,
    diagnosticSeverity[f.severity],
  );
  d.source = 'CMP Lens';
  d.code = f.id;
  return d;
}

function baseName(uri: vscode.Uri): string {
  return uri.path.split('/').pop() ?? 'message';
}

class InspectorProvider implements vscode.CustomReadonlyEditorProvider {
  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly sessions: Sessions,
    private readonly protection: ProtectionContext,
    private readonly diagnostics: vscode.DiagnosticCollection,
  ) {}

  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => undefined };
  }

  resolveCustomEditor(document: vscode.CustomDocument, panel: vscode.WebviewPanel): void {
    panel.webview.options = webviewOptions(this.extensionUri);
    panel.webview.html = webviewHtml(panel.webview, this.extensionUri, 'inspector');
    const name = baseName(document.uri);
    const session = new InspectorSession({
      webview: panel.webview,
      title: name,
      suggestedName: name.replace(/\.[^.]+$/, ''),
      load: async () => vscode.workspace.fs.readFile(document.uri),
      protection: this.protection,
      findIssued: (der) => issuedBeside(document.uri, der),
      findExchange: (der) => sameTransactionBeside(document.uri, der),
    });
    session.onFindings = (findings) => this.diagnostics.set(document.uri, findings.map(toDiagnostic));
    const watcher = vscode.workspace.createFileSystemWatcher(
      new vscode.RelativePattern(vscode.Uri.joinPath(document.uri, '..'), name),
    );
    const reload = () => void session.reload();
    const disposables = [
      session,
      watcher,
      watcher.onDidChange(reload),
      watcher.onDidCreate(reload),
      this.sessions.track(panel, session),
      { dispose: () => this.diagnostics.delete(document.uri) },
    ];
    panel.onDidDispose(() => disposables.forEach((d) => d.dispose()));
  }
}

/** "CMP Lens: Inspect as CMP": the active text editor's selection (or whole text): PEM, base64, hex, HTTP or MIME. */
function inspectText(extensionUri: vscode.Uri, sessions: Sessions, protection: ProtectionContext): void {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showWarningMessage(
      vscode.l10n.t(
        'CMP Lens: open a text file holding the message first (PEM, base64, hex, a saved HTTP message or a MIME part).',
      ),
    );
    return;
  }
  const text = editor.selection.isEmpty
    ? editor.document.getText()
    : editor.document.getText(editor.selection);
  inspectBytes(
    extensionUri,
    sessions,
    protection,
    baseName(editor.document.uri),
    new TextEncoder().encode(text),
  );
}

/** An inspector panel for bytes that are not a file (a text selection, the composer's message). */
function inspectBytes(
  extensionUri: vscode.Uri,
  sessions: Sessions,
  protection: ProtectionContext,
  name: string,
  bytes: Uint8Array,
): void {
  const panel = vscode.window.createWebviewPanel(
    inspectorPanelType,
    `${name} (CMP)`,
    vscode.ViewColumn.Beside,
    webviewOptions(extensionUri),
  );
  panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.png');
  panel.webview.html = webviewHtml(panel.webview, extensionUri, 'inspector');
  const session = new InspectorSession({
    webview: panel.webview,
    title: name,
    suggestedName: name.replace(/\.[^.]+$/, ''),
    load: async () => bytes,
    protection,
  });
  const tracking = sessions.track(panel, session);
  panel.onDidDispose(() => {
    session.dispose();
    tracking.dispose();
  });
}

interface NodeContext {
  nodeId?: string;
}

export function registerInspector(
  context: vscode.ExtensionContext,
  secrets: VscodeSecrets,
  platform: Platform,
): vscode.Disposable {
  const sessions = new Sessions();
  const log = vscode.window.createOutputChannel('CMP Lens', { log: true });
  log.info(
    `CMP Lens ${String(context.extension.packageJSON.version)} active in the ${platform.host} extension host: ${platform.description}`,
  );
  // Once per activation: which implementation serves each post-quantum set in this extension host.
  void signatureImplementations().then(
    (line) => log.info(line),
    () => undefined,
  );
  const protection: ProtectionContext = {
    secrets,
    trustAnchors: () => readTrustAnchors((m) => log.warn(m), platform.uriOf),
    log,
    changed: (session) => sessions.update(session),
    saveKey: (uri, pkcs8) => platform.saveKey(uri, { pkcs8 }),
    openModel: (bytes, signal, onEarly) => platform.openModel(bytes, signal, onEarly),
  };
  const diagnostics = vscode.languages.createDiagnosticCollection('cmpLens');
  const copy = (what: CopyWhat) => (ctx?: NodeContext) => {
    if (ctx?.nodeId) void sessions.current?.copy(ctx.nodeId, what);
  };
  return vscode.Disposable.from(
    sessions.status,
    log,
    diagnostics,
    ...[inspectorViewType, inspectorBinaryViewType].map((viewType) =>
      vscode.window.registerCustomEditorProvider(
        viewType,
        new InspectorProvider(context.extensionUri, sessions, protection, diagnostics),
        {
          supportsMultipleEditorsPerDocument: true,
        },
      ),
    ),
    vscode.commands.registerCommand('cmpLens.inspectAsCmp', () =>
      inspectText(context.extensionUri, sessions, protection),
    ),
    // The active inspector's view model as JSON, as cmp-lens inspect --json writes it (every node with its path).
    vscode.commands.registerCommand('cmpLens.exportJson', async () => {
      const m = sessions.current?.message;
      if (!m) {
        void vscode.window.showInformationMessage(
          vscode.l10n.t('CMP Lens: open a message in the inspector first.'),
        );
        return;
      }
      const base = vscode.workspace.workspaceFolders?.[0]?.uri;
      const target = await vscode.window.showSaveDialog({
        title: vscode.l10n.t('CMP Lens: export {0} as JSON', m.name),
        defaultUri: base ? vscode.Uri.joinPath(base, `${m.name.replace(/\.[^.]+$/, '')}.json`) : undefined,
        filters: { JSON: ['json'] },
      });
      if (!target) return;
      // Produced in pieces and encoded piece by piece: no single string holds it.
      const enc = new TextEncoder();
      const parts: Uint8Array[] = [];
      let size = 0;
      for (const chunk of inspectJsonChunks(m.der).chunks) {
        const b = enc.encode(chunk);
        parts.push(b);
        size += b.length;
      }
      const out = new Uint8Array(size);
      let at = 0;
      for (const p of parts) {
        out.set(p, at);
        at += p.length;
      }
      await vscode.workspace.fs.writeFile(target, out);
      vscode.window.setStatusBarMessage(vscode.l10n.t('CMP Lens: exported {0} bytes of JSON', size), 4000);
    }),
    // Internal: the message of the active inspector (Edit as New Request, Resend, Copy as openssl cmp).
    vscode.commands.registerCommand('cmpLens.activeMessage', () => sessions.current?.message),
    // Internal (not in the palette): the composer's "Open in Inspector" for an unsaved message.
    vscode.commands.registerCommand('cmpLens.inspectBytes', (name: string, bytes: Uint8Array) =>
      inspectBytes(context.extensionUri, sessions, protection, name, bytes),
    ),
    vscode.commands.registerCommand('cmpLens.enterSecret', () => {
      if (sessions.current) void sessions.current.enterSecret();
      else
        void vscode.window.showInformationMessage(
          vscode.l10n.t('CMP Lens: open a MAC-protected message in the inspector first.'),
        );
    }),
    vscode.commands.registerCommand('cmpLens.checkWithCertificate', () => {
      if (sessions.current) void sessions.current.chooseCertificate();
      else
        void vscode.window.showInformationMessage(
          vscode.l10n.t('CMP Lens: open a signature-protected message in the inspector first.'),
        );
    }),
    secrets.onDidLearn((q) => sessions.recheck(q)),
    vscode.commands.registerCommand('cmpLens.forgetSecrets', async () => {
      const n = await secrets.forgetAll();
      void vscode.window.showInformationMessage(
        n === 1
          ? vscode.l10n.t('CMP Lens: forgot 1 stored secret.')
          : vscode.l10n.t('CMP Lens: forgot {0} stored secrets.', n),
      );
    }),
    vscode.commands.registerCommand('cmpLens.copyValue', copy('value')),
    vscode.commands.registerCommand('cmpLens.copyPath', copy('path')),
    vscode.commands.registerCommand('cmpLens.copyHex', copy('hex')),
    vscode.commands.registerCommand('cmpLens.copyBase64', copy('base64')),
    vscode.commands.registerCommand('cmpLens.saveNodeAsDer', (ctx?: NodeContext) => {
      if (ctx?.nodeId) void sessions.current?.saveDer(ctx.nodeId);
    }),
  );
}
