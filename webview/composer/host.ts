/** The composer webview's link to the extension host: typed postMessage and persisted state. */
import type { ComposerState, ComposerToHost, HostToComposer } from '../../src/shared/composer';

interface VsCodeApi {
  postMessage(message: ComposerToHost): void;
  getState(): ComposerState | undefined;
  setState(state: ComposerState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();

export function send(message: ComposerToHost): void {
  api.postMessage(message);
}

export function onMessage(handler: (message: HostToComposer) => void): void {
  window.addEventListener('message', (e: MessageEvent<HostToComposer>) => handler(e.data));
}

export function loadState(): ComposerState | undefined {
  return api.getState();
}

export function saveState(state: ComposerState): void {
  api.setState(state);
}
