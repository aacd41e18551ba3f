/**
 * Label resolution and encoding, as bpf_asm's second stage does it: a label names the index of
 * the instruction it precedes; `jmp L` stores `L - i - 1` in k (so a backward `jmp` wraps to a
 * large k, which bpf_asm accepts and the kernel's checker later rejects); a conditional target
 * stores `L - i - 1` in jt/jf and must fit in 0..255 ("insn #i jumps to insn #L, which is out
 * of range"). Unlike bpf_asm, which silently takes the first of two equal labels, a duplicate
 * label is an error here.
 */
import { AsmSyntaxError } from '../../core/errors.js';
import { insn, type ClassicInsn } from '../insn.js';
import { ClassicProgram } from '../program.js';
import { AsmLabelError } from './errors.js';
import { parseAsm, type AsmStatement, type LabelRef } from './parser.js';

/** Resolves the labels of parsed statements into instructions. */
export function resolveLabels(statements: readonly AsmStatement[]): ClassicInsn[] {
  const labels = new Map<string, { index: number; ref: LabelRef }>();
  statements.forEach((s, index) => {
    if (!s.label) return;
    const prior = labels.get(s.label.name);
    if (prior) {
      throw new AsmLabelError(`duplicate label '${s.label.name}' (first defined at line ${prior.ref.line}; bpf_asm would silently use that one)`, s.label.name, s.label.line, s.label.column);
    }
    labels.set(s.label.name, { index, ref: s.label });
  });
  const find = (ref: LabelRef): number => {
    const found = labels.get(ref.name);
    if (!found) throw new AsmLabelError(`no such label '${ref.name}'`, ref.name, ref.line, ref.column);
    return found.index;
  };
  return statements.map((s, i) => {
    const offset = (ref: LabelRef | undefined): number => {
      if (!ref) return 0;
      const target = find(ref);
      const delta = target - i - 1;
      if (delta < 0 || delta > 255) {
        throw new AsmSyntaxError(`insn #${i} jumps to insn #${target} ('${ref.name}'), which is out of range (jt/jf reach 0..255 instructions forward)`, ref.line, ref.column);
      }
      return delta;
    };
    const k = s.ja ? (find(s.ja) - i - 1) >>> 0 : s.k;
    return insn(s.code, offset(s.jt), offset(s.jf), k);
  });
}

/** Assembles bpf_asm source into a classic program, exactly as the kernel's bpf_asm does. */
export function assemble(text: string): ClassicProgram {
  return new ClassicProgram(resolveLabels(parseAsm(text)));
}
