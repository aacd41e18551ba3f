/**
 * Kernel maps through bpf(2): create/lookup/update/delete/iterate on array and hash maps, with
 * the errno the kernel returns for each misuse (documented in bpf(2) and linux/bpf.h).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, unlinkSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { KernelError, BPF_F_NO_PREALLOC } from '../../src/node/kernel/index.js';
import { BpfError } from '../../src/core/errors.js';
import { k, openFds, skip } from './kernel-env.js';

const u32 = (n: number): Uint8Array => new Uint8Array(new Uint32Array([n]).buffer);
const u64 = (n: bigint): Uint8Array => new Uint8Array(new BigUint64Array([n]).buffer);

function errnoOf(fn: () => unknown): string {
  try { fn(); } catch (e) {
    assert.ok(e instanceof KernelError, `expected a KernelError, got ${String(e)}`);
    assert.equal(e.code, 'KERNEL');
    return e.errnoName;
  }
  assert.fail('expected the kernel to refuse');
}

test('array map: elements always exist; out of range and delete are refused', { skip }, () => {
  const before = openFds();
  const map = k().createMap({ type: 'array', keySize: 4, valueSize: 8, maxEntries: 4, name: 'tsbpf_arr' });
  try {
    assert.deepEqual(map.lookup(u32(3)), new Uint8Array(8), 'array elements start zeroed');
    map.update(u32(1), u64(0x1122334455667788n));
    assert.deepEqual(map.lookup(u32(1)), u64(0x1122334455667788n));
    map.update(u32(1), u64(5n), 'exist');
    assert.deepEqual(map.lookup(u32(1)), u64(5n));
    assert.equal(errnoOf(() => map.update(u32(2), u64(1n), 'noexist')), 'EEXIST');
    assert.equal(map.lookup(u32(4)), undefined, 'index past max_entries: ENOENT');
    assert.equal(errnoOf(() => map.update(u32(4), u64(1n))), 'E2BIG');
    assert.equal(errnoOf(() => map.delete(u32(1))), 'EINVAL');
    assert.deepEqual([...map.keys()].map((key) => new Uint32Array(key.buffer)[0]), [0, 1, 2, 3]);
    assert.throws(() => map.update(u32(0), u32(0)), (e: unknown) => e instanceof BpfError && e.code === 'USAGE');
  } finally {
    map.close();
  }
  assert.equal(openFds(), before);
});

test('hash map: NOEXIST/EXIST semantics, delete, full map, iteration', { skip }, () => {
  const before = openFds();
  const map = k().createMap({ type: 'hash', keySize: 8, valueSize: 4, maxEntries: 3, name: 'tsbpf_hash' });
  try {
    assert.equal(map.lookup(u64(7n)), undefined);
    assert.equal(map.nextKey(), undefined, 'an empty map has no first key');
    assert.equal(errnoOf(() => map.update(u64(7n), u32(1), 'exist')), 'ENOENT');
    map.update(u64(7n), u32(1), 'noexist');
    assert.equal(errnoOf(() => map.update(u64(7n), u32(2), 'noexist')), 'EEXIST');
    map.update(u64(7n), u32(3), 'exist');
    assert.deepEqual(map.lookup(u64(7n)), u32(3));
    map.update(u64(8n), u32(4));
    map.update(u64(9n), u32(5));
    assert.equal(errnoOf(() => map.update(u64(10n), u32(6))), 'E2BIG', 'a full hash map refuses a new key');
    map.update(u64(9n), u32(50), 'any');
    const entries = [...map.entries()].map(([key, v]) => [new BigUint64Array(key.buffer)[0]!, new Uint32Array(v.buffer)[0]!] as const);
    assert.deepEqual(entries.sort((a, b) => Number(a[0] - b[0])), [[7n, 3], [8n, 4], [9n, 50]]);
    map.delete(u64(8n));
    assert.equal(errnoOf(() => map.delete(u64(8n))), 'ENOENT');
    assert.equal(map.lookup(u64(8n)), undefined);
    assert.equal([...map.keys()].length, 2);
  } finally {
    map.close();
  }
  assert.equal(openFds(), before);
});

test('map creation errors: bad sizes and names are EINVAL; no descriptor leaks', { skip }, () => {
  const before = openFds();
  assert.equal(errnoOf(() => k().createMap({ type: 'hash', keySize: 0, valueSize: 4, maxEntries: 1 })), 'EINVAL');
  assert.equal(errnoOf(() => k().createMap({ type: 'array', keySize: 8, valueSize: 4, maxEntries: 1 })), 'EINVAL', 'array keys are 4 bytes');
  assert.equal(errnoOf(() => k().createMap({ type: 'array', keySize: 4, valueSize: 4, maxEntries: 0 })), 'EINVAL');
  assert.equal(errnoOf(() => k().createMap({ type: 'array', keySize: 4, valueSize: 4, maxEntries: 1, name: 'bad name!' })), 'EINVAL');
  assert.equal(errnoOf(() => k().createMap({ type: 'array', keySize: 4, valueSize: 4, maxEntries: 1, flags: BPF_F_NO_PREALLOC })), 'EINVAL',
    'arrays are always preallocated');
  const hash = k().createMap({ type: 'hash', keySize: 4, valueSize: 4, maxEntries: 8, flags: BPF_F_NO_PREALLOC });
  hash.close();
  hash.close(); // idempotent
  const dispose = (Symbol as unknown as { dispose?: symbol }).dispose;
  if (dispose) {
    const arr = k().createMap({ type: 'array', keySize: 4, valueSize: 4, maxEntries: 1 });
    (arr as unknown as Record<symbol, () => void>)[dispose]!();
    assert.ok(arr.closed, 'Symbol.dispose closes the map');
  }
  assert.throws(() => hash.lookup(u32(0)), /closed/);
  assert.equal(openFds(), before);
});

test('the error message names the command, the strerror text and the errno', { skip }, () => {
  const map = k().createMap({ type: 'hash', keySize: 4, valueSize: 4, maxEntries: 1 });
  try {
    map.delete(u32(1));
    assert.fail('delete of an absent key succeeded');
  } catch (e) {
    assert.ok(e instanceof KernelError);
    assert.equal(e.message, 'bpf(BPF_MAP_DELETE_ELEM): No such file or directory (ENOENT)');
    assert.equal(e.errno, 2);
    assert.equal(e.command, 'BPF_MAP_DELETE_ELEM');
  } finally {
    map.close();
  }
});

const bpffs = (() => {
  if (skip) return skip;
  try { execFileSync('mountpoint', ['-q', '/sys/fs/bpf']); return false; } catch { return 'bpffs is not mounted at /sys/fs/bpf (.ci/run mounts it)'; }
})();

test('pin a map on bpffs and open it again: both descriptors see the same map', { skip: bpffs }, () => {
  const before = openFds();
  const path = `/sys/fs/bpf/tsbpf-test-${process.pid}`;
  const spec = { type: 'array', keySize: 4, valueSize: 4, maxEntries: 2 } as const;
  const map = k().createMap(spec);
  try {
    map.pin(path);
    assert.ok(existsSync(path));
    assert.equal(errnoOf(() => map.pin(path)), 'EEXIST');
    const again = k().openPinnedMap(path, spec);
    try {
      map.update(u32(1), u32(42));
      assert.deepEqual(again.lookup(u32(1)), u32(42));
    } finally {
      again.close();
    }
  } finally {
    map.close();
    if (existsSync(path)) unlinkSync(path);
  }
  assert.equal(errnoOf(() => k().openPinnedMap(path, spec)), 'ENOENT');
  assert.equal(openFds(), before);
});
