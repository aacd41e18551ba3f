/**
 * A minimal WebAssembly binary encoder: LEB128, a growable byte buffer, the instruction
 * opcodes the eBPF JIT emits, and a module builder (types, imports, functions, exports).
 * Only what the JIT needs; written from the WebAssembly core specification (binary format).
 */

/** Value types. */
export const I32 = 0x7f, I64 = 0x7e;
export type ValType = typeof I32 | typeof I64;

/** A growable byte buffer with LEB128 writers. */
export class Bytes {
  private buf = new Uint8Array(256);
  length = 0;
  byte(b: number): this {
    if (this.length === this.buf.length) { const n = new Uint8Array(this.buf.length * 2); n.set(this.buf); this.buf = n; }
    this.buf[this.length++] = b & 0xff;
    return this;
  }
  bytes(b: Uint8Array | readonly number[]): this { for (const x of b) this.byte(x); return this; }
  /** Unsigned LEB128 of a non-negative integer below 2^32. */
  u32(n: number): this {
    n >>>= 0;
    do { let b = n & 0x7f; n >>>= 7; if (n !== 0) b |= 0x80; this.byte(b); } while (n !== 0);
    return this;
  }
  /** Signed LEB128 of a 32-bit integer. */
  s32(n: number): this {
    n |= 0;
    for (;;) {
      const b = n & 0x7f; n >>= 7;
      if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) { this.byte(b); return this; }
      this.byte(b | 0x80);
    }
  }
  /** Signed LEB128 of a 64-bit integer (given as a bigint, any sign). */
  s64(v: bigint): this {
    let n = BigInt.asIntN(64, v);
    for (;;) {
      const b = Number(n & 0x7fn); n >>= 7n;
      if ((n === 0n && (b & 0x40) === 0) || (n === -1n && (b & 0x40) !== 0)) { this.byte(b); return this; }
      this.byte(b | 0x80);
    }
  }
  name(s: string): this { this.u32(s.length); for (let i = 0; i < s.length; i++) this.byte(s.charCodeAt(i)); return this; }
  /** Appends `b` prefixed with its length (a section or function body). */
  sized(b: Bytes): this { this.u32(b.length); return this.bytes(b.view()); }
  view(): Uint8Array { return this.buf.subarray(0, this.length); }
}

/** Opcodes (WebAssembly core spec, 5.4). */
export const OP = {
  unreachable: 0x00, block: 0x02, loop: 0x03, if: 0x04, else: 0x05, end: 0x0b, br: 0x0c, br_if: 0x0d, br_table: 0x0e,
  return: 0x0f, call: 0x10, drop: 0x1a, select: 0x1b,
  local_get: 0x20, local_set: 0x21, local_tee: 0x22,
  i32_load: 0x28, i64_load: 0x29, i32_load16_u: 0x2f, i32_load8_u: 0x2d,
  i64_load8_s: 0x30, i64_load8_u: 0x31, i64_load16_s: 0x32, i64_load16_u: 0x33, i64_load32_s: 0x34, i64_load32_u: 0x35,
  i32_store: 0x36, i64_store: 0x37, i64_store8: 0x3c, i64_store16: 0x3d, i64_store32: 0x3e,
  i32_const: 0x41, i64_const: 0x42,
  i32_eqz: 0x45, i32_eq: 0x46, i32_ne: 0x47, i32_lt_s: 0x48, i32_lt_u: 0x49, i32_gt_s: 0x4a, i32_gt_u: 0x4b,
  i32_le_s: 0x4c, i32_le_u: 0x4d, i32_ge_s: 0x4e, i32_ge_u: 0x4f,
  i64_eqz: 0x50, i64_eq: 0x51, i64_ne: 0x52, i64_lt_s: 0x53, i64_lt_u: 0x54, i64_gt_s: 0x55, i64_gt_u: 0x56,
  i64_le_s: 0x57, i64_le_u: 0x58, i64_ge_s: 0x59, i64_ge_u: 0x5a,
  i32_add: 0x6a, i32_sub: 0x6b, i32_mul: 0x6c, i32_div_s: 0x6d, i32_div_u: 0x6e, i32_rem_s: 0x6f, i32_rem_u: 0x70,
  i32_and: 0x71, i32_or: 0x72, i32_xor: 0x73, i32_shl: 0x74, i32_shr_s: 0x75, i32_shr_u: 0x76, i32_rotl: 0x77, i32_rotr: 0x78,
  i64_add: 0x7c, i64_sub: 0x7d, i64_mul: 0x7e, i64_div_s: 0x7f, i64_div_u: 0x80, i64_rem_s: 0x81, i64_rem_u: 0x82,
  i64_and: 0x83, i64_or: 0x84, i64_xor: 0x85, i64_shl: 0x86, i64_shr_s: 0x87, i64_shr_u: 0x88,
  i32_wrap_i64: 0xa7, i64_extend_i32_s: 0xac, i64_extend_i32_u: 0xad,
  i32_extend8_s: 0xc0, i32_extend16_s: 0xc1, i64_extend8_s: 0xc2, i64_extend16_s: 0xc3, i64_extend32_s: 0xc4,
} as const;

/** Block type "no result". */
export const VOID = 0x40;

/** A function body under construction: locals and the instruction stream. */
export class Code {
  readonly out = new Bytes();
  private readonly extra: ValType[] = [];
  constructor(readonly params: readonly ValType[]) {}
  /** Declares a new local and returns its index. */
  local(t: ValType): number { this.extra.push(t); return this.params.length + this.extra.length - 1; }
  op(o: number): this { this.out.byte(o); return this; }
  get(i: number): this { this.out.byte(OP.local_get).u32(i); return this; }
  set(i: number): this { this.out.byte(OP.local_set).u32(i); return this; }
  tee(i: number): this { this.out.byte(OP.local_tee).u32(i); return this; }
  i32(n: number): this { this.out.byte(OP.i32_const).s32(n); return this; }
  i64(v: bigint): this { this.out.byte(OP.i64_const).s64(v); return this; }
  /** A load or store with alignment hint `align` (log2) and a constant offset. */
  mem(o: number, align: number, offset = 0): this { this.out.byte(o).u32(align).u32(offset); return this; }
  block(type: number = VOID): this { this.out.byte(OP.block).byte(type); return this; }
  loop(type: number = VOID): this { this.out.byte(OP.loop).byte(type); return this; }
  if(type: number = VOID): this { this.out.byte(OP.if).byte(type); return this; }
  /** `if` with a multi-value block type given by a type index. */
  ifType(typeIndex: number): this { this.out.byte(OP.if).s32(typeIndex); return this; }
  else(): this { return this.op(OP.else); }
  end(): this { return this.op(OP.end); }
  br(depth: number): this { this.out.byte(OP.br).u32(depth); return this; }
  brIf(depth: number): this { this.out.byte(OP.br_if).u32(depth); return this; }
  brTable(depths: readonly number[], dflt: number): this {
    this.out.byte(OP.br_table).u32(depths.length);
    for (const d of depths) this.out.u32(d);
    this.out.u32(dflt);
    return this;
  }
  call(f: number): this { this.out.byte(OP.call).u32(f); return this; }
  /** memory.fill (bulk memory): dest, value, length on the stack. */
  memoryFill(): this { this.out.byte(0xfc).u32(11).byte(0); return this; }
  /** The encoded body: local declarations (run-length grouped), code, `end`. */
  body(): Bytes {
    const b = new Bytes();
    const groups: [number, ValType][] = [];
    for (const t of this.extra) {
      const last = groups[groups.length - 1];
      if (last && last[1] === t) last[0]++; else groups.push([1, t]);
    }
    b.u32(groups.length);
    for (const [n, t] of groups) b.u32(n).byte(t);
    b.bytes(this.out.view()).byte(OP.end);
    return b;
  }
}

interface FuncType { readonly params: readonly ValType[]; readonly results: readonly ValType[] }

/** A module: function types, imported functions and memory, defined functions, exports. */
export class ModuleBuilder {
  private readonly types: FuncType[] = [];
  private readonly imports: { module: string; name: string; type: number }[] = [];
  private readonly funcs: { type: number; code?: Code }[] = [];
  private readonly exports: { name: string; func: number }[] = [];
  private memory: { module: string; name: string; min: number } | undefined;

  /** The index of a function type, added on first use (also usable as a block type). */
  type(params: readonly ValType[], results: readonly ValType[]): number {
    const i = this.types.findIndex((t) => t.params.length === params.length && t.results.length === results.length
      && t.params.every((p, k) => p === params[k]) && t.results.every((r, k) => r === results[k]));
    if (i >= 0) return i;
    this.types.push({ params, results });
    return this.types.length - 1;
  }
  /** Imports a function; imports must all be declared before any function is defined. */
  importFunc(module: string, name: string, params: readonly ValType[], results: readonly ValType[]): number {
    if (this.funcs.length > 0) throw new Error('imports come before defined functions');
    this.imports.push({ module, name, type: this.type(params, results) });
    return this.imports.length - 1;
  }
  importMemory(module: string, name: string, minPages: number): void { this.memory = { module, name, min: minPages }; }
  /** Declares a function (its body is given later with `define`) and returns its index. */
  declare(params: readonly ValType[], results: readonly ValType[]): number {
    this.funcs.push({ type: this.type(params, results) });
    return this.imports.length + this.funcs.length - 1;
  }
  define(index: number, code: Code): void { this.funcs[index - this.imports.length]!.code = code; }
  export(name: string, func: number): void { this.exports.push({ name, func }); }

  encode(): Uint8Array {
    const out = new Bytes().bytes([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
    const section = (id: number, fill: (b: Bytes) => void) => { const b = new Bytes(); fill(b); out.byte(id).sized(b); };
    section(1, (b) => {
      b.u32(this.types.length);
      for (const t of this.types) { b.byte(0x60).u32(t.params.length).bytes(t.params).u32(t.results.length).bytes(t.results); }
    });
    section(2, (b) => {
      b.u32(this.imports.length + (this.memory ? 1 : 0));
      for (const imp of this.imports) b.name(imp.module).name(imp.name).byte(0x00).u32(imp.type);
      if (this.memory) b.name(this.memory.module).name(this.memory.name).byte(0x02).byte(0x00).u32(this.memory.min);
    });
    section(3, (b) => { b.u32(this.funcs.length); for (const f of this.funcs) b.u32(f.type); });
    section(7, (b) => { b.u32(this.exports.length); for (const e of this.exports) b.name(e.name).byte(0x00).u32(e.func); });
    section(10, (b) => {
      b.u32(this.funcs.length);
      for (const f of this.funcs) {
        if (!f.code) throw new Error('function declared but not defined');
        b.sized(f.code.body());
      }
    });
    return out.view().slice();
  }
}
