/**
 * What the request handlers need of a CA (its records, its behaviour, issuing and revoking), so
 * they depend on this shape and not on the TestCa class that calls them.
 */
import type { Certificate, Name } from '@peculiar/asn1-x509';
import type { CMPCertificate, PKIBody, PKIFailureInfoName, PKIStatus } from '../asn1';
import type { KeyPair, Subtle } from '../base';
import type { KeyPackageForm } from '../protection';
import type { issueCertificate } from './certs';
import type { IssuedRecord, RevokedRecord } from './state';

export interface RootUpdate {
  newWithNew: CMPCertificate;
  newWithOld: CMPCertificate;
  oldWithNew: CMPCertificate;
  /** DER of the root certificate before the roll (what a client asking about it sends). */
  oldWithOld: Uint8Array;
}

/** A transaction the CA is in the middle of (waiting for pollReq or certConf). */
export interface PendingTransaction {
  /** The final ip/cp/kup, once polling ends. */
  response?: PKIBody;
  pollsLeft: number;
  /** Issued and awaiting certConf, by certReqId. */
  awaiting: Map<number, Uint8Array>;
  implicit: boolean;
  /** When the CA stops waiting for certConf (the confirmWaitTime it sent, RFC 9810 §5.1.1.2), ms. */
  confirmBy?: number;
  /** The secret a KemCiphertextInfo carried to the client (RFC 9810 §5.1.3.4). */
  kemSecret?: Uint8Array;
}

/** A handler's answer: a body to protect and send, or an error message's content. */
export type Answer =
  | { body: PKIBody; implicit?: boolean; confirmWaitTime?: Date; pvno?: number }
  | { error: PKIFailureInfoName[]; text: string; status?: PKIStatus };

export interface TestCaBehaviour {
  /** Answer `waiting`, then pollRep this many times in all, before issuing. */
  pollCount?: number;
  /** checkAfter in pollRep, seconds (default 1). */
  checkAfter?: number;
  /** Reject certificate requests with these failInfo bits. */
  reject?: PKIFailureInfoName[];
  /** Grant implicitConfirm when a request asks for it (default true). */
  grantImplicitConfirm?: boolean;
  /** Answer every request with an error message. */
  sendError?: boolean;
  /** Seconds the CA waits for certConf, sent as confirmWaitTime (default 300). */
  confirmWaitSeconds?: number;
  /**
   * Central key generation (RFC 9483 §4.1.6): the signed key as RFC 9483's AsymmetricKeyPackage
   * (default) or, as OpenSSL 3.5's client needs, the bare PKCS#8 as id-data.
   */
  centralKeyForm?: KeyPackageForm;
  /** The key certReqTemplate asks for: "P-256" (default, id-regCtrl-algId) or "RSA-2048"… (id-regCtrl-rsaKeyLen). */
  templateKey?: string;
}

export interface Authority {
  readonly transactions: Map<string, PendingTransaction>;
  readonly behaviour: TestCaBehaviour;
  readonly subtle: Subtle;
  readonly name: Name;
  readonly now: () => Date;
  caCertificate(): CMPCertificate;
  issuedBySerial(serialHex: string): IssuedRecord | undefined;
  revokedBySerial(serialHex: string): RevokedRecord | undefined;
  issue(
    subject: Name,
    spki: Certificate['tbsCertificate']['subjectPublicKeyInfo'],
    extensions: Parameters<typeof issueCertificate>[0]['extensions'],
    validity?: { notBefore?: Date; notAfter?: Date },
  ): Promise<Uint8Array>;
  revoke(serialHex: string, reason: number | undefined): Promise<void>;
  /** A signed CRL of what this CA revoked. */
  crl(): Promise<Uint8Array>;
  /** After a root key roll (RFC 9810 §4.4): the three certificates, and the old self-signed one's DER. */
  rootUpdate(): RootUpdate | undefined;
  pending(tid: string, t: PendingTransaction): void;
  /** The shared secret of MAC-protected requests (a pwri for a centrally generated key is sealed to it). */
  readonly secret: Uint8Array;
  readonly random: (n: number) => Uint8Array;
  /** The key generation authority: a key and a certificate this CA issued with EKU id-kp-cmKGA. */
  keyGenerationAuthority(): Promise<{ key: KeyPair; certDer: Uint8Array }>;
}
