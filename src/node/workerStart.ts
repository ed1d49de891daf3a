/** A worker thread running dist/worker.js with V8's code cache (src/node/codeCache.ts), for `cmp-lens inspect`'s helper. */
import { join } from 'node:path';
import { runCached } from './codeCache';

runCached(join(__dirname, 'worker.js'), 'load');
