/** TemplateSpec → CRMF CertTemplate (RFC 4211 §5) with the extensions it asks for. */
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  ExtendedKeyUsage,
  Extension,
  Extensions,
  GeneralNames,
  KeyUsage,
  KeyUsageFlags,
  SubjectAlternativeName,
  SubjectPublicKeyInfo,
  Time,
  id_ce_extKeyUsage,
  id_ce_keyUsage,
  id_ce_subjectAltName,
} from '@peculiar/asn1-x509';
import { CertTemplate, OptionalValidity } from '../asn1';
import { fromHex } from '../der/values';
import { parseGeneralName, parseName } from '../base/names';
import type { FieldError, TemplateSpec } from './spec';
import { decodeAs } from '../base/decode';

export const ekuNames: Record<string, string> = {
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  timeStamping: '1.3.6.1.5.5.7.3.8',
  OCSPSigning: '1.3.6.1.5.5.7.3.9',
  cmcCA: '1.3.6.1.5.5.7.3.27',
  cmcRA: '1.3.6.1.5.5.7.3.28',
  cmKGA: '1.3.6.1.5.5.7.3.32',
};
export const keyUsageNames = Object.keys(KeyUsageFlags).filter((k) => Number.isNaN(Number(k)));

/** Collects field errors instead of stopping at the first, so a form can show them all. */
export class Problems {
  readonly list: FieldError[] = [];
  try<T>(field: string, f: () => T): T | undefined {
    try {
      return f();
    } catch (e) {
      this.list.push({ field, message: (e as Error).message.replace(/^[\w.[\]]+: /, '') });
      return undefined;
    }
  }
  add(field: string, message: string): void {
    this.list.push({ field, message });
  }
}

function time(text: string, field: string, problems: Problems): Time | undefined {
  const d = new Date(text);
  if (Number.isNaN(d.getTime())) {
    problems.add(field, `"${text}" is not a date (use ISO 8601, e.g. 2027-01-31T00:00:00Z)`);
    return undefined;
  }
  return new Time(d);
}

function extensionsOf(t: TemplateSpec, problems: Problems): Extension[] {
  const out: Extension[] = [];
  const sans = (t.sans ?? []).map((s, i) =>
    problems.try(`template.sans[${i}]`, () => parseGeneralName(s, `template.sans[${i}]`)),
  );
  if (sans.length && sans.every((s) => s)) {
    // RFC 5280 §4.2.1.6: critical when the subject is empty.
    out.push(
      new Extension({
        extnID: id_ce_subjectAltName,
        critical: !t.subject?.trim(),
        extnValue: new OctetString(
          AsnConvert.serialize(new SubjectAlternativeName(sans as GeneralNames[number][])),
        ),
      }),
    );
  }
  if (t.keyUsage?.length) {
    let flags = 0;
    for (const name of t.keyUsage) {
      const f = (KeyUsageFlags as unknown as Record<string, number>)[name === 'crlSign' ? 'cRLSign' : name];
      if (f === undefined)
        problems.add('template.keyUsage', `unknown key usage "${name}" (one of ${keyUsageNames.join(', ')})`);
      else flags |= f;
    }
    out.push(
      new Extension({
        extnID: id_ce_keyUsage,
        critical: true,
        extnValue: new OctetString(AsnConvert.serialize(new KeyUsage(flags))),
      }),
    );
  }
  if (t.extKeyUsage?.length) {
    const ids = t.extKeyUsage.map(
      (n) =>
        ekuNames[n] ??
        (/^\d+(\.\d+)+$/.test(n)
          ? n
          : (problems.add(
              'template.extKeyUsage',
              `unknown extended key usage "${n}" (one of ${Object.keys(ekuNames).join(', ')}, or an OID)`,
            ),
            '')),
    );
    out.push(
      new Extension({
        extnID: id_ce_extKeyUsage,
        extnValue: new OctetString(AsnConvert.serialize(new ExtendedKeyUsage(ids.filter(Boolean)))),
      }),
    );
  }
  for (const [i, e] of (t.extensions ?? []).entries()) {
    const value = fromHex(e.valueHex);
    if (!/^\d+(\.\d+)+$/.test(e.oid))
      problems.add(`template.extensions[${i}].oid`, `"${e.oid}" is not a dotted OID`);
    else if (!value) problems.add(`template.extensions[${i}].valueHex`, 'not hex');
    else
      out.push(
        new Extension({ extnID: e.oid, critical: e.critical ?? false, extnValue: new OctetString(value) }),
      );
  }
  return out;
}

/** The CertTemplate for `t` with the public key `spki` (DER) when given; kur may leave the name to the old certificate. */
export function buildTemplate(
  t: TemplateSpec,
  spki: Uint8Array | undefined,
  problems: Problems,
  needsName = true,
): CertTemplate {
  const tpl = new CertTemplate();
  if (t.subject?.trim())
    tpl.subject = problems.try('template.subject', () => parseName(t.subject!, 'template.subject'));
  if (needsName && !t.subject?.trim() && !t.sans?.length)
    problems.add('template.subject', 'give a subject or at least one subjectAltName (RFC 9483 §4.1.1)');
  if (t.notBefore || t.notAfter) {
    tpl.validity = new OptionalValidity({
      notBefore: t.notBefore ? time(t.notBefore, 'template.notBefore', problems) : undefined,
      notAfter: t.notAfter ? time(t.notAfter, 'template.notAfter', problems) : undefined,
    });
  }
  if (spki) tpl.publicKey = decodeAs(spki, SubjectPublicKeyInfo);
  const ext = extensionsOf(t, problems);
  if (ext.length) tpl.extensions = new Extensions(ext);
  return tpl;
}
