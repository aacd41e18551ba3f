/**
 * The state of one compilation (libpcap's compiler_state): the block factory, the link-type
 * offsets (which `vlan`, `mpls` and `pppoes` shift as the expression is read left to right), the
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

export interface GenOptions {
  readonly link: LinkTypeInfo;
  readonly snaplen: number;
  readonly netmask: number;
  readonly resolver: NameResolver;
}

export class Gen {
  readonly f = new BlockFactory();
  readonly link: LinkTypeInfo;
  readonly resolver: NameResolver;
  readonly netmask: number;
  readonly snaplen: number;
  offLinktype: number | undefined;
  offLinkpl: number;
  offNl: number;
  offNlNosnap: number;
  /** The DLT whose link-type rules apply now (`pppoes` switches to PPP). */
  curLink: string;
  labelStackDepth = 0;
  vlanStackDepth = 0;
  private readonly regused = new Array<boolean>(BPF_MEMWORDS).fill(false);
  private curreg = 0;

  constructor(o: GenOptions) {
    this.link = o.link;
    this.resolver = o.resolver;
    this.netmask = o.netmask;
    this.snaplen = o.snaplen;
    this.curLink = o.link.name;
    this.offLinktype = o.link.offLinktype;
    this.offLinkpl = o.link.offLinkpl;
    this.offNl = o.link.offNl;
    this.offNlNosnap = o.link.offNlNosnap;
  }

  get linkName(): string { return this.link.name; }

  error(message: string): never { throw new FilterError(message); }

  allocReg(): number {
    for (let n = BPF_MEMWORDS; n > 0; n--) {
      if (this.regused[this.curreg]) this.curreg = (this.curreg + 1) % BPF_MEMWORDS;
      else { this.regused[this.curreg] = true; return this.curreg; }
    }
    this.error('too many registers needed to evaluate expression');
  }
  freeReg(n: number): void { this.regused[n] = false; }

  /** Register holding the variable part of the link-header offset (radiotap length), or -1. */
  linkhdrReg = -1;
  /** Register holding the variable part of the payload offset (802.11 header length), or -1. */
  linkplReg = -1;
  /** Set when the 802.11 prologue (with jumps inside a block) is emitted: libpcap then skips its optimizer. */
  noOptimize = false;

  /** After `geneve`: the inner frame's offsets live in registers (set by the geneve code). */
  geneve = false;
  linktypeReg = -1;

  get linkhdrVariable(): boolean { return this.link.wlan === 'radiotap' || this.geneve; }
  get linkplVariable(): boolean { return this.link.wlan !== undefined || this.geneve; }

  /** gen_abs_offset_varpart: `ldx M[reg]` for a variable offset (allocating the register once). */
  varpart(which: 'linkhdr' | 'linkpl' | 'linktype'): Stmt[] {
    if (which === 'linktype') return [stmt(BPF_LDX | BPF_MEM, this.linktypeReg)];
    if (which === 'linkhdr') {
      if (!this.linkhdrVariable) return [];
      if (this.linkhdrReg < 0) this.linkhdrReg = this.allocReg();
      return [stmt(BPF_LDX | BPF_MEM, this.linkhdrReg)];
    }
    if (!this.linkplVariable) return [];
    if (this.linkplReg < 0) this.linkplReg = this.allocReg();
    return [stmt(BPF_LDX | BPF_MEM, this.linkplReg)];
  }

  /** Which offset a layer is relative to, and the constant part. */
  private base(rel: OffRel): [varOf: 'linkhdr' | 'linkpl' | 'linktype' | undefined, constant: number] {
    switch (rel) {
      case 'packet': return [undefined, 0];
      case 'linkhdr': return ['linkhdr', 0];
      case 'prevlinkhdr': return ['linkhdr', 0];
      case 'llc': return ['linkpl', this.offLinkpl];
      case 'prevmplshdr': return ['linkpl', this.offLinkpl + this.offNl - 4];
      case 'linktype':
        if (this.offLinktype === undefined) this.error('link type has no type field');
        if (this.geneve) return ['linktype', this.offLinktype];
        return [this.linkplVariable ? 'linkpl' : undefined, this.offLinktype];
      case 'linkpl': return ['linkpl', this.offLinkpl + this.offNl];
      case 'linkpl-nosnap': return ['linkpl', this.offLinkpl + this.offNlNosnap];
      case 'tran-ipv6': return ['linkpl', this.offLinkpl + this.offNl + 40];
      case 'tran-ipv4': return ['linkpl', this.offLinkpl + this.offNl];
    }
  }

  /** gen_load_a: statements leaving the field in A. */
  loadA(rel: OffRel, offset: number, size: number): Stmt[] {
    const [which, constant] = this.base(rel);
    if (rel === 'tran-ipv4') return [...this.loadxIphdrlen(), stmt(BPF_LD | BPF_IND | size, constant + offset)];
    const v = which ? this.varpart(which) : [];
    if (v.length > 0) return [...v, stmt(BPF_LD | BPF_IND | size, (constant + offset) >>> 0)];
    return [stmt(BPF_LD | BPF_ABS | size, (constant + offset) >>> 0)];
  }

  /** gen_loadx_iphdrlen: X = IPv4 header length (plus the variable payload offset). */
  loadxIphdrlen(): Stmt[] {
    const v = this.varpart('linkpl');
    if (v.length > 0) {
      return [...v, stmt(BPF_LD | BPF_IND | BPF_B, this.offLinkpl + this.offNl), stmt(BPF_ALU | BPF_AND | BPF_K, 0xf),
        stmt(BPF_ALU | BPF_LSH | BPF_K, 2), stmt(BPF_ALU | BPF_ADD | BPF_X), stmt(BPF_MISC | BPF_TAX)];
    }
    return [stmt(BPF_LDX | BPF_MSH | BPF_B, this.offLinkpl + this.offNl)];
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
