/**
 * `tsbpf asm` and `tsbpf disasm`, in-process through runCli with captured output: an ELF object
 * of the corpus prints exactly its committed llvm-objdump-19 golden dump; .hex/.bin input;
 * assembling to base16 and to a file; errors as one located line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/run-cli.js';
import type { CliIO } from '../../src/cli/command.js';
import { buildDir, objdumpGoldens } from '../helpers/ebpf-corpus.js';

async function run(argv: string[], files: Record<string, string | Uint8Array> = {}): Promise<{ status: number; out: string; err: string }> {
  let out = '', err = '';
  const io: CliIO = {
    stdout: (t) => { out += t; },
    stderr: (t) => { err += t; },
    readInput: async (path) => {
      const f = path === undefined ? files['-'] : files[path];
      if (f !== undefined) return typeof f === 'string' ? new TextEncoder().encode(f) : f;
      return new Uint8Array(readFileSync(path!));
    },
  };
  return { status: await runCli(argv, io), out, err };
}

test('disasm of a corpus object prints the llvm-objdump-19 golden dump', async () => {
  for (const g of objdumpGoldens().filter((x) => x.object.startsWith('bpf2bpf') || x.object.startsWith('atomics.bpfeb'))) {
    const obj = new Uint8Array(readFileSync(join(buildDir, g.object)));
    const argv = ['disasm', ...(g.command.includes('--no-show-raw-insn') ? [] : ['--raw']), ...(g.command.includes('-dr') ? ['-r'] : []), ...(g.command.includes('--mcpu=v4') ? ['--mcpu=v4'] : []), g.object];
    const r = await run(argv, { [g.object]: obj });
    assert.deepEqual(r, { status: 0, out: g.text, err: '' }, g.file);
  }
});

test('disasm of .hex and .bin input; asm back to base16', async () => {
  const hex = 'b7 00 00 00 01 00 00 00\n6c 21 00 00 00 00 00 00\n95 00 00 00 00 00 00 00\n';
  const r = await run(['disasm', 'p.hex'], { 'p.hex': hex });
  assert.deepEqual(r, { status: 0, out: '       0:\tr0 = 0x1\n       1:\tw1 <<= w2\n       2:\texit\n', err: '' });
  const bin = Uint8Array.from([0x15, 0x01, 0x01, 0x00, 0, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0]);
  assert.equal((await run(['disasm', '--raw', 'p.bin'], { 'p.bin': bin })).out, '       0:\t15 01 01 00 00 00 00 00\tif r1 == 0x0 goto +0x1\n       1:\t95 00 00 00 00 00 00 00\texit\n');
  const a = await run(['asm', 'p.s'], { 'p.s': 'r0 = 1\nw1 <<= w2 ; shift\nexit\n' });
  assert.deepEqual(a, { status: 0, out: 'b700000001000000\n6c21000000000000\n9500000000000000\n', err: '' });
  const be = await run(['asm', '--big-endian'], { '-': 'r1 = 0x1122334455667788 ll\n' });
  assert.equal(be.out, '1810000055667788' + '0000000011223344\n');
});

test('asm -o writes raw bytes; unresolved symbols are reported; errors are located', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsbpf-asm-'));
  try {
    const out = join(dir, 'p.bin');
    const r = await run(['asm', '-o', out, 'p.s'], { 'p.s': 'r1 = counts ll\nexit\n' });
    assert.deepEqual(r, { status: 0, out: '', err: "tsbpf: p.s:1: unresolved map reference 'counts' (instruction 0)\n" });
    assert.deepEqual([...readFileSync(out)], [0x18, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const bad = await run(['asm', 'bad.s'], { 'bad.s': 'exit\nr0 = *(u32 *)(r1 + 0x8000)\n' });
  assert.deepEqual(bad, { status: 1, out: '', err: 'tsbpf: bad.s:2:18: operand is not a 16-bit signed integer\n' });
  const usage = await run(['disasm', '--mcpu=v9', 'x']);
  assert.equal(usage.status, 2);
  const odd = await run(['disasm', 'p.bin'], { 'p.bin': new Uint8Array(5) });
  assert.deepEqual(odd, { status: 1, out: '', err: 'tsbpf: p.bin: 5 bytes is not a whole number of 8-byte instructions\n' });
});

test('asm --section picks one executable section of clang -S style input', async () => {
  const src = '\t.section xdp,"ax",@progbits\nmain:\n\tcall helper\n\texit\n\t.text\nhelper:\n\tr0 = 2\n\texit\n\t.section license,"aw"\n\t.asciz "GPL"\n';
  const r = await run(['asm', '--section', 'xdp', 'p.s'], { 'p.s': src });
  assert.deepEqual(r, { status: 0, out: '85100000ffffffff\n9500000000000000\n', err: "tsbpf: p.s:3: unresolved call 'helper' (instruction 0)\n" });
  const both = await run(['asm', 'p.s'], { 'p.s': src });
  assert.equal(both.out, '8510000001000000\n9500000000000000\nb700000002000000\n9500000000000000\n');
  assert.match(both.err, /2 executable sections assembled as one program/);
  assert.equal((await run(['asm', '--section', 'tc', 'p.s'], { 'p.s': src })).status, 2);
});
