/**
 * Classic BPF through the Wasm JIT: classic → eBPF (classic-to-ebpf.ts, the kernel's
 * translation with an `__sk_buff` context and legacy packet loads) → wasm (src/ebpf/jit), as a
 * filter function with the same signature as the JavaScript JIT's (src/cbpf/jit.ts). It lives
 * here because src/ebpf may not import src/cbpf.
 *
 * Which path is faster was measured by bench/cbpf-engines.ts: the JavaScript JIT, by a wide
 * margin on tcpdump programs (a filter runs a few dozen instructions, less than the fixed cost
 * of a wasm run: copying the packet and the context into linear memory and crossing into wasm).
 * `compileClassicFastest` is therefore the JavaScript JIT; `tsbpf dump` should use it.
 */
import type { ClassicInsn } from '../cbpf/insn.js';
import { compileClassic, type ClassicFilterFn } from '../cbpf/jit.js';
import type { PacketMeta } from '../cbpf/metadata.js';
import type { ClassicProgram } from '../cbpf/program.js';
import { compileWasm } from '../ebpf/jit/program.js';
import { Env } from '../ebpf/runtime/env.js';
import { classicToEbpf } from './classic-to-ebpf.js';
import { skBuffContext, socketFilterHelpers } from './socket-context.js';
import * as skb from './sk-buff.js';

/** A classic filter compiled to wasm through the eBPF translation. */
export function compileClassicWasm(program: ClassicProgram | readonly ClassicInsn[]): ClassicFilterFn {
  // Helpers that depend on the packet and its metadata read the current ones.
  let packet: Uint8Array = new Uint8Array(0);
  let meta: PacketMeta = {};
  const helpers = socketFilterHelpers(packet, meta);
  const current = socketFilterHelpers; // the per-packet helpers are rebuilt only when they are called
  for (const id of [skb.HELPER_SKB_HATYPE, skb.HELPER_SKB_PAY_OFFSET, skb.HELPER_SKB_NLATTR, skb.HELPER_SKB_NLATTR_NEST]) {
    helpers.set(id, (env, r1, r2, r3, r4, r5) => current(packet, meta).get(id)!(env, r1, r2, r3, r4, r5));
  }
  helpers.set(skb.HELPER_GET_SMP_PROCESSOR_ID, () => BigInt((meta.cpu ?? 0) >>> 0));
  helpers.set(skb.HELPER_GET_PRANDOM_U32, () => BigInt((meta.random?.() ?? 0) >>> 0));
  const jit = compileWasm(classicToEbpf(program), { env: new Env({ helpers }) });
  // Without metadata the context is all zero but its length field: one buffer, reused.
  const plain = skBuffContext(new Uint8Array(0));
  const plainView = new DataView(plain.buffer);
  return (p: Uint8Array, m?: PacketMeta): number => {
    packet = p;
    meta = m ?? {};
    let ctx: Uint8Array;
    if (m === undefined) { plainView.setUint32(skb.SK_BUFF.len, p.length, true); ctx = plain; } else ctx = skBuffContext(p, m);
    return Number(jit.run({ data: p, ctx }).r0 & 0xffffffffn);
  };
}

/** The fastest classic filter path measured (bench/cbpf-engines.ts): the JavaScript JIT. */
export function compileClassicFastest(program: ClassicProgram | readonly ClassicInsn[]): ClassicFilterFn {
  return compileClassic(program);
}
