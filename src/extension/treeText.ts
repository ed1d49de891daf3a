/**
 * "CMP Lens: Show Annotated Tree as Text": the CLI's text rendering of a file, as a read-only
 * document (handy for diffing two messages or searching with the editor's own tools).
 */
import * as vscode from 'vscode';
import { formatDocument } from '../core/inspect/text';
import { inspectBytes } from '../core/inspect';

export const treeTextScheme = 'cmp-lens-tree';

class TreeTextProvider implements vscode.TextDocumentContentProvider {
  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const source = vscode.Uri.parse(uri.query, true);
    const bytes = await vscode.workspace.fs.readFile(source);
    return formatDocument(inspectBytes(bytes), { offsets: true, depth: 0 });
  }
}

async function showTreeText(resource?: vscode.Uri): Promise<void> {
  const target = resource ?? vscode.window.activeTextEditor?.document.uri;
  if (!target) {
    void vscode.window.showWarningMessage('CMP Lens: open or select a .der/.pkimsg/PEM file first.');
    return;
  }
  const name = target.path.split('/').pop() ?? 'message';
  const uri = vscode.Uri.from({ scheme: treeTextScheme, path: `/${name}.cmptree`, query: target.toString() });
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc, { preview: true });
}

export function registerTreeText(_context: vscode.ExtensionContext): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.workspace.registerTextDocumentContentProvider(treeTextScheme, new TreeTextProvider()),
    vscode.commands.registerCommand('cmpLens.showTreeText', showTreeText),
  );
}
