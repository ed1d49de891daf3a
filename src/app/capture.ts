/**
 * Read a capture: what the capture view and `cmp-lens capture` show (rows per exchange with
 * verdicts and gaps), and the files an export writes.
 */
import type { CaptureRow, CaptureView } from '../shared/capture';
import { ExchangeChecker } from '../core/checks';
import { kemCiphertextOf, kemSharedSecret, verifyMessage } from '../core/protection';
import { readMessage, senderKidHex, transactionIdHex, type ReadMessage } from '../core/base';
import {
  exchangeKey,
  groupExchanges,
  type CaptureResult,
  type CapturedExchange,
  type CapturedMessage,
} from '../core/capture';
import { noSecrets, type SecretSource } from './ports';

export interface ViewOptions {
  /** Secrets by senderKID or transactionID, to check MACs (never asked for: a capture has many messages). */
  secrets?: SecretSource;
  /**
   * ML-KEM private keys (PKCS#8) the person gave: an exchange whose genp carries a KemCiphertextInfo one
   * of them opens has its KemBasedMac-protected messages checked (RFC 9810 §5.1.3.4).
   */
  kemKeys?: Uint8Array[];
}

/** The KEM shared secret a message's KemCiphertextInfo gives with one of `keys`, if any does. */
function kemSecretOf(read: ReadMessage, keys: Uint8Array[] | undefined): Uint8Array | undefined {
  if (!keys?.length) return undefined;
  let info;
  try {
    info = kemCiphertextOf(read);
  } catch {
    return undefined;
  }
  if (!info) return undefined;
  for (const key of keys) {
    try {
      return kemSharedSecret(info, key);
    } catch {
      // Another key type or set: try the next.
    }
  }
  return undefined;
}

async function verdict(
  m: CapturedMessage,
  read: ReadMessage,
  o: ViewOptions,
  kemSecret?: Uint8Array,
): Promise<{ verdict: string; chain?: string }> {
  const secret = await (o.secrets ?? noSecrets).lookup({
    senderKid: senderKidHex(read),
    transactionId: transactionIdHex(read) || undefined,
    purpose: `the MAC of message #${m.index}`,
  });
  const r = (
    await verifyMessage(m.der, {
      secret,
      kemSecret,
      protectionOnly: true,
      header: read.header,
      doc: read.doc,
    })
  ).find((c) => c.check === 'protection');
  return { verdict: r?.verdict ?? '?', chain: r?.chain };
}

function row(m: CapturedMessage, protection: { verdict: string; chain?: string }): CaptureRow {
  const flags = [
    m.wrongContentType ? `wrong content type "${m.contentType ?? 'none'}"` : '',
    m.decodeError ? `does not decode: ${m.decodeError}` : '',
    m.incomplete ?? '',
  ].filter(Boolean);
  return {
    index: m.index,
    packet: m.packet,
    time: m.time,
    direction: m.direction,
    client: m.client,
    server: m.server,
    http: m.direction === 'request' ? `${m.method} ${m.path}` : `HTTP ${m.httpStatus}`,
    bodyType: m.bodyType,
    pkiStatus: m.pkiStatus,
    protection: protection.verdict,
    ...(protection.chain ? { chain: protection.chain } : {}),
    flags,
    pairedWith: m.pairedWith,
    bytes: m.der.length,
  };
}

/** One exchange's rows and checks: the unit of work `captureView` hands to a runner. */
export type ExchangeView = CaptureView['exchanges'][number];

/**
 * Verdicts and exchange checks of one exchange, one message at a time (so memory stays flat however
 * many there are); `onMessage` hears after each message.
 */
export async function exchangeView(
  e: CapturedExchange,
  options: ViewOptions = {},
  onMessage?: () => void,
): Promise<ExchangeView> {
  const rows: CaptureRow[] = [];
  const checker = new ExchangeChecker();
  // The exchange's KEM secret, from its genp, for the KemBasedMac messages after it.
  let kemSecret: Uint8Array | undefined;
  for (const m of e.messages) {
    let read: ReadMessage | undefined;
    let flag: string | undefined;
    if (!m.decodeError) {
      try {
        read = readMessage(m.der);
      } catch (err) {
        flag = `does not decode: ${(err as Error).message}`;
      }
    }
    await checker.push(m.der, read ?? null); // null: known not to decode, not decoded again
    if (read && !kemSecret) kemSecret = kemSecretOf(read, options.kemKeys);
    const r = row(m, read ? await verdict(m, read, options, kemSecret) : { verdict: 'n/a' });
    if (flag) r.flags.push(flag);
    rows.push(r);
    onMessage?.();
  }
  return { transactionID: e.transactionID, rows, findings: checker.finish() };
}

/**
 * Runs `exchangeView` for every exchange and returns the results in the same order: in this thread
 * (`inThisThread`), or spread over worker threads (src/node/worker.ts); `onMessages` hears how many
 * messages were done, as they are.
 */
export type ExchangeRunner = (
  exchanges: CapturedExchange[],
  options: ViewOptions,
  onMessages: (count: number) => void,
) => Promise<ExchangeView[]>;

/** One exchange after the other, in this thread. */
export const inThisThread: ExchangeRunner = async (exchanges, options, onMessages) => {
  const out: ExchangeView[] = [];
  for (const e of exchanges) out.push(await exchangeView(e, options, () => onMessages(1)));
  return out;
};

/**
 * The capture view: every message's verdict and every exchange's checks, by `runner` (in this
 * thread unless one is given); `onProgress` hears as messages are done.
 */
export async function captureView(
  result: CaptureResult,
  title: string,
  options: ViewOptions = {},
  onProgress?: (done: number, total: number) => void,
  runner: ExchangeRunner = inThisThread,
): Promise<CaptureView> {
  const s = result.summary;
  let done = 0;
  const exchanges = await runner(groupExchanges(result.messages), options, (count) => {
    done += count;
    onProgress?.(done, result.messages.length);
  });
  return {
    title,
    summary: `${s.packets} packets, ${s.tcpSegments} TCP segments (${s.outOfOrder} out of order, ${s.retransmitted} retransmitted), ${s.httpMessages} HTTP messages, ${result.messages.length} CMP messages in ${exchanges.length} exchange${exchanges.length === 1 ? '' : 's'}`,
    exchanges,
    problems: result.problems,
  };
}

/**
 * Checks a capture's exchanges while it is still being read, so the reading (one thread) and the
 * checking (a worker pool) overlap. `add` hears each message as the reader completes it; an exchange
 * that has heard nothing for `quiet` messages is handed to `run` (which may be called again before
 * earlier calls end: a CapturePool's). `runner` is the ExchangeRunner for captureView once the file
 * is read: an exchange checked early is taken as it was when nothing has changed since (its messages
 * and their pairing, which an answer sets later), and checked again otherwise; the rest run then.
 * The view is the one captureView would give without it (a test compares).
 */
export class EarlyExchanges {
  /** Every exchange's messages so far, and whether they were handed over as they are. */
  private readonly groups = new Map<string, { messages: CapturedMessage[]; last: number; sent: boolean }>();
  /** The exchanges not handed over (or changed since). */
  private readonly open = new Set<string>();
  private readonly early = new Map<
    string,
    { count: number; paired: (number | undefined)[]; view: Promise<ExchangeView | undefined> }
  >();
  private seen = 0;

  constructor(
    private readonly run: ExchangeRunner,
    private readonly options: ViewOptions,
    private readonly quiet = 2000,
  ) {}

  add(m: CapturedMessage): void {
    const key = exchangeKey(m);
    const g = this.groups.get(key);
    if (g) {
      g.messages.push(m);
      g.last = this.seen;
      if (g.sent) {
        // Handed over too early (a pollReq minutes later): it goes again.
        g.sent = false;
        this.early.delete(key);
      }
    } else this.groups.set(key, { messages: [m], last: this.seen, sent: false });
    this.open.add(key);
    if (++this.seen % 512 === 0) this.handOver(this.seen - this.quiet);
  }

  /** Hands the exchanges quiet since message number `before` to `run`. */
  private handOver(before: number): void {
    const keys: string[] = [];
    const exchanges: CapturedExchange[] = [];
    for (const key of this.open) {
      const g = this.groups.get(key)!;
      if (g.last >= before) continue;
      this.open.delete(key);
      g.sent = true;
      keys.push(key);
      const first = g.messages[0];
      exchanges.push({ transactionID: first.transactionID ?? `#${first.index}`, messages: [...g.messages] });
    }
    if (!exchanges.length) return;
    const views = this.run(exchanges, this.options, () => undefined);
    keys.forEach((key, k) => {
      const messages = exchanges[k].messages;
      this.early.set(key, {
        count: messages.length,
        paired: messages.map((m) => m.pairedWith),
        // A failed early run is not the view's failure: the exchange is checked again at the end.
        view: views.then(
          (v) => v[k],
          () => undefined,
        ),
      });
    });
  }

  /**
   * For captureView: the exchanges' views, early ones reused when still the same (and checked with
   * the same options: other secrets, other verdicts).
   */
  readonly runner: ExchangeRunner = async (exchanges, options, onMessages) => {
    const out = new Array<ExchangeView>(exchanges.length);
    const rest: number[] = [];
    await Promise.all(
      exchanges.map(async (e, k) => {
        const early = options === this.options ? this.early.get(exchangeKey(e.messages[0])) : undefined;
        const same =
          early &&
          early.count === e.messages.length &&
          e.messages.every((m, j) => m.pairedWith === early.paired[j]);
        const view = same ? await early.view : undefined;
        if (view) {
          out[k] = view;
          onMessages(e.messages.length);
        } else rest.push(k);
      }),
    );
    rest.sort((a, b) => a - b);
    const views = await this.run(
      rest.map((k) => exchanges[k]),
      options,
      onMessages,
    );
    rest.forEach((k, j) => (out[k] = views[j]));
    return out;
  };
}

/** One file of an export: `DIR/<prefix><transactionID>/NN-body.pkimsg`. */
export interface ExportFile {
  folder: string;
  file: string;
  der: Uint8Array;
}

/** The files that exporting every exchange writes, each exchange in a folder of its own. */
export function exportPlan(result: CaptureResult, prefix: string): ExportFile[] {
  return groupExchanges(result.messages).flatMap((e) =>
    e.messages.map((m, k) => ({
      folder: `${prefix}${e.transactionID.replace(/[^\w#-]/g, '_')}`,
      file: `${String(k + 1).padStart(2, '0')}-${m.bodyType.replace(/\W/g, '_')}.pkimsg`,
      der: m.der,
    })),
  );
}
