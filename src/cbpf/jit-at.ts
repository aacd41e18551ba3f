/**
 * The classic JIT for a packet that lies inside a larger buffer: the generated function takes
 * `(bytes, offset, caplen, wireLength, meta?)` and reads `bytes[offset + k]`, so a capture
 * reader can run the filter on its input buffer without making a view or a metadata object per
 * packet. Semantics are exactly the interpreter's on `bytes.subarray(offset, offset + caplen)`
 * with `meta.wireLength = wireLength` (`ld #len` reads `wireLength`).
 *
 * Code shape as in jit.ts (labeled blocks for forward jumps, or a switch loop for very many
 * targets; constant offsets folded; scratch cells as locals). The rare loads that need the
 * packet as an array of its own (ancillary fields, SKF_LL_OFF/SKF_NET_OFF offsets, #nla) make
 * that view once per run and call the shared helpers.
 */
import type { ClassicInsn } from './insn.js';
import type { ClassicProgram } from './program.js';
import type { PacketMeta } from './metadata.js';
import { assertClassicCached, isConditionalJump } from './checker.js';
import { isAncillaryOffset, loadAncillary, loadPacket } from './packet-access.js';
import {
  BPF_A, BPF_ABS, BPF_ADD, BPF_ALU, BPF_AND, BPF_B, BPF_DIV, BPF_H, BPF_IMM, BPF_IND, BPF_JA, BPF_JEQ, BPF_JGE,
  BPF_JGT, BPF_JMP, BPF_K, BPF_LD, BPF_LDX, BPF_LEN, BPF_LSH, BPF_MEM, BPF_MISC, BPF_MOD, BPF_MSH, BPF_MUL,
  BPF_NEG, BPF_OR, BPF_RET, BPF_RSH, BPF_ST, BPF_STX, BPF_SUB, BPF_TAX, BPF_TXA, BPF_W, BPF_X, BPF_XOR,
  SKF_AD_ALU_XOR_X, SKF_AD_OFF,
} from './opcodes.js';

export type ClassicFilterAtFn = (bytes: Uint8Array, offset: number, caplen: number, wireLength: number, meta?: PacketMeta) => number;

export interface ClassicJitAtOptions {
  /** Above this many distinct jump targets, use a switch loop instead of nested blocks. */
  readonly maxNesting?: number;
}

const DEFAULT_MAX_NESTING = 400;

const cache = new WeakMap<object, ClassicFilterAtFn>();

/** Compiles (once per program object) a checked classic program for packets inside a buffer. */
export function compileClassicAt(program: ClassicProgram | readonly ClassicInsn[]): ClassicFilterAtFn {
  let fn = cache.get(program);
  if (fn === undefined) {
    fn = compileClassicAtUncached(program);
    cache.set(program, fn);
  }
  return fn;
}

/** Compiles without the cache; options exist so tests can force both code shapes. */
export function compileClassicAtUncached(program: ClassicProgram | readonly ClassicInsn[], options: ClassicJitAtOptions = {}): ClassicFilterAtFn {
  const factory = new Function('loadPacket', 'loadAncillary', classicJitAtSource(program, options)) as
    (lp: typeof loadPacket, la: typeof loadAncillary) => ClassicFilterAtFn;
  return factory(loadPacket, loadAncillary);
}

/** `p[o + at]` read big-endian, `size` bytes; `at` is an expression already bounds-checked. */
const read = (at: string, size: number): string => {
  const i = (d: number): string => (at === '0' ? (d === 0 ? 'o' : `o + ${d}`) : d === 0 ? `o + ${at}` : `o + ${at} + ${d}`);
  return size === 1 ? `p[${i(0)}]`
    : size === 2 ? `((p[${i(0)}] << 8) | p[${i(1)}])`
    : `(((p[${i(0)}] << 24) | (p[${i(1)}] << 16) | (p[${i(2)}] << 8) | p[${i(3)}]) >>> 0)`;
};

const sizeOf = (code: number): number => (code & 0x18) === BPF_W ? 4 : (code & 0x18) === BPF_H ? 2 : 1;

/** The packet as a view of its own, made at most once per run (only the rare loads need it). */
const VIEW = '(v === undefined ? (v = p.subarray(o, o + n)) : v)';

/** The body of the factory function: `return function classicFilterAt(p, o, n, wire, meta) { ... }`. */
export function classicJitAtSource(program: ClassicProgram | readonly ClassicInsn[], options: ClassicJitAtOptions = {}): string {
  const insns = assertClassicCached(program);
  const len = insns.length;

  const targets = new Set<number>();
  const cells = new Set<number>();
  let usesView = false;
  insns.forEach((ins, i) => {
    if (ins.code === (BPF_JMP | BPF_JA)) { if (ins.k !== 0) targets.add(i + 1 + ins.k); }
    else if (isConditionalJump(ins.code)) {
      if (ins.jt !== 0) targets.add(i + 1 + ins.jt);
      if (ins.jf !== 0) targets.add(i + 1 + ins.jf);
    }
    const cls = ins.code & 7;
    if (((cls === BPF_LD || cls === BPF_LDX) && (ins.code & 0xe0) === BPF_MEM) || cls === BPF_ST || cls === BPF_STX) cells.add(ins.k);
    const mode = ins.code & 0xe0;
    if ((cls === BPF_LD && (mode === BPF_ABS || mode === BPF_IND)) || (cls === BPF_LDX && mode === BPF_MSH)) usesView = true;
  });
  const structured = targets.size <= (options.maxNesting ?? DEFAULT_MAX_NESTING);
  const goto = (from: number, to: number): string =>
    to === from + 1 ? '' : structured ? `break L${to};` : `{ pc = ${to}; continue; }`;

  const out: string[] = [];
  out.push('"use strict";', 'return function classicFilterAt(p, o, n, wire, meta) {', 'let a = 0, x = 0, t = 0;');
  if (usesView) out.push('let v;');
  for (const c of [...cells].sort((l, r) => l - r)) out.push(`let m${c} = 0;`);
  const sorted = [...targets].sort((l, r) => r - l);
  if (structured) out.push(sorted.map((t) => `L${t}: {`).join(' '));
  else out.push('let pc = 0;', 'for (;;) switch (pc) {', 'case 0:');

  for (let i = 0; i < len; i++) {
    if (targets.has(i)) out.push(structured ? `} // L${i}` : `case ${i}:`);
    const { code, jt, jf, k } = insns[i]!;
    out.push(`// ${i}: code 0x${code.toString(16)} jt ${jt} jf ${jf} k ${k}`);
    out.push(emit(i, code, jt, jf, k, goto));
  }
  if (!structured) out.push('default: return 0;', '}');
  out.push('return 0;', '};');
  return out.join('\n');
}

function emit(i: number, code: number, jt: number, jf: number, k: number, goto: (from: number, to: number) => string): string {
  const ki = k | 0; // k as the kernel's signed int offset
  switch (code) {
    case BPF_RET | BPF_K: return `return ${k};`;
    case BPF_RET | BPF_A: return 'return a;';

    case BPF_LD | BPF_W | BPF_ABS:
    case BPF_LD | BPF_H | BPF_ABS:
    case BPF_LD | BPF_B | BPF_ABS: {
      if (isAncillaryOffset(k)) {
        if (ki - SKF_AD_OFF === SKF_AD_ALU_XOR_X) return 'a = (a ^ x) >>> 0;';
        return `a = loadAncillary(${ki}, ${VIEW}, meta, a, x);`;
      }
      const size = sizeOf(code);
      if (ki < 0) return `t = loadPacket(${VIEW}, meta, ${ki}, ${size}); if (t < 0) return 0; a = t;`;
      return `if (n < ${k + size}) return 0; a = ${read(String(k), size)};`;
    }
    case BPF_LD | BPF_W | BPF_IND:
    case BPF_LD | BPF_H | BPF_IND:
    case BPF_LD | BPF_B | BPF_IND: {
      const size = sizeOf(code);
      return `t = (x + ${ki}) | 0; if (t >= 0 && t <= n - ${size}) a = ${read('t', size)}; ` +
        `else { t = loadPacket(${VIEW}, meta, t, ${size}); if (t < 0) return 0; a = t; }`;
    }
    case BPF_LDX | BPF_B | BPF_MSH:
      if (ki < 0) return `t = loadPacket(${VIEW}, meta, ${ki}, 1); if (t < 0) return 0; x = (t & 15) << 2;`;
      return `if (n <= ${k}) return 0; x = (${read(String(k), 1)} & 15) << 2;`;
    case BPF_LD | BPF_W | BPF_LEN: return 'a = wire >>> 0;';
    case BPF_LDX | BPF_W | BPF_LEN: return 'x = wire >>> 0;';
    case BPF_LD | BPF_IMM: return `a = ${k};`;
    case BPF_LDX | BPF_IMM: return `x = ${k};`;
    case BPF_LD | BPF_MEM: return `a = m${k};`;
    case BPF_LDX | BPF_MEM: return `x = m${k};`;
    case BPF_ST: return `m${k} = a;`;
    case BPF_STX: return `m${k} = x;`;

    case BPF_ALU | BPF_ADD | BPF_K: return `a = (a + ${k}) >>> 0;`;
    case BPF_ALU | BPF_ADD | BPF_X: return 'a = (a + x) >>> 0;';
    case BPF_ALU | BPF_SUB | BPF_K: return `a = (a - ${k}) >>> 0;`;
    case BPF_ALU | BPF_SUB | BPF_X: return 'a = (a - x) >>> 0;';
    case BPF_ALU | BPF_MUL | BPF_K: return `a = Math.imul(a, ${ki}) >>> 0;`;
    case BPF_ALU | BPF_MUL | BPF_X: return 'a = Math.imul(a, x) >>> 0;';
    case BPF_ALU | BPF_DIV | BPF_K: return `a = (a / ${k}) >>> 0;`;
    case BPF_ALU | BPF_DIV | BPF_X: return 'if (x === 0) return 0; a = (a / x) >>> 0;';
    case BPF_ALU | BPF_MOD | BPF_K: return `a = a % ${k};`;
    case BPF_ALU | BPF_MOD | BPF_X: return 'if (x === 0) return 0; a = a % x;';
    case BPF_ALU | BPF_AND | BPF_K: return `a = (a & ${ki}) >>> 0;`;
    case BPF_ALU | BPF_AND | BPF_X: return 'a = (a & x) >>> 0;';
    case BPF_ALU | BPF_OR | BPF_K: return `a = (a | ${ki}) >>> 0;`;
    case BPF_ALU | BPF_OR | BPF_X: return 'a = (a | x) >>> 0;';
    case BPF_ALU | BPF_XOR | BPF_K: return `a = (a ^ ${ki}) >>> 0;`;
    case BPF_ALU | BPF_XOR | BPF_X: return 'a = (a ^ x) >>> 0;';
    case BPF_ALU | BPF_LSH | BPF_K: return `a = (a << ${k}) >>> 0;`;
    case BPF_ALU | BPF_LSH | BPF_X: return 'a = (a << x) >>> 0;'; // JS masks the count to 5 bits, like the kernel
    case BPF_ALU | BPF_RSH | BPF_K: return `a = a >>> ${k};`;
    case BPF_ALU | BPF_RSH | BPF_X: return 'a = a >>> x;';
    case BPF_ALU | BPF_NEG: return 'a = (0 - a) >>> 0;';

    case BPF_MISC | BPF_TAX: return 'x = a;';
    case BPF_MISC | BPF_TXA: return 'a = x;';

    case BPF_JMP | BPF_JA: return goto(i, i + 1 + k);
    default: {
      const src = (code & BPF_X) !== 0 ? 'x' : String(k);
      const op = code & 0xf0;
      const cond = op === BPF_JEQ ? `a === ${src}` : op === BPF_JGT ? `a > ${src}` : op === BPF_JGE ? `a >= ${src}`
        : `(a & ${(code & BPF_X) !== 0 ? 'x' : String(ki)}) !== 0`;
      const toT = goto(i, i + 1 + jt);
      const toF = goto(i, i + 1 + jf);
      if (toT === '' && toF === '') return '';
      if (toT === '') return `if (!(${cond})) ${toF}`;
      if (toF === '') return `if (${cond}) ${toT}`;
      return `if (${cond}) ${toT} else ${toF}`;
    }
  }
}
