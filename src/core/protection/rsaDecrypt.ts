/**
 * RSAES-PKCS1-v1_5 decryption (RFC 8017 §7.2.2), which WebCrypto does not offer and OpenSSL's CMS uses
 * by default for a ktri RecipientInfo. Done with BigInt and the CRT from the PKCS#8 key. Only for
 * opening what the user holds the key to: nothing here answers a remote party, so the padding oracle
 * RFC 8017 warns about has no one to ask it.
 */
import { RSAPrivateKey } from '@peculiar/asn1-rsa';
import { decodeAs } from '../base';

const big = (b: ArrayBuffer | Uint8Array): bigint => {
  const bytes = b instanceof Uint8Array ? b : new Uint8Array(b);
  let n = 0n;
  for (const x of bytes) n = (n << 8n) | BigInt(x);
  return n;
};

function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let result = 1n;
  let b = base % mod;
  for (let e = exp; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % mod;
    b = (b * b) % mod;
  }
  return result;
}

/** The message under `ciphertext`, or undefined when the padding is not PKCS #1 v1.5 type 2 (wrong key). */
export function rsaPkcs1Decrypt(rsaPrivateKey: Uint8Array, ciphertext: Uint8Array): Uint8Array | undefined {
  const k = decodeAs(rsaPrivateKey, RSAPrivateKey, 'RSAPrivateKey');
  const n = big(k.modulus);
  const size = Math.ceil(n.toString(16).length / 2);
  const c = big(ciphertext);
  if (ciphertext.length !== size || c >= n) return undefined;
  const p = big(k.prime1);
  const q = big(k.prime2);
  const m1 = modPow(c, big(k.exponent1), p);
  const m2 = modPow(c, big(k.exponent2), q);
  const h = (big(k.coefficient) * (((m1 - m2) % p) + p)) % p;
  let m = m2 + h * q;
  const em = new Uint8Array(size);
  for (let i = size - 1; i >= 0; i--, m >>= 8n) em[i] = Number(m & 0xffn);
  if (em[0] !== 0 || em[1] !== 2) return undefined;
  const sep = em.indexOf(0, 2);
  if (sep < 10) return undefined;
  return em.slice(sep + 1);
}
