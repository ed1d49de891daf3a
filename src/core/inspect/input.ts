/** Turns file content into DER: raw DER, PEM with any label, or bare base64 (as `openssl base64` writes). */

export interface Unwrapped {
  der: Uint8Array;
  format: 'der' | 'pem' | 'base64';
  pemLabel?: string;
  /** Set when the input looked like text but could not be decoded. */
  error?: string;
}

const pemRe = /-----BEGIN ([A-Z0-9 ._-]+)-----([\s\S]*?)-----END \1-----/;

function base64ToBytes(text: string): Uint8Array | undefined {
  const clean = text.replace(/\s+/g, '');
  if (clean.length === 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 === 1) return undefined;
  let bin: string;
  try {
    bin = atob(clean.padEnd(Math.ceil(clean.length / 4) * 4, '='));
  } catch {
    return undefined; // padding in the wrong place ("abcde="): not base64 (found by the fuzzer)
  }
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function looksLikeText(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 4096);
  for (let i = 0; i < n; i++) {
    const b = bytes[i];
    if (b < 0x09 || (b > 0x0d && b < 0x20) || b > 0x7e) return false;
  }
  return true;
}

/** Finds the DER in `bytes`. DER is taken as is; text is read as PEM, then as base64. */
export function unwrapInput(bytes: Uint8Array): Unwrapped {
  if (bytes.length === 0 || !looksLikeText(bytes)) return { der: bytes, format: 'der' };
  const text = new TextDecoder('latin1').decode(bytes);
  const pem = pemRe.exec(text);
  if (pem) {
    const body = pem[2].split(/\r?\n/).filter((l) => !/^[A-Za-z-]+:/.test(l)).join('');
    const der = base64ToBytes(body);
    if (!der) return { der: bytes, format: 'pem', pemLabel: pem[1], error: `the PEM block "${pem[1]}" at offset ${pem.index} is not valid base64` };
    return { der, format: 'pem', pemLabel: pem[1] };
  }
  if (text.includes('-----BEGIN ')) {
    return { der: bytes, format: 'pem', error: `a PEM "-----BEGIN" line at offset ${text.indexOf('-----BEGIN ')} has no matching "-----END" line` };
  }
  const der = base64ToBytes(text);
  if (der && der.length > 0 && der[0] === 0x30) return { der, format: 'base64' };
  return { der: bytes, format: 'der' };
}
