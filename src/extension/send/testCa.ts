/**
 * The embedded test CA inside VS Code: "CMP Lens: Start/Stop Test CA", a status bar item while it
 * runs. On the Node host it is kept in the extension's global storage in OpenSSL's `openssl ca` layout
 * (ca.key mode 0600) and listens on 127.0.0.1; on the web it runs in the worker, in memory (platform.ts).
 */
import * as vscode from 'vscode';
import { keyKinds, type KeyKind } from '../../core/base';
import { defaultTestCaSecret, startTestCa, type ServingCa } from '../../app';
import type { TestCa } from '../../core/testca';
import { Disposable } from '../disposable';
import type { Platform } from '../platform';
import type { SecretStore } from '../secrets';

export const testCaSecretKey = 'testca';

/** `cmpLens.testCa.keyType`: the key of the CA (a post-quantum CA with ML-DSA-65, say); P-256 if unset or unknown. */
function caKeySetting(): KeyKind {
  const v = vscode.workspace.getConfiguration('cmpLens').get<string>('testCa.keyType');
  return keyKinds.find((k) => k === v) ?? 'P-256';
}

export class TestCaService extends Disposable {
  private running?: ServingCa;
  private readonly status = this.register(
    vscode.window.createStatusBarItem('cmpLens.testCa', vscode.StatusBarAlignment.Left, 99),
  );

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly secrets: SecretStore,
    private readonly log: vscode.LogOutputChannel,
    private readonly platform: Platform,
  ) {
    super();
    this.status.name = 'CMP Lens test CA';
    this.status.command = 'cmpLens.stopTestCa';
    this.register({ dispose: () => void this.stop() });
  }

  get url(): string | undefined {
    return this.running?.server.url;
  }

  get ca(): TestCa | undefined {
    return this.running?.ca;
  }

  /** The secret the CA accepts: the one stored under "testca", else the public demo default. */
  async secret(): Promise<Uint8Array> {
    return (await this.secrets.get(testCaSecretKey)) ?? defaultTestCaSecret();
  }

  async start(): Promise<string> {
    if (this.running) return this.running.server.url;
    const keyType = caKeySetting();
    // One kept CA per key type: the P-256 one where it always was, others beside it (testca-ml-dsa-65/).
    const base = this.context.globalStorageUri;
    const folder = keyType === 'P-256' ? base : vscode.Uri.joinPath(base, `testca-${keyType.toLowerCase()}`);
    const { open, listen } = this.platform.testCa;
    const dir = open ? this.platform.nameOf(folder) : 'memory';
    try {
      this.running = await startTestCa({
        caKey: keyType,
        secret: await this.secret(),
        open: open?.(folder),
        listen,
        log: {
          info: (l) => this.log.debug(`test CA ${l}`),
          warn: (l) => this.log.warn(`test CA ${l}`),
          error: (l) => this.log.error(`test CA ${l}`),
        },
      });
    } catch (e) {
      if (!open) throw new Error(`the test CA cannot start: ${(e as Error).message}`);
      // A state that does not load is reported, never overwritten: it holds the CA key and what was issued.
      throw new Error(
        `the test CA state in ${dir} cannot be used: ${(e as Error).message} (move the folder away to start a new CA)`,
      );
    }
    const url = this.running.server.url;
    this.log.info(`test CA (${this.running.ca.key.kind} key) started at ${url} (state in ${dir})`);
    this.status.text = `$(server-process) ${vscode.l10n.t('CMP test CA')}`;
    this.status.tooltip = vscode.l10n.t('CMP Lens test CA at {0}\nClick to stop it.', url);
    this.status.show();
    return url;
  }

  async stop(): Promise<boolean> {
    if (!this.running) return false;
    const { server } = this.running;
    this.running = undefined;
    await server.close();
    if (!this.isDisposed) this.status.hide();
    this.log.info('test CA stopped');
    return true;
  }
}
