/** The summary header: what the message is, its header fields, and its protection. */
import type { ShowPayload } from '../../src/shared/protocol';
import { clear, el } from './dom';
import { t } from './l10n';

function field(
  label: string,
  value: string | number | undefined,
  /** A second, quieter part: what the value means or says as text. */
  note?: string,
  /** Text people read (statusString, a meaning): the whole row, wrapped, never cut. */
  wide = false,
): HTMLElement | undefined {
  if (value === undefined || value === '') return undefined;
  const e = el('div', wide ? 'field wide' : 'field');
  const v = el('span', 'v', String(value));
  v.title = note ? `${value} — ${note}` : String(value);
  e.append(el('span', 'k', label), v);
  if (note) e.append(el('span', 'note', note));
  return e;
}

export function renderSummary(header: HTMLElement, p: ShowPayload): void {
  clear(header);
  const title = el('div', 'title');
  const names = {
    der: 'DER',
    base64: 'base64',
    hex: t('hex text'),
    http: t('HTTP message'),
    mime: t('MIME part'),
  };
  const wrap = p.format === 'pem' ? `PEM ${p.pemLabel ?? ''}` : names[p.format];
  const s = p.summary;
  title.append(el('span', 'kind', s ? `${s.bodyType} — ${s.bodyDescription}` : p.kind));
  const meta = el(
    'span',
    'meta',
    p.decoding
      ? // A first look at a big file: its top rows; the counts come with the whole.
        t('{0}, {1}, {2} bytes, decoding…', p.kind, wrap, p.size)
      : t(
          '{0}, {1}, {2} bytes, {3} nodes ({4}% named)',
          p.kind,
          wrap,
          p.size,
          p.stats.nodes,
          p.stats.nodes ? ((100 * p.stats.explained) / p.stats.nodes).toFixed(1) : 0,
        ),
  );
  title.append(meta);
  if (s) {
    const badge = el(
      'vscode-badge',
      `protection ${s.protected ? 'protected' : 'unprotected'}`,
      s.protected ? t('protection: {0}', s.protectionAlg ?? t('algorithm missing')) : t('unprotected'),
    );
    badge.title = s.protected
      ? t('Protection present (verification comes with the protection check)')
      : t('No protection');
    title.append(badge);
  }
  const errors = p.errorCount;
  if (errors) title.append(el('span', 'error-count codicon codicon-error', ` ${errors}`));
  header.append(title);
  // Where the message came from in what was opened: "the body of the HTTP response …" (text only).
  if (p.inputNote) header.append(el('div', 'input-note', t('Input: {0}', p.inputNote)));
  if (!s) return;
  const grid = el('div', 'fields');
  const fields = [
    field('pvno', s.pvno),
    field('sender', s.sender),
    field('recipient', s.recipient),
    field('transactionID', s.transactionID),
    field('senderNonce', s.senderNonce),
    field('recipNonce', s.recipNonce),
    field('messageTime', s.messageTime),
    // A printable senderKID is a reference people chose ("mock"): shown as text beside the hex.
    field('senderKID', s.senderKID, s.senderKIDText && `"${s.senderKIDText}"`),
    field('extraCerts', s.extraCerts),
    field('status', s.status, s.statusMeaning, true),
    ...(s.failInfo ?? []).map((f, i) => field('failInfo', f, s.failInfoMeanings?.[i], true)),
    field('statusString', s.statusString, undefined, true),
  ];
  for (const f of fields) if (f) grid.append(f);
  header.append(grid);
}
