/**
 * The Wasm JIT's pieces: the binary encoder against the WebAssembly specification's LEB128
 * examples and the host's own validator, the Backend interface, checked and unchecked modes,
 * and identical faults and pointer values next to the interpreter.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Bytes, Code, I64, ModuleBuilder, OP } from '../../src/ebpf/jit/wasm/encoder.js';
import { compileWasm, wasmBackend } from '../../src/ebpf/jit/index.js';
import { createMap, createVm, interpreterBackend, standardHelpers, VmFault } from '../../src/ebpf/runtime/index.js';
import { assembleConformance } from '../../src/ebpf/asm/conformance/index.js';
import { alu64, exit, jmp, ldabs, type Insn } from '../../src/ebpf/isa/index.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
/** The host's WebAssembly (not in the project's lib types: see src/ebpf/jit/wasm/api.ts). */
const WA = (globalThis as unknown as { WebAssembly: {
  validate(b: Uint8Array): boolean;
  Module: new (b: Uint8Array) => object;
  Instance: new (m: object, i: object) => { exports: Record<string, unknown> };
} }).WebAssembly;

test('LEB128: the specification\'s and DWARF\'s examples', () => {
  assert.equal(hex(new Bytes().u32(624485).view()), 'e58e26');
  assert.equal(hex(new Bytes().u32(0).view()), '00');
  assert.equal(hex(new Bytes().u32(0xffffffff).view()), 'ffffffff0f');
  assert.equal(hex(new Bytes().s32(-123456).view()), 'c0bb78');
  assert.equal(hex(new Bytes().s32(-1).view()), '7f');
  assert.equal(hex(new Bytes().s32(63).view()), '3f');
  assert.equal(hex(new Bytes().s32(64).view()), 'c000');
  assert.equal(hex(new Bytes().s32(-64).view()), '40');
  assert.equal(hex(new Bytes().s32(-65).view()), 'bf7f');
  assert.equal(hex(new Bytes().s64(-0x8000000000000000n).view()), '808080808080808080 7f'.replace(' ', ''));
  assert.equal(hex(new Bytes().s64(0x7fffffffffffffffn).view()), 'ffffffffffffffffff00');
});

test('the module builder emits modules the host validates and runs', () => {
  const m = new ModuleBuilder();
  const f = m.declare([I64, I64], [I64]);
  const c = new Code([I64, I64]);
  c.get(0).get(1).op(OP.i64_mul);
  m.define(f, c);
  m.export('mul', f);
  const bytes = m.encode();
  assert.ok(WA.validate(bytes));
  const inst = new WA.Instance(new WA.Module(bytes), {});
  assert.equal((inst.exports['mul'] as (a: bigint, b: bigint) => bigint)(6n, 7n), 42n);
});

test('every compiled conformance-style program is a valid module', () => {
  const p = compileWasm(assembleConformance('mov %r0, 1\nmov %r1, 10\nl:\nmul %r0, 3\nsub %r1, 1\njne %r1, 0, l\nexit\n'));
  assert.ok(WA.validate(p.wasm));
  assert.equal(p.run().r0, 59049n);
  assert.equal(p.structured, 1);
  assert.equal(p.dispatched, 0);
});

test('wasmBackend implements Backend like the interpreter backend', async () => {
  const insns = assembleConformance('ldxb %r0, [%r1+1]\nadd %r0, %r2\nexit\n');
  for (const backend of [interpreterBackend, wasmBackend]) {
    const loaded = await backend.load({ insns });
    const r = await loaded.run({ data: Uint8Array.of(5, 7, 9) });
    assert.equal(r.r0, 10n, backend.name);
    loaded.close();
  }
});

test('faults and pointer values are the interpreter\'s (checked mode)', () => {
  const programs = [
    'mov %r0, %r10\nexit\n', // a stack pointer as the result
    'ldxdw %r0, [%r1+60]\nexit\n', // out of the packet
    'stdw [%r10+8], 1\nexit\n', // above the stack
    'mov %r0, 0\nldxw %r0, [%r0+0]\nexit\n', // NULL
    'mov %r0, 0\n', // falls off the end
    'call 12345\nexit\n', // unknown helper
  ];
  for (const asm of programs) {
    const insns = assembleConformance(asm);
    const outcome = (run: () => { r0: bigint }) => { try { return `r0 ${run().r0}`; } catch (e) { const f = e as VmFault; return `${f.message} ${f.index} ${f.address} ${f.size}`; } };
    const vm = createVm(insns, { helpers: standardHelpers() });
    const jit = compileWasm(insns, { helpers: standardHelpers() });
    const data = new Uint8Array(16);
    assert.equal(outcome(() => jit.run({ data })), outcome(() => vm.run({ data })), asm);
  }
});

test('unchecked mode runs verified programs, inline array lookups hit the live map', () => {
  const insns = assembleConformance('mov %r0, 0\nstxw [%r10-4], %r0\nexit\n');
  assert.equal(compileWasm(insns, { checked: false }).run().r0, 0n);
  const map = createMap({ type: 'array', keySize: 4, valueSize: 8, maxEntries: 4 });
  map.update(Uint8Array.of(2, 0, 0, 0), Uint8Array.of(40, 0, 0, 0, 0, 0, 0, 0));
  // r0 = ++array[2] twice: the first lookup goes through the helper, the second is inline.
  const asm = 'stw [%r10-4], 2\nlddw %r1, 0\nmov %r2, %r10\nadd %r2, -4\ncall 1\nldxdw %r3, [%r0+0]\nadd %r3, 1\nstxdw [%r0+0], %r3\nmov %r0, %r3\nexit\n';
  const prog = assembleConformance(asm).map((i) => (i.kind === 'lddw' ? { ...i, pseudo: 5 } : i));
  const jit = compileWasm(prog, { helpers: standardHelpers(), maps: [map] });
  assert.equal(jit.run().r0, 41n);
  assert.equal(jit.run().r0, 42n);
  assert.equal(map.lookup(Uint8Array.of(2, 0, 0, 0))!.buffer[16], 42);
});

test('budget: false runs without counting (for programs proven to terminate)', () => {
  const insns = assembleConformance('mov %r0, 0\nl:\nadd %r0, 1\njlt %r0, 100, l\nexit\n');
  const counted = compileWasm(insns, { maxInstructions: 50 });
  assert.throws(() => counted.run(), /instruction budget of 50 exceeded/);
  const free = compileWasm(insns, { maxInstructions: 50, budget: false, checked: false });
  const r = free.run();
  assert.equal(r.r0, 100n);
  assert.equal(r.instructions, 0);
});

test('local calls: frames, r10 per frame, the depth limit and a stack pointer passed down, as in the interpreter', () => {
  const programs = [
    // Recursion without end: the 8-frame limit faults at the same call.
    'mov %r0, 0\ncall local f\nexit\nf:\nadd %r0, 1\ncall local f\nexit\n',
    // The callee writes through the caller's stack pointer and returns its own r10.
    'mov %r1, %r10\nadd %r1, -8\nstdw [%r10-8], 5\ncall local g\nldxdw %r2, [%r10-8]\nadd %r0, %r2\nexit\ng:\nldxdw %r3, [%r1+0]\nadd %r3, 1\nstxdw [%r1+0], %r3\nmov %r0, %r10\nexit\n',
    // Depth 7 is allowed.
    'mov %r0, 0\nmov %r6, 6\ncall local h\nexit\nh:\nadd %r0, 1\njge %r0, 7, done\ncall local h\ndone:\nexit\n',
  ];
  for (const asm of programs) {
    const insns = assembleConformance(asm);
    const outcome = (run: () => { r0: bigint; instructions: number }) => {
      try { const r = run(); return `r0 ${r.r0} n ${r.instructions}`; } catch (e) { const f = e as VmFault; return `${f.message} ${f.index}`; }
    };
    assert.equal(outcome(() => compileWasm(insns).run()), outcome(() => createVm(insns).run()), asm);
  }
});

test('long programs: 20000 instructions in 10000 blocks compile (no recursion per block)', () => {
  const insns: Insn[] = [];
  for (let i = 0; i < 10000; i++) insns.push(i % 2 ? ldabs(1, 3) : jmp.eq.imm(0, 77, 1), alu64.add.imm(0, 1));
  insns.push(exit());
  const data = new Uint8Array(10);
  assert.equal(compileWasm(insns).run({ data }).r0, createVm(insns).run({ data }).r0);
});

test('linear memory grows when map values do not fit the heap; results and maps stay the interpreter\'s', () => {
  const spec = { type: 'array', keySize: 4, valueSize: 65536, maxEntries: 40 } as const;
  // r0 = ++value[3][65000] (through the helper-returned pointer), then packet[0] = r0.
  const asm = 'mov %r6, %r1\nstw [%r10-4], 3\nlddw %r1, 0\nmov %r2, %r10\nadd %r2, -4\ncall 1\njeq %r0, 0, out\nmov %r1, %r0\nadd %r1, 65000\nldxb %r3, [%r1+0]\nadd %r3, 1\nstxb [%r1+0], %r3\nstxb [%r6+0], %r3\nmov %r0, %r3\nout:\nexit\n';
  const prog = assembleConformance(asm).map((i) => (i.kind === 'lddw' ? { ...i, pseudo: 5 } : i));
  const mapA = createMap(spec), mapB = createMap(spec);
  const vm = createVm(prog, { helpers: standardHelpers(), maps: [mapA] });
  const jit = compileWasm(prog, { helpers: standardHelpers(), maps: [mapB] });
  for (let k = 0; k < 3; k++) {
    const a = vm.run({ data: new Uint8Array(8) }), b = jit.run({ data: new Uint8Array(8) });
    assert.equal(b.r0, a.r0);
    assert.deepEqual([...b.data!], [...a.data!]);
  }
  const key = Uint8Array.of(3, 0, 0, 0);
  const va = mapA.lookup(key)!, vb = mapB.lookup(key)!;
  assert.equal(vb.buffer[vb.offset + 65000], 3);
  assert.equal(va.buffer[va.offset + 65000], 3);
});

test('regions beyond the region table (long-lived environments) still work, through the slow path', () => {
  const spec = { type: 'hash', keySize: 4, valueSize: 8, maxEntries: 4 } as const;
  // hash[7] = 40; p = lookup(7); *p += 1 twice through two pointers; r0 = *p.
  const asm = 'stw [%r10-4], 7\nstdw [%r10-16], 40\nlddw %r1, 0\nmov %r2, %r10\nadd %r2, -4\nmov %r3, %r10\nadd %r3, -16\nmov %r4, 0\ncall 2\n'
    + 'lddw %r1, 0\nmov %r2, %r10\nadd %r2, -4\ncall 1\njeq %r0, 0, out\nmov %r6, %r0\nldxdw %r3, [%r6+0]\nadd %r3, 1\nstxdw [%r6+0], %r3\nldxdw %r3, [%r0+0]\nadd %r3, 1\nstxdw [%r0+0], %r3\nldxdw %r0, [%r6+0]\nout:\nexit\n';
  const prog = assembleConformance(asm).map((i) => (i.kind === 'lddw' ? { ...i, pseudo: 5 } : i));
  const results: bigint[] = [];
  for (const make of [(m: ReturnType<typeof createMap>) => createVm(prog, { helpers: standardHelpers(), maps: [m] }), (m: ReturnType<typeof createMap>) => compileWasm(prog, { helpers: standardHelpers(), maps: [m] })]) {
    const map = createMap(spec);
    const engine = make(map);
    for (let i = 0; i < 66000; i++) engine.env.memory.map(new Uint8Array(0), 'other');
    results.push(engine.run().r0, engine.run().r0);
  }
  assert.deepEqual(results, [42n, 42n, 42n, 42n]);
});
