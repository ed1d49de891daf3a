import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { nodeFields, walkWithPaths } from '../../src/core/inspect/paths';
import type { AnnotatedDocument, AnnotatedNode } from '../../src/shared/annotated';

export const fixtures = join(__dirname, '..', 'fixtures');

export function fixture(rel: string): Uint8Array {
  return new Uint8Array(readFileSync(join(fixtures, rel)));
}

/** A fixture that holds one message (or bad input meant as one): not docs, baselines or captures. */
export const isMessageFixture = (name: string): boolean =>
  !/\.(md|txt|json|pcap|pcapng)$/.test(name) && !name.startsWith('LICENSE');

/** Files under a fixture folder, relative to test/fixtures. */
export function fixtureFiles(folder: string, filter: (name: string) => boolean = () => true): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const name of readdirSync(join(fixtures, rel)).sort()) {
      const r = join(rel, name);
      if (statSync(join(fixtures, r)).isDirectory()) walk(r);
      else if (filter(name)) out.push(r);
    }
  };
  walk(folder);
  return out;
}

export function hex(text: string): Uint8Array {
  const clean = text.replace(/\s+/g, '');
  return new Uint8Array(clean.match(/../g)?.map((b) => parseInt(b, 16)) ?? []);
}

/** Every node of an annotated document, depth first, each with its field path (a copy: the tree stores none). */
export function allNodes(doc: Pick<AnnotatedDocument, 'roots'>): (AnnotatedNode & { path: string })[] {
  const out: (AnnotatedNode & { path: string })[] = [];
  // A node is a view over the compact tree: its fields copied out, as a plain object with its path.
  walkWithPaths(doc.roots, (node, path) =>
    out.push({
      ...(Object.fromEntries(nodeFields(node)) as Omit<AnnotatedNode, 'children' | 'childCount' | 'child'>),
      children: node.children,
      childCount: node.childCount,
      child: (i: number) => node.child(i),
      path,
    }),
  );
  return out;
}
