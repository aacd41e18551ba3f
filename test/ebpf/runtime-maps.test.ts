/**
 * Maps and helpers. Error codes are the kernel's (kernel/bpf/arraymap.c, hashtab.c):
 * array update with BPF_NOEXIST → -EEXIST, index ≥ max_entries → -E2BIG, delete → -EINVAL,
 * unknown flags → -EINVAL; hash BPF_NOEXIST on an existing key → -EEXIST, BPF_EXIST on a
 * missing key → -ENOENT, full → -E2BIG, delete of a missing key → -ENOENT.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alu64, call, exit, jmp, label, lddw, ldMapFd, ldx, link, st, stx, R0, R1, R2, R3, R4, R5, R6, R10 } from '../../src/ebpf/isa/index.js';
import type { ProgramItem } from '../../src/ebpf/isa/index.js';
import {
  ArrayMap, BPF_ANY, BPF_EXIST, BPF_NOEXIST, E2BIG, EEXIST, EINVAL, ENOENT, Env, HashMap, HELPER, createVm, standardHelpers,
} from '../../src/ebpf/runtime/index.js';

const u32 = (n: number) => Uint8Array.of(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24);
const u64le = (n: bigint) => { const b = new Uint8Array(8); new DataView(b.buffer).setBigUint64(0, n, true); return b; };

test('array map: kernel error codes', () => {
  const m = new ArrayMap({ type: 'array', keySize: 4, valueSize: 8, maxEntries: 4 });
  assert.equal(m.update(u32(1), u64le(5n), BPF_ANY), 0);
  assert.equal(m.update(u32(1), u64le(6n), BPF_EXIST), 0);
  assert.equal(m.update(u32(1), u64le(7n), BPF_NOEXIST), -EEXIST);
  assert.equal(m.update(u32(4), u64le(7n), BPF_ANY), -E2BIG);
  assert.equal(m.update(u32(0), u64le(7n), 3), -EINVAL);
  assert.equal(m.delete(u32(1)), -EINVAL);
  assert.equal(m.lookup(u32(4)), undefined);
  const ref = m.lookup(u32(1))!;
  assert.equal(new DataView(ref.buffer.buffer, ref.offset).getBigUint64(0, true), 6n);
  assert.deepEqual(m.nextKey(), u32(0));
  assert.deepEqual(m.nextKey(u32(2)), u32(3));
  assert.equal(m.nextKey(u32(3)), undefined);
});

test('hash map: kernel error codes', () => {
  const m = new HashMap({ type: 'hash', keySize: 4, valueSize: 4, maxEntries: 2 });
  assert.equal(m.update(u32(10), u32(1), BPF_EXIST), -ENOENT);
  assert.equal(m.update(u32(10), u32(1), BPF_NOEXIST), 0);
  assert.equal(m.update(u32(10), u32(2), BPF_NOEXIST), -EEXIST);
  assert.equal(m.update(u32(10), u32(3), BPF_EXIST), 0);
  assert.equal(m.update(u32(11), u32(1)), 0);
  assert.equal(m.update(u32(12), u32(1)), -E2BIG);
  assert.equal(m.update(u32(11), u32(9)), 0, 'replacing an existing key in a full map is allowed');
  assert.equal(m.delete(u32(12)), -ENOENT);
  assert.equal(m.delete(u32(10)), 0);
  assert.equal(m.lookup(u32(10)), undefined);
  assert.deepEqual(m.nextKey(), u32(11));
  assert.equal(m.nextKey(u32(11)), undefined);
});

/** key on the stack at r10-4, value at r10-16; map fd 0. */
const counterProgram: ProgramItem[] = [
  st(4, R10, -4, 7),                                          // key = 7
  ldMapFd(R1, 0), alu64.mov.reg(R2, R10), alu64.add.imm(R2, -4),
  call(HELPER.map_lookup_elem),
  jmp.eq.imm(R0, 0, 'insert'),
  alu64.mov.imm(R1, 1), { kind: 'atomic', op: 'add', fetch: false, size: 8, dst: R0, src: R1, off: 0 },
  ldx(8, R0, R0, 0), exit(),
  label('insert'),
  st(8, R10, -16, 100),
  ldMapFd(R1, 0), alu64.mov.reg(R2, R10), alu64.add.imm(R2, -4), alu64.mov.reg(R3, R10), alu64.add.imm(R3, -16), alu64.mov.imm(R4, BPF_NOEXIST),
  call(HELPER.map_update_elem),
  exit(),
];

test('helpers: lookup returns a pointer into the live value; update/insert from a program', () => {
  const map = new HashMap({ type: 'hash', keySize: 4, valueSize: 8, maxEntries: 16 });
  const vm = createVm(link(counterProgram), { helpers: standardHelpers(), maps: [map] });
  assert.equal(vm.run().r0, 0n, 'first run inserts (update returns 0)');
  assert.equal(vm.run().r0, 101n);
  assert.equal(vm.run().r0, 102n);
  const ref = map.lookup(u32(7))!;
  assert.equal(new DataView(ref.buffer.buffer, ref.offset).getBigUint64(0, true), 102n);
});

test('helpers: errors come back as negative errno in r0', () => {
  const map = new ArrayMap({ type: 'array', keySize: 4, valueSize: 8, maxEntries: 1 });
  const prog = [
    st(4, R10, -4, 0), st(8, R10, -16, 1),
    ldMapFd(R1, 0), alu64.mov.reg(R2, R10), alu64.add.imm(R2, -4), alu64.mov.reg(R3, R10), alu64.add.imm(R3, -16), alu64.mov.imm(R4, BPF_NOEXIST),
    call(HELPER.map_update_elem), alu64.mov.reg(R6, R0),
    ldMapFd(R1, 0), alu64.mov.reg(R2, R10), alu64.add.imm(R2, -4), call(HELPER.map_delete_elem),
    alu64.lsh.imm(R0, 32), alu64.mov.reg(R1, R6), alu64.lsh.imm(R1, 32), alu64.rsh.imm(R1, 32), alu64.or.reg(R0, R1), exit(),
  ];
  const r0 = createVm(link(prog), { helpers: standardHelpers(), maps: [map] }).run().r0;
  assert.equal(Number(BigInt.asIntN(32, r0 & 0xffffffffn)), -EEXIST);
  assert.equal(Number(BigInt.asIntN(32, r0 >> 32n)), -EINVAL);
});

test('lddw BPF_PSEUDO_MAP_VALUE addresses an array value directly', () => {
  const map = new ArrayMap({ type: 'array', keySize: 4, valueSize: 16, maxEntries: 1 });
  map.update(u32(0), Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0x2a, 0, 0, 0, 0, 0, 0, 0]));
  const prog = [lddw(R1, 8n << 32n, 2), ldx(8, R0, R1, 0), st(4, R1, 0, 9), exit()];
  const vm = createVm(prog, { maps: [map] });
  assert.equal(vm.run().r0, 0x2an);
  assert.equal(vm.run().r0, 9n);
  // Reading past the value faults.
  assert.equal('fault' in createVm([lddw(R1, 8n << 32n, 2), ldx(8, R0, R1, 8), exit()], { maps: [map] }).tryRun(), true);
});

test('a map pointer cannot be dereferenced', () => {
  const map = new ArrayMap({ type: 'array', keySize: 4, valueSize: 8, maxEntries: 1 });
  assert.equal('fault' in createVm([ldMapFd(R1, 0), ldx(8, R0, R1, 0), exit()], { maps: [map] }).tryRun(), true);
  assert.throws(() => createVm([ldMapFd(R1, 3), exit()], { maps: [map] }), /no map 3/);
});

test('ktime_get_ns, get_prandom_u32, get_smp_processor_id use the injected environment', () => {
  const env = new Env({ helpers: standardHelpers(), clock: () => 123456789n, random: () => 0xdeadbeef, cpu: 3 });
  const one = (h: number) => createVm([call(h), exit()], { env }).run().r0;
  assert.equal(one(HELPER.ktime_get_ns), 123456789n);
  assert.equal(one(HELPER.get_prandom_u32), 0xdeadbeefn);
  assert.equal(one(HELPER.get_smp_processor_id), 3n);
});

/** Stores `text` NUL-terminated at r10-64 and calls trace_printk with up to 3 args. */
function printk(text: string, args: ProgramItem[]): ProgramItem[] {
  const bytes = new TextEncoder().encode(text + '\0');
  const padded = new Uint8Array(Math.ceil(bytes.length / 8) * 8); padded.set(bytes);
  const out: ProgramItem[] = [];
  for (let i = 0; i < padded.length; i += 8) {
    out.push(lddw(R1, new DataView(padded.buffer).getBigUint64(i, true)), stx(8, R10, R1, -64 + i));
  }
  return [...out, ...args, alu64.mov.reg(R1, R10), alu64.add.imm(R1, -64), alu64.mov.imm(R2, bytes.length), call(HELPER.trace_printk), exit()];
}

test('trace_printk formats like the kernel and collects lines like the trace pipe', () => {
  const env = new Env({ helpers: standardHelpers() });
  const run = (text: string, args: ProgramItem[]) => createVm(link(printk(text, args)), { env }).run().r0;
  assert.equal(run('x=%d u=%u h=%x\n', [alu64.mov.imm(R3, -5), alu64.mov.imm(R4, -1), alu64.mov.imm(R5, 255)]), 23n, 'the formatted length, newline included');
  run('%lld %llx %c%%', [alu64.mov.imm(R3, -5), lddw(R4, 0x1122334455667788n), alu64.mov.imm(R5, 65)]);
  // %s reads a string from program memory: point r3 at the format itself.
  run('s=%s', [alu64.mov.reg(R3, R10), alu64.add.imm(R3, -64)]);
  assert.deepEqual(env.traceLines, ['x=-5 u=4294967295 h=ff', '-5 1122334455667788 A%', 's=s=%s']);
  // Unsupported conversions and a missing NUL are -EINVAL.
  assert.equal(BigInt.asIntN(64, run('%q', [])), BigInt(-EINVAL));
});
