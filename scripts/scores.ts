// Writes test/fixtures/scores.json: for every fixture, the share of nodes the annotator named.
// The unit tests fail when a score drops below this baseline. Run: npm run scores
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { inspectBytes } from '../src/core/inspect';
import { isMessageFixture } from '../test/unit/helpers';

const root = join(__dirname, '..', 'test', 'fixtures');
const scores: Record<string, number> = {};
const walk = (dir: string): void => {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (isMessageFixture(name)) {
      const doc = inspectBytes(new Uint8Array(readFileSync(p)));
      scores[relative(root, p)] =
        Math.round((doc.stats.explained / Math.max(1, doc.stats.nodes)) * 1000) / 10;
    }
  }
};
walk(root);
writeFileSync(join(root, 'scores.json'), `${JSON.stringify(scores, null, 2)}\n`);
console.log(`${Object.keys(scores).length} fixtures scored`);
