/**
 * Producer quirks: encodings seen from real producers that the RFCs do not allow but that say
 * clearly what was meant. A quirk never makes a verdict `valid`; when the MAC matches only under the
 * producer's reading, the verdict stays `invalid` and the reason says so, so a debugger sees both
 * the fault and that the secret is right. The README's table is made from this one (a test compares
 * them): a new quirk is a row here and a reading in the code that detects it.
 */
export interface Quirk {
  /** How the quirk is recognised. */
  detection: string;
  /** What the RFC says. */
  rfc: string;
  /** What the producer did. */
  producer: string;
  /** What CMP Lens reports. */
  verdict: string;
  /** Appended to the reason when the MAC matches under the producer's reading. */
  explanation: string;
}

export const quirks = {
  keyLengthInBits: {
    detection: 'PBMAC1 with PBKDF2 keyLength a multiple of 8 and at least 64, the MAC not matching',
    rfc: 'RFC 8018 App. A.2: keyLength is the length of the derived key in octets',
    producer: 'wrote the key length in bits (256 for a 32-octet HMAC-SHA256 key)',
    verdict: 'invalid, "it would match if read as bits" when the MAC matches with keyLength/8 octets',
    explanation: 'it would match if read as bits, a known producer mistake',
  },
  pbes2ForPbkdf2: {
    detection:
      'PBMAC1 keyDerivationFunc is id-PBES2 (1.2.840.113549.1.5.13) whose parameters are PBKDF2-params',
    rfc: 'RFC 8018 §7.1 and App. A.5: keyDerivationFunc is a key derivation function, id-PBKDF2 (1.2.840.113549.1.5.12)',
    producer: "used PBES2's OID (an encryption scheme) with PBKDF2's parameters (seen from a Java producer)",
    verdict: 'invalid, "the MAC matches when keyDerivationFunc is read as id-PBKDF2" when it does',
    explanation: 'the MAC matches when keyDerivationFunc is read as id-PBKDF2 (a known producer mistake)',
  },
} satisfies Record<string, Quirk>;
