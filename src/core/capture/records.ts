/**
 * Packet records from classic pcap (both byte orders, micro- and nanosecond) and pcapng (section
 * header, interface description, enhanced and simple packet blocks; other blocks skipped), fed in
 * chunks of any size so a file of hundreds of MB streams through in bounded memory. Written here:
 * the registry has no maintained pure-JS reader of both formats (`pcap` is native libpcap,
 * `pcap-parser` reads classic pcap only).
 */

export interface PacketRecord {
  /** 1-based, as Wireshark numbers packets. */
  number: number;
  /** Seconds since the epoch (fractional). */
  time: number;
  linkType: number;
  data: Uint8Array;
  /** Bytes captured less than on the wire (snaplen). */
  truncated: boolean;
  /** Offset of the record in the file. */
  offset: number;
}

export interface CaptureProblem {
  message: string;
  offset: number;
  packet?: number;
}

/** Limits a hostile file cannot push past. */
const maxRecord = 256 * 1024 * 1024;

export class RecordReader {
  private buf = new Uint8Array(0);
  /** File offset of buf[0]. */
  private base = 0;
  private format: 'pcap' | 'pcapng' | undefined;
  private little = true;
  private nanos = false;
  private linkType = 1;
  private interfaces: { linkType: number; tsDivisor: number }[] = [];
  private count = 0;
  private stopped = false;
  readonly problems: CaptureProblem[] = [];

  constructor(private readonly onRecord: (r: PacketRecord) => void) {}

  get packets(): number {
    return this.count;
  }

  /** Feeds the next bytes of the file. */
  push(chunk: Uint8Array): void {
    if (this.stopped) return;
    const joined = new Uint8Array(this.buf.length + chunk.length);
    joined.set(this.buf);
    joined.set(chunk, this.buf.length);
    this.buf = joined;
    let pos = 0;
    for (;;) {
      const used = this.next(pos);
      if (used <= 0) break;
      pos += used;
      if (this.stopped) break;
    }
    this.buf = this.buf.slice(pos);
    this.base += pos;
  }

  /** The end of the file: what is left over is a truncated record. */
  end(): void {
    if (!this.stopped && this.buf.length) {
      this.problems.push({
        message: `the file ends inside a record: ${this.buf.length} bytes left over after packet ${this.count}`,
        offset: this.base,
        packet: this.count + 1,
      });
    }
    if (!this.format && !this.problems.length)
      this.problems.push({ message: 'the file is empty', offset: 0 });
  }

  private fail(message: string, offset: number): number {
    this.problems.push({ message, offset, packet: this.count + 1 });
    this.stopped = true;
    return 0;
  }

  private u32(p: number, little = this.little): number {
    const b = this.buf;
    return little
      ? (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0
      : ((b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]) >>> 0;
  }

  private u16(p: number): number {
    const b = this.buf;
    return this.little ? b[p] | (b[p + 1] << 8) : (b[p] << 8) | b[p + 1];
  }

  /** Reads one header or record at `pos`; returns the bytes used, 0 when more input is needed. */
  private next(pos: number): number {
    const avail = this.buf.length - pos;
    if (!this.format) {
      if (avail < 4) return 0;
      const magicLe = this.u32(pos, true);
      if (magicLe === 0x0a0d0d0a) {
        this.format = 'pcapng';
        return this.nextBlock(pos);
      }
      if (avail < 24) return 0;
      if (magicLe === 0xa1b2c3d4 || magicLe === 0xa1b23c4d) this.little = true;
      else if (this.u32(pos, false) === 0xa1b2c3d4 || this.u32(pos, false) === 0xa1b23c4d)
        this.little = false;
      else
        return this.fail(
          `not a pcap or pcapng file: magic 0x${magicLe.toString(16).padStart(8, '0')} at offset 0x0`,
          this.base + pos,
        );
      this.nanos = this.u32(pos) === 0xa1b23c4d;
      this.linkType = this.u32(pos + 20) & 0x0fffffff;
      this.format = 'pcap';
      return 24;
    }
    return this.format === 'pcap' ? this.nextPcap(pos, avail) : this.nextBlock(pos);
  }

  private nextPcap(pos: number, avail: number): number {
    if (avail < 16) return 0;
    const incl = this.u32(pos + 8);
    const orig = this.u32(pos + 12);
    if (incl > maxRecord)
      return this.fail(
        `packet ${this.count + 1} claims ${incl} bytes at offset 0x${(this.base + pos).toString(16)}: not a plausible record`,
        this.base + pos,
      );
    if (avail < 16 + incl) return 0;
    const sec = this.u32(pos);
    const frac = this.u32(pos + 4);
    this.emit(
      sec + frac / (this.nanos ? 1e9 : 1e6),
      this.linkType,
      this.buf.subarray(pos + 16, pos + 16 + incl),
      incl < orig,
      pos,
    );
    return 16 + incl;
  }

  private nextBlock(pos: number): number {
    const avail = this.buf.length - pos;
    if (avail < 12) return 0;
    const type = this.u32(pos, true) === 0x0a0d0d0a ? 0x0a0d0d0a : this.u32(pos);
    if (type === 0x0a0d0d0a) {
      // The byte-order magic decides how this section is read, its own length included.
      const bom = this.u32(pos + 8, true);
      if (bom === 0x1a2b3c4d) this.little = true;
      else if (bom === 0x4d3c2b1a) this.little = false;
      else
        return this.fail(
          `pcapng section header at offset 0x${(this.base + pos).toString(16)} has no byte-order magic`,
          this.base + pos,
        );
      this.interfaces = [];
    }
    const len = this.u32(pos + 4);
    if (len < 12 || len % 4 !== 0 || len > maxRecord)
      return this.fail(
        `pcapng block at offset 0x${(this.base + pos).toString(16)} has length ${len}`,
        this.base + pos,
      );
    if (avail < len) return 0;
    if (this.u32(pos + len - 4) !== len)
      return this.fail(
        `pcapng block at offset 0x${(this.base + pos).toString(16)}: its trailing length does not match ${len}`,
        this.base + pos,
      );
    if (type === 1) this.interfaceBlock(pos, len);
    else if (type === 6) this.enhancedPacket(pos, len);
    else if (type === 3) this.simplePacket(pos, len);
    return len;
  }

  private interfaceBlock(pos: number, len: number): void {
    const linkType = this.u16(pos + 8);
    let tsDivisor = 1e6;
    // Options: code(2) length(2) value (padded to 4); if_tsresol (9) sets the timestamp unit.
    for (let p = pos + 16; p + 4 <= pos + len - 4;) {
      const code = this.u16(p);
      const olen = this.u16(p + 2);
      if (code === 0) break;
      if (code === 9 && olen >= 1) {
        const v = this.buf[p + 4];
        tsDivisor = v & 0x80 ? 2 ** (v & 0x7f) : 10 ** (v & 0x7f);
      }
      p += 4 + ((olen + 3) & ~3);
    }
    this.interfaces.push({ linkType, tsDivisor });
  }

  private enhancedPacket(pos: number, len: number): void {
    const iface = this.interfaces[this.u32(pos + 8)];
    if (!iface) {
      this.problems.push({
        message: `enhanced packet block at offset 0x${(this.base + pos).toString(16)} names interface ${this.u32(pos + 8)}, which was not described`,
        offset: this.base + pos,
        packet: this.count + 1,
      });
      return;
    }
    const ts = this.u32(pos + 12) * 2 ** 32 + this.u32(pos + 16);
    const cap = this.u32(pos + 20);
    const orig = this.u32(pos + 24);
    const data = this.buf.subarray(pos + 28, pos + 28 + Math.min(cap, len - 32));
    this.emit(ts / iface.tsDivisor, iface.linkType, data, cap < orig, pos);
  }

  private simplePacket(pos: number, len: number): void {
    const iface = this.interfaces[0];
    if (!iface) return;
    const orig = this.u32(pos + 8);
    const cap = Math.min(orig, len - 16);
    this.emit(0, iface.linkType, this.buf.subarray(pos + 12, pos + 12 + cap), cap < orig, pos);
  }

  /**
   * `data` is a view of the chunk being read (never written again: each push joins into a new
   * buffer), valid while the listener runs; what a listener keeps it copies (TCP's out-of-order
   * segments, HTTP's buffers).
   */
  private emit(time: number, linkType: number, data: Uint8Array, truncated: boolean, pos: number): void {
    this.count++;
    this.onRecord({ number: this.count, time, linkType, data, truncated, offset: this.base + pos });
  }
}
