import { AsnIntegerConverter, type IAsnConverter } from '@peculiar/asn1-schema';

/**
 * INTEGER ↔ number for the fields the RFCs keep small (pvno, certReqId, status, iterationCount, …).
 * asn1-schema's own AsnIntegerConverter turns an INTEGER of 4 or more octets into a decimal *string*
 * and encodes it back through `+value`, so a large value changes when re-encoded. This one is exact:
 * it reads the two's-complement octets and refuses a value beyond ±(2^53 − 1) with a RangeError, which
 * the parse reports, instead of a number that is not the one in the file.
 */
export const AsnSafeIntegerConverter: IAsnConverter<number> = {
  // The parser hands an asn1js Integer here (its type says only "some block").
  fromASN: (value) => safeInteger((value.valueBlock as unknown as { valueHexView: Uint8Array }).valueHexView),
  toASN: (value: number) => {
    if (!Number.isSafeInteger(value)) throw new RangeError(`${value} is not an integer in ±(2^53 − 1)`);
    return AsnIntegerConverter.toASN(value);
  },
};

/** An INTEGER's two's-complement octets as a number; a RangeError beyond ±(2^53 − 1). */
export function safeInteger(octets: Uint8Array): number {
  if (octets.byteLength > 8)
    throw new RangeError(
      `INTEGER of ${octets.byteLength} octets is too large for this field (at most ±2^53 − 1)`,
    );
  let n = 0n;
  for (const b of octets) n = (n << 8n) | BigInt(b);
  if (octets.byteLength && octets[0] & 0x80) n -= 1n << BigInt(8 * octets.byteLength);
  if (n > BigInt(Number.MAX_SAFE_INTEGER) || n < BigInt(Number.MIN_SAFE_INTEGER))
    throw new RangeError(`INTEGER ${n} is too large for this field (at most ±2^53 − 1)`);
  return Number(n);
}
