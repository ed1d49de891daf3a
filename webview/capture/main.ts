/**
 * The capture view: the CMP exchanges found in a .pcap/.pcapng, one table per transaction, with the
 * gaps the exchange checks find and what could not be read. Click a message to inspect it.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import type { CaptureRow, CaptureToHost, CaptureView, HostToCapture } from '../../src/shared/capture';
import { clear, el } from '../common/dom';

interface VsCodeApi {
  postMessage(message: CaptureToHost): void;
}
declare function acquireVsCodeApi(): VsCodeApi;
const api = acquireVsCodeApi();
const send = (m: CaptureToHost) => api.postMessage(m);

const app = document.getElementById('app')!;
const header = el('header', 'summary');
const progress = el('vscode-progress-bar' as 'div', 'progress') as unknown as HTMLElement & { value: number; max: number };
const body = el('main', 'exchanges');
const problemsEl = el('section', 'problems');
header.append(el('div', 'kind', 'Reading the capture…'));
app.append(header, progress, problemsEl, body);

const verdictIcon: Record<string, string> = { valid: 'pass', invalid: 'error', 'needs-secret': 'key', unprotected: 'unlock' };

function time(t: number): string {
  return t ? new Date(t * 1000).toISOString().slice(11, 23) : '';
}

function rowEl(r: CaptureRow): HTMLTableRowElement {
  const tr = el('tr', `message ${r.direction}`);
  tr.dataset.index = String(r.index);
  tr.tabIndex = 0;
  tr.title = `Open #${r.index} in the inspector`;
  const cell = (text: string, cls?: string) => {
    const td = el('td', cls, text);
    tr.append(td);
    return td;
  };
  cell(`#${r.index}`, 'index');
  cell(String(r.packet), 'packet');
  cell(time(r.time), 'time');
  cell(r.direction === 'request' ? `${r.client} → ${r.server}` : `${r.client} ← ${r.server}`, 'endpoints');
  cell(r.http, 'http');
  cell(r.bodyType, 'body');
  cell(r.pkiStatus ?? '', 'status');
  const prot = cell(r.protection, `protection verdict-${r.protection}`);
  prot.prepend(el('span', `codicon codicon-${verdictIcon[r.protection] ?? 'question'}`));
  const flags = cell(r.flags.join('; '), 'flags');
  if (r.flags.length) flags.prepend(el('span', 'codicon codicon-warning'));
  const actions = el('td', 'actions');
  const save = el('button', 'link', 'Export…');
  save.addEventListener('click', (e) => {
    e.stopPropagation();
    send({ type: 'export', index: r.index });
  });
  actions.append(save);
  tr.append(actions);
  const open = () => send({ type: 'open', index: r.index });
  tr.addEventListener('click', open);
  tr.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') open();
  });
  return tr;
}

function show(v: CaptureView): void {
  progress.hidden = true;
  clear(header);
  const title = el('div', 'title');
  title.append(el('span', 'kind', v.title), el('span', 'meta', v.summary));
  const all = el('vscode-button', 'export-all', 'Export all…') as HTMLElement;
  all.setAttribute('secondary', '');
  all.addEventListener('click', () => send({ type: 'exportAll' }));
  title.append(all);
  header.append(title);
  clear(problemsEl);
  if (v.problems.length) {
    problemsEl.append(el('h2', undefined, `Problems (${v.problems.length})`));
    const ul = el('ul');
    for (const p of v.problems) {
      const li = el('li', 'problem-warning');
      li.append(el('span', 'codicon codicon-warning'), el('span', 'where', p.packet ? `packet ${p.packet}` : ''), el('span', 'message', p.message));
      ul.append(li);
    }
    problemsEl.append(ul);
  }
  clear(body);
  if (!v.exchanges.length) body.append(el('p', 'hint', 'No CMP messages in this capture (HTTP bodies with Content-Type application/pkixcmp, or that decode as a PKIMessage).'));
  for (const e of v.exchanges) {
    const section = el('section', 'exchange');
    section.append(el('h2', undefined, `transactionID ${e.transactionID}: ${e.rows.map((r) => r.bodyType).join(' → ')}`));
    const table = el('table');
    const head = el('tr');
    for (const h of ['', 'packet', 'time', 'endpoints', 'HTTP', 'body', 'PKIStatus', 'protection', 'notes', '']) head.append(el('th', undefined, h));
    table.append(head);
    for (const r of e.rows) table.append(rowEl(r));
    section.append(table);
    if (e.findings.length) {
      const ul = el('ul', 'gaps');
      for (const f of e.findings) {
        const li = el('li', `problem-${f.severity}`);
        li.append(el('span', `codicon codicon-${f.severity === 'info' ? 'info' : f.severity}`), el('span', 'message', `#${e.rows[f.messageIndex ?? 0]?.index}: ${f.message}`), el('span', 'ref', f.ref));
        ul.append(li);
      }
      section.append(ul);
    }
    body.append(section);
  }
}

window.addEventListener('message', (ev: MessageEvent<HostToCapture>) => {
  const m = ev.data;
  switch (m.type) {
    case 'progress':
      progress.max = 1;
      progress.value = m.fraction;
      return;
    case 'show': return show(m.view);
    case 'error':
      problemsEl.prepend(el('div', 'problem-error', `CMP Lens: ${m.message}`));
      return;
    default: {
      const never: never = m;
      return never;
    }
  }
});

send({ type: 'ready' });
