/**
 * A request read back into the composer's form ("Edit as New Request", "Copy as openssl cmp command"):
 * every field the form has, and what it has no field for kept as DER — template extensions, other
 * generalInfo, CRMF controls — so the edited request says the same except where the person changed
 * it. What cannot come back is said in `notes`: the private key (a new one is made; its type is the
 * request's), a CSR, certificate files.
 */
import {
  ExtendedKeyUsage,
  KeyUsage,
  KeyUsageFlags,
  SubjectAlternativeName,
  SubjectPublicKeyInfo,
  id_ce_extKeyUsage,
  id_ce_keyUsage,
  id_ce_subjectAltName,
  type GeneralName,
  type Name,
} from '@peculiar/asn1-x509';
import { RSAPublicKey } from '@peculiar/asn1-rsa';
import { oids, PKIStatus } from '../asn1';
import { toHex } from '../base/bytes';
import { decodeAs } from '../base/decode';
import { readMessage } from '../base/message';
import { formatName } from '../base/names';
import { pqByOid } from '../base/pq';
import { infoTypeOids } from './bodies';
import type { KeyKind } from '../../shared/requestSpec';
import type { GenmInfoType, RequestBody, RequestSpec, TemplateSpec } from './spec';
import { requestBodies } from './spec';
import { ekuNames } from './template';

export interface SpecOfMessage {
  spec: RequestSpec;
  /** The protection it had, for the form's protection choice. */
  protection: { kind: 'none' | 'pbm' | 'pbmac1' | 'signature' };
  /** What could not come back, in words ("the private key: a new P-256 key is made"). */
  notes: string[];
}

function generalNameText(g: GeneralName): string | undefined {
  if (g.dNSName) return `dns:${g.dNSName}`;
  if (g.rfc822Name) return `email:${g.rfc822Name}`;
  if (g.uniformResourceIdentifier) return `uri:${g.uniformResourceIdentifier}`;
  if (g.iPAddress) return `ip:${g.iPAddress}`;
  if (g.directoryName) return `dn:${formatName(g.directoryName)}`;
  return undefined;
}

/** The composer's key type for a public key (the request's), when it is one the composer makes. */
export function keyKindOf(spki: SubjectPublicKeyInfo): KeyKind | undefined {
  const alg = spki.algorithm.algorithm;
  if (alg === '1.3.101.112') return 'Ed25519';
  const pq = pqByOid.get(alg);
  if (pq) return pq.name as KeyKind;
  if (alg === '1.2.840.10045.2.1' && spki.algorithm.parameters) {
    const hex = toHex(new Uint8Array(spki.algorithm.parameters));
    return (
      { '06082a8648ce3d030107': 'P-256', '06052b81040022': 'P-384', '06052b81040023': 'P-521' } as const
    )[hex];
  }
  if (alg === '1.2.840.113549.1.1.1') {
    const n = new Uint8Array(decodeAs(spki.subjectPublicKey, RSAPublicKey).modulus);
    const bits = (n.length - (n[0] === 0 ? 1 : 0)) * 8;
    return bits > 3584 ? 'RSA-4096' : bits > 2560 ? 'RSA-3072' : 'RSA-2048';
  }
  return undefined;
}

function dn(name: Name | undefined): string {
  return name ? formatName(name) : '';
}

/** senderKID as the form takes it: text when printable, else `hex:…`. */
function kidText(bytes: Uint8Array): string {
  return [...bytes].every((b) => b >= 0x20 && b < 0x7f)
    ? String.fromCharCode(...bytes)
    : `hex:${toHex(bytes)}`;
}

export function specOfMessage(message: Uint8Array): SpecOfMessage {
  const m = readMessage(message);
  if (m.bodyNodes !== undefined) throw new Error(`the ${m.bodyName} body is too big to edit as a request`);
  const body = m.bodyName as RequestBody;
  if (!(requestBodies as readonly string[]).includes(body))
    throw new Error(`${m.bodyName} is not a request the composer makes (${requestBodies.join(', ')})`);
  const h = m.header;
  const notes: string[] = [];
  const spec: RequestSpec = { body };
  spec.sender = h.sender.directoryName ? dn(h.sender.directoryName) : '';
  spec.recipient = h.recipient.directoryName ? dn(h.recipient.directoryName) : '';
  if (h.senderKID) spec.senderKID = kidText(new Uint8Array(h.senderKID.buffer));
  if (h.pvno === 3) spec.pvno = 3;
  // transactionID, nonces and messageTime stay fresh (a new request); Resend may keep them.
  for (const itv of h.generalInfo ?? []) {
    if (itv.infoType === oids.itImplicitConfirm) spec.implicitConfirm = true;
    else
      (spec.generalInfo ??= []).push({
        oid: itv.infoType,
        ...(itv.infoValue ? { valueHex: toHex(new Uint8Array(itv.infoValue)) } : {}),
      });
  }
  const b = m.body;
  const reqs = b.ir ?? b.cr ?? b.kur;
  if (reqs) {
    if (reqs.length > 1) notes.push(`only the first of ${reqs.length} CertReqMsgs is edited`);
    const msg = reqs[0];
    const req = msg.certReq;
    spec.certReqId = req.certReqId;
    const t = req.certTemplate;
    const tpl: TemplateSpec = {};
    if (t.subject?.length) tpl.subject = formatName(t.subject);
    if (t.validity?.notBefore) tpl.notBefore = t.validity.notBefore.getTime().toISOString();
    if (t.validity?.notAfter) tpl.notAfter = t.validity.notAfter.getTime().toISOString();
    for (const e of t.extensions ?? []) {
      const value = e.extnValue.buffer;
      if (e.extnID === id_ce_subjectAltName && !e.critical) {
        const names = [...decodeAs(value, SubjectAlternativeName)].map(generalNameText);
        if (names.every((n): n is string => !!n)) {
          tpl.sans = names;
          continue;
        }
      } else if (e.extnID === id_ce_keyUsage && e.critical) {
        const flags = decodeAs(value, KeyUsage).toNumber();
        tpl.keyUsage = Object.entries(KeyUsageFlags)
          .filter(([k, v]) => Number.isNaN(Number(k)) && typeof v === 'number' && flags & v)
          .map(([k]) => (k === 'cRLSign' ? 'crlSign' : k));
        continue;
      } else if (e.extnID === id_ce_extKeyUsage && !e.critical) {
        const byOid = new Map(Object.entries(ekuNames).map(([k, v]) => [v, k]));
        tpl.extKeyUsage = [...decodeAs(value, ExtendedKeyUsage)].map((o) => byOid.get(o) ?? o);
        continue;
      }
      (tpl.extensions ??= []).push({
        oid: e.extnID,
        ...(e.critical ? { critical: true } : {}),
        valueHex: toHex(new Uint8Array(value)),
      });
    }
    spec.template = tpl;
    if (t.publicKey) {
      const kind = keyKindOf(t.publicKey);
      if (kind) spec.keyType = kind;
      notes.push(
        `the private key is not in the request: a new ${kind ?? 'P-256'} key is made (or choose the key file)`,
      );
    }
    spec.pop = msg.popo?.raVerified !== undefined ? 'raVerified' : msg.popo ? 'signature' : 'none';
    for (const c of req.controls ?? [])
      (spec.controls ??= []).push({ oid: c.type, valueHex: toHex(new Uint8Array(c.value)) });
    if (body === 'kur')
      notes.push('kur: choose the certificate being updated (oldCert) to sign with its key');
  }
  if (b.p10cr)
    notes.push('p10cr: choose the CSR file; the one in the request cannot be re-signed without its key');
  if (b.rr?.[0]) {
    const d = b.rr[0].certDetails;
    spec.revoke = {
      ...(d.issuer ? { issuer: dn(d.issuer) } : {}),
      ...(d.serialNumber ? { serialHex: toHex(new Uint8Array(d.serialNumber)) } : {}),
    };
    const reason = b.rr[0].crlEntryDetails?.find((e) => e.extnID === '2.5.29.21');
    if (reason) spec.revoke.reason = new Uint8Array(reason.extnValue.buffer).at(-1);
  }
  if (b.genm) {
    const byOid = new Map(Object.entries(infoTypeOids).map(([k, v]) => [v, k as GenmInfoType]));
    spec.infoTypes = [...b.genm].map((itv) => {
      const name = byOid.get(itv.infoType);
      return name && !itv.infoValue
        ? name
        : { oid: itv.infoType, ...(itv.infoValue ? { valueHex: toHex(new Uint8Array(itv.infoValue)) } : {}) };
    });
    if (!spec.infoTypes.length) notes.push('the genm asks for nothing: choose an info type');
  }
  if (b.certConf) {
    const s = b.certConf[0];
    if (s) {
      spec.certReqId = s.certReqId;
      spec.confirm = { accept: !s.statusInfo || s.statusInfo.status !== PKIStatus.rejection };
      notes.push('certConf: choose the certificate being confirmed (its hash is computed again)');
    }
  }
  if (b.pollReq?.[0]) spec.certReqId = b.pollReq[0].certReqId;
  if (b.error) {
    const info = b.error.pKIStatusInfo;
    spec.errorStatus = {
      status: info.status,
      ...(info.failInfo ? { failInfo: info.failInfo.toNames() } : {}),
      ...(info.statusString?.length ? { texts: [...info.statusString] } : {}),
      ...(b.error.errorCode !== undefined ? { errorCode: b.error.errorCode } : {}),
    };
  }
  const alg = h.protectionAlg?.algorithm;
  const protection =
    alg === oids.passwordBasedMac ? 'pbm' : alg === oids.pbmac1 ? 'pbmac1' : alg ? 'signature' : 'none';
  if (protection === 'signature') notes.push("signature: choose the signer's certificate and key");
  return { spec, protection: { kind: protection }, notes };
}
