/**
 * One inspector view: owns the decoded model of its bytes and answers the webview's requests.
 * Used by the custom editor (files) and by "Inspect as CMP" (text editors). Checking is the
 * `checkProtection` use case; this class turns its result into messages for the webview.
 */
import * as vscode from 'vscode';
import {
  checkProtection,
  decryptMessage,
  encryptedViews,
  redactedSignedContent,
  inspectFile,
  kindInWords,
  lintMessage,
  readDerInput,
  secretQueryFor,
  type ModelInfo,
  type ModelPort,
  type SecretQuery,
  type SecretSource,
} from '../../app';
import { toPem, unwrapInput } from '../../core/base';
import { readRecipientKey, type DecryptedItem, type RecipientKey } from '../../core/protection';
import type { CheckProfile, Finding } from '../../shared/findings';
import type { CheckResult } from '../../shared/protection';
import {
  isWebviewToHost,
  type CopyWhat,
  type HostToWebview,
  type WebviewToHost,
} from '../../shared/protocol';
import { Disposable } from '../disposable';
import { onGuardedMessage } from '../webviewMessages';
import { webviewStrings } from '../l10n';
import { pickKemKey } from '../keyFile';

/** What the protection check needs from the extension: secrets, trust anchors, a listener and a log. */
export interface ProtectionContext {
  secrets: SecretSource;
  trustAnchors(): Promise<Uint8Array[]>;
  changed(session: InspectorSession): void;
  log: vscode.LogOutputChannel;
  /** Writes a private key owner-only (PKCS#8 PEM); false where that cannot be promised (the browser). */
  saveKey(uri: vscode.Uri, pkcs8: Uint8Array): Promise<boolean>;
  /** Decodes a file's bytes into a model (a worker thread on the Node host); `signal` cancels. */
  openModel(bytes: Uint8Array, signal: AbortSignal, onEarly?: (early: ModelInfo) => void): Promise<ModelPort>;
}

/** A decode that takes longer than this shows a progress notification (with Cancel). */
const progressAfterMs = 1000;

export interface SessionOptions {
  webview: vscode.Webview;
  title: string;
  /** File name stem for "Save Node as DER…". */
  suggestedName: string;
  load: () => Promise<Uint8Array>;
  protection: ProtectionContext;
  /** For a certConf: the certificates issued in the same transaction (from files beside it). */
  findIssued?: (der: Uint8Array) => Promise<Uint8Array[]>;
  /** The messages of the same transaction beside this one (a KemBasedMac's genp with KemCiphertextInfo). */
  findExchange?: (der: Uint8Array) => Promise<Uint8Array[]>;
}

export class InspectorSession extends Disposable {
  /** The decoded model (in a worker thread on the Node host), once there is one. */
  private model: ModelPort | undefined;
  /** The decode under way, and how to cancel it. */
  private opening: { promise: Promise<ModelPort>; abort: AbortController } | undefined;
  private version = 0;
  private certOverride: Uint8Array | undefined;
  /** An ML-KEM private key given for KemBasedMac (this view's memory only). */
  private kemKey: Uint8Array | undefined;
  /** The last protection results, for the status bar. */
  results: CheckResult[] = [];
  /** Called with each decode's protocol-check findings (the provider puts them in the Problems panel). */
  onFindings: ((findings: Finding[]) => void) | undefined;

  constructor(private readonly o: SessionOptions) {
    super();
    this.register(
      onGuardedMessage(
        o.webview,
        isWebviewToHost,
        o.protection.log,
        'inspector',
        (m) => void this.onMessage(m),
      ),
    );
    // The decode starts now, while the webview loads (it asks for the tree once it is ready): a big
    // file's first rows show that much sooner. A failure is said when the view asks.
    this.ensureModel().catch(() => undefined);
  }

  /** Decodes again (the file changed) and shows the result. */
  async reload(load?: () => Promise<Uint8Array>): Promise<void> {
    if (load) this.o.load = load;
    this.closeModel();
    await this.show();
  }

  /** Frees the model (its worker ends) and cancels a decode under way. */
  private closeModel(): void {
    this.opening?.abort.abort();
    this.opening = undefined;
    this.model?.dispose();
    this.model = undefined;
  }

  override dispose(): void {
    this.closeModel();
    super.dispose();
  }

  private post(message: HostToWebview): void {
    if (!this.isDisposed) void this.o.webview.postMessage(message);
  }

  private ensureModel(): Promise<ModelPort> {
    if (this.model) return Promise.resolve(this.model);
    if (this.opening) return this.opening.promise;
    const abort = new AbortController();
    const promise = (async () => {
      const bytes = await this.o.load();
      const log = this.o.protection.log;
      const started = Date.now();
      log.info(`decoding ${this.o.title} (${bytes.length} bytes)`);
      const decoding = this.o.protection.openModel(bytes, abort.signal, (early) => {
        this.early = early;
        if (this.ready && !this.model) this.postEarly();
      });
      this.progress(decoding, bytes.length, abort);
      const port = await decoding.catch((e: unknown) => {
        log.info(`decoding ${this.o.title} stopped: ${(e as Error).message}`);
        throw e;
      });
      if (abort.signal.aborted || this.isDisposed) {
        port.dispose();
        throw new Error(vscode.l10n.t('Decoding was cancelled.'));
      }
      log.info(
        `decoded ${this.o.title}: ${port.info.payload.stats.nodes} nodes in ${Date.now() - started} ms, in ${port.where}`,
      );
      this.model = port;
      this.version++;
      return port;
    })();
    const opening = { promise, abort };
    this.opening = opening;
    void promise
      .finally(() => {
        if (this.opening === opening) this.opening = undefined;
      })
      .catch(() => undefined);
    return promise;
  }

  /** A progress notification (with Cancel) for a decode still running after a second. */
  private progress(decoding: Promise<unknown>, size: number, abort: AbortController): void {
    let done = false;
    void decoding.then(
      () => (done = true),
      () => (done = true),
    );
    setTimeout(() => {
      if (done || abort.signal.aborted) return;
      void vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: vscode.l10n.t('CMP Lens: decoding {0} ({1} MB)', this.o.title, (size / 1e6).toFixed(1)),
          cancellable: true,
        },
        (_progress, token) => {
          token.onCancellationRequested(() => abort.abort());
          return decoding.catch(() => undefined);
        },
      );
    }, progressAfterMs);
  }

  /** A big file's first look, while the whole is decoded (shown once the webview is ready). */
  private early: ModelInfo | undefined;
  /** The webview said it is ready (messages posted before are lost). */
  private ready = false;

  private postEarly(): void {
    if (!this.early) return;
    this.post({ type: 'show', payload: { ...this.early.payload, title: this.o.title, version: -2 } });
    this.early = undefined;
  }

  private async show(): Promise<void> {
    if (!this.model) this.postEarly();
    const m = await this.ensureModel();
    this.post({ type: 'show', payload: { ...m.info.payload, title: this.o.title, version: this.version } });
    if (m.info.kind === 'PKIMessage') {
      await this.lint(m);
      this.decrypted = undefined;
      await this.postEncrypted(m);
      await this.check();
    } else this.onFindings?.([]);
  }

  /** What was decrypted (in this window's memory only; the keys are never posted but on Show key). */
  private decrypted: DecryptedItem[] | undefined;

  /** The encrypted items, locked or as opened, for the webview's "Encrypted content" section. */
  private async postEncrypted(m: ModelPort): Promise<void> {
    this.post({ type: 'encrypted', version: this.version, items: await encryptedViews(m, this.decrypted) });
  }

  /** Decrypt…: a PKCS#8 key file or a password, then every encrypted item opened with it. */
  async decrypt(): Promise<void> {
    const m = await this.ensureModel();
    const how = await vscode.window.showQuickPick(
      [
        {
          label: vscode.l10n.t('A private key file…'),
          detail: vscode.l10n.t('PKCS#8 (PEM or DER): RSA (ktri), EC, X25519, X448 (kari), ML-KEM (kemri)'),
          how: 'key' as const,
        },
        {
          label: vscode.l10n.t('A password…'),
          detail: vscode.l10n.t('pwri: the shared secret of a MAC-protected central key generation'),
          how: 'password' as const,
        },
      ],
      { title: vscode.l10n.t('CMP Lens: decrypt {0} with', this.o.title), ignoreFocusOut: true },
    );
    if (!how) return;
    let key: RecipientKey;
    if (how.how === 'password') {
      const value = await vscode.window.showInputBox({
        title: vscode.l10n.t('CMP Lens: password for the EnvelopedData'),
        password: true,
        ignoreFocusOut: true,
      });
      if (value === undefined) return;
      key = { kind: 'password', password: new TextEncoder().encode(value) };
    } else {
      const picked = await vscode.window.showOpenDialog({
        canSelectMany: false,
        openLabel: vscode.l10n.t('Decrypt with this key'),
        title: vscode.l10n.t('CMP Lens: the recipient private key (PKCS#8)'),
        filters: { Keys: ['pem', 'key', 'der', 'p8'] },
      });
      if (!picked?.[0]) return;
      const u = unwrapInput(await vscode.workspace.fs.readFile(picked[0]));
      try {
        if (u.error) throw new Error(u.error);
        readRecipientKey(u.der);
      } catch (e) {
        void vscode.window.showErrorMessage(
          vscode.l10n.t(
            'CMP Lens: {0} cannot decrypt: {1}',
            picked[0].path.split('/').pop() ?? '',
            (e as Error).message,
          ),
        );
        return;
      }
      key = { kind: 'key', pkcs8: u.der };
    }
    const out = await decryptMessage(m.info.der, key);
    this.decrypted = out.items;
    // Only what happened, never the key or the password.
    this.o.protection.log.info(
      `decrypt ${this.o.title}: ${out.items.map((i) => `${i.path} ${i.failed === 'no-key' ? 'not opened' : i.failed ? 'opened, a check failed' : 'opened'}`).join('; ')}`,
    );
    await this.postEncrypted(m);
    if (out.exit === 3)
      void vscode.window.showWarningMessage(
        vscode.l10n.t('CMP Lens: nothing in {0} opens with this key.', this.o.title),
      );
  }

  private keyAt(index: number): Uint8Array | undefined {
    return this.decrypted?.flatMap((d) => d.keys ?? [])[index]?.pkcs8;
  }

  private certAt(index: number): Uint8Array | undefined {
    return this.decrypted?.[index]?.certificate;
  }

  /** Shows a decrypted private key, after the person confirms; it is not kept in the webview's state. */
  async showKey(index: number): Promise<void> {
    const pkcs8 = this.keyAt(index);
    if (!pkcs8) return;
    const show = vscode.l10n.t('Show key');
    const ok = await vscode.window.showWarningMessage(
      vscode.l10n.t(
        'Show the private key in the inspector? It stays on screen until you hide it or close the view.',
      ),
      { modal: true },
      show,
    );
    if (ok === show)
      this.post({ type: 'keyShown', version: this.version, index, pem: toPem('PRIVATE KEY', pkcs8) });
  }

  /** Saves a decrypted private key as PKCS#8 PEM, owner-only (mode 0600); refused where that cannot be. */
  async saveKey(index: number): Promise<void> {
    const pkcs8 = this.keyAt(index);
    if (!pkcs8) return;
    const base = vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await vscode.window.showSaveDialog({
      title: vscode.l10n.t('CMP Lens: save the decrypted private key (PKCS#8, owner-only)'),
      defaultUri: base ? vscode.Uri.joinPath(base, `${this.o.suggestedName}.key.pem`) : undefined,
      filters: { 'PKCS#8 PEM': ['pem'] },
    });
    if (!target) return;
    if (await this.o.protection.saveKey(target, pkcs8))
      vscode.window.setStatusBarMessage(
        vscode.l10n.t('CMP Lens: saved the key to {0} (mode 0600)', target.fsPath),
        4000,
      );
    else
      void vscode.window.showErrorMessage(
        vscode.l10n.t(
          'CMP Lens: a private key is written only where it can be made owner-only (a local folder); nothing was written.',
        ),
      );
  }

  async saveCert(index: number): Promise<void> {
    const der = this.certAt(index);
    if (!der) return;
    const base = vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await vscode.window.showSaveDialog({
      title: vscode.l10n.t('CMP Lens: save the decrypted certificate'),
      defaultUri: base ? vscode.Uri.joinPath(base, `${this.o.suggestedName}.crt.pem`) : undefined,
      filters: { PEM: ['pem', 'crt'] },
    });
    if (!target) return;
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(toPem('CERTIFICATE', der)));
  }

  async openCert(index: number): Promise<void> {
    const der = this.certAt(index);
    if (der)
      await vscode.commands.executeCommand(
        'cmpLens.inspectBytes',
        `${this.o.suggestedName} (decrypted certificate)`,
        der,
      );
  }

  /** Protocol checks with the profile from `cmpLens.checkProfile`, posted with the node each is about. */
  private async lint(m: ModelPort): Promise<void> {
    const profile = vscode.workspace.getConfiguration('cmpLens').get<CheckProfile>('checkProfile', 'base');
    const findings = lintMessage(m.info.der, profile);
    const nodeIds = await Promise.all(findings.map(async (f) => (await m.ask('reveal', f.offset)).at(-1)));
    this.post({
      type: 'findings',
      version: this.version,
      profile,
      findings: findings.map((f, i) => ({ ...f, nodeId: nodeIds[i] })),
    });
    this.onFindings?.(findings);
  }

  /** Runs the checks (with `typed`, a secret just entered, else a stored one) and posts the results. */
  private async check(typed?: Uint8Array): Promise<CheckResult['verdict'] | undefined> {
    const m = await this.ensureModel();
    const anchors = (await this.o.protection.trustAnchors()).map((a) => readDerInput(a).der);
    const der = m.info.der;
    const certConf = m.info.summary?.bodyType === 'certConf' && this.o.findIssued;
    const outcome = await checkProtection({
      der,
      name: this.o.title,
      secrets: this.o.protection.secrets,
      typed,
      cert: this.certOverride,
      trustAnchors: anchors,
      issued: certConf ? () => this.o.findIssued!(der) : undefined,
      kem: this.kemKey
        ? { key: this.kemKey, carriers: [...((await this.o.findExchange?.(der)) ?? []), der] }
        : undefined,
    });
    this.results = outcome.results;
    this.post({ type: 'protection', version: this.version, results: this.results });
    this.o.protection.changed(this);
    return outcome.protection?.verdict;
  }

  /** The message shown (its DER) and its name, for Edit as New Request, Resend and Copy as openssl cmp. */
  get message(): { name: string; der: Uint8Array } | undefined {
    return this.model ? { name: this.o.title, der: this.model.info.der } : undefined;
  }

  /** Whether a secret now known for `q` may change this message's MAC verdict. */
  waitsFor(q: SecretQuery): boolean {
    const verdict = this.results.find((r) => r.check === 'protection')?.verdict;
    if (!this.model || (verdict !== 'needs-secret' && verdict !== 'invalid')) return false;
    const mine = secretQueryFor(this.model.info.der, this.o.title);
    return (
      (!!q.transactionId && q.transactionId === mine.transactionId) ||
      (!!q.senderKid && q.senderKid === mine.senderKid)
    );
  }

  /** Checks again with what is known now (a secret learned elsewhere). */
  async recheck(): Promise<void> {
    await this.check();
  }

  /** Checks the signature with a certificate file the user picks instead of extraCerts[0]. */
  async chooseCertificate(): Promise<void> {
    const picked = await vscode.window.showOpenDialog({
      canSelectMany: false,
      openLabel: vscode.l10n.t('Use certificate'),
      title: vscode.l10n.t('CMP Lens: check the signature with which certificate?'),
      filters: { Certificates: ['pem', 'crt', 'cer', 'der'] },
    });
    if (!picked?.[0]) return;
    const der = readDerInput(await vscode.workspace.fs.readFile(picked[0])).der;
    const { kind } = inspectFile(der).doc;
    if (kind !== 'Certificate') {
      void vscode.window.showErrorMessage(
        vscode.l10n.t(
          'CMP Lens: {0} is not a certificate: it is {1}.',
          picked[0].path.split('/').pop() ?? '',
          kindInWords[kind],
        ),
      );
      return;
    }
    this.certOverride = der;
    await this.check();
  }

  /**
   * KemBasedMac: asks for the ML-KEM private key, then checks with the KemCiphertextInfo of the same
   * transactionID found in the message or beside it (the exchange's genp), as RFC 9810 §5.1.3.4 has it.
   */
  async enterKemKey(): Promise<void> {
    const key = await pickKemKey();
    if (!key) return;
    this.kemKey = key;
    await this.check();
    const r = this.results.find((x) => x.check === 'protection');
    if (r?.verdict === 'cannot-verify')
      void vscode.window.showWarningMessage(vscode.l10n.t('CMP Lens: {0}', r.reason ?? r.summary));
  }

  /** Asks for the shared secret and checks with it; the use case remembers it if the MAC is valid. */
  async enterSecret(): Promise<void> {
    const kid = this.model?.info.summary?.senderKID;
    const value = await vscode.window.showInputBox({
      title: vscode.l10n.t('CMP Lens: shared secret'),
      password: true,
      ignoreFocusOut: true,
      prompt: kid
        ? vscode.l10n.t(
            "The shared secret for the MAC of {0} (senderKID {1}). Remembered in VS Code's secret storage if the MAC proves it right.",
            this.o.title,
            kid,
          )
        : vscode.l10n.t(
            "The shared secret for the MAC of {0}. Remembered in VS Code's secret storage if the MAC proves it right.",
            this.o.title,
          ),
    });
    if (value === undefined) return;
    const verdict = await this.check(new TextEncoder().encode(value));
    if (verdict === 'invalid')
      void vscode.window.showWarningMessage(
        vscode.l10n.t('CMP Lens: the MAC does not match with this secret.'),
      );
  }

  private async onMessage(message: WebviewToHost): Promise<void> {
    try {
      switch (message.type) {
        case 'ready':
          this.ready = true;
          this.post({ type: 'strings', strings: webviewStrings() });
          return await this.show();
        case 'copy':
          return await this.copy(message.id, message.what);
        case 'saveDer':
          return await this.saveDer(message.id);
        case 'enterSecret':
          return await this.enterSecret();
        case 'chooseCert':
          return await this.chooseCertificate();
        case 'decrypt':
          return await this.decrypt();
        case 'showKey':
          return await this.showKey(message.index);
        case 'saveKey':
          return await this.saveKey(message.index);
        case 'saveCert':
          return await this.saveCert(message.index);
        case 'openCert':
          return await this.openCert(message.index);
        case 'openSigned': {
          const d = this.decrypted?.[message.index];
          const der = d ? redactedSignedContent(d) : undefined;
          if (der)
            await vscode.commands.executeCommand(
              'cmpLens.inspectBytes',
              `${this.o.suggestedName} (KGA SignedData, key redacted)`,
              der,
            );
          return;
        }
        case 'enterKemKey':
          return await this.enterKemKey();
        case 'configureTrust':
          return void (await vscode.commands.executeCommand(
            'workbench.action.openSettings',
            'cmpLens.trustAnchors',
          ));
        case 'expand':
        case 'select':
        case 'filter':
        case 'reveal':
        case 'bytes': {
          const m = await this.ensureModel();
          const answer = await m.ask('respond', message, this.version);
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
    const text = await (await this.ensureModel()).ask('copyText', id, what);
    if (text === undefined) return;
    await vscode.env.clipboard.writeText(text);
    vscode.window.setStatusBarMessage(
      vscode.l10n.t('CMP Lens: copied {0} ({1} characters)', what, text.length),
      3000,
    );
  }

  /** Save a node's DER (an embedded certificate, CSR …) to a file the user picks. */
  async saveDer(id: string): Promise<void> {
    const element = await (await this.ensureModel()).ask('element', id);
    if (!element) return;
    const { bytes, type, path } = element;
    const ext = /Certificate$/.test(type)
      ? 'cer'
      : type === 'CertificationRequest'
        ? 'csr'
        : type === 'CertificateList'
          ? 'crl'
          : 'der';
    const base = vscode.workspace.workspaceFolders?.[0]?.uri;
    const stem = `${this.o.suggestedName}-${(path || 'node').replace(/[^\w.-]+/g, '_')}`;
    const defaultUri = base ? vscode.Uri.joinPath(base, `${stem}.${ext}`) : undefined;
    const target = await vscode.window.showSaveDialog({
      defaultUri,
      saveLabel: vscode.l10n.t('Save DER'),
      filters: { DER: [ext, 'der'] },
    });
    if (!target) return;
    await vscode.workspace.fs.writeFile(target, bytes);
    vscode.window.setStatusBarMessage(
      vscode.l10n.t('CMP Lens: saved {0} bytes to {1}', bytes.length, target.fsPath),
      4000,
    );
  }
}
