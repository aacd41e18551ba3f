/**
 * IEEE 802.11 (optionally behind radiotap): the data-frame test and LLC type for gen_linktype,
 * 802.11 addresses by frame type and DS bits, `type`/`subtype`/`dir`, and the prologue that
 * computes the variable header lengths into scratch registers (libpcap's
 * insert_compute_vloffsets: a statement list with jumps inside it).
 */
import {
  BPF_ABS, BPF_ADD, BPF_ALU, BPF_AND, BPF_B, BPF_H, BPF_IMM, BPF_IND, BPF_JMP, BPF_JSET, BPF_K, BPF_LD,
  BPF_LDX, BPF_LSH, BPF_MEM, BPF_MISC, BPF_OR, BPF_ST, BPF_TAX, BPF_TXA, BPF_W, BPF_X,
} from '../../cbpf/opcodes.js';
import { genAnd, genNot, genOr, stmt, type Block, type Stmt } from '../ir/block.js';
import type { Gen } from './context.js';
import type { DirQual } from '../syntax/ast.js';
import { ETHERTYPE, LLCSAP } from './link.js';

function jsetHdr(g: Gen, offset: number, bit: number): Block {
  return g.jset(g.loadA('linkhdr', offset, BPF_B), bit);
}

/** gen_check_802_11_data_frame: FC type bit 0x08 set, 0x04 clear. */
export function wlanDataFrame(g: Gen): Block {
  const b0 = jsetHdr(g, 0, 0x08);
  const b1 = jsetHdr(g, 0, 0x04);
  genNot(b1);
  genAnd(b1, b0);
  return b0;
}

/** gen_llc_linktype: the protocol inside an 802.2 LLC (SNAP) payload. */
function llcLinktype(g: Gen, p: number): Block {
  switch (p) {
    case LLCSAP.IP: case LLCSAP.ISONS: case LLCSAP.NETBEUI: return g.cmp('llc', 0, BPF_H, (p << 8) | p);
    case LLCSAP.IPX: return g.cmp('llc', 0, BPF_B, LLCSAP.IPX);
    case ETHERTYPE.ATALK: {
      const b = Uint8Array.of(0xaa, 0xaa, 0x03, 0x08, 0x00, 0x07, 0x80, 0x9b);
      return g.bcmp('llc', 0, b);
    }
    default: return p <= 1500 ? g.cmp('llc', 0, BPF_B, p) : g.cmp('llc', 6, BPF_H, p);
  }
}

export function wlanLinktype(g: Gen, p: number): Block {
  const b0 = wlanDataFrame(g);
  const b1 = llcLinktype(g, p);
  genAnd(b0, b1);
  return b1;
}

/**
 * The destination-address structure shared by `wlan dst` and `wlan multicast`: data frames
 * (DA at 16 with To DS, else 4), management frames (DA at 4), never control frames.
 */
function dstLike(g: Gen, atom: (offset: number) => Block): Block {
  let b0 = byFlag(g, 1, 0x01, () => atom(16), () => atom(4)); // To DS: DA in addr3, else addr1
  b0 = byFlag(g, 0, 0x08, b0, () => atom(4)); // management frames: DA in addr1
  return notControl(g, b0);
}

/**
 * (header bit set and ifSet) or (bit clear and ifClear), with the blocks made in gencode.c's
 * order so that block numbering, and so the listing, stays libpcap's. `ifSet` is a thunk when
 * libpcap makes it after the bit test, a block when it was made before.
 */
function byFlag(g: Gen, offset: number, bit: number, ifSet: Block | (() => Block), ifClear: () => Block): Block {
  const set = jsetHdr(g, offset, bit);
  const a = typeof ifSet === 'function' ? ifSet() : ifSet;
  genAnd(set, a);
  const clear = jsetHdr(g, offset, bit);
  genNot(clear);
  const b = ifClear();
  genAnd(clear, b);
  genOr(b, a);
  return a;
}

/** b and not a control frame (FC type bit 0x04 clear). */
function notControl(g: Gen, b: Block): Block {
  const control = jsetHdr(g, 0, 0x04);
  genNot(control);
  genAnd(control, b);
  return b;
}

/** addr2: not present in CTS or ACK control frames. */
function addr2(g: Gen, at: (offset: number) => Block): Block {
  const b0 = g.mcmp('linkhdr', 0, BPF_B, 0x04, 0x0c); genNot(b0);
  let b1 = g.mcmp('linkhdr', 0, BPF_B, 0xc0, 0xf0); genNot(b1);
  const b2 = g.mcmp('linkhdr', 0, BPF_B, 0xd0, 0xf0); genNot(b2);
  genAnd(b1, b2);
  genOr(b0, b2);
  b1 = at(10);
  genAnd(b2, b1);
  return b1;
}

/** gen_wlanhostop. */
export function wlanHostop(g: Gen, mac: Uint8Array, dir: DirQual): Block {
  const at = (offset: number): Block => g.bcmp('linkhdr', offset, mac);
  let b0: Block;
  let b1: Block;
  switch (dir) {
    case 'src': {
      // SA in addr4 (From and To DS), addr3 (From DS), addr2 otherwise; management frames addr2.
      b0 = byFlag(g, 1, 0x01, () => at(24), () => at(16));
      b0 = byFlag(g, 1, 0x02, b0, () => at(10));
      b0 = byFlag(g, 0, 0x08, b0, () => at(10));
      return notControl(g, b0);
    }
    case 'dst': return dstLike(g, at);
    case 'and': b0 = wlanHostop(g, mac, 'src'); b1 = wlanHostop(g, mac, 'dst'); genAnd(b0, b1); return b1;
    case 'default': case 'or': b0 = wlanHostop(g, mac, 'src'); b1 = wlanHostop(g, mac, 'dst'); genOr(b0, b1); return b1;
    case 'addr1': return at(4);
    case 'addr2': return addr2(g, at);
    case 'addr3':
      b0 = g.mcmp('linkhdr', 0, BPF_B, 0x04, 0x0c); genNot(b0);
      b1 = at(16);
      genAnd(b0, b1);
      return b1;
    case 'addr4':
      b0 = g.mcmp('linkhdr', 1, BPF_B, 0x03, 0x03);
      b1 = at(24);
      genAnd(b0, b1);
      return b1;
    case 'ra':
      // Not present in management frames (type bit 0x08 clear); addr1 otherwise.
      b0 = jsetHdr(g, 0, 0x08);
      b1 = at(4);
      genAnd(b0, b1);
      return b1;
    case 'ta':
      b0 = jsetHdr(g, 0, 0x08);
      b1 = addr2(g, at);
      genAnd(b0, b1);
      return b1;
    default: g.error('invalid direction');
  }
}

export function wlanMulticast(g: Gen): Block {
  return dstLike(g, (offset) => g.jset(g.loadA('linkhdr', offset, BPF_B), 1));
}

/**
 * The prologue statements (insert_compute_vloffsets), or [] when nothing generated uses a
 * variable offset. Like libpcap, it works from the state at the end of the expression: after
 * `pppoes` or `geneve` the registers it fills are the current link header's and payload's (not
 * the ones the earlier tests read), and the radiotap data-pad rounding is emitted only while the
 * current link type is still 802.11 with radiotap. Those are libpcap's behaviour, kept so that
 * the programs return the same values.
 */
export function wlanPrologue(g: Gen): Stmt[] {
  const wlan = g.link.wlan;
  if (!wlan) return [];
  // The payload offset includes the radiotap length: allocate its register if needed.
  if (g.offLinkpl.reg >= 0 && g.offLinkhdr.variable && g.offLinkhdr.reg < 0) g.offLinkhdr.reg = g.allocReg();
  const s: Stmt[] = [];
  if (wlan === 'radiotap' && g.offLinkhdr.reg >= 0) {
    // The radiotap length: little-endian 16 bits at offset 2.
    s.push(stmt(BPF_LD | BPF_ABS | BPF_B, 3), stmt(BPF_ALU | BPF_LSH | BPF_K, 8), stmt(BPF_MISC | BPF_TAX),
      stmt(BPF_LD | BPF_ABS | BPF_B, 2), stmt(BPF_ALU | BPF_OR | BPF_X), stmt(BPF_ST, g.offLinkhdr.reg), stmt(BPF_MISC | BPF_TAX));
  }
  if (g.offLinkpl.reg < 0) return s;
  g.noOptimize = true;
  const reg = g.offLinkpl.reg;
  if (s.length === 0) s.push(stmt(BPF_LDX | BPF_IMM, g.offOutermostlinkhdr.constant));
  s.push(stmt(BPF_MISC | BPF_TXA), stmt(BPF_ALU | BPF_ADD | BPF_K, 24), stmt(BPF_ST, reg), stmt(BPF_LD | BPF_IND | BPF_B, 0));
  // Jumps are resolved to statement indexes at the end; -1 means "the first statement after".
  const jumps: { at: number; jt: number; jf: number }[] = [];
  const jset = (k: number): number => { s.push(stmt(BPF_JMP | BPF_JSET | BPF_K, k)); return s.length - 1; };
  const data1 = jset(0x08);
  const data2 = jset(0x04);
  const qos = jset(0x80);
  const addQos = s.length;
  s.push(stmt(BPF_LD | BPF_MEM, reg), stmt(BPF_ALU | BPF_ADD | BPF_K, 2), stmt(BPF_ST, reg));
  jumps.push({ at: data1, jt: data2, jf: -1 }, { at: data2, jt: -1, jf: qos });
  if (g.curLink === 'IEEE802_11_RADIO') {
    const present = s.length;
    s.push(stmt(BPF_LD | BPF_ABS | BPF_W, 4));
    const flags = jset(0x02000000);
    const ext = jset(0x80);
    const tsft = jset(0x01000000);
    const ld16 = s.length;
    s.push(stmt(BPF_LD | BPF_ABS | BPF_B, 16));
    const pad16 = jset(0x20);
    const ld8 = s.length;
    s.push(stmt(BPF_LD | BPF_ABS | BPF_B, 8));
    const pad8 = jset(0x20);
    const round = s.length;
    s.push(stmt(BPF_LD | BPF_MEM, reg), stmt(BPF_ALU | BPF_ADD | BPF_K, 3), stmt(BPF_ALU | BPF_AND | BPF_K, ~3 >>> 0), stmt(BPF_ST, reg));
    jumps.push({ at: qos, jt: addQos, jf: present }, { at: flags, jt: ext, jf: -1 }, { at: ext, jt: -1, jf: tsft },
      { at: tsft, jt: ld16, jf: ld8 }, { at: pad16, jt: round, jf: -1 }, { at: pad8, jt: round, jf: -1 });
  } else jumps.push({ at: qos, jt: addQos, jf: -1 });
  const end = s.length;
  for (const j of jumps) {
    const to = (t: number): number => (t < 0 ? end : t) - j.at - 1;
    s[j.at] = { ...s[j.at]!, jt: to(j.jt), jf: to(j.jf) };
  }
  return s;
}

export { BPF_IND };
