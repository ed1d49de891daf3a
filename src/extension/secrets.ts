/**
 * Shared secrets for MAC protection. For the window's session, in memory, by senderKID and
 * transactionID: a secret that proved right for one message (typed in the inspector or the capture
 * view, used by a send) is offered for every message of the same exchange or senderKID. In VS Code's
 * SecretStorage (by senderKID or a server's secretRef) only when the person says so; the list of names
 * (never the secrets) is kept in globalState so "Forget Secrets" can clear them all. `VscodeSecrets`
 * is the extension's SecretSource for the use cases.
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

/** The session's names of a query: its exchange first, then its senderKID. */
function sessionNamesOf(q: SecretQuery): string[] {
  return [q.transactionId && `tid:${q.transactionId}`, q.senderKid && `kid:${q.senderKid}`].filter(
    (n): n is string => !!n,
  );
}

/** The session's secrets, SecretStorage, an input box for asking; a secret that proved right is known to every feature. */
export class VscodeSecrets implements SecretSource, vscode.Disposable {
  /** Secrets that proved right in this window, by `tid:HEX` and `kid:HEX`: memory only. */
  private readonly session = new Map<string, Uint8Array>();
  private readonly learned = new vscode.EventEmitter<SecretQuery>();
  /** A secret became known for a senderKID or an exchange: open views check again. */
  readonly onDidLearn = this.learned.event;

  constructor(readonly store: SecretStore) {}

  dispose(): void {
    this.session.clear();
    this.learned.dispose();
  }

  /** Whether a secret is known for `q` in this session or in SecretStorage. */
  async lookup(q: SecretQuery): Promise<Uint8Array | undefined> {
    for (const name of sessionNamesOf(q)) {
      const v = this.session.get(name);
      if (v) return v;
    }
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

  learn(q: SecretQuery, secret: Uint8Array): void {
    const names = sessionNamesOf(q);
    for (const name of names) this.session.set(name, secret);
    if (names.length) this.learned.fire(q);
  }

  /**
   * A typed secret proved right: known for the session at once (every message of the exchange or the
   * senderKID, in every view), and kept in SecretStorage if the person chooses so in the notification.
   */
  async remember(q: SecretQuery, secret: Uint8Array): Promise<void> {
    this.learn(q, secret);
    const names = namesOf(q);
    const keep = vscode.l10n.t('Keep in Secret Storage');
    const where = q.senderKid ? `senderKID ${q.senderKid}` : (q.secretRef ?? vscode.l10n.t('this exchange'));
    void vscode.window
      .showInformationMessage(
        vscode.l10n.t(
          'CMP Lens: the MAC is valid; the secret is used for {0} and its exchange until the window closes.',
          where,
        ),
        ...(names.length ? [keep] : []),
      )
      .then(async (choice) => {
        if (choice !== keep) return;
        const text = new TextDecoder().decode(secret);
        for (const name of names) await this.store.store(name, text);
        void vscode.window.showInformationMessage(
          vscode.l10n.t(
            'CMP Lens: the secret for {0} is kept in VS Code\'s secret storage ("CMP Lens: Forget Secrets" clears it).',
            where,
          ),
        );
      });
  }

  /** Forgets the session's secrets and the stored ones; returns how many were stored. */
  async forgetAll(): Promise<number> {
    this.session.clear();
    return this.store.forgetAll();
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
