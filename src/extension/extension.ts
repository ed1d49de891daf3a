/** Entry point of the Node extension host (desktop VS Code, code-server, Remote): every feature on Node. */
import type * as vscode from 'vscode';
import { activateOn } from './activate';
import { nodePlatform } from './node/platform';

export function activate(context: vscode.ExtensionContext): void {
  activateOn(context, nodePlatform);
}

export function deactivate(): void {
  // Every feature is a Disposable in context.subscriptions.
}
