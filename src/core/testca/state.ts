/**
 * What the test CA remembers: its key and certificate, what it issued and what it revoked. The core
 * keeps it in memory and tells a `CaStore` each change as it happens; src/node/caDatabase keeps it in
 * OpenSSL's `openssl ca` layout (index.txt, newcerts/, serial, crlnumber, the key in its own 0600 file).
 * `CaStateJson` is the older single-file format (`testca.json`), still read to migrate it once.
 */
export interface IssuedRecord {
  /** Lower-case hex without leading zeros: the CA's key for the certificate. */
  serialHex: string;
  subject: string;
  certBase64: string;
  /** notAfter, ISO 8601 (for index.txt's expiry column). */
  notAfter?: string;
}

export interface RevokedRecord {
  serialHex: string;
  reason?: number;
  at: string;
}

/** Where a CA's changes go; each call has made the change durable when it returns. */
export interface CaStore {
  /** A new CA: its key (PKCS#8, a secret) and self-signed certificate. */
  created(keyPkcs8: Uint8Array, certDer: Uint8Array): void | Promise<void>;
  /** A certificate issued: kept before the answer that carries it goes out. */
  issued(record: IssuedRecord, der: Uint8Array): void | Promise<void>;
  revoked(record: RevokedRecord): void | Promise<void>;
  /** The number for the next CRL, counted and kept (RFC 5280 §5.2.3). */
  nextCrlNumber(): bigint | Promise<bigint>;
  /** A root key roll: the new key (a secret) and the four certificates (RFC 9810 §4.4). */
  rolled?(keyPkcs8: Uint8Array, update: RootUpdateDer): void | Promise<void>;
}

/** A root roll's certificates, as DER. */
export interface RootUpdateDer {
  newWithNew: Uint8Array;
  newWithOld: Uint8Array;
  oldWithNew: Uint8Array;
  oldWithOld: Uint8Array;
}

/** A CA as a store gives it back. */
export interface CaSnapshot {
  keyPkcs8: Uint8Array;
  certDer: Uint8Array;
  issued: IssuedRecord[];
  revoked: RevokedRecord[];
  /** After a root roll: its certificates (certDer is then newWithNew). */
  rootUpdate?: RootUpdateDer;
}

/** The older single-file state (`testca.json`, format cmp-lens-testca/1). */
export interface CaStateJson {
  format: 'cmp-lens-testca/1';
  keyPkcs8Base64: string;
  certBase64: string;
  nextSerial: string;
  issued: IssuedRecord[];
  revoked: RevokedRecord[];
}

/** Checks the shape of a stored state, with the field that is wrong. */
export function parseState(text: string): CaStateJson {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new Error('test CA state is not JSON');
  }
  const s = v as Partial<CaStateJson>;
  if (s.format !== 'cmp-lens-testca/1') throw new Error('test CA state: format is not cmp-lens-testca/1');
  for (const k of ['keyPkcs8Base64', 'certBase64', 'nextSerial'] as const)
    if (typeof s[k] !== 'string') throw new Error(`test CA state: ${k} is missing`);
  if (!Array.isArray(s.issued) || !Array.isArray(s.revoked))
    throw new Error('test CA state: issued/revoked are not lists');
  return s as CaStateJson;
}
