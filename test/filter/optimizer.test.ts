/**
 * The filter optimizer on its own: the optimized program must return what the program it was
 * given returns on every packet, truncated ones included (a packet load past the end returns
 * 0). The oracle is the input program run by the interpreter. Programs are small forward-only
 * filters built from the pieces compiled filters use (absolute, X-indexed and length loads,
 * `ldxb 4*([k]&0xf)`, ALU, scratch, jumps on constants), seeded: TSBPF_SEED reproduces a run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { insn, type ClassicInsn } from '../../src/cbpf/insn.js';
import { interpret } from '../../src/cbpf/interpreter.js';
import { checkClassic } from '../../src/cbpf/checker.js';
import { optimizeProgram } from '../../src/filter/optimize/optimize.js';
import { Prng, testSeed } from '../helpers/prng.js';
import { compileFilter } from '../../src/filter/compile-filter.js';

const seed = testSeed(0x0b7_1a1e);
const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

/** Every prefix (length 0..n) of each packet. */
function truncations(packets: readonly Uint8Array[]): Uint8Array[] {
  return packets.flatMap((p) => Array.from({ length: p.length + 1 }, (_, n) => p.subarray(0, n)));
}

function sameOn(plain: readonly ClassicInsn[], packets: readonly Uint8Array[]): string | undefined {
  const opt = optimizeProgram(plain);
  for (const p of truncations(packets)) {
    const a = interpret(opt, p), b = interpret(plain, p);
    if (a !== b) return `optimized ${a}, input ${b} on ${hex(p)} (${opt.length} insns)`;
  }
  return undefined;
}

test('a dead load kept for its fault stays when the load that covered it goes too', () => {
  // ld [30] (dead); ld [0]; jeq #1 → { ld [30] (dead); ret #100 } | ret #0. Each `ld [30]` looks
  // covered by the other (one proved before, one loaded after); only one of them may go.
  const p = [insn(0x20, 0, 0, 30), insn(0x20, 0, 0, 0), insn(0x15, 0, 2, 1), insn(0x20, 0, 0, 30), insn(0x06, 0, 0, 100), insn(0x06, 0, 0, 0)];
  assert.equal(sameOn(p, [new Uint8Array([0, 0, 0, 1, ...new Array<number>(36).fill(0)])]), undefined);
});

test('`len` compared with jgt proves the packet long enough for a load within it', () => {
  // ld #len; jgt #40 → { ldh [12] (dead); ret #1 } | ret #1: the load cannot fail, so the
  // whole program is `ret #1`.
  const p = [insn(0x80, 0, 0, 0), insn(0x25, 0, 2, 40), insn(0x28, 0, 0, 12), insn(0x06, 0, 0, 1), insn(0x06, 0, 0, 1)];
  assert.deepEqual(optimizeProgram(p).map((i) => [i.code, i.k]), [[0x06, 1]]);
  assert.equal(sameOn(p, [new Uint8Array(48)]), undefined);
});

test('`len` compared with jge is a need: a dead load within it goes, one beyond it stays', () => {
  // ldxb 4*([14]&0xf); ldh [x + 16] (dead); ld #len; jge #K → ret #1 | ret #0. The indexed load
  // ends at most 60 + 18 = 78 bytes in: it goes under K = 100, stays under K = 70.
  const p = (k: number): ClassicInsn[] => [insn(0xb1, 0, 0, 14), insn(0x48, 0, 0, 16), insn(0x80, 0, 0, 0), insn(0x35, 0, 1, k), insn(0x06, 0, 0, 1), insn(0x06, 0, 0, 0)];
  assert.deepEqual(optimizeProgram(p(100)).map((i) => i.code), [0x80, 0x35, 0x06, 0x06]);
  assert.ok(optimizeProgram(p(70)).some((i) => i.code === 0x48));
  const packets = [new Uint8Array(120).fill(0x4f), new Uint8Array(120).fill(0x45)];
  assert.equal(sameOn(p(100), packets), undefined);
  assert.equal(sameOn(p(70), packets), undefined);
});

test('comparisons decided by overlapping bytes and known-zero bits: every path rejects', () => {
  // ldb [20]; jeq #0x11 → (ldh [20]; jeq #0x800 → ret #1 | ret #0) | ret #0: 0x11xx is never 0x800.
  const bytes = [insn(0x30, 0, 0, 20), insn(0x15, 0, 3, 0x11), insn(0x28, 0, 0, 20), insn(0x15, 0, 1, 0x800), insn(0x06, 0, 0, 1), insn(0x06, 0, 0, 0)];
  // ldh [20]; jset #0x1fff → ret #0 | (ldh [20]; jeq #0x800 → ret #1 | ret #0): 0x800 has a bit of 0x1fff.
  const bits = [insn(0x28, 0, 0, 20), insn(0x45, 3, 0, 0x1fff), insn(0x28, 0, 0, 20), insn(0x15, 0, 1, 0x800), insn(0x06, 0, 0, 1), insn(0x06, 0, 0, 0)];
  for (const p of [bytes, bits]) {
    assert.deepEqual(optimizeProgram(p).map((i) => [i.code, i.k]), [[0x06, 0]]);
    const q = new Uint8Array(40); q[20] = 0x08; q[21] = 0x00;
    assert.equal(sameOn(p, [q, new Uint8Array(40).fill(0x11)]), undefined);
  }
});

/** A random filter-like program: a chain of blocks, each loads, maybe computes, then tests. */
function randomProgram(r: Prng): ClassicInsn[] {
  type Slot = { code: number; k: number; jt?: number; jf?: number };
  const blocks: Slot[][] = [];
  const n = 2 + r.int(7);
  let xSet = false;
  for (let b = 0; b < n; b++) {
    const stmts: Slot[] = [];
    for (let s = 0, m = 1 + r.int(3); s < m; s++) {
      switch (r.int(9)) {
        case 0: case 1: case 2: stmts.push({ code: r.pick([0x20, 0x28, 0x30]), k: r.int(36) }); break; // ld [k]
        case 3: stmts.push({ code: 0xb1, k: r.int(16) }); xSet = true; break; // ldxb 4*([k]&0xf)
        case 4: if (xSet) stmts.push({ code: r.pick([0x40, 0x48, 0x50]), k: r.int(12) }); break; // ld [x + k]
        case 5: stmts.push({ code: 0x80, k: 0 }); break; // ld #len
        case 6: stmts.push({ code: r.pick([0x54, 0x04, 0x14]), k: r.pick([0, 1, 0xf, 0xff, 0x20]) }); break; // and/add/sub #k
        case 7: stmts.push({ code: 0x00, k: r.pick([0, 1, 6, 17]) }); break; // ld #k
        default: stmts.push({ code: 0x02, k: 0 }, { code: 0x60, k: 0 }); // st M[0]; ld M[0]
      }
    }
    blocks.push(stmts);
  }
  // Offsets of block starts, then the jumps (to a later block or one of two returns).
  const out: Slot[] = [];
  const starts: number[] = [];
  let at = 0;
  for (const st of blocks) { starts.push(at); at += st.length + 1; }
  const retAccept = at, retReject = at + 1;
  blocks.forEach((st, b) => {
    out.push(...st);
    const here = out.length;
    const target = (): number => {
      const c = r.int(4);
      if (c === 0 || b + 1 >= n) return r.bool() ? retAccept : retReject;
      return starts[b + 1 + r.int(Math.min(3, n - b - 1))]!;
    };
    const jt = target(), jf = target();
    out.push({ code: r.pick([0x15, 0x15, 0x25, 0x35, 0x45]), k: r.pick([0, 1, 6, 17, 20, 0x800, 0xff, 40]), jt: jt - here - 1, jf: jf - here - 1 });
  });
  out.push({ code: 0x06, k: r.pick([1, 0xffff, 262144]) }, { code: 0x06, k: 0 });
  return out.map((s) => insn(s.code, s.jt ?? 0, s.jf ?? 0, s.k));
}

test('random filter-like programs: optimized ≡ input on every truncation', () => {
  const r = new Prng(seed);
  const failures: string[] = [];
  let runs = 0;
  for (let i = 0; i < 3000 && failures.length < 5; i++) {
    const p = randomProgram(r);
    if (!checkClassic(p).ok) continue;
    // Packets: zeros, random, and random with the bytes the jumps compare planted at 12/23/30.
    const packets = [new Uint8Array(48), r.bytes(48), r.bytes(48), r.bytes(48)];
    for (const q of packets.slice(2)) { q[9] = 6; q[12] = 8; q[13] = 0; q[14] = 0x45; q[23] = r.pick([6, 17]); }
    runs++;
    const bad = sameOn(p, packets);
    if (bad) failures.push(`${p.map((x) => `${x.code},${x.jt},${x.jf},${x.k}`).join(' ')}: ${bad}`);
  }
  assert.ok(runs > 2000, `only ${runs} valid programs`);
  assert.deepEqual(failures, [], `seed ${seed}`);
});

test('an ancillary load (ifindex) proves nothing about the packet length', () => {
  // Found by the random-expressions test (IPV6, TSBPF_SEED=29): `ld [SKF_AD_OFF + 8]` ends near
  // 2^32, so it was taken as proof that every packet load fits and the ip6 dst load was dropped:
  // the optimized program accepted this 28-byte packet, which libpcap's and our unoptimized
  // programs reject (the load of the destination address runs past its end).
  const packet = Uint8Array.from([0x45, 0, 0, 0x24, 0x12, 0x34, 0, 0, 0x40, 0x01, 0x60, 0x9a, 1, 2, 3, 4, 1, 2, 3, 4, 8, 0, 0x88, 0x3d, 0xfe, 0x80, 0, 0]);
  const plain = compileFilter('ifindex 2 and ip6 dst net fe80::/10', { linkType: 'IPV6', optimize: false }).instructions;
  const opt = compileFilter('ifindex 2 and ip6 dst net fe80::/10', { linkType: 'IPV6' }).instructions;
  for (const p of truncations([packet])) assert.equal(interpret(opt, p, { ifindex: 2 }), interpret(plain, p, { ifindex: 2 }), hex(p));
  assert.equal(interpret(plain, packet, { ifindex: 2 }), 0);
});
