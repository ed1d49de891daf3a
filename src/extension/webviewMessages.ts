/** Messages from a webview pass their guard before use; a refused one is logged (never its content) and dropped. */
import type * as vscode from 'vscode';
import { refusedKind } from '../shared/guards';

export function onGuardedMessage<T>(
  webview: vscode.Webview,
  guard: (m: unknown) => m is T,
  log: Pick<vscode.LogOutputChannel, 'warn'>,
  panel: string,
  handle: (m: T) => void,
): vscode.Disposable {
  return webview.onDidReceiveMessage((m: unknown) => {
    if (guard(m)) handle(m);
    else log.warn(`${panel}: dropped a malformed message from the webview (${refusedKind(m)})`);
  });
}
