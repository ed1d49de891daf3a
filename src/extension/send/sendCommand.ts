/**
 * "CMP Lens: Send Message": the `sendRequest` use case behind VS Code's gestures: pick a server,
 * start the embedded test CA if it is the one, save in the workspace, show progress, then open
 * the reply in the inspector and list the exchange.
 */
import * as vscode from 'vscode';
import {
  exchangeFolderName,
  givenSecret,
  readDerInput,
  SendError,
  sendRequest,
  type SendOutcome,
} from '../../app';
import { oids } from '../../core/asn1';
import { importPrivateKey, readMessage } from '../../core/base';
import { renewRequest } from '../../core/compose';
import { macLike } from '../../core/protection';
import type { CheckProfile } from '../../shared/findings';
import type { Post, ServerConfig } from '../../core/transport';
import type { Platform, SavedExchange } from '../platform';
import { readTrustAnchors, type VscodeSecrets } from '../secrets';
import { targetOf } from '../treeText';
import type { ExchangesView } from './exchangesView';
import { embeddedUrl, pickServer } from './servers';
import type { TestCaService } from './testCa';

export interface SendDeps {
  log: vscode.LogOutputChannel;
  secrets: VscodeSecrets;
  testCa: TestCaService;
  exchanges: ExchangesView;
  platform: Platform;
}

/** The signer's key for certConf and pollReq of a signed request, from a PKCS#8 file the user picks. */
async function pickSignerKey() {
  const picked = await vscode.window.showOpenDialog({
    title: vscode.l10n.t("Private key (PKCS#8) of the request's signer, to sign certConf and pollReq"),
    canSelectMany: false,
    filters: { 'PKCS#8 key': ['pem', 'key', 'der', 'p8'] },
  });
  return picked?.[0]
    ? importPrivateKey(readDerInput(await vscode.workspace.fs.readFile(picked[0])).der)
    : undefined;
}

async function exchangeFolder(): Promise<vscode.Uri | undefined> {
  const ws = vscode.workspace.workspaceFolders?.[0];
  if (ws) return vscode.Uri.joinPath(ws.uri, 'cmp-exchanges', exchangeFolderName());
  const picked = await vscode.window.showOpenDialog({
    title: vscode.l10n.t('Folder to save the CMP exchange in'),
    canSelectFiles: false,
    canSelectFolders: true,
    canSelectMany: false,
  });
  return picked?.[0] ? vscode.Uri.joinPath(picked[0], exchangeFolderName()) : undefined;
}

/** A request given as bytes (Resend, a re-protected request), with the secret it was protected with. */
export interface GivenRequest {
  name: string;
  der: Uint8Array;
  /** The MAC's secret, when the person just chose it: used for certConf and pollReq too. */
  secret?: Uint8Array;
  /** The server to send to (a re-protected request goes where the first went). */
  server?: ServerConfig;
}

/**
 * The requested key, for a certificate that comes back encrypted (indirect POP): the key the composer
 * saved beside the request (`NAME.key.pem`), else one the person picks. Read only when needed.
 */
async function requestedKey(request: vscode.Uri | undefined): Promise<Uint8Array | undefined> {
  if (request) {
    const beside = request.with({ path: `${request.path.replace(/\.(pkimsg|der|pki)$/i, '')}.key.pem` });
    try {
      return readDerInput(await vscode.workspace.fs.readFile(beside)).der;
    } catch {
      // Not there: ask.
    }
  }
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: false,
    openLabel: vscode.l10n.t('Open the certificate with this key'),
    title: vscode.l10n.t(
      'CMP Lens: the certificate came back encrypted — the requested private key (PKCS#8)',
    ),
    filters: { Keys: ['pem', 'key', 'der', 'p8'] },
  });
  return picked?.[0] ? readDerInput(await vscode.workspace.fs.readFile(picked[0])).der : undefined;
}

export async function sendMessage(
  resource: vscode.Uri | GivenRequest | undefined,
  deps: SendDeps,
): Promise<void> {
  // A command argument that is neither a file nor a request with its bytes is ignored (the active editor's file is sent).
  const given =
    resource && !(resource instanceof vscode.Uri) && resource.der instanceof Uint8Array
      ? resource
      : undefined;
  const uri = given ? undefined : targetOf(resource as vscode.Uri | undefined);
  if (!given && !uri) return;
  const name = given?.name ?? uri!.path.split('/').pop() ?? 'message';
  const request = given?.der ?? readDerInput(await vscode.workspace.fs.readFile(uri!)).der;
  const server = given?.server ?? (await pickServer(deps.log, deps.platform.testCa.where()));
  if (!server) return;
  const embedded = server.url === embeddedUrl;
  if (server.insecureSkipTlsVerify) {
    deps.log.warn(`TLS certificate verification is OFF for server "${server.name}" (insecureSkipTlsVerify)`);
    void vscode.window.showWarningMessage(
      vscode.l10n.t(
        'CMP Lens: TLS certificate verification is off for "{0}" (insecureSkipTlsVerify in cmpLens.servers).',
        server.name,
      ),
    );
  }
  const url = embedded ? await deps.testCa.start() : server.url;
  const folder = await exchangeFolder();
  if (!folder) return;
  const store = deps.platform.exchangeSink(folder);
  const anchors = [
    ...(await readTrustAnchors((m) => deps.log.warn(m), deps.platform.uriOf)),
    ...(embedded && deps.testCa.ca ? [deps.testCa.ca.certDer] : []),
  ];
  deps.log.info(`send ${name} to "${server.name}" at ${url}; saving in ${store.where}`);
  const profile = vscode.workspace.getConfiguration('cmpLens').get<CheckProfile>('checkProfile', 'base');
  // An encrypted TLS client key: its passphrase from SecretStorage, else asked (and kept once the send got through).
  const passName = server.tlsClientKey ? `tls-key:${server.name}` : undefined;
  let passphrase: string | undefined;
  let typedPassphrase = false;
  if (server.tlsClientKey && passName && (await encryptedKey(server.tlsClientKey, deps.platform))) {
    const stored = await deps.secrets.store.get(passName);
    passphrase = stored ? new TextDecoder().decode(stored) : undefined;
    if (!passphrase) {
      passphrase = await vscode.window.showInputBox({
        title: vscode.l10n.t('CMP Lens: passphrase of the TLS client key for {0}', server.name),
        password: true,
        ignoreFocusOut: true,
        prompt: vscode.l10n.t("Kept in VS Code's secret storage once the server accepted the certificate."),
      });
      if (passphrase === undefined) return;
      typedPassphrase = true;
    }
  }
  let post: Post;
  try {
    // No proxy agent of ours: VS Code's proxy support (http.proxy, http.noProxy) applies to this request.
    post =
      (embedded && deps.platform.testCa.reach?.(url)) ||
      deps.platform.post(server, { tlsKeyPassphrase: passphrase });
  } catch (e) {
    void vscode.window.showErrorMessage(
      vscode.l10n.t('CMP Lens: {0} (cmpLens.servers "{1}")', (e as Error).message, server.name),
    );
    return;
  }
  let outcome: SendOutcome | undefined;
  try {
    outcome = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: vscode.l10n.t('CMP Lens: {0} to {1}', name, server.name),
        cancellable: true,
      },
      async (progress, token) => {
        const controller = new AbortController();
        token.onCancellationRequested(() => controller.abort());
        return sendRequest({
          request,
          name,
          server: { ...server, url },
          post,
          // The embedded test CA takes its own secret; every other server's comes from the session,
          // SecretStorage or a prompt. Either way, once an answer proved it, the inspector knows it for
          // this exchange: the reply opens checked with the secret the transaction used.
          secrets: embedded
            ? { ...givenSecret(await deps.testCa.secret()), learn: (q, s) => deps.secrets.learn(q, s) }
            : given?.secret
              ? { ...givenSecret(given.secret), learn: (q, s) => deps.secrets.learn(q, s) }
              : deps.secrets,
          signerKey: pickSignerKey,
          newKey: () => requestedKey(uri),
          trustAnchors: anchors,
          sink: store,
          log: deps.log,
          profile,
          signal: controller.signal,
          onStep: (line) => progress.report({ message: line }),
        });
      },
    );
  } catch (e) {
    if (!(e instanceof SendError)) throw e;
    void vscode.window.showErrorMessage(vscode.l10n.t('CMP Lens: {0}', e.message));
    return;
  }
  if (!outcome) return;
  try {
    await store.settled();
  } catch (e) {
    void vscode.window.showErrorMessage(
      vscode.l10n.t(
        'CMP Lens: the exchange could not be saved in {0}: {1}',
        store.where,
        (e as Error).message,
      ),
    );
  }
  // The server took the client certificate (an answer came back): the typed passphrase proved right.
  if (
    typedPassphrase &&
    passName &&
    passphrase &&
    outcome.result.messages.some((m) => m.direction === 'received')
  )
    await deps.secrets.store.store(passName, passphrase);
  deps.exchanges.add({
    title: `${outcome.result.messages[0]?.body ?? name} → ${server.name}`,
    folder,
    result: outcome.result,
    files: store.files,
    findings: outcome.findings,
  });
  const again = refusedMac(outcome, request)
    ? vscode.l10n.t("Re-protect with the server's secret and send again")
    : undefined;
  if ((await report(outcome, folder, store, deps, again)) === again && again)
    await reprotectAndSend(request, name, server, deps);
}

/** The server refused the MAC (an error answer with failInfo badMessageCheck) of a MAC-protected request. */
function refusedMac(outcome: SendOutcome, request: Uint8Array): boolean {
  const alg = readMessage(request).header.protectionAlg?.algorithm;
  return (
    (alg === oids.passwordBasedMac || alg === oids.pbmac1) &&
    outcome.result.messages.some(
      (m) => m.direction === 'received' && m.body === 'error' && /badMessageCheck/.test(m.status ?? ''),
    )
  );
}

/** Protects the request again with the server's secret (asked now), as a new transaction, and sends it. */
async function reprotectAndSend(
  request: Uint8Array,
  name: string,
  server: ServerConfig,
  deps: SendDeps,
): Promise<void> {
  const alg = readMessage(request).header.protectionAlg!;
  const typed = await vscode.window.showInputBox({
    title: vscode.l10n.t('CMP Lens: the shared secret of {0}', server.name),
    password: true,
    ignoreFocusOut: true,
    prompt: vscode.l10n.t(
      '{0} is protected again with it (same MAC algorithm, new transaction) and sent again.',
      name,
    ),
  });
  if (!typed) return;
  const secret = new TextEncoder().encode(typed);
  const der = await renewRequest(request, { protection: macLike(alg, secret) });
  await sendMessage({ name: name.replace(/(\.[^.]+)?$/, '-reprotected$1'), der, secret, server }, deps);
}

/** Whether a PEM key file is encrypted (PKCS#8 EncryptedPrivateKeyInfo or a legacy Proc-Type header). */
async function encryptedKey(file: string, platform: Platform): Promise<boolean> {
  try {
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(platform.uriOf(file)));
    return /-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(text);
  } catch {
    return false; // unreadable: nodePost says so, naming the file
  }
}

/** Says how it went; returns the button chosen on a failure (`extra`, or Show Log). */
async function report(
  outcome: SendOutcome,
  folder: vscode.Uri,
  store: SavedExchange,
  deps: SendDeps,
  extra?: string,
): Promise<string | undefined> {
  const { result, replyIndex } = outcome;
  if (replyIndex !== undefined) {
    await vscode.commands.executeCommand(
      'vscode.openWith',
      vscode.Uri.joinPath(folder, store.files[replyIndex]),
      'cmpLens.inspector',
    );
  }
  const issued = outcome.issued.join(', ');
  if (result.ok) {
    deps.log.info(`completed${issued ? `; issued ${issued}` : ''}`);
    void vscode.window.showInformationMessage(
      issued
        ? vscode.l10n.t('CMP Lens: transaction completed, issued {0}. Saved in {1}.', issued, store.where)
        : vscode.l10n.t('CMP Lens: transaction completed. Saved in {0}.', store.where),
    );
  } else {
    deps.log.error(`failed: ${result.error}`);
    const choice = await vscode.window.showErrorMessage(
      vscode.l10n.t(
        'CMP Lens: send failed: {0}. What was exchanged is saved in {1}.',
        result.error ?? '',
        store.where,
      ),
      ...(extra ? [extra] : []),
      vscode.l10n.t('Show Log'),
    );
    if (choice === vscode.l10n.t('Show Log')) deps.log.show();
    return choice;
  }
  return undefined;
}
