/**
 * Conformance findings for one PKIMessage: the handful of RFC 9810 / RFC 9483 rules behind most
 * rejections, each with the node it is about and the section it comes from. Pure and synchronous;
 * a message that does not decode gets one finding saying where, never an exception.
 */
import {
  Certificate,
  SubjectKeyIdentifier,
  id_ce_subjectKeyIdentifier,
  type AlgorithmIdentifier,
  type GeneralName,
  type Name,
} from '@peculiar/asn1-x509';
import type { CheckProfile, Finding } from '../../shared/findings';
import { PBKDF2Params, PBMAC1Params, PBMParameter, PKIStatus, oids, type PKIStatusInfo } from '../asn1';
import { derDocument, readDer, type TlvTree } from '../der/reader';
import type { DerProblem, TlvNode } from '../der/types';
import { toHex } from '../der/values';
import { signatureByOid } from '../base/algorithms';
import { slice } from '../base/encoded';
import { readMessage, schemaNodeLimit, senderKidHex, type ReadMessage } from '../base/message';
import { sameName } from '../base/names';
import { Locator } from './locate';
import {
  certRepOf,
  certRequestBodies,
  certResponseBodies,
  firstBodies,
  implicitConfirmBodies,
  asksCentralKeygen,
} from '../base/bodies';
import { decodeAs, wordsOf } from '../base/decode';

export interface CheckOptions {
  profile?: CheckProfile;
  /** For "messageTime in the future"; default now. */
  now?: Date;
  /** The message's TLV read, when it was read already (readTlv of the same DER): not read again. */
  read?: { tree: TlvTree; roots: number[]; problems: DerProblem[] };
}

/** Bodies that open a transaction: no recipNonce yet (RFC 9483 §3.1). */

const keyFamily: Record<string, string> = {
  '1.2.840.113549.1.1.1': 'RSA',
  '1.2.840.113549.1.1.10': 'RSA',
  '1.2.840.10045.2.1': 'EC',
  '1.3.101.112': 'Ed25519',
  '1.3.101.113': 'Ed448',
};
const schemeFamily = (oid: string): string | undefined => {
  const s = signatureByOid[oid];
  return !s ? undefined : s.kind.startsWith('RSA') ? 'RSA' : s.kind === 'ECDSA' ? 'EC' : s.kind;
};
const weakHashes = new Set([
  '1.3.14.3.2.26',
  '1.2.840.113549.2.5',
  '1.3.6.1.5.5.8.1.2',
  '1.2.840.113549.2.7',
]);

class Findings {
  readonly list: Finding[] = [];
  constructor(
    readonly at: Locator,
    readonly lightweight: boolean,
  ) {}

  /** A finding about `node` (its offset is where the inspector selects); lightweight ones only with that profile. */
  add(
    f: Omit<Finding, 'offset' | 'profile' | 'messageIndex'> & {
      node: TlvNode | undefined;
      profile?: CheckProfile;
    },
  ): void {
    const { node, profile = 'base', ...rest } = f;
    if (profile === 'lightweight' && !this.lightweight) return;
    this.list.push({ ...rest, profile, offset: node?.offset ?? 0 });
  }
}

const isNullDn = (g: GeneralName): boolean => !!g.directoryName && g.directoryName.length === 0;
const bytes = (b: { buffer: ArrayBuffer } | undefined) => (b ? new Uint8Array(b.buffer) : undefined);

function nameText(n: Name): string {
  return n.map((rdn) => rdn.map((a) => `${a.type}=${a.value.toString()}`).join('+')).join(',');
}

/** extraCerts[0]'s node: [1] EXPLICIT → SEQUENCE OF → the first certificate. */
function firstExtraCertNode(at: Locator): TlvNode | undefined {
  return at.trailer(1)?.children?.[0]?.children?.[0];
}

function firstExtraCert(der: Uint8Array, at: Locator): Certificate | undefined {
  const node = firstExtraCertNode(at);
  if (!node) return undefined;
  try {
    return decodeAs(slice(der, node), Certificate);
  } catch {
    return undefined;
  }
}

/** The place (after the first, among the first 64) of the extraCert whose subjectKeyIdentifier is `kid`. */
function signerAt(der: Uint8Array, at: Locator, kid: string): number | undefined {
  const count = at.trailer(1)?.children?.[0]?.children?.length ?? 0;
  for (let i = 1; i < Math.min(count, 64); i++) {
    const c = extraCertAt(der, at, i);
    if (c && skidOf(c) === kid) return i;
  }
  return undefined;
}

function checkHeader(m: ReadMessage, f: Findings, now: Date): void {
  const h = m.header;
  const at = f.at;
  const pvno = Number(h.pvno);
  const requests = m.body.ir ?? m.body.cr ?? m.body.kur ?? m.body.ccr ?? [];
  // Central key generation (no POP, no public key): its answer carries EnvelopedData (RFC 9483 §4.1.6).
  const central = requests.some(asksCentralKeygen);
  // These follow their transaction's version, which the request chose (RFC 9810 §7).
  const follows = ['certConf', 'pkiconf', 'pollReq', 'pollRep', 'error'].includes(m.bodyName);
  const needs3 =
    central ||
    (m.body.certConf ?? []).some((s) => s.hashAlg) ||
    (certRepOf(m.body)?.response ?? []).some(
      (r) =>
        r.certifiedKeyPair?.certOrEncCert.encryptedCert?.envelopedData ||
        r.certifiedKeyPair?.privateKey?.envelopedData,
    );
  if (pvno !== 2 && pvno !== 3)
    f.add({
      id: 'header.pvno.value',
      severity: 'error',
      message: `pvno is ${pvno}: CMP messages use 2 (cmp2000) or 3 (cmp2021)`,
      ref: 'RFC 9810 §5.1.1',
      path: 'header.pvno',
      node: at.headerField('pvno'),
    });
  else if (needs3 && pvno !== 3)
    f.add({
      id: 'header.pvno.needs3',
      severity: 'error',
      message: central
        ? 'pvno is 2 but the request asks for central key generation, whose key comes back in EnvelopedData: it must be 3'
        : 'pvno is 2 but the message uses cmp2021 features (hashAlg in certConf, or EnvelopedData): it must be 3',
      ref: 'RFC 9810 §7',
      path: 'header.pvno',
      node: at.headerField('pvno'),
    });
  else if (!needs3 && !follows && pvno === 3)
    f.add({
      id: 'header.pvno.unneeded',
      severity: 'info',
      message:
        'pvno is 3 though nothing here needs cmp2021: the lowest version that supports the message is preferred',
      ref: 'RFC 9810 §7',
      path: 'header.pvno',
      node: at.headerField('pvno'),
    });

  if (!h.sender.directoryName)
    f.add({
      id: 'header.sender.form',
      severity: 'error',
      message: 'sender is not a directoryName',
      ref: 'RFC 9483 §3.1',
      path: 'header.sender',
      node: at.headerField('sender'),
      profile: 'lightweight',
    });
  else if (isNullDn(h.sender) && !h.senderKID)
    f.add({
      id: 'header.sender.nullWithoutKid',
      severity: 'error',
      message: 'sender is the NULL-DN and senderKID is absent: nothing identifies the sender',
      ref: 'RFC 9810 §5.1.1',
      path: 'header.sender',
      node: at.headerField('sender'),
    });
  if (!h.recipient.directoryName)
    f.add({
      id: 'header.recipient.form',
      severity: 'warning',
      message: 'recipient is not a directoryName',
      ref: 'RFC 9483 §3.1',
      path: 'header.recipient',
      node: at.headerField('recipient'),
      profile: 'lightweight',
    });

  for (const name of ['transactionID', 'senderNonce'] as const) {
    const v = bytes(h[name]);
    const node = at.headerField(name) ?? at.header;
    if (!v)
      f.add({
        id: `header.${name}.missing`,
        severity: f.lightweight ? 'error' : 'warning',
        message: `${name} is absent`,
        ref: f.lightweight ? 'RFC 9483 §3.1' : 'RFC 9810 §5.1.1',
        path: `header.${name}`,
        node,
        profile: f.lightweight ? 'lightweight' : 'base',
      });
    else if (f.lightweight && v.length !== 16)
      f.add({
        id: `header.${name}.length`,
        severity: 'warning',
        message: `${name} has ${v.length * 8} bits; the profile asks for 128`,
        ref: 'RFC 9483 §3.1',
        path: `header.${name}`,
        node,
        profile: 'lightweight',
      });
    else if (v.length < 16)
      f.add({
        id: `header.${name}.length`,
        severity: 'warning',
        message: `${name} has ${v.length * 8} bits, fewer than 128`,
        ref: 'RFC 9810 §5.1.1',
        path: `header.${name}`,
        node,
      });
  }
  const first = firstBodies.has(m.bodyName);
  if (!first && m.bodyName !== 'error' && !h.recipNonce)
    f.add({
      id: 'header.recipNonce.missing',
      severity: f.lightweight ? 'error' : 'warning',
      message: `recipNonce is absent in ${m.bodyName}: it must carry the senderNonce of the message answered`,
      ref: f.lightweight ? 'RFC 9483 §3.1' : 'RFC 9810 §5.1.1',
      path: 'header.recipNonce',
      node: at.header,
      profile: f.lightweight ? 'lightweight' : 'base',
    });
  if (first && h.recipNonce)
    f.add({
      id: 'header.recipNonce.unexpected',
      severity: 'warning',
      message: `recipNonce is present in ${m.bodyName}, which opens a transaction`,
      ref: 'RFC 9483 §3.1',
      path: 'header.recipNonce',
      node: at.headerField('recipNonce'),
      profile: 'lightweight',
    });

  if (!h.messageTime)
    f.add({
      id: 'header.messageTime.missing',
      severity: 'warning',
      message: 'messageTime is absent',
      ref: 'RFC 9483 §3.1',
      path: 'header.messageTime',
      node: at.header,
      profile: 'lightweight',
    });
  else if (h.messageTime.getTime() > now.getTime() + 10 * 60_000)
    f.add({
      id: 'header.messageTime.future',
      severity: 'info',
      message: `messageTime ${h.messageTime.toISOString()} is in the future`,
      ref: 'RFC 9810 §5.1.1',
      path: 'header.messageTime',
      node: at.headerField('messageTime'),
    });
  else if (h.messageTime.getUTCFullYear() < 2000)
    f.add({
      id: 'header.messageTime.past',
      severity: 'info',
      message: `messageTime ${h.messageTime.toISOString()} is implausibly old`,
      ref: 'RFC 9810 §5.1.1',
      path: 'header.messageTime',
      node: at.headerField('messageTime'),
    });

  for (const itav of h.generalInfo ?? []) {
    const node = at.headerField('generalInfo');
    const value = itav.infoValue ? new Uint8Array(itav.infoValue) : undefined;
    if (itav.infoType === oids.itImplicitConfirm) {
      if (value && !(value.length === 2 && value[0] === 0x05 && value[1] === 0x00))
        f.add({
          id: 'header.generalInfo.implicitConfirm.value',
          severity: 'error',
          message: "implicitConfirm's value must be NULL",
          ref: 'RFC 9810 §5.1.1.1',
          path: 'header.generalInfo',
          node,
        });
      if (!implicitConfirmBodies.has(m.bodyName))
        f.add({
          id: 'header.generalInfo.implicitConfirm.body',
          severity: 'warning',
          message: `implicitConfirm in ${m.bodyName} means nothing: it belongs to certificate requests and responses`,
          ref: 'RFC 9810 §5.1.1.1',
          path: 'header.generalInfo',
          node,
        });
    }
    if (itav.infoType === oids.itConfirmWaitTime) {
      if (!value || value[0] !== 0x18)
        f.add({
          id: 'header.generalInfo.confirmWaitTime.value',
          severity: 'error',
          message: "confirmWaitTime's value must be a GeneralizedTime",
          ref: 'RFC 9810 §5.1.1.2',
          path: 'header.generalInfo',
          node,
        });
      if (!certResponseBodies.has(m.bodyName))
        f.add({
          id: 'header.generalInfo.confirmWaitTime.body',
          severity: 'warning',
          message: `confirmWaitTime in ${m.bodyName}: it belongs to ip/cp/kup`,
          ref: 'RFC 9810 §5.1.1.2',
          path: 'header.generalInfo',
          node,
        });
    }
  }
}

function checkMac(alg: AlgorithmIdentifier, f: Findings): void {
  const node = f.at.headerField('protectionAlg');
  const path = 'header.protectionAlg';
  let iterations: number | undefined;
  let salt: number | undefined;
  const weak: string[] = [];
  try {
    if (alg.algorithm === oids.passwordBasedMac && alg.parameters) {
      const p = decodeAs(alg.parameters, PBMParameter);
      iterations = p.iterationCount;
      salt = p.salt.byteLength;
      if (weakHashes.has(p.owf.algorithm)) weak.push('owf');
      if (weakHashes.has(p.mac.algorithm)) weak.push('mac');
      if (iterations < 100)
        f.add({
          id: 'protection.pbm.iterations',
          severity: 'error',
          message: `PBM iterationCount is ${iterations}; it must be at least 100`,
          ref: 'RFC 4211 §4.4',
          path,
          node,
        });
    } else if (alg.algorithm === oids.pbmac1 && alg.parameters) {
      const p = decodeAs(alg.parameters, PBMAC1Params);
      if (p.keyDerivationFunc.algorithm === oids.pbes2)
        f.add({
          id: 'protection.pbmac1.kdf',
          severity: 'error',
          message:
            'PBMAC1 keyDerivationFunc is id-PBES2, an encryption scheme; RFC 8018 has id-PBKDF2 here (a known producer mistake: verify says whether the MAC matches when it is read as id-PBKDF2)',
          ref: 'RFC 8018 App. A.5',
          path,
          node,
        });
      const kdf = p.keyDerivationFunc.parameters
        ? decodeAs(p.keyDerivationFunc.parameters, PBKDF2Params)
        : undefined;
      iterations = kdf?.iterationCount;
      salt = kdf?.salt.specified?.byteLength;
      if (kdf?.prf && weakHashes.has(kdf.prf.algorithm)) weak.push('PBKDF2 PRF');
      if (weakHashes.has(p.messageAuthScheme.algorithm)) weak.push('messageAuthScheme');
    } else return;
  } catch (e) {
    f.add({
      id: 'protection.mac.parameters',
      severity: 'error',
      message: wordsOf(e, 'the MAC parameters do not decode'),
      ref: 'RFC 9810 §5.1.3.1',
      path,
      node,
    });
    return;
  }
  if (iterations !== undefined && iterations >= 100 && iterations < 1000)
    f.add({
      id: 'protection.mac.iterations',
      severity: 'warning',
      message: `iterationCount ${iterations} is below the 1,000 recommended for password-based keys`,
      // PBM's own text (RFC 4211 §4.4) for PBM; PBKDF2's (RFC 8018 §4.2) for PBMAC1.
      ref: alg.algorithm === oids.passwordBasedMac ? 'RFC 4211 §4.4' : 'RFC 8018 §4.2',
      path,
      node,
    });
  if (salt !== undefined && salt < 8)
    f.add({
      id: 'protection.mac.salt',
      severity: 'warning',
      message: `the salt has ${salt} octets; at least 8 are recommended`,
      ref: 'RFC 8018 §4.1',
      path,
      node,
    });
  if (weak.length)
    f.add({
      id: 'protection.mac.weakHash',
      severity: 'info',
      message: `${weak.join(' and ')} use${weak.length === 1 ? 's' : ''} SHA-1 or MD5; RFC 9481 lists SHA-2 and later`,
      ref: 'RFC 9481 §6.1',
      path,
      node,
    });
}

function checkProtection(m: ReadMessage, der: Uint8Array, f: Findings): void {
  const at = f.at;
  const alg = m.header.protectionAlg;
  const value = at.trailer(0);
  if (!alg && !value) {
    if (m.bodyName === 'error')
      f.add({
        id: 'protection.missing',
        severity: 'warning',
        message: 'the error message is unprotected',
        ref: 'RFC 9483 §3.2',
        path: 'protection',
        node: at.root,
        profile: 'lightweight',
      });
    else
      f.add({
        id: 'protection.missing',
        severity: f.lightweight ? 'error' : 'warning',
        message: 'the message is unprotected',
        ref: f.lightweight ? 'RFC 9483 §3.2' : 'RFC 9810 §5.1.3',
        path: 'protection',
        node: at.root,
        profile: f.lightweight ? 'lightweight' : 'base',
      });
    return;
  }
  if (!!alg !== !!value) {
    f.add({
      id: 'protection.mismatch',
      severity: 'error',
      message: alg
        ? 'protectionAlg is set but the protection BIT STRING is absent'
        : 'protection is present but header.protectionAlg is absent',
      ref: 'RFC 9810 §5.1',
      path: alg ? 'protection' : 'header.protectionAlg',
      node: alg ? at.root : value,
      profile: 'base',
    });
    return;
  }
  if (alg!.algorithm === oids.passwordBasedMac || alg!.algorithm === oids.pbmac1) {
    if (!m.header.senderKID)
      f.add({
        id: 'header.senderKID.missing',
        severity: f.lightweight ? 'error' : 'warning',
        message: 'MAC protection without senderKID: the receiver cannot tell which shared secret to use',
        ref: f.lightweight ? 'RFC 9483 §3.1' : 'RFC 9810 §5.1.1',
        path: 'header.senderKID',
        node: at.header,
        profile: f.lightweight ? 'lightweight' : 'base',
      });
    checkMac(alg!, f);
    return;
  }
  const family = schemeFamily(alg!.algorithm);
  if (!family) return;
  const certNode = firstExtraCertNode(at);
  const cert = firstExtraCert(der, at);
  if (!cert) {
    f.add({
      id: 'protection.extraCerts.missing',
      severity: f.lightweight ? 'error' : 'warning',
      message:
        "signature protection but no certificate in extraCerts: the receiver has to know the signer's certificate already",
      ref: f.lightweight ? 'RFC 9483 §3.3' : 'RFC 9810 §5.1.3.3',
      path: 'extraCerts',
      node: at.trailer(1) ?? at.root,
      profile: f.lightweight ? 'lightweight' : 'base',
    });
    return;
  }
  const kid = senderKidHex(m);
  const firstSkid = skidOf(cert);
  // The protecting certificate is the one whose subjectKeyIdentifier is senderKID (as verify finds it);
  // when that is not extraCerts[0], the order is the finding, and the other rules look at that one.
  const moved = kid && firstSkid !== kid ? signerAt(der, at, kid) : undefined;
  if (moved !== undefined)
    f.add({
      id: 'protection.extraCerts.order',
      severity: 'warning',
      message: `the certificate whose subjectKeyIdentifier is senderKID is extraCerts[${moved}], not extraCerts[0]`,
      ref: 'RFC 9483 §3.3',
      path: `extraCerts[${moved}]`,
      node: at.trailer(1)?.children?.[0]?.children?.[moved],
      profile: 'lightweight',
    });
  const signer = moved !== undefined ? extraCertAt(der, at, moved)! : cert;
  const where = `extraCerts[${moved ?? 0}]`;
  const tbs = signer.tbsCertificate;
  const keyKind = keyFamily[tbs.subjectPublicKeyInfo.algorithm.algorithm];
  if (keyKind && keyKind !== family)
    f.add({
      id: 'protection.extraCerts.first',
      severity: 'error',
      message: `${where} holds a ${keyKind} key but the message is signed with ${family}: it is not the protecting certificate`,
      ref: 'RFC 9483 §3.3',
      path: where,
      node: moved !== undefined ? at.trailer(1)?.children?.[0]?.children?.[moved] : certNode,
      profile: 'lightweight',
    });
  const subject = nameText(tbs.subject);
  const sender = m.header.sender.directoryName;
  if (sender && !sameName(sender, tbs.subject))
    f.add({
      id: 'header.sender.signer',
      severity: 'error',
      message: `sender is not the subject of the protecting certificate (${where}: ${subject || 'empty'})`,
      ref: 'RFC 9483 §3.1',
      path: 'header.sender',
      node: at.headerField('sender'),
      profile: 'lightweight',
    });
  const skid = skidOf(signer);
  if (skid && !kid)
    f.add({
      id: 'header.senderKID.missing',
      severity: 'warning',
      message: `senderKID is absent; the protecting certificate's subjectKeyIdentifier is ${skid}`,
      ref: 'RFC 9483 §3.1',
      path: 'header.senderKID',
      node: at.header,
      profile: 'lightweight',
    });
  else if (skid && kid !== skid)
    f.add({
      id: 'header.senderKID.skid',
      severity: 'error',
      message: `senderKID ${kid} is not the protecting certificate's subjectKeyIdentifier ${skid}`,
      ref: 'RFC 9483 §3.1',
      path: 'header.senderKID',
      node: at.headerField('senderKID'),
      profile: 'lightweight',
    });
}

/** A certificate's subjectKeyIdentifier in hex, if it has one that decodes. */
function skidOf(cert: Certificate): string | undefined {
  const ext = cert.tbsCertificate.extensions?.find((e) => e.extnID === id_ce_subjectKeyIdentifier);
  return ext ? subjectKeyId(ext.extnValue.buffer) : undefined;
}

/** extraCerts[i], decoded, or undefined. */
function extraCertAt(der: Uint8Array, at: Locator, i: number): Certificate | undefined {
  const node = at.trailer(1)?.children?.[0]?.children?.[i];
  if (!node) return undefined;
  try {
    return decodeAs(slice(der, node), Certificate);
  } catch {
    return undefined;
  }
}

/**
 * The subjectKeyIdentifier in hex, or undefined when the extension's value does not decode: then
 * there is nothing to compare senderKID with (the inspector shows the extension's decoding problem).
 */
function subjectKeyId(value: ArrayBuffer): string | undefined {
  try {
    return toHex(new Uint8Array(decodeAs(value, SubjectKeyIdentifier).buffer));
  } catch {
    return undefined;
  }
}

function statusFindings(s: PKIStatusInfo, f: Findings, path: string, node: TlvNode | undefined): void {
  const fail = s.failInfo?.toNames() ?? [];
  if (s.status === PKIStatus.rejection && !fail.length)
    f.add({
      id: 'body.status.rejectionWithoutFailInfo',
      severity: 'info',
      message: 'a rejection without failInfo gives no reason the client can act on',
      ref: 'RFC 9810 §5.2.3',
      path,
      node,
    });
  if ((s.status === PKIStatus.accepted || s.status === PKIStatus.grantedWithMods) && fail.length)
    f.add({
      id: 'body.status.acceptedWithFailInfo',
      severity: 'info',
      message: `status ${PKIStatus[s.status]} with failInfo ${fail.join(', ')}: contradictory`,
      ref: 'RFC 9810 §5.2.3',
      path,
      node,
    });
}

/** The bodies whose fields checkBody looks at; the others (crlann, cann, …) are checked by their header only. */
const bodiesChecked = new Set([
  ...certRequestBodies,
  ...certResponseBodies,
  'rp',
  'certConf',
  'pollRep',
  'error',
]);

function checkBody(m: ReadMessage, f: Findings): void {
  const b = m.body as unknown as Record<string, unknown>;
  const at = f.at;
  if (m.bodyNodes !== undefined) {
    // Too big to decode into schema objects: said, where its fields would have been checked.
    if (bodiesChecked.has(m.bodyName))
      f.add({
        id: 'body.notChecked',
        severity: 'info',
        message: `the ${m.bodyName} body has ${m.bodyNodes.toLocaleString('en')} ASN.1 nodes, more than the ${schemaNodeLimit.toLocaleString('en')} its field checks decode: its fields were not checked (the inspector shows them all)`,
        ref: 'RFC 9810 §5.3',
        path: 'body',
        node: at.body,
      });
    return;
  }
  if (certRequestBodies.has(m.bodyName)) {
    const msgs = b[m.bodyName] as NonNullable<ReadMessage['body']['ir']>;
    if (msgs.length !== 1)
      f.add({
        id: 'body.certReqMessages.count',
        severity: 'error',
        message: `${msgs.length} CertReqMsg; the profile sends exactly one`,
        ref: 'RFC 9483 §4.1.1',
        path: 'body',
        node: at.body,
        profile: 'lightweight',
      });
    msgs.forEach((msg, i) => {
      const path = `body.${m.bodyName}[${i}]`;
      const node = at.bodyElement(i);
      const t = msg.certReq.certTemplate;
      if (msg.certReq.certReqId !== 0)
        f.add({
          id: 'body.certReqId',
          severity: 'error',
          message: `certReqId is ${msg.certReq.certReqId}; the profile uses 0`,
          ref: 'RFC 9483 §4.1.1',
          path: `${path}.certReq.certReqId`,
          node,
          profile: 'lightweight',
        });
      const forbidden = [
        t.serialNumber && 'serialNumber',
        t.signingAlg && 'signingAlg',
        t.issuerUID && 'issuerUID',
        t.subjectUID && 'subjectUID',
      ].filter(Boolean);
      if (forbidden.length)
        f.add({
          id: 'body.certTemplate.fields',
          severity: 'warning',
          message: `the CertTemplate sets ${forbidden.join(', ')}, which a requester must leave to the CA`,
          ref: 'RFC 4211 §5',
          path: `${path}.certReq.certTemplate`,
          node,
        });
      if (t.version !== undefined && t.version !== 2)
        f.add({
          id: 'body.certTemplate.version',
          severity: 'warning',
          message: `CertTemplate version ${t.version}: if given it must be 2 (v3)`,
          ref: 'RFC 4211 §5',
          path: `${path}.certReq.certTemplate`,
          node,
        });
      if (!t.publicKey && m.bodyName !== 'krr')
        f.add({
          id: 'body.certTemplate.publicKey',
          severity: 'warning',
          message: 'the CertTemplate has no publicKey (only right for central key generation)',
          ref: 'RFC 9483 §4.1.1',
          path: `${path}.certReq.certTemplate`,
          node,
          profile: 'lightweight',
        });
      if (asksCentralKeygen(msg))
        f.add({
          id: 'body.centralKeygen',
          severity: 'info',
          message:
            'asks for central key generation (no POP, the publicKey absent or only its algorithm): the CA makes the key and sends it back encrypted',
          ref: 'RFC 9483 §4.1.6',
          path: `${path}.certReq.certTemplate`,
          node,
        });
      else if (!msg.popo)
        f.add({
          id: 'body.popo.missing',
          severity: f.lightweight ? 'error' : 'warning',
          message: 'no proof of possession',
          ref: f.lightweight ? 'RFC 9483 §4.1.1' : 'RFC 4211 §4',
          path: `${path}.popo`,
          node,
          profile: f.lightweight ? 'lightweight' : 'base',
        });
      else if (msg.popo.raVerified !== undefined)
        f.add({
          id: 'body.popo.raVerified',
          severity: 'info',
          message: 'POP raVerified: only an RA that checked the POP itself may say so',
          ref: 'RFC 4211 §4',
          path: `${path}.popo`,
          node,
        });
      const sigAlg = msg.popo?.signature?.algorithmIdentifier.algorithm;
      const keyAlg = t.publicKey?.algorithm.algorithm;
      if (
        sigAlg &&
        keyAlg &&
        keyFamily[keyAlg] &&
        schemeFamily(sigAlg) &&
        keyFamily[keyAlg] !== schemeFamily(sigAlg)
      ) {
        f.add({
          id: 'body.popo.keyType',
          severity: 'error',
          message: `the POP is signed with ${schemeFamily(sigAlg)} but the requested key is ${keyFamily[keyAlg]}`,
          ref: 'RFC 4211 §4.1',
          path: `${path}.popo`,
          node,
        });
      }
    });
  }
  if (certResponseBodies.has(m.bodyName)) {
    const rep = b[m.bodyName] as NonNullable<ReadMessage['body']['ip']>;
    rep.response.forEach((r, i) => {
      const path = `body.${m.bodyName}.response[${i}]`;
      const node = at.certResponse(i);
      if (r.certReqId !== 0 && r.certReqId !== -1)
        f.add({
          id: 'body.certReqId',
          severity: 'warning',
          message: `certReqId is ${r.certReqId}; the profile answers 0 (or -1 for p10cr)`,
          ref: 'RFC 9483 §4.1.1',
          path: `${path}.certReqId`,
          node,
          profile: 'lightweight',
        });
      const issued = !!r.certifiedKeyPair;
      if (
        (r.status.status === PKIStatus.accepted || r.status.status === PKIStatus.grantedWithMods) &&
        !issued
      )
        f.add({
          id: 'body.response.noCertificate',
          severity: 'error',
          message: `status ${PKIStatus[r.status.status]} but no certificate`,
          ref: 'RFC 9810 §5.3.4',
          path,
          node,
        });
      if ((r.status.status === PKIStatus.waiting || r.status.status === PKIStatus.rejection) && issued)
        f.add({
          id: 'body.response.unexpectedCertificate',
          severity: 'error',
          message: `status ${PKIStatus[r.status.status]} with a certificate`,
          ref: 'RFC 9810 §5.3.4',
          path,
          node,
        });
      statusFindings(r.status, f, `${path}.status`, node);
    });
  }
  if (m.bodyName === 'rp')
    m.body.rp!.status.forEach((s, i) => statusFindings(s, f, `body.rp.status[${i}]`, at.body));
  if (m.bodyName === 'certConf') {
    const cc = m.body.certConf!;
    if (cc.length > 1)
      f.add({
        id: 'body.certConf.count',
        severity: 'warning',
        message: `${cc.length} CertStatus; the profile confirms one certificate`,
        ref: 'RFC 9483 §4.1.1',
        path: 'body.certConf',
        node: at.body,
        profile: 'lightweight',
      });
    cc.forEach((s, i) => {
      if (s.statusInfo) statusFindings(s.statusInfo, f, `body.certConf[${i}].statusInfo`, at.bodyElement(i));
    });
  }
  if (m.bodyName === 'pollRep') {
    m.body.pollRep!.forEach((p, i) => {
      if (p.checkAfter < 0)
        f.add({
          id: 'body.pollRep.checkAfter',
          severity: 'error',
          message: `checkAfter is ${p.checkAfter} seconds`,
          ref: 'RFC 9810 §5.3.22',
          path: `body.pollRep[${i}].checkAfter`,
          node: at.bodyElement(i),
        });
      else if (p.checkAfter > 86_400)
        f.add({
          id: 'body.pollRep.longWait',
          severity: 'info',
          message: `checkAfter is ${p.checkAfter} seconds (more than a day)`,
          ref: 'RFC 9810 §5.3.22',
          path: `body.pollRep[${i}].checkAfter`,
          node: at.bodyElement(i),
        });
    });
  }
  if (m.bodyName === 'error') {
    const s = m.body.error!.pKIStatusInfo;
    if (s.status === PKIStatus.accepted || s.status === PKIStatus.grantedWithMods)
      f.add({
        id: 'body.error.status',
        severity: 'info',
        message: `an error message with status ${PKIStatus[s.status]}`,
        ref: 'RFC 9810 §5.3.21',
        path: 'body.error.pKIStatusInfo',
        node: at.body,
      });
    statusFindings(s, f, 'body.error.pKIStatusInfo', at.body);
  }
}

/** The findings for one message, in the order header, protection, body. */
export function checkMessage(der: Uint8Array, options: CheckOptions = {}): Finding[] {
  const profile = options.profile ?? 'base';
  const doc = options.read ? derDocument(options.read) : readDer(der);
  const root = doc.roots[0];
  let m: ReadMessage;
  try {
    m = readMessage(der, doc);
  } catch (e) {
    return [
      {
        id: 'message.decode',
        severity: 'error',
        message: (e as Error).message,
        ref: 'RFC 9810 §5.1',
        profile: 'base',
        offset: root?.offset ?? 0,
        path: '',
      },
    ];
  }
  const f = new Findings(new Locator(root), profile === 'lightweight');
  checkHeader(m, f, options.now ?? new Date());
  checkProtection(m, der, f);
  checkBody(m, f);
  return f.list;
}
