/** What the capture view and `cmp-lens capture` show: rows per exchange with verdicts and gaps. */
import type { CaptureRow, CaptureView } from '../../shared/capture';
import { checkExchange } from '../checks';
import { verifyMessage } from '../protection';
import { groupExchanges, type CaptureResult, type CapturedMessage } from './capture';

export interface ViewOptions {
  /** A stored secret for a senderKID (hex), to check MACs. */
  secretFor?: (senderKidHex: string | undefined) => Promise<Uint8Array | undefined>;
  senderKidOf?: (der: Uint8Array) => string | undefined;
}

async function verdict(m: CapturedMessage, o: ViewOptions): Promise<string> {
  if (m.decodeError) return 'n/a';
  const secret = o.secretFor ? await o.secretFor(o.senderKidOf?.(m.der)) : undefined;
  return (await verifyMessage(m.der, { secret })).find((c) => c.check === 'protection')?.verdict ?? '?';
}

function row(m: CapturedMessage, protection: string): CaptureRow {
  const flags = [m.wrongContentType ? `wrong content type "${m.contentType ?? 'none'}"` : '', m.decodeError ? `does not decode: ${m.decodeError}` : '', m.incomplete ?? ''].filter(Boolean);
  return {
    index: m.index, packet: m.packet, time: m.time, direction: m.direction, client: m.client, server: m.server,
    http: m.direction === 'request' ? `${m.method} ${m.path}` : `HTTP ${m.httpStatus}`, bodyType: m.bodyType, pkiStatus: m.pkiStatus,
    protection, flags, pairedWith: m.pairedWith, bytes: m.der.length,
  };
}

export async function captureView(result: CaptureResult, title: string, options: ViewOptions = {}): Promise<CaptureView> {
  const s = result.summary;
  const exchanges = groupExchanges(result.messages);
  return {
    title,
    summary: `${s.packets} packets, ${s.tcpSegments} TCP segments (${s.outOfOrder} out of order, ${s.retransmitted} retransmitted), ${s.httpMessages} HTTP messages, ${result.messages.length} CMP messages in ${exchanges.length} exchange${exchanges.length === 1 ? '' : 's'}`,
    exchanges: await Promise.all(exchanges.map(async (e) => ({
      transactionID: e.transactionID,
      rows: await Promise.all(e.messages.map(async (m) => row(m, await verdict(m, options)))),
      findings: await checkExchange(e.messages.map((m) => m.der)),
    }))),
    problems: result.problems,
  };
}
