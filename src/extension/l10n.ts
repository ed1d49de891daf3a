/**
 * The webviews' texts in VS Code's display language: the host has vscode.l10n, the webviews do not,
 * so each panel gets this table (English text → shown text) before it renders anything. The list of
 * texts is src/shared/webviewStrings.ts, made by `npm run l10n` from the webviews' sources.
 */
import * as vscode from 'vscode';
import { webviewTexts } from '../shared/webviewStrings';

let table: Record<string, string> | undefined;

export function webviewStrings(): Record<string, string> {
  if (!table) {
    table = {};
    for (const text of webviewTexts) {
      const shown = vscode.l10n.t(text);
      // A placeholder the webview fills ({0}) must survive; if it did not, the English text is used.
      table[text] = /\{\d+\}/.test(text) && !/\{\d+\}/.test(shown) ? text : shown;
    }
  }
  return table;
}
