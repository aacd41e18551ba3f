/**
 * A small seeded PRNG (xorshift128+ variant on 32-bit halves, here mulberry32 for brevity) so
 * that every random test is reproducible from the seed it prints.
 */
export class Prng {
  private state: number;
  constructor(readonly seed: number) { this.state = seed >>> 0; }
  /** Uniform 32-bit unsigned integer. */
  u32(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  /** Uniform integer in [0, n). */
  int(n: number): number { return Math.floor((this.u32() / 0x1_0000_0000) * n); }
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T { return items[this.int(items.length)]!; }
  bool(p = 0.5): boolean { return this.u32() / 0x1_0000_0000 < p; }
  bytes(n: number): Uint8Array { const b = new Uint8Array(n); for (let i = 0; i < n; i++) b[i] = this.u32() & 0xff; return b; }
}

/** The seed for a test run: TSBPF_SEED from the environment, else the given default. */
export function testSeed(fallback: number): number {
  const env = process.env.TSBPF_SEED;
  return env !== undefined && env !== '' ? Number(env) >>> 0 : fallback;
}
