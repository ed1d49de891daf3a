/**
 * RequestSpec + Materials → a protected PKIMessage (RFC 9810 §5.1). Clock and randomness come in
 * as parameters, so tests can ask for exact bytes. Errors are collected per field, not thrown.
 */
import { OctetString } from '@peculiar/asn1-schema';
import { Certificate, GeneralName, Name } from '@peculiar/asn1-x509';
import {
  CMPCertificate,
  CMPCertificates,
  InfoTypeAndValue,
  InfoTypeAndValues,
  PKIHeader,
  PKIMessage,
  oids,
} from '../asn1';
import { fromHex } from '../der/values';
import { protectMessage, type ProtectEnv } from '../protection';
import { buildBody } from './bodies';
import { generateKeyPair, type KeyPair } from '../base/keys';
import { parseName } from '../base/names';
import type { FieldError, Materials, RequestSpec } from './spec';
import { Problems } from './template';
import { keyRequestBodies } from '../base/bodies';
import { decodeAs, wordsOf } from '../base/decode';

export interface BuildEnv extends ProtectEnv {
  now?: () => Date;
}

export type BuildResult =
  | {
      ok: true;
      der: Uint8Array;
      message: PKIMessage;
      /** set when a key was generated for the request */ generatedKey?: KeyPair;
    }
  | { ok: false; errors: FieldError[] };

const nullDer = new Uint8Array([0x05, 0x00]).buffer;

function bytesField(
  value: string | undefined,
  field: string,
  size: number,
  random: (n: number) => Uint8Array,
  problems: Problems,
): OctetString {
  if (value === undefined || value === '') return new OctetString(random(size));
  const b = fromHex(value);
  if (!b) problems.add(field, `"${value}" is not hex`);
  return new OctetString(b ?? new Uint8Array());
}

function generalName(
  text: string | undefined,
  field: string,
  problems: Problems,
  fallback?: Name,
): GeneralName {
  const name = text !== undefined ? problems.try(field, () => parseName(text, field)) : fallback;
  return new GeneralName({ directoryName: name ?? new Name([]) });
}

function header(
  spec: RequestSpec,
  materials: Materials,
  env: Required<Pick<BuildEnv, 'now' | 'random'>>,
  problems: Problems,
): PKIHeader {
  const signer =
    materials.protection.kind === 'signature'
      ? decodeAs(materials.protection.cert, Certificate).tbsCertificate.subject
      : undefined;
  // RFC 9483 §3.1: with signature protection the sender is the signer's subject.
  const h = new PKIHeader({
    pvno: spec.pvno ?? (spec.confirm?.hashAlg || spec.centralKeygen ? 3 : 2),
    sender: generalName(
      spec.sender,
      'sender',
      problems,
      signer ??
        (spec.template?.subject
          ? problems.try('template.subject', () => parseName(spec.template!.subject!))
          : undefined),
    ),
    recipient: generalName(spec.recipient, 'recipient', problems),
    transactionID: bytesField(spec.transactionID, 'transactionID', 16, env.random, problems),
    senderNonce: bytesField(spec.senderNonce, 'senderNonce', 16, env.random, problems),
  });
  if (spec.recipNonce) h.recipNonce = bytesField(spec.recipNonce, 'recipNonce', 16, env.random, problems);
  if (spec.messageTime !== 'none') {
    const t = spec.messageTime ? new Date(spec.messageTime) : env.now();
    if (Number.isNaN(t.getTime())) problems.add('messageTime', `"${spec.messageTime}" is not a date`);
    // GeneralizedTime in whole seconds: fractions are allowed but many servers reject them.
    else h.messageTime = new Date(Math.floor(t.getTime() / 1000) * 1000);
  }
  if (spec.senderKID) {
    const kid = spec.senderKID.startsWith('hex:')
      ? fromHex(spec.senderKID.slice(4))
      : new TextEncoder().encode(spec.senderKID);
    if (!kid) problems.add('senderKID', 'not hex after "hex:"');
    else h.senderKID = new OctetString(kid);
  }
  const info: InfoTypeAndValue[] = [];
  if (spec.implicitConfirm)
    info.push(new InfoTypeAndValue({ infoType: oids.itImplicitConfirm, infoValue: nullDer }));
  for (const [i, g] of (spec.generalInfo ?? []).entries()) {
    if (!/^\d+(\.\d+)+$/.test(g.oid)) problems.add(`generalInfo[${i}].oid`, `"${g.oid}" is not a dotted OID`);
    const v = g.valueHex ? fromHex(g.valueHex) : undefined;
    if (g.valueHex && !v) problems.add(`generalInfo[${i}].valueHex`, 'not hex');
    info.push(new InfoTypeAndValue({ infoType: g.oid, infoValue: v ? new Uint8Array(v).buffer : undefined }));
  }
  if (info.length) h.generalInfo = new InfoTypeAndValues(info);
  return h;
}

function checkProtection(materials: Materials, problems: Problems): void {
  const p = materials.protection;
  if ((p.kind === 'pbm' || p.kind === 'pbmac1') && p.secret.length === 0)
    problems.add(
      'protection.secret',
      'the shared secret is missing (enter it, or choose another protection)',
    );
  if (
    (p.kind === 'pbm' || p.kind === 'pbmac1') &&
    p.iterations !== undefined &&
    (p.iterations < 1 || p.iterations > 1_000_000)
  )
    problems.add('protection.iterations', 'between 1 and 1,000,000');
}

/** Builds and protects the request. */
export async function buildRequest(
  spec: RequestSpec,
  materials: Materials,
  env: BuildEnv = {},
): Promise<BuildResult> {
  const subtle = env.subtle ?? globalThis.crypto.subtle;
  const random = env.random ?? ((n: number) => globalThis.crypto.getRandomValues(new Uint8Array(n)));
  const now = env.now ?? (() => new Date());
  const problems = new Problems();
  let key = materials.key;
  let generatedKey: KeyPair | undefined;
  const central = spec.centralKeygen && ['ir', 'cr', 'kur'].includes(spec.body);
  if (!key && !central && keyRequestBodies.has(spec.body) && !(spec.body === 'p10cr' && materials.csr)) {
    generatedKey = key = await generateKeyPair(spec.keyType ?? 'P-256', subtle);
  }
  checkProtection(materials, problems);
  if (spec.certReqId !== undefined && !Number.isSafeInteger(spec.certReqId))
    problems.add('certReqId', `${spec.certReqId} is not a whole number in ±(2^53 − 1)`);
  const msg = new PKIMessage({ header: header(spec, materials, { now, random }, problems) });
  try {
    msg.body = await buildBody({ spec, materials, key, problems, subtle, sender: msg.header.sender });
  } catch (e) {
    problems.add('body', (e as Error).message);
  }
  if (problems.list.length) return { ok: false, errors: problems.list };
  if (materials.extraCerts?.length) {
    msg.extraCerts = new CMPCertificates(
      materials.extraCerts.map((d) => new CMPCertificate({ x509v3PKCert: decodeAs(d, Certificate) })),
    );
  }
  try {
    const der = await protectMessage(msg, materials.protection, { subtle, random });
    return { ok: true, der, message: msg, generatedKey };
  } catch (e) {
    return {
      ok: false,
      errors: [
        { field: 'protection', message: wordsOf(e, 'the message could not be protected with this key') },
      ],
    };
  }
}
