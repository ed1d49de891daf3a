/** `cmp-lens`: runs the CLI's bundle (dist/cli.bundle.js) with V8's code cache (src/node/codeCache.ts). */
import { join } from 'node:path';
import { runCached } from '../node/codeCache';

runCached(join(__dirname, 'cli.bundle.js'));
