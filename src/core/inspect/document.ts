/**
 * From file bytes to the annotated document: unwrap PEM/base64, read the TLV tree, recognise what
 * it is (a PKIMessage, or a certificate, CSR, CRL, key, CMS …) and annotate it with that schema.
 */
import { ContentInfo } from '@peculiar/asn1-cms';
import { CertificationRequest } from '@peculiar/asn1-csr';
import { PrivateKeyInfo } from '@peculiar/asn1-pkcs8';
import { Certificate, CertificateList, SubjectPublicKeyInfo } from '@peculiar/asn1-x509';
import type { AnnotatedDocument, AnnotatedNode, DocumentKind, Problem } from '../../shared/annotated';
import { CertReqMessages, PKIMessage, PKIMessages, type OpenType } from '../asn1';
import { readTlv, type DerLimits, type TlvTree } from '../der/reader';
import type { DerProblem } from '../der/types';
import { Annotator, type AnnotateLimits } from './annotate';
import { unwrapInput } from '../base/pem';
import { summarizeMessage } from './summary';

const candidates: [Exclude<DocumentKind, 'ASN.1'>, OpenType][] = [
  ['PKIMessage', PKIMessage],
  ['Certificate', Certificate],
  ['CertificationRequest', CertificationRequest],
  ['CertificateList', CertificateList],
  ['PKIMessages', PKIMessages],
  ['PrivateKeyInfo', PrivateKeyInfo],
  ['ContentInfo', ContentInfo],
  ['SubjectPublicKeyInfo', SubjectPublicKeyInfo],
  ['CertReqMessages', CertReqMessages],
];

export interface InspectOptions {
  /** Take this kind instead of recognising one. */
  kind?: DocumentKind;
  limits?: Partial<DerLimits>;
  /**
   * Nodes annotated at most (2,000,000 by default); past them nodes are shown "not annotated". Given,
   * a list's elements past it are left out (a note says how many): a first look at a big file (the
   * inspector's first rows while the whole is decoded) takes a few thousand.
   */
  annotateNodes?: number;
  /**
   * The trees in shared memory (and the DER copied there), for another thread to write part of the
   * text (AnnTree.share); they are not trimmed. Ignored where there is no SharedArrayBuffer.
   */
  shared?: boolean;
  /** Called with the TLV read before it is annotated (a helper thread checks the message meanwhile). */
  onRead?: (read: { tree: TlvTree; roots: number[]; problems: DerProblem[] }) => void;
}

interface Attempt {
  kind: DocumentKind;
  root: AnnotatedNode;
  annotator: Annotator;
  errors: number;
}

function attempt(
  tree: TlvTree,
  tlv: number,
  kind: DocumentKind,
  type: OpenType | undefined,
  limits: AnnotateLimits,
): Attempt {
  const annotator = new Annotator(tree, limits);
  const node = type ? annotator.annotate(tlv, type, 0, 0) : annotator.generic(tlv, 0, 0, false);
  annotator.finish(node, 0);
  annotator.out.trim();
  const root = annotator.out.view(node);
  return { kind, root, annotator, errors: annotator.problems.filter((p) => p.severity === 'error').length };
}

/** Tries the schemas in order; the first that explains the element without errors wins. */
function recognise(tree: TlvTree, tlv: number, limits: AnnotateLimits, forced?: DocumentKind): Attempt {
  if (forced) {
    const type = candidates.find(([k]) => k === forced)?.[1];
    return attempt(tree, tlv, forced, type, limits);
  }
  let asMessage: Attempt | undefined;
  if (tree.tagClass(tlv) === 0 && tree.tagNumber[tlv] === 16) {
    for (const [kind, type] of candidates) {
      const a = attempt(tree, tlv, kind, type, limits);
      if (a.errors === 0) return a;
      if (kind === 'PKIMessage') asMessage = a;
    }
  }
  // A damaged PKIMessage (header and body found) is best shown as one, with its problems.
  const names = asMessage?.root.children.map((c) => c.name) ?? [];
  if (asMessage && names.includes('header') && names.includes('body')) return asMessage;
  return attempt(tree, tlv, 'ASN.1', undefined, limits);
}

/** `bytes` in shared memory: as they are if they are there already, else a copy. */
export function sharedCopy(bytes: Uint8Array): Uint8Array {
  if (bytes.buffer instanceof SharedArrayBuffer) return bytes;
  const copy = new Uint8Array(new SharedArrayBuffer(bytes.length));
  copy.set(bytes);
  return copy;
}

/** The annotated document for file content. Never throws: faults are in `problems`. */
export function inspectBytes(input: Uint8Array, options: InspectOptions = {}): AnnotatedDocument {
  return inspectInput(input, options).doc;
}

/** Like inspectBytes, with the DER the tree's offsets refer to (the input once PEM/base64 is removed). */
export function inspectInput(
  input: Uint8Array,
  options: InspectOptions = {},
): { doc: AnnotatedDocument; der: Uint8Array } {
  const unwrapped = unwrapInput(new Uint8Array(input.buffer, input.byteOffset, input.byteLength));
  const problems: Problem[] = [];
  if (unwrapped.error) problems.push({ offset: 0, message: unwrapped.error, severity: 'error' });
  const shared = !!options.shared && typeof SharedArrayBuffer !== 'undefined';
  const bytes = shared ? sharedCopy(unwrapped.der) : unwrapped.der;
  const doc = readTlv(bytes, { limits: options.limits, shared });
  options.onRead?.(doc);
  for (const p of doc.problems) problems.push(p);
  const roots: AnnotatedNode[] = [];
  let kind = 'ASN.1' as DocumentKind;
  const limits: AnnotateLimits = {
    maxDepth: options.limits?.maxDepth ?? 200,
    maxNodes: options.annotateNodes ?? 2_000_000,
    leaveOutPastLimit: options.annotateNodes !== undefined,
  };
  // The annotators count nodes as they make them: no second walk of the tree.
  const stats = { nodes: 0, explained: 0 };
  doc.roots.forEach((tlv, i) => {
    const a = i === 0 ? recognise(doc.tree, tlv, limits, options.kind) : undefined;
    const annotator = a?.annotator ?? new Annotator(doc.tree, limits);
    if (a) {
      kind = a.kind;
      roots.push(a.root);
      for (const p of a.annotator.problems) problems.push(p);
    } else {
      const node = annotator.generic(tlv, 0, 0, false);
      annotator.finish(node, i);
      annotator.out.trim();
      roots.push(annotator.out.view(node));
    }
    stats.nodes += annotator.nodes;
    stats.explained += annotator.explained;
  });
  doc.tree.trim();
  problems.sort((a, b) => a.offset - b.offset);
  const result: AnnotatedDocument = {
    kind,
    format: unwrapped.format,
    size: bytes.length,
    roots,
    problems,
    stats,
  };
  if (unwrapped.pemLabel) result.pemLabel = unwrapped.pemLabel;
  if (unwrapped.note) result.inputNote = unwrapped.note;
  if (kind === 'PKIMessage' && roots[0]) result.summary = summarizeMessage(roots[0]);
  return { doc: result, der: bytes };
}
