/**
 * eBPF benchmark programs, shared by every engine's benchmark (interpreter now, JIT and the
 * kernel's BPF_PROG_TEST_RUN later). Each is conformance-syntax text run with r1 = the data
 * and r2 = its length, with the expected r0 computed independently here (not by an engine).
 */

export interface EbpfBenchProgram {
  readonly name: string;
  /** Conformance-syntax assembly (src/ebpf/asm/conformance). */
  readonly asm: string;
  readonly data: Uint8Array;
  readonly expected: bigint;
  readonly note: string;
}

/**
 * The bpf_conformance suite's prime.data program (Big Switch Networks, Apache-2.0, see
 * ../shared/conformance/LICENSE): is 67 prime, by trial division.
 */
const PRIME = `mov %r1, 67
mov %r0, 0x1
mov %r2, 0x2
jgt %r1, 0x2, L3
L1:
ja exit
L2:
add %r2, 0x1
mov %r0, 0x1
jge %r2, %r1, exit
L3:
mov %r3, %r1
div %r3, %r2
mul %r3, %r2
mov %r4, %r1
sub %r4, %r3
mov %r0, 0x0
jne %r4, 0x0, L2
exit
`;

const LOOP_1000 = `# sum of 0..999
mov %r0, 0
mov %r1, 0
loop:
add %r0, %r1
add %r1, 1
jlt %r1, 1000, loop
exit
`;

/** Ethernet/IPv4/TCP 5-tuple parse with bounds checks; r0 = saddr ^ daddr ^ (sport << 16 | dport) ^ proto, 0 if not TCP/IPv4. */
const PARSE_5TUPLE = `# r1 = packet, r2 = length
mov %r0, 0
jlt %r2, 54, out          # Ethernet 14 + IPv4 20 + TCP 20
ldxh %r3, [%r1+12]        # EtherType, network order read little-endian
jne %r3, 0x0008, out      # 0x0800
ldxb %r4, [%r1+14]        # version | IHL
mov %r5, %r4
rsh %r5, 4
jne %r5, 4, out
and %r4, 0xf
lsh %r4, 2                # header length in bytes
jlt %r4, 20, out
ldxb %r5, [%r1+23]        # protocol
jne %r5, 6, out
ldxw %r6, [%r1+26]        # source address
ldxw %r7, [%r1+30]        # destination address
mov %r8, %r4
add %r8, 34               # Ethernet + IP header + TCP header
jgt %r8, %r2, out
mov %r9, %r1
add %r9, 14
add %r9, %r4              # TCP header
ldxh %r3, [%r9+0]         # source port
ldxh %r4, [%r9+2]         # destination port
be16 %r3
be16 %r4
be32 %r6
be32 %r7
lsh %r3, 16
or %r3, %r4
mov %r0, %r6
xor %r0, %r7
xor %r0, %r3
xor %r0, %r5
out:
exit
`;

/** A 74-byte Ethernet/IPv4/TCP SYN: 192.168.1.10:51000 → 93.184.216.34:443 with TCP options. */
export function tcpSynFrame(): Uint8Array {
  const f = new Uint8Array(74);
  const v = new DataView(f.buffer);
  f.set([0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2], 0);
  v.setUint16(12, 0x0800);
  f[14] = 0x45; v.setUint16(16, 60); f[22] = 64; f[23] = 6;
  f.set([192, 168, 1, 10], 26); f.set([93, 184, 216, 34], 30);
  v.setUint16(34, 51000); v.setUint16(36, 443); v.setUint32(38, 1); f[46] = 0xa0; f[47] = 0x02; v.setUint16(48, 64240);
  return f;
}

export function ebpfBenchPrograms(): EbpfBenchProgram[] {
  const syn = tcpSynFrame();
  const saddr = (192 << 24 | 168 << 16 | 1 << 8 | 10) >>> 0, daddr = (93 << 24 | 184 << 16 | 216 << 8 | 34) >>> 0;
  const tuple = (BigInt(saddr) ^ BigInt(daddr) ^ ((51000n << 16n) | 443n) ^ 6n);
  return [
    { name: 'prime (conformance prime.data)', asm: PRIME, data: new Uint8Array(0), expected: 1n, note: '67 is prime' },
    { name: 'loop 1000', asm: LOOP_1000, data: new Uint8Array(0), expected: 499500n, note: 'sum 0..999' },
    { name: 'parse Eth/IPv4/TCP 5-tuple', asm: PARSE_5TUPLE, data: syn, expected: tuple, note: '74-byte TCP SYN' },
  ];
}
