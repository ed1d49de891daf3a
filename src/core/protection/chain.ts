/** Chain building from the protecting certificate to configured trust anchors (reported on its own). */
import { AsnSerializer } from '@peculiar/asn1-schema';
import { Certificate, type Name } from '@peculiar/asn1-x509';
import type { CheckResult } from '../../shared/protection';
import { dnShortNames } from '../asn1';
import { bitStringBytes, certificateParts, slice } from '../base/encoded';
import { equalBytes } from '../base/bytes';
import { type Subtle } from '../base/crypto';
import { verifySignature } from './signature';
import { decodeAs, wordsOf } from '../base/decode';

/** "CN=…" of a certificate's subject, for messages. */
export function certName(cert: Certificate): string {
  return nameText(cert.tbsCertificate.subject);
}

/** A name as RFC 4514 writes it, most specific first: "CN=EE,O=Example". */
export function nameText(name: Name): string {
  const parts: string[] = [];
  for (const rdn of name) {
    for (const atv of rdn) {
      const key = dnShortNames.get(atv.type) ?? atv.type;
      parts.push(`${key}=${atv.value.toString()}`);
    }
  }
  return parts.reverse().join(',') || '(empty subject)';
}

/** certName of a certificate's DER, for messages: a server's certificate that does not decode says so. */
export function certNameOf(der: Uint8Array): string {
  try {
    return certName(decodeAs(der, Certificate));
  } catch (e) {
    return `(a certificate that does not decode: ${wordsOf(e, 'not a certificate')})`;
  }
}

interface Parsed {
  der: Uint8Array;
  cert: Certificate;
  subject: Uint8Array;
  issuer: Uint8Array;
}

function parse(der: Uint8Array): Parsed | undefined {
  try {
    const cert = decodeAs(der, Certificate);
    return {
      der,
      cert,
      subject: new Uint8Array(AsnSerializer.serialize(cert.tbsCertificate.subject)),
      issuer: new Uint8Array(AsnSerializer.serialize(cert.tbsCertificate.issuer)),
    };
  } catch {
    return undefined;
  }
}

/** The TBSCertificate bytes as encoded, the signature and the SPKI of the issuer. */
async function issuedBy(subtle: Subtle, child: Parsed, issuer: Parsed): Promise<boolean> {
  const { tbs, signature } = certificateParts(child.der);
  const { spki } = certificateParts(issuer.der);
  if (!tbs || !signature || !spki) return false;
  try {
    return await verifySignature(
      subtle,
      slice(issuer.der, spki),
      child.cert.signatureAlgorithm,
      slice(child.der, tbs),
      bitStringBytes(child.der, signature),
    );
  } catch {
    return false;
  }
}

/** Walks issuer links through the intermediates until a trust anchor signs (at most 8 steps). */
export async function checkChain(
  subtle: Subtle,
  leafDer: Uint8Array,
  intermediates: Uint8Array[],
  anchors: Uint8Array[],
): Promise<CheckResult> {
  const leaf = parse(leafDer);
  const pool = intermediates.map(parse).filter((p): p is Parsed => !!p);
  const roots = anchors.map(parse).filter((p): p is Parsed => !!p);
  if (!leaf)
    return {
      check: 'chain',
      verdict: 'invalid',
      summary: 'chain',
      reason: 'the protecting certificate does not decode',
    };
  const names = [certName(leaf.cert)];
  let current = leaf;
  for (let step = 0; step < 8; step++) {
    for (const anchor of roots) {
      if (equalBytes(current.issuer, anchor.subject) && (await issuedBy(subtle, current, anchor))) {
        names.push(`${certName(anchor.cert)} (trust anchor)`);
        return { check: 'chain', verdict: 'valid', summary: `chain ${names.join(' ← ')}` };
      }
    }
    const next = pool.find((p) => p !== current && equalBytes(current.issuer, p.subject));
    if (!next || !(await issuedBy(subtle, current, next))) break;
    names.push(certName(next.cert));
    current = next;
  }
  return {
    check: 'chain',
    verdict: 'invalid',
    summary: `chain ${names.join(' ← ')}`,
    reason: `no path to a configured trust anchor (${roots.length} configured)`,
  };
}
