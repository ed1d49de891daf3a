/**
 * Values a genm's info types carry (RFC 9483 §4.3, RFC 9810 §5.3.19), from what a person has at hand:
 * the root certificate they trust (rootCaCert), a certificate or the CRL they hold (crlStatusList: the
 * CRL's issuer and thisUpdate, or the certificate's CRL distribution point, else its issuer), a key
 * type (keyPairParamReq: EC, RSA or an OID), language tags (suppLangTags). `cmp-lens build --infotype
 * TYPE=VALUE` uses them; the result is the `{ oid, valueHex }` form of a RequestSpec's infoTypes.
 */
import { AsnSerializer } from '@peculiar/asn1-schema';
import {
  CRLDistributionPoints,
  Certificate,
  CertificateList,
  GeneralName,
  GeneralNames,
  Time,
  id_ce_cRLDistributionPoints,
} from '@peculiar/asn1-x509';
import { CRLSource, CRLStatus, CRLStatusListValue, PKIMessage, UTF8Strings, oids } from '../asn1';
import { generalizedTimeDer, sequenceOf } from '../base/encoded';
import { toHex } from '../der/values';
import { decodeAs } from '../base/decode';
import { readDer } from '../der/reader';
import { oidBytes } from '../base/pq';

export type ValuedInfoType =
  | 'rootCaCert'
  | 'crlStatusList'
  | 'keyPairParamReq'
  | 'suppLangTags'
  | 'certProfile'
  | 'confirmWaitTime'
  | 'origPKIMessage';
/** Types that take a value: genm's, and generalInfo's (certProfile, confirmWaitTime, origPKIMessage). */
export const valuedInfoTypes: readonly ValuedInfoType[] = [
  'rootCaCert',
  'crlStatusList',
  'keyPairParamReq',
  'suppLangTags',
  'certProfile',
  'confirmWaitTime',
  'origPKIMessage',
];
/** Those whose value is a file (a certificate, a CRL, a message). */
export const fileInfoTypes: readonly ValuedInfoType[] = ['rootCaCert', 'crlStatusList', 'origPKIMessage'];

/**
 * `OID` or `OID=hex:HEX`: any info type, its value as DER in hex (revPassphrase's EncryptedKey, a
 * KemCiphertextInfo, a type this tool does not know).
 */
export function rawInfoItem(text: string): { oid: string; valueHex?: string } {
  const [oid, value] = text.split('=', 2);
  if (!/^\d+(\.\d+)+$/.test(oid)) throw new Error(`"${oid}" is neither a known info type nor a dotted OID`);
  if (value === undefined) return { oid };
  const hex = /^hex:([0-9a-fA-F\s:]*)$/.exec(value)?.[1]?.replace(/[\s:]/g, '');
  if (hex === undefined || hex.length % 2) throw new Error(`the value of ${oid} must be hex:DER-IN-HEX`);
  return { oid, valueHex: hex.toLowerCase() };
}

const keyTypes: Record<string, string> = { EC: '1.2.840.10045.2.1', RSA: '1.2.840.113549.1.1.1' };

/** The info item for `type` with `input`: file bytes for the `fileInfoTypes`, text otherwise. */
export function genmItem(
  type: ValuedInfoType,
  input: Uint8Array | string,
): { oid: string; valueHex: string } {
  switch (type) {
    case 'rootCaCert': {
      const der = bytes(input, 'rootCaCert needs the root certificate (a file)');
      decodeAs(der, Certificate); // says in our words what it is not
      return { oid: oids.itRootCaCert, valueHex: toHex(der) };
    }
    case 'crlStatusList': {
      const der = bytes(input, 'crlStatusList needs a certificate or a CRL (a file)');
      return {
        oid: oids.itCrlStatusList,
        valueHex: toHex(new Uint8Array(AsnSerializer.serialize(crlStatusOf(der)))),
      };
    }
    case 'keyPairParamReq': {
      const text = String(input).trim();
      const oid = keyTypes[text.toUpperCase()] ?? (/^\d+(\.\d+)+$/.test(text) ? text : undefined);
      if (!oid) throw new Error(`keyPairParamReq: "${text}" is not EC, RSA or a dotted OID`);
      return { oid: oids.itKeyPairParamReq, valueHex: toHex(oidDer(oid)) };
    }
    case 'certProfile': {
      // RFC 9483 §3.1 / RFC 9810 §5.1.1.4: generalInfo of a request, the profile names asked for.
      const names = String(input)
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean);
      if (!names.length) throw new Error('certProfile needs a profile name');
      return { oid: oids.itCertProfile, valueHex: hexOf(new UTF8Strings(names)) };
    }
    case 'confirmWaitTime': {
      const d = new Date(String(input));
      if (Number.isNaN(d.getTime())) throw new Error(`confirmWaitTime: "${String(input)}" is not a date`);
      return { oid: oids.itConfirmWaitTime, valueHex: toHex(generalizedTimeDer(d)) };
    }
    case 'origPKIMessage': {
      // RFC 9483 §5.2.3: an RA keeps the original request's message in generalInfo (PKIMessages).
      const der = bytes(input, 'origPKIMessage needs the original message (a file)');
      decodeAs(der, PKIMessage);
      return {
        oid: oids.itOrigPKIMessage,
        valueHex: toHex(sequenceOf([der])),
      };
    }
    case 'suppLangTags': {
      const tags = String(input)
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean);
      if (!tags.length) throw new Error('suppLangTags needs language tags, e.g. en,de');
      return {
        oid: oids.itSuppLangTags,
        valueHex: toHex(new Uint8Array(AsnSerializer.serialize(new UTF8Strings(tags)))),
      };
    }
  }
}

const hexOf = (value: object) => toHex(new Uint8Array(AsnSerializer.serialize(value)));

function bytes(input: Uint8Array | string, need: string): Uint8Array {
  if (typeof input === 'string') throw new Error(need);
  return input;
}

/** RFC 9483 §4.3.4: the CRL a client holds (its issuer, thisUpdate) or the certificate it checks. */
function crlStatusOf(der: Uint8Array): CRLStatusListValue {
  // A TBSCertList has thisUpdate (a Time) third or fourth (after an optional version, the signature
  // algorithm and the issuer); a TBSCertificate has its validity SEQUENCE there (v1 or v3).
  const tbs = readDer(der).roots[0]?.children?.[0];
  const isCrl = (tbs?.children ?? [])
    .slice(0, 4)
    .some((c) => c.tagClass === 0 && (c.tagNumber === 23 || c.tagNumber === 24));
  if (isCrl) {
    const crl = decodeAs(der, CertificateList);
    return new CRLStatusListValue([
      new CRLStatus({
        source: new CRLSource({
          issuer: new GeneralNames([new GeneralName({ directoryName: crl.tbsCertList.issuer })]),
        }),
        thisUpdate: new Time(crl.tbsCertList.thisUpdate.getTime()),
      }),
    ]);
  }
  const cert = decodeAs(der, Certificate);
  const dp = cert.tbsCertificate.extensions?.find((e) => e.extnID === id_ce_cRLDistributionPoints);
  const dpn = dp ? decodeAs(dp.extnValue.buffer, CRLDistributionPoints)[0]?.distributionPoint : undefined;
  return new CRLStatusListValue([
    new CRLStatus({
      source: dpn
        ? new CRLSource({ dpn })
        : new CRLSource({
            issuer: new GeneralNames([new GeneralName({ directoryName: cert.tbsCertificate.issuer })]),
          }),
    }),
  ]);
}

function oidDer(oid: string): Uint8Array {
  const content = oidBytes(oid);
  return new Uint8Array([0x06, content.length, ...content]);
}
