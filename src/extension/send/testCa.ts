/**
 * The embedded test CA inside VS Code: "CMP Lens: Start/Stop Test CA", a status bar item while it
 * runs. Its key and certificate live in the extension's global storage (testca.json, mode 0600).
 */
import * as vscode from 'vscode';
import { demoSecret, type TestCa } from '../../core/testca';
import { serveTestCa, type RunningServer } from '../../node/testcaServer';
import { openTestCa } from '../../node/testcaState';
import { SecretStore } from '../secrets';

export const testCaSecretKey = 'testca';

export class TestCaService implements vscode.Disposable {
  private running?: { ca: TestCa; server: RunningServer };
  private readonly status = vscode.window.createStatusBarItem('cmpLens.testCa', vscode.StatusBarAlignment.Left, 99);

  constructor(private readonly context: vscode.ExtensionContext, private readonly secrets: SecretStore, private readonly log: vscode.LogOutputChannel) {
    this.status.name = 'CMP Lens test CA';
    this.status.command = 'cmpLens.stopTestCa';
  }

  get url(): string | undefined {
    return this.running?.server.url;
  }

  get ca(): TestCa | undefined {
    return this.running?.ca;
  }

  /** The secret the CA accepts: the one stored under "testca", else the public demo default. */
  async secret(): Promise<Uint8Array> {
    return (await this.secrets.get(testCaSecretKey)) ?? new TextEncoder().encode(demoSecret);
  }

  async start(): Promise<string> {
    if (this.running) return this.running.server.url;
    const dir = this.context.globalStorageUri.fsPath;
    let ca: TestCa;
    try {
      ca = await openTestCa(dir, { secret: await this.secret() });
    } catch (e) {
      // A state that does not load is reported, never overwritten: it holds the CA key and what was issued.
      throw new Error(`the test CA state in ${dir} cannot be used: ${(e as Error).message} (delete testca.json to start a new CA)`);
    }
    const server = await serveTestCa(ca, { log: (l) => this.log.debug(`test CA ${l}`) });
    this.running = { ca, server };
    this.log.info(`test CA started at ${server.url} (state in ${dir})`);
    this.status.text = '$(server-process) CMP test CA';
    this.status.tooltip = `CMP Lens test CA at ${server.url}\nClick to stop it.`;
    this.status.show();
    return server.url;
  }

  async stop(): Promise<boolean> {
    if (!this.running) return false;
    await this.running.server.close();
    this.running = undefined;
    this.status.hide();
    this.log.info('test CA stopped');
    return true;
  }

  dispose(): void {
    void this.stop();
    this.status.dispose();
  }
}
