/**
 * One inspector view: owns the decoded model of its bytes and answers the webview's requests.
 * Used by the custom editor (files) and by "Inspect as CMP" (text editors).
 */
import * as vscode from 'vscode';
import { inspectInput, InspectorModel } from '../../core/inspect';
import { respond, showPayload } from '../../core/inspect/respond';
import { unwrapInput } from '../../core/base/pem';
import { checkMessage } from '../../core/checks';
import { checkCertHashes, verifyMessage } from '../../core/protection';
import type { CheckProfile, Finding } from '../../shared/findings';
import type { CheckResult } from '../../shared/protection';
import type { CopyWhat, HostToWebview, WebviewToHost } from '../../shared/protocol';
import type { SecretStore } from '../secrets';

/** What the protection check needs from the extension: stored secrets, trust anchors, and a listener. */
export interface ProtectionContext {
  secrets: SecretStore;
  trustAnchors(): Promise<Uint8Array[]>;
  changed(session: InspectorSession): void;
}

export class InspectorSession implements vscode.Disposable {
  private model: InspectorModel | undefined;
  private version = 0;
  /** The last protection results, for the status bar. */
  results: CheckResult[] = [];
  /** Called with each decode's protocol-check findings (the provider puts them in the Problems panel). */
  onFindings: ((findings: Finding[]) => void) | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly webview: vscode.Webview,
    private readonly title: string,
    private readonly suggestedName: string,
    private load: () => Promise<Uint8Array>,
    private readonly protection?: ProtectionContext,
    /** For a certConf: the certificates issued in the same transaction (from files beside it). */
    private readonly findIssued?: (der: Uint8Array) => Promise<Uint8Array[]>,
  ) {
    this.disposables.push(webview.onDidReceiveMessage((m: WebviewToHost) => void this.onMessage(m)));
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  /** Decodes again (the file changed) and shows the result. */
  async reload(load?: () => Promise<Uint8Array>): Promise<void> {
    if (load) this.load = load;
    this.model = undefined;
    await this.show();
  }

  private post(message: HostToWebview): void {
    void this.webview.postMessage(message);
  }

  private async ensureModel(): Promise<InspectorModel> {
    if (!this.model) {
      const bytes = await this.load();
      const { doc, der } = inspectInput(bytes);
      this.model = new InspectorModel(doc, der);
      this.version++;
    }
    return this.model;
  }

  private async show(): Promise<void> {
    const m = await this.ensureModel();
    this.post({ type: 'show', payload: showPayload(m, this.title, this.version) });
    if (m.doc.kind === 'PKIMessage') {
      this.lint(m);
      await this.check();
    } else this.onFindings?.([]);
  }

  /** Protocol checks with the profile from `cmpLens.checkProfile`, posted with the node each is about. */
  private lint(m: InspectorModel): void {
    const profile = vscode.workspace.getConfiguration('cmpLens').get<CheckProfile>('checkProfile', 'base');
    const findings = checkMessage(m.der, { profile });
    this.post({ type: 'findings', version: this.version, profile, findings: findings.map((f) => ({ ...f, nodeId: m.reveal(f.offset).at(-1) })) });
    this.onFindings?.(findings);
  }

  /** senderKID in hex: the key a stored secret is filed under. */
  private senderKid(): string | undefined {
    const v = this.model?.doc.summary?.senderKID;
    return v && /^[0-9a-f]+$/.test(v) ? v : undefined;
  }

  /** Runs the protection check with `secret`, else a stored one, and posts the results. */
  private async check(secret?: Uint8Array): Promise<CheckResult[]> {
    const m = await this.ensureModel();
    if (!this.protection) return [];
    const kid = this.senderKid();
    const stored = !secret && kid ? await this.protection.secrets.get(kid) : undefined;
    const anchors = (await this.protection.trustAnchors()).map((a) => unwrapInput(a).der);
    this.results = await verifyMessage(m.der, { secret: secret ?? stored, trustAnchors: anchors, cert: this.certOverride });
    if (m.doc.summary?.bodyType === 'certConf' && this.findIssued) {
      this.results.push(...await checkCertHashes(m.der, await this.findIssued(m.der)));
    }
    this.post({ type: 'protection', version: this.version, results: this.results });
    this.protection.changed(this);
    return this.results;
  }

  private certOverride: Uint8Array | undefined;

  /** Checks the signature with a certificate file the user picks instead of extraCerts[0]. */
  async chooseCertificate(): Promise<void> {
    const picked = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Use certificate', title: 'CMP Lens: check the signature with which certificate?', filters: { Certificates: ['pem', 'crt', 'cer', 'der'] } });
    if (!picked?.[0]) return;
    this.certOverride = unwrapInput(await vscode.workspace.fs.readFile(picked[0])).der;
    await this.check();
  }

  /** Asks for the shared secret, checks with it, and offers to remember it if it is right. */
  async enterSecret(): Promise<void> {
    const kid = this.senderKid();
    const value = await vscode.window.showInputBox({
      title: 'CMP Lens: shared secret', password: true, ignoreFocusOut: true,
      prompt: `The shared secret for the MAC of ${this.title}${kid ? ` (senderKID ${kid})` : ''}. It is used only to check the MAC.`,
    });
    if (value === undefined) return;
    const results = await this.check(new TextEncoder().encode(value));
    const verdict = results.find((r) => r.check === 'protection')?.verdict;
    if (verdict === 'valid' && kid && this.protection) {
      const choice = await vscode.window.showInformationMessage(`CMP Lens: the MAC is valid. Remember this secret for senderKID ${kid} in VS Code's secret storage?`, 'Remember', 'Not now');
      if (choice === 'Remember') await this.protection.secrets.store(kid, value);
    } else if (verdict === 'invalid') {
      void vscode.window.showWarningMessage('CMP Lens: the MAC does not match with this secret.');
    }
  }

  private async onMessage(message: WebviewToHost): Promise<void> {
    try {
      switch (message.type) {
        case 'ready': return await this.show();
        case 'copy': return await this.copy(message.id, message.what);
        case 'saveDer': return await this.saveDer(message.id);
        case 'enterSecret': return await this.enterSecret();
        case 'chooseCert': return await this.chooseCertificate();
        case 'expand': case 'select': case 'filter': case 'reveal': case 'bytes': {
          const answer = respond(await this.ensureModel(), message, this.version);
          if (answer) this.post(answer);
          return;
        }
        default: {
          const never: never = message;
          throw new Error(`unknown message ${JSON.stringify(never)}`);
        }
      }
    } catch (e) {
      this.post({ type: 'error', message: (e as Error).message });
    }
  }

  /** Copy a node's value, path, or encoded bytes (hex/base64) to the clipboard. */
  async copy(id: string, what: CopyWhat): Promise<void> {
    const text = (await this.ensureModel()).copyText(id, what);
    if (text === undefined) return;
    await vscode.env.clipboard.writeText(text);
    vscode.window.setStatusBarMessage(`CMP Lens: copied ${what} (${text.length} characters)`, 3000);
  }

  /** Save a node's DER (an embedded certificate, CSR …) to a file the user picks. */
  async saveDer(id: string): Promise<void> {
    const m = await this.ensureModel();
    const bytes = m.elementBytes(id);
    const node = m.node(id);
    if (!bytes || !node) return;
    const ext = /Certificate$/.test(node.type) ? 'cer' : node.type === 'CertificationRequest' ? 'csr' : node.type === 'CertificateList' ? 'crl' : 'der';
    const base = vscode.workspace.workspaceFolders?.[0]?.uri;
    const defaultUri = base ? vscode.Uri.joinPath(base, `${this.suggestedName}-${(m.details(id)?.path || 'node').replace(/[^\w.-]+/g, '_')}.${ext}`) : undefined;
    const target = await vscode.window.showSaveDialog({ defaultUri, saveLabel: 'Save DER', filters: { DER: [ext, 'der'] } });
    if (!target) return;
    await vscode.workspace.fs.writeFile(target, bytes);
    vscode.window.setStatusBarMessage(`CMP Lens: saved ${bytes.length} bytes to ${target.fsPath}`, 4000);
  }
}
