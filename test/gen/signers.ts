/**
 * Where the signer sits: real signed messages (OpenSSL's mock server and client) with their
 * extraCerts rearranged. The protection covers header and body only, so every variant still carries
 * the producer's own signature; only the place of the protecting certificate changes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { derLength, sequenceOf, slice } from '../../src/core/base/encoded';
import { readDer } from '../../src/core/der/reader';

const fixtures = join(__dirname, '..', 'fixtures');

/** kur-sig-ec: OpenSSL's kur, signed by "CN=Existing EE" (extraCerts[0]) with "CN=Test CA" after it. */
export const signedKur = (): Uint8Array =>
  new Uint8Array(readFileSync(join(fixtures, 'openssl-mock/kur-sig-ec.der')));

function wrap(tag: number, content: Uint8Array): Uint8Array {
  const head = [tag, ...derLength(content.length)];
  const out = new Uint8Array(head.length + content.length);
  out.set(head);
  out.set(content, head.length);
  return out;
}

/** The certificates in a message's extraCerts, as encoded. */
export function extraCertsOf(der: Uint8Array): Uint8Array[] {
  const root = readDer(der).roots[0];
  const wrapper = root?.children?.find((c) => c.tagClass === 2 && c.tagNumber === 1);
  return (wrapper?.children?.[0]?.children ?? []).map((c) => slice(der, c));
}

/** The message with extraCerts replaced by `certs` (none: the field left out). */
export function withExtraCerts(der: Uint8Array, certs: Uint8Array[]): Uint8Array {
  const root = readDer(der).roots[0]!;
  const kept = root
    .children!.filter((c) => !(c.tagClass === 2 && c.tagNumber === 1))
    .map((c) => slice(der, c));
  return sequenceOf(certs.length ? [...kept, wrap(0xa1, sequenceOf(certs))] : kept);
}

/** The message with one byte of its protection value flipped (the last byte of the signature). */
export function withBrokenSignature(der: Uint8Array): Uint8Array {
  const root = readDer(der).roots[0]!;
  const prot = root.children!.find((c) => c.tagClass === 2 && c.tagNumber === 0)!;
  const out = new Uint8Array(der);
  out[prot.end - 1] ^= 0x01;
  return out;
}
