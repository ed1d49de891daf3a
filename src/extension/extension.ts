/** Entry point of the extension host: registers each feature, nothing else. */
import * as vscode from 'vscode';
import { registerCapture } from './capture/provider';
import { registerComposer } from './composer/panel';
import { registerInspector } from './inspector/provider';
import { SecretStore } from './secrets';
import { registerSend } from './send';
import { registerTreeText } from './treeText';

export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push(registerInspector(context), registerTreeText(context), registerSend(context), registerComposer(context, new SecretStore(context)), registerCapture(context, new SecretStore(context)));
}

export function deactivate(): void {
  // Every feature is a Disposable in context.subscriptions.
}
