/**
 * Check a message: its protection (MAC with a stored, given or typed secret; signature with
 * extraCerts or a chosen certificate), the protecting certificate and its chain, POPs, CSRs, a
 * certConf's certHash, and the protocol findings. The inspector and `cmp-lens verify` both call it.
 */
import { senderKidOf, type Subtle } from '../core/base';
import { checkMessage } from '../core/checks';
import { checkCertHashes, verifyMessage } from '../core/protection';
import type { CheckProfile, Finding } from '../shared/findings';
import type { CheckResult } from '../shared/protection';
import type { SecretQuery, SecretSource } from './ports';
import { settleSecret } from './secrets';

export interface CheckInput {
  der: Uint8Array;
  /** The message's name (file name, "capture.pcap #3"), for prompts. */
  name: string;
  secrets?: SecretSource;
  /** A secret just typed for this message: used instead of a stored one, remembered if the MAC matches. */
  typed?: Uint8Array;
  /** Check the signature with this certificate (DER) instead of extraCerts[0]. */
  cert?: Uint8Array;
  trustAnchors?: Uint8Array[];
  /** For a certConf: the certificates its certHash may cover (the ip/cp/kup beside it, `--issued`). */
  issued?: () => Promise<Uint8Array[]>;
  subtle?: Subtle;
}

export interface CheckOutcome {
  results: CheckResult[];
  /** The result for the message's own protection. */
  protection?: CheckResult;
  /** senderKID in hex, the name a secret for this message is stored under. */
  senderKid?: string;
  /** The typed secret proved right and was remembered. */
  remembered: boolean;
}

/** The query a message's secret is looked up (and remembered) with. */
export function secretQueryFor(der: Uint8Array, name: string): SecretQuery {
  return { senderKid: senderKidOf(der), purpose: `the MAC of ${name}` };
}

export async function checkProtection(input: CheckInput): Promise<CheckOutcome> {
  const q = secretQueryFor(input.der, input.name);
  const stored = !input.typed && input.secrets ? await input.secrets.lookup(q) : undefined;
  const results = await verifyMessage(input.der, {
    secret: input.typed ?? stored,
    cert: input.cert,
    trustAnchors: input.trustAnchors,
    crypto: input.subtle ? { subtle: input.subtle } : undefined,
  });
  if (input.issued) results.push(...(await checkCertHashes(input.der, await input.issued(), input.subtle)));
  const protection = results.find((r) => r.check === 'protection');
  const typed = input.typed ? { secret: input.typed, typed: true } : undefined;
  const remembered = input.secrets
    ? await settleSecret(input.secrets, q, typed, protection?.verdict === 'valid')
    : false;
  return { results, protection, senderKid: q.senderKid, remembered };
}

/** The protocol findings of one message (RFC 9810, and RFC 9483 with the lightweight profile). */
export function lintMessage(der: Uint8Array, profile: CheckProfile = 'base'): Finding[] {
  return checkMessage(der, { profile });
}
