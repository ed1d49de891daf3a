/** The summary header of a PKIMessage, read off its annotated tree. */
import { pkiFailureInfoMeanings, pkiStatusMeanings, type PKIFailureInfoName } from '../asn1/cmpStatus';
import type { AnnotatedNode, MessageSummary } from '../../shared/annotated';

/** Hex bytes as text when every byte is printable ASCII ("7573657231" → "user1"); else undefined. */
export function printable(hex: string): string | undefined {
  if (!/^([0-9a-f]{2})+$/i.test(hex)) return undefined;
  const bytes = hex.match(/../g)!.map((h) => parseInt(h, 16));
  return bytes.every((b) => b >= 0x20 && b < 0x7f) ? String.fromCharCode(...bytes) : undefined;
}

/** Body types in words (RFC 9810 §5.1.2). */
export const bodyDescriptions: Record<string, string> = {
  ir: 'initialization request',
  ip: 'initialization response',
  cr: 'certification request',
  cp: 'certification response',
  p10cr: 'PKCS #10 certification request',
  popdecc: 'POP challenge',
  popdecr: 'POP response',
  kur: 'key update request',
  kup: 'key update response',
  krr: 'key recovery request',
  krp: 'key recovery response',
  rr: 'revocation request',
  rp: 'revocation response',
  ccr: 'cross-certification request',
  ccp: 'cross-certification response',
  ckuann: 'CA key update announcement',
  cann: 'certificate announcement',
  rann: 'revocation announcement',
  crlann: 'CRL announcement',
  pkiconf: 'confirmation',
  nested: 'nested message',
  genm: 'general message',
  genp: 'general response',
  error: 'error message',
  certConf: 'certificate confirmation',
  pollReq: 'polling request',
  pollRep: 'polling response',
};

function child(node: AnnotatedNode | undefined, name: string): AnnotatedNode | undefined {
  const c = node?.children.find((x) => x.name === name);
  // An explicit tag and the element inside it carry the same name: take the inner one.
  if (c && c.type.endsWith('EXPLICIT') && c.children.length === 1 && c.children[0].name === name)
    return c.children[0];
  return c;
}

/** The PKIStatusInfo a response carries, by body type (RFC 9810 §5.3). */
function statusInfo(body: AnnotatedNode | undefined, bodyType: string): AnnotatedNode | undefined {
  const content = child(body, bodyType);
  switch (bodyType) {
    case 'ip':
    case 'cp':
    case 'kup':
    case 'ccp':
      return child(child(content, 'response')?.children[0], 'status');
    case 'error':
      return child(content, 'pKIStatusInfo');
    case 'rp':
      return child(content, 'status')?.children[0];
    case 'krp':
      return child(content, 'status');
    default:
      return undefined;
  }
}

export function summarizeMessage(root: AnnotatedNode): MessageSummary {
  const header = child(root, 'header');
  const body = child(root, 'body');
  // A body the schema does not know (PKIBody [27]) is named by its tag: "[27]".
  const bodyType = body ? body.children[0]?.name || body.tag : '?';
  const extra = child(root, 'extraCerts');
  const pvno = child(header, 'pvno')?.value;
  const summary: MessageSummary = {
    bodyType,
    bodyDescription: bodyDescriptions[bodyType] ?? (body ? 'unknown PKIBody alternative' : 'unknown body'),
    sender: child(header, 'sender')?.value,
    recipient: child(header, 'recipient')?.value,
    transactionID: child(header, 'transactionID')?.value,
    senderNonce: child(header, 'senderNonce')?.value,
    recipNonce: child(header, 'recipNonce')?.value,
    messageTime: child(header, 'messageTime')?.value,
    senderKID: child(header, 'senderKID')?.value,
    protectionAlg: child(header, 'protectionAlg')?.value,
    extraCerts: extra?.children.length ?? 0,
    protected: !!child(root, 'protection'),
  };
  const pv = pvno ? (/\((\d+)\)/.exec(pvno) ?? /^(\d+)/.exec(pvno)) : null;
  if (pv) summary.pvno = Number(pv[1]);
  const info = statusInfo(body, bodyType);
  if (info) {
    summary.status = child(info, 'status')?.value;
    const name = /^\w+/.exec(summary.status ?? '')?.[0] as keyof typeof pkiStatusMeanings | undefined;
    if (name && name in pkiStatusMeanings) summary.statusMeaning = pkiStatusMeanings[name];
    const fail = child(info, 'failInfo')?.value;
    if (fail) {
      summary.failInfo = fail.split(', ');
      summary.failInfoMeanings = summary.failInfo.map(
        (f) => pkiFailureInfoMeanings[f as PKIFailureInfoName] ?? 'a bit RFC 9810 does not name',
      );
    }
    const texts = child(info, 'statusString')
      ?.children.map((c) => c.value ?? '')
      .filter(Boolean);
    if (texts?.length) summary.statusString = texts.join(' / ');
  }
  const kid = summary.senderKID && printable(summary.senderKID);
  if (kid) summary.senderKIDText = kid;
  for (const k of Object.keys(summary) as (keyof MessageSummary)[])
    if (summary[k] === undefined) delete summary[k];
  return summary;
}
