/**
 * Checks a PKIMessage's protection over the bytes as received (ProtectedPart built from the
 * original header and body), the protecting certificate, and POP / CSR signatures inside.
 * Pure: WebCrypto comes in as a parameter. Never throws on bad input: faults are results.
 */
import {
  AlgorithmIdentifier,
  Certificate,
  Extensions,
  KeyUsage,
  Name,
  SubjectKeyIdentifier,
  id_ce_keyUsage,
  id_ce_subjectKeyIdentifier,
} from '@peculiar/asn1-x509';
import type { CheckResult } from '../../shared/protection';
import { oids, PKIHeader, pkiBodyNames } from '../asn1';
import { readDer, type DerDocument } from '../der/reader';
import { bitStringBytes, certificateParts, retag, sequenceOf, slice } from '../base/encoded';
import type { TlvNode } from '../der/types';
import { toHex } from '../der/values';
import { algName, signatureByOid, unverifiedBecause } from '../base/algorithms';
import { kemMacPlan, pbmac1Plan, pbmPlan, UnsupportedAlgorithm, type MacPlan } from './mac';
import { equalBytes } from '../base/bytes';
import { type Subtle } from '../base/crypto';
import { describeSignature, verifySignature } from './signature';
import { certName, checkChain, nameText } from './chain';
import { certRequestBodies } from '../base/bodies';
import { sameName } from '../base/names';
import { decodeAs, wordsOf } from '../base/decode';

export interface VerifyOptions {
  /** The shared secret for MAC protection. */
  secret?: Uint8Array;
  /** DER of the certificate to check the signature with, instead of extraCerts[0]. */
  cert?: Uint8Array;
  /** DER certificates that end a chain (reported separately from the signature). */
  trustAnchors?: Uint8Array[];
  crypto?: { subtle: Subtle };
  /** Clock for certificate validity when the message has no messageTime. */
  now?: () => Date;
  /** Only the message's protection: no POP or inner signatures (for long lists, as in a capture). */
  protectionOnly?: boolean;
  /** The header, when the caller decoded it already (saves decoding it twice). */
  header?: PKIHeader;
  /** The message's TLV read, when the caller has it (readMessage's `doc`; used when it is of these bytes). */
  doc?: DerDocument;
  /**
   * KemBasedMac: the KEM shared secret of the exchange (RFC 9810 §5.1.3.4), decapsulated from its
   * KemCiphertextInfo with the KEM private key (`kemSharedSecret`), or kept by the side that encapsulated.
   */
  kemSecret?: Uint8Array;
}

function child(n: TlvNode | undefined, cls: number, num: number): TlvNode | undefined {
  return n?.children?.find((c) => c.tagClass === cls && c.tagNumber === num);
}

/** Checks everything that can be checked in one message. */
export async function verifyMessage(input: Uint8Array, options: VerifyOptions = {}): Promise<CheckResult[]> {
  const subtle = (options.crypto ?? globalThis.crypto).subtle;
  // A plain view, so a Node Buffer's different slice() semantics cannot reach the input.
  const der = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  const doc = options.doc?.bytes === input ? options.doc : readDer(der);
  const root = doc.roots[0];
  if (
    !root ||
    root.tagNumber !== 16 ||
    (root.children?.length ?? 0) < 2 ||
    doc.problems.some((p) => p.severity === 'error')
  ) {
    return [
      {
        check: 'protection',
        verdict: 'invalid',
        summary: 'not a decodable PKIMessage',
        reason: doc.problems[0]?.message ?? 'not a SEQUENCE of header and body',
      },
    ];
  }
  const [headerTlv, bodyTlv] = root.children!;
  let header: PKIHeader;
  try {
    header =
      options.header ??
      decodeAs(slice(der, headerTlv), PKIHeader, `the header at offset 0x${headerTlv.offset.toString(16)}`);
  } catch (e) {
    return [
      {
        check: 'protection',
        verdict: 'invalid',
        summary: 'header does not decode',
        reason: (e as Error).message,
        path: 'header',
        offset: headerTlv.offset,
      },
    ];
  }
  const results: CheckResult[] = [];
  // After header and body: the body's own tag is context-specific too ([0] for an ir).
  const rest = { ...root, children: root.children!.slice(2) };
  const protWrap = child(rest, 2, 0);
  const extraWrap = child(rest, 2, 1);
  const extraCerts = extraWrap?.children?.[0]?.children ?? [];
  const protectedPart = sequenceOf([slice(der, headerTlv), slice(der, bodyTlv)]);
  const alg = header.protectionAlg;
  const protBits = protWrap?.children?.[0];
  if (!alg && !protWrap) {
    results.push({ check: 'protection', verdict: 'unprotected', summary: 'no protectionAlg, no protection' });
  } else if (!alg || !protBits || protBits.tagNumber !== 3) {
    results.push({
      check: 'protection',
      verdict: 'invalid',
      summary: alg ? algName(alg.algorithm) : 'protection without protectionAlg',
      reason: alg
        ? 'protectionAlg is set but the protection BIT STRING is missing'
        : 'protection is present but header.protectionAlg is missing',
      path: 'protection',
      offset: (protWrap ?? headerTlv).offset,
    });
  } else {
    const value = bitStringBytes(der, protBits);
    results.push(
      ...(await checkProtection({
        subtle,
        alg,
        header,
        value,
        data: protectedPart,
        der,
        extraCerts,
        options,
        base: { check: 'protection', path: 'protection', offset: protBits.offset },
      })),
    );
  }
  if (!options.protectionOnly) results.push(...(await checkInnerSignatures(subtle, der, bodyTlv)));
  return results;
}

/** What checking a message's protection works on: the algorithm, the value, the bytes it covers. */
interface ProtectionInput {
  subtle: Subtle;
  alg: AlgorithmIdentifier;
  header: PKIHeader;
  /** The protection BIT STRING's bytes. */
  value: Uint8Array;
  /** ProtectedPart as received (header and body). */
  data: Uint8Array;
  der: Uint8Array;
  extraCerts: TlvNode[];
  options: VerifyOptions;
  /** Fields every result carries (check, path, offset). */
  base: Pick<CheckResult, 'check' | 'path' | 'offset'>;
}

async function checkProtection(input: ProtectionInput): Promise<CheckResult[]> {
  const { subtle, alg, value, data, options, base } = input;
  try {
    if (alg.algorithm === oids.passwordBasedMac || alg.algorithm === oids.pbmac1) {
      const plan =
        alg.algorithm === oids.passwordBasedMac
          ? pbmPlan(alg.parameters ?? undefined)
          : pbmac1Plan(alg.parameters ?? undefined);
      return [await checkMac(subtle, plan, value, data, options.secret, base)];
    }
    if (alg.algorithm === oids.kemBasedMac) {
      const tid = new Uint8Array(input.header.transactionID?.buffer ?? []);
      if (!options.kemSecret) {
        let summary = 'KemBasedMac';
        try {
          summary = kemMacPlan(alg.parameters ?? undefined, tid).summary;
        } catch {
          // Parameters that do not decode are reported once the MAC can be checked.
        }
        return [
          {
            ...base,
            verdict: 'cannot-verify',
            summary,
            reason:
              "cannot verify without the private key: KemBasedMac needs the KEM private key and the exchange's KemCiphertextInfo (from its genp or generalInfo, RFC 9810 §5.1.3.4)",
          },
        ];
      }
      const r = await checkMac(
        subtle,
        kemMacPlan(alg.parameters ?? undefined, tid),
        value,
        data,
        options.kemSecret,
        base,
      );
      return [
        r.verdict === 'invalid'
          ? { ...r, reason: 'MAC does not match with the KEM shared secret of this exchange' }
          : r,
      ];
    }
    if (alg.algorithm === oids.dhBasedMac) {
      return [
        {
          ...base,
          verdict: 'cannot-verify',
          summary: 'DHBasedMac',
          reason:
            "cannot verify without the private key: DHBasedMac needs the recipient's Diffie-Hellman private key",
        },
      ];
    }
    if (signatureByOid[alg.algorithm]) return await checkSignatureProtection(input);
    return [
      {
        ...base,
        verdict: 'unsupported',
        summary: algName(alg.algorithm),
        reason:
          unverifiedBecause(alg.algorithm) ??
          `protection algorithm ${algName(alg.algorithm)} is not supported`,
      },
    ];
  } catch (e) {
    if (e instanceof UnsupportedAlgorithm)
      return [{ ...base, verdict: 'unsupported', summary: algName(alg.algorithm), reason: e.message }];
    return [
      {
        ...base,
        verdict: 'invalid',
        summary: algName(alg.algorithm),
        reason: wordsOf(e, 'the protection parameters do not decode'),
      },
    ];
  }
}

async function checkMac(
  subtle: Subtle,
  plan: MacPlan,
  value: Uint8Array,
  data: Uint8Array,
  secret: Uint8Array | undefined,
  base: Pick<CheckResult, 'check' | 'path' | 'offset'>,
): Promise<CheckResult> {
  if (!secret)
    return {
      ...base,
      verdict: 'needs-secret',
      summary: plan.summary,
      reason: 'a shared secret is needed to check the MAC',
    };
  if (plan.compute && equalBytes(await plan.compute(secret, data, subtle), value))
    return { ...base, verdict: 'valid', summary: plan.summary };
  const alternative =
    plan.alternative && equalBytes(await plan.alternative.compute(secret, data, subtle), value)
      ? plan.alternative
      : undefined;
  const fault = plan.compute ? 'MAC does not match with the given secret' : plan.notByRfc!;
  const reason = alternative
    ? `${fault}; ${alternative.explanation}`
    : plan.compute
      ? fault
      : `${fault}; nor does the MAC match with the given secret when read as the producer meant it`;
  return { ...base, verdict: 'invalid', summary: plan.summary, reason };
}

/** A certificate that may have made a message's signature, and where it came from. */
interface SignerCandidate {
  der: Uint8Array;
  /** "extraCerts[1]", "the given certificate", "trust anchor 2". */
  from: string;
  /** Its place in extraCerts, if it is there. */
  index?: number;
  cert?: Certificate;
}

/** How well a candidate fits the header: 0 senderKID and sender, 1 senderKID only, 2 sender only. */
interface Fit {
  candidate: SignerCandidate;
  rank: number;
}

function subjectKeyId(cert: Certificate): Uint8Array | undefined {
  const ext = (cert.tbsCertificate.extensions as Extensions | undefined)?.find(
    (e) => e.extnID === id_ce_subjectKeyIdentifier,
  );
  if (!ext) return undefined;
  try {
    return new Uint8Array(decodeAs(ext.extnValue.buffer, SubjectKeyIdentifier).buffer);
  } catch {
    return undefined;
  }
}

/** The header's sender as a directory name, unless it is NULL-DN (which names nobody). */
function senderName(header: PKIHeader): Name | undefined {
  const dn = header.sender.directoryName;
  return dn && dn.length ? dn : undefined;
}

/**
 * Where a candidate stands against senderKID and sender: its rank, or why it was passed over. A
 * careful verifier (OpenSSL's OSSL_CMP_validate_msg does the same) takes the certificate whose subject
 * key identifier is senderKID, or whose subject is sender, wherever it sits.
 */
function fitOf(c: SignerCandidate, header: PKIHeader): Fit | string {
  if (!c.cert) return 'it does not decode as a certificate';
  const kid = header.senderKID ? new Uint8Array(header.senderKID.buffer) : undefined;
  const name = senderName(header);
  const ski = subjectKeyId(c.cert);
  const kidFits = kid && ski && equalBytes(kid, ski);
  const nameFits = name && sameName(c.cert.tbsCertificate.subject, name);
  if (kidFits) return { candidate: c, rank: nameFits || !name ? 0 : 1 };
  if (nameFits) return { candidate: c, rank: 2 };
  const why: string[] = [];
  if (kid)
    why.push(
      ski ? `its subject key identifier ${toHex(ski)} is not senderKID` : 'it has no subject key identifier',
    );
  if (name) why.push('its subject is not sender');
  return why.join(' and ');
}

/** "senderKID 0a1b… or sender CN=EE": what the header says the signer is. */
function wanted(header: PKIHeader): string {
  const name = senderName(header);
  return [
    header.senderKID ? `senderKID ${toHex(new Uint8Array(header.senderKID.buffer))}` : '',
    name ? `sender ${nameText(name)}` : '',
  ]
    .filter(Boolean)
    .join(' or ');
}

/** The candidates in the order a verifier takes them: the given certificate, extraCerts, trust anchors. */
function signerCandidates(der: Uint8Array, extraCerts: TlvNode[], options: VerifyOptions): SignerCandidate[] {
  const decode = (bytes: Uint8Array): Certificate | undefined => {
    try {
      return decodeAs(bytes, Certificate);
    } catch {
      return undefined;
    }
  };
  const out: SignerCandidate[] = [];
  if (options.cert)
    out.push({ der: options.cert, from: 'the given certificate', cert: decode(options.cert) });
  extraCerts.forEach((n, i) => {
    const bytes = slice(der, n);
    out.push({ der: bytes, from: `extraCerts[${i}]`, index: i, cert: decode(bytes) });
  });
  (options.trustAnchors ?? []).forEach((bytes, i) =>
    out.push({ der: bytes, from: `trust anchor ${i + 1}`, cert: decode(bytes) }),
  );
  return out;
}

async function checkSignatureProtection(input: ProtectionInput): Promise<CheckResult[]> {
  const { subtle, alg, header, value, data, der, extraCerts, options, base } = input;
  const summary = describeSignature(alg);
  const all = signerCandidates(der, extraCerts, options);
  if (!all.length)
    return [
      {
        ...base,
        verdict: 'needs-cert',
        summary,
        reason:
          'no certificate: extraCerts is empty and none was given (RFC 9483 §3.3 puts the protecting certificate first in extraCerts)',
      },
    ];
  // A certificate the user gave is the one to use, fitting or not (the certificate check says how it fits).
  let tried: SignerCandidate[];
  const passedOver: string[] = [];
  if (options.cert) {
    tried = [all[0]];
  } else if (!header.senderKID && !senderName(header)) {
    // Nothing in the header names the signer: RFC 9483 §3.3's first extraCert is all there is to go on.
    tried = all.filter((c) => c.index === 0);
    if (!tried.length)
      return [
        {
          ...base,
          verdict: 'needs-cert',
          summary,
          reason:
            'neither senderKID nor sender names the signer, and extraCerts is empty: give the certificate (--cert, or Use another certificate…)',
        },
      ];
  } else {
    const fits: Fit[] = [];
    for (const c of all) {
      const f = fitOf(c, header);
      if (typeof f === 'string') passedOver.push(`${c.from}${c.cert ? ` ${certName(c.cert)}` : ''}: ${f}`);
      else fits.push(f);
    }
    // Stable: within a rank, the order of the message (then the trust anchors).
    tried = fits.sort((a, b) => a.rank - b.rank).map((f) => f.candidate);
    if (!tried.length)
      return [
        {
          ...base,
          verdict: 'needs-cert',
          summary,
          reason: `no certificate matches ${wanted(header)}; passed over ${passedOver.join('; ')}`,
        },
      ];
  }
  const failures: string[] = [];
  let signer: SignerCandidate | undefined;
  for (const c of tried) {
    if (!c.cert) {
      failures.push(`${c.from} does not decode as a certificate`);
      continue;
    }
    try {
      if (await verifySignature(subtle, spkiBytes(c.der), alg, data, value)) {
        signer = c;
        break;
      }
      failures.push(`signature does not verify with ${c.from} ${certName(c.cert)}`);
    } catch (e) {
      if (e instanceof UnsupportedAlgorithm) throw e;
      failures.push(
        `signature does not verify with ${c.from} ${certName(c.cert)}: its ${algName(c.cert.tbsCertificate.subjectPublicKeyInfo.algorithm.algorithm)} key does not fit ${summary}`,
      );
    }
  }
  if (!signer) {
    // How the first one tried fits the header says why the signature may not be its (a wrong --cert).
    const first = tried[0];
    return [
      { ...base, verdict: 'invalid', summary, reason: failures.join('; '), signer: first.from },
      ...(first.cert
        ? [certificateCheck(first.cert, header, options.now?.() ?? new Date(), first.from)]
        : []),
    ];
  }
  const cert = signer.cert!;
  const warnings: string[] = [];
  if (signer.index !== undefined && signer.index > 0)
    warnings.push(
      `the protecting certificate is ${signer.from}, not extraCerts[0] (RFC 9483 §3.3: the first certificate in extraCerts is the CMP protection certificate)`,
    );
  if (signer.index === undefined && !options.cert)
    warnings.push(
      `the protecting certificate is not in extraCerts; it is ${signer.from} (RFC 9483 §3.3 has a signed message carry it as the first certificate in extraCerts)`,
    );
  const results: CheckResult[] = [
    {
      ...base,
      verdict: 'valid',
      summary: `${summary}, with ${signer.from} ${certName(cert)}`,
      signer: signer.from,
      ...(warnings.length ? { warnings } : {}),
    },
  ];
  results.push(certificateCheck(cert, header, options.now?.() ?? new Date(), signer.from));
  // The signature's verdict says what was (not) checked beyond it: "valid" is not "trusted".
  if (signer.from.startsWith('trust anchor')) {
    results[0].chain = `the signer is ${signer.from}`;
    results.push({
      check: 'chain',
      verdict: 'valid',
      summary: `the protecting certificate is ${signer.from}`,
    });
  } else if (options.trustAnchors?.length) {
    const intermediates = extraCerts.filter((_, i) => i !== signer.index).map((n) => slice(der, n));
    const chain = await checkChain(subtle, signer.der, intermediates, options.trustAnchors);
    results[0].chain =
      chain.verdict === 'valid'
        ? `checked: ${chain.summary} (ends at a trust anchor)`
        : `checked: ${chain.verdict}${chain.reason ? ` — ${chain.reason}` : ''}`;
    results.push(chain);
  } else {
    results[0].chain = 'not checked: no trust anchors given';
    results[0].chainNotChecked = true;
  }
  return results;
}

/** The SubjectPublicKeyInfo bytes of a certificate, as encoded in it. */
function spkiBytes(certDer: Uint8Array): Uint8Array {
  const { spki } = certificateParts(certDer);
  return spki ? slice(certDer, spki) : new Uint8Array();
}

/** An extension's value parsed as `type`, or undefined with the reason added to `problems`. */
function extensionValue<T>(
  value: ArrayBuffer,
  type: new () => T,
  problems: string[],
  name: string,
): T | undefined {
  try {
    return decodeAs(value, type);
  } catch (e) {
    problems.push(`its ${name} extension does not decode: ${wordsOf(e, "not the extension's type")}`);
    return undefined;
  }
}

/** senderKID = subject key identifier, sender = subject, keyUsage allows digitalSignature, valid at messageTime. */
function certificateCheck(cert: Certificate, header: PKIHeader, now: Date, from: string): CheckResult {
  const problems: string[] = [];
  const tbs = cert.tbsCertificate;
  const ext = (id: string) => (tbs.extensions as Extensions | undefined)?.find((e) => e.extnID === id);
  const ski = ext(id_ce_subjectKeyIdentifier);
  if (header.senderKID) {
    const kid = new Uint8Array(header.senderKID.buffer);
    const skid =
      ski && extensionValue(ski.extnValue.buffer, SubjectKeyIdentifier, problems, 'subject key identifier');
    const skiValue = skid && new Uint8Array(skid.buffer);
    if (!ski) problems.push('senderKID is set but the certificate has no subject key identifier');
    else if (skiValue && !equalBytes(kid, skiValue))
      problems.push(
        `certificate does not match senderKID (${toHex(kid)} ≠ subject key identifier ${toHex(skiValue)})`,
      );
  }
  const sender = senderName(header);
  if (sender && !sameName(sender, tbs.subject)) problems.push('certificate subject does not match sender');
  const ku = ext(id_ce_keyUsage);
  if (ku) {
    const usage = extensionValue(ku.extnValue.buffer, KeyUsage, problems, 'key usage');
    if (usage && (usage.toNumber() & 1) === 0) problems.push('its key usage does not allow digitalSignature');
  }
  const at = header.messageTime ?? now;
  const nb = tbs.validity.notBefore.getTime();
  const na = tbs.validity.notAfter.getTime();
  if (at < nb || at > na)
    problems.push(
      `it was not valid at ${header.messageTime ? 'messageTime' : 'the current time'} ${at.toISOString()} (valid ${nb.toISOString()} to ${na.toISOString()})`,
    );
  const summary = `${from}: ${certName(cert)}`;
  return problems.length
    ? {
        check: 'certificate',
        verdict: 'invalid',
        summary,
        reason: problems.join('; '),
        path: from.startsWith('extraCerts') ? from : undefined,
      }
    : {
        check: 'certificate',
        verdict: 'valid',
        summary: `${summary} matches ${header.senderKID ? 'senderKID, ' : ''}sender, key usage and messageTime`,
        path: from.startsWith('extraCerts') ? from : undefined,
      };
}

/** POP signatures of CertReqMsgs (RFC 4211 §4.1) and the p10cr CSR's self-signature. */
async function checkInnerSignatures(
  subtle: Subtle,
  der: Uint8Array,
  bodyTlv: TlvNode,
): Promise<CheckResult[]> {
  const type = bodyTlv.tagClass === 2 ? (pkiBodyNames[bodyTlv.tagNumber] as string | undefined) : undefined;
  const content = bodyTlv.children?.[0];
  if (!content) return [];
  const results: CheckResult[] = [];
  if (certRequestBodies.has(type ?? '')) {
    for (const [i, msg] of (content.children ?? []).entries()) {
      const r = await checkPop(subtle, der, msg, `body.${type}[${i}]`);
      if (r) results.push(r);
    }
  } else if (type === 'p10cr') {
    results.push(await checkSigned(subtle, der, content, 'csr', 'body.p10cr', (f) => f[2]));
  }
  return results;
}

async function checkPop(
  subtle: Subtle,
  der: Uint8Array,
  msg: TlvNode,
  path: string,
): Promise<CheckResult | undefined> {
  const [certReq, popo] = msg.children ?? [];
  if (!certReq || !popo || popo.tagClass !== 2 || popo.tagNumber !== 1) return undefined;
  const template = certReq.children?.[1];
  const publicKey = child(template, 2, 6);
  const parts = popo.children ?? [];
  const input = parts[0]?.tagClass === 2 && parts[0].tagNumber === 0 ? parts[0] : undefined;
  const algTlv = parts[input ? 1 : 0];
  const sigTlv = parts[input ? 2 : 1];
  const base = { check: 'pop' as const, path: `${path}.popo`, offset: popo.offset };
  if (!algTlv || !sigTlv)
    return {
      ...base,
      verdict: 'invalid',
      summary: 'POPOSigningKey',
      reason: 'POPOSigningKey lacks algorithmIdentifier or signature',
    };
  const alg = parseAlgorithm(der, algTlv);
  if (typeof alg === 'string')
    return { ...base, verdict: 'invalid', summary: 'POPOSigningKey', reason: `its ${alg}` };
  const summary = `POP ${describeSignature(alg)}`;
  // With poposkInput the key is in it; without, in certTemplate.publicKey (RFC 4211 §4.1).
  const spkiTlv = input ? input.children?.[1] : publicKey;
  if (!spkiTlv)
    return {
      ...base,
      verdict: 'invalid',
      summary,
      reason: 'no public key in certTemplate to check the POP with',
    };
  const spki = input ? slice(der, spkiTlv) : retag(der, spkiTlv, 0x30);
  const data = input ? retag(der, input, 0x30) : slice(der, certReq);
  try {
    const ok = await verifySignature(subtle, spki, alg, data, bitStringBytes(der, sigTlv));
    return ok
      ? { ...base, verdict: 'valid', summary }
      : {
          ...base,
          verdict: 'invalid',
          summary,
          reason: `POP signature does not verify with the requested public key over ${input ? 'poposkInput' : 'certReq'}`,
        };
  } catch (e) {
    return {
      ...base,
      verdict: e instanceof UnsupportedAlgorithm ? 'unsupported' : 'invalid',
      summary,
      reason: wordsOf(e, 'the signature or the public key it is checked with does not decode'),
    };
  }
}

/** The AlgorithmIdentifier at `tlv`, or why it does not decode (the file is hostile: a bit flip gets here). */
function parseAlgorithm(der: Uint8Array, tlv: TlvNode): AlgorithmIdentifier | string {
  try {
    return decodeAs(
      slice(der, tlv),
      AlgorithmIdentifier,
      `algorithmIdentifier at offset 0x${tlv.offset.toString(16)}`,
    );
  } catch (e) {
    return wordsOf(e, `algorithmIdentifier at offset 0x${tlv.offset.toString(16)} does not decode`);
  }
}

/** A self-signed structure: SEQUENCE { info, AlgorithmIdentifier, BIT STRING } whose key is in info. */
async function checkSigned(
  subtle: Subtle,
  der: Uint8Array,
  node: TlvNode,
  check: 'csr',
  path: string,
  keyOf: (fields: TlvNode[]) => TlvNode | undefined,
): Promise<CheckResult> {
  const [info, algTlv, sigTlv] = node.children ?? [];
  const base = { check, path, offset: node.offset };
  const spki = info && keyOf(info.children ?? []);
  if (!info || !algTlv || !sigTlv || !spki)
    return { ...base, verdict: 'invalid', summary: 'CSR', reason: 'the CSR is incomplete' };
  const alg = parseAlgorithm(der, algTlv);
  if (typeof alg === 'string')
    return { ...base, verdict: 'invalid', summary: 'CSR', reason: `its signature ${alg}` };
  const summary = `CSR self-signature ${describeSignature(alg)}`;
  try {
    const ok = await verifySignature(
      subtle,
      slice(der, spki),
      alg,
      slice(der, info),
      bitStringBytes(der, sigTlv),
    );
    return ok
      ? { ...base, verdict: 'valid', summary }
      : {
          ...base,
          verdict: 'invalid',
          summary,
          reason: 'the CSR signature does not verify with its own public key',
        };
  } catch (e) {
    return {
      ...base,
      verdict: e instanceof UnsupportedAlgorithm ? 'unsupported' : 'invalid',
      summary,
      reason: wordsOf(e, 'the signature or the public key it is checked with does not decode'),
    };
  }
}
