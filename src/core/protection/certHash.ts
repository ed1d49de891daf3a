/**
 * certConf's certHash (RFC 9810 §5.3.18): the hash of the issued certificate, with hashAlg when
 * present, else the hash of the certificate's own signature algorithm (SHA-512 for Ed25519 and
 * SHAKE256 for Ed448, RFC 9481 §3.3).
 */
import { Certificate } from '@peculiar/asn1-x509';
import type { CheckResult } from '../../shared/protection';
import { PKIMessage, oidName, type PKIBody } from '../asn1';
import { readDer } from '../der/reader';
import { decodeInteger, toHex } from '../der/values';
import { hashByOid, signatureByOid } from '../base/algorithms';
import { certName } from './chain';
import { slice } from '../base/encoded';
import { equalBytes, own } from '../base/bytes';
import { type Subtle } from '../base/crypto';
import { decodeAs, wordsOf } from '../base/decode';
import { syncHash } from './mac';

const repBodies = new Set([1, 3, 8, 14]); // ip, cp, kup, ccp

/** transactionID of a message, as hex, or undefined. */
export function transactionIdOf(der: Uint8Array): string | undefined {
  try {
    const header = readDer(der).roots[0]?.children?.[0];
    // After pvno, sender and recipient (a GeneralName directoryName is [4] too).
    const tid = header?.children?.slice(3).find((c) => c.tagClass === 2 && c.tagNumber === 4)?.children?.[0];
    return tid ? toHex(der.subarray(tid.offset + tid.headerLength, tid.end)) : undefined;
  } catch {
    return undefined;
  }
}

/** The certificates an ip/cp/kup/ccp issues, with their certReqId, as encoded in the message. */
export function issuedCertificates(der: Uint8Array): { certReqId: number; der: Uint8Array }[] {
  const root = readDer(der).roots[0];
  const body = root?.children?.[1];
  if (!body || body.tagClass !== 2 || !repBodies.has(body.tagNumber)) return [];
  const rep = body.children?.[0];
  const responses = rep?.children?.find((c) => c.tagClass === 0 && c.tagNumber === 16)?.children ?? [];
  const out: { certReqId: number; der: Uint8Array }[] = [];
  for (const r of responses) {
    const [idTlv, , ckp] = r.children ?? [];
    const certOrEnc = ckp?.children?.[0];
    const cert = certOrEnc?.tagClass === 2 && certOrEnc.tagNumber === 0 ? certOrEnc.children?.[0] : undefined;
    if (!idTlv || !cert) continue;
    const certReqId = Number(decodeInteger(der.subarray(idTlv.offset + idTlv.headerLength, idTlv.end)));
    out.push({ certReqId, der: slice(der, cert) });
  }
  return out;
}

/** The digest certConf uses for `cert`: hashAlg's when given, else its signature's (RFC 9810 §5.3.18). */
export function certHashFor(cert: Certificate, hashAlg: string | undefined): string | undefined {
  if (hashAlg) return hashByOid[hashAlg];
  const scheme = signatureByOid[cert.signatureAlgorithm.algorithm];
  if (!scheme) return undefined;
  if (scheme.kind === 'Ed25519') return 'SHA-512';
  if (scheme.kind === 'RSA-PSS') return undefined;
  if (scheme.kind === 'Ed448' || scheme.kind === 'PQ') return undefined;
  return scheme.hash;
}

/** One result per CertStatus of a certConf, against the candidate certificates (`body`: the certConf's, decoded). */
export async function checkCertHashes(
  certConfDer: Uint8Array,
  candidates: Uint8Array[],
  subtle: Subtle = globalThis.crypto.subtle,
  body?: PKIBody,
): Promise<CheckResult[]> {
  // The certConf's body: the caller's, when it decoded the message already (the exchange checks).
  let msg: { body: PKIBody };
  try {
    msg = body ? { body } : decodeAs(certConfDer, PKIMessage);
  } catch (e) {
    return [
      {
        check: 'certHash',
        verdict: 'invalid',
        summary: 'certConf',
        reason: `does not decode: ${wordsOf(e, 'not a certificate')}`,
      },
    ];
  }
  const statuses = msg.body.certConf;
  if (!statuses) return [];
  // Candidates come from the peer's ip/cp/kup: one that does not decode cannot match and is left out.
  const certs = candidates.flatMap((der) => {
    try {
      return [{ der, cert: decodeAs(der, Certificate) }];
    } catch {
      return [];
    }
  });
  const results: CheckResult[] = [];
  for (const [i, st] of statuses.entries()) {
    const path = `body.certConf[${i}].certHash`;
    const given = new Uint8Array(st.certHash.buffer);
    if (!certs.length) {
      results.push({
        check: 'certHash',
        verdict: 'needs-cert',
        summary: `certHash for certReqId ${st.certReqId}`,
        reason:
          'no issued certificate to compare with: give the certificate, or the ip/cp/kup of the same transaction',
        path,
      });
      continue;
    }
    let matched: string | undefined;
    const tried: string[] = [];
    for (const c of certs) {
      const hash = certHashFor(c.cert, st.hashAlg?.algorithm);
      if (!hash) {
        tried.push(
          `${certName(c.cert)}: no hash for ${oidName(c.cert.signatureAlgorithm.algorithm) ?? c.cert.signatureAlgorithm.algorithm}`,
        );
        continue;
      }
      // A synchronous hash where there is one (as PBM's): a capture checks thousands of certConfs, and
      // an awaited WebCrypto digest of a kilobyte costs more than the hash (its job and the wait).
      const h = syncHash[hash]?.(c.der) ?? new Uint8Array(await subtle.digest(hash, own(c.der)));
      if (equalBytes(h, given))
        matched = `${certName(c.cert)} (${hash}${st.hashAlg ? ' from hashAlg' : ' of its signature algorithm'})`;
      else tried.push(`${certName(c.cert)} (${hash})`);
    }
    results.push(
      matched
        ? {
            check: 'certHash',
            verdict: 'valid',
            summary: `certHash for certReqId ${st.certReqId} matches ${matched}`,
            path,
          }
        : {
            check: 'certHash',
            verdict: 'invalid',
            summary: `certHash for certReqId ${st.certReqId}`,
            reason: `certHash ${toHex(given)} matches none of: ${tried.join('; ')}`,
            path,
          },
    );
  }
  return results;
}
