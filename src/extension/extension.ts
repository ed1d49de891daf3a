/** Entry point of the extension host: registers each feature, nothing else. */
import * as vscode from 'vscode';
import { registerCapture } from './capture/provider';
import { registerComposer } from './composer/panel';
import { registerInspector } from './inspector/provider';
import { SecretStore, VscodeSecrets } from './secrets';
import { registerSend } from './send';
import { registerTreeText } from './treeText';

export function activate(context: vscode.ExtensionContext): void {
  // One store of secrets for every feature: a secret proven in one is known to the others.
  const secrets = new VscodeSecrets(new SecretStore(context));
  context.subscriptions.push(
    registerInspector(context, secrets),
    registerTreeText(context),
    registerSend(context, secrets),
    registerComposer(context, secrets.store),
    registerCapture(context, secrets),
  );
}

export function deactivate(): void {
  // Every feature is a Disposable in context.subscriptions.
}
