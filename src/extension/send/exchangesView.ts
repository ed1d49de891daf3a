/** "CMP Exchanges" in the explorer: each send's messages with body, status, protection and timing. */
import * as vscode from 'vscode';
import type { TransactionResult } from '../../core/transport';
import type { Finding } from '../../shared/findings';

export interface Exchange {
  title: string;
  folder: vscode.Uri;
  result: TransactionResult;
  files: string[];
  /** Protocol-check findings; messageIndex says which message each is about. */
  findings: Finding[];
}

export type Node =
  | { exchange: Exchange }
  | { exchange: Exchange; index: number }
  | { exchange: Exchange; index: number; finding: Finding };

const findingIcon: Record<Finding['severity'], string> = { error: 'error', warning: 'warning', info: 'info' };

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
    void this.view
      .reveal({ exchange: e }, { expand: true, select: false, focus: false })
      .then(undefined, () => undefined);
  }

  getParent(n: Node): Node | undefined {
    if ('finding' in n) return { exchange: n.exchange, index: n.index };
    return 'index' in n ? { exchange: n.exchange } : undefined;
  }

  private findingsOf(e: Exchange, index: number): Finding[] {
    return e.findings.filter((f) => (f.messageIndex ?? 0) === index);
  }

  getChildren(n?: Node): Node[] {
    if (!n) return this.exchanges.map((exchange) => ({ exchange }));
    if ('finding' in n) return [];
    if ('index' in n)
      return this.findingsOf(n.exchange, n.index).map((finding) => ({
        exchange: n.exchange,
        index: n.index,
        finding,
      }));
    return n.exchange.result.messages.map((_, index) => ({ exchange: n.exchange, index }));
  }

  getTreeItem(n: Node): vscode.TreeItem {
    const e = n.exchange;
    if (!('index' in n)) {
      const item = new vscode.TreeItem(e.title, vscode.TreeItemCollapsibleState.Expanded);
      item.description = e.result.ok ? vscode.l10n.t('completed') : vscode.l10n.t('failed');
      item.tooltip = e.result.ok
        ? vscode.l10n.t('Saved in {0}', e.folder.fsPath)
        : `${e.result.error}\n${vscode.l10n.t('Saved in {0}', e.folder.fsPath)}`;
      item.iconPath = new vscode.ThemeIcon(e.result.ok ? 'pass' : 'error');
      item.resourceUri = e.folder;
      item.contextValue = 'exchange';
      return item;
    }
    if ('finding' in n) {
      const f = n.finding;
      const item = new vscode.TreeItem(f.message);
      item.description = `${f.ref} · ${f.id}`;
      item.tooltip = `${f.severity}: ${f.message}\n${f.path || 'message'} at offset 0x${f.offset.toString(16)}\n${f.ref}${f.profile === 'lightweight' ? ' (lightweight profile)' : ''}`;
      item.iconPath = new vscode.ThemeIcon(findingIcon[f.severity]);
      return item;
    }
    const m = e.result.messages[n.index];
    const checks = this.findingsOf(e, n.index);
    const item = new vscode.TreeItem(
      `${String(n.index + 1).padStart(2, '0')} ${m.direction === 'sent' ? '→' : '←'} ${m.body}`,
      checks.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
    );
    // Short, so it fits a narrow side bar: the tooltip says it in full.
    item.description = [
      m.status,
      m.protection?.verdict,
      `+${m.at} ms`,
      checks.length ? `${checks.length} finding${checks.length === 1 ? '' : 's'}` : undefined,
    ]
      .filter(Boolean)
      .join(' · ');
    item.tooltip = `${m.body}${m.status ? ` — ${m.status}` : ''}\n${m.der.length} bytes${m.protection ? `\nprotection ${m.protection.verdict}: ${m.protection.summary}${m.protection.reason ? `: ${m.protection.reason}` : ''}${m.protection.chain ? `\n${vscode.l10n.t('chain: {0}', m.protection.chain)}` : ''}` : ''}`;
    const file = e.files[n.index];
    if (file) {
      const uri = vscode.Uri.joinPath(e.folder, file);
      item.resourceUri = uri;
      item.command = {
        command: 'vscode.openWith',
        title: vscode.l10n.t('Open in CMP Lens Inspector'),
        arguments: [uri, 'cmpLens.inspector'],
      };
    }
    return item;
  }

  dispose(): void {
    this.view.dispose();
    this.changed.dispose();
  }
}
