/**
 * The Node transport for CMP over HTTP(S) (RFC 9811), shared by the extension host and the CLI.
 * Trust: without a caFile nothing is passed, so the runtime's own store applies (the CLI: Node's
 * bundled roots plus NODE_EXTRA_CA_CERTS; the extension host: what VS Code adds, the OS store with
 * `http.systemCertificates`); a caFile is added to that store, never instead of it. `insecureSkipTlsVerify`
 * is per server and the caller logs it. A TLS client certificate (`tlsClientCert`/`tlsClientKey`) is
 * offered when the server asks. Proxies: the CLI honours HTTPS_PROXY/HTTP_PROXY/NO_PROXY (`proxyFromEnv`:
 * proxy-from-env, and TooTallNate's https-proxy-agent/http-proxy-agent for CONNECT and plain HTTP);
 * the extension passes no agent, so VS Code's own proxy support (`http.proxy`, `http.noProxy`,
 * `http.proxyStrictSSL`) handles the request as it does for every extension. Redirects are returned
 * to the caller (which reports them), never followed. Timeouts and the response cap end the request
 * with a TransportError.
 */
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as tls from 'node:tls';
import { getProxyForUrl } from 'proxy-from-env';
import { HttpProxyAgent } from 'http-proxy-agent';
import { HttpsProxyAgent } from 'https-proxy-agent';
import {
  TransportError,
  type HttpRequest,
  type HttpResponse,
  type Post,
  type ServerConfig,
} from '../core/transport';

/** Where the proxy for a URL is, if any. */
export type ProxyFor = (url: string) => string | undefined;

/** The environment's proxy for `url` (HTTPS_PROXY, HTTP_PROXY, ALL_PROXY; NO_PROXY exempts), as curl reads them. */
export const proxyFromEnv: ProxyFor = (url) => getProxyForUrl(url) || undefined;

export interface PostOptions {
  /** Absent: no proxy of ours (in the extension host, VS Code's applies). */
  proxyFor?: ProxyFor;
  /** The passphrase of an encrypted tlsClientKey. */
  tlsKeyPassphrase?: string;
}

/** The proxy URL as it may be shown: without user:password. */
function safeProxy(proxy: string): string {
  try {
    const u = new URL(proxy);
    u.username = '';
    u.password = '';
    return u.origin;
  } catch {
    return '(a proxy that is not a URL)';
  }
}

/** The store HTTPS trusts without a caFile, to add a caFile to: the runtime's defaults (and the OS's where Node reads it). */
function defaultCas(): string[] {
  const get = (tls as { getCACertificates?: (kind: string) => string[] }).getCACertificates;
  if (!get) return [...tls.rootCertificates];
  const all = [...get('default')];
  try {
    all.push(...get('system'));
  } catch {
    // this Node cannot read the OS store: its defaults stand
  }
  return all;
}

const tlsCodes = /CERT|SELF_SIGNED|UNABLE_TO|HOSTNAME|ERR_TLS|ERR_SSL|EPROTO/;

function describe(e: NodeJS.ErrnoException, url: URL, proxy?: string, clientCert = false): TransportError {
  const where = `${url.hostname}:${url.port || (url.protocol === 'https:' ? 443 : 80)}`;
  if (proxy) {
    const p = safeProxy(proxy);
    if (e.code === 'ECONNREFUSED')
      return new TransportError('proxy', `connection refused by the proxy ${p}: is it running?`);
    // https-proxy-agent: the proxy answered CONNECT with something else than 200.
    if (/^Bad response: (\d+)/.test(e.message))
      return new TransportError(
        'proxy',
        `the proxy ${p} refused to connect to ${where} (HTTP ${/^Bad response: (\d+)/.exec(e.message)![1]})`,
      );
  }
  if (
    e.code === 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED' ||
    /alert certificate required|alert handshake failure|alert bad certificate/i.test(e.message)
  )
    return new TransportError(
      'tls',
      `TLS with ${where} failed: the server asks for a client certificate and got ${
        /bad certificate/i.test(e.message) ? 'one it does not accept' : 'none it accepts'
      } (tlsClientCert/tlsClientKey, --tls-cert/--tls-key)`,
    );
  if (e.code === 'ECONNREFUSED')
    return new TransportError('connect', `connection refused by ${where}: is the server running?`);
  if (e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN')
    return new TransportError('connect', `cannot resolve ${url.hostname}`);
  if (e.code && tlsCodes.test(e.code))
    return new TransportError(
      'tls',
      `TLS with ${where} failed: ${e.message} (${e.code}); give the server's CA as caFile`,
    );
  if (e.code === 'ECONNRESET' || e.message === 'socket hang up') {
    // TLS 1.3: a server that refuses the client's certificate says so only by closing the connection.
    if (clientCert && url.protocol === 'https:')
      return new TransportError(
        'tls',
        `TLS with ${where} failed: the server closed the connection before answering, as a server does that does not accept the client certificate given (tlsClientCert/--tls-cert)`,
      );
    return new TransportError('closed', `${where} closed the connection before the answer was complete`);
  }
  return new TransportError('connect', `cannot reach ${where}: ${e.message}${e.code ? ` (${e.code})` : ''}`);
}

interface Tls {
  ca?: string[];
  cert?: string;
  key?: string;
  passphrase?: string;
  insecure: boolean;
}

/** A Post for this server: caFile and the client certificate are read once, here, not by core. */
export function nodePost(
  server: Pick<ServerConfig, 'caFile' | 'insecureSkipTlsVerify' | 'tlsClientCert' | 'tlsClientKey'> = {},
  o: PostOptions = {},
): Post {
  const read = (file: string, what: string) => {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      throw new TransportError('tls', `cannot read ${what} ${file}`);
    }
  };
  const t: Tls = {
    ca: server.caFile ? [...defaultCas(), read(server.caFile, 'the caFile')] : undefined,
    cert: server.tlsClientCert ? read(server.tlsClientCert, 'the TLS client certificate') : undefined,
    key: server.tlsClientKey ? read(server.tlsClientKey, 'the TLS client key') : undefined,
    passphrase: o.tlsKeyPassphrase,
    insecure: server.insecureSkipTlsVerify === true,
  };
  if (!!t.cert !== !!t.key)
    throw new TransportError('tls', 'a TLS client certificate needs both its certificate and its key');
  // One agent per proxy for this server's requests (a new one per request would leave a proxy
  // connection open for each).
  const agents = new Map<string, http.Agent>();
  const agentFor = (proxy: string, https_: boolean): http.Agent => {
    const key = `${https_ ? 's' : ''}${proxy}`;
    let a = agents.get(key);
    if (!a) {
      a = https_
        ? new HttpsProxyAgent(proxy, { ca: t.ca, rejectUnauthorized: !t.insecure })
        : new HttpProxyAgent(proxy);
      agents.set(key, a);
    }
    return a;
  };
  return (req) => post(req, t, o.proxyFor, agentFor);
}

function post(
  req: HttpRequest,
  t: Tls,
  proxyFor: ProxyFor | undefined,
  agentFor: (proxy: string, https: boolean) => http.Agent,
): Promise<HttpResponse> {
  return new Promise((resolveOuter, rejectOuter) => {
    // Every way out clears the timer, so no request keeps the process alive after it ended.
    const timer: { t?: NodeJS.Timeout } = {};
    const resolve = (v: HttpResponse) => {
      clearTimeout(timer.t);
      resolveOuter(v);
    };
    const reject = (e: Error) => {
      clearTimeout(timer.t);
      rejectOuter(e);
    };
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      reject(new TransportError('connect', `"${req.url}" is not a URL`));
      return;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      reject(new TransportError('connect', `${url.protocol} is not HTTP or HTTPS`));
      return;
    }
    const options: https.RequestOptions = {
      method: 'POST',
      headers: {
        ...req.headers,
        'Content-Type': 'application/pkixcmp',
        'Content-Length': req.body.length,
        Accept: 'application/pkixcmp',
      },
      signal: req.signal,
    };
    if (url.protocol === 'https:')
      Object.assign(options, {
        ca: t.ca,
        rejectUnauthorized: !t.insecure,
        ...(t.cert ? { cert: t.cert, key: t.key, passphrase: t.passphrase } : {}),
      });
    const proxy = proxyFor?.(url.href);
    if (proxy) {
      try {
        options.agent = agentFor(proxy, url.protocol === 'https:');
      } catch {
        reject(new TransportError('proxy', `the proxy "${proxy.slice(0, 200)}" is not a URL`));
        return;
      }
    }
    const r = (url.protocol === 'https:' ? https : http).request(url, options, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > req.maxResponseBytes) {
          r.destroy();
          reject(
            new TransportError(
              'too-large',
              `the answer is larger than the limit of ${req.maxResponseBytes} bytes (maxResponseBytes)`,
            ),
          );
          return;
        }
        chunks.push(c);
      });
      res.on('end', () => {
        if (!res.complete)
          reject(
            new TransportError('closed', 'the server closed the connection before the answer was complete'),
          );
        else
          resolve({
            status: res.statusCode ?? 0,
            contentType: res.headers['content-type'],
            location: res.headers.location,
            body: new Uint8Array(Buffer.concat(chunks)),
          });
      });
      res.on('error', (e) => reject(describe(e as NodeJS.ErrnoException, url)));
      res.on('aborted', () =>
        reject(
          new TransportError('closed', 'the server closed the connection before the answer was complete'),
        ),
      );
    });
    timer.t = setTimeout(() => {
      r.destroy();
      reject(
        new TransportError(
          'timeout',
          `no complete answer from ${url.host} within ${req.timeoutMs} ms (timeoutMs)`,
        ),
      );
    }, req.timeoutMs);
    r.on('error', (e: NodeJS.ErrnoException) => {
      if (e.name === 'AbortError') reject(new TransportError('cancelled', 'cancelled'));
      else reject(describe(e, url, proxy, !!t.cert));
    });
    r.end(Buffer.from(req.body.buffer, req.body.byteOffset, req.body.byteLength));
  });
}
