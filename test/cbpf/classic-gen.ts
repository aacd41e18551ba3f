/**
 * Seeded random classic programs and packets for the checker, interpreter and JIT tests.
 * Programs are biased toward near-valid ones (jumps in range, scratch cells written before
 * they are read, packet offsets near the packet end) so that most of them exercise real
 * semantics, plus targeted mutations that break exactly one kernel rule.
 */
import { insn, type ClassicInsn } from '../../src/cbpf/insn.js';
import { checkClassic } from '../../src/cbpf/checker.js';
import type { PacketMeta } from '../../src/cbpf/metadata.js';
import { Prng } from '../helpers/prng.js';

export interface GenOptions {
  /** Linux ancillary loads (SKF_AD_OFF + n); libpcap does not implement them. */
  readonly ancillary: boolean;
  /** SKF_LL_OFF / SKF_NET_OFF absolute loads; libpcap treats them as out of bounds. */
  readonly negativeOffsets: boolean;
  /** Shifts by X >= 32 (the kernel masks the count to 5 bits, libpcap gives 0). */
  readonly wideShiftX: boolean;
  readonly maxLength?: number;
  /** Which ancillary fields (n in SKF_AD_OFF + n) to draw from; default all of them. */
  readonly ancillaryFields?: readonly number[];
}

const ALU_OPS = [0x00, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0x90, 0xa0];
const JMP_OPS = [0x10, 0x20, 0x30, 0x40];
const ANC = [0, 4, 8, 12, 16, 20, 24, 28, 32, 36, 40, 44, 48, 52, 56, 60];

function constant(rng: Prng): number {
  switch (rng.int(6)) {
    case 0: return rng.int(8);
    case 1: return rng.int(256);
    case 2: return rng.pick([0x800, 0x86dd, 0x806, 6, 17, 80, 443, 22, 0xffff, 0x1fff, 0x0a000000, 0xff000000]);
    case 3: return rng.pick([0, 1, 31, 32, 33, 0x7fffffff, 0x80000000, 0xffffffff]);
    default: return rng.u32();
  }
}

function offset(rng: Prng, o: GenOptions): number {
  const r = rng.int(20);
  if (r < 12) return rng.int(64);
  if (r < 14) return rng.int(200);
  if (r === 14) return rng.pick([0x7fffffff, 0xffffffff, 0x80000000, 0xfffffffe, 0xffdfffff]); // faults everywhere
  if (r === 15 && o.negativeOffsets) return (-0x200000 + rng.int(64)) >>> 0; // SKF_LL_OFF + n
  if (r === 16 && o.negativeOffsets) return (-0x100000 + rng.int(64)) >>> 0; // SKF_NET_OFF + n
  return rng.int(80);
}

/** One random instruction for position `i` of a program of `len` instructions. */
function randomInstruction(rng: Prng, i: number, len: number, o: GenOptions): ClassicInsn {
  const room = len - i - 2; // largest jump offset that stays inside the program
  const size = rng.pick([0x00, 0x08, 0x10]);
  switch (rng.int(16)) {
    case 0: case 1: {
      if (o.ancillary && rng.bool(0.3)) return insn(0x20 | size, 0, 0, (-0x1000 + rng.pick(o.ancillaryFields ?? ANC)) >>> 0);
      return insn(0x20 | size, 0, 0, offset(rng, o));
    }
    case 2: return insn(0x40 | size, 0, 0, rng.bool(0.9) ? rng.int(64) : constant(rng)); // ld [x + k]
    case 3: return insn(0xb1, 0, 0, offset(rng, o)); // ldx 4*([k]&0xf)
    case 4: return insn(rng.pick([0x80, 0x81, 0x00, 0x01]), 0, 0, constant(rng)); // len, imm
    case 5: return insn(rng.pick([0x02, 0x03]), 0, 0, rng.int(4)); // st/stx M[0..3]
    case 6: return insn(rng.pick([0x60, 0x61]), 0, 0, rng.int(4)); // ld/ldx M[0..3]
    case 7: case 8: case 9: {
      const op = rng.pick(ALU_OPS);
      if (rng.bool(0.5)) {
        let k = constant(rng);
        if ((op === 0x30 || op === 0x90) && k === 0) k = 1;
        if (op === 0x60 || op === 0x70) k &= 31;
        return insn(0x04 | op, 0, 0, k);
      }
      return insn(0x0c | op, 0, 0, 0);
    }
    case 10: return insn(rng.pick([0x84, 0x07, 0x87]), 0, 0, 0); // neg, tax, txa
    case 11: {
      if (!o.wideShiftX) return insn(0x01, 0, 0, rng.int(40) & 31); // ldx #k, small
      return insn(0x01, 0, 0, rng.pick([rng.int(64), 32, 33, 63, 0xffffffff]));
    }
    case 12: case 13: case 14: {
      if (room > 0 && rng.bool(0.3)) return insn(0x05, 0, 0, rng.int(room + 1)); // ja
      const r = Math.max(0, Math.min(room, 255));
      const src = rng.bool(0.3) ? 0x08 : 0x00;
      return insn(0x05 | rng.pick(JMP_OPS) | src, rng.int(r + 1), rng.int(r + 1), constant(rng));
    }
    default: return rng.bool(0.5) ? insn(0x06, 0, 0, constant(rng)) : insn(0x16, 0, 0, 0);
  }
}

/** A random program (not necessarily valid: scratch reads may precede writes). */
export function randomProgram(rng: Prng, o: GenOptions): ClassicInsn[] {
  const max = o.maxLength ?? 24;
  const len = 1 + rng.int(max);
  const out: ClassicInsn[] = [];
  // Most programs start by filling a few scratch cells, as compiled filters do.
  if (len > 3 && rng.bool(0.6)) out.push(insn(0x02, 0, 0, rng.int(4)), insn(0x03, 0, 0, rng.int(4)));
  while (out.length < len - 1) {
    if (!o.wideShiftX && out.length < len - 2 && rng.bool(0.05)) {
      out.push(insn(0x01, 0, 0, rng.int(32)), insn(rng.pick([0x6c, 0x7c]), 0, 0, 0)); // ldx #c; lsh/rsh x
    } else {
      out.push(randomInstruction(rng, out.length, len, o));
    }
  }
  out.push(rng.bool(0.5) ? insn(0x06, 0, 0, constant(rng)) : insn(0x16, 0, 0, 0));
  const prog = out.slice(0, len);
  return o.wideShiftX ? prog : narrowShifts(prog);
}

/**
 * Keeps a shift by X only where X is surely below 32: right after `ldx #c` (c < 32) and not
 * a jump target; other X shifts become shifts by a constant.
 */
function narrowShifts(prog: ClassicInsn[]): ClassicInsn[] {
  const targets = new Set<number>();
  prog.forEach((ins, i) => {
    if (ins.code === 0x05) targets.add(i + 1 + ins.k);
    else if ((ins.code & 7) === 5) { targets.add(i + 1 + ins.jt); targets.add(i + 1 + ins.jf); }
  });
  return prog.map((ins, i) => {
    if (ins.code !== 0x6c && ins.code !== 0x7c) return ins;
    const prev = prog[i - 1];
    if (prev && prev.code === 0x01 && prev.k < 32 && !targets.has(i)) return ins;
    return insn(ins.code & ~0x08, 0, 0, ins.k & 31);
  });
}

/** A random program that our checker (itself checked against the kernel) accepts. */
export function randomValidProgram(rng: Prng, o: GenOptions): ClassicInsn[] {
  for (;;) {
    const p = randomProgram(rng, o);
    if (checkClassic(p).ok) return p;
  }
}

/** A random packet: raw bytes, or an Ethernet/IPv4 or IPv6 frame with random fields, any length. */
export function randomPacket(rng: Prng): Uint8Array {
  const len = rng.bool(0.1) ? rng.int(14) : rng.int(90);
  const p = rng.bytes(len);
  if (rng.bool(0.6) && len >= 14) {
    const v6 = rng.bool(0.3);
    p[12] = v6 ? 0x86 : 0x08; p[13] = v6 ? 0xdd : 0x00;
    if (len > 14) p[14] = v6 ? 0x60 : 0x40 | rng.pick([5, 5, 5, 6, 15, 0]);
    if (len > 23) p[v6 ? 20 : 23] = rng.pick([6, 17, 1, 6]);
    if (len > 20 && !v6) { p[20] = rng.bool(0.8) ? 0 : p[20]!; }
  }
  return p;
}

/**
 * A packet made of netlink attributes (u16 length, u16 type, little-endian, 4-byte aligned),
 * some nested, some malformed, for the `#nla` / `#nlan` ancillary loads.
 */
export function randomNlaPacket(rng: Prng): Uint8Array {
  const out: number[] = [];
  const attr = (type: number, body: number[]): number[] => {
    const len = 4 + body.length;
    const bytes = [len & 0xff, len >> 8, type & 0xff, type >> 8, ...body];
    while (bytes.length % 4) bytes.push(0);
    return bytes;
  };
  const n = 1 + rng.int(6);
  for (let i = 0; i < n; i++) {
    const type = rng.bool(0.8) ? rng.int(8) : rng.int(0x10000);
    if (rng.bool(0.3)) {
      const inner: number[] = [];
      for (let j = rng.int(4); j > 0; j--) inner.push(...attr(rng.int(8), [...rng.bytes(rng.int(9))]));
      out.push(...attr(type, inner));
    } else {
      out.push(...attr(type, [...rng.bytes(rng.int(9))]));
    }
  }
  if (rng.bool(0.2)) out[rng.int(out.length)] = rng.int(256); // corrupt one byte
  return Uint8Array.from(out.slice(0, rng.bool(0.1) ? rng.int(out.length + 1) : out.length));
}

/** Random Linux socket-buffer metadata for ancillary loads (deterministic `random`). */
export function randomMeta(rng: Prng, packet: Uint8Array): PacketMeta {
  const r = rng.u32();
  let calls = 0;
  return {
    wireLength: rng.bool(0.7) ? packet.length : packet.length + rng.int(2000),
    protocol: rng.pick([0x0800, 0x86dd, 0x0806, rng.u32()]),
    pktType: rng.int(9),
    ifindex: rng.bool(0.5) ? rng.int(20) : rng.u32(),
    mark: rng.u32(),
    queue: rng.bool(0.5) ? rng.int(16) : rng.u32(),
    hatype: rng.pick([1, 772, 65534, rng.u32()]),
    rxhash: rng.u32(),
    cpu: rng.int(64),
    vlanTci: rng.u32(),
    vlanPresent: rng.bool(0.5),
    vlanTpid: rng.pick([0x8100, 0x88a8, rng.u32()]),
    payOffset: rng.int(100),
    random: () => (r + Math.imul(++calls, 0x9e3779b9)) >>> 0,
    networkOffset: rng.pick([0, 14, 18, rng.int(100)]),
  };
}

/** The -ddd form of a program: count line then "code jt jf k" lines. */
export function toDdd(p: readonly ClassicInsn[]): string {
  return `${p.length}\n${p.map((i) => `${i.code} ${i.jt} ${i.jf} ${i.k}`).join('\n')}\n`;
}

export const hexOf = (b: Uint8Array): string => (b.length === 0 ? '-' : Buffer.from(b).toString('hex'));

/** Every feature on: ancillary loads, SKF_LL_OFF/SKF_NET_OFF loads, shifts by X >= 32. */
const ALL = { ancillary: true, negativeOffsets: true, wideShiftX: true } as const;

/**
 * The loop of the JIT ≡ interpreter properties: `programs` seeded random valid programs with
 * every feature on (5% up to 200 instructions), each compiled once, then `packetsPer` packets
 * (10% of them netlink attributes) given to `check` with the generator, which it goes on
 * drawing from (metadata seed, placement). `where` names the seed, program and packet for a
 * failure message. Returns the number of (program, packet) pairs checked.
 */
export function randomTriples<J>(
  seed: number, programs: number, packetsPer: number, compile: (prog: ClassicInsn[]) => J,
  check: (jit: J, prog: ClassicInsn[], packet: Uint8Array, rng: Prng, where: string) => void,
): number {
  const rng = new Prng(seed);
  let pairs = 0;
  for (let n = 0; n < programs; n++) {
    const prog = randomValidProgram(rng, { ...ALL, maxLength: rng.bool(0.05) ? 200 : 32 });
    const jit = compile(prog);
    for (let j = 0; j < packetsPer; j++) {
      const packet = rng.bool(0.1) ? randomNlaPacket(rng) : randomPacket(rng);
      check(jit, prog, packet, rng, `seed ${seed} program #${n} packet #${j}`);
      pairs++;
    }
  }
  return pairs;
}
