/**
 * Shared secrets for MAC protection, in VS Code's SecretStorage only, by senderKID (hex) or a
 * server's secretRef. The list of names (never the secrets) is kept in globalState so "Forget
 * Secrets" can clear them all. `VscodeSecrets` is the extension's SecretSource for the use cases.
 */
import * as vscode from 'vscode';
import type { SecretQuery, SecretSource } from '../app';

const prefix = 'cmpLens.secret.';
const indexKey = 'cmpLens.secretKeys';

export class SecretStore {
  constructor(private readonly context: vscode.ExtensionContext) {}

  async get(name: string): Promise<Uint8Array | undefined> {
    const v = await this.context.secrets.get(prefix + name);
    return v === undefined ? undefined : new TextEncoder().encode(v);
  }

  async store(name: string, secret: string): Promise<void> {
    await this.context.secrets.store(prefix + name, secret);
    const keys = new Set(this.context.globalState.get<string[]>(indexKey, []));
    keys.add(name);
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

/** The names a query may be stored under, most specific first. */
function namesOf(q: SecretQuery): string[] {
  return [q.secretRef, q.senderKid].filter((n): n is string => !!n);
}

/** SecretStorage for lookups, an input box for asking, and remembering once a secret proved right. */
export class VscodeSecrets implements SecretSource {
  constructor(readonly store: SecretStore) {}

  async lookup(q: SecretQuery): Promise<Uint8Array | undefined> {
    for (const name of namesOf(q)) {
      const v = await this.store.get(name);
      if (v) return v;
    }
    return undefined;
  }

  async ask(q: SecretQuery): Promise<Uint8Array | undefined> {
    const typed = await vscode.window.showInputBox({
      title: q.server
        ? vscode.l10n.t('CMP Lens: shared secret for {0}', q.server)
        : vscode.l10n.t('CMP Lens: shared secret'),
      password: true,
      ignoreFocusOut: true,
      prompt: q.senderKid
        ? vscode.l10n.t(
            "For {0} (senderKID {1}). Kept in VS Code's secret storage once a MAC proves it right.",
            q.purpose,
            q.senderKid,
          )
        : vscode.l10n.t("For {0}. Kept in VS Code's secret storage once a MAC proves it right.", q.purpose),
    });
    return typed ? new TextEncoder().encode(typed) : undefined;
  }

  async remember(q: SecretQuery, secret: Uint8Array): Promise<void> {
    const names = namesOf(q);
    if (!names.length) return;
    const text = new TextDecoder().decode(secret);
    for (const name of names) await this.store.store(name, text);
    void vscode.window.showInformationMessage(
      vscode.l10n.t(
        'CMP Lens: the MAC is valid; the secret is remembered for {0} in VS Code\'s secret storage ("CMP Lens: Forget Secrets" clears it).',
        q.senderKid ? `senderKID ${q.senderKid}` : (q.secretRef ?? ''),
      ),
    );
  }
}

/**
 * Trust anchors from `cmpLens.trustAnchors` (PEM or DER files; `uriOf` says what a name means on this
 * host: a path, or on the web a URI or a workspace-relative name); unreadable ones are reported, not fatal.
 */
export async function readTrustAnchors(
  log: (message: string) => void,
  uriOf: (name: string) => vscode.Uri,
): Promise<Uint8Array[]> {
  // In an untrusted workspace VS Code ignores workspace values of this setting (restrictedConfigurations).
  const paths = vscode.workspace.getConfiguration('cmpLens').get<string[]>('trustAnchors', []);
  const out: Uint8Array[] = [];
  for (const p of paths) {
    try {
      out.push(await vscode.workspace.fs.readFile(uriOf(p)));
    } catch (e) {
      // VS Code's file errors by their code; ours (a path the browser cannot read) in our words.
      const why = e instanceof vscode.FileSystemError ? e.code || 'unreadable' : (e as Error).message;
      log(`trust anchor ${p} cannot be read: ${why}`);
    }
  }
  return out;
}
