/**
 * The grammar of bpf_asm (tools/bpf/bpf_exp.y) as a recursive-descent parser. A program is one
 * or more instructions, each optionally preceded by `label:`; line breaks carry no meaning.
 * The result keeps label references symbolic; encoder.ts resolves them the way bpf_asm does.
 *
 * Encodings follow bpf_exp.y: conditional jumps take one or two targets (one target: jt is set,
 * jf stays 0, i.e. falls through); the pseudo-jumps jneq/jne, jlt and jle are jeq, jge and jgt
 * with the single target in jf; extensions are absolute loads at SKF_AD_OFF + n.
 */
import { AsmSyntaxError } from '../../core/errors.js';
import {
  BPF_A, BPF_ABS, BPF_ADD, BPF_ALU, BPF_AND, BPF_B, BPF_DIV, BPF_H, BPF_IMM, BPF_IND, BPF_JA,
  BPF_JEQ, BPF_JGE, BPF_JGT, BPF_JMP, BPF_JSET, BPF_K, BPF_LD, BPF_LDX, BPF_LEN, BPF_LSH,
  BPF_MAXINSNS, BPF_MEM, BPF_MISC, BPF_MOD, BPF_MSH, BPF_MUL, BPF_NEG, BPF_OR, BPF_RET, BPF_RSH,
  BPF_ST, BPF_STX, BPF_SUB, BPF_TAX, BPF_TXA, BPF_W, BPF_X, BPF_XOR, SKF_AD_OFF,
} from '../opcodes.js';
import { tokenize, type Mnemonic, type Punct, type Token } from './lexer.js';

/** A use or definition of a label, with where it appears (1-based). */
export interface LabelRef { readonly name: string; readonly line: number; readonly column: number }

/** One parsed instruction; jump targets still symbolic. */
export interface AsmStatement {
  readonly label?: LabelRef;
  readonly code: number;
  readonly k: number;
  /** Target of `jmp`/`ja` (k becomes the offset). */
  readonly ja?: LabelRef;
  readonly jt?: LabelRef;
  readonly jf?: LabelRef;
  readonly line: number;
  readonly column: number;
}

const ALU_OPS: Partial<Record<Mnemonic, number>> = {
  add: BPF_ADD, sub: BPF_SUB, mul: BPF_MUL, div: BPF_DIV, mod: BPF_MOD, and: BPF_AND, or: BPF_OR,
  xor: BPF_XOR, lsh: BPF_LSH, rsh: BPF_RSH,
};
/** Conditional jumps: opcode op bits and whether the single target goes to jf (pseudo-jumps). */
const JUMPS: Partial<Record<Mnemonic, { op: number; inverted: boolean }>> = {
  jeq: { op: BPF_JEQ, inverted: false }, jgt: { op: BPF_JGT, inverted: false },
  jge: { op: BPF_JGE, inverted: false }, jset: { op: BPF_JSET, inverted: false },
  jneq: { op: BPF_JEQ, inverted: true }, jne: { op: BPF_JEQ, inverted: true },
  jlt: { op: BPF_JGE, inverted: true }, jle: { op: BPF_JGT, inverted: true },
};
const SIZES: Partial<Record<Mnemonic, number>> = { ld: BPF_W, ldh: BPF_H, ldb: BPF_B };

function describe(t: Token): string {
  switch (t.kind) {
    case 'eof': return 'end of input';
    case 'op': return `mnemonic '${t.text}'`;
    case 'len': return `'${t.text}'`;
    case 'ext': return `extension '${t.text}'`;
    case 'number': return `number '${t.text}'`;
    case 'label': return `label '${t.text}'`;
    case 'punct': return `'${t.text}'`;
  }
}

class Parser {
  private at = 0;
  constructor(private readonly tokens: readonly Token[]) {}

  private peek(ahead = 0): Token { return this.tokens[Math.min(this.at + ahead, this.tokens.length - 1)]!; }
  private next(): Token { const t = this.peek(); if (t.kind !== 'eof') this.at++; return t; }
  private isPunct(p: Punct, ahead = 0): boolean { const t = this.peek(ahead); return t.kind === 'punct' && t.punct === p; }

  private fail(expected: string, extra = ''): never {
    const t = this.peek();
    let hint = extra;
    // The most common surprise: bpf_asm lexes `+4` in `[x+4]` as a signed number.
    if (!hint && t.kind === 'number' && /^\+/.test(t.text) && expected.includes("'+'")) {
      hint = ` (bpf_asm reads '${t.text}' as one signed number: write 'x + ${t.text.slice(1)}')`;
    }
    throw new AsmSyntaxError(`syntax error, unexpected ${describe(t)}, expecting ${expected}${hint}`, t.line, t.column);
  }
  private punct(p: Punct): void { if (!this.isPunct(p)) this.fail(`'${p}'`); this.next(); }
  private number(): number { const t = this.peek(); if (t.kind !== 'number') this.fail('number'); this.next(); return t.value; }
  private labelRef(): LabelRef {
    const t = this.peek();
    if (t.kind !== 'label') this.fail('label');
    this.next();
    return { name: t.text, line: t.line, column: t.column };
  }
  /** `x` or `%x`. */
  private tryX(): boolean {
    if (this.isPunct('x')) { this.next(); return true; }
    if (this.isPunct('%') && this.isPunct('x', 1)) { this.next(); this.next(); return true; }
    return false;
  }

  parse(): AsmStatement[] {
    const out: AsmStatement[] = [];
    do {
      if (out.length >= BPF_MAXINSNS) {
        const t = this.peek();
        throw new AsmSyntaxError(`only max ${BPF_MAXINSNS} insns allowed!`, t.line, t.column);
      }
      out.push(this.line());
    } while (this.peek().kind !== 'eof');
    return out;
  }

  private line(): AsmStatement {
    let label: LabelRef | undefined;
    const first = this.peek();
    if (first.kind === 'label') {
      label = this.labelRef();
      this.punct(':');
    }
    const stmt = this.instruction();
    return label ? { label, ...stmt } : stmt;
  }

  private instruction(): AsmStatement {
    const t = this.peek();
    if (t.kind !== 'op') this.fail(t.kind === 'eof' && this.at === 0 ? 'an instruction (the program is empty)' : 'mnemonic');
    this.next();
    const where = { line: t.line, column: t.column };
    const s = (code: number, k = 0, refs: Partial<Pick<AsmStatement, 'ja' | 'jt' | 'jf'>> = {}): AsmStatement => ({ code, k: k >>> 0, ...refs, ...where });
    const op = t.op;
    switch (op) {
      case 'ld': case 'ldh': case 'ldb': {
        const size = SIZES[op]!;
        const n = this.peek();
        if (n.kind === 'ext') { this.next(); return s(BPF_LD | size | BPF_ABS, SKF_AD_OFF + n.value); }
        if (op === 'ld') {
          if (this.isPunct('#')) { this.next(); return s(BPF_LD | BPF_IMM, this.number()); }
          if (n.kind === 'len') { this.next(); return s(BPF_LD | BPF_W | BPF_LEN); }
          if (this.isPunct('M')) { this.next(); this.punct('['); const k = this.number(); this.punct(']'); return s(BPF_LD | BPF_MEM, k); }
        }
        if (!this.isPunct('[')) this.fail(op === 'ld' ? "'#', '#len', an extension, 'M' or '['" : "'[' or an extension");
        this.next();
        if (this.tryX()) { this.punct('+'); const k = this.number(); this.punct(']'); return s(BPF_LD | size | BPF_IND, k); }
        if (this.peek().kind !== 'number') this.fail("number, 'x' or '%x'");
        const k = this.number();
        this.punct(']');
        return s(BPF_LD | size | BPF_ABS, k);
      }
      case 'ldi': case 'ldxi': {
        if (this.isPunct('#')) this.next();
        return s((op === 'ldi' ? BPF_LD : BPF_LDX) | BPF_IMM, this.number());
      }
      case 'ldx': case 'ldxb': {
        const n = this.peek();
        if (op === 'ldx') {
          if (this.isPunct('#')) { this.next(); return s(BPF_LDX | BPF_IMM, this.number()); }
          if (n.kind === 'len') { this.next(); return s(BPF_LDX | BPF_W | BPF_LEN); }
          if (this.isPunct('M')) { this.next(); this.punct('['); const k = this.number(); this.punct(']'); return s(BPF_LDX | BPF_MEM, k); }
          if (n.kind !== 'number') this.fail("'#', '#len', 'M' or number (4*([k]&0xf))");
        }
        const four = this.number();
        this.punct('*'); this.punct('('); this.punct('[');
        const k = this.number();
        this.punct(']'); this.punct('&');
        const mask = this.number();
        this.punct(')');
        if (four !== 4 || mask !== 0xf) {
          throw new AsmSyntaxError(`ldxb offset not supported! (only 4*([k]&0xf) exists)`, where.line, where.column);
        }
        return s(BPF_LDX | BPF_MSH | BPF_B, k);
      }
      case 'st': case 'stx': {
        this.punct('M'); this.punct('[');
        const k = this.number();
        this.punct(']');
        return s(op === 'st' ? BPF_ST : BPF_STX, k);
      }
      case 'jmp': case 'ja':
        return s(BPF_JMP | BPF_JA, 0, { ja: this.labelRef() });
      case 'neg': return s(BPF_ALU | BPF_NEG);
      case 'tax': return s(BPF_MISC | BPF_TAX);
      case 'txa': return s(BPF_MISC | BPF_TXA);
      case 'ret': {
        if (this.isPunct('#')) { this.next(); return s(BPF_RET | BPF_K, this.number()); }
        const pct = this.isPunct('%');
        if (this.isPunct('a', pct ? 1 : 0)) { if (pct) this.next(); this.next(); return s(BPF_RET | BPF_A); }
        if (this.tryX()) return s(BPF_RET | BPF_X);
        return this.fail("'#', 'a', '%a', 'x' or '%x'");
      }
      default: {
        const alu = ALU_OPS[op];
        if (alu !== undefined) {
          if (this.isPunct('#')) { this.next(); return s(BPF_ALU | alu | BPF_K, this.number()); }
          if (this.tryX()) return s(BPF_ALU | alu | BPF_X);
          return this.fail("'#', 'x' or '%x'");
        }
        const jump = JUMPS[op]!;
        let code: number, k = 0;
        if (this.isPunct('#')) { this.next(); k = this.number(); code = BPF_JMP | jump.op | BPF_K; }
        else if (this.tryX()) code = BPF_JMP | jump.op | BPF_X;
        else return this.fail("'#', 'x' or '%x'");
        this.punct(',');
        const first = this.labelRef();
        if (jump.inverted) return s(code, k, { jf: first });
        if (this.isPunct(',')) { this.next(); return s(code, k, { jt: first, jf: this.labelRef() }); }
        return s(code, k, { jt: first });
      }
    }
  }
}

/** Parses bpf_asm source into statements with symbolic jump targets. */
export function parseAsm(text: string): AsmStatement[] {
  return new Parser(tokenize(text)).parse();
}
