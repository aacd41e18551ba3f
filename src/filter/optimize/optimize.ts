import type { ClassicInsn } from '../../cbpf/insn.js';
/** Placeholder until the optimizer lands: returns the program unchanged. */
export function optimizeProgram(insns: readonly ClassicInsn[]): ClassicInsn[] { return [...insns]; }
