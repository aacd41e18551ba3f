/**
 * What a translated classic program needs to run in the eBPF runtime: the `struct __sk_buff`
 * context built from the classic packet metadata, and the helpers its ancillary loads call.
 * With these, `classicToEbpf(p)` run on (packet, context) gives what `interpret(p, packet, meta)`
 * gives — the property test in test/convert checks exactly that.
 */
import type { PacketMeta } from '../cbpf/metadata.js';
import { nlattr, nlattrNest } from '../cbpf/nlattr.js';
import type { Helper } from '../ebpf/runtime/env.js';
import { standardHelpers } from '../ebpf/runtime/helpers/index.js';
import * as skb from './sk-buff.js';

/** Size of the part of `struct __sk_buff` the translation reads (len .. hash). */
export const SK_BUFF_CONTEXT_SIZE = skb.SK_BUFF.hash + 4;

/**
 * The `__sk_buff` bytes (host order: little-endian) for a packet and its metadata. The 16-bit
 * protocol fields hold network-order values, as the kernel's skb->protocol does.
 */
export function skBuffContext(packet: Uint8Array, meta: PacketMeta = {}): Uint8Array {
  const bytes = new Uint8Array(SK_BUFF_CONTEXT_SIZE);
  const view = new DataView(bytes.buffer);
  const put = (field: keyof typeof skb.SK_BUFF, value: number) => view.setUint32(skb.SK_BUFF[field], value >>> 0, true);
  const networkOrder16 = (v: number) => ((v & 0xff) << 8) | ((v >> 8) & 0xff);
  put('len', meta.wireLength ?? packet.length);
  put('pkt_type', (meta.pktType ?? 0) & 7);
  put('mark', meta.mark ?? 0);
  put('queue_mapping', (meta.queue ?? 0) & 0xffff);
  put('protocol', networkOrder16(meta.protocol ?? 0));
  put('vlan_present', meta.vlanPresent ? 1 : 0);
  put('vlan_tci', (meta.vlanTci ?? 0) & 0xffff);
  put('vlan_proto', networkOrder16(meta.vlanTpid ?? 0));
  put('ifindex', meta.ifindex ?? 0);
  put('hash', meta.rxhash ?? 0);
  return bytes;
}

/**
 * The standard helpers plus the kernel-internal ancillary functions (device type, payload
 * offset, netlink attribute search) for one packet. `get_smp_processor_id` and
 * `get_prandom_u32` come from the environment: build it with `cpu: meta.cpu` and
 * `random: meta.random`.
 */
export function socketFilterHelpers(packet: Uint8Array, meta: PacketMeta = {}): Map<number, Helper> {
  const helpers = standardHelpers();
  const u32 = (v: bigint) => Number(v & 0xffffffffn);
  helpers.set(skb.HELPER_SKB_HATYPE, () => BigInt((meta.hatype ?? 0) & 0xffff));
  helpers.set(skb.HELPER_SKB_PAY_OFFSET, () => BigInt((meta.payOffset ?? 0) >>> 0));
  helpers.set(skb.HELPER_SKB_NLATTR, (_env, _ctx, a, x) => BigInt(nlattr(packet, u32(a), u32(x)) >>> 0));
  helpers.set(skb.HELPER_SKB_NLATTR_NEST, (_env, _ctx, a, x) => BigInt(nlattrNest(packet, u32(a), u32(x)) >>> 0));
  return helpers;
}
