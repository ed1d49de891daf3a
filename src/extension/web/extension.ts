/**
 * Entry point of the web worker extension host (vscode.dev, github.dev, code-server's browser-only
 * host): the same features on the browser's platform. Bundled by esbuild for the webworker platform
 * with no Node built-in (test/unit/webBundle.test.ts reads the bundle to prove it).
 */
import type * as vscode from 'vscode';
import { activateOn } from '../activate';
import { webPlatform } from './platform';

export function activate(context: vscode.ExtensionContext): void {
  activateOn(context, webPlatform);
}

export function deactivate(): void {
  // Every feature is a Disposable in context.subscriptions.
}
