/** Keys and certificates from files (PEM or DER), and writing a generated key safely. */
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from './atomic';
import { importPrivateKey, type KeyPair } from '../core/base/keys';
import { toPem } from '../core/base/pem';
import { unwrapInput } from '../core/base/pem';

/** A key, certificate or CSR file that cannot be used: the CLI reports it as a usage error (exit 2). */
export class MaterialError extends Error {}

const why: Record<string, string> = {
  ENOENT: 'there is no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a folder',
};

/** Why a file could not be read, in words (not the system's error text). */
export function readFailure(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code ?? '';
  return why[code] ?? (code ? `the system says ${code}` : 'it cannot be read');
}

function read(path: string, what: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (e) {
    throw new MaterialError(`cannot read the ${what} ${path}: ${readFailure(e)}`);
  }
}

/** DER of a certificate (or CSR) file in PEM, base64 or DER. */
export function loadDer(path: string, what = 'certificate'): Uint8Array {
  const u = unwrapInput(read(path, what));
  if (u.error) throw new MaterialError(`${path}: ${u.error}`);
  return u.der;
}

/** A PKCS#8 private key ("PRIVATE KEY" PEM or DER). Legacy "EC/RSA PRIVATE KEY" PEM is refused with the fix. */
export async function loadKey(path: string): Promise<KeyPair> {
  const u = unwrapInput(read(path, 'private key'));
  if (u.pemLabel && u.pemLabel !== 'PRIVATE KEY') {
    throw new MaterialError(
      `${path} is a "${u.pemLabel}" PEM; give a PKCS#8 key ("PRIVATE KEY"), e.g. openssl pkcs8 -topk8 -nocrypt -in ${path}`,
    );
  }
  try {
    return await importPrivateKey(u.der);
  } catch (e) {
    throw new MaterialError(`${path}: ${(e as Error).message}`);
  }
}

/** Writes a private key as PKCS#8 PEM readable only by its owner (mode 0600). */
export function saveKey(path: string, key: Pick<KeyPair, 'pkcs8'>): void {
  // Always a new file (renamed over the old), so its mode is 0600 whatever the old one's was.
  writeFileAtomic(path, toPem('PRIVATE KEY', key.pkcs8), 0o600);
}
