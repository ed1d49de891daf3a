/**
 * Messages between the inspector webview and the extension host. The host keeps the annotated
 * document; the webview asks for what it shows (children on expand, byte pages, details), so a
 * message of any size costs the webview only what is on screen.
 */
import type { AnnotatedDocument, MessageSummary, Problem } from './annotated';
import type { Finding } from './findings';
import type { CheckResult } from './protection';
import { int, messageGuard, oneOf, str, type Check } from './guards';

/** A tree row as the webview shows it. `id` is the index path from the root: "0", "0.1", "0.1.3". */
export interface NodeRow {
  id: string;
  name: string;
  type: string;
  /** What the field is for and where it is defined ("… (RFC 9810 §5.1.1)"): the row's hover. */
  help?: string;
  /** The value cut to a few hundred characters; the details pane has it whole. */
  value?: string;
  offset: number;
  headerLength: number;
  length: number;
  childCount: number;
  explained: boolean;
  hasProblem: boolean;
}

/** Everything the details pane shows for one node. */
export interface NodeDetails {
  id: string;
  path: string;
  name: string;
  type: string;
  tag: string;
  value?: string;
  notes: string[];
  ref?: string;
  /** What the field is for, in words, with the RFC section and its address. */
  help?: { text: string; ref: string; link?: string };
  offset: number;
  /** Identifier octets; the rest of the header is the length octets. */
  tagLength: number;
  headerLength: number;
  length: number;
  indefinite: boolean;
  explained: boolean;
  encapsulates: boolean;
  problems: string[];
  /** Whether "save as DER" makes sense (a whole element that is a certificate, CSR, CRL …). */
  savable: boolean;
}

/** Problems sent to the inspector webview (a hostile file can have 100,000; the CLI lists them all). */
export const maxShownProblems = 200;

export interface ShowPayload {
  title: string;
  kind: AnnotatedDocument['kind'];
  format: AnnotatedDocument['format'];
  pemLabel?: string;
  /** What was taken out of the input (hex, HTTP, MIME). */
  inputNote?: string;
  size: number;
  summary?: MessageSummary;
  /** The first `maxShownProblems` problems; `problemCount` says how many there are in all. */
  problems: Problem[];
  problemCount: number;
  /** Error-level problems in all (the header's count). */
  errorCount: number;
  stats: AnnotatedDocument['stats'];
  roots: NodeRow[];
  /** Bumped on every re-decode, so stale answers can be told apart. */
  version: number;
  /** A first look at a big file while the whole of it is decoded: counts and problems are not final. */
  decoding?: boolean;
}

export type CopyWhat = 'value' | 'path' | 'hex' | 'base64';

/** Small UI state the webview keeps across hide/show and reloads (getState/setState). */
export interface InspectorState {
  expanded: string[];
  selected?: string;
  scrollTop: number;
  filter: string;
  /** The tree pane's share of the width (0.2–0.8), when the person dragged the splitter. */
  split?: number;
}

/**
 * One encrypted item of the message (RFC 9810 §5.2.2: EnvelopedData, or the old EncryptedValue) as the
 * inspector lists it: what it is, whether it was opened, and what it held, in words. Never a key: a
 * key reaches the webview only on "Show key", in a `keyShown` message, and is not kept in its state.
 */
export interface EncryptedView {
  path: string;
  purpose: string;
  /** The tree node, to reveal it. */
  nodeId?: string;
  state: 'locked' | 'opened' | 'failed';
  /** What was decrypted with which RecipientInfo, the KGA's signature, the key named and redacted. */
  lines: string[];
  /** How many private keys it holds (Show key, Save key…). */
  keys: number;
  /** Whether it holds a certificate (Save certificate…, Open certificate). */
  certificate: boolean;
  /** Whether it holds a KGA's SignedData (Open signed content, the key redacted). */
  signed: boolean;
}

/** Node ids are short strings the host made; offsets and lengths are within any real message. */
const id = str(256);
const count = int(0, 2 ** 31 - 1);

/** The inspector webview's messages, checked field by field before the host uses one. */
export const inspectorMessageKinds = {
  ready: {},
  expand: { id, start: count, count },
  select: { id },
  filter: { query: str(1024) },
  reveal: { offset: count },
  bytes: { offset: count, length: int(0, 1 << 20) },
  copy: { id, what: oneOf(['value', 'path', 'hex', 'base64']) },
  saveDer: { id },
  enterSecret: {},
  chooseCert: {},
  configureTrust: {},
  enterKemKey: {},
  decrypt: {},
  showKey: { index: int(0, 255) },
  saveKey: { index: int(0, 255) },
  saveCert: { index: int(0, 255) },
  openCert: { index: int(0, 255) },
  openSigned: { index: int(0, 255) },
} satisfies Record<WebviewToHost['type'], Record<string, Check>>;

export const isWebviewToHost = messageGuard<WebviewToHost>(inspectorMessageKinds);

export type WebviewToHost =
  /** The webview is loaded (or restored) and wants the document. */
  | { type: 'ready' }
  /** Children `start`… of a node (a page at most), for expanding it and scrolling through it. */
  | { type: 'expand'; id: string; start: number; count: number }
  /** Details of the selected node. */
  | { type: 'select'; id: string }
  /** Nodes whose name, type, value or path contains the query. */
  | { type: 'filter'; query: string }
  /** The innermost node covering a byte, for a click in the hex view. */
  | { type: 'reveal'; offset: number }
  /** A page of bytes for the hex view. */
  | { type: 'bytes'; offset: number; length: number }
  /** Copy something about a node to the clipboard. */
  | { type: 'copy'; id: string; what: CopyWhat }
  /** Save a node's DER to a file the user picks. */
  | { type: 'saveDer'; id: string }
  /** The user wants to give the shared secret for a MAC-protected message. */
  | { type: 'enterSecret' }
  /** The user wants to check the signature with a certificate file instead of extraCerts[0]. */
  | { type: 'chooseCert' }
  /** The user wants to set the trust anchors chains are checked against (a signature's chain was not checked). */
  | { type: 'configureTrust' }
  /** KemBasedMac: the user gives the ML-KEM private key (the exchange's genp is looked for beside the file). */
  | { type: 'enterKemKey' }
  /** The user wants to decrypt the message's encrypted content (a key file or a password is asked for). */
  | { type: 'decrypt' }
  /** Show the private key of encrypted item `index` (asked to confirm first). */
  | { type: 'showKey'; index: number }
  /** Save the private key of item `index` (PKCS#8, owner-only). */
  | { type: 'saveKey'; index: number }
  /** Save the certificate item `index` held (PEM). */
  | { type: 'saveCert'; index: number }
  /** Open the certificate item `index` held in an inspector of its own. */
  | { type: 'openCert'; index: number }
  /** Open the key generation authority's SignedData of item `index` in an inspector, its key zeroed. */
  | { type: 'openSigned'; index: number };

export interface FilterMatch {
  id: string;
  path: string;
  type: string;
  value?: string;
}

export type HostToWebview =
  /** The document to show (first load and every re-decode). */
  | { type: 'show'; payload: ShowPayload }
  /** Children `start`… of `id`, out of `total`. */
  | { type: 'children'; id: string; version: number; start: number; total: number; nodes: NodeRow[] }
  /** Details for the details pane. */
  | { type: 'details'; version: number; details: NodeDetails }
  /** Filter results (at most `limit`; `total` counts all). */
  | { type: 'filterResult'; query: string; version: number; matches: FilterMatch[]; total: number }
  /** The chain of ids from a root down to the node covering `offset`. */
  | { type: 'revealed'; offset: number; version: number; chain: string[] }
  /** Bytes for the hex view, as lowercase hex. */
  | { type: 'bytes'; offset: number; version: number; hex: string }
  /** Results of the protection check (sent after `show`, and again when a secret is given). */
  | { type: 'protection'; version: number; results: CheckResult[] }
  /** Protocol-check findings (sent after `show`), each with the tree node it is about. */
  | { type: 'findings'; version: number; profile: string; findings: (Finding & { nodeId?: string })[] }
  /** What the message carries encrypted, and what was opened (sent after `show`, and after Decrypt…). */
  | { type: 'encrypted'; version: number; items: EncryptedView[] }
  /** A private key the user asked to see (PEM): shown until hidden, never stored. */
  | { type: 'keyShown'; version: number; index: number; pem: string }
  /** Something went wrong answering a request. */
  | { type: 'error'; message: string }
  /** The webview's texts in VS Code's display language (English text → shown text), before the first render. */
  | { type: 'strings'; strings: Record<string, string> };
