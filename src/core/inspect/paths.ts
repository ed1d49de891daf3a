/**
 * Field paths ("body.ir[0].certReq.certTemplate.subject") are not stored in the tree: a message with
 * a million nodes would keep a million strings for a value people ask for one node at a time. They
 * follow from the names the annotator gives, by these rules (annotate.ts names nodes accordingly):
 * - an unnamed node is a generic child: "[i]", or ".<DER>" below an OCTET STRING holding DER;
 * - an item of a SEQUENCE OF / SET OF is named "[i]" and appends that;
 * - the element inside an explicit tag of a field ("[0] EXPLICIT"), and the typed content of an
 *   encapsulating OCTET/BIT STRING, has its parent's name and path;
 * - anything else is a field or a CHOICE alternative: ".name".
 */
import type { AnnotatedNode } from '../../shared/annotated';

/** The path of root `index`: the message itself, or bytes after it. */
export function rootPath(index: number): string {
  return index === 0 ? '' : `<trailing ${index}>`;
}

export function childPath(
  parent: AnnotatedNode,
  parentPath: string,
  child: AnnotatedNode,
  index: number,
): string {
  if (child.name === '') return parent.encapsulates ? `${parentPath}.<DER>` : `${parentPath}[${index}]`;
  if (child.name.startsWith('[')) return `${parentPath}${child.name}`;
  if (
    child.name === parent.name &&
    (parent.encapsulates || (parent.type.startsWith('[') && parent.type.endsWith('EXPLICIT')))
  )
    return parentPath;
  return parentPath ? `${parentPath}.${child.name}` : child.name;
}

/** The path of the node at an index path ("0.2.1"); undefined when there is none. */
export function pathOf(roots: AnnotatedNode[], id: string): string | undefined {
  const parts = id.split('.').map(Number);
  let node: AnnotatedNode | undefined = roots[parts[0]];
  if (!node) return undefined;
  let path = rootPath(parts[0]);
  for (let i = 1; i < parts.length; i++) {
    if (!(parts[i] >= 0 && parts[i] < node.childCount)) return undefined;
    const child = node.child(parts[i]);
    path = childPath(node, path, child, parts[i]);
    node = child;
  }
  return path;
}

/** A node's fields as JSON shows them, in the document's order (undefined ones JSON leaves out). */
export function nodeFields(node: AnnotatedNode): [string, unknown][] {
  return [
    ['name', node.name],
    ['type', node.type],
    ['tag', node.tag],
    ['offset', node.offset],
    ['headerLength', node.headerLength],
    ['length', node.length],
    ['value', node.value],
    ['explained', node.explained],
    ['notes', node.notes],
    ['ref', node.ref],
    ['hexFrom', node.hexFrom],
    ['indefinite', node.indefinite],
    ['problems', node.problems],
    ['encapsulates', node.encapsulates],
  ];
}

/** The document as JSON shows it (`cmp-lens inspect --json`): every node with its path. */
export function withPaths(roots: AnnotatedNode[]): unknown[] {
  const copy = (node: AnnotatedNode, path: string): unknown => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of nodeFields(node)) if (v !== undefined) out[k] = v;
    out.path = path;
    out.children = node.children.map((c, i) => copy(c, childPath(node, path, c, i)));
    return out;
  };
  return roots.map((r, i) => copy(r, rootPath(i)));
}

/** The path of the node whose identifier octet is at `offset` (one per offset: a header takes 2+ octets). */
export function pathAtOffset(root: AnnotatedNode, rootPathText: string, offset: number): string | undefined {
  let node = root;
  let path = rootPathText;
  while (node.offset !== offset) {
    // Children are in offset order: the last one starting at or before `offset`.
    let lo = 0;
    let hi = node.childCount - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (node.child(mid).offset <= offset) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (found < 0) return undefined;
    const child = node.child(found);
    path = childPath(node, path, child, found);
    node = child;
  }
  return path;
}

/** Visits every node depth-first with its path and index-path id. */
export function walkWithPaths(
  roots: AnnotatedNode[],
  visit: (node: AnnotatedNode, path: string, id: string) => void,
): void {
  const walk = (node: AnnotatedNode, path: string, id: string): void => {
    visit(node, path, id);
    for (let i = 0; i < node.childCount; i++) {
      const child = node.child(i);
      walk(child, childPath(node, path, child, i), `${id}.${i}`);
    }
  };
  roots.forEach((r, i) => walk(r, rootPath(i), String(i)));
}

/**
 * `cmp-lens inspect --json` piece by piece: the same text as `JSON.stringify({ ...doc, roots:
 * withPaths(doc.roots), findings }, null, 2)`, produced as it is written, so no single string (nor a
 * copy of the tree with paths) is ever held whole. `rest` is the document without its roots, with
 * the findings; `roots` come after it, as withPaths orders them.
 */
export function* jsonChunks(rest: Record<string, unknown>, roots: AnnotatedNode[]): Generator<string> {
  yield '{';
  let first = true;
  for (const [k, v] of Object.entries(rest)) {
    if (k === 'roots') {
      yield `${first ? '' : ','}\n  "roots": `;
      yield* nodesJson(roots, '  ');
    } else {
      const text = JSON.stringify(v, null, 2);
      if (text === undefined) continue;
      yield `${first ? '' : ','}\n  ${JSON.stringify(k)}: ${text.replace(/\n/g, '\n  ')}`;
    }
    first = false;
  }
  yield '\n}';
}

/** The roots array with every node's path, depth-first without recursion, in JSON.stringify's layout. */
function* nodesJson(roots: AnnotatedNode[], indent: string): Generator<string> {
  if (!roots.length) {
    yield '[]';
    return;
  }
  // A frame per open "children" array: the node, its path, its indent, the next child to write.
  interface Frame {
    node?: AnnotatedNode;
    path: string;
    count: number;
    at: (i: number) => AnnotatedNode;
    indent: string;
    next: number;
  }
  const fields = (node: AnnotatedNode, path: string, pad: string): string => {
    let out = '{';
    for (const [k, v] of [...nodeFields(node), ['path', path]]) {
      const text = JSON.stringify(v, null, 2);
      if (text === undefined) continue;
      out += `\n${pad}  ${JSON.stringify(k)}: ${text.replace(/\n/g, `\n${pad}  `)},`;
    }
    return `${out}\n${pad}  "children": `;
  };
  const stack: Frame[] = [{ path: '', count: roots.length, at: (i) => roots[i], indent, next: 0 }];
  yield '[';
  while (stack.length) {
    const f = stack[stack.length - 1];
    if (f.next >= f.count) {
      stack.pop();
      yield `\n${f.indent}]`;
      // The array closed was a node's children: close that node.
      if (f.node) yield `\n${f.indent.slice(2)}}`;
      continue;
    }
    const i = f.next++;
    const node = f.at(i);
    const path = f.node ? childPath(f.node, f.path, node, i) : rootPath(i);
    const pad = `${f.indent}  `;
    yield `${i ? ',' : ''}\n${pad}${fields(node, path, pad)}`;
    if (!node.childCount) yield `[]\n${pad}}`;
    else {
      yield '[';
      stack.push({
        node,
        path,
        count: node.childCount,
        at: (k) => node.child(k),
        indent: `${pad}  `,
        next: 0,
      });
    }
  }
}
