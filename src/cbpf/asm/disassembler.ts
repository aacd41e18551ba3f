/**
 * Classic instructions back to bpf_asm text that bpf_asm (and assemble()) turn into the same
 * instructions. Jump targets get labels `l<index>` (as tools/bpf/bpf_dbg's disassembler names
 * instructions), and the pseudo-jumps are used where they say what the code means: a jump whose
 * true branch falls through prints as `jneq`/`jlt`/`jle`, one whose false branch falls through
 * prints with a single target.
 *
 * Fields an opcode ignores cannot be written in bpf_asm (it always emits 0 there). tcpdump
 * itself emits such values (its `tax` carries a leftover k), so they are dropped with a `;` comment
 * saying so; canonicalInsn() gives the instruction bpf_asm will produce. Opcodes bpf_asm has no
 * syntax for, and jumps outside the program, throw DisasmError.
 */
import { BpfError } from '../../core/errors.js';
import type { ClassicInsn } from '../insn.js';
import { insn } from '../insn.js';
import type { ClassicProgram } from '../program.js';
import {
  BPF_A, BPF_ABS, BPF_ADD, BPF_ALU, BPF_AND, BPF_B, BPF_DIV, BPF_H, BPF_IMM, BPF_IND, BPF_JA,
  BPF_JEQ, BPF_JGE, BPF_JGT, BPF_JMP, BPF_JSET, BPF_K, BPF_LD, BPF_LDX, BPF_LEN, BPF_LSH,
  BPF_MEM, BPF_MISC, BPF_MOD, BPF_MSH, BPF_MUL, BPF_NEG, BPF_OR, BPF_RET, BPF_RSH, BPF_ST,
  BPF_STX, BPF_SUB, BPF_TAX, BPF_TXA, BPF_W, BPF_X, BPF_XOR, SKF_AD_OFF,
} from '../opcodes.js';
import { DisasmError } from './errors.js';
import { EXTENSIONS } from './lexer.js';

/** Which fields an opcode reads: 'k' and/or the jump offsets. */
type Uses = { readonly k: boolean; readonly jumps: boolean };

type Form = (k: number) => string;
const dec: Form = (k) => String(k >>> 0);
const hexish: Form = (k) => ((k >>> 0) < 10 ? String(k >>> 0) : `0x${(k >>> 0).toString(16)}`);
const offset: Form = (k) => ((k >>> 0) < 0x80000000 ? String(k >>> 0) : `0x${(k >>> 0).toString(16)}`);

/** bpf_asm names for SKF_AD_OFF + n (its first spelling; `vlan_pr` is only an input alias). */
const EXT_NAME = new Map<number, string>();
for (const [name, off] of EXTENSIONS) if (!EXT_NAME.has((SKF_AD_OFF + off) >>> 0)) EXT_NAME.set((SKF_AD_OFF + off) >>> 0, name);

interface Entry { readonly uses: Uses; readonly text: (k: number) => string }
const K_ONLY: Uses = { k: true, jumps: false };
const NOTHING: Uses = { k: false, jumps: false };

/** Every opcode bpf_asm can produce, with its text (jumps are handled separately). */
const TABLE = new Map<number, Entry>();
for (const [size, name] of [[BPF_W, 'ld'], [BPF_H, 'ldh'], [BPF_B, 'ldb']] as const) {
  TABLE.set(BPF_LD | size | BPF_ABS, { uses: K_ONLY, text: (k) => { const ext = EXT_NAME.get(k >>> 0); return ext ? `${name} #${ext}` : `${name} [${offset(k)}]`; } });
  TABLE.set(BPF_LD | size | BPF_IND, { uses: K_ONLY, text: (k) => `${name} [x + ${offset(k)}]` });
}
TABLE.set(BPF_LD | BPF_IMM, { uses: K_ONLY, text: (k) => `ld #${hexish(k)}` });
TABLE.set(BPF_LD | BPF_W | BPF_LEN, { uses: NOTHING, text: () => 'ld #len' });
TABLE.set(BPF_LD | BPF_MEM, { uses: K_ONLY, text: (k) => `ld M[${dec(k)}]` });
TABLE.set(BPF_LDX | BPF_IMM, { uses: K_ONLY, text: (k) => `ldx #${hexish(k)}` });
TABLE.set(BPF_LDX | BPF_W | BPF_LEN, { uses: NOTHING, text: () => 'ldx #len' });
TABLE.set(BPF_LDX | BPF_MEM, { uses: K_ONLY, text: (k) => `ldx M[${dec(k)}]` });
TABLE.set(BPF_LDX | BPF_MSH | BPF_B, { uses: K_ONLY, text: (k) => `ldxb 4*([${offset(k)}]&0xf)` });
TABLE.set(BPF_ST, { uses: K_ONLY, text: (k) => `st M[${dec(k)}]` });
TABLE.set(BPF_STX, { uses: K_ONLY, text: (k) => `stx M[${dec(k)}]` });
for (const [op, name, form] of [
  [BPF_ADD, 'add', dec], [BPF_SUB, 'sub', dec], [BPF_MUL, 'mul', dec], [BPF_DIV, 'div', dec],
  [BPF_MOD, 'mod', dec], [BPF_AND, 'and', hexish], [BPF_OR, 'or', hexish], [BPF_XOR, 'xor', hexish],
  [BPF_LSH, 'lsh', dec], [BPF_RSH, 'rsh', dec],
] as const) {
  TABLE.set(BPF_ALU | op | BPF_K, { uses: K_ONLY, text: (k) => `${name} #${form(k)}` });
  TABLE.set(BPF_ALU | op | BPF_X, { uses: NOTHING, text: () => `${name} x` });
}
TABLE.set(BPF_ALU | BPF_NEG, { uses: NOTHING, text: () => 'neg' });
TABLE.set(BPF_RET | BPF_K, { uses: K_ONLY, text: (k) => `ret #${dec(k)}` });
TABLE.set(BPF_RET | BPF_A, { uses: NOTHING, text: () => 'ret a' });
TABLE.set(BPF_RET | BPF_X, { uses: NOTHING, text: () => 'ret x' });
TABLE.set(BPF_MISC | BPF_TAX, { uses: NOTHING, text: () => 'tax' });
TABLE.set(BPF_MISC | BPF_TXA, { uses: NOTHING, text: () => 'txa' });

const JUMP_NAMES = new Map<number, { name: string; inverted?: string }>([
  [BPF_JEQ, { name: 'jeq', inverted: 'jneq' }], [BPF_JGT, { name: 'jgt', inverted: 'jle' }],
  [BPF_JGE, { name: 'jge', inverted: 'jlt' }], [BPF_JSET, { name: 'jset' }],
]);

function usesOf(code: number): Uses | undefined {
  if (code === (BPF_JMP | BPF_JA)) return K_ONLY;
  if ((code & 0x07) === BPF_JMP && JUMP_NAMES.has(code & 0xf0) && (code & ~0xf8) === BPF_JMP) {
    return { k: (code & 0x08) === BPF_K, jumps: true };
  }
  return TABLE.get(code)?.uses;
}

/** True when bpf_asm has syntax for this opcode. */
export function isAsmOpcode(code: number): boolean {
  return usesOf(code) !== undefined;
}

/**
 * The instruction bpf_asm produces for `ins`: fields the opcode ignores set to 0. Throws
 * DisasmError for an opcode bpf_asm cannot write.
 */
export function canonicalInsn(ins: ClassicInsn, index = 0): ClassicInsn {
  const uses = usesOf(ins.code);
  if (!uses) throw new DisasmError(`insn #${index}: opcode 0x${ins.code.toString(16)} has no bpf_asm syntax`, index);
  return insn(ins.code, uses.jumps ? ins.jt : 0, uses.jumps ? ins.jf : 0, uses.k ? ins.k : 0);
}

export interface DisassembleOptions {
  /** Prefix of generated labels (default `l`, giving `l12`); must make bpf_asm labels. */
  readonly labelPrefix?: string;
}

/** bpf_asm source for a classic program, one instruction per line. */
export function disassemble(program: ClassicProgram | readonly ClassicInsn[], options: DisassembleOptions = {}): string {
  const insns: readonly ClassicInsn[] = 'instructions' in program ? program.instructions : program;
  const prefix = options.labelPrefix ?? 'l';
  // bpf_exp.l labels are [a-zA-Z_][a-zA-Z0-9_]+; a digit always follows the prefix.
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(prefix)) throw new BpfError('USAGE', `label prefix '${prefix}' does not make bpf_asm labels ([A-Za-z_][A-Za-z0-9_]*)`);
  const targets = new Set<number>();
  const target = (i: number, to: number): number => {
    if (to < 0 || to >= insns.length) {
      throw new DisasmError(`insn #${i} jumps to insn #${to}, outside the ${insns.length}-instruction program: bpf_asm labels must name an instruction`, i);
    }
    targets.add(to);
    return to;
  };
  const bodies = insns.map((ins, i) => {
    const c = canonicalInsn(ins, i);
    const dropped = [
      c.k !== ins.k ? `k=${ins.k >>> 0}` : '',
      c.jt !== ins.jt ? `jt=${ins.jt}` : '',
      c.jf !== ins.jf ? `jf=${ins.jf}` : '',
    ].filter(Boolean);
    const note = dropped.length ? `\t; ignored field ${dropped.join(' ')} not kept` : '';
    return { ins: c, note, i };
  }).map(({ ins, note, i }) => {
    const L = (to: number): string => `${prefix}${target(i, to)}`;
    if (ins.code === (BPF_JMP | BPF_JA)) return `ja ${L((i + 1 + ins.k) % 0x1_0000_0000)}${note}`;
    const entry = TABLE.get(ins.code);
    if (entry) return `${entry.text(ins.k)}${note}`;
    const j = JUMP_NAMES.get(ins.code & 0xf0)!;
    const operand = (ins.code & 0x08) === BPF_X ? 'x' : `#${hexish(ins.k)}`;
    if (ins.jf === 0) return `${j.name} ${operand}, ${L(i + 1 + ins.jt)}${note}`;
    if (ins.jt === 0 && j.inverted) return `${j.inverted} ${operand}, ${L(i + 1 + ins.jf)}${note}`;
    return `${j.name} ${operand}, ${L(i + 1 + ins.jt)}, ${L(i + 1 + ins.jf)}${note}`;
  });
  return bodies.map((body, i) => `${targets.has(i) ? `${prefix}${i}:` : ''}\t${body}\n`).join('');
}
