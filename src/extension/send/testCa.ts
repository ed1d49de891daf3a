/**
 * The embedded test CA inside VS Code: "CMP Lens: Start/Stop Test CA", a status bar item while it
 * runs. Its key and certificate live in the extension's global storage (testca.json, mode 0600).
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { TestCa, parseState } from '../../core/testca';
import { serveTestCa, type RunningServer } from '../../node/testcaServer';
import { SecretStore } from '../secrets';

/** The public demo secret the CLI also uses when none is set (README). */
export const demoSecret = 'cmp-lens-demo';
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
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'testca.json');
    const options = {
      secret: await this.secret(),
      onStateChange: (s: object) => {
        writeFileSync(file, JSON.stringify(s, null, 1), { mode: 0o600 });
        chmodSync(file, 0o600);
      },
    };
    let ca: TestCa;
    try {
      ca = existsSync(file) ? await TestCa.load(parseState(readFileSync(file, 'utf8')), options) : await TestCa.create(options);
    } catch (e) {
      this.log.warn(`test CA state ${file} cannot be used (${(e as Error).message}): making a new CA`);
      ca = await TestCa.create(options);
    }
    const server = await serveTestCa(ca, { log: (l) => this.log.debug(`test CA ${l}`) });
    this.running = { ca, server };
    this.log.info(`test CA started at ${server.url} (state in ${file})`);
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
