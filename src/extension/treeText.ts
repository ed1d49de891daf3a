/**
 * "CMP Lens: Show as Text": the annotated tree as a read-only, line-oriented document (language
 * cmp-tree, coloured by syntaxes/cmp-tree.tmLanguage.json), and "Compare with…", the diff of two
 * messages' trees. Offsets are left out of the text so a diff shows content changes, not shifts.
 */
import * as vscode from 'vscode';
import { inspectText } from '../app';

export const treeTextScheme = 'cmp-lens-tree';

class TreeTextProvider implements vscode.TextDocumentContentProvider {
  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const source = vscode.Uri.parse(uri.query, true);
    const bytes = await vscode.workspace.fs.readFile(source);
    return inspectText(bytes).text;
  }
}

function treeUri(source: vscode.Uri): vscode.Uri {
  const name = source.path.split('/').pop() ?? 'message';
  return vscode.Uri.from({ scheme: treeTextScheme, path: `/${name}.cmptree`, query: source.toString() });
}

/** The explorer's resource, else the active inspector's file, else the active text editor's. */
export function targetOf(resource?: vscode.Uri): vscode.Uri | undefined {
  const tab = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  const fromTab = tab instanceof vscode.TabInputCustom ? tab.uri : undefined;
  const target =
    resource instanceof vscode.Uri ? resource : (fromTab ?? vscode.window.activeTextEditor?.document.uri);
  if (!target)
    void vscode.window.showWarningMessage(
      vscode.l10n.t('CMP Lens: select a .pkimsg/.der/PEM file in the explorer first.'),
    );
  return target;
}

async function showTreeText(resource?: vscode.Uri): Promise<void> {
  const target = targetOf(resource);
  if (!target) return;
  const doc = await vscode.workspace.openTextDocument(treeUri(target));
  await vscode.window.showTextDocument(doc, { preview: true });
}

async function compareWith(resource?: vscode.Uri): Promise<void> {
  const left = targetOf(resource);
  if (!left) return;
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: false,
    openLabel: vscode.l10n.t('Compare'),
    title: vscode.l10n.t('CMP Lens: compare with which message?'),
    defaultUri: vscode.Uri.joinPath(left, '..'),
  });
  const right = picked?.[0];
  if (!right) return;
  const name = (u: vscode.Uri) => u.path.split('/').pop();
  await vscode.commands.executeCommand(
    'vscode.diff',
    treeUri(left),
    treeUri(right),
    `${name(left)} ↔ ${name(right)} (CMP)`,
  );
}

export function registerTreeText(_context: vscode.ExtensionContext): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.workspace.registerTextDocumentContentProvider(treeTextScheme, new TreeTextProvider()),
    vscode.commands.registerCommand('cmpLens.showTreeText', showTreeText),
    vscode.commands.registerCommand('cmpLens.compareWith', compareWith),
  );
}
