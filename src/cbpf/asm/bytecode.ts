/**
 * bpf_asm's two output forms, and reading them (and tcpdump's -dd/-ddd forms) back.
 *
 * - Comma form (bpf_asm default, `iptables -m bpf --bytecode`, xt_bpf): `N,` then
 *   `code jt jf k,` per instruction, all decimal, one line: printf("%u,") / ("%u %u %u %u,").
 * - C form (bpf_asm -c): `{ %#04x, %2u, %2u, %#010x },` per line. C's `#` flag prints no
 *   `0x` for zero, so code 0 is `0000` and k = 0 is `0000000000` — reproduced here.
 */
import { AsmSyntaxError } from '../../core/errors.js';
import { insn, type ClassicInsn } from '../insn.js';
import type { ClassicProgram } from '../program.js';

const list = (p: ClassicProgram | readonly ClassicInsn[]): readonly ClassicInsn[] => ('instructions' in p ? p.instructions : p);

/** printf("%#0<width>x", v). */
function altHex(v: number, width: number): string {
  const body = v === 0 ? '0' : `0x${v.toString(16)}`;
  if (body.length >= width) return body;
  return v === 0 ? '0'.repeat(width) : `0x${v.toString(16).padStart(width - 2, '0')}`;
}

/** bpf_asm's default output: `4,32 0 0 4294963236,21 0 1 3,6 0 0 262144,6 0 0 0,\n`. */
export function formatCommaForm(program: ClassicProgram | readonly ClassicInsn[]): string {
  const insns = list(program);
  return `${insns.length},${insns.map((i) => `${i.code} ${i.jt} ${i.jf} ${i.k >>> 0},`).join('')}\n`;
}

/** bpf_asm -c output: one `{ 0x20,  0,  0, 0xfffff024 },` line per instruction. */
export function formatCForm(program: ClassicProgram | readonly ClassicInsn[]): string {
  return list(program).map((i) => `{ ${altHex(i.code, 4)}, ${String(i.jt).padStart(2)}, ${String(i.jf).padStart(2)}, ${altHex(i.k >>> 0, 10)} },\n`).join('');
}

interface Num { readonly value: bigint; readonly line: number; readonly column: number; readonly text: string }
type Item = Num | { readonly brace: '{' | '}'; readonly line: number; readonly column: number };

/** Reads numbers (C style: 0x hex, leading-0 octal, decimal) and braces, skipping comments. */
function scan(text: string, separators: RegExp, cForm: boolean): Item[] {
  const items: Item[] = [];
  let line = 1, lineStart = 0, at = 0;
  const col = (i: number): number => i - lineStart + 1;
  while (at < text.length) {
    const ch = text[at]!;
    if (ch === '\n') { line++; lineStart = at + 1; at++; continue; }
    if (text.startsWith('/*', at)) {
      const end = text.indexOf('*/', at + 2);
      if (end < 0) throw new AsmSyntaxError('unterminated comment', line, col(at));
      for (let i = at; i < end; i++) if (text[i] === '\n') { line++; lineStart = i + 1; }
      at = end + 2; continue;
    }
    if (text.startsWith('//', at) || (ch === '#' && text.slice(lineStart, at).trim() === '')) {
      while (at < text.length && text[at] !== '\n') at++;
      continue;
    }
    if (cForm) {
      // Let a whole C declaration through: `struct sock_filter code[4] = { ... };`.
      const ident = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(at, at + 64));
      if (ident) { at += ident[0].length; continue; }
      if (ch === '[') { const end = text.indexOf(']', at); if (end > 0 && !text.slice(at, end).includes('\n')) { at = end + 1; continue; } }
      if (ch === '=') { at++; continue; }
    }
    if (ch === '{' || ch === '}') { items.push({ brace: ch, line, column: col(at) }); at++; continue; }
    if (separators.test(ch)) { at++; continue; }
    const m = /^(?:0x[0-9a-f]+|[0-9]+)/i.exec(text.slice(at, at + 40));
    if (!m) throw new AsmSyntaxError(`unexpected '${ch}' in bytecode`, line, col(at));
    const t = m[0];
    const value = /^0x/i.test(t) ? BigInt(t) : /^0[0-7]+$/.test(t) ? BigInt(`0o${t.slice(1)}`) : BigInt(t);
    items.push({ value, line, column: col(at), text: t });
    at += t.length;
  }
  return items;
}

const isNum = (i: Item | undefined): i is Num => i !== undefined && 'value' in i;

function toInsn(n: readonly Num[], at: number): ClassicInsn {
  const [code, jt, jf, k] = n.slice(at, at + 4);
  const check = (v: Num | undefined, max: bigint, what: string): number => {
    if (!v) { const last = n[n.length - 1]; throw new AsmSyntaxError(`instruction ${at / 4} is missing its ${what}`, last?.line ?? 1, last?.column ?? 1); }
    if (v.value > max) throw new AsmSyntaxError(`${what} ${v.text} does not fit in ${max.toString(2).length} bits`, v.line, v.column);
    return Number(v.value);
  };
  return insn(check(code, 0xffffn, 'code'), check(jt, 0xffn, 'jt'), check(jf, 0xffn, 'jf'), check(k, 0xffffffffn, 'k'));
}

/**
 * Reads a program in any of the numeric forms: bpf_asm's comma form, bpf_asm -c / tcpdump -dd
 * C initialisers, or tcpdump -ddd (count line, then `code jt jf k` lines). Forms with a count
 * must match it.
 */
export function parseBytecode(text: string): ClassicInsn[] {
  const cForm = text.includes('{');
  const items = scan(text, cForm ? /[\s,;]/ : /[\s,]/, cForm);
  if (items.some((i) => !isNum(i))) {
    // C form: records `{ code, jt, jf, k }`, optionally inside one outer `{ ... }`.
    const insns: ClassicInsn[] = [];
    let depth = 0;
    for (let at = 0; at < items.length; at++) {
      const item = items[at]!;
      if (isNum(item)) throw new AsmSyntaxError(`number ${item.text} outside a { code, jt, jf, k } record`, item.line, item.column);
      if (item.brace === '}') {
        if (--depth < 0) throw new AsmSyntaxError("unbalanced '}'", item.line, item.column);
        continue;
      }
      const nums = items.slice(at + 1, at + 5);
      if (nums.length === 0 || !isNum(nums[0])) { depth++; continue; }
      const close = items[at + 5];
      if (!nums.every(isNum) || !close || isNum(close) || close.brace !== '}') {
        throw new AsmSyntaxError('a C-form instruction is { code, jt, jf, k }: four numbers in braces', item.line, item.column);
      }
      insns.push(toInsn(nums as Num[], 0));
      at += 5;
    }
    if (depth !== 0) throw new AsmSyntaxError("unbalanced '{'", 1, 1);
    if (insns.length === 0) throw new AsmSyntaxError('no instructions in C-form bytecode', 1, 1);
    return insns;
  }
  const nums = items as Num[];
  if (nums.length === 0) throw new AsmSyntaxError('empty bytecode', 1, 1);
  const [count, ...rest] = nums;
  if (rest.length % 4 !== 0 || BigInt(rest.length / 4) !== count!.value) {
    throw new AsmSyntaxError(`the count says ${count!.text} instructions but ${rest.length / 4} follow (${rest.length} numbers after the count)`, count!.line, count!.column);
  }
  return Array.from({ length: rest.length / 4 }, (_, i) => toInsn(rest, i * 4));
}
