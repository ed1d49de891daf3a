/**
 * The composer webview ("CMP Lens: New Request"): the form on the left, and on the right the
 * preview the host builds from it — the inspector's summary and tree components, the protection
 * check, and the errors by field. The form is kept in webview state, so it survives a reload.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import type { ComposerForm, ComposerState, HostToComposer, PreviewPayload } from '../../src/shared/composer';
import type { NodeDetails } from '../../src/shared/protocol';
import type { FieldError } from '../../src/shared/requestSpec';
import { clear, el } from '../common/dom';
import { renderSummary } from '../common/summary';
import { TreeView } from '../common/tree';
import { ComposerFormView } from './form';
import { onStrings, setStrings, t } from '../common/l10n';
import { loadState, onMessage, saveState, send } from './host';

const app = document.getElementById('app')!;
const formPane = el('div', 'form-pane');
const previewPane = el('div', 'preview-pane');
const actions = el('div', 'actions');
const statusEl = el('div', 'status');
const header = el('header', 'summary');
const checksEl = el('div', 'checks');
const errorsEl = el('section', 'errors');
const treeEl = el('div', 'tree');
const detailsEl = el('section', 'details');
previewPane.append(actions, statusEl, errorsEl, header, checksEl, treeEl, detailsEl);
app.append(formPane, previewPane);

const button = (label: string, cls: string, run: () => void, secondary = true): HTMLElement => {
  const b = el('vscode-button', cls) as HTMLElement;
  onStrings(() => (b.textContent = t(label)));
  if (secondary) b.setAttribute('secondary', '');
  b.addEventListener('click', run);
  actions.append(b);
  return b;
};
const saveButton = button('Save as .pkimsg…', 'save', () => send({ type: 'save' }), false);
const openButton = button('Open in Inspector', 'open', () => send({ type: 'openInInspector' }));
const sendButton = button('Send…', 'send', () => send({ type: 'send' }));
button('Copy as openssl cmp command', 'copy-openssl', () => send({ type: 'copyOpenssl' }));
const newKeyButton = button('New key', 'new-key', () => {
  send({ type: 'newKey' });
  changed(true);
});
const built = [saveButton, openButton, sendButton];

const restored = loadState();
let form: ComposerForm | undefined = restored?.form;
let view: ComposerFormView | undefined;
let seq = 0;
let localErrors: FieldError[] = [];
let timer: ReturnType<typeof setTimeout> | undefined;
/** The preview's model version: tree answers for an older preview are dropped. */
let version = -1;

const tree = new TreeView(treeEl, {
  select: (id) => send({ type: 'select', id }),
  needChildren: (id, start, count) => send({ type: 'expand', id, start, count }),
  changed: () => persist(),
});

function persist(): void {
  if (form)
    saveState({ form, expanded: [...tree.expanded], selected: tree.selected } satisfies ComposerState);
}

/** Reads the form, keeps it, and asks the host for a new preview (debounced while typing). */
function changed(now: boolean): void {
  if (!view) return;
  const r = view.read();
  form = r.form;
  localErrors = r.errors;
  if (view.layoutChanged(form)) view.updateVisibility(form);
  persist();
  clearTimeout(timer);
  const go = () => send({ type: 'change', seq: ++seq, form: form! });
  if (now) go();
  else timer = setTimeout(go, 250);
}

function renderErrors(errors: FieldError[]): void {
  clear(errorsEl);
  const all = [...localErrors, ...errors];
  const unplaced = view?.showErrors(all) ?? all;
  if (!all.length) return;
  errorsEl.append(
    el(
      'h2',
      undefined,
      all.length === 1 ? t('Cannot build: 1 problem') : t('Cannot build: {0} problems', all.length),
    ),
  );
  const list = el('ul');
  for (const e of all) {
    const item = el('li', 'problem-error');
    const link = el('button', 'link', e.field);
    link.addEventListener('click', () => view?.focus(e.field));
    item.append(el('span', 'codicon codicon-error'), link, el('span', 'message', e.message));
    if (unplaced.includes(e)) item.classList.add('unplaced');
    list.append(item);
  }
  errorsEl.append(list);
}

function renderPreview(p: PreviewPayload): void {
  if (p.seq !== seq) return;
  for (const b of built) b.toggleAttribute('disabled', !p.ok || localErrors.length > 0);
  if (!p.ok) {
    renderErrors(p.errors);
    app.classList.add('has-errors');
    return;
  }
  app.classList.remove('has-errors');
  version = p.show.version;
  renderErrors([]);
  renderSummary(header, p.show);
  newKeyButton.hidden = !p.generatedKey;
  clear(checksEl);
  for (const r of p.protection) {
    const row = el('div', `check verdict-${r.verdict}`);
    row.append(
      el('span', 'check-kind', r.check),
      el('span', 'check-verdict', r.verdict),
      el('span', 'check-summary', r.summary),
    );
    checksEl.append(row);
  }
  for (const f of p.findings) {
    const row = el('div', `check finding finding-${f.severity}`);
    row.append(
      el('span', 'check-kind', f.severity),
      el('span', 'check-verdict', f.id),
      el('span', 'check-summary', `${f.message} (${f.ref})`),
    );
    checksEl.append(row);
  }
  if (p.generatedKey)
    checksEl.append(
      el(
        'div',
        'note',
        t(
          'Key: a new {0} key pair, saved beside the message (PKCS#8, a secret) when you save.',
          p.generatedKey,
        ),
      ),
    );
  const expanded = tree.expanded.size ? [...tree.expanded] : (restored?.expanded ?? []);
  const selected = tree.selected;
  tree.expanded.clear();
  tree.reset(p.show.roots);
  for (const id of expanded.sort((a, b) => a.split('.').length - b.split('.').length)) tree.expand(id);
  if (!expanded.length && p.show.roots[0]?.childCount) tree.expand(p.show.roots[0].id);
  if (selected) tree.selected = selected;
}

function renderDetails(d: NodeDetails): void {
  clear(detailsEl);
  detailsEl.append(el('h2', undefined, d.path || d.type));
  const kv = (k: string, v: string) => {
    const row = el('div', 'kv');
    row.append(el('span', 'k', k), el('span', 'v', v));
    detailsEl.append(row);
  };
  kv(t('type'), d.type);
  if (d.ref) kv(t('defined in'), d.ref);
  kv(t('bytes'), t('offset {0}, header {1}, content {2}', d.offset, d.headerLength, d.length));
  if (d.value !== undefined) detailsEl.append(el('pre', 'full-value', d.value));
  for (const n of d.notes) detailsEl.append(el('div', 'note', n));
}

onMessage((m: HostToComposer) => {
  switch (m.type) {
    case 'init': {
      form = m.form;
      clear(formPane);
      view = new ComposerFormView(formPane, m.choices, {
        changed,
        pickFile: (field) => send({ type: 'pickFile', field }),
        enterSecret: () => send({ type: 'enterSecret' }),
      });
      view.setSecrets(m.secrets);
      view.write(form);
      return changed(true);
    }
    case 'preview':
      return renderPreview(m.payload);
    case 'files':
      view?.setFiles(m.field, m.paths);
      return changed(true);
    case 'secrets':
      view?.setSecrets(m.secrets, m.secrets.typed ? 'typed' : undefined);
      return changed(true);
    case 'status':
      statusEl.className = `status status-${m.level}`;
      statusEl.textContent = m.message;
      return;
    case 'children':
      return m.version === version ? tree.setChildren(m.id, m.start, m.total, m.nodes) : undefined;
    case 'details':
      return m.version === version ? renderDetails(m.details) : undefined;
    case 'strings':
      return setStrings(m.strings);
    default: {
      const never: never = m;
      return never;
    }
  }
});

send({ type: 'ready', form });
