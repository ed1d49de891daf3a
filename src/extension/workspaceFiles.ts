/**
 * Files through `vscode.workspace.fs`, for whatever file system a URI names (the browser's, github.dev's
 * virtual one, a remote): an exchange folder and a capture read whole then parsed in slices. Both
 * platforms use it where the Node one cannot use node:fs.
 */
import * as vscode from 'vscode';
import { ExchangeFiles } from '../app';
import { CaptureParser, type CaptureResult } from '../core/capture';

/**
 * An exchange saved in `folder` with one whole-file write per file (what workspace.fs offers). It
 * cannot make a file owner-only, so a delivered private key is not written here (the summary says so).
 */
export function workspaceExchange(folder: vscode.Uri): ExchangeFiles {
  return new ExchangeFiles(
    folder.toString(true),
    (name, data) =>
      vscode.workspace.fs.writeFile(
        vscode.Uri.joinPath(folder, name),
        typeof data === 'string' ? new TextEncoder().encode(data) : data,
      ),
    false,
  );
}

const slice = 1 << 20;

/**
 * A capture read in one call (workspace.fs has no ranged read), then parsed 1 MiB at a time with
 * progress, yielding between slices so a cancel (or anything else the host does) gets its turn.
 */
export async function readCaptureWhole(
  uri: vscode.Uri,
  onProgress: (read: number, total: number) => void,
  signal: AbortSignal,
): Promise<CaptureResult> {
  const bytes = await vscode.workspace.fs.readFile(uri);
  const parser = new CaptureParser();
  for (let at = 0; at < bytes.length; at += slice) {
    if (signal.aborted) throw new Error('cancelled');
    parser.push(bytes.subarray(at, Math.min(bytes.length, at + slice)));
    onProgress(Math.min(bytes.length, at + slice), bytes.length);
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  return parser.end();
}
