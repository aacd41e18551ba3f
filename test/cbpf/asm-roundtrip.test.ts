/**
 * bpf_asm round trips: text → bytes → text → bytes on every golden tcpdump program and on
 * seeded random programs; both output forms read back; random bpf_asm *source* in every
 * syntax variant the grammar allows assembles to the instruction the generator meant.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assemble, canonicalInsn, disassemble, formatCForm, formatCommaForm, parseBytecode,
} from '../../src/cbpf/asm/index.js';
import { insn, type ClassicInsn } from '../../src/cbpf/insn.js';
import { goldenFiles, goldenProgram, readGolden } from './listing-golden-files.js';
import { KNOWN_OPCODES, randomK } from './listing-random.js';
import { Prng, testSeed } from '../helpers/prng.js';

const tuples = (insns: readonly ClassicInsn[]): number[][] => insns.map((i) => [i.code, i.jt, i.jf, i.k]);

for (const file of goldenFiles()) {
  test(`tcpdump program ${file}: disassembles and reassembles to the same instructions`, () => {
    const program = goldenProgram(file);
    const text = disassemble(program);
    const again = assemble(text).instructions;
    // bpf_asm writes 0 in fields an opcode ignores; tcpdump's `tax` carries a k (reported in
    // a comment by the disassembler; its k is whatever the code generator left there). Everything else must come back bit for bit.
    assert.deepEqual(tuples(again), tuples(program.map((i) => canonicalInsn(i))));
    const ignored = program.filter((i) => { const c = canonicalInsn(i); return c.k !== i.k || c.jt !== i.jt || c.jf !== i.jf; });
    assert.ok(ignored.every((i) => i.code === 0x07), `only tcpdump's 'tax' (k = leftover value) may differ in ${file}`);
    assert.equal(disassemble(again), text.replace(/\t; ignored field [^\n]*/g, ''));
    // Both bpf_asm output forms and tcpdump's -dd/-ddd read back to the same program.
    assert.deepEqual(tuples(parseBytecode(formatCommaForm(again))), tuples(again));
    assert.deepEqual(tuples(parseBytecode(formatCForm(again))), tuples(again));
    const sections = readGolden(file).sections;
    assert.deepEqual(tuples(parseBytecode(sections.get('dd')!.text)), tuples(program));
    assert.deepEqual(tuples(parseBytecode(sections.get('ddd')!.text)), tuples(program));
  });
}

/** A random program bpf_asm can express exactly: known opcodes, used fields only, targets inside. */
function randomAsmProgram(rng: Prng, n: number): ClassicInsn[] {
  return Array.from({ length: n }, (_, i) => {
    const last = i === n - 1;
    const code = last ? rng.pick([0x06, 0x16, 0x0e]) : rng.pick(KNOWN_OPCODES);
    const room = n - i - 2; // farthest forward offset that stays inside the program
    if (code === 0x05) return insn(code, 0, 0, (rng.int(n) - i - 1) >>> 0);     // ja, backward too
    const raw = insn(code, rng.int(Math.min(room, 255) + 1), rng.int(Math.min(room, 255) + 1), randomK(rng));
    return canonicalInsn(raw);
  });
}

const seed = testSeed(424242);
test(`random programs: bytes → text → bytes is exact (seed ${seed})`, () => {
  const rng = new Prng(seed);
  let count = 0;
  for (let p = 0; p < 300; p++) {
    const program = randomAsmProgram(rng, 1 + rng.int(p === 0 ? 400 : 60));
    const text = disassemble(program);
    const back = assemble(text).instructions;
    assert.deepEqual(tuples(back), tuples(program), `program ${p} (seed ${seed}):\n${text}`);
    assert.equal(disassemble(back), text);
    assert.deepEqual(tuples(parseBytecode(formatCommaForm(back))), tuples(program));
    assert.deepEqual(tuples(parseBytecode(formatCForm(back))), tuples(program));
    count += program.length;
  }
  assert.ok(count > 5000);
});

// ---- random source text in every syntax variant ---------------------------------------------

const casing = (rng: Prng, s: string): string => [...s].map((c) => (rng.bool(0.3) ? c.toUpperCase() : c)).join('');
/** A number spelled in one of bpf_exp.l's forms, for a value the form can express. */
function spell(rng: Prng, v: number): string {
  const forms = [() => String(v), () => `0x${v.toString(16)}`, () => `0X${v.toString(16).toUpperCase()}`];
  if (v > 0) forms.push(() => `0${v.toString(8)}`, () => `0b${v.toString(2)}`);
  if (v >= 0x80000000) forms.push(() => String(v - 0x1_0000_0000)); // negative decimal wraps
  if (v > 0) forms.push(() => `+${v}`);
  return rng.pick(forms)();
}
const blank = (rng: Prng): string => rng.pick([' ', '  ', '\t', ' /* c */ ']);
const xreg = (rng: Prng): string => rng.pick(['x', 'X', '%x', '%X']);

interface Gen { text: string; want: ClassicInsn }
function randomStatement(rng: Prng): Gen {
  const k = randomK(rng);
  const n = spell(rng, k);
  const c = (s: string): string => casing(rng, s);
  const choices: (() => Gen)[] = [
    () => ({ text: `${c('ld')} #${n}`, want: insn(0x00, 0, 0, k) }),
    () => ({ text: `${c(rng.pick(['ldi', 'ldxi']))}${rng.bool() ? ' #' : ' '}${n}`, want: insn(0, 0, 0, k) }),
    () => ({ text: `${c('ldx')} #${n}`, want: insn(0x01, 0, 0, k) }),
    () => { const [m, code] = rng.pick([['ld', 0x20], ['ldh', 0x28], ['ldb', 0x30]] as const); return { text: `${c(m)} [${blank(rng)}${n}${blank(rng)}]`, want: insn(code, 0, 0, k) }; },
    () => { const [m, code] = rng.pick([['ld', 0x40], ['ldh', 0x48], ['ldb', 0x50]] as const); return { text: `${c(m)} [${xreg(rng)} + ${n}]`, want: insn(code, 0, 0, k) }; },
    () => ({ text: `${c(rng.pick(['ld', 'ldx']))} M[${n}]`, want: insn(0, 0, 0, k) }),
    () => ({ text: `${c(rng.pick(['st', 'stx']))} M[${n}]`, want: insn(0, 0, 0, k) }),
    () => ({ text: `${c(rng.pick(['ldxb', 'ldx']))} 4*([${n}]&0xf)`, want: insn(0xb1, 0, 0, k) }),
    () => { const [m, op] = rng.pick([['add', 0x00], ['sub', 0x10], ['mul', 0x20], ['div', 0x30], ['or', 0x40], ['and', 0x50], ['lsh', 0x60], ['rsh', 0x70], ['mod', 0x90], ['xor', 0xa0]] as const);
      return rng.bool() ? { text: `${c(m)} #${n}`, want: insn(0x04 | op, 0, 0, k) } : { text: `${c(m)} ${xreg(rng)}`, want: insn(0x0c | op, 0, 0, 0) }; },
    () => ({ text: `${c('ret')} #${n}`, want: insn(0x06, 0, 0, k) }),
    () => ({ text: `${c('ret')} ${rng.pick(['a', 'A', '%a'])}`, want: insn(0x16, 0, 0, 0) }),
  ];
  const g = rng.pick(choices)();
  // The generic cases above leave the opcode to fix up from the mnemonic.
  const m = /^[a-z]+/i.exec(g.text)![0].toLowerCase();
  const fix: Record<string, number> = { ldi: 0x00, ldxi: 0x01, st: 0x02, stx: 0x03 };
  if (m in fix) return { text: g.text, want: insn(fix[m]!, 0, 0, g.want.k) };
  if (/M\[/.test(g.text)) return { text: g.text, want: insn(m === 'ld' ? 0x60 : 0x61, 0, 0, g.want.k) };
  return g;
}

test(`random bpf_asm source in every spelling assembles to the intended instructions (seed ${seed})`, () => {
  const rng = new Prng(seed ^ 0x5a5a);
  for (let p = 0; p < 200; p++) {
    const n = 1 + rng.int(30);
    const stmts = Array.from({ length: n }, () => randomStatement(rng));
    // Add labelled jumps with explicit targets and check their offsets.
    const lines: string[] = [];
    const want: ClassicInsn[] = [];
    stmts.forEach((s, i) => {
      if (i < n - 1 && rng.bool(0.3)) {
        const t = i + 1 + rng.int(n - i - 1), f = i + 1 + rng.int(n - i - 1);
        const [m, op, inv] = rng.pick([['jeq', 0x10, false], ['jgt', 0x20, false], ['jge', 0x30, false], ['jset', 0x40, false], ['jneq', 0x10, true], ['jne', 0x10, true], ['jlt', 0x30, true], ['jle', 0x20, true]] as const);
        const k = randomK(rng);
        const useX = rng.bool(0.3);
        const operand = useX ? xreg(rng) : `#${spell(rng, k)}`;
        const code = 0x05 | op | (useX ? 0x08 : 0);
        if (inv) { lines.push(`${m} ${operand}, L${f}`); want.push(insn(code, 0, 0, useX ? 0 : k)); }
        else if (rng.bool()) { lines.push(`${m} ${operand},L${t}`); want.push(insn(code, 0, 0, useX ? 0 : k)); }
        else { lines.push(`${m} ${operand}, L${t} ,L${f}`); want.push(insn(code, 0, 0, useX ? 0 : k)); }
        // Offsets are filled in below, once every statement's final index is known.
      }
      lines.push(`L${i}:${blank(rng)}${s.text}${rng.pick(['', ' ; note', ' /* c */'])}`);
      want.push(s.want);
    });
    // Recompute offsets now that every statement's final index is known.
    const index = new Map<string, number>();
    lines.forEach((l, i) => { const m = /^(L\d+):/.exec(l); if (m) index.set(m[1]!, i); });
    const fixed = want.map((w, i) => {
      const line = lines[i]!;
      if (/^L\d+:/.test(line)) return w;
      const labels = [...line.matchAll(/L\d+/g)].map((m) => index.get(m[0])! - i - 1);
      if (/^j(neq|ne|lt|le) /.test(line)) return insn(w.code, 0, labels[0]!, w.k);
      return insn(w.code, labels[0]!, labels[1] ?? 0, w.k);
    });
    if (fixed.some((w) => w.jt > 255 || w.jf > 255)) continue;
    const text = lines.join(rng.pick(['\n', '\n\n', ' \n']));
    assert.deepEqual(tuples(assemble(text).instructions), tuples(fixed), text);
  }
});
