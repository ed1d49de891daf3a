/** The test CA's answer to each kind of request (RFC 9810 §5.3, RFC 9483 §4). */
import { AsnConvert, AsnSerializer } from '@peculiar/asn1-schema';
import { Attributes } from '@peculiar/asn1-csr';
import {
  AlgorithmIdentifier,
  Certificate,
  CRLReason,
  Extension,
  Extensions,
  GeneralName,
  Name,
  SubjectPublicKeyInfo,
  id_ce_cRLReasons,
} from '@peculiar/asn1-x509';
import type { CheckResult } from '../../shared/protection';
import {
  CertId,
  CertIds,
  CertOrEncCert,
  CertRepMessage,
  CertResponse,
  CertResponses,
  CertTemplate,
  CertifiedKeyPair,
  CMPCertificate,
  CMPCertificates,
  EncryptedKey,
  PKIBody,
  PKIFailureInfo,
  PKIFreeText,
  PKIStatus,
  PKIStatusInfo,
  PKIStatusInfos,
  PollRep,
  PollRepContent,
  RevRepContent,
  SubsequentMessage,
  oids,
  type CertReqMsg,
  type PKIFailureInfoName,
} from '../asn1';
import { readDer } from '../der/reader';
import { toHex } from '../der/values';
import { fromBase64 } from '../base/bytes';
import {
  certHashFor,
  generateRecipientKey,
  recipientKeyKinds,
  sealEnvelope,
  signKeyPackage,
  type RecipientKeyKind,
} from '../protection';
import { algName, curveByOid } from '../base/algorithms';
import { extraCertsDer } from '../base/message';
import { asksCentralKeygen } from '../base/bodies';
import { generateKeyPair, type KeyKind } from '../base/keys';
import { pqByOid } from '../base/pq';
import { decodeOid } from '../der/values';
import { equalBytes, own } from '../base/bytes';
import { transactionIdHex, type ReadMessage } from '../base/message';
import type { Answer, Authority, PendingTransaction } from './authority';
import { decodeAs, wordsOf } from '../base/decode';

const repOf = { ir: 'ip', cr: 'cp', kur: 'kup', p10cr: 'cp' } as const;

export function certRequestBodies(b: PKIBody): boolean {
  return !!(b.ir ?? b.cr ?? b.kur ?? b.p10cr);
}

const hexOf = (b: ArrayBuffer) => BigInt(`0x${toHex(new Uint8Array(b)) || '0'}`).toString(16);
const status = (s: PKIStatus, text?: string, fail?: PKIFailureInfo) =>
  new PKIStatusInfo({ status: s, statusString: text ? new PKIFreeText([text]) : undefined, failInfo: fail });

function repBody(kind: keyof typeof repOf, rep: CertRepMessage): PKIBody {
  return new PKIBody({ [repOf[kind]]: rep });
}

/** Why a request cannot be granted, or undefined. */
function refusal(
  ca: Authority,
  der: Uint8Array,
  m: CertReqMsg | undefined,
  checks: CheckResult[],
  kind: string,
): { fail: PKIFailureInfoName[]; text: string } | undefined {
  if (kind === 'p10cr') {
    const csr = checks.find((c) => c.check === 'csr');
    if (csr?.verdict !== 'valid')
      return { fail: ['badPOP'], text: `the CSR signature: ${csr?.reason ?? 'not checked'}` };
    return undefined;
  }
  const tpl = m!.certReq.certTemplate;
  if (!asksCentralKeygen(m!)) {
    if (!tpl.publicKey)
      return {
        fail: ['badCertTemplate'],
        text: 'certTemplate has no publicKey but a POP (for central key generation leave both out, RFC 9483 §4.1.6)',
      };
    const pop = checks.find((c) => c.check === 'pop');
    if (!m!.popo) return { fail: ['badPOP'], text: 'proof of possession is missing' };
    if (m!.popo.signature && pop?.verdict !== 'valid')
      return { fail: ['badPOP'], text: `POP: ${pop?.reason ?? pop?.summary ?? 'not checked'}` };
    if ((m!.popo.keyEncipherment || m!.popo.keyAgreement) && !indirectPop(m!))
      return {
        fail: ['badPOP'],
        text: 'of keyEncipherment and keyAgreement POP the test CA takes subsequentMessage encrCert (the indirect method, RFC 9810 §5.2.8.3)',
      };
  }
  if (!tpl.subject?.length && !tpl.extensions?.length && kind !== 'kur')
    return { fail: ['badCertTemplate'], text: 'certTemplate has neither subject nor subjectAltName' };
  if (kind === 'kur') {
    const signer = signerSerial(der);
    if (!signer || !ca.issuedBySerial(signer))
      return {
        fail: ['notAuthorized'],
        text: 'kur must be signed with a certificate this CA issued (RFC 9483 §4.1.3)',
      };
    if (ca.revokedBySerial(signer))
      return { fail: ['certRevoked'], text: 'the certificate to update is revoked' };
  }
  return undefined;
}

/** RFC 9810 §5.2.8.3: POP by the indirect method, the certificate sent back encrypted to the key. */
export function indirectPop(m: CertReqMsg): boolean {
  const priv = m.popo?.keyEncipherment ?? m.popo?.keyAgreement;
  return priv?.subsequentMessage === SubsequentMessage.encrCert;
}

/** The key type a central key generation request asks for by its template's algorithm (default P-256). */
function centralKind(alg: AlgorithmIdentifier | undefined): string | undefined {
  if (!alg) return 'P-256';
  const o = alg.algorithm;
  if (o === '1.2.840.10045.2.1') {
    const p = alg.parameters ? new Uint8Array(alg.parameters) : new Uint8Array();
    return p[0] === 0x06 ? curveByOid[decodeOid(p.subarray(2)) ?? '']?.name : 'P-256';
  }
  const byOid: Record<string, string> = {
    '1.2.840.113549.1.1.1': 'RSA-2048',
    '1.3.101.112': 'Ed25519',
    '1.3.101.113': 'Ed448',
    '1.3.101.110': 'X25519',
    '1.3.101.111': 'X448',
    '2.16.840.1.101.3.4.4.1': 'ML-KEM-512',
    '2.16.840.1.101.3.4.4.2': 'ML-KEM-768',
    '2.16.840.1.101.3.4.4.3': 'ML-KEM-1024',
  };
  return byOid[o] ?? pqByOid.get(o)?.name;
}

/**
 * Central key generation (RFC 9483 §4.1.6): a new key of the asked type, its certificate, and the key
 * signed by the key generation authority and sealed to the requester: to the protecting certificate
 * (ktri for RSA, kari for EC and X25519/X448, kemri for ML-KEM), or to the shared secret (pwri) when the
 * request is MAC-protected.
 */
async function centralKey(
  ca: Authority,
  req: ReadMessage,
  der: Uint8Array,
  m: CertReqMsg,
): Promise<{ certDer: Uint8Array; privateKey: EncryptedKey } | { fail: PKIFailureInfoName[]; text: string }> {
  const alg = m.certReq.certTemplate.publicKey?.algorithm;
  const kind = centralKind(alg);
  if (!kind)
    return {
      fail: ['badAlg'],
      text: `central key generation of ${algName(alg!.algorithm)} keys is not offered (EC, RSA, EdDSA, X25519/X448, ML-DSA, SLH-DSA, ML-KEM are)`,
    };
  const macOid = req.header.protectionAlg?.algorithm;
  const mac = macOid === oids.passwordBasedMac || macOid === oids.pbmac1;
  const protecting = extraCertsDer(der)[0];
  if (!mac && !protecting)
    return {
      fail: ['badRequest'],
      text: 'central key generation: no certificate in extraCerts to encrypt the key to',
    };
  const key = (recipientKeyKinds as readonly string[]).includes(kind)
    ? await generateRecipientKey(kind as RecipientKeyKind, { subtle: ca.subtle, random: ca.random })
    : await generateKeyPair(kind as KeyKind, ca.subtle, ca.random);
  const signed = await signKeyPackage(key.pkcs8, await ca.keyGenerationAuthority(), {
    chain: [AsnSerializer.serialize(ca.caCertificate().x509v3PKCert!)].map((b) => new Uint8Array(b)),
    form: ca.behaviour.centralKeyForm,
    subtle: ca.subtle,
  });
  let envelope;
  try {
    envelope = await sealEnvelope(signed, mac ? { password: ca.secret } : { certificate: protecting }, {
      subtle: ca.subtle,
      random: ca.random,
      contentType: '1.2.840.113549.1.7.2',
    });
  } catch (e) {
    return {
      fail: ['badRequest'],
      text: `central key generation: the key cannot be sealed to the protecting certificate: ${wordsOf(e, 'its key type is not supported')}; protect the request with an RSA, EC or ML-KEM certificate, or a MAC`,
    };
  }
  const certDer = await issueFor(ca, req, m, decodeAs(key.spki, SubjectPublicKeyInfo));
  return { certDer, privateKey: new EncryptedKey({ envelopedData: envelope }) };
}

/** Serial (hex) of extraCerts[0], the protecting certificate (RFC 9483 §3.3). */
function signerSerial(der: Uint8Array): string | undefined {
  const root = readDer(der).roots[0];
  const extra = root?.children?.slice(2).find((c) => c.tagClass === 2 && c.tagNumber === 1);
  const first = extra?.children?.[0]?.children?.[0];
  if (!first) return undefined;
  try {
    return hexOf(decodeAs(der.subarray(first.offset, first.end), Certificate).tbsCertificate.serialNumber);
  } catch {
    return undefined;
  }
}

/** ir, cr, kur, p10cr: issue (or poll, or reject as told). */
export async function handleCertRequest(
  ca: Authority,
  req: ReadMessage,
  der: Uint8Array,
  checks: CheckResult[],
): Promise<Answer> {
  const b = req.body;
  const kind = (b.ir ? 'ir' : b.cr ? 'cr' : b.kur ? 'kur' : 'p10cr') as keyof typeof repOf;
  const msgs: (CertReqMsg | undefined)[] = kind === 'p10cr' ? [undefined] : [...(b.ir ?? b.cr ?? b.kur)!];
  const responses: CertResponse[] = [];
  const awaiting = new Map<number, Uint8Array>();
  // EnvelopedData (a central key, an encrypted certificate) is cmp2021: the answer is pvno 3 (RFC 9810 §7).
  let central = false;
  for (const m of msgs) {
    const certReqId = m ? m.certReq.certReqId : -1;
    const refused = ca.behaviour.reject?.length
      ? { fail: ca.behaviour.reject, text: 'the test CA was told to reject (reject behaviour)' }
      : refusal(ca, der, m, checks, kind);
    if (refused) {
      responses.push(
        new CertResponse({
          certReqId,
          status: status(PKIStatus.rejection, refused.text, PKIFailureInfo.fromNames(refused.fail)),
        }),
      );
      continue;
    }
    let certDer: Uint8Array;
    let privateKey: EncryptedKey | undefined;
    if (m && asksCentralKeygen(m)) {
      const made = await centralKey(ca, req, der, m);
      if ('fail' in made) {
        responses.push(
          new CertResponse({
            certReqId,
            status: status(PKIStatus.rejection, made.text, PKIFailureInfo.fromNames(made.fail)),
          }),
        );
        continue;
      }
      ({ certDer, privateKey } = made);
      central = true;
    } else certDer = await issueFor(ca, req, m);
    // Indirect POP: the certificate goes back sealed to its own key; certConf proves it was opened.
    let encryptedCert: EncryptedKey | undefined;
    if (m && indirectPop(m)) {
      try {
        const env = await sealEnvelope(
          certDer,
          { certificate: certDer },
          { subtle: ca.subtle, random: ca.random },
        );
        encryptedCert = new EncryptedKey({ envelopedData: env });
        central = true;
      } catch (e) {
        await ca.revoke(hexOf(decodeAs(certDer, Certificate).tbsCertificate.serialNumber), 0);
        responses.push(
          new CertResponse({
            certReqId,
            status: status(
              PKIStatus.rejection,
              `indirect POP: the certificate cannot be encrypted to the requested key: ${wordsOf(e, 'its type cannot be encrypted to')}`,
              PKIFailureInfo.fromNames(['badPOP']),
            ),
          }),
        );
        continue;
      }
    }
    awaiting.set(certReqId, certDer);
    responses.push(
      new CertResponse({
        certReqId,
        status: status(PKIStatus.accepted),
        certifiedKeyPair: new CertifiedKeyPair({
          certOrEncCert: encryptedCert
            ? new CertOrEncCert({ encryptedCert })
            : new CertOrEncCert({
                certificate: new CMPCertificate({ x509v3PKCert: decodeAs(certDer, Certificate) }),
              }),
          privateKey,
        }),
      }),
    );
  }
  const final = repBody(
    kind,
    new CertRepMessage({
      caPubs: awaiting.size ? new CMPCertificates([ca.caCertificate()]) : undefined,
      response: new CertResponses(responses),
    }),
  );
  const asked = req.header.generalInfo?.some((i) => i.infoType === oids.itImplicitConfirm) ?? false;
  const implicit = asked && (ca.behaviour.grantImplicitConfirm ?? true);
  const polls = ca.behaviour.pollCount ?? 0;
  if (polls > 0) {
    ca.pending(transactionIdHex(req), { response: final, pollsLeft: polls - 1, awaiting, implicit });
    const waiting = responses.map(
      (r) =>
        new CertResponse({
          certReqId: r.certReqId,
          status: status(PKIStatus.waiting, 'the test CA makes you poll (pollCount behaviour)'),
        }),
    );
    return { body: repBody(kind, new CertRepMessage({ response: new CertResponses(waiting) })) };
  }
  if (awaiting.size && !implicit) {
    const confirmBy = confirmDeadline(ca);
    ca.pending(transactionIdHex(req), { pollsLeft: 0, awaiting, implicit, confirmBy });
    return { body: final, implicit, confirmWaitTime: new Date(confirmBy), pvno: central ? 3 : undefined };
  }
  return { body: final, implicit, pvno: central ? 3 : undefined };
}

/** Revokes the certificates a transaction issued that were never confirmed. */
async function revokeAwaiting(ca: Authority, t: PendingTransaction): Promise<void> {
  for (const issued of t.awaiting.values())
    await ca.revoke(hexOf(decodeAs(issued, Certificate).tbsCertificate.serialNumber), 0);
}

/** RFC 9810 §5.1.1.2: how long the CA waits for certConf, whole seconds from now. */
function confirmDeadline(ca: Authority): number {
  const now = Math.floor(ca.now().getTime() / 1000) * 1000;
  return now + (ca.behaviour.confirmWaitSeconds ?? 300) * 1000;
}

async function issueFor(
  ca: Authority,
  req: ReadMessage,
  m: CertReqMsg | undefined,
  spki?: SubjectPublicKeyInfo,
): Promise<Uint8Array> {
  if (!m) {
    const info = req.body.p10cr!.certificationRequestInfo;
    return ca.issue(info.subject, info.subjectPKInfo, extensionRequest(info.attributes));
  }
  const tpl = m.certReq.certTemplate;
  let subject = tpl.subject ?? new Name([]);
  if (req.body.kur && !tpl.subject?.length) {
    const old = oldCert(ca, m);
    if (old) subject = old.tbsCertificate.subject;
  }
  const validity = tpl.validity
    ? { notBefore: tpl.validity.notBefore?.getTime(), notAfter: tpl.validity.notAfter?.getTime() }
    : undefined;
  return ca.issue(
    subject,
    spki ?? (tpl.publicKey as SubjectPublicKeyInfo),
    tpl.extensions ? [...tpl.extensions] : undefined,
    validity,
  );
}

function oldCert(ca: Authority, m: CertReqMsg): Certificate | undefined {
  const ctl = m.certReq.controls?.find((c) => c.type === oids.regCtrlOldCertID);
  if (!ctl) return undefined;
  const id = decodeAs(ctl.value, CertId);
  const rec = ca.issuedBySerial(hexOf(id.serialNumber));
  return rec ? decodeAs(fromBase64(rec.certBase64), Certificate) : undefined;
}

function extensionRequest(attrs: Attributes): Extension[] | undefined {
  const a = attrs.find((x) => x.type === oids.extensionRequest);
  return a?.values[0] ? [...decodeAs(a.values[0], Extensions)] : undefined;
}

/** certConf: the hashes must match what was issued; then pkiConf. */
export async function handleCertConf(ca: Authority, req: ReadMessage): Promise<Answer> {
  const tid = transactionIdHex(req);
  const t = ca.transactions.get(tid);
  if (!t || t.response) return { error: ['badRequest'], text: 'certConf for no transaction waiting for one' };
  if (t.confirmBy !== undefined && ca.now().getTime() > t.confirmBy) {
    // Past the confirmWaitTime it sent: the certificates are revoked, as RFC 9810 §5.1.1.2 has the CA do.
    await revokeAwaiting(ca, t);
    ca.transactions.delete(tid);
    return {
      error: ['badRequest'],
      text: `certConf after the confirmWaitTime ${new Date(t.confirmBy).toISOString()}: the certificates were revoked`,
    };
  }
  for (const st of req.body.certConf!) {
    const issued = t.awaiting.get(st.certReqId);
    if (!issued)
      return {
        error: ['badCertId'],
        text: `certConf for certReqId ${st.certReqId}, which was not issued here`,
      };
    const hash = certHashFor(decodeAs(issued, Certificate), st.hashAlg?.algorithm);
    const want = hash ? new Uint8Array(await ca.subtle.digest(hash, own(issued))) : undefined;
    if (!want || !equalBytes(want, new Uint8Array(st.certHash.buffer)))
      return {
        error: ['badCertId'],
        text: `certHash for certReqId ${st.certReqId} does not match the issued certificate`,
      };
    if (st.statusInfo && st.statusInfo.status === PKIStatus.rejection) {
      const serial = hexOf(decodeAs(issued, Certificate).tbsCertificate.serialNumber);
      await ca.revoke(serial, 0);
    }
  }
  ca.transactions.delete(tid);
  return { body: new PKIBody({ pkiconf: null }) };
}

/**
 * A client's error for a transaction of ours (it gives up, or rejects what it was sent): the transaction
 * ends, certificates still awaiting confirmation are revoked as a rejecting certConf would have them, and
 * the answer is pkiConf (RFC 9810 §5.3.21 lets the receiver of an error answer with pkiConf).
 */
export async function handleClientError(ca: Authority, req: ReadMessage): Promise<Answer> {
  const tid = transactionIdHex(req);
  const t = ca.transactions.get(tid);
  if (!t) return { error: ['badRequest'], text: 'error for no transaction open here' };
  await revokeAwaiting(ca, t);
  ca.transactions.delete(tid);
  return { body: new PKIBody({ pkiconf: null }) };
}

/** pollReq: pollRep while the CA is "busy", then the final answer. */
export async function handlePollReq(ca: Authority, req: ReadMessage): Promise<Answer> {
  const t = ca.transactions.get(transactionIdHex(req));
  if (!t?.response) return { error: ['badRequest'], text: 'pollReq for no transaction that is waiting' };
  if (t.pollsLeft > 0) {
    t.pollsLeft--;
    return {
      body: new PKIBody({
        pollRep: new PollRepContent(
          req.body.pollReq!.map(
            (p) => new PollRep({ certReqId: p.certReqId, checkAfter: ca.behaviour.checkAfter ?? 1 }),
          ),
        ),
      }),
    };
  }
  const body = t.response;
  t.response = undefined;
  if (!t.awaiting.size || t.implicit) {
    ca.transactions.delete(transactionIdHex(req));
    return { body, implicit: t.implicit };
  }
  t.confirmBy = confirmDeadline(ca);
  return { body, implicit: t.implicit, confirmWaitTime: new Date(t.confirmBy) };
}

/** rr: revoke what this CA issued. */
export async function handleRevocation(ca: Authority, req: ReadMessage): Promise<Answer> {
  const statuses: PKIStatusInfo[] = [];
  const ids: CertId[] = [];
  for (const d of req.body.rr!) {
    const tpl: CertTemplate = d.certDetails;
    const serial = tpl.serialNumber ? hexOf(tpl.serialNumber) : undefined;
    const sameIssuer =
      tpl.issuer &&
      toHex(new Uint8Array(AsnSerializer.serialize(tpl.issuer))) ===
        toHex(new Uint8Array(AsnSerializer.serialize(ca.name)));
    if (!serial || !sameIssuer || !ca.issuedBySerial(serial)) {
      statuses.push(
        status(
          PKIStatus.rejection,
          'not a certificate this CA issued (give issuer and serialNumber)',
          PKIFailureInfo.fromNames(['badCertId']),
        ),
      );
    } else if (ca.revokedBySerial(serial)) {
      statuses.push(
        status(PKIStatus.rejection, 'already revoked', PKIFailureInfo.fromNames(['certRevoked'])),
      );
    } else {
      const reasonExt = d.crlEntryDetails?.find((e) => e.extnID === id_ce_cRLReasons);
      await ca.revoke(
        serial,
        reasonExt ? AsnConvert.parse(reasonExt.extnValue.buffer, CRLReason).reason : undefined,
      );
      statuses.push(status(PKIStatus.accepted));
      ids.push(
        new CertId({ issuer: new GeneralName({ directoryName: ca.name }), serialNumber: tpl.serialNumber! }),
      );
    }
  }
  return {
    body: new PKIBody({
      rp: new RevRepContent({
        status: new PKIStatusInfos(statuses),
        revCerts: ids.length ? new CertIds(ids) : undefined,
      }),
    }),
  };
}
