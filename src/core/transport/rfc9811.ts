/**
 * The HTTP side of CMP (RFC 9811): what a transport must do and the errors it reports. The
 * transport itself (node:http, fetch) is passed in; this layer only states the contract.
 */

/** Where a send failed: each has its own sentence for the user. */
export type TransportStep =
  | 'connect'
  | 'tls'
  | 'proxy'
  | 'timeout'
  | 'closed'
  | 'too-large'
  | 'http'
  | 'redirect'
  | 'content-type'
  | 'cancelled';

export class TransportError extends Error {
  constructor(
    readonly step: TransportStep,
    message: string,
  ) {
    super(message);
  }
}

export interface HttpRequest {
  url: string;
  body: Uint8Array;
  headers?: Record<string, string>;
  timeoutMs: number;
  maxResponseBytes: number;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  contentType?: string;
  /** The Location header of a 3xx answer: reported, never followed. */
  location?: string;
  body: Uint8Array;
}

/** Posts bytes and returns the answer; throws TransportError for what HTTP itself could not do. */
export type Post = (request: HttpRequest) => Promise<HttpResponse>;

/** A CMP server as configured (cmpLens.servers, `--server`). */
export interface ServerConfig {
  name: string;
  url: string;
  /** PEM file(s) of CAs trusted for this server's TLS, on top of the system's. */
  caFile?: string;
  /** Only ever per server and logged as a warning. */
  insecureSkipTlsVerify?: boolean;
  /** TLS client authentication (RFC 9483 §6.1 allows it): the certificate (PEM, chain after it) … */
  tlsClientCert?: string;
  /** … and its private key (PEM; an encrypted one's passphrase comes from SecretStorage or the environment). */
  tlsClientKey?: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
  maxResponseBytes?: number;
  /** Ask for implicit confirmation in requests sent to this server. */
  implicitConfirm?: boolean;
  /** Name of the SecretStorage entry holding this server's shared secret. */
  secretRef?: string;
}

export const transportDefaults = { timeoutMs: 30_000, maxResponseBytes: 4 * 1024 * 1024 } as const;

/** RFC 9811 §3.4: the CMP media type, parameters allowed. */
export function isPkixCmp(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';')[0].trim().toLowerCase() === 'application/pkixcmp';
}

/** Checks the HTTP envelope of an answer before its body is looked at. */
export function checkHttpAnswer(r: HttpResponse): void {
  // A redirect could take the request (and what it protects) to another origin: said, never followed.
  if (r.status >= 300 && r.status < 400)
    throw new TransportError(
      'redirect',
      `the server redirects to ${r.location ? r.location.slice(0, 300) : '(no Location header)'} (HTTP ${r.status}); update the server's url`,
    );
  if (r.status !== 200) {
    const text = new TextDecoder()
      .decode(r.body.subarray(0, 200))
      .replace(/<[^>]*>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    throw new TransportError(
      'http',
      `the server answered HTTP ${r.status}${text ? ` (${text.slice(0, 120)})` : ''}, not 200 with a PKIMessage`,
    );
  }
  if (!isPkixCmp(r.contentType)) {
    throw new TransportError(
      'content-type',
      `the server answered with Content-Type "${r.contentType ?? '(none)'}", not application/pkixcmp (RFC 9811 §3.4)`,
    );
  }
}
