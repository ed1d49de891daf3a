/** Reading a PKIMessage's header and body for a client or server (not for display: see inspect/). */
import { PKIBody, PKIHeader, PKIStatus, PKIStatusInfo, pkiBodyNames, pkiFailureInfoNames } from '../asn1';
import { tagName, type TlvNode } from '../der/types';
import { nodeCount, readDer, withTlvRead, type DerDocument } from '../der/reader';
import { toHex } from './bytes';
import { decodeNode } from './decode';

export interface ReadMessage {
  header: PKIHeader;
  body: PKIBody;
  /** "ip", "pollRep", … */
  bodyName: string;
  /**
   * Set when the body was too big to decode into schema objects (more TLV nodes than
   * `schemaNodeLimit`: a crlann with a 200,000-entry CRL): `body` is then empty and this is the body's
   * node count. The inspector's annotator reads such bodies whole from the TLV tree; here they are
   * only named.
   */
  bodyNodes?: number;
  /** The TLV read it was decoded from: a caller that reads the message again (checks, verify) reuses it. */
  doc?: DerDocument;
}

/**
 * The most TLV nodes a body may have to be decoded into schema objects (an object per field: a CRL
 * of 200,000 entries would be a million of them, for checks that read a few).
 */
export const schemaNodeLimit = 9_000;

export { nodeCount };

/** "offset 0x…" of an element (a module function: see readInto in der/reader on closures). */
function atOffset(n: TlvNode): string {
  return `offset 0x${n.offset.toString(16)}`;
}

/**
 * Header and body, decoded from our TLV tree (read once): extraCerts are left out, so a message with
 * thousands of them costs what its header and body do. Throws with the offset when it does not decode.
 */
export function readMessage(der: Uint8Array, read: ReturnType<typeof readDer> = readDer(der)): ReadMessage {
  const doc = read;
  const err = doc.problems.find((p) => p.severity === 'error');
  if (err) throw new Error(`not DER: ${err.message}`);
  const root = doc.roots[0];
  if (!root || root.tagNumber !== 16 || (root.children?.length ?? 0) < 2)
    throw new Error('not a PKIMessage: expected SEQUENCE { header, body, … } at offset 0x0');
  const [h, b] = root.children!;
  if (b.tagClass !== 2 || !b.constructed || b.tagNumber >= pkiBodyNames.length) {
    throw new Error(
      b.tagClass === 2
        ? `unknown PKIBody alternative [${b.tagNumber}] at ${atOffset(b)} (RFC 9810 defines 0–${pkiBodyNames.length - 1})`
        : `the body at ${atOffset(b)} is ${tagName(b)}, not a PKIBody alternative [0]–[${pkiBodyNames.length - 1}] (RFC 9810 §5.1.2)`,
    );
  }
  // The schema decoder's own words never reach a user: what and where, and where to look closer.
  let header: PKIHeader;
  let body: PKIBody;
  try {
    header = decodeNode(der, h, PKIHeader);
  } catch {
    throw new Error(
      `the header at ${atOffset(h)} does not match PKIHeader (RFC 9810 §5.1.1); inspecting the message shows the field at fault`,
    );
  }
  const nodes = nodeCount(b, schemaNodeLimit);
  if (nodes > schemaNodeLimit)
    return { header, body: new PKIBody(), bodyName: pkiBodyNames[b.tagNumber], bodyNodes: nodeCount(b), doc };
  try {
    body = decodeNode(der, b, PKIBody);
  } catch {
    throw new Error(
      `the ${pkiBodyNames[b.tagNumber]} body at ${atOffset(b)} does not match its RFC 9810 schema; inspecting the message shows the field at fault`,
    );
  }
  const bodyName =
    Object.keys(body).find((k) => (body as unknown as Record<string, unknown>)[k] !== undefined) ?? '?';
  return { header, body, bodyName, doc };
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

/** Hex senderKID of a message: the name a shared secret is stored under (undefined when absent). */
export function senderKidHex(m: ReadMessage): string | undefined {
  return m.header.senderKID ? toHex(new Uint8Array(m.header.senderKID.buffer)) : undefined;
}

/**
 * The top of a message's TLV tree only (root, header, its fields, their first element): enough for
 * its shape and header identifiers, and cheap however many certificates or CRL entries follow.
 */
export function readTop(der: Uint8Array): TlvNode | undefined {
  return readDer(der, { limits: { maxDepth: 4 } }).roots[0];
}

/** Hex senderKID of encoded bytes, read off the TLV tree; undefined when absent or not a message. */
export function senderKidOf(der: Uint8Array, root: TlvNode | undefined = readTop(der)): string | undefined {
  if (!messageShaped(root)) return undefined;
  // senderKID [2] KeyIdentifier (an OCTET STRING), after pvno, sender, recipient (RFC 9810 §5.1.1).
  const wrap = root!.children![0].children!.slice(3).find((c) => c.tagClass === 2 && c.tagNumber === 2);
  const kid = wrap?.children?.[0];
  return kid && universal(kid, 4) ? toHex(der.subarray(kid.offset + kid.headerLength, kid.end)) : undefined;
}

/** Hex transactionID of a message ('' when absent). */
export function transactionIdHex(m: ReadMessage): string {
  return m.header.transactionID ? toHex(new Uint8Array(m.header.transactionID.buffer)) : '';
}

export interface MessageOutline {
  bodyName: string;
  /** Hex, '' when absent. */
  transactionID: string;
  /** The first PKIStatusInfo of a response (ip, cp, kup, ccp, rp, error), in words. */
  status?: string;
}

const universal = (n: TlvNode | undefined, tag: number) => n?.tagClass === 0 && n.tagNumber === tag;

/** Where a response body keeps its (first) PKIStatusInfo (RFC 9810 §5.3). */
function statusNode(bodyName: string, content: TlvNode | undefined): TlvNode | undefined {
  switch (bodyName) {
    case 'ip':
    case 'cp':
    case 'kup':
    case 'ccp': {
      // CertRepMessage ::= SEQUENCE { caPubs [1] OPTIONAL, response SEQUENCE OF CertResponse }
      const response = content?.children?.find((c) => universal(c, 16));
      return response?.children?.[0]?.children?.[1];
    }
    case 'rp':
      return content?.children?.[0]?.children?.[0]; // RevRepContent: status SEQUENCE OF PKIStatusInfo
    case 'error':
      return content?.children?.[0]; // ErrorMsgContent: pKIStatusInfo first
    default:
      return undefined;
  }
}

/**
 * SEQUENCE { header SEQUENCE { pvno INTEGER, sender [n], recipient [n], … }, body [n] constructed, … }:
 * a PKIMessage's shape on the TLV tree, whatever the body's number (an unknown one is still a message).
 */
export function messageShaped(root: TlvNode | undefined): boolean {
  const [h, b] = root?.children ?? [];
  if (!universal(root, 16) || !universal(h, 16) || !b || b.tagClass !== 2 || !b.constructed) return false;
  const hc = h.children ?? [];
  return universal(hc[0], 2) && hc[1]?.tagClass === 2 && hc[2]?.tagClass === 2;
}

/**
 * The outline of a PKIMessage read off its TLV tree, without the schema decoder (which costs a
 * hundred times more): for listing many messages, as in a capture. Undefined when the bytes do not
 * have a PKIMessage's shape (SEQUENCE { header SEQUENCE { pvno INTEGER, sender, recipient, … },
 * body [0..26], … }); readMessage says why, and decodes fully.
 */
export function peekMessage(der: Uint8Array): MessageOutline | undefined {
  // A tree that lives for this call (withTlvRead): one per message was most of a capture's reading.
  return withTlvRead(der, (read) => {
    if (read.problems.some((p) => p.severity === 'error') || !read.roots.length) return undefined;
    return outlineOf(der, read.tree.node(read.roots[0]));
  });
}

function outlineOf(der: Uint8Array, root: TlvNode): MessageOutline | undefined {
  if (!messageShaped(root)) return undefined;
  const [h, b] = root.children!;
  if (b.tagNumber >= pkiBodyNames.length) return undefined;
  const hc = h.children ?? [];
  const bodyName = pkiBodyNames[b.tagNumber];
  const tidWrap = hc.slice(3).find((c) => c.tagClass === 2 && c.tagNumber === 4);
  const tid = tidWrap?.children?.[0];
  const out: MessageOutline = {
    bodyName,
    transactionID:
      tid && universal(tid, 4)
        ? toHex(der.subarray(tid.offset + tid.headerLength, tid.offset + tid.headerLength + tid.length))
        : '',
  };
  const info = statusNode(bodyName, b.children?.[0]);
  if (info && universal(info, 16)) {
    try {
      out.status = statusText(decodeNode(der, info, PKIStatusInfo));
    } catch {
      // a status that does not decode is left out of the outline; readMessage reports it
    }
  }
  return out;
}

/** The DER of each certificate in a message's extraCerts ([1] after header, body and protection). */
export function extraCertsDer(der: Uint8Array): Uint8Array[] {
  const root = readDer(der, { limits: { maxDepth: 3 } }).roots[0];
  const wrap = root?.children?.slice(2).find((c) => c.tagClass === 2 && c.tagNumber === 1);
  return (wrap?.children?.[0]?.children ?? []).map((c) => der.subarray(c.offset, c.end));
}
