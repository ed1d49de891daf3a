import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
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

/** Every node of an annotated document, depth first. */
export function allNodes(doc: AnnotatedDocument): AnnotatedNode[] {
  const out: AnnotatedNode[] = [];
  const stack = [...doc.roots];
  while (stack.length) {
    const n = stack.pop()!;
    out.push(n);
    stack.push(...n.children);
  }
  return out;
}
