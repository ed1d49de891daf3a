/**
 * Inspect a file: DER, PEM or base64 in, the annotated document out, as a view model (the
 * inspector), text (Show as Text, Compare, `cmp-lens inspect`) or JSON (`--json`).
 */
import { unwrapInput, type Unwrapped } from '../core/base';
import {
  inspectInput,
  textChunks,
  textOf,
  InspectorModel,
  jsonChunks,
  type InspectOptions,
} from '../core/inspect';

/** The inspector's view model and its answers to the webview (tree pages, details, filter, bytes). */
export { InspectorModel, respond, showPayload, textOf } from '../core/inspect';
import type { AnnotatedDocument } from '../shared/annotated';
import { checkMessage } from '../core/checks';
import type { CheckProfile, Finding } from '../shared/findings';

export interface Inspected {
  doc: AnnotatedDocument;
  /** The DER the document describes (unwrapped from PEM or base64). */
  der: Uint8Array;
}

export function inspectFile(bytes: Uint8Array): Inspected {
  return inspectInput(bytes);
}

/** The inspector's model of a file: the annotated document with lazy pages of children. */
export function inspectModel(bytes: Uint8Array, options: InspectOptions = {}): InspectorModel {
  const { doc, der } = inspectInput(bytes, options);
  return new InspectorModel(doc, der);
}

/**
 * The message-level findings the inspector shows beside the tree (none for what is not a PKIMessage):
 * the same rules as `lint`, so every front end says the same about one message.
 */
function findingsOf(doc: AnnotatedDocument, der: Uint8Array, profile: CheckProfile): Finding[] {
  return doc.kind === 'PKIMessage' ? checkMessage(der, { profile }) : [];
}

/** The tree as text: one line per node; offsets for `--offsets`, at most `depth` levels (0: all). */
export function inspectText(
  bytes: Uint8Array,
  options: { offsets?: boolean; depth?: number; profile?: CheckProfile } = {},
): { text: string; doc: AnnotatedDocument; findings: Finding[] } {
  const { chunks, doc, findings } = inspectTextChunks(bytes, options);
  return { text: textOf(chunks), doc, findings };
}

/** The text form as UTF-8 chunks produced one at a time, each line ending in a newline (`cmp-lens inspect` writes each as it comes). */
export function inspectTextChunks(
  bytes: Uint8Array,
  options: { offsets?: boolean; depth?: number; profile?: CheckProfile } = {},
): { chunks: Iterable<Uint8Array>; doc: AnnotatedDocument; findings: Finding[] } {
  const { doc, der } = inspectInput(bytes);
  return {
    chunks: textChunks(doc, { offsets: options.offsets ?? false, depth: options.depth ?? 0, der }),
    doc,
    findings: findingsOf(doc, der, options.profile ?? 'base'),
  };
}

/** The whole view model with every node's field path, and the findings, as JSON. */
export function inspectJson(
  bytes: Uint8Array,
  profile: CheckProfile = 'base',
): { json: string; doc: AnnotatedDocument; findings: Finding[] } {
  const { chunks, doc, findings } = inspectJsonChunks(bytes, profile);
  return { json: [...chunks].join(''), doc, findings };
}

/**
 * The same JSON in pieces, produced as they are written: a message of millions of nodes never becomes
 * one string (JavaScript's strings stop at 512 MiB) nor a second tree with paths.
 */
export function inspectJsonChunks(
  bytes: Uint8Array,
  profile: CheckProfile = 'base',
): { chunks: Iterable<string>; doc: AnnotatedDocument; findings: Finding[] } {
  const { doc, der } = inspectInput(bytes);
  const findings = findingsOf(doc, der, profile);
  return { chunks: jsonChunks({ ...doc, findings }, doc.roots), doc, findings };
}

/** DER from file content (PEM, base64 or DER), with what it was; `error` when text did not decode. */
export function readDerInput(bytes: Uint8Array): Unwrapped {
  return unwrapInput(bytes);
}
