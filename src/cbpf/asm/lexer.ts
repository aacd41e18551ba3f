/**
 * The lexer of the Linux kernel's bpf_asm (tools/bpf/bpf_exp.l), rule for rule. flex picks the
 * longest match and, among equal lengths, the earliest rule; the rules are `%option caseless`.
 * Reproducing that exactly matters because bpf_asm's quirks follow from it:
 *  - keywords and extension names win over labels of the same length (`ld`, `cpu` are never
 *    labels), labels need at least two characters, and `x`, `a`, `M` are single-letter tokens;
 *  - `#` is optional before extension names and `len` (`ld cpu` = `ld #cpu`);
 *  - a signed decimal swallows its sign, so `[x+4]` lexes as `[`, `x`, `+4`, `]` and is a
 *    syntax error: bpf_asm wants `[x + 4]`;
 *  - `#` starts a comment only at the beginning of a line; `;` comments to the end of line;
 *  - only space, tab and newline are blanks (a carriage return is an unknown character).
 * Numbers follow the C conversions bpf_asm uses (strtol/strtoul, then truncation to 32 bits).
 */
import { AsmSyntaxError } from '../../core/errors.js';
import {
  SKF_AD_CPU, SKF_AD_HATYPE, SKF_AD_IFINDEX, SKF_AD_MARK, SKF_AD_NLATTR, SKF_AD_NLATTR_NEST,
  SKF_AD_PAY_OFFSET, SKF_AD_PKTTYPE, SKF_AD_PROTOCOL, SKF_AD_QUEUE, SKF_AD_RANDOM, SKF_AD_RXHASH,
  SKF_AD_VLAN_TAG, SKF_AD_VLAN_TAG_PRESENT, SKF_AD_VLAN_TPID,
} from '../opcodes.js';

/** The bpf_asm mnemonics (lower case), including the aliases `ja` (= jmp) and `jne` (= jneq). */
export const MNEMONICS = [
  'ldb', 'ldh', 'ld', 'ldi', 'ldx', 'ldxi', 'ldxb', 'st', 'stx', 'jmp', 'ja', 'jeq', 'jneq', 'jne',
  'jlt', 'jle', 'jgt', 'jge', 'jset', 'add', 'sub', 'mul', 'div', 'mod', 'neg', 'and', 'xor', 'or',
  'lsh', 'rsh', 'ret', 'tax', 'txa',
] as const;
export type Mnemonic = (typeof MNEMONICS)[number];

/** Extension names → SKF_AD_* offsets, in bpf_exp.l's order (`vlan_pr` is an old alias). */
export const EXTENSIONS: readonly (readonly [string, number])[] = [
  ['proto', SKF_AD_PROTOCOL], ['type', SKF_AD_PKTTYPE], ['poff', SKF_AD_PAY_OFFSET],
  ['ifidx', SKF_AD_IFINDEX], ['nla', SKF_AD_NLATTR], ['nlan', SKF_AD_NLATTR_NEST],
  ['mark', SKF_AD_MARK], ['queue', SKF_AD_QUEUE], ['hatype', SKF_AD_HATYPE],
  ['rxhash', SKF_AD_RXHASH], ['cpu', SKF_AD_CPU], ['vlan_tci', SKF_AD_VLAN_TAG],
  ['vlan_pr', SKF_AD_VLAN_TAG_PRESENT], ['vlan_avail', SKF_AD_VLAN_TAG_PRESENT],
  ['vlan_tpid', SKF_AD_VLAN_TPID], ['rand', SKF_AD_RANDOM],
];

export type Punct = ':' | ',' | '#' | '%' | '[' | ']' | '(' | ')' | 'x' | 'a' | '+' | 'M' | '*' | '&';

export type Token =
  | { readonly kind: 'op'; readonly op: Mnemonic; readonly text: string; readonly line: number; readonly column: number }
  | { readonly kind: 'len'; readonly text: string; readonly line: number; readonly column: number }
  | { readonly kind: 'ext'; readonly value: number; readonly text: string; readonly line: number; readonly column: number }
  | { readonly kind: 'number'; readonly value: number; readonly text: string; readonly line: number; readonly column: number }
  | { readonly kind: 'label'; readonly text: string; readonly line: number; readonly column: number }
  | { readonly kind: 'punct'; readonly punct: Punct; readonly text: string; readonly line: number; readonly column: number }
  | { readonly kind: 'eof'; readonly text: ''; readonly line: number; readonly column: number };

type Make = (text: string) => { kind: 'skip' } | DistributiveOmit<Token, 'line' | 'column'>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

const U32 = (v: bigint): number => Number(BigInt.asUintN(32, v));
const LONG_MAX = (1n << 63n) - 1n;
const LONG_MIN = -(1n << 63n);
const ULONG_MAX = (1n << 64n) - 1n;
/** strtol: saturates at LONG_MIN/LONG_MAX. */
const strtol = (v: bigint): bigint => (v > LONG_MAX ? LONG_MAX : v < LONG_MIN ? LONG_MIN : v);

/** `first`: every character a match can start with (lower case), to skip hopeless rules fast. */
interface Rule { readonly re: RegExp; readonly first: string; readonly bol?: boolean; readonly make: Make }

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const literal = (s: string): RegExp => new RegExp(escape(s), 'iy');

/**
 * The rules in bpf_exp.l's order; the first longest match wins. Built per call: sticky regexes
 * carry `lastIndex`, and the core keeps no mutable state at module level.
 */
const makeRules = (): readonly Rule[] => [
  ...MNEMONICS.map((op): Rule => ({ re: literal(op), first: op[0]!, make: (text) => ({ kind: 'op', op, text }) })),
  { re: /#?len/iy, first: '#l', make: (text) => ({ kind: 'len', text }) },
  ...EXTENSIONS.map(([name, value]): Rule => ({ re: new RegExp(`#?${name}`, 'iy'), first: `#${name[0]!}`, make: (text) => ({ kind: 'ext', value, text }) })),
  ...([':', ',', '#', '%', '[', ']', '(', ')', 'x', 'a', '+', 'M', '*', '&'] as const).map(
    (punct): Rule => ({ re: literal(punct), first: punct.toLowerCase(), make: (text) => ({ kind: 'punct', punct, text }) })),
  // strtoul(yytext, NULL, 16): saturates at ULONG_MAX, then the uint32_t assignment truncates.
  { re: /0x[a-f0-9]+/iy, first: '0', make: (text) => { const v = BigInt(`0x${text.slice(2)}`); return { kind: 'number', value: U32(v > ULONG_MAX ? ULONG_MAX : v), text }; } },
  { re: /0b[01]+/iy, first: '0', make: (text) => ({ kind: 'number', value: U32(strtol(BigInt(`0b${text.slice(2)}`))), text }) },
  { re: /0|[-+]?[1-9][0-9]*/y, first: '0123456789+-', make: (text) => ({ kind: 'number', value: U32(strtol(BigInt(text.replace(/^\+/, '')))), text }) },
  { re: /0[0-7]+/y, first: '0', make: (text) => ({ kind: 'number', value: U32(strtol(BigInt(`0o${text.slice(1)}`))), text }) },
  { re: /[a-z_][a-z0-9_]+/iy, first: 'abcdefghijklmnopqrstuvwxyz_', make: (text) => ({ kind: 'label', text }) },
  { re: /\/\*([^*]|\*[^/])*\*\//y, first: '/', make: () => ({ kind: 'skip' }) },
  { re: /;[^\n]*/y, first: ';', make: () => ({ kind: 'skip' }) },
  { re: /#[^\n]*/y, first: '#', bol: true, make: () => ({ kind: 'skip' }) },
  { re: /[ \t]+/y, first: ' \t', make: () => ({ kind: 'skip' }) },
  { re: /[ \n]+/y, first: ' \n', make: () => ({ kind: 'skip' }) },
];

/** Maps offsets to 1-based line and column. */
export class Positions {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }
  at(offset: number): { line: number; column: number } {
    let lo = 0, hi = this.starts.length - 1;
    while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (this.starts[mid]! <= offset) lo = mid; else hi = mid - 1; }
    return { line: lo + 1, column: offset - this.starts[lo]! + 1 };
  }
}

function describeChar(ch: string): string {
  const names: Record<string, string> = { '\r': '\\r (carriage return)', '\f': '\\f', '\v': '\\v', '\0': '\\0' };
  return names[ch] ?? ch;
}

/** Splits bpf_asm source into tokens, ending with one `eof` token. */
export function tokenize(text: string): Token[] {
  const pos = new Positions(text);
  const tokens: Token[] = [];
  const rules = makeRules();
  // Candidate rules per first character, in rule order (so ties still go to the earlier rule).
  const byFirst = new Map<string, Rule[]>();
  for (const rule of rules) for (const ch of rule.first) { const list = byFirst.get(ch) ?? []; list.push(rule); byFirst.set(ch, list); }
  let at = 0;
  while (at < text.length) {
    let best: { len: number; rule: Rule } | undefined;
    const bol = at === 0 || text.charCodeAt(at - 1) === 10;
    for (const rule of byFirst.get(text[at]!.toLowerCase()) ?? []) {
      if (rule.bol && !bol) continue;
      rule.re.lastIndex = at;
      // test() leaves lastIndex at the end of a sticky match and allocates no match array.
      if (rule.re.test(text) && rule.re.lastIndex - at > (best?.len ?? 0)) best = { len: rule.re.lastIndex - at, rule };
    }
    const { line, column } = pos.at(at);
    if (!best) {
      const ch = String.fromCodePoint(text.codePointAt(at)!);
      throw new AsmSyntaxError(`lex unknown character '${describeChar(ch)}'`, line, column);
    }
    const lexeme = text.slice(at, at + best.len);
    const made = best.rule.make(lexeme);
    if (made.kind !== 'skip') tokens.push({ ...made, line, column } as Token);
    at += best.len;
  }
  const end = pos.at(text.length);
  tokens.push({ kind: 'eof', text: '', line: end.line, column: end.column });
  return tokens;
}
