/**
 * Work off the main thread, in worker threads running this file (bundled as dist/worker.js):
 *
 * - The inspector's model (the Node extension host): the host sends the file's bytes, the worker
 *   decodes and annotates them and answers the view's questions (`answer`, the same dispatcher a model
 *   in the host's thread uses). Ending the worker frees the model whole. Protocol (structured clone):
 *   host → worker `{ open: bytes }` once, then `{ id, q, args }`; worker → host `{ info }` or
 *   `{ failed }` once, then `{ id, a }` or `{ id, failed }`.
 * - A capture's exchanges (`cmp-lens capture`, the capture view): a pool of workers, each given
 *   batches of exchanges `{ job, exchanges, kemKeys, secrets }` (the MAC secrets the main thread looked
 *   up for the batch, where the SecretSource is), four batches in flight per worker, answering
 *   `{ job, views }` (or `{ job, jobFailed }`; progress is counted by batch: a message per exchange
 *   cost the main thread more than a progress bar needs); a secret not looked up ahead is asked of
 *   the main thread (`{ lookup: query, lid }` → `{ lid, secret }`).
 * - Part of a big tree's text (`cmp-lens inspect`, `InspectHelper`): the message's findings first,
 *   from its TLV read in shared memory `{ findings: read, profile }` → `{ found }` (while the main
 *   thread annotates), then the annotated tree, a plan and a shared control block
 *   `{ text: tree, plan, offsets, depth, control }`; the worker then takes pieces of the text as the
 *   control block lets it (`PieceClaims`) and sends each one's chunks `{ piece: i, chunk }`…
 *   `{ piece: i, done: true }` (the chunks transferred).
 */
import { Worker, isMainThread, parentPort } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import {
  answer,
  exchangeView,
  inspectModel,
  inThisThread,
  localModel,
  modelInfo,
  noSecrets,
  type ExchangeRunner,
  type ExchangeView,
  type InspectorModel,
  type ModelInfo,
  type ModelPort,
  type Question,
  type SecretQuery,
  type SecretSource,
  type ViewOptions,
} from '../app';
import { senderKidOf } from '../core/base';
import { TlvTree, type SharedTlvTree } from '../core/der/reader';
import type { DerProblem } from '../core/der/types';
import { checkMessage } from '../core/checks';
import {
  AnnTree,
  inspectInput,
  pieceChunks,
  textChunks,
  textParts,
  textPlan,
  treeOf,
  type SharedAnnTree,
  type TextOptions,
  type TextPlan,
} from '../core/inspect';
import type { CheckProfile, Finding } from '../shared/findings';
import type { AnnotatedDocument } from '../shared/annotated';
import type { CapturedExchange } from '../core/capture';

type ToWorker =
  | { open: Uint8Array }
  | { id: number; q: Question; args: unknown[] }
  | {
      job: number;
      exchanges: CapturedExchange[];
      kemKeys?: Uint8Array[];
      /**
       * Secrets looked up ahead by the main thread, by `secretKey`; undefined: the caller has no
       * SecretSource (nothing to ask the main thread for).
       */
      secrets?: [string, Uint8Array | undefined][];
    }
  | { lid: number; secret: Uint8Array | undefined }
  | ToHelper;
/** `cmp-lens inspect`'s helper (InspectHelper). */
type ToHelper =
  | { findings: SharedRead; profile: CheckProfile }
  | { text: SharedAnnTree; plan: TextPlan; offsets: boolean; depth: number; control: Int32Array };
/** A TLV read (readTlv) as posted: the tree in shared memory, its roots and problems. */
interface SharedRead {
  tree: SharedTlvTree;
  roots: number[];
  problems: DerProblem[];
}
type FromHelper =
  | { found: Finding[] }
  | { foundFailed: string }
  | { piece: number; chunk?: Uint8Array; done?: boolean; pieceFailed?: string };
type FromWorker =
  | { info: ModelInfo }
  | { early: ModelInfo }
  | { id: number; a: unknown }
  | { id?: number; failed: string }
  | { job: number; views: ExchangeView[] }
  | { job: number; jobFailed: string }
  | { lookup: SecretQuery; lid: number; job: number };

/** What a secret lookup is keyed by: the message's senderKID and transactionID. */
function secretKey(q: Pick<SecretQuery, 'senderKid' | 'transactionId'>): string {
  return `${q.senderKid ?? ''} ${q.transactionId ?? ''}`;
}

/**
 * The secrets a batch's messages will look up, looked up here (where the SecretSource is) and sent
 * with the batch: a round trip between threads per message would keep the workers waiting.
 */
async function lookupAhead(
  exchanges: CapturedExchange[],
  secrets: SecretSource | undefined,
): Promise<[string, Uint8Array | undefined][] | undefined> {
  if (!secrets) return undefined;
  const out = new Map<string, Uint8Array | undefined>();
  for (const e of exchanges)
    for (const m of e.messages) {
      const q = { senderKid: senderKidOf(m.der), transactionId: m.transactionID || undefined };
      const key = secretKey(q);
      if (!out.has(key))
        out.set(
          key,
          await secrets.lookup({ ...q, purpose: `the MAC of message #${m.index}` }).catch(() => undefined),
        );
    }
  return [...out];
}

/** Files bigger than this get a first look (`early`) before the whole is decoded. */
const earlyAfterBytes = 512 * 1024;

/** The worker's side: one model, questions answered in order; or capture batches. */
function serve(): void {
  const port = parentPort!;
  let model: InspectorModel | undefined;
  // Secrets asked of the main thread, by lookup id.
  const lookups = new Map<number, (s: Uint8Array | undefined) => void>();
  let nextLookup = 1;
  const ask = (job: number, query: SecretQuery) =>
    new Promise<Uint8Array | undefined>((resolve) => {
      const lid = nextLookup++;
      lookups.set(lid, resolve);
      port.postMessage({ lookup: query, lid, job } satisfies FromWorker);
    });
  port.on('message', (msg: ToWorker) => {
    if ('findings' in msg) {
      // What `cmp-lens inspect` prints under the tree, checked while the main thread annotates.
      let found: Finding[];
      try {
        const tree = TlvTree.fromShare(msg.findings.tree);
        const read = { tree, roots: msg.findings.roots, problems: msg.findings.problems };
        found = checkMessage(tree.bytes, { profile: msg.profile, read });
      } catch (e) {
        port.postMessage({ foundFailed: (e as Error).message } satisfies FromHelper);
        return;
      }
      port.postMessage({ found } satisfies FromHelper);
      return;
    }
    if ('text' in msg) {
      const tree = AnnTree.fromShare(msg.text);
      const opts = { offsets: msg.offsets, depth: msg.depth, der: tree.bytes };
      const claims = new PieceClaims(msg.control);
      // Every piece this thread can take, in order, while the main thread writes out the ones before.
      for (let piece = 0; piece < msg.plan.pieces.length; piece++) {
        if (!claims.take(piece, 'helper')) continue;
        try {
          for (const chunk of pieceChunks(tree, opts, msg.plan, piece))
            port.postMessage({ piece, chunk } satisfies FromHelper, [chunk.buffer as ArrayBuffer]);
          port.postMessage({ piece, done: true } satisfies FromHelper);
        } catch (e) {
          port.postMessage({ piece, pieceFailed: (e as Error).message } satisfies FromHelper);
          return;
        }
      }
      return;
    }
    if ('lid' in msg) {
      lookups.get(msg.lid)?.(msg.secret);
      lookups.delete(msg.lid);
      return;
    }
    if ('job' in msg) {
      void (async () => {
        try {
          // The secrets the main thread looked up for this batch answer at once; others are asked
          // for (none when the caller has no SecretSource: a round trip per message for nothing).
          const known = new Map(msg.secrets);
          const batchSecrets: SecretSource = msg.secrets
            ? {
                lookup: (q) =>
                  known.has(secretKey(q)) ? Promise.resolve(known.get(secretKey(q))) : ask(msg.job, q),
              }
            : noSecrets;
          // All of the batch at once: while one exchange waits for WebCrypto (the thread pool), the
          // next one's decoding and checks run.
          const views: ExchangeView[] = await Promise.all(
            msg.exchanges.map((e) => exchangeView(e, { secrets: batchSecrets, kemKeys: msg.kemKeys })),
          );
          port.postMessage({ job: msg.job, views } satisfies FromWorker);
        } catch (e) {
          port.postMessage({ job: msg.job, jobFailed: (e as Error).message } satisfies FromWorker);
        }
      })();
      return;
    }
    if ('open' in msg) {
      try {
        // A big file's first rows first: its top annotated, a few thousand nodes, then the whole.
        if (msg.open.length > earlyAfterBytes) {
          // The first 20,000 elements read, 2,000 annotated: the top rows. Its problems (mostly what
          // was not read yet) are not the file's; the whole's come with it.
          const early = modelInfo(
            inspectModel(msg.open, { annotateNodes: 2000, limits: { maxNodes: 20_000 } }),
          );
          Object.assign(early.payload, { decoding: true, problems: [], problemCount: 0, errorCount: 0 });
          port.postMessage({ early } satisfies FromWorker);
        }
        model = inspectModel(msg.open);
        port.postMessage({ info: modelInfo(model) } satisfies FromWorker);
      } catch (e) {
        port.postMessage({ failed: (e as Error).message } satisfies FromWorker);
      }
      return;
    }
    try {
      if (!model) throw new Error('no model: the file was not decoded');
      port.postMessage({ id: msg.id, a: answer(model, msg.q, msg.args as never) } satisfies FromWorker);
    } catch (e) {
      port.postMessage({ id: msg.id, failed: (e as Error).message } satisfies FromWorker);
    }
  });
}

if (!isMainThread && parentPort) serve();

/**
 * One worker started ahead and idle (unref'd: it keeps no process alive), for the next inspector:
 * starting a worker and loading its bundle is a tenth of a second the first rows need not wait for.
 */
let spare: { script: string; worker: Worker } | undefined;

/** Starts the spare worker for `script` if there is none. */
export function keepSpare(script: string): void {
  if (spare?.script === script) return;
  try {
    const worker = new Worker(script);
    worker.unref();
    // A spare that fails or ends is forgotten; the next view starts its own.
    const forget = () => {
      if (spare?.worker === worker) spare = undefined;
    };
    worker.on('error', forget);
    worker.on('exit', forget);
    spare = { script, worker };
  } catch {
    spare = undefined;
  }
}

function takeSpare(script: string): Worker | undefined {
  if (spare?.script !== script) return undefined;
  const { worker } = spare;
  spare = undefined;
  worker.removeAllListeners();
  worker.ref();
  return worker;
}

/** Said when a decode is cancelled (the person closed the view or pressed Cancel). */
export class Cancelled extends Error {
  constructor() {
    super('cancelled');
  }
}

/**
 * Decodes `bytes` in a new worker thread running `script` (this file, bundled) and returns the
 * model's port; `signal` ends the worker and rejects with Cancelled. A big file's first look comes
 * to `onEarly` before (its top rows, `payload.decoding` set). Where no worker can be started,
 * the model is made in this thread (said once in `onFallback`).
 */
export function workerModel(
  script: string,
  bytes: Uint8Array,
  signal?: AbortSignal,
  onEarly?: (early: ModelInfo) => void,
  onFallback?: (why: string) => void,
): Promise<ModelPort> {
  let worker: Worker;
  try {
    worker = takeSpare(script) ?? new Worker(script);
    // The next view's worker starts now, idle until then (its bundle loaded: that much sooner).
    setImmediate(() => keepSpare(script));
  } catch (e) {
    onFallback?.((e as Error).message);
    return Promise.resolve(localModel(bytes));
  }
  return new Promise<ModelPort>((resolve, reject) => {
    const waiting = new Map<number, { resolve: (a: unknown) => void; reject: (e: Error) => void }>();
    let next = 1;
    let ended = false;
    const end = (why: Error): void => {
      if (ended) return;
      ended = true;
      void worker.terminate();
      for (const w of waiting.values()) w.reject(why);
      waiting.clear();
      reject(why);
    };
    const onAbort = () => end(new Cancelled());
    signal?.addEventListener('abort', onAbort, { once: true });
    // The runtime's own text (an out-of-memory, a fault) is not said: what stopped, in our words.
    worker.on('error', () => end(new Error('the decoding worker stopped (out of memory, or a fault in it)')));
    worker.on('exit', () => end(new Error('the decoding worker ended')));
    worker.on('message', (msg: FromWorker) => {
      if ('job' in msg || 'lookup' in msg) return;
      if ('early' in msg) return onEarly?.(msg.early);
      if ('info' in msg) {
        signal?.removeEventListener('abort', onAbort);
        resolve({
          info: msg.info,
          where: 'a worker thread',
          ask: (q, ...args) =>
            new Promise((res, rej) => {
              if (ended) return rej(new Error('the model was closed'));
              const id = next++;
              waiting.set(id, { resolve: res as (a: unknown) => void, reject: rej });
              worker.postMessage({ id, q, args } satisfies ToWorker);
            }),
          dispose: () => end(new Error('the model was closed')),
        });
        return;
      }
      if (msg.id === undefined) {
        end(new Error('failed' in msg ? msg.failed : 'the decoding worker failed'));
        return;
      }
      const w = waiting.get(msg.id);
      waiting.delete(msg.id);
      if (!w) return;
      if ('failed' in msg) w.reject(new Error(msg.failed));
      else w.resolve((msg as { a: unknown }).a);
    });
    if (signal?.aborted) return onAbort();
    worker.postMessage({ open: bytes } satisfies ToWorker);
  });
}

/**
 * Who writes which piece of a text (textPlan), decided as the work goes, in shared memory: slot 0 is
 * the next piece the main thread writes out, slot 1 + i who took piece i (0 nobody yet, 1 the main
 * thread, 2 the helper). The main thread takes each piece nobody has when it comes to it; the helper
 * takes them in order but at most `ahead` beyond the main thread's, waiting (Atomics.wait: a worker
 * may block) for it to move on. So the helper does more when the main thread is slower (it also writes
 * everything out), and no more than `ahead` pieces wait in memory.
 */
class PieceClaims {
  static readonly ahead = 4;

  constructor(readonly control: Int32Array) {}

  static make(pieces: number): PieceClaims {
    return new PieceClaims(new Int32Array(new SharedArrayBuffer(4 * (pieces + 1))));
  }

  /** Takes piece `i` if nobody has; for the helper, first waits until it is at most `ahead` beyond. */
  take(i: number, who: 'main' | 'helper'): boolean {
    const c = this.control;
    if (who === 'helper')
      for (let next = Atomics.load(c, 0); i >= next + PieceClaims.ahead; next = Atomics.load(c, 0))
        Atomics.wait(c, 0, next);
    return Atomics.compareExchange(c, 1 + i, 0, who === 'main' ? 1 : 2) === 0;
  }

  /** The main thread has written out pieces up to `i` (not included). */
  written(i: number): void {
    Atomics.store(this.control, 0, i);
    Atomics.notify(this.control, 0);
  }
}

/**
 * A worker beside `cmp-lens inspect` on a big message (this machine's other core): it starts while
 * this thread reads the message, checks it (from the TLV read, shared) while this thread annotates
 * it, then writes pieces of the text (`textPlan`) while this thread writes the others, who does which
 * decided as they go (`PieceClaims`). A failure is said once: the caller does the rest in its own
 * thread.
 */
class InspectHelper {
  private readonly worker: Worker;
  private readonly found: Promise<Finding[]>;
  private readonly pieces = new Map<number, { chunks: Uint8Array[]; done: boolean; wake?: () => void }>();
  private failure: string | undefined;

  constructor(script: string) {
    this.worker = new Worker(script);
    let settle!: { resolve: (f: Finding[]) => void; reject: (e: Error) => void };
    this.found = new Promise<Finding[]>((resolve, reject) => (settle = { resolve, reject }));
    this.found.catch(() => undefined);
    const fail = (why: string): void => {
      this.failure ??= why;
      settle.reject(new Error(why));
      for (const p of this.pieces.values()) p.wake?.();
    };
    this.worker.on('message', (m: FromHelper) => {
      if ('found' in m) return settle.resolve(m.found);
      if ('foundFailed' in m) return settle.reject(new Error(m.foundFailed));
      if (m.pieceFailed !== undefined) return fail(m.pieceFailed);
      const piece = this.entry(m.piece);
      if (m.chunk) piece.chunks.push(m.chunk);
      if (m.done) piece.done = true;
      piece.wake?.();
    });
    this.worker.on('error', (e) => fail(e.message));
    this.worker.on('exit', () => fail('the worker ended'));
  }

  /** Has the worker check the message from its TLV read (in shared memory: readTlv with `shared`). */
  check(read: { tree: TlvTree; roots: number[]; problems: DerProblem[] }, profile: CheckProfile): void {
    const findings = { tree: read.tree.share(), roots: read.roots, problems: read.problems };
    this.worker.postMessage({ findings, profile } satisfies ToHelper);
  }

  /** The message's findings (rejected if the worker could not check it). */
  findings(): Promise<Finding[]> {
    return this.found;
  }

  /** Hands the worker the tree (in shared memory: nothing is copied) and the plan of its text. */
  share(tree: SharedAnnTree, plan: TextPlan, opts: TextOptions, claims: PieceClaims): void {
    this.worker.postMessage({
      text: tree,
      plan,
      offsets: opts.offsets,
      depth: opts.depth,
      control: claims.control,
    } satisfies ToHelper);
  }

  private entry(i: number): { chunks: Uint8Array[]; done: boolean; wake?: () => void } {
    let piece = this.pieces.get(i);
    if (!piece) this.pieces.set(i, (piece = { chunks: [], done: false }));
    return piece;
  }

  /** The chunks of piece `i` (which the worker took) as they come; throws if the worker failed before the end of it. */
  async *piece(i: number): AsyncGenerator<Uint8Array> {
    const piece = this.entry(i);
    for (;;) {
      while (piece.chunks.length) yield piece.chunks.shift()!;
      if (piece.done) break;
      if (this.failure !== undefined) throw new Error(this.failure);
      await new Promise<void>((wake) => (piece.wake = wake));
      piece.wake = undefined;
    }
    this.pieces.delete(i);
  }

  close(): void {
    this.worker.removeAllListeners();
    void this.worker.terminate();
  }
}

/**
 * `cmp-lens inspect`'s text of a big message (`bytes` in shared memory), written by two threads: this
 * one and a helper (InspectHelper, started first, so it loads while this thread reads) share the
 * pieces of its longest list (textPlan, PieceClaims), each piece handed to `write` in order; the helper
 * checks the message meanwhile. Whatever the helper fails to do, this thread does (the output is the
 * same bytes either way).
 */
export async function inspectWithHelper(
  script: string,
  bytes: Uint8Array,
  options: { offsets: boolean; depth: number; profile: CheckProfile },
  write: (chunk: Uint8Array) => Promise<void>,
): Promise<{ doc: AnnotatedDocument; findings: Finding[] }> {
  const helper = new InspectHelper(script);
  try {
    const { doc, der } = inspectInput(bytes, {
      shared: true,
      onRead: (read) => helper.check(read, options.profile),
    });
    const opts = { offsets: options.offsets, depth: options.depth, der };
    const plan = textPlan(doc, opts);
    if (!plan) for (const c of textChunks(doc, opts)) await write(c);
    else await writePieces(helper, doc, opts, plan, write);
    if (doc.kind !== 'PKIMessage') return { doc, findings: [] };
    const findings = await helper.findings().catch(() => checkMessage(der, { profile: options.profile }));
    return { doc, findings };
  } finally {
    helper.close();
  }
}

/** The text with the pieces of `plan` shared out (see inspectWithHelper). */
async function writePieces(
  helper: InspectHelper,
  doc: AnnotatedDocument,
  opts: TextOptions,
  plan: TextPlan,
  write: (chunk: Uint8Array) => Promise<void>,
): Promise<void> {
  const tree = treeOf(doc);
  const claims = PieceClaims.make(plan.pieces.length);
  helper.share(tree.share(), plan, opts, claims);
  // Pieces this thread made ahead, while the helper's came, waiting for their turn.
  const ahead = new Map<number, Uint8Array[]>();
  for (const part of textParts(doc, opts, plan)) {
    if (typeof part !== 'number') {
      await write(part);
      continue;
    }
    const made = ahead.get(part);
    ahead.delete(part);
    if (made) for (const c of made) await write(c);
    else if (claims.take(part, 'main')) for (const c of pieceChunks(tree, opts, plan, part)) await write(c);
    else {
      // The helper has it: meanwhile, the next piece nobody has, made here and kept.
      for (let j = part + 1; j < Math.min(plan.pieces.length, part + PieceClaims.ahead); j++)
        if (!ahead.has(j) && claims.take(j, 'main')) {
          ahead.set(j, [...pieceChunks(tree, opts, plan, j)]);
          break;
        }
      let written = 0;
      try {
        for await (const c of helper.piece(part)) {
          await write(c);
          written += c.length;
        }
      } catch {
        // The helper stopped: the rest of its piece from here.
        for (const c of pieceChunks(tree, opts, plan, part)) {
          const skip = Math.min(written, c.length);
          written -= skip;
          if (skip < c.length) await write(c.subarray(skip));
        }
      }
    }
    claims.written(part + 1);
  }
}

/** Exchanges a worker is given at a time: few messages each, so the workers stay evenly busy. */
const batchSize = 32;
/**
 * Batches a worker has at once: while some wait for WebCrypto (the thread pool), the others are
 * checked (four: 100 MB capture 6.7-7.1 s with two, 6.5-6.6 s with four, measured side by side).
 */
const inFlight = 4;

/** One batch of a run, waiting for a worker or on one. */
interface Job {
  id: number;
  exchanges: CapturedExchange[];
  options: ViewOptions;
  done(views: ExchangeView[]): void;
  fail(e: Error): void;
}

/**
 * Worker threads running `script` that check capture exchanges: `run` may be called again while
 * earlier runs are under way (the capture view checks exchanges while the file is still read), all
 * sharing the workers; each worker has `inFlight` batches at once, so the next is there when one is done.
 * Idle workers do not hold the process open. `close` ends them.
 */
export class CapturePool {
  private readonly workers: Worker[] = [];
  private readonly busy = new Map<Worker, Job[]>();
  private readonly queue: Job[] = [];
  private nextJob = 1;
  private broken?: Error;

  constructor(
    private readonly script: string,
    private readonly size = Math.max(1, availableParallelism()),
  ) {}

  /** Starts the workers now (they load their script while the caller does something else). */
  start(): this {
    while (this.workers.length < this.size) this.addWorker();
    return this;
  }

  /** The views of `exchanges`, in their order; `onMessages` hears, by batch, how many were done. */
  run(
    exchanges: CapturedExchange[],
    options: ViewOptions,
    onMessages: (n: number) => void,
  ): Promise<ExchangeView[]> {
    if (this.broken) return Promise.reject(this.broken);
    if (!exchanges.length) return Promise.resolve([]);
    this.start();
    return new Promise((resolve, reject) => {
      const parts: ExchangeView[][] = [];
      let left = Math.ceil(exchanges.length / batchSize);
      let failed = false;
      for (let i = 0, k = 0; i < exchanges.length; i += batchSize, k++) {
        const slot = k;
        this.queue.push({
          id: this.nextJob++,
          exchanges: exchanges.slice(i, i + batchSize),
          options,
          done: (views) => {
            parts[slot] = views;
            onMessages(views.reduce((n, v) => n + v.rows.length, 0));
            if (--left === 0 && !failed) resolve(parts.flat());
          },
          fail: (e) => {
            failed = true;
            reject(e);
          },
        });
      }
      this.pump();
    });
  }

  async close(): Promise<void> {
    const ws = this.workers.splice(0);
    await Promise.all(ws.map((w) => w.terminate()));
  }

  private addWorker(): void {
    const w = new Worker(this.script);
    w.unref();
    this.workers.push(w);
    this.busy.set(w, []);
    w.on('error', () =>
      this.breakAll(new Error('a capture worker stopped (out of memory, or a fault in it)')),
    );
    w.on('message', (msg: FromWorker) => {
      const jobs = this.busy.get(w) ?? [];
      if ('lookup' in msg) {
        const job = jobs.find((j) => j.id === msg.job);
        const lookup = (job?.options.secrets?.lookup(msg.lookup) ?? Promise.resolve(undefined)).catch(
          () => undefined,
        );
        void lookup.then((secret) => w.postMessage({ lid: msg.lid, secret } satisfies ToWorker));
        return;
      }
      if (!('job' in msg)) return;
      const at = jobs.findIndex((j) => j.id === msg.job);
      if (at < 0) return;
      const [job] = jobs.splice(at, 1);
      if ('jobFailed' in msg) job.fail(new Error(msg.jobFailed));
      else if ('views' in msg) job.done(msg.views);
      this.pump();
    });
  }

  /** Gives queued batches to workers with fewer than `inFlight`. */
  private pump(): void {
    for (const w of this.workers) {
      const jobs = this.busy.get(w)!;
      while (jobs.length < inFlight && this.queue.length) {
        const job = this.queue.shift()!;
        jobs.push(job);
        void lookupAhead(job.exchanges, job.options.secrets).then(
          (secrets) =>
            w.postMessage({
              job: job.id,
              exchanges: job.exchanges,
              kemKeys: job.options.kemKeys,
              secrets,
            } satisfies ToWorker),
          (e: Error) => {
            jobs.splice(jobs.indexOf(job), 1);
            job.fail(e);
          },
        );
      }
      if (jobs.length) w.ref();
      else w.unref();
    }
  }

  private breakAll(e: Error): void {
    this.broken = e;
    for (const jobs of this.busy.values()) for (const j of jobs.splice(0)) j.fail(e);
    for (const j of this.queue.splice(0)) j.fail(e);
    void this.close();
  }
}

/**
 * An ExchangeRunner that spreads the exchanges over `size` worker threads (all cores by default)
 * running `script` (a CapturePool for the one run). A capture with fewer than `minMessages` messages
 * is checked in this thread (starting workers costs more than it saves).
 */
export function workerRunner(
  script: string,
  size = Math.max(1, availableParallelism()),
  minMessages = 500,
): ExchangeRunner {
  return async (exchanges, options, onMessages) => {
    const total = exchanges.reduce((n, e) => n + e.messages.length, 0);
    if (total < minMessages || size < 1) return inThisThread(exchanges, options, onMessages);
    const pool = new CapturePool(script, Math.min(size, Math.ceil(exchanges.length / batchSize)));
    try {
      return await pool.run(exchanges, options, onMessages);
    } finally {
      await pool.close();
    }
  };
}
