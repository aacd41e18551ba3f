/**
 * Assembler for the LLVM/kernel eBPF syntax: the text llvm-mc-19 accepts for BPF and the text
 * llvm-objdump-19 prints (see llvm-disasm.ts), so a dump can be assembled back.
 *
 * Accepted beyond llvm-mc: `;` comments (llvm-mc only knows `#` and `//`), the `<sym+0x..>`
 * annotation llvm-objdump prints after jump offsets, whole llvm-objdump listings (address and
 * byte columns, symbol headers, which become labels), `skb[rN + imm]`, and 32-bit registers
 * where llvm-objdump prints them without alu32 (`*(u32 *)(r1 + 0x0) = r2`). Stricter than
 * llvm-mc: immediates outside the 32-bit field and registers above r10 are errors instead of
 * being truncated or encoded.
 *
 * `r1 = map ll` names a symbol: the result carries a relocation for that instruction and the
 * lddw keeps value 0 and pseudo source 0, the bytes clang and llvm-mc emit (the loader sets the
 * map pseudo source when it resolves the symbol; `mapPseudo` sets it here instead). `call f` to a label is a local call; to an
 * unknown name it is a local call with offset -1 and a relocation, as clang emits across sections.
 */
import { AsmSyntaxError, BpfError } from '../../core/errors.js';
import { slotsOf, type AluOp, type AtomicOp, type Insn, type JmpCond, type ProgramItem, type Reg, type Size } from '../isa/insn.js';
import { link } from '../isa/link.js';

export interface LlvmRelocation {
  /** Index of the instruction in `insns` (labels excluded). */
  readonly index: number;
  readonly symbol: string;
  /** `map`: `rN = sym ll`; `call`: `call sym` with no such label. */
  readonly kind: 'map' | 'call';
  readonly line: number;
}

export interface LlvmAsmOptions {
  /**
   * The pseudo source for `rN = symbol ll` (default 0, the bytes clang and llvm-mc emit; 1 =
   * BPF_PSEUDO_MAP_FD or 5 = BPF_PSEUDO_MAP_IDX for a loader that patches the immediate).
   */
  readonly mapPseudo?: number;
}

/** One executable section of the source, linked on its own as clang links it. */
export interface LlvmSection {
  /** `.text`, the name of `.section NAME,"ax"`, or '' for code before any section directive. */
  readonly name: string;
  readonly insns: readonly Insn[];
  /** Map references, and calls to names that are not labels of this section (offset -1, as clang emits). */
  readonly relocations: readonly LlvmRelocation[];
}

export interface LlvmAssembly {
  /** Instructions and labels of every executable section in source order, jump targets as label names. */
  readonly items: readonly ProgramItem[];
  /** All of it as one flat program, every label resolved to a slot offset. */
  readonly insns: readonly Insn[];
  readonly relocations: readonly LlvmRelocation[];
  /** Each executable section linked separately (labels of other sections become call relocations). */
  readonly sections: readonly LlvmSection[];
}

type TokKind = 'ident' | 'num' | 'punct';
interface Tok { readonly kind: TokKind; readonly text: string; readonly col: number; readonly value?: bigint }

const PUNCT = ['s>>=', '<<=', '>>=', 's/=', 's%=', 's>=', 's<=', 's>', 's<', '+=', '-=', '*=', '/=', '|=', '&=', '^=', '%=', '==', '!=', '>=', '<=',
  '>', '<', '=', '&', '(', ')', '*', '[', ']', ',', '+', '-', ':'];

function lex(line: string, lineNo: number): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (c === ' ' || c === '\t' || c === '\r') { i++; continue; }
    if (c === ';' || c === '#' || line.startsWith('//', i)) break;
    const col = i + 1;
    if (/[0-9]/.test(c)) {
      const m = /^(0[xX][0-9a-fA-F]+|0[bB][01]+|[0-9]+)(?![A-Za-z0-9_])/.exec(line.slice(i));
      if (!m) throw new AsmSyntaxError(`invalid number '${/^[0-9A-Za-z_]+/.exec(line.slice(i))![0]}'`, lineNo, col);
      const t = m[1]!;
      let value: bigint;
      if (/^0[bB]/.test(t)) value = BigInt(t);
      else if (/^0[xX]/.test(t)) value = BigInt(t);
      else if (t.length > 1 && t.startsWith('0')) {
        if (!/^[0-7]+$/.test(t)) throw new AsmSyntaxError(`invalid octal number '${t}'`, lineNo, col);
        value = BigInt(`0o${t.slice(1)}`);
      } else value = BigInt(t);
      out.push({ kind: 'num', text: t, col, value });
      i += t.length;
      continue;
    }
    // `s` directly followed by an operator is a signed operator (s>>=, s/=, s<, ...).
    if (c === 's') {
      const p = PUNCT.find((q) => q.startsWith('s') && line.startsWith(q, i));
      if (p) { out.push({ kind: 'punct', text: p, col }); i += p.length; continue; }
    }
    if (/[A-Za-z_.$]/.test(c)) {
      const m = /^[A-Za-z_.$][A-Za-z0-9_.$]*/.exec(line.slice(i))!;
      out.push({ kind: 'ident', text: m[0], col });
      i += m[0].length;
      continue;
    }
    const p = PUNCT.find((q) => line.startsWith(q, i));
    if (!p) throw new AsmSyntaxError('unknown token in expression', lineNo, col);
    out.push({ kind: 'punct', text: p, col });
    i += p.length;
  }
  return out;
}

const ALU_OPS: Record<string, AluOp> = {
  '+=': 'add', '-=': 'sub', '*=': 'mul', '/=': 'div', 's/=': 'sdiv', '|=': 'or', '&=': 'and', '<<=': 'lsh',
  '>>=': 'rsh', '%=': 'mod', 's%=': 'smod', '^=': 'xor', 's>>=': 'arsh',
};
const JMP_OPS: Record<string, JmpCond> = {
  '==': 'eq', '>': 'gt', '>=': 'ge', '&': 'set', '!=': 'ne', 's>': 'sgt', 's>=': 'sge', '<': 'lt', '<=': 'le', 's<': 'slt', 's<=': 'sle',
};
const LOCK_OPS: Record<string, AtomicOp> = { '+=': 'add', '|=': 'or', '&=': 'and', '^=': 'xor' };
const SIZES: Record<string, Size> = { u8: 1, u16: 2, u32: 4, u64: 8 };

interface RegTok { readonly reg: Reg; readonly wide: boolean; readonly col: number }

/** A cursor over one statement's tokens; every error names the column of the offending token. */
class Stmt {
  private at = 0;
  constructor(private readonly toks: readonly Tok[], readonly line: number, private readonly endCol: number) {}
  get done(): boolean { return this.at >= this.toks.length; }
  peek(k = 0): Tok | undefined { return this.toks[this.at + k]; }
  col(): number { return this.peek()?.col ?? this.endCol; }
  fail(message = 'invalid operand for instruction', col = this.col()): never { throw new AsmSyntaxError(message, this.line, col); }
  next(): Tok { const t = this.peek() ?? this.fail('unexpected end of statement'); this.at++; return t; }
  is(text: string, k = 0): boolean { const t = this.peek(k); return t !== undefined && t.kind !== 'num' && t.text.toLowerCase() === text; }
  take(text: string): boolean { if (this.is(text)) { this.at++; return true; } return false; }
  expect(text: string, message?: string): void { if (!this.take(text)) this.fail(message ?? `expected '${text}'`); }
  end(): void { if (!this.done) this.fail('invalid operand for instruction'); }

  isReg(k = 0): boolean { const t = this.peek(k); return t?.kind === 'ident' && /^[rw]\d+$/i.test(t.text); }
  reg(): RegTok {
    const t = this.peek();
    const m = t?.kind === 'ident' ? /^([rw])(0|[1-9]\d*)$/i.exec(t.text) : null;
    if (!m) return this.fail(t?.kind === 'ident' ? 'invalid register/token name' : 'invalid operand for instruction');
    const n = Number(m[2]);
    if (n > 10) this.fail(`invalid register r${n}`);
    this.at++;
    return { reg: n as Reg, wide: m[1]!.toLowerCase() === 'r', col: t!.col };
  }
  /** A register of the given width (r for 64-bit, w for 32-bit). */
  regOf(wide: boolean, allowOther = false): Reg {
    const col = this.col();
    const r = this.reg();
    if (r.wide !== wide && !allowOther) this.fail('invalid operand for instruction', col);
    return r.reg;
  }
  isNum(): boolean { const t = this.peek(), u = this.peek(1); return t?.kind === 'num' || ((this.is('-') || this.is('+')) && u?.kind === 'num'); }
  /** A signed integer literal: [+|-] number. */
  num(): bigint {
    let sign = 1n;
    if (this.take('-')) sign = -1n; else this.take('+');
    const t = this.peek();
    if (t?.kind !== 'num') return this.fail(t ? 'unknown token in expression' : 'unexpected end of statement');
    this.at++;
    return sign * t.value!;
  }
  /** A 32-bit immediate: accepts -2^31 .. 2^32-1 and stores it as the signed field value. */
  imm32(): number {
    const col = this.col();
    const v = this.num();
    if (v < -0x80000000n || v > 0xffffffffn) this.fail('operand is not a 32-bit integer', col);
    return Number(BigInt.asIntN(32, v));
  }
  off16(): number {
    const col = this.col();
    const v = this.num();
    if (v < -0x8000n || v > 0x7fffn) this.fail('operand is not a 16-bit signed integer', col);
    return Number(v);
  }
  /** `(u32 *)` after the leading `*` or `(`: returns the size and whether it was signed. */
  sizeCast(): { size: Size; signed: boolean } {
    this.expect('(');
    const t = this.peek();
    const name = t?.kind === 'ident' ? t.text.toLowerCase() : '';
    const signed = /^s(8|16|32)$/.test(name);
    const size = signed ? (Number(name.slice(1)) / 8) as Size : SIZES[name];
    if (size === undefined) this.fail();
    this.at++;
    this.expect('*');
    this.expect(')');
    return { size, signed };
  }
  /** `rN + off` / `rN - off` (inside parentheses or a call's argument list). */
  address(): { base: Reg; off: number } {
    const base = this.regOf(true);
    const col = this.col();
    if (!this.is('+') && !this.is('-')) this.fail('operand is not a 16-bit signed integer');
    const negative = this.next().text === '-';
    if (this.peek()?.kind !== 'num') this.fail('operand is not a 16-bit signed integer');
    const v = (negative ? -1n : 1n) * this.num();
    if (v < -0x8000n || v > 0x7fffn) this.fail('operand is not a 16-bit signed integer', col);
    return { base, off: Number(v) };
  }
  /** `(rN + off)` */
  mem(): { base: Reg; off: number } {
    this.expect('(');
    const a = this.address();
    this.expect(')');
    return a;
  }
  /** A jump target: +N / -N / N, or a label; an llvm-objdump `<sym+0x..>` annotation is skipped. */
  target(long: boolean): number | string {
    let target: number | string;
    const t = this.peek();
    if (t?.kind === 'ident') { this.at++; target = t.text; }
    else {
      const col = this.col();
      const v = this.num();
      const [lo, hi] = long ? [-0x80000000n, 0x7fffffffn] : [-0x8000n, 0x7fffn];
      if (v < lo || v > hi) this.fail(`operand is not an identifier or ${long ? 32 : 16}-bit signed integer`, col);
      target = Number(v);
    }
    if (this.take('<')) {
      // llvm-objdump's `<sym>` / `<sym+0x..>` after the offset: checked for shape, then ignored.
      if (this.peek()?.kind !== 'ident') this.fail('unknown token in expression');
      this.at++;
      if (this.take('+')) this.num();
      this.expect('>', 'unknown token in expression');
    }
    return target;
  }
}

const DATA_DIRECTIVES = new Set(['.byte', '.short', '.half', '.hword', '.word', '.long', '.int', '.quad', '.2byte', '.4byte', '.8byte',
  '.ascii', '.asciz', '.string', '.zero', '.space', '.skip', '.fill', '.org']);

/** Strips llvm-objdump's listing columns from a line; returns the text to assemble or a label. */
function fromListing(line: string): { text: string } | { label: string } | { section: string } | undefined {
  const header = /^\s*[0-9a-fA-F]{16} <([^>]+)>:\s*$/.exec(line);
  if (header) return { label: header[1]! };
  const section = /^\s*Disassembly of section (.*):\s*$/.exec(line);
  if (section) return { section: section[1]! };
  if (/:\s+file format /.test(line)) return { text: '' };
  if (/^\t\t[0-9a-f]{16}:  R_/.test(line)) return { text: '' }; // a relocation row of llvm-objdump -dr
  const row = /^\s*\d+:\t(?:(?:[0-9a-f]{2} )*[0-9a-f]{2}\t)?(.*)$/.exec(line);
  return row ? { text: row[1]! } : undefined;
}

/** A symbol use found while parsing; `item` is its position in `items`. */
interface SymbolUse { readonly item: number; readonly name: string; readonly line: number; readonly col: number }
interface Parsed {
  readonly items: ProgramItem[];
  /** The section of each item. */
  readonly sectionOf: string[];
  readonly relocations: { item: number; symbol: string; kind: 'map' | 'call'; line: number }[];
  /** `call NAME`: a local call when NAME is a label, else a relocation. */
  readonly callTargets: SymbolUse[];
  /** Jumps to labels, which must exist in the same section. */
  readonly jumpTargets: SymbolUse[];
  /** Names declared `.globl`/`.global`. */
  readonly globals: Set<string>;
}

interface SectionState { readonly name: string; readonly exec: boolean }

/** The section a `.text`/`.data`/`.section`/... directive switches to, or undefined for other directives. */
function sectionDirective(name: string, args: string, current: SectionState, stack: SectionState[]): SectionState | undefined {
  switch (name) {
    case '.text': return { name: '.text', exec: true };
    case '.data': case '.bss': case '.rodata': return { name, exec: false };
    case '.previous': case '.popsection': { const prev = stack.pop(); if (name === '.previous' && prev) stack.push(current); return prev ?? current; }
    case '.section': case '.pushsection': {
      if (name === '.pushsection') stack.push(current);
      else { stack.length = 0; stack.push(current); }
      const m = /^\s*("([^"]*)"|[^\s,]+)\s*(?:,\s*"([^"]*)")?/.exec(args);
      const section = m ? (m[2] ?? m[1]!) : '';
      const flags = m?.[3];
      const exec = flags !== undefined ? flags.includes('x') : section === '.text' || section.startsWith('.text.');
      return { name: section, exec };
    }
  }
  return undefined;
}

/** Parses LLVM-syntax assembly into instruction values and labels (not yet linked). */
function parseLlvm(source: string): Parsed {
  const items: ProgramItem[] = [];
  const sectionOf: string[] = [];
  const relocations: Parsed['relocations'] = [];
  const callTargets: SymbolUse[] = [];
  const jumpTargets: SymbolUse[] = [];
  const defined = new Set<string>();
  let current: SectionState = { name: '', exec: true };
  const stack: SectionState[] = [];
  const globals = new Set<string>();
  const addLabel = (name: string, line: number, col: number): void => {
    if (defined.has(name)) throw new AsmSyntaxError(`invalid symbol redefinition '${name}'`, line, col);
    defined.add(name);
    items.push(Object.freeze({ kind: 'label', name }));
    sectionOf.push(current.name);
  };
  const lines = source.split('\n');
  lines.forEach((raw, i) => {
    const lineNo = i + 1;
    let text = raw;
    let offset = 0;
    const listing = fromListing(raw);
    if (listing && 'section' in listing) { current = { name: listing.section, exec: true }; return; }
    if (listing && 'label' in listing) { addLabel(listing.label, lineNo, raw.indexOf('<') + 2); return; }
    if (listing) { offset = raw.length - listing.text.length; text = listing.text; }
    // llvm-objdump rows that stand for bytes it could not (or did not) disassemble.
    const bare = text.trim();
    if (bare === '...' || bare === '<unknown>') {
      const what = bare === '...' ? 'a run of zero bytes llvm-objdump skipped (...)' : 'an instruction llvm-objdump could not decode';
      throw new AsmSyntaxError(`cannot assemble ${what}`, lineNo, raw.indexOf(bare) + 1);
    }
    // Directives about sections, symbols and alignment do not change the instructions (and may
    // hold characters the instruction lexer rejects, `.type f,@function`); data directives would,
    // and this assembler produces instructions only.
    const directive = /^\s*(\.[A-Za-z_][\w.$]*)(?![\w.$])(?!\s*:)/.exec(text);
    if (directive) {
      const args = text.slice(directive[0].length);
      const next = sectionDirective(directive[1]!.toLowerCase(), args, current, stack);
      if (next) { current = next; return; }
      if (/^\.glob(a)?l$/i.test(directive[1]!)) for (const g of args.split(',')) globals.add(g.trim());
      if (current.exec && DATA_DIRECTIVES.has(directive[1]!.toLowerCase())) {
        throw new AsmSyntaxError(`data directive '${directive[1]}' is not supported`, lineNo, offset + text.indexOf('.') + 1);
      }
      return;
    }
    if (!current.exec) return; // data sections (.maps, license, .BTF, debug info) hold no instructions
    const toks = lex(text, lineNo).map((t) => ({ ...t, col: t.col + offset }));
    const s = new Stmt(toks, lineNo, raw.length + 1);
    // Labels: `name:` (several may precede one instruction).
    while (s.peek()?.kind === 'ident' && s.is(':', 1)) {
      const t = s.next();
      addLabel(t.text, lineNo, t.col);
      s.next();
    }
    if (s.done) return;
    const head = s.peek()!;
    if (head.kind === 'ident' && head.text.startsWith('.')) s.fail('directives must start their line', head.col);
    const insn = statement(s, (name, kind) => relocations.push({ item: items.length, symbol: name, kind, line: lineNo }),
      (name, col) => callTargets.push({ item: items.length, name, line: lineNo, col }),
      (name, col) => jumpTargets.push({ item: items.length, name, line: lineNo, col }));
    s.end();
    items.push(Object.freeze(insn));
    sectionOf.push(current.name);
  });
  return { items, sectionOf, relocations, callTargets, jumpTargets, globals };
}

function statement(
  s: Stmt, reloc: (symbol: string, kind: 'map' | 'call') => void, callTo: (name: string, col: number) => void,
  jumpTo: (name: string, col: number) => void,
): Insn {
  const first = s.peek()!;
  const word = first.kind === 'ident' ? first.text.toLowerCase() : first.text;
  const target = (long: boolean) => {
    const col = s.col();
    const t = s.target(long);
    if (typeof t === 'string') jumpTo(t, col);
    return t;
  };
  switch (word) {
    case 'exit': s.next(); return { kind: 'exit' };
    case 'call': {
      s.next();
      if (s.peek()?.kind === 'ident' && !s.isReg()) {
        const t = s.next();
        callTo(t.text, t.col);
        return { kind: 'call-local', off: t.text };
      }
      return { kind: 'call', helper: s.imm32() };
    }
    case 'goto': case 'gotol': s.next(); return { kind: 'ja', long: word === 'gotol', off: target(word === 'gotol') };
    case 'if': {
      s.next();
      const dst = s.reg();
      const opTok = s.next();
      const cond = JMP_OPS[opTok.text] ?? s.fail('invalid operand for instruction', opTok.col);
      const src = s.isReg() ? { reg: s.regOf(dst.wide) } : { imm: s.imm32() };
      s.expect('goto', 'invalid operand for instruction');
      return { kind: 'jmp', cond, wide: dst.wide, dst: dst.reg, src, off: target(false) };
    }
    case 'lock': {
      s.next();
      s.expect('*');
      const { size, signed } = s.sizeCast();
      if (signed || (size !== 4 && size !== 8)) s.fail();
      const { base, off } = s.mem();
      const opTok = s.next();
      const op = LOCK_OPS[opTok.text] ?? s.fail('invalid operand for instruction', opTok.col);
      // llvm-objdump prints `r` for the legacy 32-bit add; accept both widths there.
      const src = s.regOf(size === 8, size === 4);
      return { kind: 'atomic', op, fetch: false, size: size as 4 | 8, dst: base, src, off };
    }
    case 'ld_pseudo': {
      s.next();
      const dst = s.regOf(true);
      s.expect(',');
      const col = s.col();
      const pseudo = s.num();
      if (pseudo < 0n || pseudo > 15n) s.fail('invalid pseudo source', col);
      s.expect(',');
      const v = BigInt(s.imm32()) & 0xffffffffn;
      return { kind: 'lddw', dst, pseudo: Number(pseudo), value: v };
    }
    case '*': {
      s.next();
      const { size, signed } = s.sizeCast();
      if (signed) s.fail();
      const { base, off } = s.mem();
      s.expect('=');
      if (s.isReg()) return { kind: 'stx', size, dst: base, src: s.regOf(true, size < 8), off };
      return { kind: 'st', size, dst: base, off, imm: s.imm32() };
    }
  }
  if (word === 'callx' || word === 'may_goto') s.fail(`'${word}' is not supported by tsbpf's instruction set`, first.col);
  if (!s.isReg()) return s.fail(first.kind === 'ident' ? 'invalid instruction mnemonic' : 'unknown token in expression', first.col);
  const dst = s.reg();
  const opTok = s.next();
  if (opTok.text !== '=') {
    const op = ALU_OPS[opTok.text] ?? s.fail('invalid operand for instruction', opTok.col);
    const src = s.isReg() ? { reg: s.regOf(dst.wide) } : { imm: s.imm32() };
    return { kind: 'alu', op, wide: dst.wide, dst: dst.reg, src };
  }
  return assignment(s, dst, reloc);
}

/** Everything of the form `rD = ...`. */
function assignment(s: Stmt, dst: RegTok, reloc: (symbol: string, kind: 'map' | 'call') => void): Insn {
  const wide = dst.wide;
  const t = s.peek() ?? s.fail('unexpected end of statement');
  // rD = -rD
  if (s.is('-') && s.isReg(1)) {
    s.next();
    const col = s.col();
    const r = s.reg();
    if (r.reg !== dst.reg || r.wide !== wide) s.fail('additional inst constraint not met', col);
    return { kind: 'alu', op: 'neg', wide, dst: dst.reg, src: { imm: 0 } };
  }
  if (s.isNum()) {
    const col = s.col();
    const v = s.num();
    if (s.take('ll')) {
      if (!wide) s.fail('invalid operand for instruction', dst.col);
      if (v < -(1n << 63n) || v >= 1n << 64n) s.fail('operand is not a 64-bit integer', col);
      return { kind: 'lddw', dst: dst.reg, pseudo: 0, value: BigInt.asUintN(64, v) };
    }
    if (v < -0x80000000n || v > 0xffffffffn) s.fail('operand is not a 32-bit integer', col);
    return { kind: 'alu', op: 'mov', wide, dst: dst.reg, src: { imm: Number(BigInt.asIntN(32, v)) } };
  }
  if (s.isReg()) {
    // `rD = wS` is how clang -S prints a zero-extending 32-bit move (encoded as `wD = wS`);
    // llvm-mc-19 cannot parse it back, this assembler can.
    const r = s.reg();
    if (r.wide === wide) return { kind: 'alu', op: 'mov', wide, dst: dst.reg, src: { reg: r.reg } };
    if (wide) return { kind: 'alu', op: 'mov', wide: false, dst: dst.reg, src: { reg: r.reg } };
    return s.fail('invalid operand for instruction', r.col);
  }
  // rD = (s8)rS
  if (s.is('(') && /^s(8|16|32)$/i.test(s.peek(1)?.text ?? '') && s.is(')', 2)) {
    s.next();
    const bits = Number(s.next().text.slice(1)) as 8 | 16 | 32;
    s.next();
    if (bits === 32 && !wide) s.fail('invalid operand for instruction', t.col + 1);
    return { kind: 'alu', op: `movsx${bits}`, wide, dst: dst.reg, src: { reg: s.regOf(wide) } };
  }
  // rD = *(u32 *)(rS + off) | rD = *(u8 *)skb[...]
  if (s.is('*')) {
    s.next();
    const { size, signed } = s.sizeCast();
    if (s.is('skb')) {
      s.next();
      if (!wide || dst.reg !== 0 || signed || size === 8) s.fail('invalid operand for instruction', dst.col);
      s.expect('[');
      let insn: Insn;
      if (s.isReg()) {
        const src = s.regOf(true);
        const imm = s.is('+') || s.is('-') ? s.imm32() : 0;
        insn = { kind: 'ldind', size, src, imm };
      } else insn = { kind: 'ldabs', size, imm: s.imm32() };
      s.expect(']');
      return insn;
    }
    const { base, off } = s.mem();
    if (!wide && (signed || size === 8)) s.fail('invalid operand for instruction', dst.col);
    return { kind: 'ldx', size, signed, dst: dst.reg, src: base, off };
  }
  if (t.kind === 'ident') {
    const name = t.text.toLowerCase();
    const swap = /^(be|le|bswap)(16|32|64)$/.exec(name);
    if (swap) {
      s.next();
      const col = s.col();
      const r = s.reg();
      if (!wide || !r.wide) s.fail('invalid operand for instruction', wide ? col : dst.col);
      if (r.reg !== dst.reg) s.fail('additional inst constraint not met', col);
      const order = swap[1] === 'bswap' ? 'swap' : (swap[1] as 'be' | 'le');
      return { kind: 'end', order, bits: Number(swap[2]) as 16 | 32 | 64, dst: dst.reg };
    }
    const fetch = /^atomic_fetch_(add|or|and|xor)$/.exec(name);
    if (fetch) {
      s.next();
      s.expect('(');
      const { size, signed } = s.sizeCast();
      if (signed || (size !== 4 && size !== 8) || (size === 8) !== wide) s.fail('invalid operand for instruction', t.col);
      const { base, off } = s.mem();
      s.expect(',');
      const col = s.col();
      const src = s.regOf(wide);
      if (src !== dst.reg) s.fail('additional inst constraint not met', col);
      s.expect(')');
      return { kind: 'atomic', op: fetch[1] as AtomicOp, fetch: true, size: size as 4 | 8, dst: base, src, off };
    }
    if (name === 'addr_space_cast') s.fail(`'addr_space_cast' is not supported by tsbpf's instruction set`, t.col);
    const xchg = /^(xchg|cmpxchg)(_64|32_32)$/.exec(name);
    if (xchg) {
      s.next();
      const size = xchg[2] === '_64' ? 8 : 4;
      if ((size === 8) !== wide) s.fail('invalid operand for instruction', dst.col);
      s.expect('(');
      const { base, off } = s.address();
      s.expect(',');
      if (xchg[1] === 'cmpxchg') {
        if (dst.reg !== 0) s.fail('invalid operand for instruction', dst.col);
        const col = s.col();
        if (s.regOf(wide) !== 0) s.fail('invalid operand for instruction', col);
        s.expect(',');
        const src = s.regOf(wide);
        s.expect(')');
        return { kind: 'atomic', op: 'cmpxchg', fetch: true, size, dst: base, src, off };
      }
      const col = s.col();
      const src = s.regOf(wide);
      if (src !== dst.reg) s.fail('additional inst constraint not met', col);
      s.expect(')');
      return { kind: 'atomic', op: 'xchg', fetch: true, size, dst: base, src, off };
    }
    // rD = symbol ll
    if (s.is('ll', 1)) {
      if (!wide) s.fail('invalid operand for instruction', dst.col);
      s.next();
      s.next();
      reloc(t.text, 'map');
      return { kind: 'lddw', dst: dst.reg, pseudo: 0, value: 0n };
    }
  }
  return s.fail('invalid operand for instruction', t.col);
}

/**
 * Links a run of items: calls to names that are not among its labels stay unresolved (offset
 * -1 plus a relocation, as clang emits them), jumps must find their label.
 */
function linkItems(
  parsed: Parsed, positions: readonly number[], pseudo: number, elsewhere: ReadonlyMap<string, number> = new Map(),
): { items: ProgramItem[]; insns: Insn[]; relocations: LlvmRelocation[] } {
  const { items, relocations, callTargets, jumpTargets } = parsed;
  const inRun = new Set(positions);
  const labels = new Set(positions.map((i) => items[i]!).filter((x) => x.kind === 'label').map((x) => (x as { name: string }).name));
  for (const j of jumpTargets) {
    if (inRun.has(j.item) && !labels.has(j.name)) throw new AsmSyntaxError(`unknown label '${j.name}' in this section`, j.line, j.col);
  }
  const patched = new Map<number, ProgramItem>();
  const found: { item: number; symbol: string; kind: 'map' | 'call'; line: number }[] = [];
  for (const r of relocations) {
    if (!inRun.has(r.item)) continue;
    if (pseudo !== 0) patched.set(r.item, Object.freeze({ ...(items[r.item] as Insn & { kind: 'lddw' }), pseudo }));
    found.push(r);
  }
  for (const c of callTargets) {
    if (!inRun.has(c.item) || labels.has(c.name)) continue;
    // A local (non-.globl) function of another section: clang relocates against that section's
    // symbol with the function's slot - 1 as the addend in imm; anything else gets -1.
    const slot = parsed.globals.has(c.name) ? undefined : elsewhere.get(c.name);
    patched.set(c.item, Object.freeze({ kind: 'call-local', off: slot === undefined ? -1 : slot - 1 }));
    found.push({ item: c.item, symbol: c.name, kind: 'call', line: c.line });
  }
  const run = positions.map((i) => patched.get(i) ?? items[i]!);
  // Item positions → instruction indices (labels take no index).
  const indexOf = new Map<number, number>();
  let n = 0;
  positions.forEach((i, k) => { indexOf.set(i, n); if (run[k]!.kind !== 'label') n++; });
  found.sort((a, b) => a.item - b.item);
  return {
    items: run,
    insns: link(run),
    relocations: found.map((r) => Object.freeze({ index: indexOf.get(r.item)!, symbol: r.symbol, kind: r.kind, line: r.line })),
  };
}

/**
 * Assembles LLVM-syntax text: labels resolved, relocations listed for symbols that are not
 * labels; executable sections (`.text`, `.section xdp,"ax"`) are also linked one by one, and
 * data sections are skipped, so clang -S output assembles section by section. Throws
 * AsmSyntaxError (1-based line and column) on text that does not parse or on a jump to an
 * unknown label.
 */
export function assembleLlvm(source: string, options: LlvmAsmOptions = {}): LlvmAssembly {
  const pseudo = options.mapPseudo ?? 0;
  if (!Number.isInteger(pseudo) || pseudo < 0 || pseudo > 15) throw new BpfError('USAGE', `mapPseudo ${pseudo} is not a 4-bit source register value`);
  const parsed = parseLlvm(source);
  const names: string[] = [];
  for (const name of parsed.sectionOf) if (!names.includes(name)) names.push(name);
  const positionsOf = (name: string) => parsed.sectionOf.flatMap((s, i) => (s === name ? [i] : []));
  // Each label's slot within its own section, for calls from other sections.
  const slotOfLabel = new Map<string, number>();
  for (const name of names) {
    let slot = 0;
    for (const i of positionsOf(name)) {
      const item = parsed.items[i]!;
      if (item.kind === 'label') slotOfLabel.set(item.name, slot);
      else slot += slotsOf(item);
    }
  }
  const sections = names.map((name) => {
    const positions = positionsOf(name);
    const r = linkItems(parsed, positions, pseudo, slotOfLabel);
    return Object.freeze({ name, insns: Object.freeze(r.insns.map((x) => Object.freeze(x))), relocations: Object.freeze(r.relocations) });
  });
  const flat = linkItems(parsed, parsed.items.map((_, i) => i), pseudo);
  return Object.freeze({
    items: Object.freeze(flat.items),
    insns: Object.freeze(flat.insns),
    relocations: Object.freeze(flat.relocations),
    sections: Object.freeze(sections),
  });
}
