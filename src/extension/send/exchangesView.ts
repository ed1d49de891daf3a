/** "CMP Exchanges" in the explorer: each send's messages with body, status, protection and timing. */
import * as vscode from 'vscode';
import type { TransactionResult } from '../../core/transport';

interface Exchange {
  title: string;
  folder: vscode.Uri;
  result: TransactionResult;
  files: string[];
}

type Node = { exchange: Exchange } | { exchange: Exchange; index: number };

export class ExchangesView implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly exchanges: Exchange[] = [];
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly view: vscode.TreeView<Node>;

  constructor() {
    this.view = vscode.window.createTreeView('cmpLens.exchanges', { treeDataProvider: this });
  }

  add(e: Exchange): void {
    this.exchanges.unshift(e);
    this.exchanges.splice(50);
    this.changed.fire(undefined);
    void this.view.reveal({ exchange: e }, { expand: true, select: false, focus: false }).then(undefined, () => undefined);
  }

  getParent(n: Node): Node | undefined {
    return 'index' in n ? { exchange: n.exchange } : undefined;
  }

  getChildren(n?: Node): Node[] {
    if (!n) return this.exchanges.map((exchange) => ({ exchange }));
    return 'index' in n ? [] : n.exchange.result.messages.map((_, index) => ({ exchange: n.exchange, index }));
  }

  getTreeItem(n: Node): vscode.TreeItem {
    const e = n.exchange;
    if (!('index' in n)) {
      const item = new vscode.TreeItem(e.title, vscode.TreeItemCollapsibleState.Expanded);
      item.description = e.result.ok ? 'completed' : 'failed';
      item.tooltip = e.result.ok ? `Saved in ${e.folder.fsPath}` : `${e.result.error}\nSaved in ${e.folder.fsPath}`;
      item.iconPath = new vscode.ThemeIcon(e.result.ok ? 'pass' : 'error');
      item.resourceUri = e.folder;
      return item;
    }
    const m = e.result.messages[n.index];
    const item = new vscode.TreeItem(`${String(n.index + 1).padStart(2, '0')} ${m.direction === 'sent' ? '→' : '←'} ${m.body}`);
    item.description = [m.status, m.protection ? `protection ${m.protection.verdict}` : undefined, `+${m.at} ms`].filter(Boolean).join(' · ');
    item.tooltip = `${m.der.length} bytes${m.protection ? `\n${m.protection.summary}${m.protection.reason ? `: ${m.protection.reason}` : ''}` : ''}`;
    const file = e.files[n.index];
    if (file) {
      const uri = vscode.Uri.joinPath(e.folder, file);
      item.resourceUri = uri;
      item.command = { command: 'vscode.openWith', title: 'Open in CMP Lens Inspector', arguments: [uri, 'cmpLens.inspector'] };
    }
    return item;
  }

  dispose(): void {
    this.view.dispose();
    this.changed.dispose();
  }
}
