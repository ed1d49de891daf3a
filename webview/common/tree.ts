/**
 * The annotated tree as a virtual list: only the rows in view are in the DOM, children are asked
 * for on expand. Keyboard: arrows, Home/End, Enter, and type-ahead on field names.
 */
import type { NodeRow } from '../../src/shared/protocol';
import { clear, el } from './dom';

export const rowHeight = 22;
const overscan = 10;
/** Children are fetched in pages: a node with 200,000 children costs what is scrolled through. */
export const childPage = 500;

/** A row in view order; `row` is undefined while its page of children is on its way. */
interface FlatRow {
  row: NodeRow | undefined;
  parent: string;
  index: number;
  depth: number;
}

interface Children {
  total: number;
  rows: (NodeRow | undefined)[];
}

export interface TreeCallbacks {
  select(id: string): void;
  needChildren(id: string, start: number, count: number): void;
  changed(): void;
}

export class TreeView {
  private roots: NodeRow[] = [];
  private readonly children = new Map<string, Children>();
  private readonly asked = new Set<string>();
  private index = new Map<string, number>();
  readonly expanded = new Set<string>();
  selected: string | undefined;
  private flat: FlatRow[] = [];
  private readonly spacer = el('div', 'tree-spacer');
  private readonly rowsEl = el('div', 'tree-rows');
  private typed = '';
  /** Findings per node id (the worst severity and the messages), shown as a mark on the row. */
  private decorations = new Map<string, { severity: string; text: string }>();
  private typedAt = 0;

  constructor(
    readonly container: HTMLElement,
    private readonly cb: TreeCallbacks,
  ) {
    container.tabIndex = 0;
    container.setAttribute('role', 'tree');
    container.append(this.spacer);
    this.spacer.append(this.rowsEl);
    container.addEventListener('scroll', () => {
      this.render();
      this.cb.changed();
    });
    container.addEventListener('click', (e) => this.onClick(e));
    container.addEventListener('keydown', (e) => this.onKey(e));
    new ResizeObserver(() => this.render()).observe(container);
  }

  reset(roots: NodeRow[]): void {
    this.roots = roots;
    this.children.clear();
    this.asked.clear();
    this.reflatten();
  }

  decorate(decorations: Map<string, { severity: string; text: string }>): void {
    this.decorations = decorations;
    this.render();
  }

  hasChildrenLoaded(id: string): boolean {
    return this.children.has(id);
  }

  /** Whether child `index` of `parent` is loaded; if not, asks for its page. */
  ensureChild(parent: string, index: number): boolean {
    if (this.children.get(parent)?.rows[index]) return true;
    this.askPage(parent, Math.floor(index / childPage));
    return false;
  }

  private askPage(id: string, page: number): void {
    const key = `${id}@${page}`;
    if (this.asked.has(key)) return;
    this.asked.add(key);
    this.cb.needChildren(id, page * childPage, childPage);
  }

  setChildren(id: string, start: number, total: number, rows: NodeRow[]): void {
    let entry = this.children.get(id);
    if (!entry) {
      entry = { total, rows: new Array<NodeRow | undefined>(total) };
      this.children.set(id, entry);
    }
    rows.forEach((r, i) => {
      entry.rows[start + i] = r;
    });
    if (this.expanded.has(id)) this.reflatten();
  }

  expand(id: string): void {
    this.expanded.add(id);
    if (!this.children.has(id)) this.askPage(id, 0);
    else this.reflatten();
    this.cb.changed();
  }

  collapse(id: string): void {
    this.expanded.delete(id);
    this.reflatten();
    this.cb.changed();
  }

  select(id: string, reveal = true): void {
    this.selected = id;
    if (reveal) {
      const i = this.index.get(id);
      if (i !== undefined) this.scrollIntoView(i);
    }
    this.render();
    this.cb.select(id);
    this.cb.changed();
  }

  rowById(id: string): NodeRow | undefined {
    const i = this.index.get(id);
    return i === undefined ? undefined : this.flat[i].row;
  }

  private scrollIntoView(i: number): void {
    const top = i * rowHeight;
    const c = this.container;
    if (top < c.scrollTop) c.scrollTop = top;
    else if (top + rowHeight > c.scrollTop + c.clientHeight) c.scrollTop = top + rowHeight - c.clientHeight;
  }

  private reflatten(): void {
    const out: FlatRow[] = [];
    const index = new Map<string, number>();
    const walk = (parent: string, rows: (NodeRow | undefined)[], total: number, depth: number): void => {
      for (let i = 0; i < total; i++) {
        const row = rows[i];
        out.push({ row, parent, index: i, depth });
        if (!row) continue;
        index.set(row.id, out.length - 1);
        const kids = this.expanded.has(row.id) ? this.children.get(row.id) : undefined;
        if (kids) walk(row.id, kids.rows, kids.total, depth + 1);
      }
    };
    walk('', this.roots, this.roots.length, 0);
    this.flat = out;
    this.index = index;
    this.spacer.style.height = `${out.length * rowHeight}px`;
    this.render();
  }

  /** Puts the rows in view (plus a few) in the DOM, nothing else. */
  render(): void {
    const c = this.container;
    const first = Math.max(0, Math.floor(c.scrollTop / rowHeight) - overscan);
    const last = Math.min(this.flat.length, Math.ceil((c.scrollTop + c.clientHeight) / rowHeight) + overscan);
    this.rowsEl.style.transform = `translateY(${first * rowHeight}px)`;
    clear(this.rowsEl);
    for (let i = first; i < last; i++) this.rowsEl.append(this.rowElement(this.flat[i]));
  }

  private rowElement({ row, parent, index, depth }: FlatRow): HTMLElement {
    if (!row) {
      this.askPage(parent, Math.floor(index / childPage));
      const waiting = el('div', 'row loading', `[${index}] …`);
      waiting.style.paddingLeft = `${depth * 14 + 20}px`;
      return waiting;
    }
    const e = el('div', 'row');
    e.dataset.id = row.id;
    e.setAttribute('role', 'treeitem');
    e.dataset.vscodeContext = JSON.stringify({
      webviewSection: 'node',
      nodeId: row.id,
      preventDefaultContextMenuItems: true,
    });
    if (row.id === this.selected) e.classList.add('selected');
    if (!row.explained) e.classList.add('unexplained');
    if (row.hasProblem) e.classList.add('problem');
    e.style.paddingLeft = `${depth * 14 + 4}px`;
    const open = this.expanded.has(row.id);
    if (row.childCount) e.setAttribute('aria-expanded', String(open));
    const twistie = el(
      'span',
      `twistie codicon ${row.childCount ? (open ? 'codicon-chevron-down' : 'codicon-chevron-right') : 'codicon-blank'}`,
    );
    // An item of a list leads with what tells it apart from its siblings (a subject, a serial and
    // date): its value, then its type; a field reads name, type, value.
    const item = row.name.startsWith('[') && row.value !== undefined;
    e.append(twistie, el('span', 'name', row.name || '·'));
    if (item) e.append(el('span', 'value', row.value!), el('span', 'type', row.type));
    else {
      e.append(el('span', 'type', row.type));
      if (row.value !== undefined) e.append(el('span', 'value', row.value));
    }
    // The hover says what the field is for (from the schema's help), then its value whole-ish.
    e.title = [row.help && `${row.name || row.type}: ${row.help}`, row.value].filter(Boolean).join('\n');
    const mark = this.decorations.get(row.id);
    if (mark) {
      const icon = el(
        'span',
        `finding-mark finding-${mark.severity} codicon codicon-${mark.severity === 'info' ? 'info' : mark.severity}`,
      );
      icon.title = mark.text;
      // After the field name, so rows stay aligned with their siblings.
      e.insertBefore(icon, e.querySelector('.type'));
      e.title = `${mark.text}${e.title ? `\n${e.title}` : ''}`;
    }
    return e;
  }

  private onClick(e: MouseEvent): void {
    const target = (e.target as HTMLElement).closest<HTMLElement>('.row');
    const id = target?.dataset.id;
    if (!id) return;
    const row = this.rowById(id);
    if ((e.target as HTMLElement).classList.contains('twistie') && row?.childCount) {
      if (this.expanded.has(id)) this.collapse(id);
      else this.expand(id);
      return;
    }
    this.select(id, false);
  }

  private onKey(e: KeyboardEvent): void {
    const i = this.selected === undefined ? -1 : (this.index.get(this.selected) ?? -1);
    const current = this.flat[i]?.row;
    const go = (j: number) => {
      const f = this.flat[Math.max(0, Math.min(this.flat.length - 1, j))];
      if (f?.row) this.select(f.row.id);
    };
    switch (e.key) {
      case 'ArrowDown':
        go(i + 1);
        break;
      case 'ArrowUp':
        go(i - 1);
        break;
      case 'Home':
        go(0);
        break;
      case 'End':
        go(this.flat.length - 1);
        break;
      case 'PageDown':
        go(i + Math.floor(this.container.clientHeight / rowHeight));
        break;
      case 'PageUp':
        go(i - Math.floor(this.container.clientHeight / rowHeight));
        break;
      case 'ArrowRight':
        if (current?.childCount && !this.expanded.has(current.id)) this.expand(current.id);
        else if (current?.childCount) go(i + 1);
        break;
      case 'ArrowLeft':
        if (current && this.expanded.has(current.id)) this.collapse(current.id);
        else if (current && current.id.includes('.'))
          this.select(current.id.slice(0, current.id.lastIndexOf('.')));
        break;
      case 'Enter':
        if (current?.childCount) {
          if (this.expanded.has(current.id)) this.collapse(current.id);
          else this.expand(current.id);
        }
        break;
      default:
        if (e.key.length === 1 && !e.ctrlKey && !e.metaKey && !e.altKey) this.typeAhead(e.key, i);
        else return;
    }
    e.preventDefault();
  }

  /** Jumps to the next visible row whose field name starts with what was typed. */
  private typeAhead(key: string, from: number): void {
    const now = Date.now();
    this.typed = now - this.typedAt > 800 ? key : this.typed + key;
    this.typedAt = now;
    const q = this.typed.toLowerCase();
    for (let k = 1; k <= this.flat.length; k++) {
      const f =
        this.flat[(from + (this.typed.length > 1 ? 0 : 1) + k - 1 + this.flat.length) % this.flat.length];
      if (f.row?.name.toLowerCase().startsWith(q)) {
        this.select(f.row.id);
        return;
      }
    }
  }

  /** DOM rows currently rendered (for tests and for the DOM budget). */
  get renderedRows(): number {
    return this.rowsEl.childElementCount;
  }
}
