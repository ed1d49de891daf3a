/**
 * The sequence picture of a CMP exchange: client and server lifelines, one arrow per message with its
 * body, status, protection verdict and time, polling waits drawn as waits, findings marked on their
 * arrow. One SVG builder for the webview (shown in theme colours through VS Code's CSS variables) and
 * for "Save as SVG" (the same picture with fixed colours, readable outside VS Code). Every text is
 * escaped: message content is hostile input. Here in src/shared: the host and the webview both use it.
 */
import { int, messageGuard } from './guards';

export interface DiagramArrow {
  /** What clicking it opens: the message's place in the exchange (0-based). */
  index: number;
  from: 'client' | 'server';
  body: string;
  /** PKIStatus in words ("accepted", "waiting"), when the message carries one. */
  status?: string;
  /** The protection verdict (valid, invalid, needs-secret, unprotected, …). */
  verdict?: string;
  /** When, as people read it: "+12 ms", "16:23:48.301". */
  time?: string;
  /** Milliseconds since the exchange began, for drawing waits; absent when unknown. */
  atMs?: number;
  findings: { severity: 'error' | 'warning' | 'info'; message: string }[];
}

export interface DiagramModel {
  title: string;
  client: string;
  server: string;
  arrows: DiagramArrow[];
}

export type DiagramToHost =
  | { type: 'ready' }
  /** Open message `index` of the exchange in the inspector. */
  | { type: 'open'; index: number }
  /** Save the picture as an .svg file the user picks. */
  | { type: 'saveSvg' };

export const isDiagramToHost = messageGuard<DiagramToHost>({
  ready: {},
  open: { index: int(0, 100_000) },
  saveSvg: {},
});

export type HostToDiagram =
  { type: 'show'; model: DiagramModel } | { type: 'strings'; strings: Record<string, string> };

/** Escapes text for SVG/XML content and attribute values. */
export function xmlText(text: string): string {
  return text.replace(
    /[&<>"'\u0000-\u0008\u000b\u000c\u000e-\u001f]/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? '',
  );
}

/** Colours: VS Code's theme variables in the webview; fixed ones (a light page) in a saved file. */
const palettes = {
  theme: {
    fg: 'var(--vscode-foreground)',
    muted: 'var(--vscode-descriptionForeground)',
    line: 'var(--vscode-panel-border, var(--vscode-descriptionForeground))',
    box: 'var(--vscode-editorWidget-background, transparent)',
    valid: 'var(--vscode-testing-iconPassed, #388a34)',
    invalid: 'var(--vscode-errorForeground)',
    warning: 'var(--vscode-editorWarning-foreground)',
    info: 'var(--vscode-editorInfo-foreground)',
    font: 'var(--vscode-font-family)',
  },
  file: {
    fg: '#1f2328',
    muted: '#57606a',
    line: '#8c959f',
    box: '#f6f8fa',
    valid: '#1a7f37',
    invalid: '#cf222e',
    warning: '#9a6700',
    info: '#0969da',
    font: 'system-ui, sans-serif',
  },
} as const;

const width = 720;
const top = 70;
const step = 58;
const waitStep = 34;
const clientX = 130;
const serverX = width - 130;

/** How long the client waited before this arrow, when the previous answer said "wait" (waiting, pollRep). */
function waitBefore(arrows: DiagramArrow[], i: number): number | undefined {
  const prev = arrows[i - 1];
  const cur = arrows[i];
  if (!prev || prev.from !== 'server' || cur.from !== 'client') return undefined;
  if (prev.status !== 'waiting' && prev.body !== 'pollRep') return undefined;
  return prev.atMs !== undefined && cur.atMs !== undefined ? Math.max(0, cur.atMs - prev.atMs) : 0;
}

function seconds(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(ms >= 10_000 ? 0 : 1)} s` : `${ms} ms`;
}

/**
 * The picture as SVG markup. `palette` "theme" uses VS Code's colours (the webview), "file" fixed
 * ones (Save as SVG). Each arrow is a `<g class="arrow" data-index>` the webview makes clickable.
 */
export function diagramSvg(m: DiagramModel, palette: 'theme' | 'file' = 'theme'): string {
  const c = palettes[palette];
  const parts: string[] = [];
  let y = top;
  m.arrows.forEach((a, i) => {
    const wait = waitBefore(m.arrows, i);
    if (wait !== undefined) {
      // The client waits on its lifeline before it polls: a bracket with the time.
      parts.push(
        `<g class="wait"><rect x="${clientX - 6}" y="${y - 14}" width="12" height="${waitStep - 8}" fill="${c.box}" stroke="${c.muted}" stroke-dasharray="3 2"/>`,
        `<text x="${clientX - 14}" y="${y + 2}" text-anchor="end" fill="${c.muted}" font-size="11">${xmlText(wait ? `waits ${seconds(wait)}` : 'waits')}</text></g>`,
      );
      y += waitStep;
    }
    const right = a.from === 'client';
    const x1 = right ? clientX : serverX;
    const x2 = right ? serverX : clientX;
    const head = right ? x2 - 9 : x2 + 9;
    const colour =
      a.verdict === 'invalid' ? c.invalid : a.verdict === 'valid' ? c.valid : a.verdict ? c.muted : c.fg;
    const worst = a.findings.some((f) => f.severity === 'error')
      ? 'invalid'
      : a.findings.some((f) => f.severity === 'warning')
        ? 'warning'
        : a.findings.length
          ? 'info'
          : undefined;
    const label = `${a.body}${a.status ? ` · ${a.status}` : ''}`;
    const detail = [a.verdict && `protection ${a.verdict}`, a.time].filter(Boolean).join(' · ');
    const title = [
      `#${a.index + 1} ${label}`,
      detail,
      ...a.findings.map((f) => `${f.severity}: ${f.message}`),
    ]
      .filter(Boolean)
      .join('\n');
    parts.push(
      `<g class="arrow" data-index="${a.index}" tabindex="0" role="button" style="cursor:pointer">`,
      `<title>${xmlText(title)}</title>`,
      `<rect x="${clientX}" y="${y - 30}" width="${serverX - clientX}" height="${step - 8}" fill="transparent"/>`,
      `<line x1="${x1}" y1="${y}" x2="${x2}" y2="${y}" stroke="${colour}" stroke-width="1.6"/>`,
      `<path d="M ${x2} ${y} L ${head} ${y - 5} L ${head} ${y + 5} Z" fill="${colour}"/>`,
      `<text x="${(clientX + serverX) / 2}" y="${y - 8}" text-anchor="middle" fill="${c.fg}" font-size="13" font-weight="600">${xmlText(label)}</text>`,
      detail
        ? `<text x="${(clientX + serverX) / 2}" y="${y + 16}" text-anchor="middle" fill="${colour}" font-size="11">${xmlText(detail)}</text>`
        : '',
      worst
        ? `<g class="finding finding-${worst === 'invalid' ? 'error' : worst}"><circle cx="${right ? serverX + 16 : clientX - 16}" cy="${y}" r="7" fill="${c[worst]}"/><text x="${right ? serverX + 16 : clientX - 16}" y="${y + 4}" text-anchor="middle" fill="${palette === 'file' ? '#ffffff' : 'var(--vscode-editor-background, #ffffff)'}" font-size="10" font-weight="700">${a.findings.length}</text></g>`
        : '',
      `<text x="${right ? clientX - 14 : serverX + 30}" y="${y + 4}" text-anchor="${right ? 'end' : 'start'}" fill="${c.muted}" font-size="11">#${a.index + 1}</text>`,
      '</g>',
    );
    y += step;
  });
  const height = y + 10;
  const lifeline = (x: number, name: string) =>
    `<rect x="${x - 90}" y="14" width="180" height="30" rx="4" fill="${c.box}" stroke="${c.line}"/>` +
    `<text x="${x}" y="34" text-anchor="middle" fill="${c.fg}" font-size="13">${xmlText(name.length > 26 ? `${name.slice(0, 25)}…` : name)}<title>${xmlText(name)}</title></text>` +
    `<line x1="${x}" y1="44" x2="${x}" y2="${height - 6}" stroke="${c.line}" stroke-dasharray="4 3"/>`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" font-family="${c.font}" role="img" aria-label="${xmlText(m.title)}">`,
    `<title>${xmlText(m.title)}</title>`,
    palette === 'file' ? `<rect width="${width}" height="${height}" fill="#ffffff"/>` : '',
    lifeline(clientX, m.client),
    lifeline(serverX, m.server),
    ...parts,
    '</svg>',
  ].join('');
}
