/**
 * The inspector's model in a worker thread (the Node extension host): the host sends the file's
 * bytes, the worker decodes and annotates them and answers the view's questions (`answer`, the same
 * dispatcher a model in the host's thread uses). Ending the worker frees the model whole.
 *
 * Protocol (structured clone): host → worker `{ open: bytes }` once, then `{ id, q, args }`;
 * worker → host `{ info }` or `{ failed }` once, then `{ id, a }` or `{ id, failed }`.
 */
import { Worker, isMainThread, parentPort } from 'node:worker_threads';
import {
  answer,
  inspectModel,
  localModel,
  modelInfo,
  type InspectorModel,
  type ModelInfo,
  type ModelPort,
  type Question,
} from '../app';

type ToWorker = { open: Uint8Array } | { id: number; q: Question; args: unknown[] };
type FromWorker = { info: ModelInfo } | { id: number; a: unknown } | { id?: number; failed: string };

/** The worker's side: one model, questions answered in order. */
function serve(): void {
  const port = parentPort!;
  let model: InspectorModel | undefined;
  port.on('message', (msg: ToWorker) => {
    if ('open' in msg) {
      try {
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

/** Said when a decode is cancelled (the person closed the view or pressed Cancel). */
export class Cancelled extends Error {
  constructor() {
    super('cancelled');
  }
}

/**
 * Decodes `bytes` in a new worker thread running `script` (this file, bundled) and returns the
 * model's port; `signal` ends the worker and rejects with Cancelled. Where no worker can be started,
 * the model is made in this thread (said once in `onFallback`).
 */
export function workerModel(
  script: string,
  bytes: Uint8Array,
  signal?: AbortSignal,
  onFallback?: (why: string) => void,
): Promise<ModelPort> {
  let worker: Worker;
  try {
    worker = new Worker(script);
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
    worker.on('error', (e) => end(new Error(`the decoding worker stopped: ${e.message}`)));
    worker.on('exit', () => end(new Error('the decoding worker ended')));
    worker.on('message', (msg: FromWorker) => {
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
