/**
 * Serve the embedded test CA: open its kept state (or make a CA in memory), listen, and say what
 * secret it takes. `cmp-lens serve`, `cmp-lens demo` and the extension's Start Test CA call it.
 */
import { certName } from '../core/protection';
import { demoSecret, TestCa, type TestCaBehaviour, type TestCaOptions } from '../core/testca';
import type { KeyKind } from '../core/base';
import { silentLog, type Log, type RunningServer } from './ports';

/** Opens the CA kept somewhere (src/node/testcaState: OpenSSL's `openssl ca` layout in DIR), or makes one there. */
export type OpenCa = (options: TestCaOptions) => Promise<TestCa>;

/** Starts a server for `ca` (src/node/testcaServer: HTTP on loopback). */
export type ListenCa = (ca: TestCa, log: (line: string) => void) => Promise<RunningServer>;

export interface ServeInput {
  /** The shared secret; absent: the public demo default (said so in `secretNote`). */
  secret?: Uint8Array;
  behaviour?: TestCaBehaviour;
  trustAnchors?: Uint8Array[];
  /** The key type of a new CA (default P-256; `ML-DSA-65` makes a post-quantum CA). */
  caKey?: KeyKind;
  /** Roll the root key before serving (RFC 9810 §4.4), so clients can walk a root update. */
  rollRoot?: boolean;
  /** Where the CA is kept; absent: a new CA in memory, gone when it stops. */
  open?: OpenCa;
  listen: ListenCa;
  log?: Log;
}

export interface ServingCa {
  ca: TestCa;
  server: RunningServer;
  /** The secret the CA takes (the given one, or the demo default). */
  secret: Uint8Array;
  /** One line for people: which secret, and whether it is the public default. */
  secretNote: string;
  /** "CN=CMP Lens Test CA, O=CMP Lens". */
  name: string;
}

/** The secret a test CA takes when none is given: public, for trying things on one's own machine. */
export function defaultTestCaSecret(): Uint8Array {
  return new TextEncoder().encode(demoSecret);
}

/** A kept CA whose key is not of the type asked for (the CLI makes it a usage error). */
export class TestCaKeyMismatch extends Error {}

export async function startTestCa(input: ServeInput): Promise<ServingCa> {
  const log = input.log ?? silentLog;
  const secret = input.secret ?? defaultTestCaSecret();
  const options: TestCaOptions = {
    secret,
    behaviour: input.behaviour,
    trustAnchors: input.trustAnchors,
    keyKind: input.caKey,
  };
  const ca = input.open ? await input.open(options) : await TestCa.create(options);
  // A kept CA keeps its key: asking for another type is a mistake to say, not to paper over.
  const family = (k: string) => (k.startsWith('RSA') ? 'RSA' : k); // a loaded RSA key does not say its size
  if (input.caKey && family(ca.key.kind) !== family(input.caKey))
    throw new TestCaKeyMismatch(
      `the test CA kept there has a ${ca.key.kind} key, not ${input.caKey}: a CA of another key type needs another state folder`,
    );
  if (input.rollRoot) {
    await ca.rollRoot();
    log.info(
      'root key rolled: genm rootCaCert about the old root gets newWithNew, newWithOld and oldWithNew',
    );
  }
  const server = await input.listen(ca, (line) => log.info(line));
  const secretNote = input.secret
    ? 'shared secret: the one given (any senderKID)'
    : `shared secret: the public demo default "${demoSecret}" (any senderKID)`;
  log.info(`test CA "${certName(ca.cert)}" listening on ${server.url}`);
  return { ca, server, secret, secretNote, name: certName(ca.cert) };
}
