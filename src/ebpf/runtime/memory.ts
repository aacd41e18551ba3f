/**
 * The memory model shared by the interpreter, the Wasm JIT and the helpers.
 *
 * Addresses are unsigned 64-bit values laid out as `regionId << 32 | offset`: the upper half
 * names a region (a Uint8Array with a kind and a write permission), the lower half is the byte
 * offset in it. Why this layout: finding the region of an address is one shift and an array
 * index (no search), pointer arithmetic in a program is plain 64-bit arithmetic that stays
 * inside the region's 4 GiB window, region 0 is never mapped so NULL and small integers always
 * fault, and an engine can split the same address into two 32-bit halves without a table walk:
 * the interpreter core keeps registers as uint32 halves (the high half of a pointer is its
 * region id), the Wasm JIT as i64. The API (helpers, results) speaks bigints.
 *
 * Every access is checked (region exists, offset + size within it, permission) before any
 * byte is touched, so a bad access changes nothing and becomes a VmFault.
 */
import { BpfError } from '../../core/errors.js';

export type RegionKind = 'stack' | 'ctx' | 'packet' | 'map-value' | 'rodata' | 'map' | 'other';

export interface Region {
  readonly id: number;
  readonly kind: RegionKind;
  readonly bytes: Uint8Array;
  readonly view: DataView;
  readonly writable: boolean;
  /** The address of bytes[0]. */
  readonly base: bigint;
}

/** A run-time fault: bad memory access, budget exceeded, bad jump, unknown helper, ... */
export class VmFault extends BpfError {
  /** Slot index (8-byte units) of the faulting instruction, -1 when outside any instruction. */
  readonly pc: number;
  /** Position of the faulting instruction in the instruction array, -1 when unknown. */
  readonly index: number;
  readonly address: bigint | undefined;
  readonly size: number | undefined;
  constructor(message: string, where: { pc?: number; index?: number; address?: bigint; size?: number } = {}) {
    super('VM_FAULT', message);
    this.pc = where.pc ?? -1;
    this.index = where.index ?? -1;
    this.address = where.address;
    this.size = where.size;
  }
}

/** Thrown by memory accessors; the interpreter adds the instruction location. */
export class MemoryFault extends Error {
  constructor(message: string, readonly address: bigint, readonly size: number) { super(message); }
}

export const REGION_SHIFT = 32n;
const OFFSET_MASK = 0xffffffffn;
export const hexAddr = (a: bigint): string => `0x${a.toString(16)}`;

/**
 * An address space: a table of regions. One per environment, so map values keep their
 * addresses across runs; the per-run regions (stack, ctx, packet) are remapped on each run.
 */
export class AddressSpace {
  private readonly regions: (Region | undefined)[] = [undefined];
  private readonly byBuffer = new WeakMap<Uint8Array, Region>();

  /** Maps `bytes` as a new region and returns it. */
  map(bytes: Uint8Array, kind: RegionKind, writable = true): Region {
    const id = this.regions.length;
    if (id > 0x7fffffff) throw new BpfError('UNSUPPORTED', 'address space exhausted');
    const region: Region = Object.freeze({
      id, kind, bytes, writable, base: BigInt(id) << REGION_SHIFT,
      view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    });
    this.regions.push(region);
    this.byBuffer.set(bytes, region);
    return region;
  }

  /**
   * Replaces the contents of an existing region slot (per-run regions reuse their id). Not
   * registered for `regionOf`: per-run buffers are never handed out by helpers as map values.
   */
  remap(id: number, bytes: Uint8Array, kind: RegionKind, writable = true): Region {
    const region: Region = {
      id, kind, bytes, writable, base: BigInt(id) << REGION_SHIFT,
      view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    };
    this.regions[id] = region;
    return region;
  }

  /**
   * The region that maps `old` now maps `bytes` (same id, kind and permission): a map arena
   * moved, e.g. into a JIT program's linear memory, and pointers to its values stay valid.
   * Nothing happens when `old` was never mapped here.
   */
  rebind(old: Uint8Array, bytes: Uint8Array): void {
    const region = this.byBuffer.get(old);
    if (region === undefined || old === bytes) return;
    this.remap(region.id, bytes, region.kind, region.writable);
    this.byBuffer.set(bytes, this.regions[region.id]!);
    this.byBuffer.delete(old);
  }

  /** Unmaps a region: later accesses through old pointers fault. */
  unmap(id: number): void { this.regions[id] = undefined; }

  /** The region of a buffer, mapping it on first use (used for map values). */
  regionOf(bytes: Uint8Array, kind: RegionKind, writable = true): Region {
    return this.byBuffer.get(bytes) ?? this.map(bytes, kind, writable);
  }

  /** Address of `bytes[offset]`, mapping the buffer on first use. */
  addressOf(bytes: Uint8Array, offset = 0, kind: RegionKind = 'map-value'): bigint {
    return this.regionOf(bytes, kind).base + BigInt(offset);
  }

  region(id: number): Region | undefined { return this.regions[id]; }

  /** The live region table (index = region id), for engines that resolve addresses themselves. */
  get table(): readonly (Region | undefined)[] { return this.regions; }

  /** Resolves [address, address+size) to a region and offset, or throws MemoryFault. */
  resolve(address: bigint, size: number, write: boolean): { region: Region; offset: number } {
    const region = this.regions[Number(address >> REGION_SHIFT)];
    const offset = Number(address & OFFSET_MASK);
    if (region === undefined) throw new MemoryFault(`invalid memory access at ${hexAddr(address)} (size ${size}): no region`, address, size);
    if (offset + size > region.bytes.length) {
      throw new MemoryFault(`invalid memory access at ${hexAddr(address)} (size ${size}): outside ${region.kind} region of ${region.bytes.length} bytes`, address, size);
    }
    if (write && !region.writable) throw new MemoryFault(`write to read-only ${region.kind} region at ${hexAddr(address)}`, address, size);
    return { region, offset };
  }

  load(address: bigint, size: number): bigint {
    const region = this.regions[Number(address >> REGION_SHIFT)];
    const offset = Number(address & OFFSET_MASK);
    if (region === undefined || offset + size > region.bytes.length) this.resolve(address, size, false);
    const v = region!.view;
    switch (size) {
      case 1: return BigInt(v.getUint8(offset));
      case 2: return BigInt(v.getUint16(offset, true));
      case 4: return BigInt(v.getUint32(offset, true));
      default: return v.getBigUint64(offset, true);
    }
  }

  store(address: bigint, size: number, value: bigint): void {
    const region = this.regions[Number(address >> REGION_SHIFT)];
    const offset = Number(address & OFFSET_MASK);
    if (region === undefined || offset + size > region.bytes.length || !region.writable) this.resolve(address, size, true);
    const v = region!.view;
    switch (size) {
      case 1: v.setUint8(offset, Number(value & 0xffn)); break;
      case 2: v.setUint16(offset, Number(value & 0xffffn), true); break;
      case 4: v.setUint32(offset, Number(value & 0xffffffffn), true); break;
      default: v.setBigUint64(offset, BigInt.asUintN(64, value), true);
    }
  }

  /** A view of [address, address+length) for helpers (copy it before keeping it). */
  bytes(address: bigint, length: number, write = false): Uint8Array {
    const { region, offset } = this.resolve(address, length, write);
    return region.bytes.subarray(offset, offset + length);
  }

  /** A NUL-terminated string of at most `max` bytes (for trace_printk %s). */
  cString(address: bigint, max = 256): string {
    const { region, offset } = this.resolve(address, 1, false);
    let end = offset;
    while (end < region.bytes.length && end - offset < max && region.bytes[end] !== 0) end++;
    let s = '';
    for (let i = offset; i < end; i++) s += String.fromCharCode(region.bytes[i]!);
    return s;
  }
}
