/**
 * The web worker extension host's platform (vscode.dev, github.dev, code-server's browser-only host):
 * no Node. Send posts with `fetch` (the browser's TLS and CORS rules apply: see fetchPost.ts); files go
 * through `vscode.workspace.fs`; the embedded test CA runs inside this worker and is reached without a
 * socket (a Post that hands the request to the CA), so build → send → confirm → read the reply works
 * with nothing else running. It lives in memory while the window is open: a browser has no folder to
 * keep its key in with owner-only access, so a reload starts a new CA.
 */
import * as vscode from 'vscode';
import { inThisThread, localModel } from '../../app';
import type { Platform } from '../platform';
import { readCaptureWhole, workspaceExchange } from '../workspaceFiles';
import { fetchPost } from './fetchPost';
import { listenInWorker, reachInWorker } from './workerCa';

/** A name for a picked file: its URI (there are no local paths); a relative name is in the first workspace folder. */
function uriOf(name: string): vscode.Uri {
  if (/^[a-z][a-z0-9+.-]+:\/\//i.test(name)) return vscode.Uri.parse(name);
  if (/^([/\\]|[a-z]:[/\\])/i.test(name))
    throw new Error(
      `${name} is a path on a computer's disk, which the browser cannot read: name a file in the workspace (relative to its folder) or by URI`,
    );
  const ws = vscode.workspace.workspaceFolders?.[0]?.uri;
  if (!ws)
    throw new Error(
      `${name} names no file: in the browser, files are named by URI or relative to the workspace folder`,
    );
  return vscode.Uri.joinPath(ws, ...name.split('/').filter(Boolean));
}

export const webPlatform: Platform = {
  host: 'web',
  description: "web worker (no Node; the browser's WebCrypto)",
  post: (server) => fetchPost(server),
  exchangeSink: workspaceExchange,
  // The web worker host is already off the page's thread; the model is made in it.
  openModel: (bytes, signal) =>
    signal.aborted ? Promise.reject(new Error('cancelled')) : Promise.resolve(localModel(bytes)),
  captureRunner: inThisThread,
  readCapture: readCaptureWhole,
  // A browser file system has no owner-only mode: a private key is never written there.
  saveKey: async () => false,
  nameOf: (uri) => uri.toString(),
  uriOf,
  testCa: {
    listen: listenInWorker,
    reach: reachInWorker,
    where: () => vscode.l10n.t('embedded test CA in this window (web: no socket, in memory)'),
  },
};
