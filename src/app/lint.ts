/**
 * Lint messages: findings for each, and the exchange checks for messages that share a
 * transactionID, split into nonce chains in protocol order when the nonces place every message
 * (so file names do not matter, and an RA's two legs are two exchanges), else in the order given.
 */
import { checkExchange, checkMessage, nonceChains } from '../core/checks';
import { transactionIdOf } from '../core/protection';
import type { CheckProfile, Finding } from '../shared/findings';

export interface NamedMessage {
  name: string;
  der: Uint8Array;
}

export interface LintReport {
  profile: CheckProfile;
  files: { file: string; findings: Finding[] }[];
  exchanges: { transactionID: string; files: string[]; findings: Finding[] }[];
  /** Every finding, messages then exchanges. */
  all: Finding[];
}

export async function lintMessages(
  messages: NamedMessage[],
  profile: CheckProfile = 'base',
): Promise<LintReport> {
  const files = messages.map(({ name, der }) => ({ file: name, findings: checkMessage(der, { profile }) }));
  const groups = new Map<string, NamedMessage[]>();
  for (const m of messages) {
    const tid = transactionIdOf(m.der);
    if (!tid) continue;
    const list = groups.get(tid);
    if (list) list.push(m);
    else groups.set(tid, [m]);
  }
  const exchanges: LintReport['exchanges'] = [];
  for (const [tid, given] of groups) {
    if (given.length < 2) continue;
    const chains = nonceChains(given.map((g) => g.der)) ?? [given.map((_, i) => i)];
    for (const chain of chains.filter((c) => c.length > 1)) {
      const group = chain.map((i) => given[i]);
      const findings = await checkExchange(
        group.map((g) => g.der),
        { profile },
      );
      exchanges.push({ transactionID: tid, files: group.map((g) => g.name), findings });
    }
  }
  return {
    profile,
    files,
    exchanges,
    all: [...files.flatMap((f) => f.findings), ...exchanges.flatMap((e) => e.findings)],
  };
}
