/**
 * Saves a CMP exchange to a folder on disk as it happens (`ExchangeFiles` names and fills the files),
 * each file atomically: a send killed at any step leaves only whole files. Shared by `cmp-lens send`,
 * `cmp-lens serve --out` and the Node extension host's Send command.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ExchangeFiles } from '../app';
import { writeFileAtomic } from './atomic';

export class ExchangeStore extends ExchangeFiles {
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    super(dir, (name, data, secret) => writeFileAtomic(join(dir, name), data, secret ? 0o600 : 0o644));
  }
}
