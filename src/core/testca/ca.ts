/**
 * The embedded test CA: a real CMP server in our core (RFC 9810, RFC 9483 as a CA would). It takes
 * the DER of a request and returns the DER of its answer; HTTP is somebody else's job (src/node).
 * It issues real certificates for the requested key, remembers revocations, polls and confirms, and
 * can be told to misbehave for debugging practice. Lenient on purpose where a test tool should be:
 * any senderKID is accepted with the shared secret, and raVerified POP is taken at its word.
 */
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { Certificate, ExtendedKeyUsage, Extension, GeneralName, Name } from '@peculiar/asn1-x509';
import {
  CMPCertificate,
  ErrorMsgContent,
  InfoTypeAndValue,
  InfoTypeAndValues,
  PKIBody,
  PKIFailureInfo,
  PKIFreeText,
  PKIHeader,
  PKIMessage,
  PKIStatus,
  PKIStatusInfo,
  oids,
} from '../asn1';
import { generateKeyPair, importPrivateKey, keyKinds, type KeyKind, type KeyPair } from '../base/keys';
import { parseName } from '../base/names';
import { certName } from '../protection';
import { type Subtle } from '../base/crypto';
import { macLike, oidCmKga, protectMessage, type ProtectionSpec } from '../protection';
import { verifyMessage } from '../protection';
import { readMessage, transactionIdHex, type ReadMessage } from '../base/message';
import { issueCertificate, issueCrl } from './certs';
import { handleGenm } from './genm';
import {
  certRequestBodies,
  handleCertConf,
  handleCertRequest,
  handleClientError,
  handlePollReq,
  handleRevocation,
} from './handlers';
import { own, toBase64 } from '../base/bytes';
import { generalizedTimeDer } from '../base/encoded';
import { toHex } from '../der/values';
import type { CaSnapshot, CaStore, IssuedRecord, RevokedRecord, RootUpdateDer } from './state';
import type { Answer, Authority, PendingTransaction, RootUpdate, TestCaBehaviour } from './authority';
import type { CheckResult } from '../../shared/protection';
import { decodeAs, wordsOf } from '../base/decode';

export type { TestCaBehaviour } from './authority';

export interface TestCaOptions {
  /** The shared secret for MAC-protected requests (any senderKID). */
  secret: Uint8Array;
  behaviour?: TestCaBehaviour;
  /** More anchors for signature-protected requests, beside the CA's own certificate. */
  trustAnchors?: Uint8Array[];
  validityDays?: number;
  subtle?: Subtle;
  random?: (n: number) => Uint8Array;
  now?: () => Date;
  /**
   * The key type of a new CA (default P-256): any key the composer makes, so `ML-DSA-65` makes a
   * post-quantum CA that signs its certificates and answers with ML-DSA. A loaded CA keeps its key.
   */
  keyKind?: KeyKind;
  /** Where every change goes as it happens (absent: the CA lives in memory only). */
  store?: CaStore;
}

const maxTransactions = 1000;

/** The shared secret when none is configured: public, for trying things on one's own machine (README). */
export const demoSecret = 'cmp-lens-demo';

export class TestCa implements Authority {
  readonly transactions = new Map<string, PendingTransaction>();
  behaviour: TestCaBehaviour;
  readonly subtle: Subtle;
  readonly random: (n: number) => Uint8Array;
  readonly now: () => Date;

  private readonly issuedBy = new Map<string, IssuedRecord>();
  private readonly revokedBy = new Map<string, RevokedRecord>();
  /** The end of the chain of state changes: each waits for the one before (see `exclusive`). */
  private tail: Promise<unknown> = Promise.resolve();

  private constructor(
    private current: { key: KeyPair; cert: Certificate; certDer: Uint8Array },
    snapshot: Pick<CaSnapshot, 'issued' | 'revoked' | 'rootUpdate'>,
    readonly options: TestCaOptions,
  ) {
    this.behaviour = options.behaviour ?? {};
    this.subtle = options.subtle ?? globalThis.crypto.subtle;
    this.random = options.random ?? ((n) => globalThis.crypto.getRandomValues(new Uint8Array(n)));
    this.now = options.now ?? (() => new Date());
    for (const i of snapshot.issued) this.issuedBy.set(i.serialHex, i);
    for (const r of snapshot.revoked) this.revokedBy.set(r.serialHex, r);
    if (snapshot.rootUpdate) this.update = updateOf(snapshot.rootUpdate);
  }

  /** The CA's key, certificate and its DER: the new ones after a root roll. */
  get key(): KeyPair {
    return this.current.key;
  }
  get cert(): Certificate {
    return this.current.cert;
  }
  get certDer(): Uint8Array {
    return this.current.certDer;
  }

  private update?: RootUpdate;

  rootUpdate(): RootUpdate | undefined {
    return this.update;
  }

  /**
   * A root key roll (RFC 9810 §4.4): a new key of the same type, its self-signed certificate
   * (newWithNew), the new key certified by the old (newWithOld) and the old by the new (oldWithNew).
   * From then on the CA signs with the new key; genm rootCaCert about the old root gets all three.
   */
  rollRoot(): Promise<void> {
    return this.exclusive(() => this.roll());
  }

  private async roll(): Promise<void> {
    const old = this.current;
    // A CA key signs: RSA of a loaded CA rolls to RSA-2048; anything WebCrypto cannot make again, to P-256.
    const k = old.key.kind;
    const kind: KeyKind =
      k === 'RSA' ? 'RSA-2048' : (keyKinds as readonly string[]).includes(k) ? (k as KeyKind) : 'P-256';
    const key = await generateKeyPair(kind, this.subtle, this.options.random);
    const now = this.now();
    const notBefore = new Date(now.getTime() - 60_000);
    const notAfter = new Date(now.getTime() + 3650 * 86_400_000);
    const name = old.cert.tbsCertificate.subject;
    const common = { subject: name, ca: true, subtle: this.subtle };
    const newWithNew = await issueCertificate({
      ...common,
      issuerKey: key,
      spki: key.spki,
      serial: this.freshSerial(),
      notBefore,
      notAfter,
    });
    const newWithOld = await issueCertificate({
      ...common,
      issuerKey: old.key,
      issuerCert: old.cert,
      spki: key.spki,
      serial: this.freshSerial(),
      notBefore,
      notAfter: old.cert.tbsCertificate.validity.notAfter.getTime(),
    });
    const oldWithNew = await issueCertificate({
      ...common,
      issuerKey: key,
      issuerCert: newWithNew.cert,
      spki: old.cert.tbsCertificate.subjectPublicKeyInfo,
      serial: this.freshSerial(),
      notBefore: old.cert.tbsCertificate.validity.notBefore.getTime(),
      notAfter: old.cert.tbsCertificate.validity.notAfter.getTime(),
    });
    const kept = {
      newWithNew: newWithNew.der,
      newWithOld: newWithOld.der,
      oldWithNew: oldWithNew.der,
      oldWithOld: old.certDer,
    };
    await this.options.store?.rolled?.(key.pkcs8, kept);
    this.current = { key, cert: newWithNew.cert, certDer: newWithNew.der };
    this.update = updateOf(kept);
  }

  /** A new CA with a fresh key (EC P-256 unless `keyKind` says) and a self-signed certificate valid for 10 years. */
  static async create(options: TestCaOptions, name = 'CN=CMP Lens Test CA, O=CMP Lens'): Promise<TestCa> {
    const subtle = options.subtle ?? globalThis.crypto.subtle;
    const key = await generateKeyPair(options.keyKind ?? 'P-256', subtle, options.random);
    const now = (options.now ?? (() => new Date()))();
    const { cert, der } = await issueCertificate({
      issuerKey: key,
      subject: parseName(name),
      spki: key.spki,
      serial: 1n,
      ca: true,
      subtle,
      notBefore: new Date(now.getTime() - 60_000),
      notAfter: new Date(now.getTime() + 3650 * 86_400_000),
    });
    await options.store?.created(key.pkcs8, der);
    return new TestCa({ key, cert, certDer: der }, { issued: [], revoked: [] }, options);
  }

  /** The CA a store kept. */
  static async load(snapshot: CaSnapshot, options: TestCaOptions): Promise<TestCa> {
    const key = await importPrivateKey(snapshot.keyPkcs8, options.subtle);
    const der = snapshot.certDer;
    return new TestCa({ key, cert: decodeAs(der, Certificate), certDer: der }, snapshot, options);
  }

  /** What it issued and revoked, as records (tests, and migrating a state). */
  records(): { issued: IssuedRecord[]; revoked: RevokedRecord[] } {
    return { issued: [...this.issuedBy.values()], revoked: [...this.revokedBy.values()] };
  }

  /**
   * Runs `fn` after every state change started before it has finished: issuance, revocation,
   * confirmation and polling state change one at a time, whatever the concurrency of requests.
   */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn, fn);
    this.tail = run.catch(() => undefined);
    return run;
  }

  get name(): Name {
    return this.cert.tbsCertificate.subject;
  }

  issuedBySerial(serialHex: string): IssuedRecord | undefined {
    return this.issuedBy.get(serialHex);
  }

  revokedBySerial(serialHex: string): RevokedRecord | undefined {
    return this.revokedBy.get(serialHex);
  }

  /**
   * A serial number no certificate of this CA has: 16 random octets, positive (RFC 5280 §4.1.2.2 and
   * its advice to make serials unpredictable: at least 64 bits of randomness; here 127).
   */
  private freshSerial(): bigint {
    for (;;) {
      const b = this.random(16);
      b[0] &= 0x7f;
      if (b[0] === 0) b[0] = 0x40;
      const serial = BigInt(`0x${toHex(b)}`);
      if (serial !== 1n && !this.issuedBy.has(serial.toString(16))) return serial;
    }
  }

  /** Issues a certificate and records it (called from a handler, inside `exclusive`). */
  async issue(
    subject: Name,
    spki: Certificate['tbsCertificate']['subjectPublicKeyInfo'],
    extensions: Parameters<typeof issueCertificate>[0]['extensions'],
    validity?: { notBefore?: Date; notAfter?: Date },
  ): Promise<Uint8Array> {
    const now = this.now();
    const notBefore =
      validity?.notBefore && validity.notBefore > now ? validity.notBefore : new Date(now.getTime() - 60_000);
    const latest = new Date(now.getTime() + (this.options.validityDays ?? 365) * 86_400_000);
    const notAfter =
      validity?.notAfter && validity.notAfter < latest && validity.notAfter > notBefore
        ? validity.notAfter
        : latest;
    const serial = this.freshSerial();
    const record: IssuedRecord = { serialHex: serial.toString(16), subject: '', certBase64: '' };
    // Reserved before the first await, so no other issuance can draw it.
    this.issuedBy.set(record.serialHex, record);
    try {
      const { der } = await issueCertificate({
        issuerKey: this.key,
        issuerCert: this.cert,
        subject,
        spki,
        serial,
        notBefore,
        notAfter,
        extensions,
        subtle: this.subtle,
      });
      record.subject = certName(decodeAs(der, Certificate));
      record.certBase64 = toBase64(der);
      record.notAfter = notAfter.toISOString();
      await this.options.store?.issued(record, der);
      return der;
    } catch (e) {
      this.issuedBy.delete(record.serialHex);
      throw e;
    }
  }

  async revoke(serialHex: string, reason: number | undefined): Promise<void> {
    const record: RevokedRecord = { serialHex, reason, at: this.now().toISOString() };
    await this.options.store?.revoked(record);
    this.revokedBy.set(serialHex, record);
  }

  /** A CRL of everything revoked, numbered by the store (RFC 9483 §4.3.4 answers crlStatusList with it). */
  async crl(): Promise<Uint8Array> {
    const now = this.now();
    return issueCrl({
      issuerKey: this.key,
      issuerCert: this.cert,
      number: (await this.options.store?.nextCrlNumber()) ?? BigInt(now.getTime()),
      revoked: [...this.revokedBy.values()].map((r) => ({
        serial: BigInt(`0x${r.serialHex}`),
        at: new Date(r.at),
        reason: r.reason,
      })),
      thisUpdate: new Date(Math.floor(now.getTime() / 1000) * 1000),
      nextUpdate: new Date(Math.floor(now.getTime() / 1000) * 1000 + 86_400_000),
      subtle: this.subtle,
    });
  }

  /** The KEM shared secret this CA encapsulated for the request's transaction (a genp's KemCiphertextInfo). */
  private kemSecretOf(req: ReadMessage): Uint8Array | undefined {
    return this.transactions.get(transactionIdHex(req))?.kemSecret;
  }

  pending(tid: string, t: PendingTransaction): void {
    // A transaction keeps the KEM secret its genp carried, whatever state it moves to.
    t.kemSecret ??= this.transactions.get(tid)?.kemSecret;
    if (this.transactions.size >= maxTransactions)
      this.transactions.delete(this.transactions.keys().next().value!);
    this.transactions.set(tid, t);
  }

  /** Answers one request. Never throws: what cannot be handled becomes an error message. */
  async handle(der: Uint8Array): Promise<Uint8Array> {
    let req: ReadMessage;
    try {
      req = readMessage(der);
    } catch (e) {
      return this.respond(
        undefined,
        { error: ['badDataFormat'], text: `request does not decode: ${wordsOf(e, 'not a PKIMessage')}` },
        false,
      );
    }
    const mac = isMac(req.header.protectionAlg?.algorithm);
    // A body too big to decode into schema objects is refused in words, not answered as if empty.
    if (req.bodyNodes !== undefined)
      return this.respond(
        req,
        {
          error: ['badDataFormat'],
          text: `the ${req.bodyName} body has ${req.bodyNodes} ASN.1 nodes: too many for this CA`,
        },
        mac,
      );
    // Taken before the answer: a certConf ends the transaction, and its pkiConf still needs the secret.
    const kem = req.header.protectionAlg?.algorithm === oids.kemBasedMac ? this.kemSecretOf(req) : undefined;
    try {
      return await this.respond(req, await this.answer(req, der, mac), mac, kem);
    } catch (e) {
      const answer: Answer = {
        error: ['systemFailure'],
        text: `test CA: ${wordsOf(e, 'it could not answer this request')}`,
      };
      // If the request's MAC cannot protect the answer either, the error goes out signed.
      return this.respond(req, answer, mac).catch(() => this.respond(req, answer, false));
    }
  }

  private async answer(req: ReadMessage, der: Uint8Array, mac: boolean): Promise<Answer> {
    const checks = await verifyMessage(der, {
      secret: this.options.secret,
      kemSecret: this.kemSecretOf(req),
      trustAnchors: [this.certDer, ...(this.options.trustAnchors ?? [])],
      now: this.now,
      crypto: { subtle: this.subtle },
    });
    const prot = checks.find((c) => c.check === 'protection')!;
    if (prot.verdict === 'unprotected')
      return { error: ['badMessageCheck'], text: 'requests must be protected (RFC 9483 §3.2)' };
    if (prot.verdict !== 'valid')
      return {
        error: ['badMessageCheck'],
        text: `protection ${prot.verdict}: ${prot.reason ?? prot.summary}`,
      };
    if (!mac && !this.kemSecretOf(req)) {
      const chain = checks.find((c) => c.check === 'chain');
      if (chain?.verdict !== 'valid')
        return {
          error: ['signerNotTrusted'],
          text: `the protecting certificate does not chain to this CA: ${chain?.reason ?? 'no chain'}`,
        };
    }
    if (this.behaviour.sendError)
      return { error: ['systemUnavail'], text: 'the test CA was told to answer with an error (sendError)' };
    // Checking the request needs no state; answering it changes the state, one request at a time.
    return this.exclusive(() => this.dispatch(req, der, checks));
  }

  private async dispatch(req: ReadMessage, der: Uint8Array, checks: CheckResult[]): Promise<Answer> {
    const b = req.body;
    if (certRequestBodies(b)) return handleCertRequest(this, req, der, checks);
    if (b.certConf) return handleCertConf(this, req);
    if (b.pollReq) return handlePollReq(this, req);
    if (b.rr) return handleRevocation(this, req);
    if (b.genm) return handleGenm(this, req, der);
    if (b.error) return handleClientError(this, req);
    return { error: ['badRequest'], text: `the test CA does not answer ${req.bodyName}` };
  }

  /** The answer as a PKIMessage, protected as the request was (the same MAC with the secret, else our signature). */
  private async respond(
    req: ReadMessage | undefined,
    a: Answer,
    mac: boolean,
    kem?: Uint8Array,
  ): Promise<Uint8Array> {
    const rh = req?.header;
    const header = new PKIHeader({
      pvno: ('pvno' in a && a.pvno) || (rh?.pvno ?? 2),
      sender: new GeneralName({ directoryName: this.name }),
      recipient: rh?.sender ?? new GeneralName({ directoryName: new Name([]) }),
      messageTime: new Date(Math.floor(this.now().getTime() / 1000) * 1000),
      transactionID: rh?.transactionID ?? new OctetString(this.random(16)),
      senderNonce: new OctetString(this.random(16)),
      recipNonce: rh?.senderNonce,
      senderKID: mac ? rh?.senderKID : undefined,
    });
    let body: PKIBody;
    if ('error' in a) {
      body = new PKIBody({
        error: new ErrorMsgContent({
          pKIStatusInfo: new PKIStatusInfo({
            status: a.status ?? PKIStatus.rejection,
            statusString: new PKIFreeText([a.text]),
            failInfo: PKIFailureInfo.fromNames(a.error),
          }),
        }),
      });
    } else {
      body = a.body;
      const info: InfoTypeAndValue[] = [];
      if (a.implicit)
        info.push(
          new InfoTypeAndValue({
            infoType: oids.itImplicitConfirm,
            infoValue: new Uint8Array([5, 0]).buffer,
          }),
        );
      if (a.confirmWaitTime)
        info.push(
          new InfoTypeAndValue({
            infoType: oids.itConfirmWaitTime,
            infoValue: own(generalizedTimeDer(a.confirmWaitTime)).buffer,
          }),
        );
      if (info.length) header.generalInfo = new InfoTypeAndValues(info);
    }
    // KemBasedMac is answered in kind with the exchange's shared secret (RFC 9810 §5.1.3.4).
    const protection: ProtectionSpec = kem
      ? { kind: 'kemBasedMac', sharedSecret: kem }
      : mac
        ? macLike(rh?.protectionAlg, this.options.secret)
        : { kind: 'signature', key: this.key, cert: this.certDer };
    return protectMessage(new PKIMessage({ header, body }), protection, {
      subtle: this.subtle,
      random: this.random,
    });
  }

  caCertificate(): CMPCertificate {
    return new CMPCertificate({ x509v3PKCert: this.cert });
  }

  get secret(): Uint8Array {
    return this.options.secret;
  }

  private kga?: { caDer: Uint8Array; made: Promise<{ key: KeyPair; certDer: Uint8Array }> };

  /**
   * The key generation authority that signs centrally generated keys (RFC 9483 §4.1.6): made on first
   * use and kept in memory for the CA's life (a new one after a root roll), an EC P-256 key with a
   * certificate from this CA carrying EKU id-kp-cmKGA.
   */
  keyGenerationAuthority(): Promise<{ key: KeyPair; certDer: Uint8Array }> {
    if (this.kga?.caDer !== this.certDer) this.kga = { caDer: this.certDer, made: this.makeKga() };
    return this.kga.made;
  }

  private async makeKga(): Promise<{ key: KeyPair; certDer: Uint8Array }> {
    const key = await generateKeyPair('P-256', this.subtle, this.options.random);
    const now = this.now();
    const { der } = await issueCertificate({
      issuerKey: this.key,
      issuerCert: this.cert,
      subject: parseName('CN=CMP Lens Test KGA, O=CMP Lens'),
      spki: key.spki,
      serial: this.freshSerial(),
      notBefore: new Date(now.getTime() - 60_000),
      notAfter: new Date(now.getTime() + 3650 * 86_400_000),
      extensions: [
        new Extension({
          extnID: '2.5.29.37',
          critical: false,
          extnValue: new OctetString(AsnConvert.serialize(new ExtendedKeyUsage([oidCmKga]))),
        }),
      ],
      subtle: this.subtle,
    });
    return { key, certDer: der };
  }
}

/** The three certificates of a root roll, as the genp carries them. */
function updateOf(u: RootUpdateDer): RootUpdate {
  const cmp = (d: Uint8Array) => new CMPCertificate({ x509v3PKCert: decodeAs(d, Certificate) });
  return {
    newWithNew: cmp(u.newWithNew),
    newWithOld: cmp(u.newWithOld),
    oldWithNew: cmp(u.oldWithNew),
    oldWithOld: u.oldWithOld,
  };
}

function isMac(oid: string | undefined): boolean {
  return oid === oids.passwordBasedMac || oid === oids.pbmac1;
}
