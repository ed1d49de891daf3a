/**
 * `cmpLens.servers`: where Send can post. In an untrusted workspace only the user's own list counts
 * (the setting is restricted, and we read globalValue explicitly too), so a cloned repository cannot
 * redirect requests or secrets to its server.
 */
import * as vscode from 'vscode';
import type { ServerConfig } from '../../core/transport';

/** The URL that means "the embedded test CA, started on demand". */
export const embeddedUrl = 'embedded:testca';

export function configuredServers(log: vscode.LogOutputChannel): ServerConfig[] {
  const config = vscode.workspace.getConfiguration('cmpLens');
  const raw = vscode.workspace.isTrusted ? config.get<unknown[]>('servers', []) : (config.inspect<unknown[]>('servers')?.globalValue ?? config.inspect<unknown[]>('servers')?.defaultValue ?? []);
  const out: ServerConfig[] = [];
  for (const [i, s] of (Array.isArray(raw) ? raw : []).entries()) {
    const v = s as Partial<ServerConfig>;
    if (typeof v?.name !== 'string' || typeof v.url !== 'string') {
      log.warn(`cmpLens.servers[${i}] needs a name and a url: skipped`);
      continue;
    }
    if (v.url !== embeddedUrl && !/^https?:\/\//i.test(v.url)) {
      log.warn(`cmpLens.servers[${i}] "${v.name}": ${v.url} is not http(s): skipped`);
      continue;
    }
    out.push(v as ServerConfig);
  }
  return out;
}

/** Quick pick of the servers; undefined when the user cancels. */
export async function pickServer(log: vscode.LogOutputChannel): Promise<ServerConfig | undefined> {
  const servers = configuredServers(log);
  if (!servers.length) {
    void vscode.window.showWarningMessage('CMP Lens: no server in cmpLens.servers. Add one in Settings, or restore the default (the embedded test CA).');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(servers.map((s) => ({
    label: s.name,
    description: s.url === embeddedUrl ? 'embedded test CA on 127.0.0.1, started on demand' : s.url,
    detail: s.insecureSkipTlsVerify ? '$(warning) TLS certificate verification is off for this server' : undefined,
    server: s,
  })), { title: 'CMP Lens: send to which server?', placeHolder: vscode.workspace.isTrusted ? undefined : 'Untrusted workspace: only servers from your user settings are listed' });
  return picked?.server;
}
