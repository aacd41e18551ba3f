/**
 * `tsbpf bpf-asm` and `tsbpf bpf-disasm`, run in-process through runCli with captured output,
 * plus one run of the built executable (the `npm start` path).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../src/cli/run-cli.js';
import type { CliIO } from '../../src/cli/command.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = [join(here, '../..'), join(here, '../../..')].find((d) => existsSync(join(d, 'samples/cpu-filter.bpf')))!;

async function run(argv: string[], files: Record<string, string> = {}, stdin = ''): Promise<{ status: number; out: string; err: string }> {
  let out = '', err = '';
  const io: CliIO = {
    stdout: (t) => { out += t; },
    stderr: (t) => { err += t; },
    readInput: async (path) => {
      if (path === undefined || path === '-') return new TextEncoder().encode(stdin);
      if (path in files) return new TextEncoder().encode(files[path]);
      return new Uint8Array(readFileSync(join(root, path)));
    },
  };
  const status = await runCli(argv, io);
  return { status, out, err };
}

const CPU = '4,32 0 0 4294963236,21 0 1 3,6 0 0 262144,6 0 0 0,\n';

test('bpf-asm prints the comma form of the bundled sample', async () => {
  const r = await run(['bpf-asm', 'samples/cpu-filter.bpf']);
  assert.deepEqual(r, { status: 0, out: CPU, err: '' });
});

test('bpf-asm reads standard input, with no FILE or with -', async () => {
  const src = 'ld #cpu\njneq #3, drop\nret #262144\ndrop: ret #0\n';
  assert.equal((await run(['bpf-asm'], {}, src)).out, CPU);
  assert.equal((await run(['bpf-asm', '-'], {}, src)).out, CPU);
});

test('bpf-asm -c prints bpf_asm -c lines; -d adds the tcpdump -d listing', async () => {
  const c = await run(['bpf-asm', '-c', 'samples/cpu-filter.bpf']);
  assert.equal(c.out, '{ 0x20,  0,  0, 0xfffff024 },\n{ 0x15,  0,  1, 0x00000003 },\n{ 0x06,  0,  0, 0x00040000 },\n{ 0x06,  0,  0, 0000000000 },\n');
  const d = await run(['bpf-asm', '--listing', 'samples/cpu-filter.bpf']);
  assert.equal(d.out, `${CPU}\n(000) ld       [cpu]\n(001) jeq      #0x3             jt 2\tjf 3\n(002) ret      #262144\n(003) ret      #0\n`);
  assert.equal((await run(['bpf-asm', '-cd', 'samples/cpu-filter.bpf'])).out, c.out + d.out.slice(CPU.length));
});

test('bpf-asm errors: one line FILE:LINE:COL: message, status 1', async () => {
  const r = await run(['bpf-asm', 'bad.bpf'], { 'bad.bpf': 'ld #1\n  ldh [x+4]\nret a\n' });
  assert.equal(r.status, 1);
  assert.equal(r.out, '');
  assert.match(r.err, /^tsbpf: bad\.bpf:2:9: syntax error, unexpected number '\+4', expecting '\+'.*\n$/);
  assert.equal(r.err.split('\n').length, 2);
  const s = await run(['bpf-asm'], {}, 'jmp nowhere\nret #0\n');
  assert.equal(s.err, "tsbpf: <stdin>:1:5: no such label 'nowhere'\n");
  assert.equal(s.status, 1);
});

test('bad arguments are usage errors (status 2)', async () => {
  assert.equal((await run(['bpf-asm', '-x'])).status, 2);
  assert.equal((await run(['bpf-asm', 'a', 'b'])).status, 2);
  assert.equal((await run(['bpf-disasm', '--what'])).status, 2);
});

test('bpf-disasm reads the comma form, the C form and tcpdump -ddd', async () => {
  const want = '\tld #cpu\n\tjneq #3, l3\n\tret #262144\nl3:\tret #0\n';
  assert.deepEqual(await run(['bpf-disasm'], {}, CPU), { status: 0, out: want, err: '' });
  const c = (await run(['bpf-asm', '-c', 'samples/cpu-filter.bpf'])).out;
  assert.equal((await run(['bpf-disasm', 'p.c'], { 'p.c': c })).out, want);
  assert.equal((await run(['bpf-disasm'], {}, '4\n32 0 0 4294963236\n21 0 1 3\n6 0 0 262144\n6 0 0 0\n')).out, want);
  // And back: the disassembly assembles to the same bytes.
  assert.equal((await run(['bpf-asm'], {}, want)).out, CPU);
});

test('bpf-disasm errors', async () => {
  const r = await run(['bpf-disasm', 'x.txt'], { 'x.txt': '2,6 0 0 0,\n' });
  assert.equal(r.status, 1);
  assert.match(r.err, /^tsbpf: x\.txt:1:1: the count says 2 instructions but 1 follow/);
  const u = await run(['bpf-disasm'], {}, '2,85 0 0 0,6 0 0 0,');
  assert.equal(u.err, 'tsbpf: <stdin>: insn #0: opcode 0x55 has no bpf_asm syntax\n');
  assert.equal(u.status, 1);
});

test('the built executable runs the README quick start', { skip: existsSync(join(root, 'dist/src/cli/main.js')) ? false : 'not built (npm run build)' }, () => {
  const r = spawnSync(process.execPath, [join(root, 'dist/src/cli/main.js'), 'bpf-asm', '-d', 'samples/cpu-filter.bpf'], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.ok(r.stdout.startsWith(CPU), r.stdout);
  assert.match(r.stdout, /\(000\) ld {7}\[cpu\]/);
});
