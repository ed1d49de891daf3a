/** PEM: file content into DER (raw DER, PEM with any label, or bare base64 as `openssl base64` writes), and DER into PEM. */
import { fromBase64, toBase64 } from './bytes';

export interface Unwrapped {
  der: Uint8Array;
  format: 'der' | 'pem' | 'base64';
  pemLabel?: string;
  /** Set when the input looked like text but could not be decoded. */
  error?: string;
}

const pemRe = /-----BEGIN ([A-Z0-9 ._-]+)-----([\s\S]*?)-----END \1-----/;

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
    const body = pem[2]
      .split(/\r?\n/)
      .filter((l) => !/^[A-Za-z-]+:/.test(l))
      .join('');
    const der = fromBase64(body, 'lenient');
    if (!der)
      return {
        der: bytes,
        format: 'pem',
        pemLabel: pem[1],
        error: `the PEM block "${pem[1]}" at offset ${pem.index} is not valid base64`,
      };
    return { der, format: 'pem', pemLabel: pem[1] };
  }
  if (text.includes('-----BEGIN ')) {
    return {
      der: bytes,
      format: 'pem',
      error: `a PEM "-----BEGIN" line at offset ${text.indexOf('-----BEGIN ')} has no matching "-----END" line`,
    };
  }
  const der = fromBase64(text, 'lenient');
  if (der && der.length > 0 && der[0] === 0x30) return { der, format: 'base64' };
  return { der: bytes, format: 'der' };
}

/** PEM armour for DER (CERTIFICATE, PRIVATE KEY, CERTIFICATE REQUEST). */
export function toPem(label: string, der: Uint8Array): string {
  const b64 = toBase64(der);
  return `-----BEGIN ${label}-----\n${b64.replace(/.{1,64}/g, '$&\n')}-----END ${label}-----\n`;
}
