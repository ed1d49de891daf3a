/** Chain building from the protecting certificate to configured trust anchors (reported on its own). */
import { AsnParser, AsnSerializer } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';
import type { CheckResult } from '../../shared/protection';
import { readDer } from '../der/reader';
import { equalBytes, type Subtle } from './mac';
import { verifySignature } from './signature';

/** "CN=…" of a certificate's subject, for messages. */
export function certName(cert: Certificate): string {
  const parts: string[] = [];
  for (const rdn of cert.tbsCertificate.subject) {
    for (const atv of rdn) {
      const key = { '2.5.4.3': 'CN', '2.5.4.10': 'O', '2.5.4.11': 'OU', '2.5.4.6': 'C' }[atv.type] ?? atv.type;
      parts.push(`${key}=${atv.value.toString()}`);
    }
  }
  return parts.reverse().join(',') || '(empty subject)';
}

interface Parsed {
  der: Uint8Array;
  cert: Certificate;
  subject: Uint8Array;
  issuer: Uint8Array;
}

function parse(der: Uint8Array): Parsed | undefined {
  try {
    const cert = AsnParser.parse(der, Certificate);
    return { der, cert, subject: new Uint8Array(AsnSerializer.serialize(cert.tbsCertificate.subject)), issuer: new Uint8Array(AsnSerializer.serialize(cert.tbsCertificate.issuer)) };
  } catch {
    return undefined;
  }
}

/** The TBSCertificate bytes as encoded, the signature and the SPKI of the issuer. */
async function issuedBy(subtle: Subtle, child: Parsed, issuer: Parsed): Promise<boolean> {
  const doc = readDer(child.der);
  const [tbs, , sig] = doc.roots[0]?.children ?? [];
  const issuerTbs = readDer(issuer.der).roots[0]?.children?.[0];
  const fields = issuerTbs?.children ?? [];
  const spki = fields[(fields[0]?.tagClass === 2 && fields[0].tagNumber === 0 ? 1 : 0) + 5];
  if (!tbs || !sig || !spki) return false;
  try {
    return await verifySignature(subtle, issuer.der.subarray(spki.offset, spki.end), child.cert.signatureAlgorithm, child.der.subarray(tbs.offset, tbs.end), child.der.subarray(sig.offset + sig.headerLength + 1, sig.end));
  } catch {
    return false;
  }
}

/** Walks issuer links through the intermediates until a trust anchor signs (at most 8 steps). */
export async function checkChain(subtle: Subtle, leafDer: Uint8Array, intermediates: Uint8Array[], anchors: Uint8Array[]): Promise<CheckResult> {
  const leaf = parse(leafDer);
  const pool = intermediates.map(parse).filter((p): p is Parsed => !!p);
  const roots = anchors.map(parse).filter((p): p is Parsed => !!p);
  if (!leaf) return { check: 'chain', verdict: 'invalid', summary: 'chain', reason: 'the protecting certificate does not decode' };
  const names = [certName(leaf.cert)];
  let current = leaf;
  for (let step = 0; step < 8; step++) {
    for (const anchor of roots) {
      if (equalBytes(current.issuer, anchor.subject) && await issuedBy(subtle, current, anchor)) {
        names.push(`${certName(anchor.cert)} (trust anchor)`);
        return { check: 'chain', verdict: 'valid', summary: `chain ${names.join(' ← ')}` };
      }
    }
    const next = pool.find((p) => p !== current && equalBytes(current.issuer, p.subject));
    if (!next || !(await issuedBy(subtle, current, next))) break;
    names.push(certName(next.cert));
    current = next;
  }
  return { check: 'chain', verdict: 'invalid', summary: `chain ${names.join(' ← ')}`, reason: `no path to a configured trust anchor (${roots.length} configured)` };
}
