/**
 * The Node extension host's platform (desktop VS Code, code-server, Remote): HTTP(S) through
 * src/node/httpPost (VS Code's proxy support applies: no agent of ours), exchanges and keys written
 * with node:fs atomically, captures streamed from disk, the test CA kept in OpenSSL's `openssl ca`
 * layout and listening on 127.0.0.1 so other clients (openssl cmp, Bouncy Castle) can reach it too.
 */
import * as vscode from 'vscode';
import { join } from 'node:path';
import { readCaptureFile } from '../../node/captureFile';
import { keepSpare, workerModel, workerRunner } from '../../node/worker';
import { ExchangeStore } from '../../node/exchangeStore';
import { nodePost } from '../../node/httpPost';
import { saveKey } from '../../node/materials';
import { serveTestCa } from '../../node/testcaServer';
import { openTestCa } from '../../node/testcaState';
import type { Platform, SavedExchange } from '../platform';
import { readCaptureWhole, workspaceExchange } from '../workspaceFiles';

/** A Node sink for a local folder; a folder on another file system goes through workspace.fs. */
function exchangeSink(folder: vscode.Uri): SavedExchange {
  return folder.scheme === 'file' ? new ExchangeStore(folder.fsPath) : workspaceExchange(folder);
}

/** dist/extension.js starts dist/worker.js, beside it (the inspector's model, capture batches). */
const workerScript = join(__dirname, 'worker.js');
// The first inspector's worker, started with the extension (which activates when a CMP file opens).
keepSpare(workerScript);

export const nodePlatform: Platform = {
  host: 'node',
  description: `Node ${process.versions.node} (OpenSSL ${process.versions.openssl})`,
  post: (server, o) => nodePost(server, { tlsKeyPassphrase: o.tlsKeyPassphrase }),
  exchangeSink,
  openModel: (bytes, signal, onEarly) => workerModel(workerScript, bytes, signal, onEarly),
  captureRunner: workerRunner(workerScript),
  readCapture: async (uri, onProgress, signal) =>
    uri.scheme === 'file'
      ? readCaptureFile(uri.fsPath, onProgress, signal)
      : readCaptureWhole(uri, onProgress, signal),
  saveKey: async (uri, key) => {
    if (uri.scheme !== 'file') return false;
    saveKey(uri.fsPath, key);
    return true;
  },
  nameOf: (uri) => (uri.scheme === 'file' ? uri.fsPath : uri.toString()),
  uriOf: (name) => (/^[a-z][a-z0-9+.-]+:\/\//i.test(name) ? vscode.Uri.parse(name) : vscode.Uri.file(name)),
  testCa: {
    open: (folder) => (options) => openTestCa(folder.fsPath, options),
    listen: (ca, log) => serveTestCa(ca, { log }),
    where: () => vscode.l10n.t('embedded test CA on 127.0.0.1, started on demand'),
  },
};
