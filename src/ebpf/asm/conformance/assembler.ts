/**
 * Assembler for the bpf_conformance suite's syntax (the uBPF assembler dialect):
 *
 *   mov32 %r0, 0          add %r1, %r2        neg32 %r3        movsx832 %r2, %r1
 *   ldxb %r9, [%r0+0]     stdw [%r10-8], 5    stxw [%r1+2], %r3   ldxsh %r0, [%r1-2]
 *   lock add [%r10-8], %r1    lock fetch xor32 [%r10-4], %r3    lock cmpxchg [%r10-8], %r1
 *   le16 %r0  be64 %r0  bswap32 %r0 (also swap32)   lddw %r0, 0x1122334455667788
 *   jgt %r1, 0x2, L3     jne32 %r1, %r2, +2     ja L1    ja32 L2 (gotol)
 *   call 5    call local func1    exit    ldabsw 12    ldindh %r1, 4
 *   label:    # comment
 *
 * Immediates: decimal within signed 32-bit, or hex within 0..0xffffffff (the suite's negative
 * cases reject 2147483648 and 0x100000000). Offsets: signed 16-bit. Output: `ProgramItem[]`
 * with label targets, resolved by `link` (assembleConformance does both).
 */
import { AsmSyntaxError, LinkError } from '../../../core/errors.js';
import * as b from '../../isa/build.js';
import type { AluOp, AtomicOp, Insn, JmpCond, ProgramItem, Reg, Size, Target } from '../../isa/insn.js';
import { link } from '../../isa/link.js';

interface Tok { readonly text: string; readonly col: number }

const SIZES: Record<string, Size> = { b: 1, h: 2, w: 4, dw: 8 };
const ALU: readonly AluOp[] = ['add', 'sub', 'mul', 'div', 'sdiv', 'or', 'and', 'lsh', 'rsh', 'mod', 'smod', 'xor', 'mov', 'arsh'];
const CONDS: readonly JmpCond[] = ['eq', 'gt', 'ge', 'set', 'ne', 'sgt', 'sge', 'lt', 'le', 'slt', 'sle'];
const ATOMICS: readonly AtomicOp[] = ['add', 'or', 'and', 'xor', 'xchg', 'cmpxchg'];

class LineParser {
  constructor(readonly line: number, readonly ops: readonly Tok[], readonly mnemonic: Tok) {}

  fail(message: string, col = this.mnemonic.col): never { throw new AsmSyntaxError(message, this.line, col); }

  count(n: number): void {
    if (this.ops.length !== n) this.fail(`invalid number of operands for ${this.mnemonic.text}: expected ${n}, got ${this.ops.length}`);
  }

  op(i: number): Tok { return this.ops[i]!; }

  reg(i: number): Reg {
    const t = this.op(i);
    const m = /^%r(\d+)$/.exec(t.text);
    if (!m) this.fail(`expected a register, got '${t.text}'`, t.col);
    const n = Number(m[1]);
    if (n > 10) this.fail(`invalid register '${t.text}'`, t.col);
    return n as Reg;
  }

  isReg(i: number): boolean { return this.op(i).text.startsWith('%'); }

  /** A 32-bit immediate, returned as the signed value stored in the imm field. */
  imm(i: number): number {
    const t = this.op(i);
    const v = parseInteger(t.text);
    if (v === undefined) this.fail(`expected an immediate, got '${t.text}'`, t.col);
    const hex = /^[+-]?0x/i.test(t.text);
    const ok = hex ? v >= -0xffffffffn && v <= 0xffffffffn : v >= -0x80000000n && v <= 0x7fffffffn;
    if (!ok) this.fail(`immediate '${t.text}' out of 32-bit range`, t.col);
    return Number(BigInt.asIntN(32, v));
  }

  imm64(i: number): bigint {
    const t = this.op(i);
    const v = parseInteger(t.text);
    if (v === undefined) this.fail(`expected an immediate, got '${t.text}'`, t.col);
    if (v < -(1n << 63n) || v > (1n << 64n) - 1n) this.fail(`immediate '${t.text}' out of 64-bit range`, t.col);
    return BigInt.asUintN(64, v);
  }

  /** `[%rN]`, `[%rN+off]`, `[%rN-off]`. */
  mem(i: number): { reg: Reg; off: number } {
    const t = this.op(i);
    const m = /^\[\s*(%r\d+)\s*(?:([+-])\s*([0-9a-fA-Fx]+))?\s*\]$/.exec(t.text);
    if (!m) this.fail(`expected a memory operand [%rN+off], got '${t.text}'`, t.col);
    const r = /^%r(\d+)$/.exec(m[1]!)!;
    if (Number(r[1]) > 10) this.fail(`invalid register '${m[1]}'`, t.col);
    let off = 0n;
    if (m[3] !== undefined) {
      const v = parseInteger(m[3]);
      if (v === undefined) this.fail(`bad offset '${m[3]}'`, t.col);
      off = m[2] === '-' ? -v : v;
    }
    if (off < -0x8000n || off > 0x7fffn) this.fail(`offset ${off} out of 16-bit range`, t.col);
    return { reg: Number(r[1]) as Reg, off: Number(off) };
  }

  /** A jump target: a label or a signed slot offset (`+3`, `-1`). */
  target(i: number, wide = false): Target {
    const t = this.op(i);
    if (/^[A-Za-z_.][\w.]*$/.test(t.text)) return t.text;
    const v = parseInteger(t.text);
    if (v === undefined) this.fail(`expected a label or offset, got '${t.text}'`, t.col);
    const lim = wide ? 1n << 31n : 1n << 15n;
    if (v < -lim || v >= lim) this.fail(`jump offset ${v} out of range`, t.col);
    return Number(v);
  }
}

function parseInteger(text: string): bigint | undefined {
  const m = /^([+-]?)(0x[0-9a-fA-F]+|[0-9]+)$/.exec(text);
  if (!m) return undefined;
  const v = BigInt(m[2]!);
  return m[1] === '-' ? -v : v;
}

/** Splits one line into tokens: mnemonic words, then comma-separated operands with columns. */
function tokenize(text: string): { words: Tok[]; ops: Tok[] } {
  const words: Tok[] = [];
  let i = 0;
  const skip = () => { while (i < text.length && /\s/.test(text[i]!)) i++; };
  skip();
  // Mnemonic words: `lock fetch add32`, `call local`, or one word.
  for (;;) {
    const m = /^[A-Za-z_][\w]*/.exec(text.slice(i));
    if (!m) break;
    words.push({ text: m[0], col: i + 1 });
    i += m[0].length;
    skip();
    const first = words[0]!.text;
    const more = (first === 'lock' && (words.length === 1 || (words.length === 2 && words[1]!.text === 'fetch')))
      || (first === 'call' && words.length === 1 && /^local\b/.test(text.slice(i)));
    if (!more) break;
  }
  const ops: Tok[] = [];
  const rest = text.slice(i);
  if (rest.trim() !== '') {
    let start = 0;
    for (const part of rest.split(',')) {
      const lead = part.length - part.trimStart().length;
      ops.push({ text: part.trim(), col: i + start + lead + 1 });
      start += part.length + 1;
    }
  }
  return { words, ops };
}

function parseLine(lineNo: number, words: Tok[], ops: Tok[]): Insn {
  const first = words[0]!;
  const mnemonic = words.map((w) => w.text).join(' ');
  const p = new LineParser(lineNo, ops, { text: mnemonic, col: first.col });
  for (const o of ops) if (o.text === '') p.fail('empty operand', o.col);
  let m: RegExpExecArray | null;
  const name = first.text;

  if (name === 'lock') {
    if (words.length < 2) p.fail('invalid number of operands for lock');
    const fetch = words[1]!.text === 'fetch';
    const opWord = words[fetch ? 2 : 1];
    const am = opWord && /^([a-z]+?)(32)?$/.exec(opWord.text);
    const op = am?.[1] as AtomicOp | undefined;
    if (!am || !op || !ATOMICS.includes(op)) return p.fail(`unknown atomic operation '${opWord?.text ?? ''}'`, opWord?.col);
    if (fetch && (op === 'xchg' || op === 'cmpxchg')) p.fail(`'${op}' always fetches: write 'lock ${op}'`, opWord!.col);
    if (ops.length !== 2) p.fail('invalid number of operands for lock');
    const { reg, off } = p.mem(0);
    return b.atomic(op, am[2] ? 4 : 8, reg, p.reg(1), off, fetch || op === 'xchg' || op === 'cmpxchg');
  }
  if (name === 'exit') { p.count(0); return b.exit(); }
  if (name === 'call') {
    if (words.length === 2) { p.count(1); return b.callLocal(p.target(0, true)); }
    p.count(1);
    if (p.isReg(0)) p.fail('callx (call through a register) is not in RFC 9669 and the kernel rejects it', p.op(0).col);
    return b.call(p.imm(0));
  }
  if (name === 'lddw') { p.count(2); return b.lddw(p.reg(0), p.imm64(1)); }
  if (name === 'ja' || name === 'ja32') {
    p.count(1);
    return name === 'ja' ? b.ja(p.target(0)) : b.gotol(p.target(0, true));
  }
  if ((m = /^(neg)(32)?$/.exec(name))) {
    p.count(1);
    return (m[2] ? b.alu32 : b.alu64).neg(p.reg(0));
  }
  if ((m = /^movsx(8|16|32)(32|64)$/.exec(name))) {
    p.count(2);
    const bits = Number(m[1]) as 8 | 16 | 32;
    if (bits === 32 && m[2] === '32') p.fail(`invalid mnemonic '${name}'`);
    return (m[2] === '64' ? b.alu64 : b.alu32).movsx(bits, p.reg(0), p.reg(1));
  }
  if ((m = /^([a-z]+?)(32)?$/.exec(name)) && ALU.includes(m[1] as AluOp)) {
    p.count(2);
    const fam = (m[2] ? b.alu32 : b.alu64)[m[1] as Exclude<AluOp, 'neg' | 'movsx8' | 'movsx16' | 'movsx32'>];
    return p.isReg(1) ? fam.reg(p.reg(0), p.reg(1)) : fam.imm(p.reg(0), p.imm(1));
  }
  if ((m = /^(le|be|bswap|swap)(16|32|64)$/.exec(name))) {
    p.count(1);
    return b.end(m[1] === 'le' ? 'le' : m[1] === 'be' ? 'be' : 'swap', Number(m[2]) as 16 | 32 | 64, p.reg(0));
  }
  if ((m = /^ldx(s?)(b|h|w|dw)$/.exec(name))) {
    p.count(2);
    const size = SIZES[m[2]!]!;
    const { reg, off } = p.mem(1);
    if (m[1]) {
      if (size === 8) p.fail(`invalid mnemonic '${name}'`);
      return b.ldxs(size as 1 | 2 | 4, p.reg(0), reg, off);
    }
    return b.ldx(size, p.reg(0), reg, off);
  }
  if ((m = /^st(x?)(b|h|w|dw)$/.exec(name))) {
    p.count(2);
    const size = SIZES[m[2]!]!;
    const { reg, off } = p.mem(0);
    return m[1] ? b.stx(size, reg, p.reg(1), off) : b.st(size, reg, off, p.imm(1));
  }
  if ((m = /^ldabs(b|h|w)$/.exec(name))) { p.count(1); return b.ldabs(SIZES[m[1]!]!, p.imm(0)); }
  if ((m = /^ldind(b|h|w)$/.exec(name))) { p.count(2); return b.ldind(SIZES[m[1]!]!, p.reg(0), p.imm(1)); }
  if ((m = /^j([a-z]+?)(32)?$/.exec(name)) && CONDS.includes(m[1] as JmpCond)) {
    p.count(3);
    const fam = (m[2] ? b.jmp32 : b.jmp)[m[1] as JmpCond];
    const off = p.target(2);
    return p.isReg(1) ? fam.reg(p.reg(0), p.reg(1), off) : fam.imm(p.reg(0), p.imm(1), off);
  }
  return p.fail(`invalid mnemonic '${name}'`);
}

/**
 * The suite writes `jne %r0, %r1, exit` / `ja exit` for "go to the program's exit": when no
 * label named `exit` exists, `exit` names the last `exit` instruction (in every suite file
 * that uses it, the program has exactly one).
 */
function withExitLabel(items: ProgramItem[]): ProgramItem[] {
  if (items.some((i) => i.kind === 'label' && i.name === 'exit')) return items;
  const used = items.some((i) => (i.kind === 'jmp' || i.kind === 'ja' || i.kind === 'call-local') && i.off === 'exit');
  let last = -1;
  items.forEach((i, n) => { if (i.kind === 'exit') last = n; });
  if (!used || last < 0) return items;
  return [...items.slice(0, last), b.label('exit'), ...items.slice(last)];
}

/**
 * Parses conformance-syntax text into instruction values and labels (unlinked).
 * `firstLine` numbers the first line of `text` (for text embedded in a larger file).
 */
export function parseConformance(text: string, firstLine = 1): ProgramItem[] {
  const items: ProgramItem[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const lineNo = firstLine + i;
    const hash = raw.indexOf('#');
    let line = hash >= 0 ? raw.slice(0, hash) : raw;
    // Leading labels: `name:` (possibly followed by an instruction).
    for (;;) {
      const lm = /^(\s*)([A-Za-z_.][\w.]*)\s*:/.exec(line);
      if (!lm) break;
      items.push(b.label(lm[2]!));
      line = ' '.repeat(lm[0].length) + line.slice(lm[0].length);
    }
    if (line.trim() === '') return;
    const { words, ops } = tokenize(line);
    if (words.length === 0) {
      const col = line.length - line.trimStart().length + 1;
      throw new AsmSyntaxError(`expected a mnemonic, got '${line.trim()}'`, lineNo, col);
    }
    items.push(parseLine(lineNo, words, ops));
  });
  return withExitLabel(items);
}

/** Parses and links: conformance-syntax text → instruction values with resolved offsets. */
export function assembleConformance(text: string, firstLine = 1): Insn[] {
  const items = parseConformance(text, firstLine);
  try {
    return link(items);
  } catch (err) {
    if (err instanceof LinkError) {
      // Point at the line that references the unknown label.
      const lines = text.split(/\r?\n/);
      const at = lines.findIndex((l) => new RegExp(`(^|[\\s,])${err.label.replace(/[.]/g, '\\.')}\\s*(#|$)`).test(l) && !/:\s*$/.test(l.trim()));
      throw new AsmSyntaxError(err.message, at >= 0 ? firstLine + at : firstLine, 1, { cause: err });
    }
    throw err;
  }
}
