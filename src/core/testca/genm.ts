/**
 * The test CA's answers to genm (RFC 9810 §5.3.19, RFC 9483 §4.3): one row per info type of the
 * request, the answer's info type (not always the request's: rootCaCert is answered by
 * rootCaKeyUpdate, crlStatusList by crls, keyPairParamReq by keyPairParamRep) and its value, absent
 * where the RFC lets the CA say "nothing" (no root update, no template). Info types the CA does not
 * know come back listed in one unsupportedOIDs (RFC 9810 §5.3.19.7).
 */
import { AsnSerializer } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier, Name } from '@peculiar/asn1-x509';
import {
  AlgorithmIdentifiers,
  AttributeTypeAndValue,
  CAKeyUpdAnnContent,
  CertReqTemplateContent,
  CertTemplate,
  CMPCertificates,
  Controls,
  GenRepContent,
  InfoTypeAndValue,
  ObjectIdentifiers,
  PKIBody,
  RootCaKeyUpdateContent,
  UTF8Strings,
  oids,
} from '../asn1';
import { own } from '../base/bytes';
import { decodeOid } from '../der/values';
import { decodeAs } from '../base/decode';
import { derLength } from '../base/encoded';
import { pqSets } from '../base/pq';
import type { ReadMessage } from '../base/message';
import type { Answer, Authority } from './authority';

const ecPublicKey = '1.2.840.10045.2.1';
const p256 = new Uint8Array([0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07]).buffer;
const rsaEncryption = '1.2.840.113549.1.1.1';
/** ML-KEM-512/768/1024 (FIPS 203, RFC 9935): key types for encryption and KEM. */
const mlKem = ['2.16.840.1.101.3.4.4.1', '2.16.840.1.101.3.4.4.2', '2.16.840.1.101.3.4.4.3'];
const aes256Cbc = '2.16.840.1.101.3.4.1.42';

const der = (value: object): ArrayBuffer => AsnSerializer.serialize(value);
const itav = (infoType: string, value?: ArrayBuffer) => new InfoTypeAndValue({ infoType, infoValue: value });

/** The genp for a genm: one answer per info type asked, in order. */
export async function handleGenm(ca: Authority, req: ReadMessage): Promise<Answer> {
  const out: InfoTypeAndValue[] = [];
  const unsupported: string[] = [];
  for (const asked of req.body.genm!) {
    const answer = await answerFor(ca, asked);
    if (answer) out.push(answer);
    else unsupported.push(asked.infoType);
  }
  if (unsupported.length) out.push(itav(oids.itUnsupportedOIDs, der(new ObjectIdentifiers(unsupported))));
  return { body: new PKIBody({ genp: new GenRepContent(out) }) };
}

/** The answer to one asked info type, or undefined when the CA does not answer that type. */
async function answerFor(ca: Authority, asked: InfoTypeAndValue): Promise<InfoTypeAndValue | undefined> {
  switch (asked.infoType) {
    case oids.itCaCerts:
      return itav(oids.itCaCerts, der(new CMPCertificates([ca.caCertificate()])));
    case oids.itRootCaCert: {
      // RFC 9483 §4.3.2: rootCaKeyUpdate, its value absent when there is no update for that root.
      const update = ca.rootUpdate();
      const theirs = asked.infoValue ? new Uint8Array(asked.infoValue) : undefined;
      if (!update || (theirs && !sameBytes(theirs, update.oldWithOld))) return itav(oids.itRootCaKeyUpdate);
      return itav(
        oids.itRootCaKeyUpdate,
        der(
          new RootCaKeyUpdateContent({
            newWithNew: update.newWithNew,
            newWithOld: update.newWithOld,
            oldWithNew: update.oldWithNew,
          }),
        ),
      );
    }
    case oids.itCaKeyUpdateInfo: {
      // Deprecated by RFC 9810 (§5.3.19.5) for rootCaKeyUpdate; still answered the old way.
      const update = ca.rootUpdate();
      return itav(
        oids.itCaKeyUpdateInfo,
        update
          ? der(
              new CAKeyUpdAnnContent({
                oldWithNew: update.oldWithNew!,
                newWithOld: update.newWithOld!,
                newWithNew: update.newWithNew,
              }),
            )
          : undefined,
      );
    }
    case oids.itCertReqTemplate: {
      // RFC 9483 §4.3.3: a template (subject left to the client) and the key it should have: EC P-256.
      const keySpec = new Controls([
        new AttributeTypeAndValue({
          type: oids.regCtrlAlgId,
          value: der(new AlgorithmIdentifier({ algorithm: ecPublicKey, parameters: p256 })),
        }),
      ]);
      return itav(
        oids.itCertReqTemplate,
        der(
          new CertReqTemplateContent({ certTemplate: new CertTemplate({ subject: new Name([]) }), keySpec }),
        ),
      );
    }
    case oids.itCrlStatusList: {
      // RFC 9483 §4.3.4: crls with the current CRL (SEQUENCE OF CertificateList).
      const crl = await ca.crl();
      return itav(oids.itCrls, own(new Uint8Array([0x30, ...derLength(crl.length), ...crl])).buffer);
    }
    case oids.itCurrentCRL:
      return itav(oids.itCurrentCRL, own(await ca.crl()).buffer);
    case oids.itSignKeyPairTypes:
      return itav(
        oids.itSignKeyPairTypes,
        der(
          new AlgorithmIdentifiers([
            new AlgorithmIdentifier({ algorithm: ecPublicKey, parameters: p256 }),
            new AlgorithmIdentifier({ algorithm: rsaEncryption, parameters: null }),
            new AlgorithmIdentifier({ algorithm: '1.3.101.112' }),
            ...pqSets.map((s) => new AlgorithmIdentifier({ algorithm: s.oid })),
          ]),
        ),
      );
    case oids.itEncKeyPairTypes:
      return itav(
        oids.itEncKeyPairTypes,
        der(
          new AlgorithmIdentifiers([
            new AlgorithmIdentifier({ algorithm: ecPublicKey, parameters: p256 }),
            new AlgorithmIdentifier({ algorithm: rsaEncryption, parameters: null }),
            ...mlKem.map((algorithm) => new AlgorithmIdentifier({ algorithm })),
          ]),
        ),
      );
    case oids.itPreferredSymmAlg:
      return itav(oids.itPreferredSymmAlg, der(new AlgorithmIdentifier({ algorithm: aes256Cbc })));
    case oids.itKeyPairParamReq: {
      // RFC 9810 §5.3.19.9: keyPairParamRep, the parameters for the key type asked (absent: none to give).
      const wanted = asked.infoValue ? safeOid(asked.infoValue) : undefined;
      const rep =
        wanted === ecPublicKey
          ? new AlgorithmIdentifier({ algorithm: ecPublicKey, parameters: p256 })
          : wanted === rsaEncryption
            ? new AlgorithmIdentifier({ algorithm: rsaEncryption, parameters: null })
            : undefined;
      return itav(oids.itKeyPairParamRep, rep ? der(rep) : undefined);
    }
    case oids.itRevPassphrase:
      // RFC 9810 §5.3.19.10: the passphrase is taken; the answer carries the type without a value.
      return itav(oids.itRevPassphrase);
    case oids.itSuppLangTags: {
      // RFC 9810 §5.3.19.13: the answer is the one tag the CA will use, of those offered.
      const offered = asked.infoValue ? safeStrings(asked.infoValue) : [];
      const chosen = offered.find((t) => /^en\b/i.test(t)) ?? offered[0] ?? 'en';
      return itav(oids.itSuppLangTags, der(new UTF8Strings([chosen])));
    }
    default:
      return undefined;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function safeOid(value: ArrayBuffer): string | undefined {
  const b = new Uint8Array(value);
  return b[0] === 0x06 && b[1] === b.length - 2 ? decodeOid(b.subarray(2)) : undefined;
}

function safeStrings(value: ArrayBuffer): string[] {
  try {
    return [...decodeAs(value, UTF8Strings)];
  } catch {
    return [];
  }
}
