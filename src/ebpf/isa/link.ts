/**
 * Resolves label targets to slot offsets: jumps and local calls that name a label get the
 * distance, in 8-byte slots, from the slot after them to the label's slot (lddw counts two).
 */
import { LinkError } from '../../core/errors.js';
import { type Insn, type ProgramItem, type Target, slotsOf } from './insn.js';

export function link(items: readonly ProgramItem[]): Insn[] {
  const labels = new Map<string, number>();
  let slot = 0;
  for (const item of items) {
    if (item.kind === 'label') {
      if (labels.has(item.name)) throw new LinkError(`duplicate label '${item.name}'`, item.name);
      labels.set(item.name, slot);
    } else slot += slotsOf(item);
  }
  const resolve = (target: Target, next: number): number => {
    if (typeof target === 'number') return target;
    const at = labels.get(target);
    if (at === undefined) throw new LinkError(`unknown label '${target}'`, target);
    return at - next;
  };
  const out: Insn[] = [];
  slot = 0;
  for (const item of items) {
    if (item.kind === 'label') continue;
    slot += slotsOf(item);
    switch (item.kind) {
      case 'ja': case 'jmp': case 'call-local':
        out.push(typeof item.off === 'string' ? Object.freeze({ ...item, off: resolve(item.off, slot) }) : item);
        break;
      default:
        out.push(item);
    }
  }
  return out;
}

/** The slot index of every instruction in a linked program (index → pc). */
export function slotIndex(insns: readonly Insn[]): number[] {
  const pcs: number[] = [];
  let pc = 0;
  for (const insn of insns) { pcs.push(pc); pc += slotsOf(insn); }
  return pcs;
}
