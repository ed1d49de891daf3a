/** Protocol-check findings (src/core/checks), shown by the inspector, the Problems panel and the CLI. */

/** "base": RFC 9810 itself; "lightweight": the RFC 9483 Lightweight CMP Profile on top of it. */
export type CheckProfile = 'base' | 'lightweight';

export interface Finding {
  /** Stable id, e.g. "header.transactionID.length". */
  id: string;
  severity: 'error' | 'warning' | 'info';
  /** One line: what is wrong, with the values. */
  message: string;
  /** Where the rule comes from, e.g. "RFC 9483 §3.1". */
  ref: string;
  /** The rule set the finding comes from. */
  profile: CheckProfile;
  /** Start of the node it is about (the inspector selects it), and its field path. */
  offset: number;
  path: string;
  /** Exchange checks: the index of the message in the exchange. */
  messageIndex?: number;
}
