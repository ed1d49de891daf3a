/**
 * `cmpLens.servers`: where Send can post. In an untrusted workspace only the user's own list counts
 * (the setting is restricted, and we read globalValue explicitly too), so a cloned repository cannot
 * redirect requests or secrets to its server.
 */
import * as vscode from 'vscode';
import type { ServerConfig } from '../../core/transport';

/** The URL that means "the embedded test CA, started on demand". */
export const embeddedUrl = 'embedded:testca';

/** The usable entries; each one skipped is logged and reported to `skipped` (to flag it in the UI). */
export function configuredServers(log: vscode.LogOutputChannel, skipped: string[] = []): ServerConfig[] {
  const config = vscode.workspace.getConfiguration('cmpLens');
  const raw = vscode.workspace.isTrusted
    ? config.get<unknown[]>('servers', [])
    : (config.inspect<unknown[]>('servers')?.globalValue ??
      config.inspect<unknown[]>('servers')?.defaultValue ??
      []);
  const out: ServerConfig[] = [];
  for (const [i, s] of (Array.isArray(raw) ? raw : []).entries()) {
    const v = s as Partial<ServerConfig>;
    if (typeof v?.name !== 'string' || typeof v.url !== 'string') {
      skipped.push(vscode.l10n.t('cmpLens.servers[{0}] needs a name and a url', i));
      log.warn(`${skipped.at(-1)}: skipped`);
      continue;
    }
    if (v.url !== embeddedUrl && !/^https?:\/\//i.test(v.url)) {
      skipped.push(vscode.l10n.t('cmpLens.servers[{0}] "{1}": {2} is not an http(s) URL', i, v.name, v.url));
      log.warn(`${skipped.at(-1)}: skipped`);
      continue;
    }
    out.push(v as ServerConfig);
  }
  return out;
}

/** Quick pick of the servers; undefined when the user cancels. */
export async function pickServer(
  log: vscode.LogOutputChannel,
  /** How the embedded test CA is described on this host. */
  embeddedWhere: string,
): Promise<ServerConfig | undefined> {
  const skipped: string[] = [];
  const servers = configuredServers(log, skipped);
  if (!servers.length && !skipped.length) {
    void vscode.window.showWarningMessage(
      vscode.l10n.t(
        'CMP Lens: no server in cmpLens.servers. Add one in Settings, or restore the default (the embedded test CA).',
      ),
    );
    return undefined;
  }
  type Item = vscode.QuickPickItem & { server?: ServerConfig };
  const items: Item[] = servers.map((s) => ({
    label: s.name,
    description: s.url === embeddedUrl ? embeddedWhere : s.url,
    detail: s.insecureSkipTlsVerify
      ? `$(warning) ${vscode.l10n.t('TLS certificate verification is off for this server')}`
      : undefined,
    server: s,
  }));
  // Invalid entries are flagged where the user looks; picking one opens the setting.
  if (skipped.length) {
    items.push({
      label: vscode.l10n.t('skipped: invalid entries'),
      kind: vscode.QuickPickItemKind.Separator,
    });
    for (const why of skipped)
      items.push({
        label: `$(warning) ${why}`,
        description: vscode.l10n.t('not offered: open Settings to fix it'),
      });
  }
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('CMP Lens: send to which server?'),
    // A notification or a webview taking the focus must not close the pick under the user.
    ignoreFocusOut: true,
    placeHolder: vscode.workspace.isTrusted
      ? undefined
      : vscode.l10n.t('Untrusted workspace: only servers from your user settings are listed'),
  });
  if (picked && !picked.server) {
    void vscode.commands.executeCommand('workbench.action.openSettings', 'cmpLens.servers');
    return undefined;
  }
  return picked?.server;
}
