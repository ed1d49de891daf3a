/**
 * The webviews' strings come from the host (which has vscode.l10n): it sends a table, English text →
 * the text in VS Code's display language, before the first render. `t` looks a text up and fills its
 * `{0}`, `{1}` … placeholders; without a table (the webview tests, a host that sent none) the English
 * text is the text. `scripts/l10n.mjs` collects every `t('…')` text into src/shared/webviewStrings.ts.
 */
let table: Readonly<Record<string, string>> = {};
const listeners: (() => void)[] = [];

export function setStrings(strings: Readonly<Record<string, string>>): void {
  table = strings;
  for (const l of listeners) l();
}

/** Runs `apply` now and whenever the strings change (for text set before they arrived). */
export function onStrings(apply: () => void): void {
  listeners.push(apply);
  apply();
}

export function t(message: string, ...args: (string | number)[]): string {
  const text = table[message] ?? message;
  return args.length
    ? text.replace(/\{(\d+)\}/g, (m, i: string) => (i in args ? String(args[Number(i)]) : m))
    : text;
}
