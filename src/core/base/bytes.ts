/** Bytes: hex, base64 (one decoder, strict or lenient), constant-time comparison, WebCrypto buffers. */
export { fromHex, hexAt, toHex } from '../der/values';

/** Bytes in an ArrayBuffer of their own, as WebCrypto's BufferSource type (DOM lib) asks. */
export function own(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer &&
    bytes.byteOffset === 0 &&
    bytes.byteLength === bytes.buffer.byteLength
    ? (bytes as Uint8Array<ArrayBuffer>)
    : new Uint8Array(bytes);
}

/** Equal contents, in time that does not depend on where they differ (MACs, hashes). */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

/** Standard base64 of bytes (chunked, so large inputs do not overflow the argument list). */
export function toBase64(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

/**
 * Bytes from base64. Strict (the default) throws on anything but canonical base64; `lenient` is for
 * text people paste: whitespace is dropped, missing padding added, and undefined means "not base64".
 */
export function fromBase64(text: string): Uint8Array;
export function fromBase64(text: string, mode: 'lenient'): Uint8Array | undefined;
export function fromBase64(text: string, mode: 'strict' | 'lenient' = 'strict'): Uint8Array | undefined {
  let bin: string;
  if (mode === 'strict') bin = atob(text);
  else {
    const clean = text.replace(/\s+/g, '');
    if (clean.length === 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 === 1)
      return undefined;
    try {
      bin = atob(clean.padEnd(Math.ceil(clean.length / 4) * 4, '='));
    } catch {
      return undefined; // padding in the wrong place ("abcde="): not base64 (found by the fuzzer)
    }
  }
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** The bytes of `parts`, one after another. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
