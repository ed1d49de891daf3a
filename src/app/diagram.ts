/**
 * The sequence picture's model (src/shared/diagram.ts) of an exchange, from what each front end has:
 * a send's TransactionResult, a capture view's exchange, or saved message files (decoded and checked
 * here). Arrows point from the side that sent: requests from the client, answers from the server.
 */
import { firstBodies, peekMessage } from '../core/base';
import { checkTransaction } from '../core/checks';
import type { TransactionResult } from '../core/transport';
import type { CaptureView } from '../shared/capture';
import type { DiagramArrow, DiagramModel } from '../shared/diagram';
import type { Finding } from '../shared/findings';
import { checkProtection } from './check';
import type { SecretSource } from './ports';

/** Bodies a client sends (the rest come from the server): requests, certConf, pollReq, and error either way. */
const clientBodies = new Set([...firstBodies, 'certConf', 'pollReq', 'p10cr']);
const announcements = new Set(['ckuann', 'cann', 'rann', 'crlann']);

function findingsAt(findings: Finding[], i: number): DiagramArrow['findings'] {
  return findings
    .filter((f) => (f.messageIndex ?? 0) === i)
    .map((f) => ({ severity: f.severity, message: f.message }));
}

/** "accepted" from "accepted: …" or "rejection (2)": the PKIStatus word only, for the arrow's label. */
function statusWord(status: string | undefined): string | undefined {
  return status ? /^[A-Za-z]+/.exec(status)?.[0] : undefined;
}

/** A send's exchange: the transaction as it happened, with its findings. */
export function diagramOfTransaction(
  result: TransactionResult,
  findings: Finding[],
  title: string,
  server: string,
): DiagramModel {
  return {
    title,
    client: 'CMP Lens (client)',
    server,
    arrows: result.messages.map((m, i) => ({
      index: i,
      from: m.direction === 'sent' ? 'client' : 'server',
      body: m.body,
      status: statusWord(m.status),
      verdict: m.protection?.verdict,
      time: `+${m.at} ms`,
      atMs: m.at,
      findings: findingsAt(findings, i),
    })),
  };
}

/** One exchange of a capture view (its rows and findings), between the endpoints the capture saw. */
export function diagramOfCapture(exchange: CaptureView['exchanges'][number], title: string): DiagramModel {
  const first = exchange.rows[0];
  const t0 = first?.time ?? 0;
  return {
    title,
    client: first?.client ?? 'client',
    server: first?.server ?? 'server',
    arrows: exchange.rows.map((r, i) => ({
      index: i,
      from: r.direction === 'request' ? 'client' : 'server',
      body: r.bodyType,
      status: statusWord(r.pkiStatus),
      verdict: r.protection,
      time: r.time ? new Date(r.time * 1000).toISOString().slice(11, 23) : undefined,
      atMs: r.time ? Math.round((r.time - t0) * 1000) : undefined,
      findings: findingsAt(exchange.findings, i),
    })),
  };
}

/**
 * Saved messages in their order (`01-ir.pkimsg`, `02-ip.pkimsg`, …): each decoded, its protection
 * checked with the secrets known (never asked for), the exchange checked as a whole.
 */
export async function diagramOfMessages(
  messages: { name: string; der: Uint8Array }[],
  title: string,
  secrets?: SecretSource,
): Promise<DiagramModel> {
  const findings = await checkTransaction(messages.map((m) => m.der));
  const arrows: DiagramArrow[] = [];
  for (const [i, m] of messages.entries()) {
    const outline = peekMessage(m.der);
    const body = outline?.bodyName ?? '?';
    const verdict = outline
      ? (await checkProtection({ der: m.der, name: m.name, secrets })).protection?.verdict
      : undefined;
    arrows.push({
      index: i,
      from: clientBodies.has(body) && !announcements.has(body) ? 'client' : 'server',
      body,
      status: statusWord(outline?.status),
      verdict,
      time: m.name,
      findings: findingsAt(findings, i),
    });
  }
  return { title, client: 'client', server: 'server', arrows };
}
