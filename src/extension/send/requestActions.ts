/**
 * What a person does with a request they are looking at (an inspector, a file in the explorer, a
 * message opened from a capture): Edit as New Request (the composer filled from it), Resend (a new
 * transaction, or the same header to test replay detection, protected again), and Copy as openssl
 * cmp command.
 */
import * as vscode from 'vscode';
import { opensslCommand, readDerInput, type SecretQuery } from '../../app';
import { oids } from '../../core/asn1';
import { readMessage, senderKidHex, transactionIdHex } from '../../core/base';
import { renewRequest, specOfMessage } from '../../core/compose';
import { macLike, type ProtectionSpec } from '../../core/protection';
import { defaultComposerForm, type ComposerForm } from '../../shared/composer';
import type { SendDeps } from './sendCommand';
import { sendMessage } from './sendCommand';
import { configuredServers } from './servers';

/** The message a command is about: the file it was started on, else the active inspector's. */
async function target(resource?: vscode.Uri): Promise<{ name: string; der: Uint8Array } | undefined> {
  if (resource instanceof vscode.Uri)
    return {
      name: resource.path.split('/').pop() ?? 'message',
      der: readDerInput(await vscode.workspace.fs.readFile(resource)).der,
    };
  const active = await vscode.commands.executeCommand<{ name: string; der: Uint8Array } | undefined>(
    'cmpLens.activeMessage',
  );
  if (!active)
    void vscode.window.showInformationMessage(
      vscode.l10n.t('CMP Lens: open a request in the inspector first (or use the explorer context menu).'),
    );
  return active;
}

export async function editAsNewRequest(resource?: vscode.Uri): Promise<void> {
  const m = await target(resource);
  if (!m) return;
  const { spec, protection, notes } = specOfMessage(m.der);
  const form: ComposerForm = {
    spec,
    files: {},
    // A MAC stays a MAC with the test CA's secret until the person picks another; a signature needs its files.
    protection:
      protection.kind === 'pbm' || protection.kind === 'pbmac1'
        ? { kind: protection.kind, secret: defaultComposerForm.protection.secret }
        : { kind: protection.kind },
  };
  const note = `${vscode.l10n.t('From {0}.', m.name)}${notes.length ? ` ${notes.join('; ')}.` : ''}`;
  await vscode.commands.executeCommand('cmpLens.newRequest', { form, note });
}

export async function copyOpenssl(resource: vscode.Uri | undefined, deps: SendDeps): Promise<void> {
  const m = await target(resource);
  if (!m) return;
  const { spec, protection } = specOfMessage(m.der);
  // The server: the running test CA, else the first http(s) server configured, else a placeholder.
  const server = deps.testCa.url ?? configuredServers(deps.log).find((s) => /^https?:/i.test(s.url))?.url;
  const { command, notes } = opensslCommand(spec, { protection: protection.kind, server });
  await vscode.env.clipboard.writeText(command);
  void vscode.window.showInformationMessage(
    `${vscode.l10n.t('CMP Lens: copied the openssl cmp command for {0}.', m.name)} ${notes.join('; ')}`,
  );
}

export async function resend(resource: vscode.Uri | undefined, deps: SendDeps): Promise<void> {
  const m = await target(resource);
  if (!m) return;
  const read = readMessage(m.der);
  type Pick = vscode.QuickPickItem & { fresh: boolean };
  const how = await vscode.window.showQuickPick<Pick>(
    [
      {
        label: vscode.l10n.t('As a new transaction'),
        description: vscode.l10n.t('fresh transactionID, senderNonce and messageTime'),
        fresh: true,
      },
      {
        label: vscode.l10n.t('With the same header'),
        description: vscode.l10n.t('same transactionID and nonces: does the server detect the replay?'),
        fresh: false,
      },
    ],
    { title: vscode.l10n.t('CMP Lens: resend {0}', m.name), ignoreFocusOut: true },
  );
  if (!how) return;
  const alg = read.header.protectionAlg;
  let protection: ProtectionSpec = { kind: 'none' };
  let secret: Uint8Array | undefined;
  if (alg && (alg.algorithm === oids.passwordBasedMac || alg.algorithm === oids.pbmac1)) {
    // The secret known for the message's senderKID or exchange, else one the person types.
    const q: SecretQuery = {
      senderKid: senderKidHex(read),
      transactionId: transactionIdHex(read) || undefined,
      purpose: `${m.name}, sent again`,
    };
    secret = (await deps.secrets.lookup(q)) ?? (await deps.secrets.ask(q));
    if (!secret) return;
    protection = macLike(alg, secret);
  } else if (alg) {
    void vscode.window.showWarningMessage(
      vscode.l10n.t(
        'CMP Lens: {0} is signed: Resend sends it with a new signature from Edit as New Request (choose the signer there).',
        m.name,
      ),
    );
    return editAsNewRequest(resource);
  }
  const der = how.fresh
    ? await renewRequest(m.der, { protection })
    : await renewRequest(m.der, { fresh: false, protection });
  await sendMessage({ name: m.name.replace(/(\.[^.]+)?$/, '-resent$1'), der, secret }, deps);
}
