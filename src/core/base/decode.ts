/**
 * The one way the core decodes DER into a schema class: `decodeAs` in place of the schema library's
 * parse, so its error texts ("Data does not match to PKIHeader ASN1 schema") never reach a user. A
 * failure says what did not decode, as which type, and why in our DER reader's words where it has one.
 */
import { AsnParser } from '@peculiar/asn1-schema';
import { readDer } from '../der/reader';

/** A value that does not decode as the type asked for; the message is ours. */
export class DecodeError extends Error {}

/** ASN.1 names where our class names differ from them. */
const asn1Names: Record<string, string> = {
  PBKDF2Params: 'PBKDF2-params',
  PBMAC1Params: 'PBMAC1-params',
  PBES2Params: 'PBES2-params',
  RsaSaPssParams: 'RSASSA-PSS-params',
  ECDSASigValue: 'ECDSA-Sig-Value',
};

/** Why `bytes` is not one DER element, in our reader's words, or undefined when it is one. */
function derFault(bytes: Uint8Array): string | undefined {
  const doc = readDer(bytes, { limits: { maxDepth: 64 } });
  const err = doc.problems.find((p) => p.severity === 'error');
  if (err) return err.message;
  if (doc.roots.length !== 1)
    return doc.roots.length ? `${doc.roots.length} elements where one belongs` : 'no element';
  return undefined;
}

/**
 * `bytes` decoded as `type`. `what` names the value for the message ("the protectionAlg parameters");
 * without it the message starts with the type.
 */
export function decodeAs<T>(bytes: ArrayBuffer | ArrayBufferView, type: new () => T, what?: string): T {
  try {
    return AsnParser.parse(bytes, type);
  } catch {
    const view =
      bytes instanceof Uint8Array
        ? bytes
        : ArrayBuffer.isView(bytes)
          ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
          : new Uint8Array(bytes);
    const name = asn1Names[type.name] ?? type.name;
    const fault = derFault(view);
    throw new DecodeError(
      `${what ? `${what} do${what.endsWith('s') ? '' : 'es'} not decode as` : 'not'} ${name}: ${fault ?? 'its elements do not fit that type'}`,
    );
  }
}

/**
 * An error's message when it is ours (thrown by our code with our words), else `fallback`: WebCrypto's
 * DOMExceptions and the runtime's TypeErrors ("DataError: Invalid keyData") say nothing a user can act on.
 */
export function wordsOf(e: unknown, fallback: string): string {
  if (!(e instanceof Error)) return fallback;
  const foreign =
    (typeof DOMException !== 'undefined' && e instanceof DOMException) ||
    e instanceof TypeError ||
    e instanceof RangeError ||
    /^(DataError|OperationError|NotSupportedError|InvalidAccessError|SyntaxError)$/.test(e.name);
  return foreign ? fallback : e.message;
}
