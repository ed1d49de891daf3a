/** One builder per PKIBody alternative a client sends (RFC 9810 §5.3, RFC 9483 §4). */
import { AsnConvert, AsnSerializer, OctetString } from '@peculiar/asn1-schema';
import { CertificationRequest, CertificationRequestInfo } from '@peculiar/asn1-csr';
import {
  AlgorithmIdentifier,
  Attribute,
  Certificate,
  CRLReason,
  Extension,
  Extensions,
  GeneralName,
  Name,
  SubjectPublicKeyInfo,
  id_ce_cRLReasons,
} from '@peculiar/asn1-x509';
import {
  AttributeTypeAndValue,
  CertConfirmContent,
  CertId,
  CertReqMessages,
  CertReqMsg,
  CertRequest,
  CertStatus,
  CertTemplate,
  Controls,
  ErrorMsgContent,
  GenMsgContent,
  InfoTypeAndValue,
  PKIBody,
  PKIFailureInfo,
  PKIFreeText,
  PKIStatus,
  PKIStatusInfo,
  pkiFailureInfoNames,
  POPOPrivKey,
  POPOSigningKey,
  POPOSigningKeyInput,
  POPOSigningKeyInputAuthInfo,
  PollReq,
  PollReqContent,
  ProofOfPossession,
  RevDetails,
  RevReqContent,
  SubsequentMessage,
  oids,
  type PKIFailureInfoName,
} from '../asn1';
import { fromHex } from '../der/values';
import { curveByOid, digestOidByHash } from '../base/algorithms';
import { oidBytes, pqByName } from '../base/pq';
import { certHashFor } from '../protection';
import { own } from '../base/bytes';
import { type Subtle } from '../base/crypto';
import { signatureAlgorithm, signBytes, type KeyKind, type KeyPair } from '../base/keys';
import { parseName } from '../base/names';
import type { GenmInfoType, Materials, RequestSpec } from './spec';
import { buildTemplate, type Problems } from './template';
import { decodeAs } from '../base/decode';
import { genmItem } from './genmValues';

export const infoTypeOids: Record<GenmInfoType, string> = {
  caCerts: oids.itCaCerts,
  rootCaCert: oids.itRootCaCert,
  certReqTemplate: oids.itCertReqTemplate,
  crlStatusList: oids.itCrlStatusList,
  signKeyPairTypes: oids.itSignKeyPairTypes,
  encKeyPairTypes: oids.itEncKeyPairTypes,
  preferredSymmAlg: oids.itPreferredSymmAlg,
  currentCRL: oids.itCurrentCRL,
  caKeyUpdateInfo: oids.itCaKeyUpdateInfo,
  keyPairParamReq: oids.itKeyPairParamReq,
  suppLangTags: oids.itSuppLangTags,
  revPassphrase: oids.itRevPassphrase,
  kemCiphertextInfo: oids.itKemCiphertextInfo,
  unsupportedOIDs: oids.itUnsupportedOIDs,
};

export interface BodyContext {
  spec: RequestSpec;
  materials: Materials;
  /** The key being certified (loaded or generated), for ir/cr/kur/p10cr. */
  key?: KeyPair;
  problems: Problems;
  subtle: Subtle;
  /** The header's sender, for POPOSigningKeyInput. */
  sender?: GeneralName;
}

/** ir, cr, kur: one CertReqMsg with POP by signature over the CertRequest (RFC 4211 §4.1). */
async function certRequest(ctx: BodyContext): Promise<CertReqMessages> {
  const { spec, key, problems } = ctx;
  const req = new CertRequest({
    certReqId: spec.certReqId ?? 0,
    certTemplate: buildTemplate(
      spec.template ?? {},
      spec.centralKeygen ? algorithmOnlySpki(spec.keyType ?? 'P-256') : key?.spki,
      problems,
      spec.body !== 'kur',
    ),
  });
  const raw = (spec.controls ?? []).flatMap((c, i) => {
    const value = fromHex(c.valueHex);
    if (!/^\d+(\.\d+)+$/.test(c.oid)) problems.add(`controls[${i}].oid`, `"${c.oid}" is not a dotted OID`);
    else if (!value) problems.add(`controls[${i}].valueHex`, 'not hex');
    else return [new AttributeTypeAndValue({ type: c.oid, value: own(value).buffer })];
    return [];
  });
  const rawOldCertId = raw.some((c) => c.type === oids.regCtrlOldCertID);
  if (spec.body === 'kur' && !(rawOldCertId && !ctx.materials.oldCert)) {
    if (!ctx.materials.oldCert)
      problems.add('oldCert', 'kur needs the certificate being updated (RFC 9483 §4.1.3)');
    else {
      const old = decodeAs(ctx.materials.oldCert, Certificate);
      const id = new CertId({
        issuer: new GeneralName({ directoryName: old.tbsCertificate.issuer }),
        serialNumber: old.tbsCertificate.serialNumber,
      });
      req.controls = new Controls([
        new AttributeTypeAndValue({ type: oids.regCtrlOldCertID, value: AsnSerializer.serialize(id) }),
      ]);
      // The old certificate's subject when none is given, as OpenSSL's client does (RFC 9483 §4.1.3).
      req.certTemplate.subject ??= old.tbsCertificate.subject;
    }
  }
  // Controls given as DER come after the one made here (a given oldCertID gives way to the oldCert file's).
  const keep = raw.filter((c) => !(c.type === oids.regCtrlOldCertID && ctx.materials.oldCert));
  if (keep.length) req.controls = new Controls([...(req.controls ?? []), ...keep]);
  const msg = new CertReqMsg({ certReq: req });
  const pop = spec.centralKeygen ? 'none' : (spec.pop ?? 'signature');
  if (pop === 'raVerified') msg.popo = new ProofOfPossession({ raVerified: null });
  else if (pop === 'encrCert') {
    // Agreement keys (EC, X25519, X448) say keyAgreement; transport and KEM keys keyEncipherment.
    const alg = key ? decodeAs(key.spki, SubjectPublicKeyInfo).algorithm.algorithm : '';
    const priv = new POPOPrivKey({ subsequentMessage: SubsequentMessage.encrCert });
    msg.popo = ['1.2.840.10045.2.1', '1.3.101.110', '1.3.101.111'].includes(alg)
      ? new ProofOfPossession({ keyAgreement: priv })
      : new ProofOfPossession({ keyEncipherment: priv });
  } else if (pop === 'signature' && key) {
    // RFC 4211 §4.1: the signature covers certReq when the template has a subject; without one it
    // covers POPOSigningKeyInput, naming the sender (the header's) and the public key.
    const input = req.certTemplate.subject?.length
      ? undefined
      : new POPOSigningKeyInput({
          authInfo: new POPOSigningKeyInputAuthInfo({ sender: ctx.sender }),
          publicKey: decodeAs(key.spki, SubjectPublicKeyInfo),
        });
    const sig = await signBytes(key, new Uint8Array(AsnSerializer.serialize(input ?? req)), ctx.subtle);
    msg.popo = new ProofOfPossession({
      signature: new POPOSigningKey({
        poposkInput: input,
        algorithmIdentifier: signatureAlgorithm(key),
        signature: own(sig).buffer,
      }),
    });
  }
  return new CertReqMessages([msg]);
}

/**
 * RFC 9483 §4.1.6: the publicKey of a central key generation request, the algorithm of the key wanted
 * and an empty BIT STRING.
 */
export function algorithmOnlySpki(kind: KeyKind): Uint8Array {
  const curve = Object.entries(curveByOid).find(([, c]) => c.name === kind)?.[0];
  const alg = kind.startsWith('RSA')
    ? new AlgorithmIdentifier({ algorithm: '1.2.840.113549.1.1.1', parameters: null })
    : curve
      ? new AlgorithmIdentifier({
          algorithm: '1.2.840.10045.2.1',
          parameters: own(new Uint8Array([0x06, oidBytes(curve).length, ...oidBytes(curve)])).buffer,
        })
      : new AlgorithmIdentifier({
          algorithm: kind === 'Ed25519' ? '1.3.101.112' : pqByName.get(kind)!.oid,
        });
  return new Uint8Array(
    AsnSerializer.serialize(
      new SubjectPublicKeyInfo({ algorithm: alg, subjectPublicKey: new ArrayBuffer(0) }),
    ),
  );
}

/** A PKCS#10 request for the template's subject and extensions, signed with `key`. */
export async function makeCsr(ctx: BodyContext): Promise<CertificationRequest | undefined> {
  const { key, problems } = ctx;
  if (!key) return undefined;
  const tpl: CertTemplate = buildTemplate(ctx.spec.template ?? {}, key.spki, problems);
  const info = new CertificationRequestInfo({
    subject: tpl.subject ?? new Name([]),
    subjectPKInfo: decodeAs(key.spki, SubjectPublicKeyInfo),
  });
  if (tpl.extensions)
    info.attributes.push(
      new Attribute({ type: oids.extensionRequest, values: [AsnSerializer.serialize(tpl.extensions)] }),
    );
  const sig = await signBytes(key, new Uint8Array(AsnSerializer.serialize(info)), ctx.subtle);
  return new CertificationRequest({
    certificationRequestInfo: info,
    signatureAlgorithm: signatureAlgorithm(key),
    signature: own(sig).buffer,
  });
}

function revocation(ctx: BodyContext): RevReqContent {
  const { spec, materials, problems } = ctx;
  const tpl = new CertTemplate();
  if (materials.oldCert) {
    const c = decodeAs(materials.oldCert, Certificate);
    tpl.issuer = c.tbsCertificate.issuer;
    tpl.serialNumber = c.tbsCertificate.serialNumber;
  } else {
    if (!spec.revoke?.issuer)
      problems.add('revoke.issuer', 'give the certificate to revoke, or its issuer and serial number');
    else tpl.issuer = problems.try('revoke.issuer', () => parseName(spec.revoke!.issuer!, 'revoke.issuer'));
    const serial = spec.revoke?.serialHex ? fromHex(spec.revoke.serialHex) : undefined;
    if (!serial?.length) problems.add('revoke.serialHex', 'give the serial number in hex');
    else tpl.serialNumber = own(serial[0] & 0x80 ? new Uint8Array([0, ...serial]) : serial).buffer;
  }
  const details = new RevDetails({ certDetails: tpl });
  const reason = spec.revoke?.reason;
  if (reason !== undefined) {
    if (!Number.isInteger(reason) || reason < 0 || reason > 10 || reason === 7)
      problems.add('revoke.reason', `${reason} is not a CRLReason (0-10 without 7, RFC 5280 §5.3.1)`);
    else
      details.crlEntryDetails = new Extensions([
        new Extension({
          extnID: id_ce_cRLReasons,
          extnValue: new OctetString(AsnConvert.serialize(new CRLReason(reason))),
        }),
      ]);
  }
  return new RevReqContent([details]);
}

function generalMessage(ctx: BodyContext): GenMsgContent {
  const items = (ctx.spec.infoTypes ?? []).map((entry, i) => {
    let t = entry;
    // keyPairParamReq and suppLangTags take their value from the form's text (RequestSpec.infoValues).
    const text = t === 'keyPairParamReq' || t === 'suppLangTags' ? ctx.spec.infoValues?.[t]?.trim() : '';
    if (text) {
      try {
        t = genmItem(t as 'keyPairParamReq' | 'suppLangTags', text);
      } catch (e) {
        ctx.problems.add(`infoValues.${String(t)}`, (e as Error).message);
      }
    }
    if (typeof t === 'string') {
      const oid = infoTypeOids[t];
      if (!oid)
        ctx.problems.add(
          `infoTypes[${i}]`,
          `unknown infoType "${t}" (one of ${Object.keys(infoTypeOids).join(', ')}, or an OID with a value)`,
        );
      return new InfoTypeAndValue({ infoType: oid ?? '' });
    }
    if (!/^\d+(\.\d+)+$/.test(t.oid))
      ctx.problems.add(`infoTypes[${i}].oid`, `"${t.oid}" is not a dotted OID`);
    const value = t.valueHex ? fromHex(t.valueHex) : undefined;
    if (t.valueHex && !value) ctx.problems.add(`infoTypes[${i}].valueHex`, 'not hex');
    return new InfoTypeAndValue({ infoType: t.oid, infoValue: value ? own(value).buffer : undefined });
  });
  if (!items.length) ctx.problems.add('infoTypes', 'genm needs at least one infoType');
  return new GenMsgContent(items);
}

async function confirmation(ctx: BodyContext): Promise<CertConfirmContent> {
  const { spec, materials, problems } = ctx;
  const status = new CertStatus({ certReqId: spec.certReqId ?? 0 });
  if (!materials.confirmCert) {
    problems.add('confirmCert', 'certConf needs the issued certificate (to hash it)');
    return new CertConfirmContent([status]);
  }
  const cert = decodeAs(materials.confirmCert, Certificate);
  const hashAlg = spec.confirm?.hashAlg;
  const hash = certHashFor(cert, hashAlg ? digestOidByHash[hashAlg] : undefined);
  if (!hash)
    problems.add(
      'confirm.hashAlg',
      "the certificate's signature algorithm names no hash: choose hashAlg (needs pvno 3, RFC 9810 §5.3.18)",
    );
  else status.certHash = new OctetString(await ctx.subtle.digest(hash, own(materials.confirmCert)));
  if (hashAlg) status.hashAlg = new AlgorithmIdentifier({ algorithm: digestOidByHash[hashAlg] });
  if (spec.confirm && !spec.confirm.accept) {
    status.statusInfo = new PKIStatusInfo({
      status: PKIStatus.rejection,
      statusString: spec.confirm.reason ? new PKIFreeText([spec.confirm.reason]) : undefined,
    });
  } else {
    status.statusInfo = new PKIStatusInfo({ status: PKIStatus.accepted });
  }
  return new CertConfirmContent([status]);
}

function errorBody(ctx: BodyContext): ErrorMsgContent {
  const e = ctx.spec.errorStatus ?? { status: PKIStatus.rejection };
  if (!Number.isInteger(e.status) || e.status < 0 || e.status > 6)
    ctx.problems.add('errorStatus.status', `${e.status} is not a PKIStatus (0-6)`);
  const unknown = (e.failInfo ?? []).filter((n) => !(pkiFailureInfoNames as readonly string[]).includes(n));
  if (e.errorCode !== undefined && !Number.isSafeInteger(e.errorCode))
    ctx.problems.add('errorStatus.errorCode', `${e.errorCode} is not a whole number in ±(2^53 − 1)`);
  if (unknown.length)
    ctx.problems.add(
      'errorStatus.failInfo',
      `not PKIFailureInfo bit names: ${unknown.join(', ')} (${pkiFailureInfoNames.join(', ')})`,
    );
  return new ErrorMsgContent({
    pKIStatusInfo: new PKIStatusInfo({
      status: e.status,
      statusString: e.texts?.length ? new PKIFreeText(e.texts) : undefined,
      failInfo: e.failInfo?.length ? PKIFailureInfo.fromNames(e.failInfo as PKIFailureInfoName[]) : undefined,
    }),
    errorCode: e.errorCode,
  });
}

/** The PKIBody for the spec's body type. */
export async function buildBody(ctx: BodyContext): Promise<PKIBody> {
  switch (ctx.spec.body) {
    case 'ir':
      return new PKIBody({ ir: await certRequest(ctx) });
    case 'cr':
      return new PKIBody({ cr: await certRequest(ctx) });
    case 'kur':
      return new PKIBody({ kur: await certRequest(ctx) });
    case 'p10cr': {
      const csr = ctx.materials.csr ? decodeAs(ctx.materials.csr, CertificationRequest) : await makeCsr(ctx);
      return new PKIBody({ p10cr: csr });
    }
    case 'rr':
      return new PKIBody({ rr: revocation(ctx) });
    case 'genm':
      return new PKIBody({ genm: generalMessage(ctx) });
    case 'certConf':
      return new PKIBody({ certConf: await confirmation(ctx) });
    case 'pollReq':
      return new PKIBody({
        pollReq: new PollReqContent([new PollReq({ certReqId: ctx.spec.certReqId ?? 0 })]),
      });
    case 'error':
      return new PKIBody({ error: errorBody(ctx) });
  }
}
