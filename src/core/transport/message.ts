/** Reading a PKIMessage's header and body for a client or server (not for display: see inspect/). */
import { AsnParser } from '@peculiar/asn1-schema';
import { PKIBody, PKIHeader, PKIStatus, pkiFailureInfoNames, type PKIStatusInfo } from '../asn1';
import { readDer } from '../der/reader';
import { slice } from '../protection/der';
import { toHex } from '../der/values';

export interface ReadMessage {
  header: PKIHeader;
  body: PKIBody;
  /** "ip", "pollRep", … */
  bodyName: string;
}

/**
 * Header and body, parsed separately from our TLV tree: extraCerts are left out, so a message with
 * thousands of them stays under asn1js's node limit. Throws with the offset when it does not decode.
 */
export function readMessage(der: Uint8Array): ReadMessage {
  const doc = readDer(der);
  const err = doc.problems.find((p) => p.severity === 'error');
  if (err) throw new Error(`not DER: ${err.message}`);
  const root = doc.roots[0];
  if (!root || root.tagNumber !== 16 || (root.children?.length ?? 0) < 2) throw new Error('not a PKIMessage: expected SEQUENCE { header, body, … } at offset 0x0');
  const [h, b] = root.children!;
  let header: PKIHeader;
  let body: PKIBody;
  try {
    header = AsnParser.parse(slice(der, h), PKIHeader);
  } catch (e) {
    throw new Error(`header at offset 0x${h.offset.toString(16)} does not decode: ${(e as Error).message}`);
  }
  try {
    body = AsnParser.parse(slice(der, b), PKIBody);
  } catch (e) {
    throw new Error(`body at offset 0x${b.offset.toString(16)} does not decode: ${(e as Error).message}`);
  }
  const bodyName = Object.keys(body).find((k) => (body as unknown as Record<string, unknown>)[k] !== undefined) ?? '?';
  return { header, body, bodyName };
}

/** "rejection: badPOP, badRequest (text)" */
export function statusText(s: PKIStatusInfo | undefined): string {
  if (!s) return '';
  const fail = s.failInfo?.toNames() ?? [];
  const words = PKIStatus[s.status] ?? `status ${s.status}`;
  const text = s.statusString?.length ? ` "${[...s.statusString].join(' ')}"` : '';
  return `${words}${fail.length ? `: ${fail.join(', ')}` : ''}${text}`;
}

export { pkiFailureInfoNames };

/** Hex transactionID of a message ('' when absent). */
export function transactionIdHex(m: ReadMessage): string {
  return m.header.transactionID ? toHex(new Uint8Array(m.header.transactionID.buffer)) : '';
}
