/**
 * The inspector webview: summary header, filter, annotated tree, hex view, details and problems.
 * It holds no document: it asks the host for what it shows (src/shared/protocol.ts).
 */
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import type { CheckResult } from '../../src/shared/protection';
import type { Finding } from '../../src/shared/findings';
import type {
  EncryptedView,
  FilterMatch,
  HostToWebview,
  InspectorState,
  NodeDetails,
  ShowPayload,
} from '../../src/shared/protocol';
import { rfcLink } from '../../src/shared/rfc';
import { clear, el, hexOffset } from '../common/dom';
import { HexView } from './hex';
import { loadState, onMessage, saveState, send } from './host';
import { renderSummary } from '../common/summary';
import { TreeView } from '../common/tree';
import { onStrings, setStrings, t } from '../common/l10n';

const app = document.getElementById('app')!;
const header = el('header', 'summary');
const filterBox = el('vscode-textfield', 'filter') as HTMLElement & { value: string; placeholder: string };
onStrings(() => {
  filterBox.placeholder = t('Filter: field name, type or value');
  filterBox.setAttribute('aria-label', t('Filter the tree'));
});
const matchesEl = el('div', 'matches');
const treeEl = el('div', 'tree');
const hexEl = el('div', 'hex');
const detailsEl = el('section', 'details');
const problemsEl = el('section', 'problems');
const checksEl = el('section', 'checks');
const left = el('div', 'pane-left');
const right = el('div', 'pane-right');
left.append(filterBox, matchesEl, treeEl);
right.append(hexEl, detailsEl);
const main = el('main', 'panes');
// The splitter between tree and bytes: drag (or arrow keys on it) to resize; the share is remembered.
const splitter = el('div', 'splitter');
splitter.setAttribute('role', 'separator');
splitter.setAttribute('aria-orientation', 'vertical');
splitter.tabIndex = 0;
main.append(left, splitter, right);
app.append(header, checksEl, main, problemsEl);

let state: InspectorState = loadState();
const applySplit = (share: number | undefined) => {
  main.style.gridTemplateColumns =
    share === undefined ? '' : `minmax(220px, ${share}fr) 5px minmax(260px, ${1 - share}fr)`;
};
applySplit(state.split);
const setSplit = (share: number) => {
  state.split = Math.min(0.8, Math.max(0.2, share));
  applySplit(state.split);
  saveState(state);
};
splitter.addEventListener('pointerdown', (e) => {
  splitter.setPointerCapture(e.pointerId);
  const move = (ev: PointerEvent) => {
    const r = main.getBoundingClientRect();
    setSplit((ev.clientX - r.left) / r.width);
  };
  const up = () => {
    splitter.removeEventListener('pointermove', move);
    splitter.removeEventListener('pointerup', up);
  };
  splitter.addEventListener('pointermove', move);
  splitter.addEventListener('pointerup', up);
});
splitter.addEventListener('keydown', (e) => {
  const share = state.split ?? 0.5;
  if (e.key === 'ArrowLeft') setSplit(share - 0.05);
  if (e.key === 'ArrowRight') setSplit(share + 0.05);
});
let version = -1;
let restoring = false;

const persist = () => {
  state = {
    expanded: [...tree.expanded],
    selected: tree.selected,
    scrollTop: treeEl.scrollTop,
    filter: filterBox.value ?? '',
    ...(state.split !== undefined ? { split: state.split } : {}),
  };
  if (!restoring) saveState(state);
};

const tree = new TreeView(treeEl, {
  select: (id) => send({ type: 'select', id }),
  needChildren: (id, start, count) => send({ type: 'expand', id, start, count }),
  changed: persist,
});
const hex = new HexView(
  hexEl,
  (offset, length) => send({ type: 'bytes', offset, length }),
  (offset) => send({ type: 'reveal', offset }),
);

/** Expands every id of `chain` but the last (asking for children as needed), then selects the last. */
let pendingReveal: string[] | undefined;
function continueReveal(): void {
  if (!pendingReveal) return;
  const chain = pendingReveal;
  for (let k = 0; k < chain.length - 1; k++) {
    const id = chain[k];
    if (!tree.expanded.has(id)) tree.expand(id);
    const next = chain[k + 1];
    if (!tree.hasChildrenLoaded(id) || !tree.ensureChild(id, Number(next.slice(next.lastIndexOf('.') + 1))))
      return;
  }
  const target = pendingReveal[pendingReveal.length - 1];
  pendingReveal = undefined;
  if (target) tree.select(target);
}

function reveal(chain: string[]): void {
  pendingReveal = chain;
  continueReveal();
}

function show(p: ShowPayload): void {
  // -1: nothing shown yet; -2: a big file's first look (its top rows while the whole decodes).
  const firstShow = version < 0;
  version = p.version;
  document.title = p.title;
  renderSummary(header, p);
  tree.expanded.clear();
  tree.reset(p.roots);
  hex.reset(p.size);
  renderProblems(p);
  clear(detailsEl);
  detailsEl.append(el('p', 'hint', t('Select a node to see its details.')));
  // Restore expansion, selection and filter (first load after a reload, or a re-decode of a changed file).
  const { expanded, selected, scrollTop, filter } = state;
  restoring = true;
  for (const id of expanded.sort((a, b) => a.split('.').length - b.split('.').length)) tree.expand(id);
  if (!expanded.length && p.roots[0]?.childCount) tree.expand(p.roots[0].id);
  restoring = false;
  if (selected) reveal(selected.split('.').map((_, i, a) => a.slice(0, i + 1).join('.')));
  if (firstShow) treeEl.scrollTop = scrollTop;
  if (filter) {
    filterBox.value = filter;
    send({ type: 'filter', query: filter });
  }
}

const verdictIcon: Record<CheckResult['verdict'], string> = {
  valid: 'pass',
  unprotected: 'unlock',
  invalid: 'error',
  'needs-secret': 'key',
  'needs-cert': 'question',
  unsupported: 'question',
  'cannot-verify': 'question',
};

/** The protection check results under the summary, with "Enter secret…" where a secret would help. */
function renderChecks(results: CheckResult[]): void {
  clear(checksEl);
  const badge = header.querySelector('.protection');
  const main = results.find((r) => r.check === 'protection');
  if (badge && main) {
    badge.textContent = t('protection: {0}', main.verdict);
    badge.className = `protection verdict-${main.verdict}`;
    (badge as HTMLElement).title = `${main.summary}${main.reason ? `\n${main.reason}` : ''}`;
  }
  for (const r of results) {
    const row = el('div', `check verdict-${r.verdict}`);
    row.append(
      el('span', `codicon codicon-${verdictIcon[r.verdict]}`),
      el('span', 'check-kind', r.check),
      el('span', 'check-verdict', r.verdict),
      el('span', 'check-summary', r.summary),
    );
    if (r.reason) row.append(el('span', 'check-reason', r.reason));
    if (r.chain) {
      // "valid" is not "trusted": the signature says whether its certificate's chain was checked.
      const chain = el('span', `check-chain${r.chainNotChecked ? ' not-checked' : ''}`);
      chain.append(
        el('span', `codicon codicon-${r.chainNotChecked ? 'circle-slash' : 'link'}`),
        el('span', undefined, t('chain: {0}', r.chain)),
      );
      row.append(chain);
      if (r.chainNotChecked) {
        const b = el('vscode-button', 'configure-trust', t('Set trust anchors…')) as HTMLElement;
        b.setAttribute('secondary', '');
        b.title = t('cmpLens.trustAnchors: the CA certificates chains are checked against');
        b.addEventListener('click', () => send({ type: 'configureTrust' }));
        row.append(b);
      }
    }
    for (const w of r.warnings ?? []) {
      const warning = el('span', 'check-warning');
      warning.append(el('span', 'codicon codicon-warning'), el('span', undefined, w));
      row.append(warning);
    }
    if (r.offset !== undefined) {
      const link = el('button', 'link', hexOffset(r.offset));
      link.addEventListener('click', () => send({ type: 'reveal', offset: r.offset! }));
      row.append(link);
    }
    if (
      r.check === 'protection' &&
      (r.verdict === 'needs-secret' || (r.verdict === 'invalid' && /MAC/.test(r.reason ?? '')))
    ) {
      const b = el('vscode-button', 'enter-secret', t('Enter secret…')) as HTMLElement;
      b.addEventListener('click', () => send({ type: 'enterSecret' }));
      row.append(b);
    }
    if (r.check === 'protection' && r.verdict === 'cannot-verify' && r.summary.startsWith('KemBasedMac')) {
      const b = el('vscode-button', 'enter-kem-key', t('Enter KEM key…')) as HTMLElement;
      b.title = t(
        "The ML-KEM private key; the exchange's genp with KemCiphertextInfo is looked for beside the file",
      );
      b.addEventListener('click', () => send({ type: 'enterKemKey' }));
      row.append(b);
    }
    if (r.check === 'protection' && (r.signer !== undefined || r.verdict === 'needs-cert')) {
      const b = el('vscode-button', 'choose-cert', t('Use another certificate…')) as HTMLElement;
      b.setAttribute('secondary', '');
      b.addEventListener('click', () => send({ type: 'chooseCert' }));
      row.append(b);
    }
    checksEl.append(row);
  }
  // Failed checks also join the problems list, with their offsets.
  problemsEl.querySelectorAll('.from-check').forEach((e) => e.remove());
  const failed = results.filter((r) => r.verdict === 'invalid');
  if (!failed.length) {
    if (!problemsEl.querySelector('li')) clear(problemsEl);
    return;
  }
  let list = problemsEl.querySelector('ul');
  if (!list) {
    problemsEl.append(el('h2', undefined, t('Problems')));
    list = problemsEl.appendChild(el('ul'));
  }
  for (const r of failed) {
    const item = el('li', 'problem-error from-check');
    item.append(el('span', 'codicon codicon-error'));
    if (r.offset !== undefined) {
      const link = el('button', 'link', hexOffset(r.offset));
      link.addEventListener('click', () => send({ type: 'reveal', offset: r.offset! }));
      item.append(link);
    }
    item.append(el('span', 'message', `${r.check}: ${r.reason ?? r.summary}`));
    list.prepend(item);
  }
}

const findingsEl = el('section', 'findings');
problemsEl.after(findingsEl);
const encryptedEl = el('section', 'encrypted');
checksEl.after(encryptedEl);

/**
 * "Encrypted content": each EnvelopedData/EncryptedValue of the message, locked or opened, with what it
 * held in words; Decrypt… asks the host for a key or a password. A key is shown only after the host
 * confirmed with the person (keyShown), and is never put in the saved state.
 */
function renderEncrypted(items: EncryptedView[]): void {
  clear(encryptedEl);
  if (!items.length) return;
  const head = el('h2', undefined, t('Encrypted content: {0}', items.length));
  encryptedEl.append(head);
  if (items.some((i) => i.state !== 'opened')) {
    const b = el('vscode-button', 'decrypt', t('Decrypt…')) as HTMLElement;
    b.title = t('Open it with the recipient private key (PKCS#8) or a password');
    b.addEventListener('click', () => send({ type: 'decrypt' }));
    head.append(b);
  }
  let keyIndex = 0;
  items.forEach((item, index) => {
    const row = el('div', `encrypted-item state-${item.state}`);
    const link = el('button', 'link', item.path);
    link.addEventListener('click', () =>
      item.nodeId ? reveal(item.nodeId.split('.').map((_, i, a) => a.slice(0, i + 1).join('.'))) : undefined,
    );
    row.append(
      el(
        'span',
        `codicon codicon-${item.state === 'opened' ? 'unlock' : item.state === 'failed' ? 'error' : 'lock'}`,
      ),
      el('span', 'encrypted-purpose', item.purpose),
      link,
    );
    const lines = el('ul', 'encrypted-lines');
    for (const line of item.lines) lines.append(el('li', undefined, line.trim()));
    row.append(lines);
    const actions = el('div', 'encrypted-actions');
    for (let k = 0; k < item.keys; k++, keyIndex++) {
      const at = keyIndex;
      const showKey = el('vscode-button', 'show-key', t('Show key')) as HTMLElement;
      showKey.setAttribute('secondary', '');
      showKey.dataset.key = String(at);
      showKey.addEventListener('click', () => send({ type: 'showKey', index: at }));
      const saveKey = el('vscode-button', 'save-key', t('Save key…')) as HTMLElement;
      saveKey.title = t('PKCS#8 PEM, readable by you only (mode 0600)');
      saveKey.addEventListener('click', () => send({ type: 'saveKey', index: at }));
      actions.append(showKey, saveKey);
    }
    if (item.signed) {
      const open = el('vscode-button', 'open-signed', t('Open signed content')) as HTMLElement;
      open.setAttribute('secondary', '');
      open.title = t(
        "The key generation authority's SignedData in an inspector of its own, the key's bytes zeroed",
      );
      open.addEventListener('click', () => send({ type: 'openSigned', index }));
      actions.append(open);
    }
    if (item.certificate) {
      const open = el('vscode-button', 'open-cert', t('Open certificate')) as HTMLElement;
      open.setAttribute('secondary', '');
      open.addEventListener('click', () => send({ type: 'openCert', index }));
      const save = el('vscode-button', 'save-cert', t('Save certificate…')) as HTMLElement;
      save.addEventListener('click', () => send({ type: 'saveCert', index }));
      actions.append(open, save);
    }
    if (actions.childElementCount) row.append(actions);
    encryptedEl.append(row);
  });
}

/** A key the person asked to see, under its Show key button, with Hide. */
function showKeyPem(index: number, pem: string): void {
  const button = encryptedEl.querySelector(`.show-key[data-key="${index}"]`);
  const actions = button?.parentElement;
  if (!actions) return;
  actions.parentElement!.querySelector(`.key-pem[data-key="${index}"]`)?.remove();
  const box = el('div', 'key-pem');
  box.dataset.key = String(index);
  const hide = el('vscode-button', 'hide-key', t('Hide key')) as HTMLElement;
  hide.setAttribute('secondary', '');
  hide.addEventListener('click', () => box.remove());
  box.append(el('pre', undefined, pem), hide);
  actions.after(box);
}

/** Protocol-check findings: a list under the problems (click selects the node) and marks on the tree rows. */
function renderFindings(profile: string, findings: (Finding & { nodeId?: string })[]): void {
  clear(findingsEl);
  const marks = new Map<string, { severity: string; text: string }>();
  const rank = { error: 3, warning: 2, info: 1 } as const;
  for (const f of findings) {
    if (!f.nodeId) continue;
    const old = marks.get(f.nodeId);
    const text = `${f.message} (${f.ref})`;
    marks.set(f.nodeId, {
      severity:
        !old || rank[f.severity] > rank[old.severity as Finding['severity']] ? f.severity : old.severity,
      text: old ? `${old.text}\n${text}` : text,
    });
  }
  tree.decorate(marks);
  if (!findings.length) return;
  findingsEl.append(
    el(
      'h2',
      undefined,
      profile === 'lightweight'
        ? t('Protocol checks (RFC 9483 lightweight profile): {0}', findings.length)
        : t('Protocol checks (RFC 9810): {0}', findings.length),
    ),
  );
  const list = el('ul');
  for (const f of findings) {
    const item = el('li', `problem-${f.severity} finding`);
    const link = el('button', 'link', f.path || t('message'));
    link.addEventListener('click', () =>
      f.nodeId ? reveal(f.nodeId.split('.').map((_, i, a) => a.slice(0, i + 1).join('.'))) : undefined,
    );
    // The finding's RFC section as a link (the first reference, when it names several).
    const ref = el('span', 'path');
    const href = rfcLink(f.ref);
    if (href) {
      const a = el('a', 'rfc-link', f.ref);
      a.href = href;
      ref.append(a);
    } else ref.textContent = f.ref;
    if (f.profile === 'lightweight') ref.append(` · ${t('lightweight')}`);
    item.append(
      el('span', `codicon codicon-${f.severity === 'info' ? 'info' : f.severity}`),
      link,
      el('span', 'message', f.message),
      ref,
    );
    list.append(item);
  }
  findingsEl.append(list);
}

function renderProblems(p: ShowPayload): void {
  clear(problemsEl);
  if (!p.problems.length) return;
  problemsEl.append(el('h2', undefined, t('Problems ({0})', p.problemCount)));
  const list = el('ul');
  for (const prob of p.problems) {
    const item = el('li', `problem-${prob.severity}`);
    const link = el('button', 'link', `${hexOffset(prob.offset)}`);
    link.addEventListener('click', () => send({ type: 'reveal', offset: prob.offset }));
    item.append(
      el(
        'span',
        `codicon codicon-${prob.severity === 'error' ? 'error' : prob.severity === 'warning' ? 'warning' : 'info'}`,
      ),
      link,
      el('span', 'message', prob.message),
    );
    if (prob.path) item.append(el('span', 'path', prob.path));
    list.append(item);
  }
  if (p.problemCount > p.problems.length)
    list.append(
      el(
        'li',
        'hint',
        t(
          '… and {0} more (Show as Text, or cmp-lens inspect, lists them all)',
          p.problemCount - p.problems.length,
        ),
      ),
    );
  problemsEl.append(list);
}

function detailLine(label: string, value: string): HTMLElement {
  const row = el('div', 'kv');
  row.append(el('span', 'k', label), el('span', 'v', value));
  return row;
}

function renderDetails(d: NodeDetails): void {
  clear(detailsEl);
  hex.show({
    offset: d.offset,
    tagLength: d.tagLength,
    headerLength: d.headerLength,
    end: d.offset + d.headerLength + d.length + (d.indefinite ? 2 : 0),
  });
  // A long path breaks after its dots, never inside a field name.
  const title = el('h2');
  for (const [i, part] of (d.path || d.type).split(/(?<=\.)/).entries()) {
    if (i) title.append(document.createElement('wbr'));
    title.append(part);
  }
  detailsEl.append(title);
  detailsEl.append(detailLine(t('type'), d.type), detailLine(t('tag'), d.tag));
  if (d.help) {
    // What the field is for, and the RFC section as a link (VS Code opens it in the browser).
    const p = el('p', 'help', d.help.text);
    if (d.help.link) {
      const a = el('a', 'rfc-link', d.help.ref);
      a.href = d.help.link;
      p.append(' ', a);
    }
    detailsEl.append(p);
  }
  if (d.ref) detailsEl.append(detailLine(t('defined in'), d.ref));
  detailsEl.append(
    detailLine(
      t('bytes'),
      d.indefinite
        ? t(
            'offset {0} ({1}), header {2}, content {3} (indefinite length)',
            d.offset,
            hexOffset(d.offset),
            d.headerLength,
            d.length,
          )
        : t(
            'offset {0} ({1}), header {2}, content {3}',
            d.offset,
            hexOffset(d.offset),
            d.headerLength,
            d.length,
          ),
    ),
  );
  if (!d.explained) detailsEl.append(detailLine(t('schema'), t('not explained by a schema')));
  if (d.value !== undefined) {
    const v = el('pre', 'full-value', d.value);
    detailsEl.append(el('div', 'k', t('value')), v);
  }
  for (const n of d.notes) detailsEl.append(el('div', 'note', n));
  for (const p of d.problems) detailsEl.append(el('div', 'problem-error', p));
  const actions = el('div', 'actions');
  const button = (label: string, run: () => void) => {
    const b = el('vscode-button', undefined, label) as HTMLElement;
    b.setAttribute('secondary', '');
    b.addEventListener('click', run);
    actions.append(b);
  };
  button(t('Copy value'), () => send({ type: 'copy', id: d.id, what: 'value' }));
  button(t('Copy path'), () => send({ type: 'copy', id: d.id, what: 'path' }));
  button(t('Copy hex'), () => send({ type: 'copy', id: d.id, what: 'hex' }));
  button(t('Copy base64'), () => send({ type: 'copy', id: d.id, what: 'base64' }));
  if (d.savable) button(t('Save as DER…'), () => send({ type: 'saveDer', id: d.id }));
  // Encrypted content: Decrypt… right where it is (the section under the checks shows the result).
  if (/\b(EnvelopedData|EncryptedValue|EncryptedKey)\b/.test(d.type))
    button(t('Decrypt…'), () => send({ type: 'decrypt' }));
  detailsEl.append(actions);
}

function renderMatches(query: string, matches: FilterMatch[], total: number): void {
  clear(matchesEl);
  if (!query) return;
  matchesEl.append(
    el(
      'div',
      'matches-count',
      total > matches.length
        ? t('{0} matches (first {1} shown)', total, matches.length)
        : total === 1
          ? t('1 match')
          : t('{0} matches', total),
    ),
  );
  for (const m of matches) {
    const item = el('div', 'match');
    item.dataset.id = m.id;
    item.append(el('span', 'name', m.path), el('span', 'type', m.type));
    if (m.value !== undefined) item.append(el('span', 'value', m.value));
    item.addEventListener('click', () =>
      reveal(m.id.split('.').map((_, i, a) => a.slice(0, i + 1).join('.'))),
    );
    matchesEl.append(item);
  }
}

let filterTimer: ReturnType<typeof setTimeout> | undefined;
filterBox.addEventListener('input', () => {
  clearTimeout(filterTimer);
  filterTimer = setTimeout(() => {
    send({ type: 'filter', query: filterBox.value });
    persist();
  }, 150);
});

onMessage((m: HostToWebview) => {
  switch (m.type) {
    case 'show':
      return show(m.payload);
    case 'children':
      if (m.version !== version) return;
      tree.setChildren(m.id, m.start, m.total, m.nodes);
      return continueReveal();
    case 'details':
      return m.version === version ? renderDetails(m.details) : undefined;
    case 'filterResult':
      return m.version === version && m.query === filterBox.value
        ? renderMatches(m.query, m.matches, m.total)
        : undefined;
    case 'revealed':
      return m.version === version ? reveal(m.chain) : undefined;
    case 'bytes':
      return m.version === version ? hex.setBytes(m.offset, m.hex) : undefined;
    case 'protection':
      return m.version === version ? renderChecks(m.results) : undefined;
    case 'findings':
      return m.version === version ? renderFindings(m.profile, m.findings) : undefined;
    case 'encrypted':
      return m.version === version ? renderEncrypted(m.items) : undefined;
    case 'keyShown':
      return m.version === version ? showKeyPem(m.index, m.pem) : undefined;
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
