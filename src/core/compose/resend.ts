/**
 * A request sent again ("Resend", "Re-protect with the server's secret and send again"): by default
 * as a new transaction — fresh transactionID and senderNonce (16 random bytes each, RFC 9483 §3.1),
 * messageTime now — or with the header kept, to see whether a server detects a replay; then protected
 * again with the protection chosen (the same MAC with another secret, a signature, none). The body
 * (and its POP) is kept as it is; extraCerts are kept unless the protection brings its own.
 */
import { OctetString } from '@peculiar/asn1-schema';
import { CMPCertificate, CMPCertificates, PKIMessage } from '../asn1';
import { extraCertsDer, readMessage } from '../base';
import { decodeAs } from '../base/decode';
import { protectMessage, type ProtectEnv, type ProtectionSpec } from '../protection';

export interface ResendOptions {
  /** Fresh transactionID, senderNonce and messageTime (default); false keeps the header's. */
  fresh?: boolean;
  protection: ProtectionSpec;
  env?: ProtectEnv & { now?: () => Date };
}

export async function renewRequest(der: Uint8Array, o: ResendOptions): Promise<Uint8Array> {
  const read = readMessage(der);
  if (read.bodyNodes !== undefined) throw new Error(`the ${read.bodyName} body is too big to send again`);
  const header = read.header;
  if (o.fresh ?? true) {
    const random = o.env?.random ?? ((n: number) => crypto.getRandomValues(new Uint8Array(n)));
    header.transactionID = new OctetString(random(16));
    header.senderNonce = new OctetString(random(16));
    header.recipNonce = undefined;
    header.messageTime = o.env?.now?.() ?? new Date();
  }
  const certs = extraCertsDer(der).map((c) => decodeAs(c, CMPCertificate));
  const msg = new PKIMessage({
    header,
    body: read.body,
    // A signature brings its own certificate (and chain) first; a MAC or none keeps what was there.
    extraCerts: o.protection.kind !== 'signature' && certs.length ? new CMPCertificates(certs) : undefined,
  });
  return protectMessage(msg, o.protection, o.env);
}
