/** The webview's link to the extension host: typed postMessage and persisted state. */
import type { HostToWebview, InspectorState, WebviewToHost } from '../../src/shared/protocol';

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  getState(): InspectorState | undefined;
  setState(state: InspectorState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();

export function send(message: WebviewToHost): void {
  api.postMessage(message);
}

export function onMessage(handler: (message: HostToWebview) => void): void {
  window.addEventListener('message', (e: MessageEvent<HostToWebview>) => handler(e.data));
}

export function loadState(): InspectorState {
  return api.getState() ?? { expanded: [], scrollTop: 0, filter: '' };
}

export function saveState(state: InspectorState): void {
  api.setState(state);
}
