/**
 * The hex view: 16 bytes a row, or 8 when the pane is too narrow for 16 and their ASCII (so nothing is
 * cut), only the rows in view in the DOM, bytes fetched from the host in
 * pages. The selected node's tag, length and value bytes get three shades; a click on a byte asks
 * for the innermost node covering it.
 */
import { clear, el } from '../common/dom';

export const hexRowHeight = 20;
const pageSize = 4096;
const overscan = 4;

export interface Highlight {
  offset: number;
  tagLength: number;
  headerLength: number;
  end: number;
}

export class HexView {
  private size = 0;
  private readonly pages = new Map<number, Uint8Array>();
  private readonly asked = new Set<number>();
  private highlight: Highlight | undefined;
  private readonly spacer = el('div', 'hex-spacer');
  private readonly rowsEl = el('div', 'hex-rows');
  /** Bytes a row: 16, or 8 in a narrow pane. */
  private perRow = 16;

  constructor(
    readonly container: HTMLElement,
    private readonly needBytes: (offset: number, length: number) => void,
    private readonly clicked: (offset: number) => void,
  ) {
    container.append(this.spacer);
    this.spacer.append(this.rowsEl);
    container.addEventListener('scroll', () => this.render());
    container.addEventListener('click', (e) => {
      const b = (e.target as HTMLElement).closest<HTMLElement>('[data-offset]');
      if (b?.dataset.offset) this.clicked(Number(b.dataset.offset));
    });
    new ResizeObserver(() => this.fit()).observe(container);
  }

  /** 16 bytes a row when a row of 16 (offset, bytes, ASCII) fits the pane's width, else 8. */
  private fit(): void {
    const ch = this.charWidth();
    const need16 = ch * (8 + 16 * 2 + 16) + 6 * 16 + 30;
    const perRow = this.container.clientWidth && this.container.clientWidth < need16 ? 8 : 16;
    if (perRow !== this.perRow) {
      this.perRow = perRow;
      this.container.dataset.perRow = String(perRow);
      this.spacer.style.height = `${Math.ceil(this.size / this.perRow) * hexRowHeight}px`;
    }
    this.render();
  }

  private measured = 0;
  /** The width of one character of the editor font in this pane (measured once). */
  private charWidth(): number {
    if (!this.measured) {
      const probe = el('span', 'hex-ascii', '0000000000');
      probe.style.visibility = 'hidden';
      probe.style.position = 'absolute';
      this.container.append(probe);
      this.measured = probe.getBoundingClientRect().width / 10 || 8;
      probe.remove();
    }
    return this.measured;
  }

  reset(size: number): void {
    this.size = size;
    this.pages.clear();
    this.asked.clear();
    this.highlight = undefined;
    this.spacer.style.height = `${Math.ceil(size / this.perRow) * hexRowHeight}px`;
    this.fit();
  }

  setBytes(offset: number, hex: string): void {
    const bytes = new Uint8Array(hex.length / 2);
    for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.substr(i * 2, 2), 16);
    this.pages.set(Math.floor(offset / pageSize), bytes);
    this.render();
  }

  show(h: Highlight | undefined, scroll = true): void {
    this.highlight = h;
    if (h && scroll) {
      const top = Math.floor(h.offset / this.perRow) * hexRowHeight;
      const c = this.container;
      if (top < c.scrollTop || top > c.scrollTop + c.clientHeight - hexRowHeight)
        c.scrollTop = Math.max(0, top - hexRowHeight * 2);
    }
    this.render();
  }

  private byteAt(offset: number): number | undefined {
    const page = Math.floor(offset / pageSize);
    const bytes = this.pages.get(page);
    if (!bytes) {
      if (!this.asked.has(page)) {
        this.asked.add(page);
        this.needBytes(page * pageSize, pageSize);
      }
      return undefined;
    }
    return bytes[offset - page * pageSize];
  }

  private shade(offset: number): string {
    const h = this.highlight;
    if (!h || offset < h.offset || offset >= h.end) return '';
    if (offset < h.offset + h.tagLength) return ' hl-tag';
    if (offset < h.offset + h.headerLength) return ' hl-len';
    return ' hl-val';
  }

  render(): void {
    const c = this.container;
    const rows = Math.ceil(this.size / this.perRow);
    const first = Math.max(0, Math.floor(c.scrollTop / hexRowHeight) - overscan);
    const last = Math.min(rows, Math.ceil((c.scrollTop + c.clientHeight) / hexRowHeight) + overscan);
    this.rowsEl.style.transform = `translateY(${first * hexRowHeight}px)`;
    clear(this.rowsEl);
    for (let r = first; r < last; r++) this.rowsEl.append(this.rowElement(r * this.perRow));
  }

  private rowElement(start: number): HTMLElement {
    const row = el('div', 'hex-row');
    row.append(el('span', 'hex-offset', start.toString(16).padStart(8, '0')));
    let ascii = '';
    for (let i = 0; i < this.perRow; i++) {
      const off = start + i;
      if (off >= this.size) break;
      const b = this.byteAt(off);
      const cell = el(
        'span',
        `hex-byte${this.shade(off)}`,
        b === undefined ? '··' : b.toString(16).padStart(2, '0'),
      );
      cell.dataset.offset = String(off);
      row.append(cell);
      ascii += b === undefined ? ' ' : b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
    }
    row.append(el('span', 'hex-ascii', ascii));
    return row;
  }
}
