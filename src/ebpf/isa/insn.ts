/**
 * eBPF instruction values (RFC 9669, cpu v1–v4) as an immutable semantic union. Tools (the
 * assemblers, the disassembler, the interpreter, the verifier) work on these values; raw
 * 8-byte slots exist only at the byte boundary (codec.ts).
 *
 * Jump and call targets are slot offsets relative to the next instruction, as in the encoding,
 * or a label name that link.ts resolves. `lddw` is one value occupying two slots.
 */

export type Reg = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10;
/** A register or a signed 32-bit immediate. */
export type Operand = { readonly reg: Reg } | { readonly imm: number };
/** A slot offset (relative to the next slot) or a label resolved by `link`. */
export type Target = number | string;
export type Size = 1 | 2 | 4 | 8;

export type AluOp =
  | 'add' | 'sub' | 'mul' | 'div' | 'sdiv' | 'or' | 'and' | 'lsh' | 'rsh' | 'neg'
  | 'mod' | 'smod' | 'xor' | 'mov' | 'movsx8' | 'movsx16' | 'movsx32' | 'arsh';
export type JmpCond = 'eq' | 'gt' | 'ge' | 'set' | 'ne' | 'sgt' | 'sge' | 'lt' | 'le' | 'slt' | 'sle';
export type AtomicOp = 'add' | 'or' | 'and' | 'xor' | 'xchg' | 'cmpxchg';
export type ByteOrder = 'le' | 'be' | 'swap';

/** ALU (wide=false: 32-bit, upper half zeroed) or ALU64 (wide=true). */
export interface AluInsn { readonly kind: 'alu'; readonly op: AluOp; readonly wide: boolean; readonly dst: Reg; readonly src: Operand }
/** le/be (ALU class) convert from host order; swap (ALU64 class, v4) always swaps. */
export interface EndInsn { readonly kind: 'end'; readonly order: ByteOrder; readonly bits: 16 | 32 | 64; readonly dst: Reg }
/** dst = *(size *)(src + off); signed = sign-extending load (v4). */
export interface LoadInsn { readonly kind: 'ldx'; readonly size: Size; readonly signed: boolean; readonly dst: Reg; readonly src: Reg; readonly off: number }
/** *(size *)(dst + off) = imm */
export interface StoreImmInsn { readonly kind: 'st'; readonly size: Size; readonly dst: Reg; readonly off: number; readonly imm: number }
/** *(size *)(dst + off) = src */
export interface StoreRegInsn { readonly kind: 'stx'; readonly size: Size; readonly dst: Reg; readonly src: Reg; readonly off: number }
/** Atomic read-modify-write on *(size *)(dst + off); `fetch` returns the old value in src (r0 for cmpxchg). */
export interface AtomicInsn { readonly kind: 'atomic'; readonly op: AtomicOp; readonly fetch: boolean; readonly size: 4 | 8; readonly dst: Reg; readonly src: Reg; readonly off: number }
/** Legacy packet load r0 = ntoh(*(size *)(skb->data + imm)). */
export interface LoadAbsInsn { readonly kind: 'ldabs'; readonly size: Size; readonly imm: number }
/** Legacy packet load r0 = ntoh(*(size *)(skb->data + src + imm)). */
export interface LoadIndInsn { readonly kind: 'ldind'; readonly size: Size; readonly src: Reg; readonly imm: number }
/**
 * The two-slot 64-bit immediate load. `value` is the unsigned 64-bit constant formed by the two
 * imm fields (low | high << 32); with a pseudo source its halves mean what linux/bpf.h says
 * (map fd or index in the low half, value offset in the high half, BTF id, function offset).
 */
export interface Lddw { readonly kind: 'lddw'; readonly dst: Reg; readonly pseudo: number; readonly value: bigint }
/** Unconditional jump; long=true is `gotol` (JMP32 class, 32-bit offset in imm, v4). */
export interface JaInsn { readonly kind: 'ja'; readonly long: boolean; readonly off: Target }
/** Conditional jump, 64-bit compare (JMP) or 32-bit compare (JMP32, wide=false). */
export interface JmpInsn { readonly kind: 'jmp'; readonly cond: JmpCond; readonly wide: boolean; readonly dst: Reg; readonly src: Operand; readonly off: Target }
/** Helper call by number. */
export interface CallInsn { readonly kind: 'call'; readonly helper: number }
/** bpf-to-bpf call; `off` is relative to the next slot (encoded in imm). */
export interface CallLocalInsn { readonly kind: 'call-local'; readonly off: Target }
/** Kernel function call by BTF id; `module` is the fd-array index (off field). */
export interface KfuncCallInsn { readonly kind: 'kfunc'; readonly btfId: number; readonly module: number }
export interface ExitInsn { readonly kind: 'exit' }

export type Insn =
  | AluInsn | EndInsn | LoadInsn | StoreImmInsn | StoreRegInsn | AtomicInsn | LoadAbsInsn | LoadIndInsn
  | Lddw | JaInsn | JmpInsn | CallInsn | CallLocalInsn | KfuncCallInsn | ExitInsn;

/** A label marker in an instruction list before linking; it occupies no slot. */
export interface Label { readonly kind: 'label'; readonly name: string }
export type ProgramItem = Insn | Label;

/** The number of 8-byte slots an instruction occupies. */
export const slotsOf = (insn: Insn): 1 | 2 => (insn.kind === 'lddw' ? 2 : 1);

export const R0: Reg = 0, R1: Reg = 1, R2: Reg = 2, R3: Reg = 3, R4: Reg = 4, R5: Reg = 5;
export const R6: Reg = 6, R7: Reg = 7, R8: Reg = 8, R9: Reg = 9, R10: Reg = 10;

export const isReg = (n: number): n is Reg => Number.isInteger(n) && n >= 0 && n <= 10;
