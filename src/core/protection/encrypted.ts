/**
 * The encrypted content of a PKIMessage, found and opened: a centrally generated private key
 * (CertifiedKeyPair.privateKey, also in a key recovery response), an encrypted certificate
 * (CertOrEncCert.encryptedCert, RFC 9810 §5.2.8.3), a POP challenge's Rand (POPODecKeyChallContent),
 * a revocation passphrase (id-it-revPassphrase) and an archived private key (PKIArchiveOptions);
 * each as EnvelopedData (RFC 9810 §5.2.2) or the old EncryptedValue (RFC 4211 §2.2).
 */
import { cbc } from '@noble/ciphers/aes.js';
import { EnvelopedData } from '../asn1';
import { AsnSerializer, OctetString } from '@peculiar/asn1-schema';
import { Certificate, GeneralName } from '@peculiar/asn1-x509';
import {
  type CertifiedKeyPair,
  type EncryptedKey,
  EncryptedValue,
  PKIArchiveOptions,
  type PKIMessage,
  Rand,
  oids,
} from '../asn1';
import { algName, decodeAs, equalBytes, importPrivateKey, toHex, wordsOf } from '../base';
import type { Subtle } from '../base';
import { readDer } from '../der/reader';
import { nameText } from './chain';
import { cbcBits, EnvelopeError, openEnvelope, readRecipientKey, type RecipientKey } from './envelope';
import { asPkcs8, readKeyPackage, type DeliveredKey, type KeyPackageResult } from './keyPackage';
import { rsaPkcs1Decrypt } from './rsaDecrypt';

export type EncryptedPurpose = 'private key' | 'certificate' | 'challenge' | 'passphrase' | 'archived key';

export interface EncryptedItem {
  /** Where it is: "body.ip.response[0].certifiedKeyPair.privateKey". */
  path: string;
  purpose: EncryptedPurpose;
  certReqId?: number;
  envelope?: EnvelopedData;
  value?: EncryptedValue;
  /** The certificate issued beside a private key (to check the key belongs to it), when in clear. */
  issued?: Uint8Array;
}

export interface DecryptedItem {
  path: string;
  purpose: EncryptedPurpose;
  certReqId?: number;
  /** Which RecipientInfo (or EncryptedValue) opened it, and the content cipher. */
  openedBy?: string;
  contentEncryption?: string;
  /** The decrypted bytes (for a key: secret). */
  content?: Uint8Array;
  keyPackage?: KeyPackageResult;
  /** Keys delivered (secrets), each checked against the certificate issued with it when there is one. */
  keys?: (DeliveredKey & { matchesCertificate?: boolean })[];
  certificate?: Uint8Array;
  rand?: { int: string; sender: string; senderMatches?: boolean };
  /** Why it did not open, in words; undefined when it did. */
  problem?: string;
  /** Exit class for a CLI: a check failed (signature, key/certificate) vs no key matched. */
  failed?: 'no-key' | 'check';
}

const der = (v: object) => new Uint8Array(AsnSerializer.serialize(v));

/** Every encrypted item of `msg`, in message order. */
export function findEncrypted(msg: Pick<PKIMessage, 'header' | 'body'>): EncryptedItem[] {
  const out: EncryptedItem[] = [];
  const add = (path: string, purpose: EncryptedPurpose, ek: EncryptedKey | undefined, extra = {}) => {
    if (ek?.envelopedData) out.push({ path, purpose, envelope: ek.envelopedData, ...extra });
    else if (ek?.encryptedValue) out.push({ path, purpose, value: ek.encryptedValue, ...extra });
  };
  const pair = (path: string, p: CertifiedKeyPair | undefined, certReqId?: number) => {
    if (!p) return;
    const cert = p.certOrEncCert.certificate?.x509v3PKCert;
    add(`${path}.certOrEncCert.encryptedCert`, 'certificate', p.certOrEncCert.encryptedCert, { certReqId });
    add(`${path}.privateKey`, 'private key', p.privateKey, {
      certReqId,
      issued: cert ? der(cert) : undefined,
    });
  };
  const b = msg.body;
  for (const kind of ['ip', 'cp', 'kup', 'ccp'] as const) {
    const rep = b[kind];
    rep?.response.forEach((r, i) =>
      pair(`body.${kind}.response[${i}].certifiedKeyPair`, r.certifiedKeyPair, Number(r.certReqId)),
    );
  }
  b.krp?.keyPairHist?.forEach((p, i) => pair(`body.krp.keyPairHist[${i}]`, p));
  b.popdecc?.forEach((c, i) => {
    if (c.encryptedRand)
      out.push({ path: `body.popdecc[${i}].encryptedRand`, purpose: 'challenge', envelope: c.encryptedRand });
  });
  for (const kind of ['ir', 'cr', 'kur', 'ccr', 'krr'] as const) {
    b[kind]?.forEach((m, i) =>
      m.certReq.controls?.forEach((c, j) => {
        if (c.type !== oids.regCtrlPkiArchiveOptions) return;
        try {
          const opts = decodeAs(c.value, PKIArchiveOptions);
          add(`body.${kind}[${i}].certReq.controls[${j}].value`, 'archived key', opts.encryptedPrivKey);
        } catch {
          // An undecodable control is the checks' to report.
        }
      }),
    );
  }
  msg.header.generalInfo?.forEach((itv, i) => {
    if (itv.infoType !== oids.itRevPassphrase || !itv.infoValue) return;
    try {
      const ek = decodeAs(itv.infoValue, EncryptedValue);
      out.push({ path: `header.generalInfo[${i}].infoValue`, purpose: 'passphrase', value: ek });
    } catch {
      try {
        const env = decodeAs(itv.infoValue, EnvelopedData);
        out.push({ path: `header.generalInfo[${i}].infoValue`, purpose: 'passphrase', envelope: env });
      } catch {
        // Neither: the checks report it.
      }
    }
  });
  return out;
}

/** The first DER element of `bytes` (what follows it is padding a producer left). */
function firstElement(bytes: Uint8Array): Uint8Array {
  const root = readDer(bytes).roots[0];
  return root ? bytes.subarray(0, root.end) : bytes;
}

/** Opens an EncryptedValue (RFC 4211 §2.2): the symmetric key under the RSA key, the value under it. */
function openEncryptedValue(v: EncryptedValue, key: RecipientKey): { content: Uint8Array; openedBy: string } {
  if (key.kind !== 'key')
    throw new EnvelopeError('an EncryptedValue opens with a private key, not a password');
  const priv = readRecipientKey(key.pkcs8);
  const keyAlg = v.keyAlg?.algorithm ?? '1.2.840.113549.1.1.1';
  if (priv.family !== 'RSA' || keyAlg !== '1.2.840.113549.1.1.1')
    throw new EnvelopeError(
      `EncryptedValue with keyAlg ${algName(keyAlg)} and a ${priv.name} key is not supported (rsaEncryption with an RSA key is)`,
    );
  if (!v.encSymmKey || !v.symmAlg) throw new EnvelopeError('the EncryptedValue has no encSymmKey or symmAlg');
  const sym = rsaPkcs1Decrypt(priv.rsa, new Uint8Array(v.encSymmKey));
  if (!sym) throw new EnvelopeError("the key does not decrypt encSymmKey (another recipient's key)");
  const want = cbcBits[v.symmAlg.algorithm];
  if (!want) throw new EnvelopeError(`symmAlg ${algName(v.symmAlg.algorithm)} is not supported (AES-CBC is)`);
  if (sym.length * 8 !== want)
    throw new EnvelopeError(`the symmetric key has ${sym.length} bytes, not ${want / 8}`);
  const iv = v.symmAlg.parameters
    ? new Uint8Array(decodeAs(v.symmAlg.parameters, OctetString, 'the symmAlg IV').buffer)
    : undefined;
  if (iv?.length !== 16) throw new EnvelopeError('symmAlg carries no 16-byte IV');
  const data = new Uint8Array(v.encValue);
  if (data.length % 16) throw new EnvelopeError('encValue is not a whole number of AES blocks');
  // Padding is not fixed by RFC 4211 (OpenSSL decrypts without it): the value is the first element.
  const plain = cbc(sym, iv, { disablePadding: true }).decrypt(data);
  return {
    content: firstElement(plain).slice(),
    openedBy: `EncryptedValue (${algName(keyAlg)}, ${algName(v.symmAlg.algorithm)})`,
  };
}

/** The public key (SPKI DER) of a PKCS#8 key, where this tool can derive it. */
async function publicOf(pkcs8: Uint8Array, subtle: Subtle): Promise<Uint8Array | undefined> {
  try {
    return (await importPrivateKey(pkcs8, subtle)).spki;
  } catch {
    return undefined;
  }
}

/**
 * Opens one item with `key` and reads what it holds. `context.extraCerts` help find the KGA's
 * certificate; `context.sender` is the message's sender, to compare with a Rand's.
 */
export async function decryptItem(
  item: EncryptedItem,
  key: RecipientKey,
  context: { extraCerts?: Uint8Array[]; sender?: GeneralName; subtle?: Subtle } = {},
): Promise<DecryptedItem> {
  const subtle = context.subtle ?? globalThis.crypto.subtle;
  const out: DecryptedItem = { path: item.path, purpose: item.purpose, certReqId: item.certReqId };
  let content: Uint8Array;
  try {
    if (item.envelope) {
      const opened = await openEnvelope(item.envelope, key, subtle);
      content = opened.content;
      out.openedBy = opened.recipient;
      out.contentEncryption = opened.contentEncryption;
    } else {
      const opened = openEncryptedValue(item.value!, key);
      content = opened.content;
      out.openedBy = opened.openedBy;
    }
  } catch (e) {
    out.problem = wordsOf(e, 'it does not open with this key');
    out.failed = 'no-key';
    return out;
  }
  out.content = content;
  if (item.purpose === 'private key' || item.purpose === 'archived key') {
    if (item.envelope) {
      out.keyPackage = await readKeyPackage(content, { extraCerts: context.extraCerts, subtle });
      out.keys = out.keyPackage.keys;
      if (out.keyPackage.signature.verdict !== 'valid' || !out.keyPackage.authorized.ok) out.failed = 'check';
      if (out.keyPackage.problem) {
        out.problem = out.keyPackage.problem;
        out.failed = 'check';
      }
    } else {
      const k = asPkcs8(content);
      out.keys = k ? [k] : [];
      if (!k) {
        out.problem = 'the decrypted value is not a private key';
        out.failed = 'check';
      }
    }
    if (item.issued && out.keys) {
      const cert = decodeAs(item.issued, Certificate, 'the issued certificate');
      const spki = der(cert.tbsCertificate.subjectPublicKeyInfo);
      for (const k of out.keys) {
        const pub = await publicOf(k.pkcs8, subtle);
        if (pub) {
          k.matchesCertificate = equalBytes(pub, spki);
          if (!k.matchesCertificate) out.failed = 'check';
        }
      }
    }
  } else if (item.purpose === 'certificate') {
    try {
      decodeAs(content, Certificate, 'the decrypted certificate');
      out.certificate = content;
    } catch (e) {
      out.problem = wordsOf(e, 'the decrypted content is not a certificate');
      out.failed = 'check';
    }
  } else if (item.purpose === 'challenge') {
    try {
      const rand = decodeAs(content, Rand, 'Rand');
      const sender = rand.sender.directoryName
        ? nameText(rand.sender.directoryName)
        : toHex(der(rand.sender));
      out.rand = {
        int: String(rand.int),
        sender,
        senderMatches: context.sender ? equalBytes(der(context.sender), der(rand.sender)) : undefined,
      };
      if (out.rand.senderMatches === false) out.failed = 'check';
    } catch (e) {
      out.problem = wordsOf(e, 'the decrypted content is not a Rand');
      out.failed = 'check';
    }
  }
  return out;
}
