/**
 * The form's controls (from fields.ts), reading them into a ComposerForm and writing a form into
 * them. Controls are @vscode-elements; everything shown is set with textContent or `.value`.
 */
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import type { ComposerForm, FileField, FormChoices, SecretChoices } from '../../src/shared/composer';
import type { FieldError, RequestBody } from '../../src/shared/requestSpec';
import { clear, el } from '../common/dom';
import { infoTypeNames, sections, type FieldDef } from './fields';
import { t } from '../common/l10n';

type Valued = HTMLElement & { value: string };
type Checkable = HTMLElement & { checked: boolean; value: string };

interface Control {
  def: FieldDef;
  row: HTMLElement;
  input?: Valued;
  checks?: Checkable[];
  files?: HTMLElement;
  error: HTMLElement;
}

/** Builder error fields that are not spec paths. */
const errorAliases: Record<string, string> = {
  oldCert: 'files.oldCert',
  confirmCert: 'files.confirmCert',
  infoTypes: 'x.infoTypeOids',
  body: 'spec.body',
};

function getPath(obj: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>(
      (o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined),
      obj,
    );
}

function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let o = obj;
  for (const k of keys.slice(0, -1)) {
    if (value === undefined && !(o[k] && typeof o[k] === 'object')) return;
    if (!o[k] || typeof o[k] !== 'object') o[k] = {};
    o = o[k] as Record<string, unknown>;
  }
  const last = keys[keys.length - 1];
  if (value === undefined) delete o[last];
  else o[last] = value;
}

const lines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

export interface FormCallbacks {
  /** A field changed; `now`: rebuild at once (selects, checkboxes), else after typing pauses. */
  changed(now: boolean): void;
  pickFile(field: FileField): void;
  enterSecret(): void;
}

export class ComposerFormView {
  private readonly controls: Control[] = [];
  private readonly sectionEls: { el: HTMLElement; bodies?: readonly RequestBody[] }[] = [];
  private files: Partial<Record<FileField, string[]>> = {};
  private secretSelect: Valued | undefined;
  /** A select's value as last set or chosen: vscode-single-select reads '' until its options are slotted. */
  private readonly selectValues = new Map<Valued, string>();
  private shownBody: string | undefined;
  private shownProtection: string | undefined;

  constructor(
    private readonly root: HTMLElement,
    private readonly choices: FormChoices,
    private readonly cb: FormCallbacks,
  ) {
    for (const s of sections) {
      const section = el('section', 'form-section');
      section.append(el('h2', undefined, t(s.title)));
      for (const f of s.fields) section.append(this.control(f).row);
      root.append(section);
      this.sectionEls.push({ el: section, bodies: s.bodies });
    }
  }

  /** A select's options, their texts in the display language. */
  private optionsOf(def: FieldDef): readonly (readonly [string, string])[] {
    if (def.options)
      return def.options.map(([value, text]) => [
        value,
        // The small SLH-DSA sets sign in tens of seconds in pure JS: said in the option, not hidden.
        def.path === 'spec.keyType' && /^SLH-DSA-.*s$/.test(value)
          ? t('{0} (slow to sign: ~20 s)', text)
          : t(text),
      ]);
    if (def.choices === 'crlReasons')
      return [
        ['', t('none')],
        ...this.choices.crlReasons.map((r) => [String(r.value), `${r.name} (${r.value})`] as const),
      ];
    if (def.choices === 'keyUsage') return this.choices.keyUsage.map((n) => [n, n] as const);
    if (def.choices === 'failInfo') return this.choices.failInfo.map((n) => [n, n] as const);
    if (def.choices === 'infoTypes') return infoTypeNames.map((n) => [n, n] as const);
    return [];
  }

  private control(def: FieldDef): Control {
    const row = el('div', 'field-row');
    row.dataset.path = def.path;
    const id = `f-${def.path.replace(/\./g, '-')}-${this.controls.length}`;
    const label = el('label', 'field-label', t(def.label));
    label.htmlFor = id;
    const error = el('div', 'field-error');
    const c: Control = { def, row, error };
    const help = el('div', 'field-help', def.help ? t(def.help) : def.help);
    row.append(label);
    switch (def.kind) {
      case 'text':
      case 'int': {
        const input = el('vscode-textfield' as 'input') as unknown as Valued;
        input.id = id;
        if (def.placeholder) input.setAttribute('placeholder', t(def.placeholder));
        input.addEventListener('input', () => this.cb.changed(false));
        c.input = input;
        row.append(input);
        break;
      }
      case 'lines':
      case 'oidValues':
      case 'extensions': {
        const input = el('vscode-textarea' as 'textarea') as unknown as Valued;
        input.id = id;
        input.setAttribute('rows', '3');
        input.setAttribute('resize', 'vertical');
        if (def.placeholder) input.setAttribute('placeholder', t(def.placeholder));
        input.addEventListener('input', () => this.cb.changed(false));
        c.input = input;
        row.append(input);
        break;
      }
      case 'select':
      case 'secret': {
        const select = el('vscode-single-select' as 'select') as unknown as Valued;
        select.id = id;
        for (const [value, text] of this.optionsOf(def)) {
          const o = el('vscode-option' as 'option', undefined, text);
          o.setAttribute('value', value);
          select.append(o);
        }
        select.addEventListener('change', () => {
          this.selectValues.set(select, select.value);
          this.cb.changed(true);
        });
        c.input = select;
        row.append(select);
        if (def.kind === 'secret') {
          this.secretSelect = select;
          const b = el('vscode-button', 'enter-secret', t('Enter secret…')) as HTMLElement;
          b.setAttribute('secondary', '');
          b.addEventListener('click', () => this.cb.enterSecret());
          row.append(b);
        }
        break;
      }
      case 'bool': {
        const box = el('vscode-checkbox' as 'input') as unknown as Checkable;
        box.id = id;
        box.addEventListener('change', () => this.cb.changed(true));
        c.checks = [box];
        row.append(box);
        break;
      }
      case 'checks': {
        const group = el('div', 'check-group');
        c.checks = this.optionsOf(def).map(([value, text]) => {
          const box = el('vscode-checkbox' as 'input') as unknown as Checkable;
          box.setAttribute('label', text);
          box.value = value;
          box.dataset.value = value;
          box.addEventListener('change', () => this.cb.changed(true));
          group.append(box);
          return box;
        });
        row.append(group);
        break;
      }
      case 'file':
      case 'files': {
        const field = def.path.slice('files.'.length) as FileField;
        const list = el('div', 'file-list');
        const b = el(
          'vscode-button',
          'choose-file',
          def.kind === 'file' ? t('Choose…') : t('Add…'),
        ) as HTMLElement;
        b.id = id;
        b.setAttribute('secondary', '');
        b.addEventListener('click', () => this.cb.pickFile(field));
        c.files = list;
        row.append(b, list);
        break;
      }
      default: {
        const never: never = def.kind;
        throw new Error(`unknown field kind ${String(never)}`);
      }
    }
    row.append(help, error);
    this.controls.push(c);
    return c;
  }

  /** Fills the secret choices: the test CA's, stored ones by name, and a typed one. */
  setSecrets(s: SecretChoices, current?: string): void {
    const select = this.secretSelect;
    if (!select) return;
    const keep = current ?? this.selectValues.get(select) ?? select.value;
    clear(select);
    const add = (value: string, text: string) => {
      const o = el('vscode-option' as 'option', undefined, text);
      o.setAttribute('value', value);
      select.append(o);
    };
    add('testca', t("the embedded test CA's"));
    for (const name of s.stored) add(`stored:${name}`, t('stored: {0}', name));
    add('typed', s.typed ? t('typed for this panel') : t('typed for this panel (not entered yet)'));
    const value =
      keep && (keep === 'testca' || keep === 'typed' || s.stored.includes(keep.slice(7))) ? keep : 'testca';
    select.value = value;
    this.selectValues.set(select, value);
  }

  private visible(def: FieldDef, body: string, protection: string): boolean {
    return (
      (!def.bodies || def.bodies.includes(body as RequestBody)) &&
      (!def.protections || def.protections.includes(protection))
    );
  }

  /** Shows the sections and fields for the chosen body and protection. */
  updateVisibility(form: ComposerForm): void {
    this.shownBody = form.spec.body;
    this.shownProtection = form.protection.kind;
    for (const s of this.sectionEls) s.el.hidden = !!s.bodies && !s.bodies.includes(form.spec.body);
    for (const c of this.controls) c.row.hidden = !this.visible(c.def, form.spec.body, form.protection.kind);
  }

  private readControl(
    c: Control,
    target: Record<string, unknown>,
    extra: Record<string, unknown>,
    errors: FieldError[],
  ): void {
    const { def } = c;
    const put = (v: unknown) =>
      def.path.startsWith('x.') ? setPath(extra, def.path, v) : setPath(target, def.path, v);
    const text = (c.input && this.selectValues.get(c.input)) ?? c.input?.value ?? '';
    const field = def.path.replace(/^spec\./, '');
    switch (def.kind) {
      case 'text':
        return put(text.trim() ? text.trim() : undefined);
      case 'int': {
        if (!text.trim()) return put(undefined);
        const n = Number(text.trim());
        if (!Number.isInteger(n))
          errors.push({ field, message: t('"{0}" is not a whole number', text.trim()) });
        return put(Number.isInteger(n) ? n : undefined);
      }
      case 'lines':
        return put(lines(text).length ? lines(text) : undefined);
      case 'oidValues': {
        const v = lines(text).map((l) => {
          const [oid, valueHex] = l.split(/\s+/);
          return valueHex ? { oid, valueHex } : { oid };
        });
        return put(v.length ? v : undefined);
      }
      case 'extensions': {
        const v = lines(text).map((l) => {
          const parts = l.split(/\s+/);
          const critical = parts[1]?.toLowerCase() === 'critical';
          return { oid: parts[0], critical, valueHex: (critical ? parts[2] : parts[1]) ?? '' };
        });
        return put(v.length ? v : undefined);
      }
      case 'select':
        return put(text === '' ? undefined : def.numeric ? Number(text) : text);
      case 'secret':
        return put(
          text === 'typed'
            ? { from: 'typed' }
            : text.startsWith('stored:')
              ? { from: 'stored', name: text.slice(7) }
              : { from: 'testca' },
        );
      case 'bool': {
        const on = c.checks![0].checked;
        return put(on || def.defaultValue !== undefined ? on : undefined);
      }
      case 'checks': {
        const on = c.checks!.filter((b) => b.checked).map((b) => b.dataset.value!);
        return put(on.length ? on : undefined);
      }
      case 'file':
      case 'files': {
        const paths = this.files[def.path.slice('files.'.length) as FileField];
        return put(paths?.length ? [...paths] : undefined);
      }
    }
  }

  private selectValue(path: string): string {
    const input = this.controls.find((c) => c.def.path === path)!.input!;
    return this.selectValues.get(input) ?? input.value;
  }

  /** The form as the controls show it, with errors the webview can see by itself (not a number …). */
  read(): { form: ComposerForm; errors: FieldError[] } {
    const target: Record<string, unknown> = { spec: {}, files: {}, protection: {} };
    const extra: Record<string, unknown> = {};
    const errors: FieldError[] = [];
    const body = this.selectValue('spec.body');
    const protection = this.selectValue('protection.kind');
    // Hidden controls first, so a field shown twice (certReqId, oldCert) takes the visible one's value.
    const ordered = [...this.controls].sort(
      (a, b) => Number(this.visible(a.def, body, protection)) - Number(this.visible(b.def, body, protection)),
    );
    for (const c of ordered)
      this.readControl(c, target, extra, this.visible(c.def, body, protection) ? errors : []);
    const form = target as unknown as ComposerForm;
    const oids = getPath(extra, 'x.infoTypeOids') as { oid: string; valueHex?: string }[] | undefined;
    if (oids) form.spec.infoTypes = [...(form.spec.infoTypes ?? []), ...oids];
    return { form, errors };
  }

  /** Puts `form` into the controls. */
  write(form: ComposerForm): void {
    this.files = Object.fromEntries(Object.entries(form.files ?? {}).map(([k, v]) => [k, [...(v ?? [])]]));
    for (const c of this.controls) {
      const { def } = c;
      let v = def.path.startsWith('x.') ? undefined : getPath(form, def.path);
      if (def.path === 'spec.infoTypes') v = ((v ?? []) as unknown[]).filter((t) => typeof t === 'string');
      if (def.path === 'x.infoTypeOids')
        v = ((form.spec.infoTypes ?? []) as unknown[]).filter((t) => typeof t !== 'string');
      switch (def.kind) {
        case 'text':
        case 'int':
          c.input!.value = v === undefined ? '' : String(v);
          break;
        case 'select': {
          const value = v === undefined ? (this.optionsOf(def)[0]?.[0] ?? '') : String(v);
          c.input!.value = value;
          this.selectValues.set(c.input!, value);
          break;
        }
        case 'lines':
          c.input!.value = ((v ?? []) as string[]).join('\n');
          break;
        case 'oidValues':
          c.input!.value = ((v ?? []) as { oid: string; valueHex?: string }[])
            .map((e) => `${e.oid}${e.valueHex ? ` ${e.valueHex}` : ''}`)
            .join('\n');
          break;
        case 'extensions':
          c.input!.value = ((v ?? []) as { oid: string; critical?: boolean; valueHex: string }[])
            .map((e) => `${e.oid}${e.critical ? ' critical' : ''} ${e.valueHex}`)
            .join('\n');
          break;
        case 'secret': {
          const s = v as ComposerForm['protection']['secret'];
          const value =
            !s || s.from === 'testca' ? 'testca' : s.from === 'typed' ? 'typed' : `stored:${s.name}`;
          c.input!.value = value;
          this.selectValues.set(c.input!, value);
          break;
        }
        case 'bool':
          c.checks![0].checked = v === undefined ? (def.defaultValue ?? false) : !!v;
          break;
        case 'checks':
          for (const b of c.checks!) b.checked = ((v ?? []) as string[]).includes(b.dataset.value!);
          break;
        case 'file':
        case 'files':
          this.renderFiles(c);
          break;
      }
    }
    this.updateVisibility(form);
  }

  /** Files picked on the host for a field (one for "file", added for "files"). */
  setFiles(field: FileField, paths: string[]): void {
    const c = this.controls.filter((x) => x.def.path === `files.${field}`);
    const single = c[0]?.def.kind === 'file';
    this.files[field] = single ? paths.slice(0, 1) : [...(this.files[field] ?? []), ...paths];
    for (const x of c) this.renderFiles(x);
  }

  private renderFiles(c: Control): void {
    const field = c.def.path.slice('files.'.length) as FileField;
    clear(c.files!);
    for (const [i, path] of (this.files[field] ?? []).entries()) {
      const item = el('div', 'file');
      const remove = el('button', 'link codicon codicon-close');
      remove.title = t('Remove');
      remove.setAttribute('aria-label', `Remove ${path}`);
      remove.addEventListener('click', () => {
        this.files[field]!.splice(i, 1);
        for (const x of this.controls.filter((y) => y.def.path === c.def.path)) this.renderFiles(x);
        this.cb.changed(true);
      });
      item.append(el('span', 'path', path), remove);
      c.files!.append(item);
    }
  }

  /** Shows each error under its field; returns those that match no visible field. */
  showErrors(errors: FieldError[]): FieldError[] {
    for (const c of this.controls) {
      c.error.textContent = '';
      c.row.classList.remove('invalid');
    }
    const unplaced: FieldError[] = [];
    for (const e of errors) {
      const c = this.controlFor(e.field);
      if (!c) {
        unplaced.push(e);
        continue;
      }
      c.row.classList.add('invalid');
      c.error.textContent = c.error.textContent ? `${c.error.textContent}\n${e.message}` : e.message;
    }
    return unplaced;
  }

  /** The visible control an error's field belongs to: "template.sans[1]" → spec.template.sans. */
  controlFor(field: string): Control | undefined {
    const base = field.replace(/\[\d+\].*$/, '');
    const candidates = [errorAliases[base], `spec.${base}`, base].filter(Boolean);
    const visible = this.controls.filter((c) => !c.row.hidden);
    for (const p of candidates) {
      const c = visible.find((x) => x.def.path === p);
      if (c) return c;
    }
    return undefined;
  }

  /** Whether the body or protection choice differs from what is shown (then sections change). */
  layoutChanged(form: ComposerForm): boolean {
    return form.spec.body !== this.shownBody || form.protection.kind !== this.shownProtection;
  }

  focus(field: string): void {
    const c = this.controlFor(field);
    c?.row.scrollIntoView({ block: 'center' });
    (c?.input ?? c?.checks?.[0])?.focus();
  }
}
