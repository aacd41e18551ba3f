/**
 * Program listings exactly as `tcpdump -d`, `-dd` and `-ddd` print them. tcpdump hands its
 * count of `d` flags to libpcap's bpf_dump(): 1 prints one bpf_image() line per instruction,
 * 2 prints C initialisers, 3 prints a count line and decimal `code jt jf k` lines. The text
 * below reproduces libpcap 1.10.3 byte for byte, including its quirks: `k` printed with `%d`
 * (so large constants come out negative), ancillary offsets named on Linux builds, `unimp`
 * for every opcode it has no name for, and a trailing blank operand on `ret a`, `tax`, ...
 */
import { BpfError } from '../core/errors.js';
import type { ClassicInsn } from './insn.js';
import type { ClassicProgram } from './program.js';
import {
  BPF_ABS, BPF_ADD, BPF_ALU, BPF_AND, BPF_B, BPF_DIV, BPF_H, BPF_IMM, BPF_IND, BPF_JA, BPF_JEQ,
  BPF_JGE, BPF_JGT, BPF_JMP, BPF_JSET, BPF_K, BPF_LD, BPF_LDX, BPF_LEN, BPF_LSH, BPF_MEM,
  BPF_MISC, BPF_MOD, BPF_MSH, BPF_MUL, BPF_NEG, BPF_OR, BPF_RET, BPF_RSH, BPF_ST, BPF_STX,
  BPF_SUB, BPF_TAX, BPF_TXA, BPF_W, BPF_X, BPF_XOR, BPF_A, BPF_CLASS, BPF_OP, SKF_AD_OFF,
} from './opcodes.js';

export type ListingStyle = 'd' | 'dd' | 'ddd';

/** How bpf_image() renders the operand of a known opcode. */
type Operand =
  | 'none'    // ""
  | 'dec'     // "#%d"
  | 'hex'     // "#0x%x"
  | 'abs'     // "[%d]" or "[proto]" for a Linux ancillary offset
  | 'ind'     // "[x + %d]"
  | 'mem'     // "M[%d]"
  | 'msh'     // "4*([%d]&0xf)"
  | 'len'     // "#pktlen"
  | 'x'       // "x"
  | 'ja';     // "%d" of the absolute target

/** libpcap's bpf_image() table: opcode → mnemonic and operand form. Absent = `unimp`. */
const IMAGE: ReadonlyMap<number, readonly [string, Operand]> = new Map<number, readonly [string, Operand]>([
  [BPF_RET | BPF_K, ['ret', 'dec']],
  [BPF_RET | BPF_A, ['ret', 'none']],
  [BPF_LD | BPF_W | BPF_ABS, ['ld', 'abs']],
  [BPF_LD | BPF_H | BPF_ABS, ['ldh', 'abs']],
  [BPF_LD | BPF_B | BPF_ABS, ['ldb', 'abs']],
  [BPF_LD | BPF_W | BPF_LEN, ['ld', 'len']],
  [BPF_LD | BPF_W | BPF_IND, ['ld', 'ind']],
  [BPF_LD | BPF_H | BPF_IND, ['ldh', 'ind']],
  [BPF_LD | BPF_B | BPF_IND, ['ldb', 'ind']],
  [BPF_LD | BPF_IMM, ['ld', 'hex']],
  [BPF_LDX | BPF_IMM, ['ldx', 'hex']],
  [BPF_LDX | BPF_MSH | BPF_B, ['ldxb', 'msh']],
  [BPF_LD | BPF_MEM, ['ld', 'mem']],
  [BPF_LDX | BPF_MEM, ['ldx', 'mem']],
  [BPF_ST, ['st', 'mem']],
  [BPF_STX, ['stx', 'mem']],
  [BPF_JMP | BPF_JA, ['ja', 'ja']],
  ...(([[BPF_JGT, 'jgt'], [BPF_JGE, 'jge'], [BPF_JEQ, 'jeq'], [BPF_JSET, 'jset']] as const).flatMap(
    ([op, name]) => [[BPF_JMP | op | BPF_K, [name, 'hex']], [BPF_JMP | op | BPF_X, [name, 'x']]] as const,
  )),
  ...(([
    [BPF_ADD, 'add', 'dec'], [BPF_SUB, 'sub', 'dec'], [BPF_MUL, 'mul', 'dec'], [BPF_DIV, 'div', 'dec'],
    [BPF_MOD, 'mod', 'dec'], [BPF_AND, 'and', 'hex'], [BPF_OR, 'or', 'hex'], [BPF_XOR, 'xor', 'hex'],
    [BPF_LSH, 'lsh', 'dec'], [BPF_RSH, 'rsh', 'dec'],
  ] as const).flatMap(
    ([op, name, form]) => [[BPF_ALU | op | BPF_K, [name, form]], [BPF_ALU | op | BPF_X, [name, 'x']]] as const,
  )),
  [BPF_ALU | BPF_NEG, ['neg', 'none']],
  [BPF_MISC | BPF_TAX, ['tax', 'none']],
  [BPF_MISC | BPF_TXA, ['txa', 'none']],
]);

/**
 * Names libpcap gives the Linux ancillary offsets SKF_AD_OFF + n (its `offsets[]` table,
 * compiled in on Linux). Note libpcap's own spellings (`vlanp`, `random`, `xor_x`), which
 * differ from bpf_asm's.
 */
const ANCILLARY_NAMES: readonly (readonly [number, string])[] = [
  [0, 'proto'], [4, 'type'], [8, 'ifidx'], [12, 'nla'], [16, 'nlan'], [20, 'mark'], [24, 'queue'],
  [28, 'hatype'], [32, 'rxhash'], [36, 'cpu'], [40, 'xor_x'], [44, 'vlan_tci'], [48, 'vlanp'],
  [52, 'poff'], [56, 'random'], [60, 'vlan_tpid'],
];
const ANCILLARY = new Map<number, string>(ANCILLARY_NAMES.map(([off, name]) => [(SKF_AD_OFF + off) >>> 0, name]));

/** C's `%d` of a 32-bit value. */
const int32 = (v: number): string => String(v | 0);
const hex = (v: number): string => (v >>> 0).toString(16);

function operand(form: Operand, ins: ClassicInsn, n: number): string {
  switch (form) {
    case 'none': return '';
    case 'dec': return `#${int32(ins.k)}`;
    case 'hex': return `#0x${hex(ins.k)}`;
    case 'abs': {
      const name = ANCILLARY.get(ins.k);
      return name === undefined ? `[${int32(ins.k)}]` : `[${name}]`;
    }
    case 'ind': return `[x + ${int32(ins.k)}]`;
    case 'mem': return `M[${int32(ins.k)}]`;
    case 'msh': return `4*([${int32(ins.k)}]&0xf)`;
    case 'len': return '#pktlen';
    case 'x': return 'x';
    // `n + 1 + p->k` is unsigned arithmetic in C, printed with %d.
    case 'ja': return int32(n + 1 + ins.k);
  }
}

/** One line of `tcpdump -d` (libpcap's bpf_image()) for instruction `ins` at index `n`. */
export function imageLine(ins: ClassicInsn, n: number): string {
  const known = IMAGE.get(ins.code);
  const op = known ? known[0] : 'unimp';
  const text = known ? operand(known[1], ins, n) : `0x${hex(ins.code)}`;
  const index = String(n).padStart(3, '0');
  // The jt/jf columns depend on the class and op bits only, so an unknown opcode of the jump
  // class (say 0x55) still gets them.
  if (BPF_CLASS(ins.code) === BPF_JMP && BPF_OP(ins.code) !== BPF_JA) {
    return `(${index}) ${op.padEnd(8)} ${text.padEnd(16)} jt ${n + 1 + ins.jt}\tjf ${n + 1 + ins.jf}`;
  }
  return `(${index}) ${op.padEnd(8)} ${text}`;
}

/** One line of `tcpdump -dd`. */
export function cLine(ins: ClassicInsn): string {
  return `{ 0x${hex(ins.code)}, ${ins.jt}, ${ins.jf}, 0x${hex(ins.k).padStart(8, '0')} },`;
}

/** One line of `tcpdump -ddd` (after the count line). */
export function decimalLine(ins: ClassicInsn): string {
  return `${ins.code} ${ins.jt} ${ins.jf} ${ins.k >>> 0}`;
}

/**
 * The listing tcpdump prints for `program` with `-d`, `-dd` or `-ddd`; every line ends in a
 * newline, as on tcpdump's standard output.
 */
export function formatListing(program: ClassicProgram | readonly ClassicInsn[], style: ListingStyle): string {
  const insns: readonly ClassicInsn[] = 'instructions' in program ? program.instructions : program;
  let lines: string[];
  switch (style) {
    case 'd': lines = insns.map((ins, n) => imageLine(ins, n)); break;
    case 'dd': lines = insns.map(cLine); break;
    case 'ddd': lines = [String(insns.length), ...insns.map(decimalLine)]; break;
    default: throw new BpfError('USAGE', `unknown listing style '${String(style)}' (expected 'd', 'dd' or 'ddd')`);
  }
  return lines.map((l) => `${l}\n`).join('');
}
