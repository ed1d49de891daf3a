/**
 * The test CA over HTTP or HTTPS (RFC 9811) on loopback: POST application/pkixcmp on any path (as OpenSSL's
 * mock server does, so `/.well-known/cmp`, `/.well-known/cmp/p/<label>` and `/pkix/` all work).
 * Requests are capped in size; everything else gets a plain HTTP error.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { isPkixCmp } from '../core/transport';
import type { TestCa } from '../core/testca';

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface ServeOptions {
  port?: number;
  host?: string;
  /**
   * HTTPS instead of HTTP: the server's certificate and key (PEM); with `clientCa`, clients must show a
   * certificate issued by it (TLS client authentication, RFC 9483 §6.1).
   */
  tls?: { cert: string; key: string; clientCa?: string };
  maxRequestBytes?: number;
  log?: (line: string) => void;
}

function plain(res: http.ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' });
  res.end(`${text}\n`);
}

export function serveTestCa(ca: TestCa, o: ServeOptions = {}): Promise<RunningServer> {
  const max = o.maxRequestBytes ?? 1024 * 1024;
  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (req.method !== 'POST')
      return plain(res, 405, 'CMP Lens test CA: POST a PKIMessage with Content-Type application/pkixcmp');
    if (!isPkixCmp(req.headers['content-type']))
      return plain(res, 415, 'Content-Type must be application/pkixcmp (RFC 9811)');
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        plain(res, 413, `request larger than ${max} bytes`);
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (size > max) return;
      const der = new Uint8Array(Buffer.concat(chunks));
      ca.handle(der).then(
        (answer) => {
          o.log?.(`${req.url}: ${der.length} bytes in, ${answer.length} bytes out`);
          res.writeHead(200, {
            'Content-Type': 'application/pkixcmp',
            'Content-Length': answer.length,
            'Cache-Control': 'no-cache',
          });
          res.end(Buffer.from(answer));
        },
        (e: Error) => plain(res, 500, `test CA failure: ${e.message}`),
      );
    });
  };
  const server = o.tls
    ? https.createServer(
        {
          cert: o.tls.cert,
          key: o.tls.key,
          ...(o.tls.clientCa ? { ca: o.tls.clientCa, requestCert: true, rejectUnauthorized: true } : {}),
        },
        handler,
      )
    : http.createServer(handler);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, o.host ?? '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `${o.tls ? 'https' : 'http'}://${o.host ?? '127.0.0.1'}:${port}/.well-known/cmp`,
        port,
        close: () =>
          new Promise<void>((r) => {
            server.closeAllConnections();
            server.close(() => r());
          }),
      });
    });
  });
}
