/** Results of protection and signature checks: produced by src/core/protection, shown by every UI. */

/**
 * `needs-secret` / `needs-cert`: the check needs input the user can give; `cannot-verify`: it needs
 * something nobody but the recipient has (DHBasedMac, KemBasedMac); `unsupported`: algorithm named.
 */
export type Verdict =
  'unprotected' | 'valid' | 'invalid' | 'needs-secret' | 'needs-cert' | 'unsupported' | 'cannot-verify';

export type CheckKind = 'protection' | 'certificate' | 'chain' | 'pop' | 'csr' | 'certHash';

export interface CheckResult {
  check: CheckKind;
  verdict: Verdict;
  /** The algorithm and its parameters in words: "PBM, SHA-256 × 500, HMAC-SHA1". */
  summary: string;
  /** Why, when not valid (never contains a secret). */
  reason?: string;
  /** Field path and byte offset of what was checked, so a UI can select it. */
  path?: string;
  offset?: number;
  /** Where the certificate a signature was checked with came from: "extraCerts[1]", "the given certificate". */
  signer?: string;
  /** A valid result with something the RFCs ask otherwise (the signer not first in extraCerts). */
  warnings?: string[];
  /**
   * For a signature: whether the signer's chain was checked and to what, so "valid" is never read as
   * "trusted": "not checked: no trust anchors given", "checked: chain A ← B (to a trust anchor)",
   * "checked: invalid — …", "the signer is a trust anchor".
   */
  chain?: string;
  /** The chain was not checked because no trust anchor was given (a UI offers to set some). */
  chainNotChecked?: boolean;
}
