/**
 * The embedded test CA: a real CMP server in our core (RFC 9810, RFC 9483 as a CA would). It takes
 * the DER of a request and returns the DER of its answer; HTTP is somebody else's job (src/node).
 * It issues real certificates for the requested key, remembers revocations, polls and confirms, and
 * can be told to misbehave for debugging practice. Lenient on purpose where a test tool should be:
 * any senderKID is accepted with the shared secret, and raVerified POP is taken at its word.
 */
import { OctetString } from '@peculiar/asn1-schema';
import { Certificate, GeneralName, Name } from '@peculiar/asn1-x509';
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
import { generateKeyPair, importPrivateKey, type KeyKind, type KeyPair } from '../base/keys';
import { parseName } from '../base/names';
import { certName } from '../protection';
import { type Subtle } from '../base/crypto';
import { macLike, protectMessage, type ProtectionSpec } from '../protection';
import { verifyMessage } from '../protection';
import { readMessage, type ReadMessage } from '../base/message';
import { issueCertificate } from './certs';
import {
  certRequestBodies,
  handleCertConf,
  handleCertRequest,
  handleGenm,
  handleClientError,
  handlePollReq,
  handleRevocation,
} from './handlers';
import { fromBase64, toBase64 } from '../base/bytes';
import type { CaStateJson, IssuedRecord, RevokedRecord } from './state';
import type { Answer, Authority, PendingTransaction, TestCaBehaviour } from './authority';
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
  /** Called after the state changed (issued, revoked), to store it. */
  onStateChange?: (state: CaStateJson) => void | Promise<void>;
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

  private constructor(
    readonly key: KeyPair,
    readonly cert: Certificate,
    readonly certDer: Uint8Array,
    private state: CaStateJson,
    readonly options: TestCaOptions,
  ) {
    this.behaviour = options.behaviour ?? {};
    this.subtle = options.subtle ?? globalThis.crypto.subtle;
    this.random = options.random ?? ((n) => globalThis.crypto.getRandomValues(new Uint8Array(n)));
    this.now = options.now ?? (() => new Date());
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
    const state: CaStateJson = {
      format: 'cmp-lens-testca/1',
      keyPkcs8Base64: toBase64(key.pkcs8),
      certBase64: toBase64(der),
      nextSerial: '2',
      issued: [],
      revoked: [],
    };
    const ca = new TestCa(key, cert, der, state, options);
    await options.onStateChange?.(state);
    return ca;
  }

  static async load(state: CaStateJson, options: TestCaOptions): Promise<TestCa> {
    const key = await importPrivateKey(fromBase64(state.keyPkcs8Base64), options.subtle);
    const der = fromBase64(state.certBase64);
    return new TestCa(key, decodeAs(der, Certificate), der, state, options);
  }

  toJSON(): CaStateJson {
    return this.state;
  }

  get name(): Name {
    return this.cert.tbsCertificate.subject;
  }

  issuedBySerial(serialHex: string): IssuedRecord | undefined {
    return this.state.issued.find((i) => i.serialHex === serialHex);
  }

  revokedBySerial(serialHex: string): RevokedRecord | undefined {
    return this.state.revoked.find((r) => r.serialHex === serialHex);
  }

  /** Issues a certificate and records it. */
  async issue(
    subject: Name,
    spki: Certificate['tbsCertificate']['subjectPublicKeyInfo'],
    extensions: Parameters<typeof issueCertificate>[0]['extensions'],
    validity?: { notBefore?: Date; notAfter?: Date },
  ): Promise<Uint8Array> {
    const serial = BigInt(this.state.nextSerial);
    const now = this.now();
    const notBefore =
      validity?.notBefore && validity.notBefore > now ? validity.notBefore : new Date(now.getTime() - 60_000);
    const latest = new Date(now.getTime() + (this.options.validityDays ?? 365) * 86_400_000);
    const notAfter =
      validity?.notAfter && validity.notAfter < latest && validity.notAfter > notBefore
        ? validity.notAfter
        : latest;
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
    this.state.nextSerial = (serial + 1n).toString();
    this.state.issued.push({
      serialHex: serial.toString(16),
      subject: certName(decodeAs(der, Certificate)),
      certBase64: toBase64(der),
    });
    await this.options.onStateChange?.(this.state);
    return der;
  }

  async revoke(serialHex: string, reason: number | undefined): Promise<void> {
    this.state.revoked.push({ serialHex, reason, at: this.now().toISOString() });
    await this.options.onStateChange?.(this.state);
  }

  pending(tid: string, t: PendingTransaction): void {
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
    try {
      return await this.respond(req, await this.answer(req, der, mac), mac);
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
    if (!mac) {
      const chain = checks.find((c) => c.check === 'chain');
      if (chain?.verdict !== 'valid')
        return {
          error: ['signerNotTrusted'],
          text: `the protecting certificate does not chain to this CA: ${chain?.reason ?? 'no chain'}`,
        };
    }
    if (this.behaviour.sendError)
      return { error: ['systemUnavail'], text: 'the test CA was told to answer with an error (sendError)' };
    const b = req.body;
    if (certRequestBodies(b)) return handleCertRequest(this, req, der, checks);
    if (b.certConf) return handleCertConf(this, req);
    if (b.pollReq) return handlePollReq(this, req);
    if (b.rr) return handleRevocation(this, req);
    if (b.genm) return handleGenm(this, req);
    if (b.error) return handleClientError(this, req);
    return { error: ['badRequest'], text: `the test CA does not answer ${req.bodyName}` };
  }

  /** The answer as a PKIMessage, protected as the request was (the same MAC with the secret, else our signature). */
  private async respond(req: ReadMessage | undefined, a: Answer, mac: boolean): Promise<Uint8Array> {
    const rh = req?.header;
    const header = new PKIHeader({
      pvno: rh?.pvno ?? 2,
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
      if (a.implicit)
        header.generalInfo = new InfoTypeAndValues([
          new InfoTypeAndValue({
            infoType: oids.itImplicitConfirm,
            infoValue: new Uint8Array([5, 0]).buffer,
          }),
        ]);
    }
    const protection: ProtectionSpec = mac
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
}

function isMac(oid: string | undefined): boolean {
  return oid === oids.passwordBasedMac || oid === oids.pbmac1;
}
