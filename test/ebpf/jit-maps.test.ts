/**
 * Maps in the Wasm JIT: arenas in linear memory, hash lookup/update/delete and array update as
 * wasm functions (src/ebpf/jit/wasm-maps.ts), the interpreter and the user-space API on the same
 * bytes (src/ebpf/runtime/maps). Interpreter ≡ JIT on seeded random map programs
 * (test/helpers/random-ebpf-maps.ts; TSBPF_SEED overrides the seed): r0 (raw value pointers
 * included), faults, and every map's whole arena — values, keys, chains, free list, counts —
 * byte for byte after each run, with user-space updates/deletes between runs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alu64, atomic, call, exit, jmp, label, lddw, ldx, link, st, stx, R0, R1, R2, R3, R4, R6, R10, type Insn } from '../../src/ebpf/isa/index.js';
import { compileWasm } from '../../src/ebpf/jit/index.js';
import {
  BPF_NOEXIST, E2BIG, EEXIST, EINVAL, ENOENT, HashMap, createMap, createVm, isArenaMap, standardHelpers, type BpfMap,
} from '../../src/ebpf/runtime/index.js';
import { Prng, testSeed } from '../helpers/prng.js';
import { hexOutcome as outcome } from '../helpers/ebpf-outcome.js';
import { MAP_SPECS, MAPS_PACKET_BYTES, randomMapProgram } from '../helpers/random-ebpf-maps.js';

/** Keys in iteration order with their values (user-space API), then the arena's bytes. */
function state(maps: readonly BpfMap[]): string[] {
  return maps.map((m) => {
    const out: string[] = [];
    for (let k = m.nextKey(); k !== undefined; k = m.nextKey(k)) {
      const ref = m.lookup(k)!;
      out.push(`${Buffer.from(k).toString('hex')}=${Buffer.from(ref.buffer.subarray(ref.offset, ref.offset + m.spec.valueSize)).toString('hex')}`);
      if (out.length > 100) break;
    }
    return `${out.join(',')} arena ${isArenaMap(m) ? Buffer.from(m.arena).toString('hex') : ''}`;
  });
}

const keyOf = (prng: Prng, size: number): Uint8Array => {
  const k = new Uint8Array(size);
  k[0] = prng.int(7);
  if (size > 4 && prng.bool(0.3)) k[size - 1] = prng.int(3);
  return k;
};

test('interpreter ≡ JIT on random map programs (full maps, flags, deletes, pointers kept, collisions), arenas byte for byte', () => {
  const seed = testSeed(0x3a9);
  const prng = new Prng(seed);
  const N = 400;
  let faults = 0, full = 0, runs = 0;
  const codes = new Map<number, number>(), inProgram = new Map<number, number>();
  // The interpreter's update/delete helpers, counting what programs got back (the JIT's runs
  // leave the same bytes, so they got the same).
  const counted = standardHelpers();
  for (const h of [2, 3]) {
    const f = counted.get(h)!;
    counted.set(h, (env, ...r) => { const r0 = f(env, ...r); const c = Number(BigInt.asIntN(64, r0)); inProgram.set(c, (inProgram.get(c) ?? 0) + 1); return r0; });
  }
  for (let i = 0; i < N; i++) {
    const insns = randomMapProgram(prng);
    const mapsA = MAP_SPECS.map((s) => createMap(s)), mapsB = MAP_SPECS.map((s) => createMap(s));
    const vm = createVm(insns, { helpers: counted, maps: mapsA, maxInstructions: 20000 });
    const jit = compileWasm(insns, { helpers: standardHelpers(), maps: mapsB, maxInstructions: 20000 });
    for (let run = 0; run < 3; run++) {
      const data = prng.bytes(MAPS_PACKET_BYTES);
      const a = outcome(vm, data.slice()), b = outcome(jit, data.slice());
      runs++;
      if (a.startsWith('fault')) faults++;
      assert.equal(b, a, `seed ${seed}, program ${i}, run ${run}`);
      assert.deepEqual(state(mapsB), state(mapsA), `seed ${seed}, program ${i}, run ${run}: maps`);
      // User space between runs, the same calls on both sides: same results, same bytes.
      for (let j = prng.int(4); j > 0; j--) {
        const m = prng.int(MAP_SPECS.length), spec = MAP_SPECS[m]!;
        const key = m === 0 ? Uint8Array.of(prng.int(7), 0, 0, 0) : keyOf(prng, spec.keySize);
        const value = prng.bytes(spec.valueSize), flags = prng.pick([0, 0, 1, 1, 2, 2, 4, 9]);
        const del = prng.bool(0.3);
        const ra = del ? mapsA[m]!.delete(key) : mapsA[m]!.update(key, value, flags);
        const rb = del ? mapsB[m]!.delete(key) : mapsB[m]!.update(key, value, flags);
        assert.equal(rb, ra);
        codes.set(ra, (codes.get(ra) ?? 0) + 1);
      }
      assert.deepEqual(state(mapsB), state(mapsA), `seed ${seed}, program ${i}, run ${run}: maps after user-space calls`);
      if ((mapsA[1] as HashMap).size === MAP_SPECS[1]!.maxEntries) full++;
    }
  }
  const NAMES: Record<number, string> = { 0: 'ok', [-E2BIG]: 'E2BIG', [-EEXIST]: 'EEXIST', [-ENOENT]: 'ENOENT', [-EINVAL]: 'EINVAL' };
  const named = (m: Map<number, number>) => [...m].sort((a, b) => b[1] - a[1]).map(([c, n]) => `${NAMES[c] ?? c} ${n}`).join(', ');
  console.log(`map programs: ${N} programs x 3 runs identical (seed ${seed}; ${faults}/${runs} runs faulted, hash map 1 full after ${full} runs; `
    + `program updates/deletes: ${named(inProgram)}; user-space calls: ${named(codes)})`);
  for (const c of [0, -E2BIG, -EEXIST, -ENOENT, -EINVAL]) assert.ok((inProgram.get(c) ?? 0) > 20, `programs got ${NAMES[c]} often enough`);
  assert.ok(faults > 0 && faults < runs / 3, 'some runs fault, most do not');
});

/** r0 = ++hash[7] (inserted as 1 when absent). */
const counter: Insn[] = link([
  st(4, R10, -4, 7),
  lddw(R1, 0, 1), alu64.mov.reg(R2, R10), alu64.add.imm(R2, -4), call(1),
  jmp.eq.imm(R0, 0, 'insert'),
  alu64.mov.imm(R1, 1), atomic('add', 8, R0, R1, 0), ldx(8, R0, R0, 0), exit(),
  label('insert'),
  st(8, R10, -16, 1),
  lddw(R1, 0, 1), alu64.mov.reg(R2, R10), alu64.add.imm(R2, -4), alu64.mov.reg(R3, R10), alu64.add.imm(R3, -16), alu64.mov.imm(R4, BPF_NOEXIST), call(2),
  alu64.mov.imm(R0, 1), exit(),
]);
const u32 = (n: number) => Uint8Array.of(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24);
const u64 = (n: bigint) => { const b = new Uint8Array(8); new DataView(b.buffer).setBigUint64(0, n, true); return b; };
const read64 = (m: BpfMap, key: Uint8Array) => { const r = m.lookup(key); return r && new DataView(r.buffer.buffer, r.buffer.byteOffset + r.offset).getBigUint64(0, true); };

test('one map, two JIT programs, the interpreter and user space in turn: every one sees the others\' writes', () => {
  const map = createMap({ type: 'hash', keySize: 4, valueSize: 8, maxEntries: 4 });
  const p1 = compileWasm(counter, { helpers: standardHelpers(), maps: [map] });
  const p2 = compileWasm(counter, { helpers: standardHelpers(), maps: [map] });
  const vm = createVm(counter, { helpers: standardHelpers(), maps: [map] });
  const got: bigint[] = [];
  for (let k = 0; k < 3; k++) {
    got.push(p1.run().r0, p1.run().r0, p2.run().r0, vm.run().r0);
    assert.equal(read64(map, u32(7)), got[got.length - 1]);
    assert.equal(map.update(u32(7), u64(100n * BigInt(k + 1))), 0, 'user space writes');
    got.push(p2.run().r0);
  }
  assert.deepEqual(got, [1n, 2n, 3n, 4n, 101n, 102n, 103n, 104n, 105n, 201n, 202n, 203n, 204n, 205n, 301n]);
  assert.equal(map.delete(u32(7)), 0);
  assert.equal(p1.run().r0, 1n, 'deleted from user space: inserted again');
  p1.close();
  assert.equal(read64(map, u32(7)), 1n, 'the map outlives a closed program');
  assert.equal(p2.run().r0, 2n);
});

test('a value pointer is the interpreter\'s, and writes through it reach user space (hash and array)', () => {
  for (const spec of [{ type: 'hash', keySize: 4, valueSize: 8, maxEntries: 2 }, { type: 'array', keySize: 4, valueSize: 8, maxEntries: 8 }] as const) {
    // insert key 1 = 5 (hash; arrays: overwrite), p = lookup(1); *p += 10; r0 = p.
    const prog = link([
      st(4, R10, -4, 1), st(8, R10, -16, 5),
      lddw(R1, 0, 1), alu64.mov.reg(R2, R10), alu64.add.imm(R2, -4), alu64.mov.reg(R3, R10), alu64.add.imm(R3, -16), alu64.mov.imm(R4, 0), call(2),
      lddw(R1, 0, 1), alu64.mov.reg(R2, R10), alu64.add.imm(R2, -4), call(1),
      jmp.eq.imm(R0, 0, 'out'), ldx(8, R3, R0, 0), alu64.add.imm(R3, 10), stx(8, R0, R3, 0),
      label('out'), exit(),
    ]);
    const a = createMap(spec), b = createMap(spec);
    const vm = createVm(prog, { helpers: standardHelpers(), maps: [a] });
    const jit = compileWasm(prog, { helpers: standardHelpers(), maps: [b] });
    for (let k = 0; k < 3; k++) {
      const ra = vm.run().r0, rb = jit.run().r0;
      assert.equal(rb, ra);
      // Arrays: element 1; hash: the key moves between its slot and the spare on each update, as in the kernel.
      assert.ok(ra >> 32n > 0n && (ra & 0xffffffffn) === (spec.type === 'array' ? 8n : k % 2 ? 16n : 0n), `${spec.type}: a value pointer`);
      assert.equal(read64(a, u32(1)), 15n);
      assert.equal(read64(b, u32(1)), 15n);
    }
  }
});

test('linear memory grows during a run (a large region attached): map arenas move with it, nothing lost', () => {
  const spec = { type: 'hash', keySize: 4, valueSize: 8, maxEntries: 16 } as const;
  // r6 = arg region; touch r6[3 MiB] (attached: memory grows); then ++hash[7] as `counter`.
  const prog = link([
    alu64.mov.reg(R6, R1), alu64.add.imm(R6, 3 << 20), ldx(1, R3, R6, 0), stx(1, R6, R3, 0),
    ...counter.slice(0, -2), alu64.mov.imm(R0, 1), exit(),
  ]);
  void R3;
  const map = createMap(spec);
  const jit = compileWasm(counter, { helpers: standardHelpers(), maps: [map] });
  assert.equal(jit.run().r0, 1n);
  const grow = compileWasm(prog, { helpers: standardHelpers(), maps: [map] });
  const big = grow.env.memory.map(new Uint8Array((3 << 20) + 8), 'other');
  const before = (map as HashMap).arena.buffer;
  assert.equal(grow.run({ args: [big.base] }).r0, 2n);
  assert.notEqual((map as HashMap).arena.buffer, before, 'the arena is a view of the grown memory');
  assert.equal(read64(map, u32(7)), 2n, 'the write made in wasm after the growth is in the map');
  assert.equal(grow.run({ args: [big.base] }).r0, 3n);
  assert.equal(read64(map, u32(7)), 3n);
  assert.equal(jit.run().r0, 4n, 'the other program takes the map back');
});

test('hash maps in wasm: the kernel\'s error codes and flag checks, as in user space', () => {
  const spec = { type: 'hash', keySize: 4, valueSize: 4, maxEntries: 2 } as const;
  // r0 = update(key r6, value 9, flags r7) for (key, flags) from the args.
  const prog = link([
    stx(4, R10, R1, -4), st(4, R10, -8, 9),
    lddw(R1, 0, 1), alu64.mov.reg(R4, R2), alu64.mov.reg(R2, R10), alu64.add.imm(R2, -4), alu64.mov.reg(R3, R10), alu64.add.imm(R3, -8), call(2), exit(),
  ]);
  const del = link([stx(4, R10, R1, -4), lddw(R1, 0, 1), alu64.mov.reg(R2, R10), alu64.add.imm(R2, -4), call(3), exit()]);
  const map = createMap(spec), ref = createMap(spec);
  const up = compileWasm(prog, { helpers: standardHelpers(), maps: [map] });
  const rm = compileWasm(del, { helpers: standardHelpers(), maps: [map] });
  const steps: [string, number, bigint, number][] = [
    ['update', 1, 2n, -ENOENT], ['update', 1, 1n, 0], ['update', 1, 1n, -EEXIST], ['update', 1, 2n, 0], ['update', 2, 0n, 0],
    ['update', 3, 0n, -E2BIG], ['update', 3, 4n, -EINVAL], ['update', 1, 4n, -EINVAL], ['update', 1, 8n, -EINVAL], ['update', 1, 1n << 40n, -EINVAL],
    ['update', 2, 5n, -EINVAL], ['delete', 3, 0n, -ENOENT], ['delete', 1, 0n, 0], ['update', 3, 1n, 0], ['update', 4, 0n, -E2BIG], ['delete', 3, 0n, 0], ['delete', 3, 0n, -ENOENT],
  ];
  for (const [op, key, flags, want] of steps) {
    const r0 = op === 'update' ? up.run({ args: [BigInt(key), flags] }).r0 : rm.run({ args: [BigInt(key)] }).r0;
    assert.equal(Number(BigInt.asIntN(64, r0)), want, `${op} ${key} flags ${flags}`);
    const js = op === 'update' ? ref.update(u32(key), u32(9), flags) : ref.delete(u32(key));
    assert.equal(js, want, `user space: ${op} ${key} flags ${flags}`);
  }
  assert.equal(Buffer.from((map as HashMap).arena).toString('hex'), Buffer.from((ref as HashMap).arena).toString('hex'));
});
void R6;

test('maps past the 8 with wasm operations (JavaScript helpers over the same arena) and an interpreter sharing the JIT\'s environment', () => {
  const specs = Array.from({ length: 10 }, (_, i) => ({ type: i % 2 ? 'hash' : 'array', keySize: 4, valueSize: 8, maxEntries: 4 }) as const);
  // For map 9 (hash) then map 8 (array): update key 2 = 5, p = lookup(2), *p += 1; r0 = p ^ (*p << 40).
  const body = (m: number) => [
    st(4, R10, -4, 2), st(8, R10, -16, 5),
    lddw(R1, m, 1), alu64.mov.reg(R2, R10), alu64.add.imm(R2, -4), alu64.mov.reg(R3, R10), alu64.add.imm(R3, -16), alu64.mov.imm(R4, 0), call(2),
    lddw(R1, m, 1), alu64.mov.reg(R2, R10), alu64.add.imm(R2, -4), call(1),
    jmp.eq.imm(R0, 0, `out${m}`), ldx(8, R3, R0, 0), alu64.add.imm(R3, 1), stx(8, R0, R3, 0), alu64.lsh.imm(R3, 40), alu64.xor.reg(R0, R3), alu64.xor.reg(R6, R0),
    label(`out${m}`),
  ];
  const prog = link([alu64.mov.imm(R6, 0), ...body(9), ...body(8), alu64.mov.reg(R0, R6), exit()]);
  const mapsA = specs.map((s) => createMap(s)), mapsB = specs.map((s) => createMap(s));
  const vm = createVm(prog, { helpers: standardHelpers(), maps: mapsA });
  const jit = compileWasm(prog, { helpers: standardHelpers(), maps: mapsB });
  for (let k = 0; k < 3; k++) {
    assert.equal(jit.run().r0, vm.run().r0);
    assert.deepEqual(state(mapsB), state(mapsA));
  }
  // An interpreter on the JIT's own environment sees the arenas in linear memory, same pointers.
  const shared = createVm(prog, { env: jit.env });
  assert.equal(read64(mapsB[9]!, u32(2)), 6n);
  assert.equal(mapsB[9]!.update(u32(2), u64(40n)), 0);
  // Each run's update of the present key moves it to the spare slot (as the kernel's htab does):
  // the engines take turns on one arena, so the pointers alternate between two slots.
  const p1 = shared.run().r0, p2 = jit.run().r0;
  assert.notEqual(p1, p2);
  assert.equal(shared.run().r0, p1);
  assert.equal(jit.run().r0, p2);
  assert.equal(read64(mapsB[9]!, u32(2)), 6n);
  assert.equal(read64(mapsB[8]!, u32(2)), 6n);
});

test('lddw BPF_PSEUDO_MAP_VALUE in the JIT: the address follows the array into linear memory', () => {
  const spec = { type: 'array', keySize: 4, valueSize: 16, maxEntries: 1 } as const;
  const prog = [lddw(R1, 8n << 32n, 2), ldx(8, R0, R1, 0), st(4, R1, 0, 9), exit()];
  const a = createMap(spec), b = createMap(spec);
  const init = Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0x2a, 0, 0, 0, 0, 0, 0, 0]);
  a.update(u32(0), init); b.update(u32(0), init);
  const vm = createVm(prog, { maps: [a] }), jit = compileWasm(prog, { maps: [b] });
  for (const want of [0x2an, 9n]) {
    assert.equal(vm.run().r0, want);
    assert.equal(jit.run().r0, want);
  }
  assert.equal(b.lookup(u32(0))!.buffer[8], 9);
  assert.throws(() => compileWasm([lddw(R1, 8n << 32n, 2), ldx(8, R0, R1, 8), exit()], { maps: [b] }).run(), /outside map-value region of 16 bytes/);
});
