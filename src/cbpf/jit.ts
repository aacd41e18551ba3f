/**
 * The classic JIT: turns a checked classic program into a JavaScript function with exactly the
 * interpreter's semantics (interpreter.ts), generated once per program with `new Function`.
 *
 * Why the generated code is fast:
 * - straight-line code: classic jumps only go forward, so every jump becomes `break Ln` out of
 *   a labeled block that ends right before its target instruction (blocks for all targets are
 *   opened at the top, nested so that the smallest target is innermost); no dispatch loop;
 * - constant offsets are folded: `ld [12]` becomes one bounds test against a constant and two
 *   typed-array reads; scratch cells M[i] become local variables (no allocation per packet);
 * - A and X are kept as unsigned 32-bit numbers, so comparisons need no conversion.
 * Programs with very many distinct jump targets (deep nesting) fall back to a `switch` inside
 * a loop, which V8 still compiles well.
 *
 * The cache is a WeakMap keyed by the ClassicProgram or the instruction array passed in, so a
 * program is compiled once; do not mutate an instruction array after compiling it.
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

export type ClassicFilterFn = (packet: Uint8Array, meta?: PacketMeta) => number;

export interface ClassicJitOptions {
  /** Above this many distinct jump targets, use a switch loop instead of nested blocks. */
  readonly maxNesting?: number;
}

const DEFAULT_MAX_NESTING = 400;

const cache = new WeakMap<object, ClassicFilterFn>();

/** Compiles (once per program object) a checked classic program to a JavaScript function. */
export function compileClassic(program: ClassicProgram | readonly ClassicInsn[]): ClassicFilterFn {
  let fn = cache.get(program);
  if (fn === undefined) {
    fn = compileUncached(program);
    cache.set(program, fn);
  }
  return fn;
}

/** Compiles without the cache; options exist so tests can force both code shapes. */
export function compileUncached(program: ClassicProgram | readonly ClassicInsn[], options: ClassicJitOptions = {}): ClassicFilterFn {
  const source = classicJitSource(program, options);
  const factory = new Function('loadPacket', 'loadAncillary', source) as
    (lp: typeof loadPacket, la: typeof loadAncillary) => ClassicFilterFn;
  return factory(loadPacket, loadAncillary);
}

/**
 * How the generated function reaches its packet: its header and prelude, how it reads `size`
 * bytes big-endian at an already bounds-checked index expression, the packet as an array of its
 * own (for the rare loads that go through the shared helpers) and the wire length. `n` is always
 * the captured length. jit.ts's shape takes the packet as an array; jit-at.ts's, a packet inside
 * a larger buffer.
 */
export interface PacketShape {
  prelude(facts: { usesLen: boolean; usesPacketHelpers: boolean }): string[];
  read(at: string, size: number): string;
  readonly view: string;
  readonly wireLength: string;
}

const WHOLE_PACKET: PacketShape = {
  prelude: ({ usesLen }) => [
    'return function classicFilter(p, meta) {', 'const n = p.length;', 'let a = 0, x = 0, t = 0;',
    ...(usesLen ? ['const len = meta === undefined || meta.wireLength === undefined ? n : meta.wireLength >>> 0;'] : []),
  ],
  read: (at, size) =>
    size === 1 ? `p[${at}]`
    : size === 2 ? `((p[${at}] << 8) | p[${at} + 1])`
    : `(((p[${at}] << 24) | (p[${at} + 1] << 16) | (p[${at} + 2] << 8) | p[${at} + 3]) >>> 0)`,
  view: 'p',
  wireLength: 'len',
};

const sizeOf = (code: number): number => (code & 0x18) === BPF_W ? 4 : (code & 0x18) === BPF_H ? 2 : 1;

/** The body of the factory function: `return function classicFilter(p, meta) { ... }`. */
export function classicJitSource(program: ClassicProgram | readonly ClassicInsn[], options: ClassicJitOptions = {}): string {
  return classicJitSourceFor(program, WHOLE_PACKET, options);
}

/** The factory body for a packet reached as `shape` says. */
export function classicJitSourceFor(program: ClassicProgram | readonly ClassicInsn[], shape: PacketShape, options: ClassicJitOptions = {}): string {
  const insns = assertClassicCached(program);
  const len = insns.length;

  const targets = new Set<number>();
  const cells = new Set<number>();
  let usesLen = false;
  let usesPacketHelpers = false;
  insns.forEach((ins, i) => {
    if (ins.code === (BPF_JMP | BPF_JA)) { if (ins.k !== 0) targets.add(i + 1 + ins.k); }
    else if (isConditionalJump(ins.code)) {
      if (ins.jt !== 0) targets.add(i + 1 + ins.jt);
      if (ins.jf !== 0) targets.add(i + 1 + ins.jf);
    }
    const cls = ins.code & 7;
    const mode = ins.code & 0xe0;
    if (((cls === BPF_LD || cls === BPF_LDX) && mode === BPF_MEM) || cls === BPF_ST || cls === BPF_STX) cells.add(ins.k);
    if (mode === BPF_LEN && (cls === BPF_LD || cls === BPF_LDX)) usesLen = true;
    if ((cls === BPF_LD && (mode === BPF_ABS || mode === BPF_IND)) || (cls === BPF_LDX && mode === BPF_MSH)) usesPacketHelpers = true;
  });
  const structured = targets.size <= (options.maxNesting ?? DEFAULT_MAX_NESTING);
  const goto = (from: number, to: number): string =>
    to === from + 1 ? '' : structured ? `break L${to};` : `{ pc = ${to}; continue; }`;

  const out: string[] = [];
  out.push('"use strict";', ...shape.prelude({ usesLen, usesPacketHelpers }));
  for (const c of [...cells].sort((l, r) => l - r)) out.push(`let m${c} = 0;`);
  const sorted = [...targets].sort((l, r) => r - l);
  if (structured) {
    out.push(sorted.map((t) => `L${t}: {`).join(' '));
  } else {
    out.push('let pc = 0;', 'for (;;) switch (pc) {', 'case 0:');
  }

  for (let i = 0; i < len; i++) {
    if (targets.has(i)) out.push(structured ? `} // L${i}` : `case ${i}:`);
    const { code, jt, jf, k } = insns[i]!;
    out.push(`// ${i}: code 0x${code.toString(16)} jt ${jt} jf ${jf} k ${k}`);
    out.push(emit(shape, i, code, jt, jf, k, goto));
  }
  if (!structured) out.push('default: return 0;', '}');
  out.push('return 0;', '};');
  return out.join('\n');
}

function emit(shape: PacketShape, i: number, code: number, jt: number, jf: number, k: number, goto: (from: number, to: number) => string): string {
  const { read, view } = shape;
  const ki = k | 0; // k as the kernel's signed int offset
  switch (code) {
    case BPF_RET | BPF_K: return `return ${k};`;
    case BPF_RET | BPF_A: return 'return a;';

    case BPF_LD | BPF_W | BPF_ABS:
    case BPF_LD | BPF_H | BPF_ABS:
    case BPF_LD | BPF_B | BPF_ABS: {
      if (isAncillaryOffset(k)) {
        if (ki - SKF_AD_OFF === SKF_AD_ALU_XOR_X) return 'a = (a ^ x) >>> 0;';
        return `a = loadAncillary(${ki}, ${view}, meta, a, x);`;
      }
      const size = sizeOf(code);
      if (ki < 0) return `t = loadPacket(${view}, meta, ${ki}, ${size}); if (t < 0) return 0; a = t;`;
      return `if (n < ${k + size}) return 0; a = ${read(String(k), size)};`;
    }
    case BPF_LD | BPF_W | BPF_IND:
    case BPF_LD | BPF_H | BPF_IND:
    case BPF_LD | BPF_B | BPF_IND: {
      const size = sizeOf(code);
      return `t = (x + ${ki}) | 0; if (t >= 0 && t <= n - ${size}) a = ${read('t', size)}; ` +
        `else { t = loadPacket(${view}, meta, t, ${size}); if (t < 0) return 0; a = t; }`;
    }
    case BPF_LDX | BPF_B | BPF_MSH:
      if (ki < 0) return `t = loadPacket(${view}, meta, ${ki}, 1); if (t < 0) return 0; x = (t & 15) << 2;`;
      return `if (n <= ${k}) return 0; x = (${read(String(k), 1)} & 15) << 2;`;
    case BPF_LD | BPF_W | BPF_LEN: return `a = ${shape.wireLength};`;
    case BPF_LDX | BPF_W | BPF_LEN: return `x = ${shape.wireLength};`;
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
