/**
 * Shared secrets for MAC protection, in VS Code's SecretStorage only, keyed by senderKID (hex).
 * The list of keys (never the secrets) is kept in globalState so "Forget Secrets" can clear them all.
 */
import * as vscode from 'vscode';

const prefix = 'cmpLens.secret.';
const indexKey = 'cmpLens.secretKeys';

export class SecretStore {
  constructor(private readonly context: vscode.ExtensionContext) {}

  async get(kid: string): Promise<Uint8Array | undefined> {
    const v = await this.context.secrets.get(prefix + kid);
    return v === undefined ? undefined : new TextEncoder().encode(v);
  }

  async store(kid: string, secret: string): Promise<void> {
    await this.context.secrets.store(prefix + kid, secret);
    const keys = new Set(this.context.globalState.get<string[]>(indexKey, []));
    keys.add(kid);
    await this.context.globalState.update(indexKey, [...keys]);
  }

  /** The names secrets are stored under (never the secrets). */
  names(): string[] {
    return this.context.globalState.get<string[]>(indexKey, []);
  }

  async forgetAll(): Promise<number> {
    const keys = this.context.globalState.get<string[]>(indexKey, []);
    for (const k of keys) await this.context.secrets.delete(prefix + k);
    await this.context.globalState.update(indexKey, []);
    return keys.length;
  }
}

/** Trust anchors from `cmpLens.trustAnchors` (PEM or DER files); unreadable ones are reported, not fatal. */
export async function readTrustAnchors(log: (message: string) => void): Promise<Uint8Array[]> {
  // In an untrusted workspace VS Code ignores workspace values of this setting (restrictedConfigurations).
  const paths = vscode.workspace.getConfiguration('cmpLens').get<string[]>('trustAnchors', []);
  const out: Uint8Array[] = [];
  for (const p of paths) {
    try {
      out.push(await vscode.workspace.fs.readFile(vscode.Uri.file(p)));
    } catch (e) {
      log(`trust anchor ${p} cannot be read: ${(e as Error).message}`);
    }
  }
  return out;
}
