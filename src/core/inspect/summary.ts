/** The summary header of a PKIMessage, read off its annotated tree. */
import type { AnnotatedNode, MessageSummary } from '../../shared/annotated';

/** Body types in words (RFC 9810 §5.1.2). */
export const bodyDescriptions: Record<string, string> = {
  ir: 'initialization request', ip: 'initialization response', cr: 'certification request', cp: 'certification response',
  p10cr: 'PKCS #10 certification request', popdecc: 'POP challenge', popdecr: 'POP response', kur: 'key update request',
  kup: 'key update response', krr: 'key recovery request', krp: 'key recovery response', rr: 'revocation request',
  rp: 'revocation response', ccr: 'cross-certification request', ccp: 'cross-certification response',
  ckuann: 'CA key update announcement', cann: 'certificate announcement', rann: 'revocation announcement',
  crlann: 'CRL announcement', pkiconf: 'confirmation', nested: 'nested message', genm: 'general message',
  genp: 'general response', error: 'error message', certConf: 'certificate confirmation', pollReq: 'polling request',
  pollRep: 'polling response',
};

function child(node: AnnotatedNode | undefined, name: string): AnnotatedNode | undefined {
  const c = node?.children.find((x) => x.name === name);
  // An explicit tag and the element inside it carry the same name: take the inner one.
  if (c && c.type.endsWith('EXPLICIT') && c.children.length === 1 && c.children[0].name === name) return c.children[0];
  return c;
}

function find(node: AnnotatedNode, pred: (n: AnnotatedNode) => boolean): AnnotatedNode | undefined {
  const stack = [node];
  while (stack.length) {
    const n = stack.shift()!;
    if (pred(n)) return n;
    stack.push(...n.children);
  }
  return undefined;
}

export function summarizeMessage(root: AnnotatedNode): MessageSummary {
  const header = child(root, 'header');
  const body = child(root, 'body');
  const bodyType = body?.children[0]?.name ?? '?';
  const extra = child(root, 'extraCerts');
  const pvno = child(header, 'pvno')?.value;
  const summary: MessageSummary = {
    bodyType,
    bodyDescription: bodyDescriptions[bodyType] ?? 'unknown body',
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
  const pv = pvno ? /\((\d+)\)/.exec(pvno) ?? /^(\d+)/.exec(pvno) : null;
  if (pv) summary.pvno = Number(pv[1]);
  const statusInfo = body ? find(body, (n) => n.type === 'PKIStatusInfo') : undefined;
  if (statusInfo) {
    summary.status = child(statusInfo, 'status')?.value;
    const fail = child(statusInfo, 'failInfo')?.value;
    if (fail) summary.failInfo = fail.split(', ');
  }
  for (const k of Object.keys(summary) as (keyof MessageSummary)[]) if (summary[k] === undefined) delete summary[k];
  return summary;
}
