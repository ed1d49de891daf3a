/**
 * The inspector's model wherever it lives: in this thread (the web extension host, the tests) or in
 * a worker thread (the Node extension host, `src/node/worker.ts`), so decoding a 10 MB message
 * never holds up the thread every extension shares, and closing the view frees the model whole (the
 * worker ends). Every question is asked by message and answered asynchronously; `answer` is the one
 * dispatcher both sides use, so a question means the same wherever the model is.
 */
import type { MessageSummary } from '../shared/annotated';
import type { CopyWhat, FilterMatch, HostToWebview, ShowPayload, WebviewToHost } from '../shared/protocol';
import { InspectorModel, respond, showPayload } from '../core/inspect';
import { inspectModel } from './inspect';

/** What the view needs at once, computed where the model is. */
export interface ModelInfo {
  /** The show payload without title and version (the session adds them). */
  payload: Omit<ShowPayload, 'title' | 'version'>;
  /** The DER the tree describes (PEM or base64 removed). */
  der: Uint8Array;
  kind: ShowPayload['kind'];
  summary?: MessageSummary;
}

/** The questions a model answers, by name: arguments and answer. */
export interface ModelQuestions {
  respond: [[WebviewToHost, number], HostToWebview | undefined];
  reveal: [[number], string[]];
  filter: [[string, number], { matches: FilterMatch[]; total: number }];
  copyText: [[string, CopyWhat], string | undefined];
  /** A node's encoded bytes, its type and path (Save Node as DER…). */
  element: [[string], { bytes: Uint8Array; type: string; path: string } | undefined];
}

export type Question = keyof ModelQuestions;

export interface ModelPort {
  readonly info: ModelInfo;
  /** Where the model lives: "a worker thread" or "this thread" (said in the log). */
  readonly where: string;
  ask<Q extends Question>(q: Q, ...args: ModelQuestions[Q][0]): Promise<ModelQuestions[Q][1]>;
  /** Frees the model (ends its worker); questions after it are refused. */
  dispose(): void;
}

/** What `info` says of a model. */
export function modelInfo(m: InspectorModel): ModelInfo {
  const payload: Partial<ShowPayload> = showPayload(m, '', 0);
  delete payload.title;
  delete payload.version;
  return {
    payload: payload as ModelInfo['payload'],
    der: m.der,
    kind: m.doc.kind,
    summary: m.doc.summary,
  };
}

/** Answers question `q` from the model: the one place questions are turned into calls. */
export function answer<Q extends Question>(
  m: InspectorModel,
  q: Q,
  args: ModelQuestions[Q][0],
): ModelQuestions[Q][1] {
  const a = args as unknown[];
  switch (q) {
    case 'respond':
      return respond(m, a[0] as WebviewToHost, a[1] as number) as ModelQuestions[Q][1];
    case 'reveal':
      return m.reveal(a[0] as number) as ModelQuestions[Q][1];
    case 'filter':
      return m.filter(a[0] as string, a[1] as number) as ModelQuestions[Q][1];
    case 'copyText':
      return m.copyText(a[0] as string, a[1] as CopyWhat) as ModelQuestions[Q][1];
    case 'element': {
      const id = a[0] as string;
      const bytes = m.elementBytes(id);
      const node = m.node(id);
      return (
        bytes && node ? { bytes: bytes.slice(), type: node.type, path: m.details(id)?.path ?? '' } : undefined
      ) as ModelQuestions[Q][1];
    }
    default:
      throw new Error(`unknown question ${String(q)}`);
  }
}

/** A model in this thread: decoded now, answering at once. */
export function localModel(bytes: Uint8Array): ModelPort {
  return portOf(inspectModel(bytes));
}

/** The port of a model made in this thread. */
export function portOf(model: InspectorModel): ModelPort {
  let m: InspectorModel | undefined = model;
  const info = modelInfo(m);
  return {
    info,
    where: 'this thread',
    ask: (q, ...args) => {
      if (!m) return Promise.reject(new Error('the model was closed'));
      return Promise.resolve(answer(m, q, args));
    },
    dispose: () => {
      m = undefined;
    },
  };
}
