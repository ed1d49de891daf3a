/** Messages between the capture view (a .pcap/.pcapng custom editor) and the extension host. */
import { int, messageGuard } from './guards';
import type { Finding } from './findings';

export interface CaptureRow {
  index: number;
  packet: number;
  time: number;
  direction: 'request' | 'response';
  client: string;
  server: string;
  http: string;
  bodyType: string;
  pkiStatus?: string;
  /** Protection verdict (valid, invalid, needs-secret, unprotected, …), or "n/a" when the body does not decode. */
  protection: string;
  /** For a signature: whether its chain was checked ("not checked: no trust anchors given"). */
  chain?: string;
  flags: string[];
  pairedWith?: number;
  bytes: number;
}

export interface CaptureView {
  title: string;
  summary: string;
  exchanges: { transactionID: string; rows: CaptureRow[]; findings: Finding[] }[];
  problems: { message: string; packet?: number; offset: number }[];
}

/** The capture webview's messages, checked before the host uses one. */
export const isCaptureToHost = messageGuard<CaptureToHost>({
  ready: {},
  open: { index: int(1, 2 ** 31 - 1) },
  export: { index: int(1, 2 ** 31 - 1) },
  exportAll: {},
  enterSecret: { index: int(1, 2 ** 31 - 1) },
  enterKemKey: {},
  diagram: { exchange: int(0, 2 ** 31 - 1) },
});

export type CaptureToHost =
  /** The webview is loaded and wants the capture. */
  | { type: 'ready' }
  /** Open message `index` in the inspector. */
  | { type: 'open'; index: number }
  /** Save message `index` as .pkimsg. */
  | { type: 'export'; index: number }
  /** Write every exchange, in order, to a folder the user picks. */
  | { type: 'exportAll' }
  /** Ask for the shared secret of message `index`'s exchange, check it, and check the rows again. */
  | { type: 'enterSecret'; index: number }
  /** KemBasedMac: the person gives an ML-KEM private key; exchanges whose genp it opens are checked again. */
  | { type: 'enterKemKey' }
  /** Show the sequence picture of exchange `exchange` (0-based, in the view's order). */
  | { type: 'diagram'; exchange: number };

export type HostToCapture =
  /** Reading progress, 0…1. */
  | { type: 'progress'; fraction: number; packets: number }
  /** The capture, read. */
  | { type: 'show'; view: CaptureView }
  /** Something failed (reading, exporting). */
  | { type: 'error'; message: string }
  /** The webview's texts in VS Code's display language (English text → shown text), before the first render. */
  | { type: 'strings'; strings: Record<string, string> };
