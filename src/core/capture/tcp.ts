/**
 * One direction of a TCP connection, delivering its bytes in sequence order: out-of-order segments
 * wait for the gap to fill, retransmitted bytes are dropped, overlaps trimmed (32-bit sequence
 * arithmetic, so wrap-around works). Held-back bytes are capped; a gap that never fills is reported.
 */
import type { TcpSegment } from './packet';

/** Out-of-order bytes one direction may hold back waiting for a gap. */
export const maxPendingBytes = 32 * 1024 * 1024;

export class TcpDirection {
  private next: number | undefined;
  private readonly pending = new Map<number, Uint8Array>();
  private pendingBytes = 0;
  retransmitted = 0;
  outOfOrder = 0;
  overflow = false;

  constructor(private readonly deliver: (bytes: Uint8Array, packet: number) => void) {}

  add(s: TcpSegment, packet: number): void {
    if (s.syn) this.next = (s.seq + 1) >>> 0;
    else if (this.next === undefined) this.next = s.seq; // the capture started mid-connection
    if (!s.payload.length) return;
    const seq = s.syn ? (s.seq + 1) >>> 0 : s.seq;
    const d = (seq - this.next!) | 0;
    if (d + s.payload.length <= 0) {
      this.retransmitted++;
      return;
    }
    if (d > 0) {
      this.outOfOrder++;
      const old = this.pending.get(seq);
      if (!old || old.length < s.payload.length) {
        if (this.pendingBytes + s.payload.length > maxPendingBytes) {
          this.overflow = true;
          return;
        }
        this.pendingBytes += s.payload.length - (old?.length ?? 0);
        this.pending.set(seq, s.payload.slice());
      }
      return;
    }
    this.emit(s.payload.subarray(-d), packet);
    this.drain(packet);
  }

  private emit(bytes: Uint8Array, packet: number): void {
    this.next = (this.next! + bytes.length) >>> 0;
    this.deliver(bytes, packet);
  }

  private drain(packet: number): void {
    for (let progressed = true; progressed && this.pending.size;) {
      progressed = false;
      for (const [seq, bytes] of this.pending) {
        const d = (seq - this.next!) | 0;
        if (d > 0) continue;
        this.pending.delete(seq);
        this.pendingBytes -= bytes.length;
        if (d + bytes.length > 0) this.emit(bytes.subarray(-d), packet);
        else this.retransmitted++;
        progressed = true;
      }
    }
  }

  /** Bytes still waiting for a segment that never came. */
  get missing(): number {
    return this.pendingBytes;
  }
}
