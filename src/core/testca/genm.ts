/**
 * The test CA's answers to genm (RFC 9810 §5.3.19, RFC 9483 §4.3): one row per info type of the
 * request, the answer's info type (not always the request's: rootCaCert is answered by
 * rootCaKeyUpdate, crlStatusList by crls, keyPairParamReq by keyPairParamRep) and its value, absent
 * where the RFC lets the CA say "nothing" (no root update, no template). Info types the CA does not
 * know come back listed in one unsupportedOIDs (RFC 9810 §5.3.19.7).
 */
import { AsnSerializer, OctetString } from '@peculiar/asn1-schema';
import { ml_kem1024, ml_kem512, ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { AlgorithmIdentifier, Certificate, Name, SubjectPublicKeyInfo } from '@peculiar/asn1-x509';
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
  KemCiphertextInfo,
  ObjectIdentifiers,
  PKIBody,
  RootCaKeyUpdateContent,
  UTF8Strings,
  oids,
} from '../asn1';
import { equalBytes, own } from '../base/bytes';
import { decodeOid } from '../der/values';
import { decodeAs } from '../base/decode';
import { sequenceOf } from '../base/encoded';
import { pqSets } from '../base/pq';
import { extraCertsDer, transactionIdHex, type ReadMessage } from '../base/message';
import type { Answer, Authority } from './authority';

const ecPublicKey = '1.2.840.10045.2.1';
const p256 = new Uint8Array([0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07]).buffer;
const rsaEncryption = '1.2.840.113549.1.1.1';
/** ML-KEM-512/768/1024 (FIPS 203, RFC 9935): key types for encryption and KEM. */
const mlKem = ['2.16.840.1.101.3.4.4.1', '2.16.840.1.101.3.4.4.2', '2.16.840.1.101.3.4.4.3'];
const aes256Cbc = '2.16.840.1.101.3.4.1.42';

const derOf = (value: object): ArrayBuffer => AsnSerializer.serialize(value);
const itav = (infoType: string, value?: ArrayBuffer) => new InfoTypeAndValue({ infoType, infoValue: value });

/** The genp for a genm: one answer per info type asked, in order. */
export async function handleGenm(ca: Authority, req: ReadMessage, der: Uint8Array): Promise<Answer> {
  const out: InfoTypeAndValue[] = [];
  const unsupported: string[] = [];
  for (const asked of req.body.genm!) {
    if (asked.infoType === oids.itKemCiphertextInfo) {
      const kem = kemCiphertext(ca, req, der);
      if ('error' in kem) return kem;
      out.push(kem);
      continue;
    }
    const answer = await answerFor(ca, asked);
    if (answer) out.push(answer);
    else unsupported.push(asked.infoType);
  }
  if (unsupported.length) out.push(itav(oids.itUnsupportedOIDs, derOf(new ObjectIdentifiers(unsupported))));
  return { body: new PKIBody({ genp: new GenRepContent(out) }) };
}

/** The answer to one asked info type, or undefined when the CA does not answer that type. */
async function answerFor(ca: Authority, asked: InfoTypeAndValue): Promise<InfoTypeAndValue | undefined> {
  switch (asked.infoType) {
    case oids.itCaCerts:
      return itav(oids.itCaCerts, derOf(new CMPCertificates([ca.caCertificate()])));
    case oids.itRootCaCert: {
      // RFC 9483 §4.3.2: rootCaKeyUpdate, its value absent when there is no update for that root.
      const update = ca.rootUpdate();
      const theirs = asked.infoValue ? new Uint8Array(asked.infoValue) : undefined;
      if (!update || (theirs && !equalBytes(theirs, update.oldWithOld))) return itav(oids.itRootCaKeyUpdate);
      return itav(
        oids.itRootCaKeyUpdate,
        derOf(
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
          ? derOf(
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
      // RFC 9483 §4.3.3: a template (subject left to the client) and the key it should have: an EC
      // curve as id-regCtrl-algId, or an RSA modulus length as id-regCtrl-rsaKeyLen.
      const rsaBits = /^RSA-(\d+)$/.exec(ca.behaviour.templateKey ?? '')?.[1];
      const keySpec = new Controls([
        rsaBits
          ? new AttributeTypeAndValue({ type: oids.regCtrlRsaKeyLen, value: integerDer(Number(rsaBits)) })
          : new AttributeTypeAndValue({
              type: oids.regCtrlAlgId,
              value: derOf(new AlgorithmIdentifier({ algorithm: ecPublicKey, parameters: p256 })),
            }),
      ]);
      return itav(
        oids.itCertReqTemplate,
        derOf(
          new CertReqTemplateContent({ certTemplate: new CertTemplate({ subject: new Name([]) }), keySpec }),
        ),
      );
    }
    case oids.itCrlStatusList: {
      // RFC 9483 §4.3.4: crls with the current CRL (SEQUENCE OF CertificateList).
      const crl = await ca.crl();
      return itav(oids.itCrls, own(sequenceOf([crl])).buffer);
    }
    case oids.itCurrentCRL:
      return itav(oids.itCurrentCRL, own(await ca.crl()).buffer);
    case oids.itSignKeyPairTypes:
      return itav(
        oids.itSignKeyPairTypes,
        derOf(
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
        derOf(
          new AlgorithmIdentifiers([
            new AlgorithmIdentifier({ algorithm: ecPublicKey, parameters: p256 }),
            new AlgorithmIdentifier({ algorithm: rsaEncryption, parameters: null }),
            ...mlKem.map((algorithm) => new AlgorithmIdentifier({ algorithm })),
          ]),
        ),
      );
    case oids.itPreferredSymmAlg:
      return itav(oids.itPreferredSymmAlg, derOf(new AlgorithmIdentifier({ algorithm: aes256Cbc })));
    case oids.itKeyPairParamReq: {
      // RFC 9810 §5.3.19.9: keyPairParamRep, the parameters for the key type asked (absent: none to give).
      const wanted = asked.infoValue ? safeOid(asked.infoValue) : undefined;
      const rep =
        wanted === ecPublicKey
          ? new AlgorithmIdentifier({ algorithm: ecPublicKey, parameters: p256 })
          : wanted === rsaEncryption
            ? new AlgorithmIdentifier({ algorithm: rsaEncryption, parameters: null })
            : undefined;
      return itav(oids.itKeyPairParamRep, rep ? derOf(rep) : undefined);
    }
    case oids.itRevPassphrase:
      // RFC 9810 §5.3.19.10: the passphrase is taken; the answer carries the type without a value.
      return itav(oids.itRevPassphrase);
    case oids.itSuppLangTags: {
      // RFC 9810 §5.3.19.13: the answer is the one tag the CA will use, of those offered.
      const offered = asked.infoValue ? safeStrings(asked.infoValue) : [];
      const chosen = offered.find((t) => /^en\b/i.test(t)) ?? offered[0] ?? 'en';
      return itav(oids.itSuppLangTags, derOf(new UTF8Strings([chosen])));
    }
    default:
      return undefined;
  }
}

/** ML-KEM-512/768/1024 by their SubjectPublicKeyInfo OID (FIPS 203, RFC 9935). */
const kemByOid = new Map([
  [mlKem[0], ml_kem512],
  [mlKem[1], ml_kem768],
  [mlKem[2], ml_kem1024],
]);

/**
 * RFC 9810 §5.1.3.4: the client asks for a KEM ciphertext to derive KemBasedMac's key; the CA
 * encapsulates a fresh secret to the ML-KEM key of the certificate the genm carries in extraCerts
 * and keeps the secret with the transaction (for KemBasedMac, once that is checked here).
 */
function kemCiphertext(
  ca: Authority,
  req: ReadMessage,
  der: Uint8Array,
): InfoTypeAndValue | Extract<Answer, { error: unknown }> {
  for (const certDer of extraCertsDer(der)) {
    let spki: SubjectPublicKeyInfo;
    try {
      spki = decodeAs(certDer, Certificate).tbsCertificate.subjectPublicKeyInfo;
    } catch {
      continue;
    }
    const kem = kemByOid.get(spki.algorithm.algorithm);
    if (!kem) continue;
    const { cipherText, sharedSecret } = kem.encapsulate(new Uint8Array(spki.subjectPublicKey));
    ca.pending(transactionIdHex(req), {
      pollsLeft: 0,
      awaiting: new Map(),
      implicit: false,
      kemSecret: sharedSecret,
    });
    return itav(
      oids.itKemCiphertextInfo,
      derOf(
        new KemCiphertextInfo({
          kem: new AlgorithmIdentifier({ algorithm: spki.algorithm.algorithm }),
          ct: new OctetString(cipherText),
        }),
      ),
    );
  }
  return {
    error: ['badRequest'],
    text: 'KemCiphertextInfo: the genm carries no ML-KEM certificate in extraCerts to encapsulate to (RFC 9810 §5.1.3.4)',
  };
}

/** DER INTEGER of a small positive number (an RSA modulus length). */
function integerDer(n: number): ArrayBuffer {
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  if (bytes[0] & 0x80) bytes.unshift(0);
  return new Uint8Array([0x02, bytes.length, ...bytes]).buffer;
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
