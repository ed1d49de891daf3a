/**
 * CMP over HTTP(S) (RFC 9811) from a browser: `fetch`. What the browser decides is not ours to change,
 * and each message says so: TLS trust and client certificates are the browser's (so `caFile`,
 * `tlsClientCert`/`tlsClientKey` and `insecureSkipTlsVerify` are refused up front, naming the entry),
 * and a cross-origin answer is readable only if the server allows it (CORS): a POST with
 * `Content-Type: application/pkixcmp` is preflighted, so the server must answer the OPTIONS request
 * and send `Access-Control-Allow-Origin` on its answer. Most CMP servers do not; the browser then
 * reports a bare network error, which cannot be told apart from an unreachable server — the message
 * names both. Redirects are not followed (`redirect: 'manual'`), as in the Node transport.
 */
import {
  TransportError,
  type HttpRequest,
  type HttpResponse,
  type Post,
  type ServerConfig,
} from '../../core/transport';

/** The browser cannot honour these server settings: refused with the reason, never silently ignored. */
export function browserRefusal(server: ServerConfig): string | undefined {
  if (server.caFile) return 'caFile cannot be used in the browser: it trusts its own certificate store';
  if (server.tlsClientCert || server.tlsClientKey)
    return 'a TLS client certificate cannot be given in the browser: it offers the certificates of its own store';
  if (server.insecureSkipTlsVerify)
    return 'insecureSkipTlsVerify cannot be used in the browser: it always verifies TLS';
  return undefined;
}

/** The fetch used (a parameter for tests). */
type Fetch = typeof fetch;

export function fetchPost(server: ServerConfig, f: Fetch = fetch): Post {
  const refused = browserRefusal(server);
  if (refused) throw new TransportError('tls', refused);
  return (req) => post(req, f);
}

async function post(req: HttpRequest, f: Fetch): Promise<HttpResponse> {
  let url: URL;
  try {
    url = new URL(req.url);
  } catch {
    throw new TransportError('connect', `"${req.url}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new TransportError('connect', `${url.protocol} is not HTTP or HTTPS`);
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, req.timeoutMs);
  const onCancel = () => controller.abort();
  req.signal?.addEventListener('abort', onCancel);
  try {
    let res: Response;
    try {
      res = await f(url.href, {
        method: 'POST',
        headers: { ...req.headers, 'Content-Type': 'application/pkixcmp', Accept: 'application/pkixcmp' },
        body: req.body.slice(),
        redirect: 'manual',
        credentials: 'omit',
        signal: controller.signal,
      });
    } catch (e) {
      throw failure(e, url, req, timedOut);
    }
    // redirect 'manual' in a browser: an opaque answer with status 0 and no headers to read.
    if (res.type === 'opaqueredirect' || (res.status >= 300 && res.status < 400))
      return {
        status: res.status || 302,
        location: res.headers.get('location') ?? undefined,
        body: new Uint8Array(),
      };
    const body = await readCapped(res, req, url, () => timedOut);
    return {
      status: res.status,
      contentType: res.headers.get('content-type') ?? undefined,
      location: res.headers.get('location') ?? undefined,
      body,
    };
  } finally {
    clearTimeout(timer);
    req.signal?.removeEventListener('abort', onCancel);
  }
}

/** The answer's body, refusing more than maxResponseBytes while it arrives. */
async function readCapped(
  res: Response,
  req: HttpRequest,
  url: URL,
  timedOut: () => boolean,
): Promise<Uint8Array> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > req.maxResponseBytes) throw tooLarge(req);
  if (!res.body) return new Uint8Array(await res.arrayBuffer());
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > req.maxResponseBytes) {
        void reader.cancel();
        throw tooLarge(req);
      }
      chunks.push(value);
    }
  } catch (e) {
    if (e instanceof TransportError) throw e;
    throw failure(e, url, req, timedOut());
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

function tooLarge(req: HttpRequest): TransportError {
  return new TransportError(
    'too-large',
    `the answer is larger than the limit of ${req.maxResponseBytes} bytes (maxResponseBytes)`,
  );
}

/** A fetch failure in our words: the browser gives no reason beyond "network error". */
function failure(e: unknown, url: URL, req: HttpRequest, timedOut: boolean): TransportError {
  if (timedOut)
    return new TransportError(
      'timeout',
      `no complete answer from ${url.host} within ${req.timeoutMs} ms (timeoutMs)`,
    );
  if (req.signal?.aborted || (e as Error)?.name === 'AbortError')
    return new TransportError('cancelled', 'cancelled');
  return new TransportError(
    'connect',
    `the browser could not read an answer from ${url.host}: either the server cannot be reached, or it does not allow this page to read its answers (CORS: a CMP server must answer the preflight OPTIONS request and send Access-Control-Allow-Origin; most do not — send from desktop VS Code or cmp-lens send instead)`,
  );
}
