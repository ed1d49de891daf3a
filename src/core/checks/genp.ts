/**
 * Does a genp answer its genm? RFC 9483 §4.3 and RFC 9810 §5.3.19 pair each info type a client asks
 * for with the one the answer carries, and say where the answer's value may be absent. One row per
 * asked type; the checker (exchange.ts) reports what does not fit, in our words.
 */
import { ObjectIdentifiers, oids, oidName } from '../asn1';
import { infoValueTypes } from '../asn1/openTypes';
import { decodeAs } from '../base/decode';
import type { ReadMessage } from '../base/message';

interface Pairing {
  /** The info type that answers. */
  answer: string;
  /** The answer's value may be absent ("nothing to give"), per the section cited. */
  absentAllowed: boolean;
  ref: string;
}

/** What answers what. */
export const genpPairs: ReadonlyMap<string, Pairing> = new Map<string, Pairing>([
  [oids.itCaCerts, { answer: oids.itCaCerts, absentAllowed: true, ref: 'RFC 9483 §4.3.1' }],
  [oids.itRootCaCert, { answer: oids.itRootCaKeyUpdate, absentAllowed: true, ref: 'RFC 9483 §4.3.2' }],
  [oids.itCertReqTemplate, { answer: oids.itCertReqTemplate, absentAllowed: true, ref: 'RFC 9483 §4.3.3' }],
  [oids.itCrlStatusList, { answer: oids.itCrls, absentAllowed: true, ref: 'RFC 9483 §4.3.4' }],
  [
    oids.itSignKeyPairTypes,
    { answer: oids.itSignKeyPairTypes, absentAllowed: false, ref: 'RFC 9810 §5.3.19.2' },
  ],
  [
    oids.itEncKeyPairTypes,
    { answer: oids.itEncKeyPairTypes, absentAllowed: false, ref: 'RFC 9810 §5.3.19.3' },
  ],
  [
    oids.itPreferredSymmAlg,
    { answer: oids.itPreferredSymmAlg, absentAllowed: false, ref: 'RFC 9810 §5.3.19.4' },
  ],
  [
    oids.itCaKeyUpdateInfo,
    { answer: oids.itCaKeyUpdateInfo, absentAllowed: true, ref: 'RFC 9810 §5.3.19.5' },
  ],
  [oids.itCurrentCRL, { answer: oids.itCurrentCRL, absentAllowed: false, ref: 'RFC 9810 §5.3.19.6' }],
  [
    oids.itKeyPairParamReq,
    { answer: oids.itKeyPairParamRep, absentAllowed: true, ref: 'RFC 9810 §5.3.19.9' },
  ],
  [oids.itRevPassphrase, { answer: oids.itRevPassphrase, absentAllowed: true, ref: 'RFC 9810 §5.3.19.10' }],
  [oids.itSuppLangTags, { answer: oids.itSuppLangTags, absentAllowed: false, ref: 'RFC 9810 §5.3.19.13' }],
  [
    oids.itKemCiphertextInfo,
    { answer: oids.itKemCiphertextInfo, absentAllowed: false, ref: 'RFC 9810 §5.1.3.4' },
  ],
]);

export interface GenpProblem {
  severity: 'error' | 'warning';
  message: string;
  ref: string;
  /** Index of the genp's InfoTypeAndValue, when the problem is about one. */
  item?: number;
}

const name = (oid: string) => oidName(oid) ?? oid;

/** What in `genp` does not answer `genm` as the RFCs pair them. */
export function genpProblems(genm: ReadMessage, genp: ReadMessage): GenpProblem[] {
  // A body too big to decode (readMessage's bodyNodes) is not known to lack anything.
  if (genm.bodyNodes !== undefined || genp.bodyNodes !== undefined) return [];
  const asked = genm.body.genm ?? [];
  const got = [...(genp.body.genp ?? [])];
  const out: GenpProblem[] = [];
  const unsupported = new Set<string>();
  for (const itv of got)
    if (itv.infoType === oids.itUnsupportedOIDs && itv.infoValue) {
      try {
        for (const o of decodeAs(itv.infoValue, ObjectIdentifiers)) unsupported.add(o);
      } catch {
        // its value does not decode: the message checks say so
      }
    }
  for (const a of asked) {
    const pair = genpPairs.get(a.infoType);
    if (!pair) continue; // not a type one asks for with genm, or one we have no rule for
    const i = got.findIndex((g) => g.infoType === pair.answer);
    if (i < 0) {
      if (unsupported.has(a.infoType)) continue; // the server said it does not answer that type (RFC 9810 §5.3.19.7)
      const echoed = got.findIndex((g) => g.infoType === a.infoType);
      out.push({
        severity: 'error',
        message:
          echoed >= 0 && a.infoType !== pair.answer
            ? `the genm asks ${name(a.infoType)}, which is answered by ${name(pair.answer)}, but the genp answers with ${name(a.infoType)} again`
            : `the genm asks ${name(a.infoType)}, and the genp has no ${name(pair.answer)} (nor lists it as unsupported)`,
        ref: pair.ref,
        item: echoed >= 0 ? echoed : undefined,
      });
      continue;
    }
    const value = got[i].infoValue;
    if (!value && !pair.absentAllowed)
      out.push({
        severity: 'error',
        message: `${name(pair.answer)} answers without a value, which ${pair.ref} does not allow`,
        ref: pair.ref,
        item: i,
      });
    const type = infoValueTypes.get(pair.answer);
    if (value && type && typeof type === 'function') {
      try {
        decodeAs(value, type as new () => object);
      } catch {
        out.push({
          severity: 'error',
          message: `the value of ${name(pair.answer)} is not the type ${pair.ref} gives it`,
          ref: pair.ref,
          item: i,
        });
      }
    }
  }
  return out;
}
