/**
 * The embedded test CA served inside the extension's own worker: no socket (a browser cannot listen),
 * so "listening" puts the CA in a table under a `worker://` URL and "posting" to that URL hands the
 * request to the CA as its HTTP front (src/node/testcaServer) would: application/pkixcmp in, the
 * answer with status 200 out. Only CMP Lens in this window can reach it.
 */
import type { ListenCa } from '../../app';
import type { TestCa } from '../../core/testca';
import { isPkixCmp, TransportError, type Post } from '../../core/transport';

const served = new Map<string, TestCa>();
let counter = 0;

export const listenInWorker: ListenCa = async (ca, log) => {
  const url = `worker://cmp-lens-test-ca-${++counter}/.well-known/cmp`;
  served.set(url, ca);
  log(`serving in this window at ${url} (no socket: only CMP Lens in this window reaches it)`);
  return {
    url,
    port: 0,
    close: async () => {
      served.delete(url);
    },
  };
};

/** The Post that reaches the in-worker CA at `url`; undefined when none is served there. */
export function reachInWorker(url: string): Post | undefined {
  const ca = served.get(url);
  if (!ca) return undefined;
  return async (req) => {
    if (req.signal?.aborted) throw new TransportError('cancelled', 'cancelled');
    if (!served.has(url)) throw new TransportError('connect', 'the test CA in this window was stopped');
    const contentType = req.headers?.['Content-Type'];
    if (contentType !== undefined && !isPkixCmp(contentType))
      return {
        status: 415,
        contentType: 'text/plain',
        body: new TextEncoder().encode('Content-Type must be application/pkixcmp (RFC 9811)'),
      };
    if (req.body.length > 1024 * 1024)
      return { status: 413, contentType: 'text/plain', body: new TextEncoder().encode('request too large') };
    return { status: 200, contentType: 'application/pkixcmp', body: await ca.handle(req.body) };
  };
}
