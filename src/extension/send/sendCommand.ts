/**
 * "CMP Lens: Send Message": post a message to a configured server, follow the transaction, save
 * every message as it happens, then open the reply in the inspector and list the exchange.
 */
import * as vscode from 'vscode';
import { AsnParser, AsnSerializer } from '@peculiar/asn1-schema';
import { PKIMessage, oids } from '../../core/asn1';
import { checkTransaction, findingLine } from '../../core/checks';
import { importPrivateKey } from '../../core/base/index';
import { toHex } from '../../core/der/values';
import { unwrapInput } from '../../core/base/pem';
import { certNameOf } from '../../core/protection';
import { macLike, type ProtectionSpec } from '../../core/protection/protect';
import { runTransaction, type ServerConfig, type TransactionResult } from '../../core/transport';
import { readMessage, type ReadMessage } from '../../core/base/index';
import { ExchangeStore, exchangeFolderName } from '../../node/exchangeStore';
import type { CheckProfile } from '../../shared/findings';
import { nodePost } from '../../node/httpPost';
import { readTrustAnchors, SecretStore } from '../secrets';
import { targetOf } from '../treeText';
import { ExchangesView } from './exchangesView';
import { embeddedUrl, pickServer } from './servers';
import { TestCaService } from './testCa';

export interface SendDeps {
  log: vscode.LogOutputChannel;
  secrets: SecretStore;
  testCa: TestCaService;
  exchanges: ExchangesView;
}

async function secretFor(req: ReadMessage, server: ServerConfig, deps: SendDeps): Promise<Uint8Array | undefined> {
  if (server.url === embeddedUrl) return deps.testCa.secret();
  const kid = kidHex(req);
  const stored = (server.secretRef ? await deps.secrets.get(server.secretRef) : undefined) ?? (kid ? await deps.secrets.get(kid) : undefined);
  if (stored) return stored;
  const typed = await vscode.window.showInputBox({
    title: `Shared secret for ${server.name}`, password: true, ignoreFocusOut: true,
    prompt: 'The request is MAC-protected: certConf and pollReq need the same secret. Kept in VS Code SecretStorage.',
  });
  if (!typed) return undefined;
  await deps.secrets.store(server.secretRef ?? kid ?? server.name, typed);
  return new TextEncoder().encode(typed);
}

/** How certConf and pollReq are protected: as the request was. */
async function followUpProtection(req: ReadMessage, der: Uint8Array, server: ServerConfig, deps: SendDeps): Promise<{ protection: ProtectionSpec; secret?: Uint8Array } | undefined> {
  const alg = req.header.protectionAlg;
  if (!alg) return { protection: { kind: 'none' } };
  if (alg.algorithm === oids.passwordBasedMac || alg.algorithm === oids.pbmac1) {
    const secret = await secretFor(req, server, deps);
    return secret ? { protection: macLike(alg, secret), secret } : undefined;
  }
  const picked = await vscode.window.showOpenDialog({ title: 'Private key (PKCS#8) of the request\'s signer, to sign certConf and pollReq', canSelectMany: false, filters: { 'PKCS#8 key': ['pem', 'key', 'der', 'p8'] } });
  if (!picked?.[0]) return undefined;
  const key = await importPrivateKey(unwrapInput(await vscode.workspace.fs.readFile(picked[0])).der);
  const cert = firstExtraCert(der);
  if (!cert) throw new Error('the request is signed but has no extraCerts[0] (the signer\'s certificate)');
  return { protection: { kind: 'signature', key, cert } };
}

function firstExtraCert(der: Uint8Array): Uint8Array | undefined {
  try {
    const c = AsnParser.parse(der, PKIMessage).extraCerts?.[0]?.x509v3PKCert;
    return c ? new Uint8Array(AsnSerializer.serialize(c)) : undefined;
  } catch {
    return undefined;
  }
}

/** senderKID as hex: the key the inspector stores secrets under. */
function kidHex(req: ReadMessage): string | undefined {
  return req.header.senderKID ? toHex(new Uint8Array(req.header.senderKID.buffer)) : undefined;
}

async function exchangeFolder(): Promise<vscode.Uri | undefined> {
  const ws = vscode.workspace.workspaceFolders?.[0];
  if (ws) return vscode.Uri.joinPath(ws.uri, 'cmp-exchanges', exchangeFolderName());
  const picked = await vscode.window.showOpenDialog({ title: 'Folder to save the CMP exchange in', canSelectFiles: false, canSelectFolders: true, canSelectMany: false });
  return picked?.[0] ? vscode.Uri.joinPath(picked[0], exchangeFolderName()) : undefined;
}

export async function sendMessage(resource: vscode.Uri | undefined, deps: SendDeps): Promise<void> {
  const uri = targetOf(resource);
  if (!uri) return;
  const name = uri.path.split('/').pop();
  const { der } = unwrapInput(await vscode.workspace.fs.readFile(uri));
  let req: ReadMessage;
  try {
    req = readMessage(der);
  } catch (e) {
    void vscode.window.showErrorMessage(`CMP Lens: ${name} is not a PKIMessage to send: ${(e as Error).message}`);
    return;
  }
  const server = await pickServer(deps.log);
  if (!server) return;
  const follow = await followUpProtection(req, der, server, deps);
  if (!follow) return;
  const embedded = server.url === embeddedUrl;
  const url = embedded ? await deps.testCa.start() : server.url;
  if (server.insecureSkipTlsVerify) {
    deps.log.warn(`TLS certificate verification is OFF for server "${server.name}" (insecureSkipTlsVerify)`);
    void vscode.window.showWarningMessage(`CMP Lens: TLS certificate verification is off for "${server.name}" (insecureSkipTlsVerify in cmpLens.servers).`);
  }
  const folder = await exchangeFolder();
  if (!folder) return;
  const store = new ExchangeStore(folder.fsPath);
  const anchors = [...await readTrustAnchors((m) => deps.log.warn(m)), ...(embedded && deps.testCa.ca ? [deps.testCa.ca.certDer] : [])];
  deps.log.info(`send ${name} (${req.bodyName}) to "${server.name}" at ${url}; saving in ${folder.fsPath}`);
  const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `CMP Lens: ${req.bodyName} to ${server.name}`, cancellable: true }, async (progress, token) => {
    const controller = new AbortController();
    token.onCancellationRequested(() => controller.abort());
    return runTransaction(der, {
      post: nodePost(server), server: { ...server, url }, protection: follow.protection, signal: controller.signal,
      verify: { secret: follow.secret, trustAnchors: anchors },
      onMessage: (m) => void store.add(m),
      onStep: (line) => {
        deps.log.info(line);
        progress.report({ message: line });
      },
    });
  });
  // Protocol checks of what was exchanged, so a failing exchange explains itself (log, summary, view).
  const profile = vscode.workspace.getConfiguration('cmpLens').get<CheckProfile>('checkProfile', 'base');
  const findings = await checkTransaction(result.messages.map((m) => m.der), { profile });
  const lines = findings.map((f) => `#${(f.messageIndex ?? 0) + 1} ${result.messages[f.messageIndex ?? 0]?.body ?? ''}: ${findingLine(f)}`);
  for (const line of lines) deps.log.warn(`check: ${line}`);
  store.finish(result, url, lines);
  deps.exchanges.add({ title: `${req.bodyName} → ${server.name}`, folder, result, files: store.files, findings });
  await report(result, folder, store, deps);
}

async function report(result: TransactionResult, folder: vscode.Uri, store: ExchangeStore, deps: SendDeps): Promise<void> {
  // The reply that answers the request: the ip/cp/kup that issued, else the last answer (rp, genp, error…).
  const received = [...result.messages.keys()].filter((i) => result.messages[i].direction === 'received');
  const issuing = received.filter((i) => ['ip', 'cp', 'kup', 'ccp'].includes(result.messages[i].body));
  const reply = issuing.at(-1) ?? received.at(-1);
  if (reply !== undefined) {
    await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.joinPath(folder, store.files[reply]), 'cmpLens.inspector');
  }
  if (result.ok) {
    const issued = result.issued.map((c) => certNameOf(c.der)).join(', ');
    deps.log.info(`completed${issued ? `; issued ${issued}` : ''}`);
    void vscode.window.showInformationMessage(`CMP Lens: transaction completed${issued ? `, issued ${issued}` : ''}. Saved in ${folder.fsPath}.`);
  } else {
    deps.log.error(`failed: ${result.error}`);
    const choice = await vscode.window.showErrorMessage(`CMP Lens: send failed: ${result.error}. What was exchanged is saved in ${folder.fsPath}.`, 'Show Log');
    if (choice === 'Show Log') deps.log.show();
  }
}
