/**
 * The one way the core decodes DER into a schema class: `decodeAs`, over our TLV reader and
 * fromTree.ts (not the schema library's parse through asn1js: no node limit, a hundredth of the
 * cost, and no library text — "Data does not match to PKIHeader ASN1 schema" — can reach a user). A
 * failure says what did not decode, as which type, and why in our DER reader's words where it has one.
 */
import { readDer, slotOf, withTlvRead } from '../der/reader';
import type { TlvNode } from '../der/types';
import { decodeTree } from './fromTree';

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
  // A view, an ArrayBuffer, or what looks like a view (the schema library's OctetString: an
  // extension's extnValue is decoded as it stands).
  const view =
    bytes instanceof Uint8Array
      ? bytes
      : bytes instanceof ArrayBuffer
        ? new Uint8Array(bytes)
        : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // Bytes after the first element are passed over, as the library's parse did. The tree lives for
  // this call (the objects made copy what they keep).
  const decoded = withTlvRead(view, (read) => {
    if (read.broken || !read.roots.length) return undefined;
    try {
      return { value: decodeTree(read.tree, read.roots[0], type) };
    } catch {
      return undefined; // said below
    }
  });
  if (!decoded) throw failure(view, type, what);
  return decoded.value;
}

/** Our words for `bytes` not decoding as `type`. */
function failure(bytes: Uint8Array, type: new () => unknown, what?: string): DecodeError {
  const name = asn1Names[type.name] ?? type.name;
  const fault = derFault(bytes);
  return new DecodeError(
    `${what ? `${what} do${what.endsWith('s') ? '' : 'es'} not decode as` : 'not'} ${name}: ${fault ?? 'its elements do not fit that type'}`,
  );
}

/**
 * An element of a tree readDer made (whole: the caller checked its problems) decoded as `type`,
 * without reading its bytes again; decodeAs's words when it does not fit.
 */
export function decodeNode<T>(bytes: Uint8Array, node: TlvNode, type: new () => T, what?: string): T {
  const slot = slotOf(node);
  if (slot) {
    try {
      return decodeTree(slot.tree, slot.index, type);
    } catch {
      throw failure(bytes.subarray(node.offset, node.end), type, what);
    }
  }
  return decodeAs(bytes.subarray(node.offset, node.end), type, what);
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
