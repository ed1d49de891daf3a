/** The inspector's read-only requests answered from the model: shared by the host and the webview tests. */
import {
  maxShownProblems,
  type HostToWebview,
  type ShowPayload,
  type WebviewToHost,
} from '../../shared/protocol';
import type { InspectorModel } from './model';

export function showPayload(m: InspectorModel, title: string, version: number): ShowPayload {
  const { doc } = m;
  return {
    title,
    kind: doc.kind,
    format: doc.format,
    pemLabel: doc.pemLabel,
    inputNote: doc.inputNote,
    size: doc.size,
    summary: doc.summary,
    problems: doc.problems.slice(0, maxShownProblems),
    problemCount: doc.problems.length,
    errorCount: doc.problems.filter((x) => x.severity === 'error').length,
    stats: doc.stats,
    roots: m.roots(),
    version,
  };
}

/** The answer to a request that only reads the model; undefined for the others (copy, save, ready). */
export function respond(
  m: InspectorModel,
  message: WebviewToHost,
  version: number,
): HostToWebview | undefined {
  switch (message.type) {
    case 'expand':
      return {
        type: 'children',
        id: message.id,
        version,
        start: message.start,
        ...m.children(message.id, message.start, message.count),
      };
    case 'select': {
      const details = m.details(message.id);
      return details ? { type: 'details', version, details } : undefined;
    }
    case 'filter':
      return { type: 'filterResult', query: message.query, version, ...m.filter(message.query) };
    case 'reveal':
      return { type: 'revealed', offset: message.offset, version, chain: m.reveal(message.offset) };
    case 'bytes':
      return { type: 'bytes', offset: message.offset, version, hex: m.bytes(message.offset, message.length) };
    default:
      return undefined;
  }
}
