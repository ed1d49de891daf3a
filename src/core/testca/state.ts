/**
 * What the test CA remembers between runs, as JSON: its key and certificate, the next serial
 * number, what it issued and what it revoked. The CLI keeps it in `--state DIR/testca.json`, the
 * extension in its global storage. The CA key is a test key in a file of mode 0600, said so in the README.
 */
export interface IssuedRecord {
  serialHex: string;
  subject: string;
  certBase64: string;
}

export interface RevokedRecord {
  serialHex: string;
  reason?: number;
  at: string;
}

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
  } catch (e) {
    throw new Error(`test CA state is not JSON: ${(e as Error).message}`);
  }
  const s = v as Partial<CaStateJson>;
  if (s.format !== 'cmp-lens-testca/1') throw new Error('test CA state: format is not cmp-lens-testca/1');
  for (const k of ['keyPkcs8Base64', 'certBase64', 'nextSerial'] as const)
    if (typeof s[k] !== 'string') throw new Error(`test CA state: ${k} is missing`);
  if (!Array.isArray(s.issued) || !Array.isArray(s.revoked))
    throw new Error('test CA state: issued/revoked are not lists');
  return s as CaStateJson;
}
