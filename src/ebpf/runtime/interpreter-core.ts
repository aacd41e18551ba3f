/**
 * The interpreter's inner loop, on 32-bit halves instead of bigints.
 *
 * Why: a bigint operation allocates, and allocation dominated the first interpreter (about
 * 17 ns per instruction). Here a register is two uint32 words (`lo[r]`, `hi[r]` in typed
 * arrays), instructions are pre-decoded into parallel typed arrays (opcode byte, registers,
 * offset, immediate, absolute jump target), and dispatch is a switch on the opcode byte. 64-bit
 * add/sub/shift/compare work on the halves with explicit carries; 64-bit multiply uses 16-bit
 * partial products; 64-bit division and signed division/modulo fall back to bigint (rare).
 *
 * The address layout of memory.ts (`regionId << 32 | offset`) makes a pointer's high word the
 * region id and its low word the offset, so a checked load is an array index, a compare and a
 * DataView read, with no bigint at all.
 */
import type { Insn } from '../isa/insn.js';
import { encodeInsn } from '../isa/codec.js';
import type { Env } from './env.js';
import { MemoryFault, VmFault, type Region } from './memory.js';
import { halvesOf } from './helpers/index.js';

const TWO32 = 4294967296;

/** Pre-decoded program: one entry per 8-byte slot (the second slot of lddw is never executed). */
export interface Code {
  readonly length: number;
  readonly op: Uint8Array;
  readonly dst: Uint8Array;
  readonly src: Uint8Array;
  readonly off: Int32Array;
  readonly imm: Int32Array;
  /** Absolute target slot of jumps and local calls; for lddw the high word of the value. */
  readonly aux: Int32Array;
  /** Instruction index of each slot (-1 for the second half of lddw). */
  readonly index: Int32Array;
  readonly insns: readonly (Insn | undefined)[];
}

/** `lddwValues[pc]` supplies the resolved 64-bit value of each lddw (map pointers resolved). */
export function compile(insns: readonly Insn[], lddwValue: (insn: Insn, pc: number, index: number) => bigint, targetOf: (pc: number) => number): Code {
  const raws = insns.map((i) => encodeInsn(i));
  const length = raws.reduce((n, r) => n + r.length, 0);
  // One extra slot past the end: op 0 there (and in the second slot of every lddw) is the
  // "no instruction here" sentinel, so the loop needs no bounds check on pc.
  const n = length + 1;
  const code: Code = {
    length,
    op: new Uint8Array(n), dst: new Uint8Array(n), src: new Uint8Array(n),
    off: new Int32Array(n), imm: new Int32Array(n), aux: new Int32Array(n),
    index: new Int32Array(n).fill(-1), insns: new Array<Insn | undefined>(n).fill(undefined),
  };
  let pc = 0;
  insns.forEach((insn, index) => {
    const r = raws[index]![0]!;
    code.op[pc] = r.code; code.dst[pc] = r.dst; code.src[pc] = r.src; code.off[pc] = r.off; code.imm[pc] = r.imm;
    code.index[pc] = index;
    (code.insns as (Insn | undefined)[])[pc] = insn;
    if (insn.kind === 'lddw') {
      const v = lddwValue(insn, pc, index);
      code.imm[pc] = Number(v & 0xffffffffn) | 0;
      code.aux[pc] = Number(v >> 32n) | 0;
    } else if (insn.kind === 'ja' || insn.kind === 'jmp' || insn.kind === 'call-local') {
      code.aux[pc] = targetOf(pc);
    }
    pc += raws[index]!.length;
  });
  return code;
}

/** What the core needs from the VM for one run. */
export interface CoreContext {
  readonly env: Env;
  readonly regions: readonly (Region | undefined)[];
  readonly stacks: readonly Region[];
  readonly stackSize: number;
  readonly maxFrames: number;
  readonly budget: number;
  packet: Region;
  hook: ((pc: number, lo: Uint32Array, hi: Uint32Array) => void) | undefined;
}

export interface CoreResult { readonly r0lo: number; readonly r0hi: number; readonly count: number; readonly framesUsed: number }

const big = (h: number, l: number): bigint => (BigInt(h >>> 0) << 32n) | BigInt(l >>> 0);

function umulhi(a: number, b: number): number {
  const a0 = a & 0xffff, a1 = a >>> 16, b0 = b & 0xffff, b1 = b >>> 16;
  const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  return (p11 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16)) >>> 0;
}
const bswap32 = (n: number): number => (((n & 0xff) << 24) | ((n & 0xff00) << 8) | ((n >>> 8) & 0xff00) | (n >>> 24)) >>> 0;

function faultAt(code: Code, pc: number, message: string, extra: { address?: bigint; size?: number } = {}): VmFault {
  const index = pc < code.length ? code.index[pc]! : -1;
  return new VmFault(`instruction ${index} (pc ${pc}): ${message}`, { pc, index, ...extra });
}

/** The precise fault for a failed check of [id:offset, +size) (memory.ts words it). */
function memoryFault(code: Code, pc: number, env: Env, id: number, offset: number, size: number, write: boolean): VmFault {
  try {
    env.memory.resolve(big(id, offset), size, write);
  } catch (e) {
    if (e instanceof MemoryFault) return faultAt(code, pc, e.message, { address: e.address, size });
    throw e;
  }
  return faultAt(code, pc, 'invalid memory access');
}

/**
 * Runs from pc 0 with the registers given in lo/hi; throws VmFault. No closures are created
 * inside: a closure over `pc` would move it into a heap context and slow every instruction.
 */
export function runCore(code: Code, c: CoreContext, lo: Uint32Array, hi: Uint32Array): CoreResult {
  const { op, dst, src, off, imm, aux } = code;
  const regions = c.regions, budget = c.budget, hook = c.hook, env = c.env;
  const frameRet: number[] = [], frameSaved: number[] = [];
  let framesUsed = 1;
  let pc = 0, count = 0;

  try {
    for (;;) {
      if (++count > budget) { count--; throw faultAt(code, pc, `instruction budget of ${budget} exceeded`); }
      const o = op[pc]!, d = dst[pc]!;
      let next = pc + 1;
      const cls = o & 7;
      if (cls === 7 || cls === 4) {
        // ALU64 / ALU
        const x = (o & 8) !== 0;
        const s = src[pc]!;
        const bl = x ? lo[s]! : imm[pc]! >>> 0;
        const aop = o & 0xf0;
        if (cls === 7) {
          const bh = x ? hi[s]! : imm[pc]! < 0 ? 0xffffffff : 0;
          const al = lo[d]!, ah = hi[d]!;
          switch (aop) {
            case 0x00: { const l = al + bl; lo[d] = l; hi[d] = ah + bh + (l >= TWO32 ? 1 : 0); break; }
            case 0x10: { lo[d] = al - bl; hi[d] = ah - bh - (al < bl ? 1 : 0); break; }
            case 0x20: { lo[d] = Math.imul(al, bl); hi[d] = umulhi(al, bl) + Math.imul(ah, bl) + Math.imul(al, bh); break; }
            case 0x30: case 0x90: {
              const div = aop === 0x30;
              if (off[pc] === 0 && ah === 0 && bh === 0) {
                if (bl === 0) { if (div) { lo[d] = 0; } }
                else lo[d] = div ? Math.floor(al / bl) : al % bl;
                break;
              }
              const a = big(ah, al), b = big(bh, bl);
              let r: bigint;
              if (b === 0n) r = div ? 0n : a;
              else if (off[pc] === 0) r = div ? a / b : a % b;
              else r = BigInt.asUintN(64, div ? BigInt.asIntN(64, a) / BigInt.asIntN(64, b) : BigInt.asIntN(64, a) % BigInt.asIntN(64, b));
              lo[d] = Number(r & 0xffffffffn); hi[d] = Number(r >> 32n);
              break;
            }
            case 0x40: lo[d] = al | bl; hi[d] = ah | bh; break;
            case 0x50: lo[d] = al & bl; hi[d] = ah & bh; break;
            case 0xa0: lo[d] = al ^ bl; hi[d] = ah ^ bh; break;
            case 0x60: {
              const n = bl & 63;
              if (n === 0) break;
              if (n < 32) { hi[d] = (ah << n) | (al >>> (32 - n)); lo[d] = al << n; } else { hi[d] = al << (n - 32); lo[d] = 0; }
              break;
            }
            case 0x70: {
              const n = bl & 63;
              if (n === 0) break;
              if (n < 32) { lo[d] = (al >>> n) | (ah << (32 - n)); hi[d] = ah >>> n; } else { lo[d] = ah >>> (n - 32); hi[d] = 0; }
              break;
            }
            case 0xc0: {
              const n = bl & 63;
              if (n === 0) break;
              if (n < 32) { lo[d] = (al >>> n) | (ah << (32 - n)); hi[d] = (ah | 0) >> n; } else { lo[d] = (ah | 0) >> (n - 32); hi[d] = (ah | 0) >> 31; }
              break;
            }
            case 0x80: { lo[d] = -al; hi[d] = -ah - (al !== 0 ? 1 : 0); break; }
            case 0xb0: {
              const sx = off[pc]!;
              if (sx === 0) { lo[d] = bl; hi[d] = bh; }
              else {
                const v = sx === 8 ? (bl << 24) >> 24 : sx === 16 ? (bl << 16) >> 16 : bl | 0;
                lo[d] = v; hi[d] = v < 0 ? 0xffffffff : 0;
              }
              break;
            }
            case 0xd0: { // bswap (ALU64 END, v4)
              const bits = imm[pc]!;
              if (bits === 16) { lo[d] = ((al & 0xff) << 8) | ((al >>> 8) & 0xff); hi[d] = 0; }
              else if (bits === 32) { lo[d] = bswap32(al); hi[d] = 0; }
              else { lo[d] = bswap32(ah); hi[d] = bswap32(al); }
              break;
            }
            default: throw faultAt(code, pc, `invalid opcode 0x${o.toString(16)}`);
          }
        } else {
          const a = lo[d]!;
          let r: number;
          switch (aop) {
            case 0x00: r = a + bl; break;
            case 0x10: r = a - bl; break;
            case 0x20: r = Math.imul(a, bl); break;
            case 0x30: r = bl === 0 ? 0 : off[pc] === 0 ? Math.floor(a / bl) : Math.trunc((a | 0) / (bl | 0)); break;
            case 0x90: r = bl === 0 ? a : off[pc] === 0 ? a % bl : (a | 0) % (bl | 0); break;
            case 0x40: r = a | bl; break;
            case 0x50: r = a & bl; break;
            case 0xa0: r = a ^ bl; break;
            case 0x60: r = a << (bl & 31); break;
            case 0x70: r = a >>> (bl & 31); break;
            case 0xc0: r = (a | 0) >> (bl & 31); break;
            case 0x80: r = -a; break;
            case 0xb0: { const sx = off[pc]!; r = sx === 0 ? bl : sx === 8 ? (bl << 24) >> 24 : (bl << 16) >> 16; break; }
            case 0xd0: { // le / be, relative to a little-endian host (RFC 9669)
              const bits = imm[pc]!;
              if (!x) { if (bits === 16) { lo[d] = a & 0xffff; hi[d] = 0; } else if (bits === 32) hi[d] = 0; }
              else if (bits === 16) { lo[d] = ((a & 0xff) << 8) | ((a >>> 8) & 0xff); hi[d] = 0; }
              else if (bits === 32) { lo[d] = bswap32(a); hi[d] = 0; }
              else { const h = hi[d]!; lo[d] = bswap32(h); hi[d] = bswap32(a); }
              r = 0;
              break;
            }
            default: throw faultAt(code, pc, `invalid opcode 0x${o.toString(16)}`);
          }
          if (aop !== 0xd0) { lo[d] = r; hi[d] = 0; }
        }
      } else if (cls === 5 || cls === 6) {
        // JMP / JMP32
        const jop = o & 0xf0;
        if (jop === 0x00) { next = aux[pc]!; }
        else if (jop === 0x80) {
          if (src[pc] === 1) { // local call
            if (frameRet.length + 1 >= c.maxFrames) throw faultAt(code, pc, `call depth exceeds ${c.maxFrames} frames`);
            frameRet.push(next);
            for (let r = 6; r <= 10; r++) frameSaved.push(lo[r]!, hi[r]!);
            const depth = frameRet.length;
            const st = c.stacks[depth]!;
            if (depth + 1 > framesUsed) framesUsed = depth + 1;
            lo[10] = c.stackSize; hi[10] = st.id;
            next = aux[pc]!;
          } else {
            const helper = env.helpers.get(imm[pc]!);
            if (!helper) throw faultAt(code, pc, `unknown helper ${imm[pc]}`);
            const halves = halvesOf(helper);
            if (halves === undefined || !halves(env, lo, hi)) {
              const r0 = BigInt.asUintN(64, helper(env, big(hi[1]!, lo[1]!), big(hi[2]!, lo[2]!), big(hi[3]!, lo[3]!), big(hi[4]!, lo[4]!), big(hi[5]!, lo[5]!)));
              lo[0] = Number(r0 & 0xffffffffn); hi[0] = Number(r0 >> 32n);
            }
          }
        } else if (jop === 0x90) {
          if (frameRet.length === 0) {
            if (hook) hook(pc, lo, hi);
            return { r0lo: lo[0]!, r0hi: hi[0]!, count, framesUsed };
          }
          for (let r = 10; r >= 6; r--) { hi[r] = frameSaved.pop()!; lo[r] = frameSaved.pop()!; }
          next = frameRet.pop()!;
        } else {
          const x = (o & 8) !== 0;
          const s = src[pc]!;
          const al = lo[d]!, bl = x ? lo[s]! : imm[pc]! >>> 0;
          let taken: boolean;
          if (cls === 6) {
            switch (jop) {
              case 0x10: taken = al === bl; break;
              case 0x50: taken = al !== bl; break;
              case 0x20: taken = al > bl; break;
              case 0x30: taken = al >= bl; break;
              case 0xa0: taken = al < bl; break;
              case 0xb0: taken = al <= bl; break;
              case 0x40: taken = (al & bl) !== 0; break;
              case 0x60: taken = (al | 0) > (bl | 0); break;
              case 0x70: taken = (al | 0) >= (bl | 0); break;
              case 0xc0: taken = (al | 0) < (bl | 0); break;
              case 0xd0: taken = (al | 0) <= (bl | 0); break;
              default: throw faultAt(code, pc, `invalid opcode 0x${o.toString(16)}`);
            }
          } else {
            const ah = hi[d]!, bh = x ? hi[s]! : imm[pc]! < 0 ? 0xffffffff : 0;
            switch (jop) {
              case 0x10: taken = al === bl && ah === bh; break;
              case 0x50: taken = al !== bl || ah !== bh; break;
              case 0x20: taken = ah > bh || (ah === bh && al > bl); break;
              case 0x30: taken = ah > bh || (ah === bh && al >= bl); break;
              case 0xa0: taken = ah < bh || (ah === bh && al < bl); break;
              case 0xb0: taken = ah < bh || (ah === bh && al <= bl); break;
              case 0x40: taken = (al & bl) !== 0 || (ah & bh) !== 0; break;
              case 0x60: taken = (ah | 0) > (bh | 0) || (ah === bh && al > bl); break;
              case 0x70: taken = (ah | 0) > (bh | 0) || (ah === bh && al >= bl); break;
              case 0xc0: taken = (ah | 0) < (bh | 0) || (ah === bh && al < bl); break;
              case 0xd0: taken = (ah | 0) < (bh | 0) || (ah === bh && al <= bl); break;
              default: throw faultAt(code, pc, `invalid opcode 0x${o.toString(16)}`);
            }
          }
          if (taken) next = aux[pc]!;
        }
      } else {
        const size = (o & 0x18) === 0x00 ? 4 : (o & 0x18) === 0x08 ? 2 : (o & 0x18) === 0x10 ? 1 : 8;
        const mode = o & 0xe0;
        if (cls === 1) { // LDX (MEM, MEMSX)
          const r = src[pc]!;
          let at = lo[r]! + off[pc]!, id = hi[r]!;
          if (at < 0) { at += TWO32; id = (id - 1) >>> 0; } else if (at >= TWO32) { at -= TWO32; id = (id + 1) >>> 0; }
          const reg = regions[id];
          if (reg === undefined || at + size > reg.bytes.length) throw memoryFault(code, pc, env, id, at, size, false);
          const v = reg.view;
          if (mode === 0x80) {
            const n = size === 1 ? v.getInt8(at) : size === 2 ? v.getInt16(at, true) : v.getInt32(at, true);
            lo[d] = n; hi[d] = n < 0 ? 0xffffffff : 0;
          } else if (size === 8) { lo[d] = v.getUint32(at, true); hi[d] = v.getUint32(at + 4, true); }
          else { lo[d] = size === 1 ? v.getUint8(at) : size === 2 ? v.getUint16(at, true) : v.getUint32(at, true); hi[d] = 0; }
        } else if (cls === 2 || (cls === 3 && mode === 0x60)) { // ST / STX
          let at = lo[d]! + off[pc]!, id = hi[d]!;
          if (at < 0) { at += TWO32; id = (id - 1) >>> 0; } else if (at >= TWO32) { at -= TWO32; id = (id + 1) >>> 0; }
          const reg = regions[id];
          if (reg === undefined || at + size > reg.bytes.length || !reg.writable) throw memoryFault(code, pc, env, id, at, size, true);
          const v = reg.view;
          let wl: number, wh: number;
          if (cls === 2) { wl = imm[pc]!; wh = wl < 0 ? -1 : 0; } else { wl = lo[src[pc]!]!; wh = hi[src[pc]!]!; }
          if (size === 8) { v.setUint32(at, wl >>> 0, true); v.setUint32(at + 4, wh >>> 0, true); }
          else if (size === 4) v.setUint32(at, wl >>> 0, true);
          else if (size === 2) v.setUint16(at, wl & 0xffff, true);
          else v.setUint8(at, wl & 0xff);
        } else if (cls === 3) { // atomics
          let at = lo[d]! + off[pc]!, id = hi[d]!;
          if (at < 0) { at += TWO32; id = (id - 1) >>> 0; } else if (at >= TWO32) { at -= TWO32; id = (id + 1) >>> 0; }
          const reg = regions[id];
          if (reg === undefined || at + size > reg.bytes.length || !reg.writable) throw memoryFault(code, pc, env, id, at, size, true);
          const v = reg.view, s = src[pc]!, aop = imm[pc]!;
          const ol = v.getUint32(at, true), oh = size === 8 ? v.getUint32(at + 4, true) : 0;
          const sl = lo[s]!, sh = size === 8 ? hi[s]! : 0;
          let nl = ol, nh = oh;
          switch (aop & ~1) {
            case 0x00: { const t = ol + sl; nl = t >>> 0; nh = (oh + sh + (t >= TWO32 ? 1 : 0)) >>> 0; break; }
            case 0x40: nl = (ol | sl) >>> 0; nh = (oh | sh) >>> 0; break;
            case 0x50: nl = (ol & sl) >>> 0; nh = (oh & sh) >>> 0; break;
            case 0xa0: nl = (ol ^ sl) >>> 0; nh = (oh ^ sh) >>> 0; break;
            case 0xe0: nl = sl; nh = sh; break; // xchg
            case 0xf0: { // cmpxchg: compare with r0
              const eq = size === 8 ? lo[0] === ol && hi[0] === oh : lo[0] === ol;
              if (eq) { nl = sl; nh = sh; }
              lo[0] = ol; hi[0] = oh;
              break;
            }
          }
          v.setUint32(at, nl, true);
          if (size === 8) v.setUint32(at + 4, nh, true);
          if ((aop & 1) !== 0 && aop !== 0xf1) { lo[s] = ol; hi[s] = oh; }
        } else if (o === 0x18) { // lddw
          lo[d] = imm[pc]!; hi[d] = aux[pc]!;
          next = pc + 2;
        } else if (o === 0x00) {
          count--;
          throw faultAt(code, pc, pc >= code.length ? 'fell off the end of the program' : 'jump into the middle of lddw');
        } else { // ldabs / ldind: big-endian packet loads; out of bounds ends the program with 0
          const pk = c.packet;
          const at = (mode === 0x40 ? lo[src[pc]!]! | 0 : 0) + imm[pc]!;
          if (at < 0 || at + size > pk.bytes.length) {
            lo[0] = 0; hi[0] = 0;
            return { r0lo: 0, r0hi: 0, count, framesUsed };
          }
          lo[0] = size === 1 ? pk.view.getUint8(at) : size === 2 ? pk.view.getUint16(at, false) : pk.view.getUint32(at, false);
          hi[0] = 0;
        }
      }
      if (hook) hook(pc, lo, hi);
      pc = next;
    }
  } catch (err) {
    if (err instanceof VmFault) { (err as { count?: number }).count = count; throw err; }
    if (err instanceof MemoryFault) throw faultAt(code, pc, err.message, { address: err.address, size: err.size });
    throw err;
  }
}
