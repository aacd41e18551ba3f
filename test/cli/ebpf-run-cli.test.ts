/**
 * `tsbpf conformance-plugin` and `tsbpf run`, in-process through runCli with captured output.
 * Programs come from the conformance suite's files (their `-- raw` words and expected r0).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../src/cli/run-cli.js';
import type { CliIO } from '../../src/cli/command.js';
import { assembleConformance, parseDataFile, rawWords } from '../../src/ebpf/asm/conformance/index.js';
import { encode } from '../../src/ebpf/isa/index.js';
import { CONFORMANCE_DIR, dataFiles } from '../helpers/conformance.js';

async function run(argv: string[], files: Record<string, string | Uint8Array> = {}, stdin = '') {
  let out = '', err = '';
  const io: CliIO = {
    stdout: (t) => { out += t; },
    stderr: (t) => { err += t; },
    readInput: async (path) => {
      if (path === undefined || path === '-') return new TextEncoder().encode(stdin);
      const f = files[path];
      if (f === undefined) throw new Error(`ENOENT: ${path}`);
      return typeof f === 'string' ? new TextEncoder().encode(f) : f;
    },
  };
  const status = await runCli(argv, io);
  return { status, out, err };
}

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const lddwData = parseDataFile(readFileSync(`${CONFORMANCE_DIR}/tests/lddw.data`, 'utf8'));
const LDDW_HEX = hex(rawWords(lddwData.raw!));

test('conformance-plugin: program on stdin, r0 in hex, with either engine', async () => {
  const r = await run(['conformance-plugin'], {}, `${LDDW_HEX}\n`);
  assert.deepEqual(r, { status: 0, out: '1122334455667788\n', err: '' });
  const jit = await run(['conformance-plugin', '--engine', 'jit'], {}, `${LDDW_HEX}\n`);
  assert.deepEqual(jit, { status: 0, out: '1122334455667788\n', err: '' });
});

test('run: --engine jit gives the same r0, data and a duration', async () => {
  const r = await run(['run', '--engine', 'jit', '--repeat', '10', '--data-hex', 'aabbcc', 'swap.s'], { 'swap.s': SWAP });
  assert.equal(r.status, 0, r.err);
  assert.match(r.out, /^r0 = 0x3 \(3\)\ndata = bbaacc\nduration \(average\): \d+ns, repeat 10\n$/);
});

test('conformance-plugin: --program and a memory argument (r2 = its length)', async () => {
  // mov r0, r2 ; exit  (the suite's mem-len.data), encoded by hand from RFC 9669: bf 20 .. / 95 ..
  const r = await run(['conformance-plugin', '--program', 'bf2000000000000095000000000000000', '0000000100000002']);
  assert.equal(r.status, 2, 'odd-length hex is a usage error');
  const ok = await run(['conformance-plugin', '--program', 'bf20000000000000' + '9500000000000000', '0000000100000002']);
  assert.deepEqual(ok, { status: 0, out: '8\n', err: '' });
});

test('conformance-plugin: rejection and faults exit non-zero with a message', async () => {
  const unused = await run(['conformance-plugin', '--program', '0700010001000000' + '9500000000000000']);
  assert.equal(unused.status, 1);
  assert.match(unused.err, /^tsbpf: instruction 0: offset field must be zero/);
  const fault = await run(['conformance-plugin', '--program', '7910000000000000' + '9500000000000000']);
  assert.equal(fault.status, 1);
  assert.match(fault.err, /invalid memory access/);
  const jitFault = await run(['conformance-plugin', '--engine', 'jit', '--program', '7910000000000000' + '9500000000000000']);
  assert.equal(jitFault.status, 1);
  assert.equal((await run(['conformance-plugin', '--engine', 'gpu', '--program', LDDW_HEX])).status, 2);
});

const SWAP = [
  '# swaps the first two bytes of the packet and returns the length',
  'ldxb %r3, [%r1]', 'ldxb %r4, [%r1+1]', 'stxb [%r1], %r4', 'stxb [%r1+1], %r3', 'mov %r0, %r2', 'exit',
].join('\n');

test('run: conformance-syntax .s with --data-hex prints r0 and the changed data', async () => {
  const r = await run(['run', '--data-hex', 'aabbcc', 'swap.s'], { 'swap.s': SWAP });
  assert.deepEqual(r, { status: 0, out: 'r0 = 0x3 (3)\ndata = bbaacc\n', err: '' });
});

test('run: LLVM-syntax .s (no %r registers) goes through the LLVM assembler', async () => {
  const src = 'r0 = *(u8 *)(r1 + 1)\nr0 += r2\nif r0 > 0x10 goto +1\nr0 = 0\nexit\n';
  const r = await run(['run', '--data-hex', '0a20', 'p.s'], { 'p.s': src });
  assert.deepEqual(r, { status: 0, out: 'r0 = 0x22 (34)\n', err: '' });
  const map = await run(['run', 'm.s'], { 'm.s': 'r1 = counters ll\nr0 = 0\nexit\n' });
  assert.equal(map.status, 1);
  assert.match(map.err, /'counters' needs a relocation/);
});

test('run: .hex and .bin programs, --data FILE, unchanged data not printed', async () => {
  const bin = Uint8Array.from(Buffer.from('bf20000000000000' + '9500000000000000', 'hex'));
  const a = await run(['run', '--data', 'pkt', 'p.bin'], { 'p.bin': bin, pkt: new Uint8Array(60) });
  assert.deepEqual(a, { status: 0, out: 'r0 = 0x3c (60)\n', err: '' });
  const b = await run(['run', 'p.hex'], { 'p.hex': LDDW_HEX.replace(/(.{16})/g, '$1\n') });
  assert.deepEqual(b, { status: 0, out: 'r0 = 0x1122334455667788 (1234605616436508552)\n', err: '' });
});

test('run: --repeat prints the mean duration per run', async () => {
  const r = await run(['run', '--repeat', '50', '--data-hex', 'aabb', 'swap.s'], { 'swap.s': SWAP });
  assert.equal(r.status, 0);
  assert.match(r.out, /^r0 = 0x2 \(2\)\ndata = bbaa\nduration \(average\): \d+ns, repeat 50\n$/);
});

test('run: errors', async () => {
  assert.equal((await run(['run'])).status, 2);
  assert.equal((await run(['run', '--repeat', '0', 'x.s'], { 'x.s': 'exit' })).status, 2);
  assert.equal((await run(['run', 'x.txt'], { 'x.txt': '' })).status, 2);
  const bad = await run(['run', 'x.s'], { 'x.s': 'mov %r0, 1\nfoo %r1\nexit\n' });
  assert.equal(bad.status, 1);
  assert.equal(bad.err, "tsbpf: x.s:2:1: invalid mnemonic 'foo'\n");
  const jit = await run(['run', '--engine', 'jit', '--trace', 'x.s'], { 'x.s': 'mov %r0, 1\nexit\n' });
  assert.equal(jit.status, 1);
  assert.match(jit.err, /trace/);
});

test('run: --trace prints each executed instruction and the registers it changed', async () => {
  const r = await run(['run', '--trace', 't.s'], { 't.s': 'mov32 %r0, 1\nlddw %r1, 0x100000000\nadd %r0, %r1\nexit\n' });
  assert.deepEqual(r, {
    status: 0,
    out: '    0: w0 = 0x1    ; r0=0x1\n    1: r1 = 0x100000000 ll    ; r1=0x100000000\n    3: r0 += r1    ; r0=0x100000001\n    4: exit\nr0 = 0x100000001 (4294967297)\n',
    err: '',
  });
  assert.equal((await run(['run', '--trace', '--repeat', '2', 't.s'], { 't.s': 'exit' })).status, 2);
});

const here = fileURLToPath(new URL('.', import.meta.url));
const root = [join(here, '../..'), join(here, '../../..')].find((d) => existsSync(join(d, 'package.json')))!;
const main = join(root, 'dist/src/cli/main.js');

test('the built executable speaks the plugin protocol over real stdin/stdout', { skip: existsSync(main) ? false : 'not built (npm run build)' }, () => {
  // The suite's runner starts the plugin once per test: program on stdin, memory as an argument.
  const ok = spawnSync(process.execPath, [main, 'conformance-plugin', 'aabbccdd'], { input: 'bf20000000000000 9500000000000000\n', encoding: 'utf8' });
  assert.deepEqual([ok.status, ok.stdout, ok.stderr], [0, '4\n', '']);
  const bad = spawnSync(process.execPath, [main, 'conformance-plugin'], { input: '95000000000000', encoding: 'utf8' });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /^tsbpf: trailing 7 bytes/);
});

test('run: trace_printk lines are printed once, before r0', async () => {
  // "hi %d\n" on the stack, then trace_printk(fmt, 7, r3 = 42).
  const src = [
    'lddw %r1, 0x000a6425206968', 'stxdw [%r10-8], %r1',
    'mov %r1, %r10', 'add %r1, -8', 'mov %r2, 7', 'mov %r3, 42', 'call 6', 'exit',
  ].join('\n');
  const r = await run(['run', '--repeat', '3', 'p.s'], { 'p.s': src });
  assert.equal(r.status, 0, r.err);
  assert.match(r.out, /^bpf_trace_printk: hi 42\nr0 = 0x6 \(6\)\nduration/);
});

test('conformance-plugin answers every suite file as the suite expects (the runner\'s view)', async () => {
  let pass = 0, total = 0;
  for (const path of dataFiles('tests')) {
    const d = parseDataFile(readFileSync(path, 'utf8'));
    let program: string;
    try { program = hex(encode(assembleConformance(d.asm ?? '', d.asmLine))); } catch { continue; } // callx: see conformance.test.ts
    total++;
    const args = ['conformance-plugin', '--program', program, ...(d.mem ? [hex(d.mem)] : [])];
    const r = await run(args);
    if (r.status === 0 && d.result !== undefined && BigInt(`0x${r.out.trim()}`) === d.result) pass++;
    else assert.fail(`${path}: status ${r.status}, out ${r.out.trim()}, err ${r.err.trim()}`);
  }
  assert.equal(pass, total);
  assert.ok(total >= 312);
});
