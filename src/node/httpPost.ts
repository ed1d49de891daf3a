/**
 * The Node transport for CMP over HTTP(S) (RFC 9811), shared by the extension host and the CLI.
 * TLS is verified against the system CAs plus the server's caFile; `insecureSkipTlsVerify` is per
 * server and the caller logs it. Timeouts and the response cap end the request with a TransportError.
 */
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { rootCertificates } from 'node:tls';
import {
  TransportError,
  type HttpRequest,
  type HttpResponse,
  type Post,
  type ServerConfig,
} from '../core/transport';

const tlsCodes = /CERT|SELF_SIGNED|UNABLE_TO|HOSTNAME|ERR_TLS|ERR_SSL|EPROTO/;

function describe(e: NodeJS.ErrnoException, url: URL): TransportError {
  const where = `${url.hostname}:${url.port || (url.protocol === 'https:' ? 443 : 80)}`;
  if (e.code === 'ECONNREFUSED')
    return new TransportError('connect', `connection refused by ${where}: is the server running?`);
  if (e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN')
    return new TransportError('connect', `cannot resolve ${url.hostname}`);
  if (e.code && tlsCodes.test(e.code))
    return new TransportError(
      'tls',
      `TLS with ${where} failed: ${e.message} (${e.code}); give the server's CA as caFile`,
    );
  if (e.code === 'ECONNRESET' || e.message === 'socket hang up')
    return new TransportError('closed', `${where} closed the connection before the answer was complete`);
  return new TransportError('connect', `cannot reach ${where}: ${e.message}${e.code ? ` (${e.code})` : ''}`);
}

/** A Post for this server: caFile is read once, here, not by core. */
export function nodePost(server: Pick<ServerConfig, 'caFile' | 'insecureSkipTlsVerify'> = {}): Post {
  const ca = server.caFile ? [...rootCertificates, readFileSync(server.caFile, 'utf8')] : undefined;
  return (req) => post(req, ca, server.insecureSkipTlsVerify === true);
}

function post(req: HttpRequest, ca: string[] | undefined, insecure: boolean): Promise<HttpResponse> {
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
    if (url.protocol === 'https:') Object.assign(options, { ca, rejectUnauthorized: !insecure });
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
      else reject(describe(e, url));
    });
    r.end(Buffer.from(req.body.buffer, req.body.byteOffset, req.body.byteLength));
  });
}
