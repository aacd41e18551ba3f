/**
 * The bpf_asm lexer against the kernel's own: tools/bpf/bpf_exp.l from a Linux source tree is
 * compiled with flex around test/harness/bpf-exp-lex.c, and both lexers read the same seeded
 * random fragments of bpf_asm (keywords, numbers in every base, extensions, comments, stray
 * characters). Runs when flex and gcc exist and a kernel tree is found: TSBPF_LINUX_SRC=<tree>,
 * or /usr/src/linux*. Skips with the reason otherwise (the kernel source is not bundled).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tokenize, type Token } from '../../src/cbpf/asm/lexer.js';
import { findTool } from '../helpers/oracles.js';
import { Prng, testSeed } from '../helpers/prng.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const harness = [join(here, '../harness'), join(here, '../../../test/harness')].find((d) => existsSync(join(d, 'bpf-exp-lex.c')));

function findLexer(): string | undefined {
  const roots = [process.env.TSBPF_LINUX_SRC, ...(existsSync('/usr/src') ? readdirSync('/usr/src').filter((d) => d.startsWith('linux')).map((d) => join('/usr/src', d)) : [])];
  return roots.filter((r): r is string => !!r).map((r) => join(r, 'tools/bpf/bpf_exp.l')).find(existsSync);
}

function build(): { exe?: string; dir?: string; skip: string | false } {
  const lexer = findLexer();
  if (!lexer) return { skip: 'no kernel tree with tools/bpf/bpf_exp.l (set TSBPF_LINUX_SRC)' };
  if (!findTool('flex') || !findTool('gcc')) return { skip: 'flex and gcc are needed to build the kernel lexer' };
  if (!harness) return { skip: 'test/harness/bpf-exp-lex.c not found' };
  const dir = mkdtempSync(join(tmpdir(), 'tsbpf-bpf-exp-'));
  const f = spawnSync('flex', ['-o', join(dir, 'lex.c'), lexer], { encoding: 'utf8' });
  if (f.status !== 0) return { skip: `flex failed: ${f.stderr}`, dir };
  const exe = join(dir, 'lexdump');
  const g = spawnSync('gcc', ['-O1', `-I${harness}`, '-o', exe, join(dir, 'lex.c'), join(harness, 'bpf-exp-lex.c')], { encoding: 'utf8' });
  if (g.status !== 0) return { skip: `gcc failed: ${g.stderr}`, dir };
  return { exe, dir, skip: false };
}

const built = build();

const FRAGMENTS = [
  'ld', 'LDX', 'ldxb', 'ldi', 'jneq', 'jne', 'ja', 'jmp', 'ret', 'tax', 'add', 'or', 'ora', 'neg', 'M', 'm', 'x', 'X', 'a', 'A',
  '#', '%', '[', ']', '(', ')', '+', '-', '*', '&', ':', ',', ' ', ' ', '\t', '\n', '\n',
  '0', '00', '07', '08', '0x', '0x1F', '0XfF', '0b', '0b101', '0B2', '12', '-5', '+7', '4294967296',
  '99999999999999999999', '-99999999999999999999', '0xfffffffffffffffff',
  'len', '#len', 'lenx', 'cpu', '#cpu', 'vlan_pr', 'vlan_avail', 'vlan_tpid', 'rand', 'random', 'foo', 'l1', '_a', 'a_', 'xx', 'Mx',
  '/*', '*/', '/* c */', '/* a **/', ';', '; c\n', '# c', 'b', '\r', '/', '"',
];

function ours(text: string): string {
  let tokens: Token[];
  try { tokens = tokenize(text); } catch (e) { return `ERR ${(e as { line: number }).line}`; }
  return tokens.map((t) => {
    switch (t.kind) {
      case 'number': return `number ${t.value}`;
      case 'ext': return `ext ${t.value}`;
      case 'label': return `label ${t.text}`;
      case 'len': return 'len';
      case 'punct': return `punct ${t.punct}`;
      case 'op': return 'op';
      case 'eof': return 'eof';
    }
  }).join('\n');
}

function theirs(exe: string, text: string): string {
  const out = spawnSync(exe, { input: text, encoding: 'latin1' }).stdout.trim();
  const err = /ERR (\d+)$/.exec(out);
  return err ? `ERR ${err[1]}` : out; // tokens before a lexical error are not compared
}

const seed = testSeed(8080);
test(`bpf_asm lexer = the kernel's bpf_exp.l on random input (seed ${seed})`, built, () => {
  const rng = new Prng(seed);
  // One process per case is slow; batch is impossible because a lexical error ends the run.
  for (let i = 0; i < 1500; i++) {
    const text = Array.from({ length: 1 + rng.int(25) }, () => rng.pick(FRAGMENTS)).join('');
    assert.equal(ours(text), theirs(built.exe!, text), JSON.stringify(text));
  }
});

test('cleanup', () => { if (built.dir) rmSync(built.dir, { recursive: true, force: true }); });
