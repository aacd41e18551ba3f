/**
 * Hand-assembled pcapng blocks (independent of src/capture's writer) for reader tests: every
 * block type, both byte orders, options placed by hand.
 */
export class BlockWriter {
  private parts: number[] = [];
  constructor(readonly littleEndian: boolean) {}
  private u16(v: number): number[] { return this.littleEndian ? [v & 0xff, (v >> 8) & 0xff] : [(v >> 8) & 0xff, v & 0xff]; }
  private u32(v: number): number[] { v >>>= 0; return this.littleEndian ? [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24] : [v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff]; }
  private pad(b: readonly number[]): number[] { return [...b, ...Array((4 - (b.length % 4)) % 4).fill(0)]; }
  option(code: number, value: readonly number[]): number[] { return [...this.u16(code), ...this.u16(value.length), ...this.pad(value)]; }
  endOptions(): number[] { return [0, 0, 0, 0]; }
  block(type: number, body: readonly number[]): this {
    const total = 12 + body.length;
    this.parts.push(...this.u32(type), ...this.u32(total), ...body, ...this.u32(total));
    return this;
  }
  shb(): this { return this.block(0x0a0d0d0a, [...this.u32(0x1a2b3c4d), ...this.u16(1), ...this.u16(0), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]); }
  idb(linkType: number, snaplen: number, options: number[] = []): this {
    return this.block(1, [...this.u16(linkType), 0, 0, ...this.u32(snaplen), ...options, ...(options.length ? this.endOptions() : [])]);
  }
  epb(iface: number, tsHi: number, tsLo: number, data: readonly number[], origLen = data.length): this {
    return this.block(6, [...this.u32(iface), ...this.u32(tsHi), ...this.u32(tsLo), ...this.u32(data.length), ...this.u32(origLen), ...this.pad(data)]);
  }
  spb(data: readonly number[], origLen = data.length): this { return this.block(3, [...this.u32(origLen), ...this.pad(data)]); }
  opb(iface: number, tsHi: number, tsLo: number, data: readonly number[]): this {
    return this.block(2, [...this.u16(iface), ...this.u16(0), ...this.u32(tsHi), ...this.u32(tsLo), ...this.u32(data.length), ...this.u32(data.length), ...this.pad(data)]);
  }
  nrb(): this { return this.block(4, [...this.u16(1), ...this.u16(8), 10, 0, 0, 1, ...[0x61, 0x2e, 0x62, 0], ...this.u16(0), ...this.u16(0)]); }
  isb(iface: number): this { return this.block(5, [...this.u32(iface), ...this.u32(0), ...this.u32(0)]); }
  custom(): this { return this.block(0x00000bad, [...this.u32(32473), 1, 2, 3, 4]); }
  bytes(): Uint8Array { return new Uint8Array(this.parts); }
  tsresol(v: number): number[] { return this.option(9, [v]); }
  tsoffset(sec: number): number[] { return this.option(14, this.littleEndian ? [...this.u32(sec), 0, 0, 0, 0] : [0, 0, 0, 0, ...this.u32(sec)]); }
  ifName(name: string): number[] { return this.option(2, [...new TextEncoder().encode(name)]); }
}
