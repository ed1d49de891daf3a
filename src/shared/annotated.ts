/**
 * The annotated tree: the view model that the CLI and the inspector share. Produced by
 * src/core/inspect, which keeps it compact (typed arrays) and reads each node through a view whose
 * fields are made when read: `children` makes a new list each time, so walks use `childCount` and
 * `child(i)`. The webview gets rows (src/shared/protocol), never the tree.
 */

export type Severity = 'error' | 'warning' | 'info';

export interface Problem {
  /** Byte offset in the input the problem is about. */
  offset: number;
  message: string;
  severity: Severity;
  /** Field path of the node it is about, when known. */
  path?: string;
}

/**
 * One node. Its field path ("header.senderNonce", "body.ir[0].certReq") is not stored: it follows
 * from the names on the way down (src/core/inspect/paths.ts), asked for one node at a time.
 */
export interface AnnotatedNode {
  /** Field name as the RFC writes it ("senderNonce", "ir", "[0]" for list items); '' when unexplained. */
  name: string;
  /** ASN.1 type: a production ("PKIHeader") or a built-in type ("OCTET STRING"). */
  type: string;
  /** The tag as encoded: "SEQUENCE", "[4]". */
  tag: string;
  /** Offset of the identifier octet. */
  offset: number;
  headerLength: number;
  /** Length of the content octets. */
  length: number;
  indefinite?: boolean;
  /** The value for people: decoded text, OID with its name, ISO time, hex. */
  value?: string;
  /** `value` is the hex of the content from this octet on, cut short in the tree; the details pane has all of it. */
  hexFrom?: number;
  /** Further lines about the value (OID in numbers, bit names, decimal of a large integer). */
  notes?: string[];
  /** Where the production is defined ("RFC 9810 §5.1.1"). */
  ref?: string;
  /** Whether a schema named this node. */
  explained: boolean;
  /** The children were decoded from inside this OCTET/BIT STRING's content. */
  encapsulates?: boolean;
  problems?: string[];
  /** All children, in a new list: for a few; a walk uses childCount and child(i). */
  readonly children: AnnotatedNode[];
  readonly childCount: number;
  child(i: number): AnnotatedNode;
}

/** What the bytes were recognised as. */
export type DocumentKind =
  | 'PKIMessage'
  | 'PKIMessages'
  | 'Certificate'
  | 'CertificationRequest'
  | 'CertificateList'
  | 'PrivateKeyInfo'
  | 'ContentInfo'
  | 'SubjectPublicKeyInfo'
  | 'CertReqMessages'
  | 'ASN.1';

export interface MessageSummary {
  bodyType: string;
  bodyDescription: string;
  pvno?: number;
  sender?: string;
  recipient?: string;
  transactionID?: string;
  senderNonce?: string;
  recipNonce?: string;
  messageTime?: string;
  senderKID?: string;
  /** senderKID as text when every byte is printable ASCII (a reference such as "user1"). */
  senderKIDText?: string;
  protectionAlg?: string;
  extraCerts: number;
  protected: boolean;
  /** PKIStatus of responses that carry one (first response, error). */
  status?: string;
  /** What the status means for the requester (RFC 9810 §5.2.3). */
  statusMeaning?: string;
  failInfo?: string[];
  /** What each failInfo bit reports, in the same order. */
  failInfoMeanings?: string[];
  /** statusString, its texts joined with " / ". */
  statusString?: string;
}

export interface AnnotatedDocument {
  kind: DocumentKind;
  /** How the input was wrapped: raw DER, PEM (with its label) or base64. */
  /** What the input was: DER, PEM, base64, hex text, a saved HTTP message, a base64 MIME part. */
  format: 'der' | 'pem' | 'base64' | 'hex' | 'http' | 'mime';
  pemLabel?: string;
  /** What was taken out of the input, when it was hex, HTTP or MIME ("the body of the HTTP response …"). */
  inputNote?: string;
  /** Size of the decoded DER. */
  size: number;
  roots: AnnotatedNode[];
  problems: Problem[];
  summary?: MessageSummary;
  stats: { nodes: number; explained: number };
}
