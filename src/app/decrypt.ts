/**
 * Decrypt a PKIMessage's encrypted content (issue 18): a centrally generated key, an encrypted
 * certificate, a POP challenge's Rand, a revocation passphrase, an archived key. Both front ends call
 * this; what it says never holds a secret (keys are "redacted" until a front end is asked to show or
 * save them), and the files it plans are what `cmp-lens decrypt` writes and the inspector's Save offers.
 */
import { ContentInfo } from '@peculiar/asn1-cms';
import { AsnSerializer } from '@peculiar/asn1-schema';
import { extraCertsDer, own, readMessage, toPem } from '../core/base';
import { readDer } from '../core/der/reader';
import type { ModelPort } from './modelPort';
import type { EncryptedView } from '../shared/protocol';
import type { Subtle } from '../core/base';
import {
  certNameOf,
  decryptItem,
  findEncrypted,
  type DecryptedItem,
  type EncryptedItem,
  type RecipientKey,
} from '../core/protection';

export interface DecryptOutcome {
  /** What the message carries encrypted, found whether or not it opens. */
  found: EncryptedItem[];
  items: DecryptedItem[];
  /** 0 every item opened and checked out; 1 a check failed; 3 no item opened with the key. */
  exit: 0 | 1 | 3;
}

/** Opens every encrypted item of the message `der` with `key`. */
export async function decryptMessage(
  der: Uint8Array,
  key: RecipientKey,
  options: { subtle?: Subtle } = {},
): Promise<DecryptOutcome> {
  const msg = readMessage(der);
  const found = findEncrypted(msg);
  const extraCerts = extraCertsDer(der);
  const items: DecryptedItem[] = [];
  for (const item of found)
    items.push(
      await decryptItem(item, key, { extraCerts, sender: msg.header.sender, subtle: options.subtle }),
    );
  const exit = items.some((i) => i.failed === 'check')
    ? 1
    : items.length && items.every((i) => i.failed === 'no-key')
      ? 3
      : items.some((i) => i.failed === 'no-key')
        ? 1
        : 0;
  return { found, items, exit };
}

/** Lines saying what an item held and how it was checked; keys are named, never shown. */
export function describeDecrypted(item: DecryptedItem): string[] {
  const where = `${item.purpose} at ${item.path}`;
  if (item.failed === 'no-key') return [`${where}: not decrypted — ${item.problem}`];
  const lines = [
    `${where}: decrypted with ${item.openedBy}${item.contentEncryption ? `, ${item.contentEncryption}` : ''}`,
  ];
  const pkg = item.keyPackage;
  if (pkg) {
    const s = pkg.signature;
    lines.push(`  KGA signature: ${s.verdict} — ${s.summary}${s.reason ? `: ${s.reason}` : ''}`);
    lines.push(`  KGA authorized: ${pkg.authorized.ok ? 'yes' : 'no'} — ${pkg.authorized.reason}`);
    lines.push(`  signed content: ${pkg.contentType}`);
    if (pkg.habit) lines.push(`  note: ${pkg.habit}`);
  }
  for (const k of item.keys ?? []) {
    const match =
      k.matchesCertificate === undefined
        ? ''
        : k.matchesCertificate
          ? ', matches the certificate issued with it'
          : ', does NOT match the certificate issued with it';
    lines.push(`  private key: ${k.algorithm} (redacted)${match}`);
  }
  if (item.certificate) lines.push(`  certificate: ${certNameOf(item.certificate)}`);
  if (item.rand) {
    const m = item.rand.senderMatches;
    lines.push(
      `  Rand: int ${item.rand.int}, sender ${item.rand.sender}${m === undefined ? '' : m ? ' (the message sender: matches)' : ' (does NOT match the message sender)'}`,
    );
  }
  if (item.purpose === 'passphrase' && item.content)
    lines.push(`  passphrase: ${item.content.length} bytes (redacted)`);
  if (item.problem) lines.push(`  problem: ${item.problem}`);
  return lines;
}

export interface PlannedFile {
  name: string;
  text: string;
  /** A private key: written owner-only (0600). */
  secret: boolean;
}

/** The files for what was decrypted: each key as NAME.key.pem (PKCS#8), each certificate as NAME.crt.pem. */
export function decryptedFiles(items: DecryptedItem[], base: string): PlannedFile[] {
  const files: PlannedFile[] = [];
  const keys = items.flatMap((i) => i.keys ?? []);
  const certs = items.flatMap((i) => (i.certificate ? [i.certificate] : []));
  keys.forEach((k, n) =>
    files.push({
      name: `${base}${keys.length > 1 ? `-${n}` : ''}.key.pem`,
      text: toPem('PRIVATE KEY', k.pkcs8),
      secret: true,
    }),
  );
  certs.forEach((c, n) =>
    files.push({
      name: `${base}${certs.length > 1 ? `-${n}` : ''}.crt.pem`,
      text: toPem('CERTIFICATE', c),
      secret: false,
    }),
  );
  return files;
}

/** Bodies whose content may be encrypted (RFC 9810 §5.2.2): responses, key recovery, POP challenges, requests. */
const carriers = new Set([
  'ip',
  'cp',
  'kup',
  'ccp',
  'krp',
  'popdecc',
  'ir',
  'cr',
  'kur',
  'ccr',
  'krr',
  'rr',
  'genm',
  'genp',
]);

/**
 * The inspector's "Encrypted content" rows: each item found in the message, locked (with its
 * RecipientInfo kinds) or as `decrypted` opened it, with its tree node. Never a key.
 */
export async function encryptedViews(
  model: ModelPort,
  decrypted?: DecryptedItem[],
): Promise<EncryptedView[]> {
  // Only bodies that can carry encrypted content are read again (a 7 MB crlann is not decoded twice).
  if (!carriers.has(model.info.summary?.bodyType ?? '')) return [];
  let found: EncryptedItem[];
  try {
    found = findEncrypted(readMessage(model.info.der));
  } catch {
    return [];
  }
  // The innermost node of each path (the EnvelopedData, not the explicit tag around it).
  const nodeIds = await Promise.all(
    found.map(
      async (f) =>
        (await model.ask('filter', f.path, 50)).matches.filter((x) => x.path === f.path).at(-1)?.id,
    ),
  );
  return found.map((f, i) => {
    const d = decrypted?.[i];
    const kinds = f.envelope?.recipientInfos.map((r) =>
      r.ktri ? 'ktri' : r.kari ? 'kari' : r.pwri ? 'pwri' : r.ori ? 'ori (kemri)' : 'kekri',
    );
    return {
      path: f.path,
      purpose: f.purpose,
      nodeId: nodeIds[i],
      state: !d ? 'locked' : d.failed === 'no-key' ? 'failed' : 'opened',
      lines: d
        ? describeDecrypted(d)
        : [
            kinds
              ? `EnvelopedData for ${kinds.join(', ')}: not decrypted`
              : 'EncryptedValue (RFC 4211): not decrypted',
          ],
      keys: d?.keys?.length ?? 0,
      certificate: !!d?.certificate,
      signed: !!d?.keyPackage && !!d.content,
    };
  });
}

/**
 * The SignedData a key generation authority sent, as a ContentInfo the inspector annotates, with the
 * signed key's bytes zeroed (the structure, the certificates and the signature stay as they were): what
 * "Open signed content" shows. Undefined when the item held no SignedData.
 */
export function redactedSignedContent(item: DecryptedItem): Uint8Array | undefined {
  if (!item.keyPackage || !item.content) return undefined;
  const sd = item.content.slice();
  const root = readDer(sd).roots[0];
  const encap = root?.children?.[2];
  const wrapper = encap?.children?.find((c) => c.tagClass === 2 && c.tagNumber === 0);
  const octets = wrapper?.children?.[0];
  if (!octets) return undefined;
  sd.fill(0, octets.offset + octets.headerLength, octets.end);
  return new Uint8Array(
    AsnSerializer.serialize(
      new ContentInfo({ contentType: '1.2.840.113549.1.7.2', content: own(sd).buffer }),
    ),
  );
}
