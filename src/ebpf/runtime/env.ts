/**
 * The environment a program runs in: helpers, maps, clock, RNG, CPU number, the trace sink and
 * the address space. No module-level state: two environments never share anything, and a
 * test injects a fixed clock and a seeded RNG to get byte-identical runs.
 */
import { AddressSpace } from './memory.js';
import type { BpfMap } from './maps/map.js';

/** A helper: receives the environment and r1..r5, returns r0. Faults by throwing MemoryFault/VmFault. */
export type Helper = (env: Env, r1: bigint, r2: bigint, r3: bigint, r4: bigint, r5: bigint) => bigint;
export type HelperRegistry = ReadonlyMap<number, Helper>;

export interface EnvOptions {
  readonly helpers?: HelperRegistry;
  /** Maps by fd (lddw BPF_PSEUDO_MAP_FD) and by index (BPF_PSEUDO_MAP_IDX): the same table. */
  readonly maps?: readonly BpfMap[];
  /** Nanoseconds for ktime_get_ns; default: a counter advancing 1000 ns per call (deterministic). */
  readonly clock?: () => bigint;
  /** A uniform u32 for get_prandom_u32; default: a fixed-seed xorshift32 (deterministic). */
  readonly random?: () => number;
  readonly cpu?: number;
  /** Receives each trace_printk line; default: collected in `env.traceLines`. */
  readonly trace?: (line: string) => void;
}

export class Env {
  readonly helpers: HelperRegistry;
  readonly maps: readonly BpfMap[];
  readonly clock: () => bigint;
  readonly random: () => number;
  readonly cpu: number;
  readonly trace: (line: string) => void;
  readonly traceLines: string[] = [];
  readonly memory = new AddressSpace();
  private readonly mapAddr: bigint[] = [];
  private readonly mapByRegion = new Map<number, BpfMap>();

  constructor(options: EnvOptions = {}) {
    this.helpers = options.helpers ?? new Map();
    this.maps = options.maps ?? [];
    let now = 0n;
    this.clock = options.clock ?? (() => (now += 1000n));
    let x = 0x9e3779b9;
    this.random = options.random ?? (() => { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; return x >>> 0; });
    this.cpu = options.cpu ?? 0;
    this.trace = options.trace ?? ((line) => { this.traceLines.push(line); });
    // Map handles are empty regions: the address identifies the map, any access through it faults.
    for (const map of this.maps) {
      const region = this.memory.map(new Uint8Array(0), 'map', false);
      this.mapAddr.push(region.base);
      this.mapByRegion.set(region.id, map);
    }
  }

  /** The pointer value a program holds for map number `i`, or undefined. */
  mapPointer(i: number): bigint | undefined { return this.mapAddr[i]; }

  /** The map a pointer names, or undefined when it is not a map pointer. */
  mapAt(pointer: bigint): BpfMap | undefined {
    if ((pointer & 0xffffffffn) !== 0n) return undefined;
    return this.mapByRegion.get(Number(pointer >> 32n));
  }

  /** `mapAt` for a pointer given as 32-bit halves (engines that keep registers that way). */
  mapAtHalves(hi: number, lo: number): BpfMap | undefined {
    return lo === 0 ? this.mapByRegion.get(hi) : undefined;
  }
}
