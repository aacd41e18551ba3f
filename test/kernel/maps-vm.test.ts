/**
 * Map semantics against the kernel: seeded random sequences of map_update_elem (every flag
 * value: BPF_ANY/NOEXIST/EXIST, BPF_F_LOCK alone and combined, unknown and high bits),
 * map_delete_elem and map_lookup_elem (with writes through the returned pointer) on hash maps
 * that fill up and on an array map, run as one program by the kernel (BPF_PROG_TEST_RUN), by
 * our interpreter and by our Wasm JIT. Every helper's return value (lookups: the value read, or
 * -1 for NULL) and every map's final contents must be the kernel's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { R0, R1, R2, R3, R4, R6, R7, R9, R10, alu64, call, exit, ja, jmp, label, lddw, ldMapFd, ldx, link, st, stx, type Insn, type ProgramItem } from '../../src/ebpf/isa/index.js';
import { compileWasm } from '../../src/ebpf/jit/index.js';
import { createMap, createVm, standardHelpers, type BpfMap, type MapSpec } from '../../src/ebpf/runtime/index.js';
import { Prng, testSeed } from '../helpers/prng.js';
import { k, skip } from './kernel-env.js';

const SPECS: readonly MapSpec[] = [
  { type: 'hash', keySize: 8, valueSize: 8, maxEntries: 4 },
  { type: 'hash', keySize: 5, valueSize: 12, maxEntries: 3 },
  { type: 'array', keySize: 4, valueSize: 8, maxEntries: 4 },
];
const OPS = 48;
/** Map 3 holds the results: one u64 per operation. */
const RESULTS: MapSpec = { type: 'array', keySize: 4, valueSize: 8 * OPS, maxEntries: 1 };
const FLAGS: readonly bigint[] = [0n, 0n, 0n, 1n, 1n, 2n, 2n, 3n, 4n, 5n, 6n, 8n, 1n << 32n];

/** One program doing `OPS` random operations; `ref(d, i)` loads map i (an fd for the kernel, an index for us). */
function randomSequence(r: Prng, ref: (dst: number, i: number) => Insn): ProgramItem[] {
  const out: ProgramItem[] = [
    st(8, R10, -8, 0), ref(1, 3), alu64.mov.reg(R2, R10), alu64.add.imm(R2, -8), call(1),
    jmp.ne.imm(R0, 0, 'go'), exit(), label('go'), alu64.mov.reg(R9, R0),
  ];
  for (let i = 0; i < OPS; i++) {
    const m = r.int(SPECS.length), spec = SPECS[m]!;
    // Key at r10-16 (zeroed 16 bytes, then a small number: keys repeat), value at r10-40.
    out.push(st(8, R10, -16, 0), st(8, R10, -8, 0), st(4, R10, -16, r.int(spec.type === 'array' ? 6 : 6)));
    if (spec.keySize > 4 && r.bool(0.3)) out.push(st(1, R10, -16 + spec.keySize - 1, 1 + r.int(2)));
    out.push(ref(1, m), alu64.mov.reg(R2, R10), alu64.add.imm(R2, -16));
    const op = r.int(10);
    if (op < 5) {
      const flags = r.pick(FLAGS);
      out.push(st(8, R10, -40, r.int(1000)), st(8, R10, -32, r.int(1000)), alu64.mov.reg(R3, R10), alu64.add.imm(R3, -40));
      out.push(flags > 0x7fffffffn ? lddw(R4, flags) : alu64.mov.imm(R4, Number(flags)), call(2), stx(8, R9, R0, 8 * i));
    } else if (op < 7) {
      out.push(call(3), stx(8, R9, R0, 8 * i));
    } else {
      const miss = `miss${i}`, done = `done${i}`;
      out.push(call(1), jmp.eq.imm(R0, 0, miss), ldx(8, R1, R0, 0));
      if (r.bool(0.5)) out.push(alu64.add.imm(R1, 1000 + i), stx(8, R0, R1, 0)); // through the pointer
      out.push(stx(8, R9, R1, 8 * i), ja(done), label(miss), alu64.mov.imm(R1, -1), stx(8, R9, R1, 8 * i), label(done));
    }
  }
  out.push(alu64.mov.imm(R0, 0), exit());
  return out;
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function contents(maps: readonly BpfMap[]): string[] {
  return maps.map((m) => {
    const out: string[] = [];
    for (let key = m.nextKey(); key !== undefined; key = m.nextKey(key)) {
      const ref = m.lookup(key)!;
      out.push(`${hex(key)}=${hex(ref.buffer.subarray(ref.offset, ref.offset + m.spec.valueSize))}`);
    }
    return out.sort().join(',');
  });
}

test('map helpers: update flags, deletes, full hash maps, lookups and writes through pointers — interpreter and JIT ≡ kernel', { skip }, () => {
  const seed = testSeed(0x6d47);
  const prng = new Prng(seed);
  const N = 25;
  const codes = new Map<bigint, number>();
  for (let n = 0; n < N; n++) {
    const progSeed = prng.u32();
    const kmaps = [...SPECS, RESULTS].map((s) => k().createMap({ ...s, name: 'tsbpf_mapsvm' }));
    try {
      const kernelInsns = link(randomSequence(new Prng(progSeed), (d, i) => ldMapFd(d as 1, kmaps[i]!.fd)));
      const prog = k().loadProgram({ type: 'socket-filter', insns: kernelInsns });
      try { assert.equal(prog.testRun({ data: new Uint8Array(64) }).retval, 0); } finally { prog.close(); }
      const kernelState = kmaps.map((m) => {
        const out: string[] = [];
        for (const [key, v] of m.entries()) out.push(`${hex(key)}=${hex(v)}`);
        return out.sort().join(',');
      });
      const ours = link(randomSequence(new Prng(progSeed), (d, i) => lddw(d as 1, i, 1)));
      for (const engine of ['interpreter', 'jit'] as const) {
        const maps = [...SPECS, RESULTS].map((s) => createMap(s));
        const run = engine === 'jit' ? compileWasm(ours, { helpers: standardHelpers(), maps }) : createVm(ours, { helpers: standardHelpers(), maps });
        assert.equal(run.run({ data: new Uint8Array(64) }).r0, 0n);
        const mine = contents(maps);
        assert.equal(mine[3], kernelState[3], `seed ${seed}, sequence ${n} (${progSeed}), ${engine}: helper results`);
        assert.deepEqual(mine, kernelState, `seed ${seed}, sequence ${n} (${progSeed}), ${engine}: map contents`);
      }
      const results = kmaps[3]!.lookup(new Uint8Array(4))!;
      const dv = new DataView(results.buffer, results.byteOffset);
      for (let i = 0; i < OPS; i++) { const c = dv.getBigInt64(8 * i, true); if (c <= 0n) codes.set(c, (codes.get(c) ?? 0) + 1); }
    } finally {
      for (const m of kmaps) m.close();
    }
  }
  const summary = [...codes].sort((a, b) => Number(a[0] - b[0])).map(([c, x]) => `${c}: ${x}`).join(', ');
  console.log(`kernel map sequences: ${N} x ${OPS} operations identical, interpreter and JIT (seed ${seed}; return codes ${summary})`);
  for (const c of [0n, -2n, -7n, -17n, -22n]) assert.ok((codes.get(c) ?? 0) > 5, `the kernel returned ${c} often enough`);
});

test('pointers kept across updates and deletes read what the kernel\'s htab leaves there (spare element, slot reuse)', { skip }, () => {
  const spec: MapSpec = { type: 'hash', keySize: 4, valueSize: 8, maxEntries: 4 };
  /** map[key] = v (BPF_ANY) / delete map[key] / r6 = lookup(key) (0 → exit 99). */
  const build = (ref: (d: number) => Insn): ProgramItem[] => {
    const up = (key: number, v: number): ProgramItem[] => [st(4, R10, -4, key), st(8, R10, -16, v), ref(1), alu64.mov.reg(R2, R10), alu64.add.imm(R2, -4), alu64.mov.reg(R3, R10), alu64.add.imm(R3, -16), alu64.mov.imm(R4, 0), call(2)];
    const del = (key: number): ProgramItem[] => [st(4, R10, -4, key), ref(1), alu64.mov.reg(R2, R10), alu64.add.imm(R2, -4), call(3)];
    let n = 0;
    const keep = (key: number): ProgramItem[] => [st(4, R10, -4, key), ref(1), alu64.mov.reg(R2, R10), alu64.add.imm(R2, -4), call(1), jmp.ne.imm(R0, 0, `ok${++n}`), alu64.mov.imm(R0, 99), exit(), label(`ok${n}`), alu64.mov.reg(R6, R0)];
    const fold = (shift: number): ProgramItem[] => [ldx(8, R1, R6, 0), alu64.lsh.imm(R1, shift), alu64.or.reg(R7, R1)];
    return [
      alu64.mov.imm(R7, 0),
      ...up(1, 1), ...keep(1), ...up(1, 2), ...fold(0), // the old element: 1
      ...up(2, 3), ...keep(2), ...up(2, 4), ...up(2, 5), ...fold(8), // the old element was the spare again: 5
      ...up(3, 6), ...keep(3), ...del(3), ...fold(16), // deleted, not reused: 6
      ...keep(2), ...del(2), ...up(4, 7), ...fold(24), // deleted, reused by the next insertion: 7
      alu64.mov.reg(R0, R7), exit(),
    ];
  };
  const kmap = k().createMap({ ...spec, name: 'tsbpf_spare' });
  let kernel: number;
  try {
    const prog = k().loadProgram({ type: 'socket-filter', insns: link(build(() => ldMapFd(R1, kmap.fd))) });
    try { kernel = prog.testRun({ data: new Uint8Array(64) }).retval; } finally { prog.close(); }
  } finally { kmap.close(); }
  const ours = link(build(() => lddw(R1, 0, 1)));
  for (const engine of ['interpreter', 'jit'] as const) {
    const maps = [createMap(spec)];
    const r0 = (engine === 'jit' ? compileWasm(ours, { helpers: standardHelpers(), maps }) : createVm(ours, { helpers: standardHelpers(), maps })).run({ data: new Uint8Array(64) }).r0;
    assert.equal(Number(r0), kernel, `${engine}: 0x${r0.toString(16)}, kernel 0x${kernel.toString(16)}`);
  }
  console.log(`kernel stale pointers: 0x${kernel.toString(16)} (1, 5, 6, 7 expected from the htab's spare element and free list)`);
});
