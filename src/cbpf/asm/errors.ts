/** Errors of the bpf_asm assembler and disassembler, all with a location. */
import { BpfError, LinkError } from '../../core/errors.js';

/** A jump to a label that is not defined, or a label defined twice; `line`/`column` 1-based. */
export class AsmLabelError extends LinkError {
  readonly line: number;
  readonly column: number;
  constructor(message: string, label: string, line: number, column: number) {
    super(message, label);
    this.line = line;
    this.column = column;
  }
}

/** An instruction that bpf_asm text cannot express; `index` is its position in the program. */
export class DisasmError extends BpfError {
  readonly index: number;
  constructor(message: string, index: number) {
    super('UNSUPPORTED', message);
    this.index = index;
  }
}
