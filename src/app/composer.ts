/**
 * The composer's engine: form → materials → buildRequest → the inspector's model of the result.
 * Pure (files and secrets come in through `ComposerIo`), so the extension host and the webview
 * tests drive the same code. One generated key per key type is kept, so the preview does not
 * change key on every keystroke; "new key" drops it.
 */
import { CRLReasons } from '@peculiar/asn1-x509';
import type {
  ComposerForm,
  FileField,
  FormChoices,
  HostToComposer,
  PreviewPayload,
  SecretChoice,
} from '../shared/composer';
import { pkiFailureInfoNames } from '../core/asn1';
import type { FieldError, GenmInfoType, KeyKind, RequestSpec } from '../shared/requestSpec';
import type { CheckProfile } from '../shared/findings';
import { checkMessage } from '../core/checks';
import { fromHex, toHex } from '../core/der/values';
import { readMessage } from '../core/base/message';
import { inspectInput, InspectorModel } from '../core/inspect';
import { respond, showPayload } from '../core/inspect';
import { unwrapInput } from '../core/base/pem';
import { kemCiphertextOf, kemSharedSecret, verifyMessage } from '../core/protection';
import type { ProtectionSpec } from '../core/protection';
import type { Subtle } from '../core/base/crypto';
import { buildRequest, genmItem } from '../core/compose';
import { generateKeyPair, importPrivateKey, type KeyPair } from '../core/base/keys';
import type { Materials } from '../core/compose';
import { keyUsageNames } from '../core/compose';
import { keyRequestBodies } from '../core/base/bodies';

export interface ComposerIo {
  readFile(path: string): Promise<Uint8Array>;
  /** The secret `source` names, or undefined when there is none. */
  secret(source: SecretChoice): Promise<Uint8Array | undefined>;
  now?: () => Date;
  random?: (n: number) => Uint8Array;
  subtle?: Subtle;
  /** The protocol checks' rule set for the preview; default base. */
  profile?: () => CheckProfile;
}

/** What the last successful build produced (what Save, Open and Send use). */
export interface Built {
  der: Uint8Array;
  /** The key generated for the request (to be saved beside it), when no key file was given. */
  generatedKey?: KeyPair;
  body: string;
}

/** The names the form offers as choices, from the schema modules (one source of truth). */
export function formChoices(): FormChoices {
  return {
    keyUsage: [...keyUsageNames],
    failInfo: [...pkiFailureInfoNames],
    crlReasons: Object.entries(CRLReasons)
      .filter(([, v]) => typeof v === 'number')
      .map(([name, value]) => ({ name, value: value as number })),
  };
}

export class ComposerEngine {
  private readonly keys = new Map<KeyKind, KeyPair>();
  /** The transactionID of the genp a KemBasedMac protection was derived from. */
  private kemTransactionId: string | undefined;
  private model: InspectorModel | undefined;
  private version = 0;
  built: Built | undefined;

  constructor(private readonly io: ComposerIo) {}

  /** Forget generated keys: the next build makes a fresh one. */
  newKey(): void {
    this.keys.clear();
  }

  /** Builds `form` and returns the preview (the annotated tree and protection check, or the errors). */
  async preview(form: ComposerForm, seq: number): Promise<PreviewPayload> {
    const errors: FieldError[] = [];
    const materials = await this.materials(form, errors);
    const spec = form.spec;
    let generated: KeyPair | undefined;
    if (
      !materials.key &&
      !spec.centralKeygen &&
      keyRequestBodies.has(spec.body) &&
      !(spec.body === 'p10cr' && materials.csr)
    ) {
      const kind = spec.keyType ?? 'P-256';
      generated = this.keys.get(kind) ?? (await generateKeyPair(kind, this.io.subtle));
      this.keys.set(kind, generated);
      materials.key = generated;
    }
    if (errors.length) return { seq, ok: false, errors };
    const kemTid =
      form.protection.kind === 'kemBasedMac' && !spec.transactionID ? this.kemTransactionId : undefined;
    const r = await buildRequest(
      await this.withFileValues(kemTid ? { ...spec, transactionID: kemTid } : spec, form, errors),
      materials,
      {
        now: this.io.now,
        random: this.io.random,
        subtle: this.io.subtle,
      },
    );
    if (!r.ok) return { seq, ok: false, errors: r.errors };
    this.built = { der: r.der, generatedKey: generated, body: spec.body };
    const { doc, der } = inspectInput(r.der);
    this.model = new InspectorModel(doc, der);
    this.version++;
    const secret = 'secret' in materials.protection ? materials.protection.secret : undefined;
    const kemSecret =
      materials.protection.kind === 'kemBasedMac' ? materials.protection.sharedSecret : undefined;
    const protection = await verifyMessage(r.der, { secret, kemSecret });
    const findings = checkMessage(r.der, { profile: this.io.profile?.() ?? 'base', now: this.io.now?.() });
    return {
      seq,
      ok: true,
      show: showPayload(this.model, `${spec.body} (preview)`, this.version),
      protection,
      findings,
      generatedKey: generated?.kind,
    };
  }

  /** Answers the preview tree's requests (children, details). */
  answer(message: {
    type: 'expand' | 'select';
    id: string;
    start?: number;
    count?: number;
  }): HostToComposer | undefined {
    if (!this.model) return undefined;
    const answer = respond(
      this.model,
      message.type === 'expand'
        ? { type: 'expand', id: message.id, start: message.start ?? 0, count: message.count ?? 500 }
        : { type: 'select', id: message.id },
      this.version,
    );
    return answer?.type === 'children' || answer?.type === 'details' ? answer : undefined;
  }

  /** rootCaCert and crlStatusList take their value from a file the form names (RFC 9483 §4.3.2, §4.3.4). */
  private async withFileValues(
    spec: RequestSpec,
    form: ComposerForm,
    errors: FieldError[],
  ): Promise<RequestSpec> {
    if (spec.body !== 'genm' || !spec.infoTypes) return spec;
    const from: [GenmInfoType, FileField][] = [
      ['rootCaCert', 'rootCaCert'],
      ['crlStatusList', 'crlSource'],
    ];
    const infoTypes = [...spec.infoTypes];
    for (const [type, field] of from) {
      const i = infoTypes.indexOf(type);
      const der = i >= 0 ? (await this.file(form, field, errors))[0] : undefined;
      if (i < 0 || !der) continue;
      try {
        infoTypes[i] = genmItem(type as 'rootCaCert' | 'crlStatusList', der);
      } catch (e) {
        errors.push({ field: `files.${field}`, message: (e as Error).message });
      }
    }
    return { ...spec, infoTypes };
  }

  private async file(form: ComposerForm, field: FileField, errors: FieldError[]): Promise<Uint8Array[]> {
    const out: Uint8Array[] = [];
    for (const path of form.files[field] ?? []) {
      try {
        const u = unwrapInput(await this.io.readFile(path));
        if (u.error) errors.push({ field: `files.${field}`, message: `${path}: ${u.error}` });
        else out.push(u.der);
      } catch (e) {
        errors.push({ field: `files.${field}`, message: `cannot read ${path}: ${(e as Error).message}` });
      }
    }
    return out;
  }

  private async key(
    der: Uint8Array | undefined,
    field: FileField,
    errors: FieldError[],
  ): Promise<KeyPair | undefined> {
    if (!der) return undefined;
    try {
      return await importPrivateKey(der, this.io.subtle);
    } catch (e) {
      errors.push({
        field: `files.${field}`,
        message: `not a usable PKCS#8 private key: ${(e as Error).message}`,
      });
      return undefined;
    }
  }

  private async materials(form: ComposerForm, errors: FieldError[]): Promise<Materials> {
    const one = async (f: FileField) => (await this.file(form, f, errors))[0];
    const m: Materials = {
      protection: { kind: 'none' },
      key: await this.key(await one('key'), 'key', errors),
      csr: await one('csr'),
      oldCert: await one('oldCert'),
      confirmCert: await one('confirmCert'),
      extraCerts: await this.file(form, 'extraCerts', errors),
    };
    m.protection = await this.protection(form, errors);
    return m;
  }

  private async protection(form: ComposerForm, errors: FieldError[]): Promise<ProtectionSpec> {
    const p = form.protection;
    if (p.kind === 'none') return { kind: 'none' };
    if (p.kind === 'signature') {
      const cert = (await this.file(form, 'signerCert', errors))[0];
      const key = await this.key((await this.file(form, 'signerKey', errors))[0], 'signerKey', errors);
      if (!cert)
        errors.push({
          field: 'files.signerCert',
          message: "signature protection needs the signer's certificate",
        });
      if (!key && !form.files.signerKey?.length)
        errors.push({
          field: 'files.signerKey',
          message: "signature protection needs the signer's private key (PKCS#8)",
        });
      const chain = await this.file(form, 'chain', errors);
      return cert && key ? { kind: 'signature', cert, key, chain, hash: p.hash } : { kind: 'none' };
    }
    if (p.kind === 'kemBasedMac') {
      const key = (await this.file(form, 'kemKey', errors))[0];
      const genp = (await this.file(form, 'kemGenp', errors))[0];
      if (!key)
        errors.push({ field: 'files.kemKey', message: 'KemBasedMac needs the ML-KEM private key (PKCS#8)' });
      if (!genp)
        errors.push({
          field: 'files.kemGenp',
          message: 'KemBasedMac needs the genp that carried the KemCiphertextInfo',
        });
      if (!key || !genp) return { kind: 'none' };
      try {
        const carrier = readMessage(genp);
        const info = kemCiphertextOf(carrier);
        if (!info) throw new Error('it carries no KemCiphertextInfo (RFC 9810 §5.1.3.4)');
        // The KDF's context holds the transactionID: the request continues the genp's transaction.
        this.kemTransactionId = toHex(new Uint8Array(carrier.header.transactionID?.buffer ?? []));
        return { kind: 'kemBasedMac', sharedSecret: kemSharedSecret(info, key) };
      } catch (e) {
        errors.push({ field: 'files.kemGenp', message: (e as Error).message });
        return { kind: 'none' };
      }
    }
    const secret = (p.secret ? await this.io.secret(p.secret) : undefined) ?? new Uint8Array();
    let salt: Uint8Array | undefined;
    if (p.saltHex) {
      salt = fromHex(p.saltHex);
      if (!salt || !salt.length)
        errors.push({ field: 'protection.saltHex', message: `"${p.saltHex}" is not hex` });
    }
    if (p.kind === 'pbm')
      return { kind: 'pbm', secret, salt, iterations: p.iterations, owf: p.owf, mac: p.mac };
    if (p.owf === 'SHA-1' || p.mac === 'SHA-1')
      errors.push({
        field: p.owf === 'SHA-1' ? 'protection.owf' : 'protection.mac',
        message: 'PBMAC1 here uses HMAC with SHA-256 or stronger (RFC 9481 §6.1.1); SHA-1 is for PBM only',
      });
    return { kind: 'pbmac1', secret, salt, iterations: p.iterations, prf: p.owf, mac: p.mac };
  }
}
