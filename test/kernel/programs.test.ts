/**
 * Kernel programs through bpf(2): loads the verifier accepts, rejections with its log, map
 * references through `lddw` pseudo map fd, and BPF_PROG_TEST_RUN with data and context in and
 * out, repeat and the kernel's per-run duration.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, unlinkSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import {
  R0, R1, R2, R3, R10, alu32, alu64, atomic, call, encode, exit, ja, jmp, label, ldMapFd, ldx, link, st, stx,
} from '../../src/ebpf/isa/index.js';
import { KernelError, KernelVerifierError } from '../../src/node/kernel/index.js';
import { k, openFds, skip } from './kernel-env.js';

const packet = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => i & 0xff);

test('an accepted program returns r0 (truncated to 32 bits) from test_run, for XDP, socket filter and tc', { skip }, () => {
  const before = openFds();
  for (const type of ['xdp', 'socket-filter', 'sched-cls'] as const) {
    const prog = k().loadProgram({ type, name: 'ret_const', insns: [alu64.mov.imm(R0, 0x12345678), alu64.lsh.imm(R0, 8), exit()] });
    try {
      const r = prog.testRun({ data: packet(64) });
      assert.equal(r.retval, 0x34567800, type);
      // Socket filters run at L3: net/bpf/test_run.c pulls the Ethernet header before the run
      // and pushes back a zeroed one (memset) after it; L2 program types return it unchanged.
      const want = packet(64);
      if (type === 'socket-filter') want.fill(0, 0, 14);
      assert.deepEqual(r.dataOut, want, `${type}: data out`);
    } finally {
      prog.close();
    }
  }
  assert.equal(openFds(), before);
});

test('a rejected program is a KernelVerifierError with the full verifier log', { skip }, () => {
  const before = openFds();
  try {
    k().loadProgram({ type: 'xdp', insns: [alu64.mov.reg(R0, R3), exit()] });
    assert.fail('the kernel accepted a read of an uninitialised register');
  } catch (e) {
    assert.ok(e instanceof KernelVerifierError, String(e));
    assert.equal(e.errnoName, 'EACCES');
    assert.match(e.message, /^bpf\(BPF_PROG_LOAD\): Permission denied \(EACCES\): R3 !read_ok$/);
    assert.match(e.log, /0: \(bf\) r0 = r3/, 'the log shows the instruction');
    assert.equal(e.truncated, false);
  }
  try {
    k().loadProgram({ type: 'xdp', insns: link([label('top'), alu64.mov.imm(R0, 0), ja('top'), exit()]) });
    assert.fail('the kernel accepted an infinite loop');
  } catch (e) {
    assert.ok(e instanceof KernelVerifierError, String(e));
    assert.equal(e.errnoName, 'EINVAL');
    assert.match(e.log, /infinite loop|back-edge|unreachable/);
  }
  // No exit at all: the program falls off its end.
  assert.throws(() => k().loadProgram({ type: 'socket-filter', insns: [alu64.mov.imm(R0, 0)] }),
    (e: unknown) => e instanceof KernelVerifierError && /jump out of range|last insn|fall/.test(e.log));
  assert.equal(openFds(), before);
});

test('logLevel keeps the verifier log of a successful load; info() reads the program back', { skip }, () => {
  const insns = [alu64.mov.imm(R0, 2), exit()];
  const prog = k().loadProgram({ type: 'xdp', insns, logLevel: 1, name: 'tsbpf_info' });
  try {
    assert.match(prog.log, /processed 2 insns/);
    const info = prog.info();
    assert.equal(info.name, 'tsbpf_info');
    assert.ok(info.id > 0);
    assert.match(info.tag, /^[0-9a-f]{16}$/);
    assert.deepEqual(info.xlated, encode(insns), 'nothing to rewrite in this program');
    assert.equal(info.verifiedInsns, 2);
    assert.ok(info.jitedLength > 0, 'bpf_jit_enable=1 here: native code exists');
  } finally {
    prog.close();
  }
});

test('map fds are embedded with lddw pseudo map fd; the program updates what user space reads', { skip }, () => {
  const before = openFds();
  const map = k().createMap({ type: 'array', keySize: 4, valueSize: 8, maxEntries: 1 });
  try {
    // value = map[0]; value += 1 atomically; return the new value.
    const prog = k().loadProgram({
      type: 'socket-filter',
      insns: link([
        st(4, R10, -4, 0),
        ldMapFd(R1, map.fd),
        alu64.mov.reg(R2, R10), alu64.add.imm(R2, -4),
        call(1), // bpf_map_lookup_elem
        jmp.eq.imm(R0, 0, 'out'),
        alu64.mov.imm(R1, 1),
        atomic('add', 8, R0, R1, 0),
        ldx(8, R0, R0, 0),
        label('out'),
        exit(),
      ]),
    });
    try {
      assert.equal(prog.testRun({ data: packet(20), repeat: 10 }).retval, 10);
      assert.deepEqual(map.lookup(new Uint8Array(4)), new Uint8Array(new BigUint64Array([10n]).buffer));
    } finally {
      prog.close();
    }
  } finally {
    map.close();
  }
  assert.equal(openFds(), before);
});

test('XDP test_run returns the packet the program wrote', { skip }, () => {
  const prog = k().loadProgram({
    type: 'xdp',
    insns: link([
      ldx(4, R2, R1, 0), // ctx->data
      ldx(4, R3, R1, 4), // ctx->data_end
      alu64.mov.reg(R1, R2), alu64.add.imm(R1, 16),
      alu64.mov.imm(R0, 1), // XDP_DROP when too short
      jmp.gt.reg(R1, R3, 'out'),
      st(1, R2, 0, 0xaa),
      st(8, R2, 8, -1),
      alu64.mov.imm(R0, 3), // XDP_TX
      label('out'),
      exit(),
    ]),
  });
  try {
    const r = prog.testRun({ data: packet(32) });
    assert.equal(r.retval, 3);
    const want = packet(32); want[0] = 0xaa; want.fill(0xff, 8, 16);
    assert.deepEqual(r.dataOut, want);
    assert.equal(prog.testRun({ data: packet(14) }).retval, 1);
    assert.throws(() => prog.testRun({ data: packet(32), dataSizeOut: 8 }),
      (e: unknown) => e instanceof KernelError && e.errnoName === 'ENOSPC', 'a short output buffer is ENOSPC');
    assert.throws(() => prog.testRun({ data: packet(4) }),
      (e: unknown) => e instanceof KernelError && e.errnoName === 'EINVAL', 'less than an Ethernet header is EINVAL');
  } finally {
    prog.close();
  }
});

test('tc test_run takes a __sk_buff context in and gives it back', { skip }, () => {
  const prog = k().loadProgram({
    type: 'sched-cls',
    insns: [
      ldx(4, R0, R1, 8), // skb->mark
      alu32.add.imm(R0, 1),
      stx(4, R1, R0, 32), // skb->priority = mark + 1
      exit(),
    ],
  });
  try {
    const ctx = new Uint8Array(192); // sizeof(struct __sk_buff)
    new DataView(ctx.buffer).setUint32(8, 0x1234, true);
    const r = prog.testRun({ data: packet(64), ctx });
    assert.equal(r.retval, 0x1235);
    assert.ok(r.ctxOut);
    assert.equal(new DataView(r.ctxOut.buffer).getUint32(32, true), 0x1235);
  } finally {
    prog.close();
  }
});

test('repeat runs the program N times and duration is the kernel\'s mean ns per run', { skip }, () => {
  const map = k().createMap({ type: 'array', keySize: 4, valueSize: 8, maxEntries: 1 });
  // Counts its runs in the map, so repeat is observable; a 200-iteration loop makes duration non-zero.
  const prog = k().loadProgram({
    type: 'xdp',
    insns: link([
      st(4, R10, -4, 0),
      ldMapFd(R1, map.fd),
      alu64.mov.reg(R2, R10), alu64.add.imm(R2, -4),
      call(1),
      jmp.eq.imm(R0, 0, 'out'),
      alu64.mov.imm(R1, 1),
      atomic('add', 8, R0, R1, 0),
      alu64.mov.imm(R1, 0),
      label('loop'),
      alu64.add.imm(R1, 1),
      jmp.lt.imm(R1, 200, 'loop'),
      label('out'),
      alu64.mov.imm(R0, 2),
      exit(),
    ]),
  });
  try {
    const r = prog.testRun({ data: packet(64), repeat: 1000 });
    assert.equal(r.retval, 2);
    assert.deepEqual(map.lookup(new Uint8Array(4)), new Uint8Array(new BigUint64Array([1000n]).buffer));
    assert.ok(Number.isInteger(r.duration) && r.duration > 0, `duration ${r.duration}`);
  } finally {
    prog.close();
    map.close();
  }
});

const bpffs = (() => {
  if (skip) return skip;
  try { execFileSync('mountpoint', ['-q', '/sys/fs/bpf']); return false; } catch { return 'bpffs is not mounted at /sys/fs/bpf (.ci/run mounts it)'; }
})();

test('pin a program and get it back by path', { skip: bpffs }, () => {
  const before = openFds();
  const path = `/sys/fs/bpf/tsbpf-prog-${process.pid}`;
  const prog = k().loadProgram({ type: 'xdp', insns: [alu64.mov.imm(R0, 7), exit()] });
  try {
    prog.pin(path);
    const again = k().openPinnedProgram(path, 'xdp');
    try {
      assert.equal(again.testRun({ data: packet(14) }).retval, 7);
    } finally {
      again.close();
    }
  } finally {
    prog.close();
    if (existsSync(path)) unlinkSync(path);
  }
  assert.equal(openFds(), before);
});
