/**
 * Finding the TLV node a finding is about, from the message's own tree (our DER reader), so the
 * inspector can select it: header fields by their context tags, body parts by position.
 */
import type { TlvNode } from '../der/types';

/** PKIHeader's optional fields and their context tags (RFC 9810 §5.1.1). */
const headerTags: Record<string, number> = {
  messageTime: 0,
  protectionAlg: 1,
  senderKID: 2,
  recipKID: 3,
  transactionID: 4,
  senderNonce: 5,
  recipNonce: 6,
  freeText: 7,
  generalInfo: 8,
};

export class Locator {
  constructor(readonly root: TlvNode) {}

  get header(): TlvNode | undefined {
    return this.root.children?.[0];
  }

  get body(): TlvNode | undefined {
    return this.root.children?.[1];
  }

  /** The body's content (inside its EXPLICIT tag). */
  get bodyContent(): TlvNode | undefined {
    return this.body?.children?.[0];
  }

  /** protection [0] or extraCerts [1] of the PKIMessage. */
  trailer(tag: 0 | 1): TlvNode | undefined {
    return this.root.children?.slice(2).find((c) => c.tagClass === 2 && c.tagNumber === tag);
  }

  headerField(name: string): TlvNode | undefined {
    const h = this.header?.children;
    if (!h) return undefined;
    if (name === 'pvno') return h[0];
    if (name === 'sender') return h[1];
    if (name === 'recipient') return h[2];
    const tag = headerTags[name];
    return h.slice(3).find((c) => c.tagClass === 2 && c.tagNumber === tag);
  }

  /** Element `i` of the body's SEQUENCE OF (CertReqMessages, PollRepContent …), else the body. */
  bodyElement(i: number): TlvNode | undefined {
    return this.bodyContent?.children?.[i] ?? this.body;
  }

  /** CertRepMessage: response[i] (after the optional caPubs [1]). */
  certResponse(i: number): TlvNode | undefined {
    const parts = this.bodyContent?.children ?? [];
    const responses = parts.find((c) => c.tagClass === 0 && c.tagNumber === 16);
    return responses?.children?.[i] ?? this.body;
  }
}
