/**
 * The sequence picture of an exchange: the host sends the model, this draws it with the one SVG
 * builder (src/shared/diagram.ts) in VS Code's theme colours. The markup is parsed as XML, never as
 * HTML (every text in it is escaped), and imported into the page; a click or Enter on an arrow asks
 * the host to open that message.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import {
  diagramSvg,
  type DiagramModel,
  type DiagramToHost,
  type HostToDiagram,
} from '../../src/shared/diagram';
import { clear, el } from '../common/dom';
import { setStrings, t } from '../common/l10n';

interface VsCodeApi {
  postMessage(message: DiagramToHost): void;
}
declare function acquireVsCodeApi(): VsCodeApi;
const api = acquireVsCodeApi();
const send = (m: DiagramToHost) => api.postMessage(m);

const app = document.getElementById('app')!;
const header = el('header', 'summary');
const picture = el('main', 'picture');
app.append(header, picture);

function show(m: DiagramModel): void {
  clear(header);
  const title = el('div', 'title');
  title.append(el('span', 'kind', m.title), el('span', 'meta', t('{0} messages', m.arrows.length)));
  const save = el('vscode-button', 'save-svg', t('Save as SVG…')) as HTMLElement;
  save.setAttribute('secondary', '');
  save.addEventListener('click', () => send({ type: 'saveSvg' }));
  title.append(save);
  header.append(title, el('div', 'hint', t('Click an arrow to open its message.')));
  clear(picture);
  const doc = new DOMParser().parseFromString(diagramSvg(m, 'theme'), 'image/svg+xml');
  const svg = document.importNode(doc.documentElement, true);
  picture.append(svg);
  for (const g of picture.querySelectorAll<SVGGElement>('g.arrow')) {
    const open = () => send({ type: 'open', index: Number(g.dataset.index) });
    g.addEventListener('click', open);
    g.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') open();
    });
  }
}

window.addEventListener('message', (ev: MessageEvent<HostToDiagram>) => {
  const m = ev.data;
  switch (m.type) {
    case 'show':
      return show(m.model);
    case 'strings':
      return setStrings(m.strings);
    default: {
      const never: never = m;
      return never;
    }
  }
});

send({ type: 'ready' });
