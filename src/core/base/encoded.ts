/** Byte-level helpers the checks share: elements as encoded, never re-encoded. */
import { readDer } from '../der/reader';
import type { TlvNode } from '../der/types';

/** The encoded element (a view into `bytes`). */
export function slice(bytes: Uint8Array, n: TlvNode): Uint8Array {
  return bytes.subarray(n.offset, n.end);
}

/** The element as a copy with its first identifier octet replaced (undoing an IMPLICIT tag). */
export function retag(bytes: Uint8Array, n: TlvNode, tag: number): Uint8Array {
  // A copy: Buffer#slice would be a view, and writing the tag into it would change the input.
  const out = new Uint8Array(slice(bytes, n));
  out[0] = tag;
  return out;
}

/** Content of a BIT STRING without its unused-bits octet. */
export function bitStringBytes(bytes: Uint8Array, n: TlvNode): Uint8Array {
  return bytes.subarray(n.offset + n.headerLength + 1, n.end);
}

/** DER length octets. */
export function derLength(n: number): number[] {
  if (n < 0x80) return [n];
  const out: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) out.unshift(v & 0xff);
  return [0x80 | out.length, ...out];
}

/** SEQUENCE { parts… } from parts already encoded (ProtectedPart from the header and body as received). */
export function sequenceOf(parts: Uint8Array[]): Uint8Array {
  const head = [0x30, ...derLength(parts.reduce((a, p) => a + p.length, 0))];
  const out = new Uint8Array(head.length + parts.reduce((a, p) => a + p.length, 0));
  out.set(head);
  let o = head.length;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** A certificate's TBSCertificate, SubjectPublicKeyInfo and signature BIT STRING, as encoded. */
export function certificateParts(certDer: Uint8Array): {
  tbs?: TlvNode;
  spki?: TlvNode;
  signature?: TlvNode;
} {
  const [tbs, , signature] = readDer(certDer).roots[0]?.children ?? [];
  const fields = tbs?.children ?? [];
  // version [0] is optional; SubjectPublicKeyInfo is the sixth field after it.
  const start = fields[0]?.tagClass === 2 && fields[0].tagNumber === 0 ? 1 : 0;
  return { tbs, spki: fields[start + 5], signature };
}

/** DER GeneralizedTime YYYYMMDDHHMMSSZ, whole seconds (ConfirmWaitTimeValue, RFC 9810 §5.1.1.2). */
export function generalizedTimeDer(d: Date): Uint8Array {
  const text = `${d.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
  return new Uint8Array([0x18, text.length, ...new TextEncoder().encode(text)]);
}
