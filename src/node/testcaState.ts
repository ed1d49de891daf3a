/** The test CA kept in a folder: `testca.json` (mode 0600: it holds the CA's private key), made on first use. */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestCa, parseState, type CaStateJson, type TestCaOptions } from '../core/testca';

/** Loads the CA from `dir`, or makes one there; every change (issued, revoked) is written back. */
export async function openTestCa(
  dir: string,
  options: Omit<TestCaOptions, 'onStateChange'>,
): Promise<TestCa> {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'testca.json');
  const onStateChange = (s: CaStateJson) => {
    writeFileSync(file, JSON.stringify(s, null, 1), { mode: 0o600 });
    chmodSync(file, 0o600); // writeFileSync's mode applies only when it creates the file
  };
  const all = { ...options, onStateChange };
  return existsSync(file) ? TestCa.load(parseState(readFileSync(file, 'utf8')), all) : TestCa.create(all);
}
