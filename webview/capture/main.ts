/**
 * The capture view: the CMP exchanges found in a .pcap/.pcapng, one table per transaction, with the
 * gaps the exchange checks find and what could not be read. Click a message to inspect it.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import type { CaptureRow, CaptureToHost, CaptureView, HostToCapture } from '../../src/shared/capture';
import { clear, el } from '../common/dom';
import { setStrings, t } from '../common/l10n';

interface VsCodeApi {
  postMessage(message: CaptureToHost): void;
}
declare function acquireVsCodeApi(): VsCodeApi;
const api = acquireVsCodeApi();
const send = (m: CaptureToHost) => api.postMessage(m);

const app = document.getElementById('app')!;
const header = el('header', 'summary');
const progress = el('vscode-progress-bar' as 'div', 'progress') as unknown as HTMLElement & {
  value: number;
  max: number;
};
const body = el('main', 'exchanges');
const problemsEl = el('section', 'problems');
header.append(el('div', 'kind', 'Reading the capture…'));
app.append(header, progress, problemsEl, body);

const verdictIcon: Record<string, string> = {
  valid: 'pass',
  invalid: 'error',
  'needs-secret': 'key',
  unprotected: 'unlock',
};

function time(t: number): string {
  return t ? new Date(t * 1000).toISOString().slice(11, 23) : '';
}

function rowEl(r: CaptureRow): HTMLTableRowElement {
  const tr = el('tr', `message ${r.direction}`);
  tr.dataset.index = String(r.index);
  tr.tabIndex = 0;
  tr.title = t('Open #{0} in the inspector', r.index);
  const cell = (text: string, cls?: string) => {
    const td = el('td', cls, text);
    if (text) td.title = text;
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
  if (r.chain) prot.title = t('chain: {0}', r.chain);
  const flags = cell(r.flags.join('; '), 'flags');
  if (r.flags.length) flags.prepend(el('span', 'codicon codicon-warning'));
  const actions = el('td', 'actions');
  const save = el('button', 'link', t('Export…'));
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
  const all = el('vscode-button', 'export-all', t('Export all…')) as HTMLElement;
  all.setAttribute('secondary', '');
  all.addEventListener('click', () => send({ type: 'exportAll' }));
  title.append(all);
  header.append(title);
  clear(problemsEl);
  if (v.problems.length) {
    problemsEl.append(el('h2', undefined, t('Problems ({0})', v.problems.length)));
    const ul = el('ul');
    for (const p of v.problems.slice(0, rowsPerPage)) {
      const li = el('li', 'problem-warning');
      li.append(
        el('span', 'codicon codicon-warning'),
        el('span', 'where', p.packet ? t('packet {0}', p.packet) : ''),
        el('span', 'message', p.message),
      );
      ul.append(li);
    }
    if (v.problems.length > rowsPerPage)
      ul.append(
        el(
          'li',
          'hint',
          t('… and {0} more (cmp-lens capture lists them all)', v.problems.length - rowsPerPage),
        ),
      );
    problemsEl.append(ul);
  }
  clear(body);
  if (!v.exchanges.length)
    body.append(
      el(
        'p',
        'hint',
        t(
          'No CMP messages in this capture (HTTP bodies with Content-Type application/pkixcmp, or that decode as a PKIMessage).',
        ),
      ),
    );
  renderFrom(v, 0, 0);
}

/** Rows (and findings) put in the page per step: a capture of any size keeps the DOM small. */
const rowsPerPage = 500;

/** Appends exchanges from exchange `e`, row `r` on, until a page is full; then a "Show more" button. */
function renderFrom(v: CaptureView, e: number, r: number): void {
  let budget = rowsPerPage;
  for (; e < v.exchanges.length && budget > 0; e++, r = 0) {
    const x = v.exchanges[e];
    let section = body.querySelector<HTMLElement>(`section[data-exchange="${e}"]`);
    let table = section?.querySelector('table');
    if (!section || !table) {
      section = el('section', 'exchange');
      section.dataset.exchange = String(e);
      const flow =
        x.rows
          .slice(0, 12)
          .map((row) => row.bodyType)
          .join(' → ') + (x.rows.length > 12 ? ` → … (${t('{0} messages', x.rows.length)})` : '');
      const h2 = el('h2');
      h2.append(el('span', 'flow', t('transactionID {0}: {1}', x.transactionID, flow)));
      // A MAC that waits for its secret (or failed with a wrong one): ask for the exchange's secret here.
      const waiting = x.rows.find((row) => row.protection === 'needs-secret' || row.protection === 'invalid');
      if (waiting) {
        const ask = el('vscode-button', 'enter-secret', t('Enter secret…')) as HTMLElement;
        ask.setAttribute('secondary', '');
        ask.title = t('The shared secret of this exchange, checked on the MAC of #{0}', waiting.index);
        ask.addEventListener('click', () => send({ type: 'enterSecret', index: waiting.index }));
        h2.append(ask);
      }
      // KemBasedMac rows wait for the ML-KEM private key the exchange's genp was encapsulated to.
      if (x.rows.some((row) => row.protection === 'cannot-verify')) {
        const kem = el('vscode-button', 'enter-kem-key', t('Enter KEM key…')) as HTMLElement;
        kem.setAttribute('secondary', '');
        kem.title = t(
          'The ML-KEM private key: KemBasedMac messages are checked with the KemCiphertextInfo of their genp',
        );
        kem.addEventListener('click', () => send({ type: 'enterKemKey' }));
        h2.append(kem);
      }
      const picture = el('vscode-button', 'show-diagram', t('Sequence diagram')) as HTMLElement;
      picture.setAttribute('secondary', '');
      picture.title = t('The exchange as a sequence picture: who sent what, when, with which verdict');
      const index = e;
      picture.addEventListener('click', () => send({ type: 'diagram', exchange: index }));
      h2.append(picture);
      section.append(h2);
      table = el('table');
      const head = el('tr');
      // Each header cell has its column's class, so narrow widths can drop the packet number.
      for (const [cls, h] of [
        ['index', ''],
        ['packet', t('packet')],
        ['time', t('time')],
        ['endpoints', t('endpoints')],
        ['http', 'HTTP'],
        ['body', t('body')],
        ['status', 'PKIStatus'],
        ['protection', t('protection')],
        ['flags', t('notes')],
        ['actions', ''],
      ])
        head.append(el('th', cls, h));
      table.append(head);
      section.append(table);
      body.append(section);
    }
    const upto = Math.min(x.rows.length, r + budget);
    for (let k = r; k < upto; k++) table.append(rowEl(x.rows[k]));
    budget -= upto - r;
    if (upto < x.rows.length) {
      moreButton(v, e, upto);
      return;
    }
    if (x.findings.length) {
      const ul = el('ul', 'gaps');
      const shown = x.findings.slice(0, Math.max(20, budget));
      for (const f of shown) {
        const li = el('li', `problem-${f.severity}`);
        li.append(
          el('span', `codicon codicon-${f.severity === 'info' ? 'info' : f.severity}`),
          el('span', 'message', `#${x.rows[f.messageIndex ?? 0]?.index}: ${f.message}`),
          el('span', 'ref', f.ref),
        );
        ul.append(li);
      }
      if (shown.length < x.findings.length)
        ul.append(
          el(
            'li',
            'hint',
            t('… and {0} more findings (cmp-lens capture lists them all)', x.findings.length - shown.length),
          ),
        );
      budget -= shown.length;
      section.append(ul);
    }
  }
  if (e < v.exchanges.length) moreButton(v, e, 0);
}

function moreButton(v: CaptureView, e: number, r: number): void {
  const shown = v.exchanges.slice(0, e).reduce((n, x) => n + x.rows.length, 0) + r;
  const total = v.exchanges.reduce((n, x) => n + x.rows.length, 0);
  const more = el(
    'vscode-button',
    'show-more',
    t('Show {0} more ({1} of {2} messages shown)', Math.min(rowsPerPage, total - shown), shown, total),
  ) as HTMLElement;
  more.setAttribute('secondary', '');
  more.addEventListener('click', () => {
    more.remove();
    renderFrom(v, e, r);
  });
  body.append(more);
}

window.addEventListener('message', (ev: MessageEvent<HostToCapture>) => {
  const m = ev.data;
  switch (m.type) {
    case 'progress':
      progress.max = 1;
      progress.value = m.fraction;
      return;
    case 'show':
      return show(m.view);
    case 'error':
      problemsEl.prepend(el('div', 'problem-error', `CMP Lens: ${m.message}`));
      return;
    case 'strings':
      return setStrings(m.strings);
    default: {
      const never: never = m;
      return never;
    }
  }
});

send({ type: 'ready' });
