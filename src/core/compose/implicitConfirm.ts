/**
 * Asking for implicit confirmation in a request that does not (RFC 9810 §5.1.1.1): the
 * `implicitConfirm` of a server entry. The header changes, so the message is protected again.
 */
import {
  CMPCertificate,
  PKIHeader,
  CMPCertificates,
  InfoTypeAndValue,
  InfoTypeAndValues,
  PKIMessage,
  oids,
} from '../asn1';
import { certRequestBodies, extraCertsDer, readMessage } from '../base';
import { protectMessage, type ProtectEnv, type ProtectionSpec } from '../protection';
import { decodeAs } from '../base/decode';

/** True when the header's generalInfo already carries id-it-implicitConfirm. */
export function asksImplicitConfirm(der: Uint8Array): boolean {
  return asks(readMessage(der).header);
}

function asks(header: PKIHeader): boolean {
  return header.generalInfo?.some((i) => i.infoType === oids.itImplicitConfirm) ?? false;
}

/**
 * The request with id-it-implicitConfirm added to generalInfo and `protection` applied, or
 * undefined when it already asks or is not a certificate request. Each extraCert is decoded on its
 * own, so a message with many of them never goes through the schema decoder whole.
 */
export async function withImplicitConfirm(
  der: Uint8Array,
  protection: ProtectionSpec,
  env: ProtectEnv = {},
): Promise<Uint8Array | undefined> {
  const read = readMessage(der);
  if (!certRequestBodies.has(read.bodyName) && read.bodyName !== 'p10cr') return undefined;
  if (asks(read.header)) return undefined;
  const header = read.header;
  const info = new InfoTypeAndValue({
    infoType: oids.itImplicitConfirm,
    infoValue: new Uint8Array([0x05, 0x00]).buffer,
  });
  header.generalInfo = new InfoTypeAndValues([...(header.generalInfo ?? []), info]);
  const certs = extraCertsDer(der).map((c) => decodeAs(c, CMPCertificate));
  const msg = new PKIMessage({
    header,
    body: read.body,
    extraCerts: certs.length ? new CMPCertificates(certs) : undefined,
  });
  return protectMessage(msg, protection, env);
}
