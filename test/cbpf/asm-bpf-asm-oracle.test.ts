/**
 * The assembler against the kernel's bpf_asm itself, built from a Linux source tree
 * (tools/bpf/bpf_exp.y with bison, bpf_exp.l with flex, bpf_asm.c with gcc): seeded random
 * source, half of it well-formed (disassembled random programs) and half a soup of mnemonics,
 * operands and labels, must be accepted or rejected alike and, when accepted, give the same
 * comma form and the same -c form. Runs when bison, flex and gcc exist and a kernel tree is
 * found (TSBPF_LINUX_SRC=<tree>, or /usr/src/linux*); skips with the reason otherwise.
 *
 * Known, deliberate difference: a label defined twice is an error here, while bpf_asm silently
 * uses the first definition; such cases are counted and left out of the comparison.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assemble, disassemble, formatCForm, formatCommaForm, canonicalInsn, AsmLabelError } from '../../src/cbpf/asm/index.js';
import { insn } from '../../src/cbpf/insn.js';
import { findTool } from '../helpers/oracles.js';
import { Prng, testSeed } from '../helpers/prng.js';
import { KNOWN_OPCODES, randomK } from './listing-random.js';
import { goldenFiles, goldenProgram } from './listing-golden-files.js';

function findTree(): string | undefined {
  const roots = [process.env.TSBPF_LINUX_SRC, ...(existsSync('/usr/src') ? readdirSync('/usr/src').filter((d) => d.startsWith('linux')).map((d) => join('/usr/src', d)) : [])];
  return roots.filter((r): r is string => !!r).find((r) => ['bpf_exp.y', 'bpf_exp.l', 'bpf_asm.c'].every((f) => existsSync(join(r, 'tools/bpf', f))));
}

function build(): { exe?: string; dir?: string; skip: string | false } {
  const tree = findTree();
  if (!tree) return { skip: 'no kernel tree with tools/bpf/bpf_exp.y (set TSBPF_LINUX_SRC)' };
  for (const tool of ['bison', 'flex', 'gcc']) if (!findTool(tool)) return { skip: `${tool} is needed to build bpf_asm` };
  const src = join(tree, 'tools/bpf');
  const dir = mkdtempSync(join(tmpdir(), 'tsbpf-bpf-asm-'));
  const steps: [string, string[]][] = [
    ['bison', ['-o', join(dir, 'bpf_exp.yacc.c'), '-d', join(src, 'bpf_exp.y')]],
    ['flex', ['-o', join(dir, 'bpf_exp.lex.c'), join(src, 'bpf_exp.l')]],
    ['gcc', ['-O1', `-I${dir}`, '-o', join(dir, 'bpf_asm'), join(src, 'bpf_asm.c'), join(dir, 'bpf_exp.yacc.c'), join(dir, 'bpf_exp.lex.c')]],
  ];
  for (const [cmd, args] of steps) {
    const r = spawnSync(cmd, args, { encoding: 'utf8' });
    if (r.status !== 0) return { skip: `${cmd} failed: ${r.stderr}`, dir };
  }
  return { exe: join(dir, 'bpf_asm'), dir, skip: false };
}

const built = build();

/** bpf_asm's verdict: its stdout, or undefined when it rejected the text. */
function bpfAsm(text: string, cStyle: boolean): string | undefined {
  const r = spawnSync(built.exe!, cStyle ? ['-c'] : [], { input: text, encoding: 'latin1' });
  return r.status === 0 && r.stdout !== '' ? r.stdout : undefined;
}

function ours(text: string, cStyle: boolean): string | undefined | 'duplicate' {
  try {
    const p = assemble(text);
    return cStyle ? formatCForm(p) : formatCommaForm(p);
  } catch (e) {
    if (e instanceof AsmLabelError && /duplicate label/.test(e.message)) return 'duplicate';
    return undefined;
  }
}

const MNEMONICS = ['ld', 'ldh', 'ldb', 'ldi', 'ldx', 'ldxi', 'ldxb', 'st', 'stx', 'jmp', 'ja', 'jeq', 'jneq', 'jne', 'jlt', 'jle', 'jgt', 'jge', 'jset',
  'add', 'sub', 'mul', 'div', 'mod', 'neg', 'and', 'or', 'xor', 'lsh', 'rsh', 'ret', 'tax', 'txa'];
const OPERANDS = ['#1', '#0x10', '#-1', '#len', 'len', '#cpu', 'rand', 'M[3]', '[12]', '[x + 4]', '[%x + 4]', '[x+4]', '4*([14]&0xf)', '2*([14]&0xf)',
  'x', '%x', 'a', '%a', '#017', '#0b11', '', '#', '[1', 'aa', 'bb', 'cc'];
const LABELS = ['aa', 'bb', 'cc', 'dd'];

function soup(rng: Prng): string {
  const lines: string[] = [];
  const n = 1 + rng.int(8);
  for (let i = 0; i < n; i++) {
    let line = rng.bool(0.3) ? `${rng.pick(LABELS)}: ` : '';
    line += rng.pick(MNEMONICS);
    const ops = rng.int(4);
    for (let j = 0; j < ops; j++) line += (j === 0 ? ' ' : rng.pick([', ', ',', ' '])) + rng.pick(j === 0 ? OPERANDS : [...LABELS, ...OPERANDS]);
    lines.push(line);
  }
  return `${lines.join(rng.pick(['\n', ' ', '\n; c\n']))}\n`;
}

function wellFormed(rng: Prng): string {
  const n = 1 + rng.int(40);
  const insns = Array.from({ length: n }, (_, i) => {
    const code = i === n - 1 ? 0x06 : rng.pick(KNOWN_OPCODES);
    if (code === 0x05) return insn(code, 0, 0, (rng.int(n) - i - 1) >>> 0);
    const room = Math.min(n - i - 2, 255);
    return canonicalInsn(insn(code, rng.int(room + 1), rng.int(room + 1), randomK(rng)));
  });
  return disassemble(insns);
}

const seed = testSeed(9090);
test(`assemble() = the kernel's bpf_asm on random source (seed ${seed})`, built, () => {
  const rng = new Prng(seed);
  let accepted = 0, rejected = 0, duplicates = 0;
  for (let i = 0; i < 1200; i++) {
    const text = i % 2 === 0 ? wellFormed(rng) : soup(rng);
    const cStyle = rng.bool();
    const mine = ours(text, cStyle);
    if (mine === 'duplicate') { duplicates++; continue; }
    const theirs = bpfAsm(text, cStyle);
    assert.equal(mine, theirs, `${cStyle ? 'bpf_asm -c' : 'bpf_asm'} on ${JSON.stringify(text)}`);
    if (theirs === undefined) rejected++; else accepted++;
  }
  assert.ok(accepted > 500 && rejected > 100, `accepted ${accepted}, rejected ${rejected}, duplicates ${duplicates}`);
});

test('bpf_asm assembles the disassembly of every golden tcpdump program as assemble() does', built, () => {
  for (const file of goldenFiles()) {
    const text = disassemble(goldenProgram(file));
    assert.equal(bpfAsm(text, false), ours(text, false), file);
    assert.equal(bpfAsm(text, true), ours(text, true), file);
  }
});

test('cleanup', () => { if (built.dir) rmSync(built.dir, { recursive: true, force: true }); });
