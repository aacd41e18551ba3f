/**
 * The one error base of tsbpf. Every error the library throws carries a stable `code` so that
 * callers (and the CLI) can branch on it without parsing messages, and locations travel as
 * fields (`index`, `offset`, `column`, ...) on the subclasses rather than inside the text.
 *
 * Faults in a user's program (a checker rejection, a VM fault) are reported as results where
 * the API allows it; misuse of the API and unparsable input throw.
 */
export type ErrorCode =
  | 'DECODE'          // bytes that are not a valid instruction stream
  | 'ENCODE'          // an instruction value that cannot be encoded
  | 'ASM_SYNTAX'      // assembler text that does not parse
  | 'LINK'            // unknown or duplicate label
  | 'CHECK'           // classic checker rejection
  | 'VM_FAULT'        // a run-time fault in an interpreter or JIT
  | 'FILTER'          // pcap-filter expression rejected
  | 'CAPTURE'         // corrupt or truncated capture file
  | 'KERNEL'          // an error returned by bpf(2)
  | 'USAGE'           // wrong use of the API or the CLI
  | 'UNSUPPORTED';    // a valid input outside what this build implements

export class BpfError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** Assembler text that does not parse; `line` and `column` are 1-based. */
export class AsmSyntaxError extends BpfError {
  readonly line: number;
  readonly column: number;
  constructor(message: string, line: number, column = 1, options?: ErrorOptions) {
    super('ASM_SYNTAX', message, options);
    this.line = line;
    this.column = column;
  }
}

/** Bytes that do not decode; `offset` is the byte offset of the offending instruction. */
export class DecodeError extends BpfError {
  readonly offset: number;
  constructor(message: string, offset: number, options?: ErrorOptions) {
    super('DECODE', message, options);
    this.offset = offset;
  }
}

/** A label that is referenced but never defined, or defined twice. */
export class LinkError extends BpfError {
  readonly label: string;
  constructor(message: string, label: string, options?: ErrorOptions) {
    super('LINK', message, options);
    this.label = label;
  }
}
