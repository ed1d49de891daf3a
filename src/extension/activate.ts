/** Registers every feature on a host's platform (extension.ts: Node; web/extension.ts: the browser). */
import type * as vscode from 'vscode';
import { registerCapture } from './capture/provider';
import { registerComposer } from './composer/panel';
import { registerInspector } from './inspector/provider';
import type { Platform } from './platform';
import { SecretStore, VscodeSecrets } from './secrets';
import { registerSend } from './send';
import { registerTreeText } from './treeText';

export function activateOn(context: vscode.ExtensionContext, platform: Platform): void {
  // One store of secrets for every feature: a secret proven in one is known to the others.
  const secrets = new VscodeSecrets(new SecretStore(context));
  context.subscriptions.push(
    secrets,
    registerInspector(context, secrets, platform),
    registerTreeText(context),
    registerSend(context, secrets, platform),
    registerComposer(context, secrets.store, platform),
    registerCapture(context, secrets, platform),
  );
}
