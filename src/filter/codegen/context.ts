/**
 * The state of one compilation (libpcap's compiler_state): the block factory, the link-layer
 * state (current link type and the link header / type field / payload offsets, which `vlan`,
 * `mpls`, `pppoes` and `geneve` change as the expression is read left to right), the
 * scratch-register allocator, and the caller's options. Also the low-level generators every
 * protocol family uses: loads relative to a layer, comparisons, byte-string comparisons.
 */
import {
  BPF_ABS, BPF_ALU, BPF_AND, BPF_B, BPF_H, BPF_IND, BPF_JEQ, BPF_JGE, BPF_JGT, BPF_JSET, BPF_LD,
  BPF_LDX, BPF_MSH, BPF_W, BPF_K, BPF_MEMWORDS, BPF_MEM, BPF_LSH, BPF_ADD, BPF_X, BPF_MISC, BPF_TAX,
} from '../../cbpf/opcodes.js';
import { FilterError } from '../errors.js';
import { Block, BlockFactory, genAnd, genNot, stmt, type Stmt } from '../ir/block.js';
import type { LinkTypeInfo } from './link-types.js';
import type { NameResolver } from '../names/resolver.js';

/** Where an offset is relative to (libpcap's enum e_offrel). */
export type OffRel = 'packet' | 'linkhdr' | 'prevlinkhdr' | 'llc' | 'prevmplshdr' | 'linktype' | 'linkpl' | 'linkpl-nosnap' | 'tran-ipv4' | 'tran-ipv6';

/**
 * libpcap's bpf_abs_offset: an absolute offset that is a constant, or a variable part (held in
 * a scratch register, allocated on first use and filled by code placed at the start of the
 * program or by `geneve`) plus a constant.
 */
export interface AbsOffset { variable: boolean; constant: number; reg: number }

/** libpcap's OFFSET_NOT_SET: the link type has no such field. */
export const OFFSET_NOT_SET = 0xffffffff;

export interface GenOptions {
  readonly link: LinkTypeInfo;
  readonly snaplen: number;
  readonly netmask: number;
  readonly resolver: NameResolver;
}

const WLAN_LINKS: ReadonlySet<string> = new Set(['IEEE802_11', 'IEEE802_11_RADIO']);

export class Gen {
  readonly f = new BlockFactory();
  readonly link: LinkTypeInfo;
  readonly resolver: NameResolver;
  readonly netmask: number;
  readonly snaplen: number;
  /**
   * The link-layer state as libpcap's compiler_state keeps it: the DLT whose rules apply now
   * (`pppoes` switches to PPP, `geneve` to Ethernet), the previous one, and the offsets, which
   * `vlan`, `mpls`, `pppoes` and `geneve` change as the expression is read left to right.
   */
  curLink: string;
  prevLink: string;
  readonly outermostLink: string;
  offLinkhdr: AbsOffset;
  offPrevlinkhdr: AbsOffset;
  readonly offOutermostlinkhdr: AbsOffset;
  offLinkpl: AbsOffset;
  offLinktype: AbsOffset;
  offNl: number;
  offNlNosnap: number;
  /** `geneve` was seen (reset by a later link-header push, as libpcap's is_geneve). */
  isGeneve = false;
  labelStackDepth = 0;
  vlanStackDepth = 0;
  /** Set when a statement list with jumps inside it is emitted: libpcap then skips its optimizer. */
  noOptimize = false;
  private readonly regused = new Array<boolean>(BPF_MEMWORDS).fill(false);
  private curreg = 0;

  constructor(o: GenOptions) {
    this.link = o.link;
    this.resolver = o.resolver;
    this.netmask = o.netmask;
    this.snaplen = o.snaplen;
    this.curLink = this.prevLink = this.outermostLink = o.link.name;
    this.offLinkhdr = { variable: o.link.wlan === 'radiotap', constant: 0, reg: -1 };
    this.offPrevlinkhdr = { ...this.offLinkhdr };
    this.offOutermostlinkhdr = { ...this.offLinkhdr };
    this.offLinkpl = { variable: o.link.wlan !== undefined, constant: o.link.offLinkpl, reg: -1 };
    this.offLinktype = { variable: false, constant: o.link.offLinktype ?? OFFSET_NOT_SET, reg: -1 };
    this.offNl = o.link.offNl;
    this.offNlNosnap = o.link.offNlNosnap;
  }

  /** The current link type is 802.11 (with or without radiotap). */
  get isWlan(): boolean { return WLAN_LINKS.has(this.curLink); }
  /** The link type has no type field (raw IP). */
  get noLinktype(): boolean { return this.offLinktype.constant === OFFSET_NOT_SET; }

  error(message: string): never { throw new FilterError(message); }

  allocReg(): number {
    for (let n = BPF_MEMWORDS; n > 0; n--) {
      if (this.regused[this.curreg]) this.curreg = (this.curreg + 1) % BPF_MEMWORDS;
      else { this.regused[this.curreg] = true; return this.curreg; }
    }
    this.error('too many registers needed to evaluate expression');
  }
  freeReg(n: number): void { this.regused[n] = false; }

  /** PUSH_LINKHDR: a new link header (and link type) inside the current one. */
  pushLinkhdr(link: string, variable: boolean, constant: number, reg: number): void {
    this.prevLink = this.curLink;
    this.offPrevlinkhdr = { ...this.offLinkhdr };
    this.curLink = link;
    this.offLinkhdr = { variable, constant, reg };
    this.isGeneve = false;
  }

  /** gen_abs_offset_varpart: `ldx M[reg]` for a variable offset (allocating the register once). */
  varpart(off: AbsOffset): Stmt[] {
    if (!off.variable) return [];
    if (off.reg < 0) off.reg = this.allocReg();
    return [stmt(BPF_LDX | BPF_MEM, off.reg)];
  }

  /** gen_load_absoffsetrel. */
  private loadAbs(off: AbsOffset, offset: number, size: number): Stmt[] {
    const v = this.varpart(off);
    const k = (off.constant + offset) >>> 0;
    return v.length > 0 ? [...v, stmt(BPF_LD | BPF_IND | size, k)] : [stmt(BPF_LD | BPF_ABS | size, k)];
  }

  /** gen_load_a: statements leaving the field in A. */
  loadA(rel: OffRel, offset: number, size: number): Stmt[] {
    switch (rel) {
      case 'packet': return [stmt(BPF_LD | BPF_ABS | size, offset >>> 0)];
      case 'linkhdr': return this.loadAbs(this.offLinkhdr, offset, size);
      case 'prevlinkhdr': return this.loadAbs(this.offPrevlinkhdr, offset, size);
      case 'llc': return this.loadAbs(this.offLinkpl, offset, size);
      case 'prevmplshdr': return this.loadAbs(this.offLinkpl, this.offNl - 4 + offset, size);
      case 'linkpl': return this.loadAbs(this.offLinkpl, this.offNl + offset, size);
      case 'linkpl-nosnap': return this.loadAbs(this.offLinkpl, this.offNlNosnap + offset, size);
      case 'linktype': return this.loadAbs(this.offLinktype, offset, size);
      case 'tran-ipv4': return [...this.loadxIphdrlen(), stmt(BPF_LD | BPF_IND | size, (this.offLinkpl.constant + this.offNl + offset) >>> 0)];
      case 'tran-ipv6': return this.loadAbs(this.offLinkpl, this.offNl + 40 + offset, size);
    }
  }

  /** gen_loadx_iphdrlen: X = IPv4 header length (plus the variable payload offset). */
  loadxIphdrlen(): Stmt[] {
    const v = this.varpart(this.offLinkpl);
    const k = this.offLinkpl.constant + this.offNl;
    if (v.length > 0) {
      return [...v, stmt(BPF_LD | BPF_IND | BPF_B, k), stmt(BPF_ALU | BPF_AND | BPF_K, 0xf),
        stmt(BPF_ALU | BPF_LSH | BPF_K, 2), stmt(BPF_ALU | BPF_ADD | BPF_X), stmt(BPF_MISC | BPF_TAX)];
    }
    return [stmt(BPF_LDX | BPF_MSH | BPF_B, k)];
  }

  /** gen_ncmp: `(field & mask) jtype v`, negated for the reversed > / >= forms. */
  ncmp(rel: OffRel, offset: number, size: number, mask: number, jtype: number, reverse: boolean, v: number): Block {
    const s = this.loadA(rel, offset, size);
    if (mask >>> 0 !== 0xffffffff) s.push(stmt(BPF_ALU | BPF_AND | BPF_K, mask >>> 0));
    const b = this.f.jump(jtype, v >>> 0, s);
    if (reverse && (jtype === BPF_JGT || jtype === BPF_JGE)) genNot(b);
    return b;
  }
  cmp(rel: OffRel, offset: number, size: number, v: number): Block { return this.ncmp(rel, offset, size, 0xffffffff, BPF_JEQ, false, v); }
  cmpGt(rel: OffRel, offset: number, size: number, v: number): Block { return this.ncmp(rel, offset, size, 0xffffffff, BPF_JGT, false, v); }
  cmpGe(rel: OffRel, offset: number, size: number, v: number): Block { return this.ncmp(rel, offset, size, 0xffffffff, BPF_JGE, false, v); }
  cmpLt(rel: OffRel, offset: number, size: number, v: number): Block { return this.ncmp(rel, offset, size, 0xffffffff, BPF_JGE, true, v); }
  cmpLe(rel: OffRel, offset: number, size: number, v: number): Block { return this.ncmp(rel, offset, size, 0xffffffff, BPF_JGT, true, v); }
  mcmp(rel: OffRel, offset: number, size: number, v: number, mask: number): Block { return this.ncmp(rel, offset, size, mask, BPF_JEQ, false, v); }

  /** gen_bcmp: compares a byte string, last word first. */
  bcmp(rel: OffRel, offset: number, bytes: Uint8Array): Block {
    let size = bytes.length;
    let b: Block | undefined;
    const and = (tmp: Block): void => { if (b) genAnd(b, tmp); b = tmp; };
    while (size >= 4) {
      const p = size - 4;
      const w = ((bytes[p]! << 24) | (bytes[p + 1]! << 16) | (bytes[p + 2]! << 8) | bytes[p + 3]!) >>> 0;
      and(this.cmp(rel, offset + p, BPF_W, w));
      size -= 4;
    }
    while (size >= 2) {
      const p = size - 2;
      and(this.cmp(rel, offset + p, BPF_H, (bytes[p]! << 8) | bytes[p + 1]!));
      size -= 2;
    }
    if (size > 0) and(this.cmp(rel, offset, BPF_B, bytes[0]!));
    return b!;
  }

  /** gen_jset-style single-bit test block: `A & k` nonzero. */
  jset(stmts: Stmt[], k: number): Block { return this.f.jump(BPF_JSET, k >>> 0, stmts); }

  genTrue(): Block { return this.f.uncond(true); }
  genFalse(): Block { return this.f.uncond(false); }
}
