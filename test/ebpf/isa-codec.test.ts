/**
 * Encoding checked against LLVM's BPF assembler (llvm-mc-19 -show-encoding), in both byte
 * orders, and a decode/encode property over random slots.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  R0, R1, R2, alu32, alu64, atomic, call, callLocal, decode, encode, end, exit, gotol, jmp, jmp32, ldx, ldxs, lddw, link, label, st, stx, ja,
  type Insn, type ProgramItem,
} from '../../src/ebpf/isa/index.js';
import { DecodeError } from '../../src/core/errors.js';
import { needsTool } from '../helpers/oracles.js';
import { Prng, testSeed } from '../helpers/prng.js';

// Each row: LLVM assembly text and the instruction value our builders make for it.
const table: [string, Insn][] = [
  ['r0 = 1', alu64.mov.imm(R0, 1)],
  ['w1 += w2', alu32.add.reg(R1, R2)],
  ['r1 -= -7', alu64.sub.imm(R1, -7)],
  ['w0 = -w0', alu32.neg(R0)],
  ['r1 s/= r2', alu64.sdiv.reg(R1, R2)],
  ['w1 s%= 3', alu32.smod.imm(R1, 3)],
  ['r1 s>>= 63', alu64.arsh.imm(R1, 63)],
  ['r0 = (s8)r1', alu64.movsx(8, R0, R1)],
  ['w0 = (s16)w1', alu32.movsx(16, R0, R1)],
  ['r0 = (s32)r1', alu64.movsx(32, R0, R1)],
  ['r1 = bswap16 r1', end('swap', 16, R1)],
  ['r1 = bswap64 r1', end('swap', 64, R1)],
  ['r0 = be16 r0', end('be', 16, R0)],
  ['r0 = le32 r0', end('le', 32, R0)],
  ['r0 = *(u32 *)(r1 + 4)', ldx(4, R0, R1, 4)],
  ['r0 = *(u64 *)(r10 - 8)', ldx(8, R0, 10, -8)],
  ['r0 = *(s16 *)(r1 + 4)', ldxs(2, R0, R1, 4)],
  ['*(u8 *)(r10 - 1) = 7', st(1, 10, -1, 7)],
  ['*(u32 *)(r1 + 2) = r2', stx(4, R1, R2, 2)],
  ['lock *(u64 *)(r1 + 0) += r2', atomic('add', 8, R1, R2, 0)],
  ['lock *(u32 *)(r1 + 8) ^= w2', atomic('xor', 4, R1, R2, 8)],
  ['r2 = atomic_fetch_and((u64 *)(r1 + 0), r2)', atomic('and', 8, R1, R2, 0, true)],
  ['r2 = xchg_64(r1 + 0, r2)', atomic('xchg', 8, R1, R2, 0)],
  ['w0 = cmpxchg32_32(r1 + 0, w0, w2)', atomic('cmpxchg', 4, R1, R2, 0)],
  ['r0 = 0x1122334455667788 ll', lddw(R0, 0x1122334455667788n)],
  ['r0 = -1 ll', lddw(R0, -1n)],
  ['if w1 s< w2 goto -5', jmp32.slt.reg(R1, R2, -5)],
  ['if r1 > 0x2 goto +3', jmp.gt.imm(R1, 2, 3)],
  ['if r1 & 0x10 goto +1', jmp.set.imm(R1, 0x10, 1)],
  ['goto +2', ja(2)],
  ['gotol +100', gotol(100)],
  ['call 1', call(1)],
  ['call 3', call(3)],
  ['exit', exit()],
];

function llvmEncoding(text: string, triple: string): Uint8Array {
  const r = spawnSync('llvm-mc-19', ['-triple', triple, '-mcpu=v4', '-show-encoding'], { input: `${text}\n`, encoding: 'utf8' });
  assert.equal(r.status, 0, `llvm-mc rejected '${text}': ${r.stderr}`);
  const m = /encoding: \[([^\]]*)\]/.exec(r.stdout);
  assert.ok(m, `no encoding for '${text}'`);
  return Uint8Array.from(m[1]!.split(',').map((b) => Number(b)));
}

for (const [triple, little] of [['bpfel', true], ['bpfeb', false]] as const) {
  test(`encoding matches llvm-mc-19 (${triple})`, needsTool('llvm-mc-19'), () => {
    for (const [text, insn] of table) {
      const ours = encode([insn], little);
      assert.deepEqual([...ours], [...llvmEncoding(text, triple)], text);
      assert.deepEqual(decode(ours, little), [insn], `decode of ${text}`);
    }
  });
}

test('labels link to slot offsets, counting lddw as two slots', () => {
  const items: ProgramItem[] = [jmp.eq.imm(R1, 0, 'out'), lddw(R0, 1n), callLocal('f'), label('out'), exit(), label('f'), alu64.mov.imm(R0, 2), exit()];
  const linked = link(items);
  assert.deepEqual(linked[0], jmp.eq.imm(R1, 0, 3));
  assert.deepEqual(linked[2], callLocal(1));
  assert.throws(() => link([ja('nowhere')]), /unknown label 'nowhere'/);
  assert.throws(() => link([label('a'), label('a')]), /duplicate label 'a'/);
});

test('decode → encode is the identity on every slot sequence decode accepts (random slots)', () => {
  const rng = new Prng(testSeed(0x5eed1));
  let accepted = 0;
  for (let i = 0; i < 60_000; i++) {
    const bytes = rng.bytes(16);
    // Bias toward the fields being mostly zero, as in real code, so that many slots decode.
    for (const at of [1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14, 15]) if (rng.bool(0.85)) bytes[at] = 0;
    if (rng.bool(0.5)) bytes[8] = 0;
    let insns: Insn[];
    try { insns = decode(bytes); } catch (err) { assert.ok(err instanceof DecodeError, String(err)); continue; }
    accepted++;
    assert.deepEqual([...encode(insns)], [...bytes], `seed ${rng.seed} iteration ${i}`);
  }
  assert.ok(accepted > 1_000, `only ${accepted} random slot pairs decoded`);
});

test('malformed slots are DecodeErrors with the byte offset', () => {
  const ok = encode([alu64.mov.imm(R0, 0)]);
  const bad = new Uint8Array([...ok, 0x07, 0x00, 0x01, 0x00, 0, 0, 0, 0]); // r0 += 0 with off=1
  assert.throws(() => decode(bad), (e: unknown) => e instanceof DecodeError && e.offset === 8 && /offset field must be zero/.test(e.message));
  assert.throws(() => decode(new Uint8Array(12)), (e: unknown) => e instanceof DecodeError && e.offset === 8);
  assert.throws(() => decode(encode([lddw(R0, 1n)]).subarray(0, 8)), /missing its second slot/);
});
