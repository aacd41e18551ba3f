/**
 * More eBPF benchmark programs for the engine comparison (bench/ebpf-engines.ts), next to the
 * shared ones in ebpf.ts: a trivial return, a full Ethernet/IPv4/IPv6/TCP/UDP 5-tuple parser,
 * an Internet checksum over a 1500-byte frame and a map-heavy program. Expected results are
 * computed here in plain TypeScript, independently of every engine.
 *
 * Packet programs start with the line `mov %r9, %r1` + `add %r9, %r2` (r9 = end of data) and
 * check every read against r9; the kernel's copy replaces those two lines with a reload of
 * data_end spilled by the XDP wrapper (KERNEL_END), which is what its verifier can follow.
 */
import { R0, R1, R2, R3, R4, R6, R7, R10, alu64, call, exit, ja, jmp, label, ldx, link, st, stx, type Insn } from '../../src/ebpf/isa/index.js';
import type { MapSpec } from '../../src/ebpf/runtime/maps/map.js';

export const END_PROLOGUE = 'mov %r9, %r1\nadd %r9, %r2\n';
export const KERNEL_END = 'ldxdw %r9, [%r10-8]\n';

export const TRIVIAL = `mov %r0, 2
exit
`;

export const PARSE_FULL = `${END_PROLOGUE}mov %r0, 0
mov %r3, %r1
add %r3, 14
jgt %r3, %r9, out
ldxh %r4, [%r1+12]
be16 %r4
mov %r6, %r1
add %r6, 14
jeq %r4, 0x86dd, ipv6
jne %r4, 0x0800, out
mov %r3, %r6
add %r3, 20
jgt %r3, %r9, out
ldxb %r5, [%r6+0]
and %r5, 0xf
lsh %r5, 2
jlt %r5, 20, out
ldxb %r7, [%r6+9]
ldxw %r8, [%r6+12]
ldxw %r4, [%r6+16]
xor %r8, %r4
add %r6, %r5
ja l4
ipv6:
mov %r3, %r6
add %r3, 40
jgt %r3, %r9, out
ldxb %r7, [%r6+6]
ldxdw %r8, [%r6+8]
ldxdw %r4, [%r6+16]
xor %r8, %r4
ldxdw %r4, [%r6+24]
xor %r8, %r4
ldxdw %r4, [%r6+32]
xor %r8, %r4
add %r6, 40
l4:
jeq %r7, 6, ports
jne %r7, 17, out
ports:
mov %r3, %r6
add %r3, 4
jgt %r3, %r9, out
ldxh %r3, [%r6+0]
ldxh %r4, [%r6+2]
be16 %r3
be16 %r4
lsh %r3, 16
or %r3, %r4
mov %r0, %r8
xor %r0, %r3
lsh %r7, 32
xor %r0, %r7
out:
exit
`;

/**
 * At most 750 words (1500 bytes): the counter is what lets the kernel's verifier see the loop
 * end (it does not know the packet length), and every engine runs the same instructions.
 */
export const CHECKSUM = `${END_PROLOGUE}mov %r0, 0
mov %r4, %r1
mov %r8, 750
loop:
mov %r5, %r4
add %r5, 2
jgt %r5, %r9, fold
ldxh %r3, [%r4+0]
add %r0, %r3
mov %r4, %r5
sub %r8, 1
jne %r8, 0, loop
fold:
mov %r3, %r0
rsh %r3, 16
and %r0, 0xffff
add %r0, %r3
mov %r3, %r0
rsh %r3, 16
add %r0, %r3
and %r0, 0xffff
xor %r0, 0xffff
exit
`;

/** An 86-byte Ethernet/IPv6/UDP datagram 2001:db8::1:5353 → 2001:db8::2:53 with 24 bytes of payload. */
export function ipv6UdpFrame(): Uint8Array {
  const f = new Uint8Array(86);
  const v = new DataView(f.buffer);
  f.set([0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2], 0);
  v.setUint16(12, 0x86dd);
  f[14] = 0x60; v.setUint16(18, 32); f[20] = 17; f[21] = 64;
  f.set([0x20, 0x01, 0x0d, 0xb8], 22); f[37] = 1;
  f.set([0x20, 0x01, 0x0d, 0xb8], 38); f[53] = 2;
  v.setUint16(54, 5353); v.setUint16(56, 53); v.setUint16(58, 32);
  for (let i = 62; i < 86; i++) f[i] = i;
  return f;
}

/** The 5-tuple hash PARSE_FULL computes, from the frame's bytes (little-endian loads, as the program does). */
export function parseFullExpected(f: Uint8Array): bigint {
  const v = new DataView(f.buffer, f.byteOffset, f.byteLength);
  const type = v.getUint16(12);
  let proto: number, addr: bigint, l4: number;
  if (type === 0x86dd) {
    proto = f[20]!;
    addr = v.getBigUint64(22, true) ^ v.getBigUint64(30, true) ^ v.getBigUint64(38, true) ^ v.getBigUint64(46, true);
    l4 = 54;
  } else {
    proto = f[23]!;
    addr = BigInt(v.getUint32(26, true) ^ v.getUint32(30, true)) & 0xffffffffn;
    l4 = 14 + (f[14]! & 0xf) * 4;
  }
  const ports = BigInt(((v.getUint16(l4) << 16) | v.getUint16(l4 + 2)) >>> 0);
  return addr ^ ports ^ (BigInt(proto) << 32n);
}

/** A 1500-byte frame of pseudo-random bytes (fixed LCG). */
export function frame1500(): Uint8Array {
  const f = new Uint8Array(1500);
  let x = 12345;
  for (let i = 0; i < f.length; i++) { x = (Math.imul(x, 1103515245) + 12345) >>> 0; f[i] = x >>> 24; }
  return f;
}

/** The ones'-complement checksum of little-endian 16-bit words, folded as CHECKSUM does. */
export function checksumExpected(f: Uint8Array): bigint {
  let s = 0;
  for (let i = 0; i + 2 <= f.length; i += 2) s += f[i]! | (f[i + 1]! << 8);
  s = (s & 0xffff) + (s >>> 16);
  s += s >>> 16;
  return BigInt((s & 0xffff) ^ 0xffff);
}

export const MAP_HEAVY_MAPS: readonly MapSpec[] = [
  { type: 'array', keySize: 4, valueSize: 8, maxEntries: 64 },
  { type: 'hash', keySize: 8, valueSize: 8, maxEntries: 64 },
];
export const MAP_HEAVY_KEYS = 8;

/**
 * Per run, for keys 0..7: increment array[key] through the looked-up pointer, and increment
 * hash[key] (inserting 1 with map_update_elem when absent): 16 lookups (+ 8 updates on the
 * first run). r0 = 8. `mapRef(i)` loads map i (lddw with a map index here, a kernel fd there).
 */
export function mapHeavy(mapRef: (dst: 1, i: number) => Insn): Insn[] {
  return link([
    alu64.mov.imm(R6, 0),
    label('loop'),
    stx(4, R10, R6, -4),
    mapRef(1, 0), alu64.mov.reg(R2, R10), alu64.add.imm(R2, -4), call(1),
    jmp.eq.imm(R0, 0, 'hash'),
    ldx(8, R3, R0, 0), alu64.add.imm(R3, 1), stx(8, R0, R3, 0),
    label('hash'),
    stx(8, R10, R6, -16),
    mapRef(1, 1), alu64.mov.reg(R2, R10), alu64.add.imm(R2, -16), call(1),
    jmp.ne.imm(R0, 0, 'hit'),
    st(8, R10, -24, 1),
    mapRef(1, 1), alu64.mov.reg(R2, R10), alu64.add.imm(R2, -16), alu64.mov.reg(R3, R10), alu64.add.imm(R3, -24), alu64.mov.imm(R4, 0), call(2),
    ja('next'),
    label('hit'),
    ldx(8, R3, R0, 0), alu64.add.imm(R3, 1), stx(8, R0, R3, 0),
    label('next'),
    alu64.add.imm(R6, 1),
    jmp.lt.imm(R6, MAP_HEAVY_KEYS, 'loop'),
    alu64.mov.imm(R0, MAP_HEAVY_KEYS),
    exit(),
  ]);
}
void R1;

/**
 * Per run, on the hash map (map 1 of MAP_HEAVY_MAPS): insert keys 0..7 (value = key, BPF_NOEXIST),
 * then look each up (adding its value) and delete it: 8 updates, 8 lookups, 8 deletes, the map
 * empty again at the end. r0 = 0 + 1 + ... + 7 = 28 when every call succeeds.
 */
export const MAP_CHURN_EXPECTED = 28n;
export function mapChurn(mapRef: (dst: 1, i: number) => Insn): Insn[] {
  return link([
    alu64.mov.imm(R6, 0), alu64.mov.imm(R7, 0),
    label('insert'),
    stx(8, R10, R6, -8), stx(8, R10, R6, -16),
    mapRef(1, 1), alu64.mov.reg(R2, R10), alu64.add.imm(R2, -8), alu64.mov.reg(R3, R10), alu64.add.imm(R3, -16), alu64.mov.imm(R4, 1), call(2),
    alu64.add.reg(R7, R0),
    alu64.add.imm(R6, 1), jmp.lt.imm(R6, MAP_HEAVY_KEYS, 'insert'),
    alu64.mov.imm(R6, 0),
    label('remove'),
    stx(8, R10, R6, -8),
    mapRef(1, 1), alu64.mov.reg(R2, R10), alu64.add.imm(R2, -8), call(1),
    jmp.eq.imm(R0, 0, 'gone'),
    ldx(8, R3, R0, 0), alu64.add.reg(R7, R3),
    label('gone'),
    mapRef(1, 1), alu64.mov.reg(R2, R10), alu64.add.imm(R2, -8), call(3),
    alu64.add.reg(R7, R0),
    alu64.add.imm(R6, 1), jmp.lt.imm(R6, MAP_HEAVY_KEYS, 'remove'),
    alu64.mov.reg(R0, R7),
    exit(),
  ]);
}
