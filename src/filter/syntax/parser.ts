/**
 * A recursive-descent parser that accepts the language of libpcap 1.10's grammar.y and builds
 * the tree of ast.ts. Where the yacc grammar threads the "previous qualifiers" through `$<blk>0`
 * (so that `host a or b` means `host a or host b`), this parser passes them down explicitly.
 *
 * The language is awkward in places and this parser keeps the awkwardness on purpose: `and` and
 * `or` have the same precedence and associate left; a bare address is only allowed after
 * `and`/`or`/`not`/`(` when qualifiers are inherited; after a protocol abbreviation (`tcp and
 * 80`) the inherited qualifiers are the error qualifiers.
 */
import { FilterError } from '../errors.js';
import { tokenize, type Token } from './lexer.js';
import { QERR, type Arth, type DirQual, type Expr, type FilterAst, type IdValue, type ProtoQual, type Qualifiers, type Span, type AddrQual } from './ast.js';
import { WLAN_TYPES, WLAN_SUBTYPES } from '../names/wlan.js';

const PNAMES: Readonly<Record<string, ProtoQual>> = {
  LINK: 'link', IP: 'ip', ARP: 'arp', RARP: 'rarp', SCTP: 'sctp', TCP: 'tcp', UDP: 'udp', ICMP: 'icmp',
  IGMP: 'igmp', IGRP: 'igrp', PIM: 'pim', VRRP: 'vrrp', CARP: 'carp', ATALK: 'atalk', AARP: 'aarp',
  DECNET: 'decnet', LAT: 'lat', SCA: 'sca', MOPDL: 'mopdl', MOPRC: 'moprc', IPV6: 'ip6', ICMPV6: 'icmp6',
  AH: 'ah', ESP: 'esp', ISO: 'iso', ESIS: 'esis', ISIS: 'isis', L1: 'l1', L2: 'l2', IIH: 'iih', LSP: 'lsp',
  SNP: 'snp', PSNP: 'psnp', CSNP: 'csnp', CLNP: 'clnp', STP: 'stp', IPX: 'ipx', NETBEUI: 'netbeui', RADIO: 'radio',
};
const DQUALS: Readonly<Record<string, DirQual>> = {
  SRC: 'src', DST: 'dst', ADDR1: 'addr1', ADDR2: 'addr2', ADDR3: 'addr3', ADDR4: 'addr4', RA: 'ra', TA: 'ta',
};
const AQUALS: Readonly<Record<string, AddrQual>> = { HOST: 'host', NET: 'net', PORT: 'port', PORTRANGE: 'portrange' };
const BINOPS: Readonly<Record<string, { op: Extract<Arth, { kind: 'bin' }>['op']; prec: number }>> = {
  '|': { op: 'or', prec: 1 }, '&': { op: 'and', prec: 2 }, LSH: { op: 'lsh', prec: 3 }, RSH: { op: 'rsh', prec: 3 },
  '+': { op: 'add', prec: 4 }, '-': { op: 'sub', prec: 4 }, '*': { op: 'mul', prec: 5 }, '/': { op: 'div', prec: 5 },
  '%': { op: 'mod', prec: 6 }, '^': { op: 'xor', prec: 6 },
};
const RELOPS: Readonly<Record<string, { op: 'gt' | 'ge' | 'eq'; reversed: boolean }>> = {
  '>': { op: 'gt', reversed: false }, GEQ: { op: 'ge', reversed: false }, '=': { op: 'eq', reversed: false },
  LEQ: { op: 'gt', reversed: true }, '<': { op: 'ge', reversed: true }, NEQ: { op: 'eq', reversed: true },
};
const ATM_MTP_PF = new Set([
  'LANE', 'METAC', 'BCC', 'OAMF4EC', 'OAMF4SC', 'SC', 'ILMIC', 'OAM', 'OAMF4', 'CONNECTMSG', 'METACONNECT',
  'VPI', 'VCI', 'FISU', 'LSSU', 'MSU', 'HFISU', 'HLSSU', 'HMSU', 'SIO', 'OPC', 'DPC', 'SLS', 'HSIO', 'HOPC', 'HDPC', 'HSLS',
  'PF_IFNAME', 'PF_RSET', 'PF_RNR', 'PF_SRNR', 'PF_REASON', 'PF_ACTION',
]);

interface Node { readonly expr: Expr; readonly q: Qualifiers }

export interface ParseResult {
  readonly ast: FilterAst;
}

/** Thrown for a yacc-level syntax error; `partial` lists primitives reduced before it. */
export class FilterSyntaxError extends FilterError {
  readonly partial: readonly Expr[];
  constructor(message: string, column: number, partial: readonly Expr[]) {
    super(message, column);
    this.partial = partial;
  }
}

class Parser {
  private pos = 0;
  readonly reduced: Expr[] = [];
  constructor(private readonly toks: readonly Token[]) {}

  private get t(): Token { return this.toks[this.pos]!; }
  private peek(n = 1): Token { return this.toks[Math.min(this.pos + n, this.toks.length - 1)]!; }
  private isKw(v: string, t: Token = this.t): boolean { return t.kind === 'kw' && t.value === v; }
  private isOp(v: string, t: Token = this.t): boolean { return t.kind === 'op' && t.value === v; }
  private next(): Token { const t = this.t; if (this.pos < this.toks.length - 1) this.pos++; return t; }
  fail(t: Token = this.t): never {
    throw new FilterSyntaxError("can't parse filter expression: syntax error", t.start + 1, this.reduced);
  }
  private expectOp(v: string): Token { if (!this.isOp(v)) this.fail(); return this.next(); }
  private span(start: number): Span { return { start, end: this.toks[Math.max(this.pos - 1, 0)]!.end }; }
  private leaf<E extends Expr>(e: E): E { this.reduced.push(e); return e; }

  program(): FilterAst {
    if (this.t.kind === 'eof') return undefined;
    const n = this.expr();
    if ((this.t as Token).kind !== 'eof') this.fail();
    return n.expr;
  }

  /** expr: term | expr and term | expr and id | expr or term | expr or id */
  private expr(): Node {
    let left = this.termOrId(QERR, false);
    while (this.isKw('AND') || this.isKw('OR')) {
      const kind = this.next().value === 'AND' ? 'and' : 'or';
      const right = this.termOrId(left.q, true);
      left = { expr: { kind, left: left.expr, right: right.expr, span: { start: left.expr.span.start, end: right.expr.span.end } }, q: right.q };
    }
    return left;
  }

  private isIdStart(t: Token): boolean {
    return t.kind === 'id' || t.kind === 'hid' || t.kind === 'hid6' || t.kind === 'eid' || t.kind === 'aid';
  }

  /** Index of the token after a `pnum` (NUM or parenthesised pnum) starting at `at`, or -1. */
  private afterPnum(at: number): number {
    const t = this.toks[at]!;
    if (t.kind === 'num') return at + 1;
    if (this.isOp('(', t)) {
      const inner = this.afterPnum(at + 1);
      if (inner >= 0 && this.isOp(')', this.toks[inner]!)) return inner + 1;
    }
    return -1;
  }

  /** A term, or (when `allowId`) an id that inherits `q`. */
  private termOrId(q: Qualifiers, allowId: boolean): Node {
    const t = this.t;
    const start = t.start;
    if (this.isKw('!')) {
      this.next();
      const inner = this.termOrId(q, allowId);
      return { expr: { kind: 'not', operand: inner.expr, span: this.span(start) }, q: inner.q };
    }
    if (allowId && this.isIdStart(t)) return this.nid(q);
    if (t.kind === 'num') {
      const after = this.afterPnum(this.pos);
      const a = this.toks[after]!;
      const arithFollows = a.kind === 'op' && (RELOPS[a.value] !== undefined || BINOPS[a.value] !== undefined);
      if (allowId && !arithFollows) return this.id(q);
      return { expr: this.relation(start), q: QERR };
    }
    if (this.isOp('(')) {
      const after = this.afterPnum(this.pos);
      if (allowId && after >= 0) {
        const a = this.toks[after]!;
        const arithFollows = a.kind === 'op' && (RELOPS[a.value] !== undefined || BINOPS[a.value] !== undefined);
        if (!arithFollows) return this.id(q);
      }
      if (allowId && (this.isIdStart(this.peek()) || (this.peek().kind === 'num' && this.pidAfterParenNum()))) return this.id(q);
      if (this.parenIsArith()) return { expr: this.relation(start), q: QERR };
      this.next();
      const inner = this.expr();
      this.expectOp(')');
      return { expr: inner.expr, q };
    }
    return { expr: this.rterm(start), q: this.lastQ ?? QERR };
  }

  /** After `( NUM`: true when the number starts a qualified id list (`(80 or 81)`). */
  private pidAfterParenNum(): boolean {
    const after = this.afterPnum(this.pos + 1);
    return after >= 0 && (this.isKw('AND', this.toks[after]!) || this.isKw('OR', this.toks[after]!));
  }

  /** True when a parenthesised group at the cursor is an arithmetic operand (`(len - 1) > 2`). */
  private parenIsArith(): boolean {
    let depth = 0;
    let i = this.pos;
    for (; i < this.toks.length; i++) {
      const t = this.toks[i]!;
      if (this.isOp('(', t)) depth++;
      else if (this.isOp(')', t)) { depth--; if (depth === 0) break; }
      else if (depth === 1 && (t.kind === 'kw' && (t.value === 'AND' || t.value === 'OR' || t.value === '!'))) return false;
      else if (t.kind === 'eof') return false;
    }
    const a = this.toks[i + 1];
    if (!a) return false;
    if (a.kind === 'op' && (RELOPS[a.value] !== undefined || BINOPS[a.value] !== undefined)) return true;
    // `(ip[0] = 1)` is an expression in parentheses; `(ip[0])` alone cannot be a term.
    return false;
  }

  private lastQ: Qualifiers | undefined;

  /** rterm without the parenthesised forms. */
  private rterm(start: number): Expr {
    this.lastQ = QERR;
    const t = this.t;
    if (t.kind !== 'kw' && !(t.kind === 'op' && (t.value === '-' ))) this.fail();
    if (t.kind === 'op' || this.isKw('LEN')) return this.relation(start);
    const v = t.value;
    // head: pqual dqual aqual | pqual dqual | pqual aqual | pqual PROTO | pqual PROTOCHAIN | pqual GATEWAY
    let proto: ProtoQual = 'default';
    let save = this.pos;
    if (PNAMES[v] !== undefined) {
      proto = PNAMES[v]!;
      const n = this.peek();
      if (this.isOp('[', n)) return this.relation(start);
      this.next();
    }
    const h = this.t;
    if (h.kind === 'kw') {
      const dir = this.dqual();
      if (dir !== undefined) {
        let addr: AddrQual = 'default';
        if (this.t.kind === 'kw' && AQUALS[this.t.value] !== undefined) addr = AQUALS[this.next().value]!;
        return this.headId({ proto, dir, addr });
      }
      if (AQUALS[h.value] !== undefined) { this.next(); return this.headId({ proto, dir: 'default', addr: AQUALS[h.value]! }); }
      if (h.value === 'PROTO') { this.next(); return this.headId({ proto, dir: 'default', addr: 'proto' }); }
      if (h.value === 'PROTOCHAIN') { this.next(); return this.headId({ proto, dir: 'default', addr: 'protochain' }); }
      if (h.value === 'GATEWAY') { this.next(); return this.headId({ proto, dir: 'default', addr: 'gateway' }); }
      if (h.value === 'TK_BROADCAST' || h.value === 'TK_MULTICAST') {
        this.next();
        return this.leaf({ kind: h.value === 'TK_BROADCAST' ? 'broadcast' : 'multicast', proto, span: this.span(start) });
      }
      if (h.value === 'TYPE' || h.value === 'SUBTYPE' || h.value === 'DIR') return this.p80211(start);
    }
    if (proto !== 'default' || PNAMES[v] !== undefined) {
      // A bare protocol name.
      return this.leaf({ kind: 'proto', proto, span: this.span(start) });
    }
    this.pos = save;
    return this.other(start);
  }

  private dqual(): DirQual | undefined {
    const t = this.t;
    if (t.kind !== 'kw') return undefined;
    if (t.value === 'SRC' || t.value === 'DST') {
      this.next();
      const n = this.t;
      const other = t.value === 'SRC' ? 'DST' : 'SRC';
      if ((this.isKw('OR', n) || this.isKw('AND', n)) && this.isKw(other, this.peek())) {
        this.next(); this.next();
        return n.value === 'OR' ? 'or' : 'and';
      }
      return DQUALS[t.value];
    }
    if (DQUALS[t.value] !== undefined) { this.next(); return DQUALS[t.value]; }
    return undefined;
  }

  private headId(q: Qualifiers): Expr {
    const n = this.id(q);
    this.lastQ = n.q;
    return n.expr;
  }

  /** id: nid | pnum | paren pid ')' */
  private id(q: Qualifiers): Node {
    const start = this.t.start;
    if (this.isKw('!')) {
      this.next();
      const inner = this.id(q);
      return { expr: { kind: 'not', operand: inner.expr, span: this.span(start) }, q: inner.q };
    }
    if (this.t.kind === 'num') {
      const v = this.next().num;
      return { expr: this.leaf({ kind: 'id', q, value: { type: 'num', value: v }, span: this.span(start) }), q };
    }
    if (this.isOp('(')) {
      // paren pnum ')' is an id; paren pid ')' is a list of ids.
      const after = this.afterPnum(this.pos);
      if (after >= 0 && !this.isKw('AND', this.toks[after - 1]!) ) {
        const lastIsClose = this.isOp(')', this.toks[after - 1]!);
        if (lastIsClose && this.afterPnum(this.pos + 1) === after - 1) {
          this.next();
          const inner = this.id(q);
          this.expectOp(')');
          return inner;
        }
      }
      this.next();
      const inner = this.pid(q);
      this.expectOp(')');
      return inner;
    }
    return this.nid(q);
  }

  /** pid: nid | qid and id | qid or id   (qid: pnum | pid) */
  private pid(q: Qualifiers): Node {
    let left: Node;
    if (this.t.kind === 'num') {
      const n = this.peek();
      if (!this.isKw('AND', n) && !this.isKw('OR', n)) this.fail(n);
      left = this.id(q);
    } else left = this.nid(q);
    while (this.isKw('AND') || this.isKw('OR')) {
      const kind = this.next().value === 'AND' ? 'and' : 'or';
      const right = this.id(left.q);
      left = { expr: { kind, left: left.expr, right: right.expr, span: { start: left.expr.span.start, end: right.expr.span.end } }, q: right.q };
    }
    return left;
  }

  private nid(q: Qualifiers): Node {
    const t = this.t;
    const start = t.start;
    if (this.isKw('!')) {
      this.next();
      const inner = this.id(q);
      return { expr: { kind: 'not', operand: inner.expr, span: this.span(start) }, q: inner.q };
    }
    let value: IdValue;
    if (t.kind === 'id') { this.next(); value = { type: 'name', name: t.value }; }
    else if (t.kind === 'hid') {
      this.next();
      if (this.isOp('/') && this.peek().kind === 'num') {
        this.next();
        const len = this.next().num;
        this.checkAddrQual(q, 'IP address and prefix length', start);
        value = { type: 'ipv4-prefix', text: t.text, prefix: len };
      } else if (this.isKw('NETMASK') && this.peek().kind === 'hid') {
        this.next();
        const m = this.next().text;
        this.checkAddrQual(q, 'IP address and netmask', start);
        value = { type: 'ipv4-mask', text: t.text, mask: m };
      } else {
        this.checkAddrQual(q, 'IP address', start);
        value = { type: 'ipv4', text: t.text };
      }
    } else if (t.kind === 'hid6') {
      this.next();
      if (this.isOp('/') && this.peek().kind === 'num') {
        this.next();
        const len = this.next().num;
        this.checkAddrQual(q, 'IP address and prefix length', start, "'proto' modifier applied to IP address and prefix length ");
        value = { type: 'ipv6', text: t.text, prefix: len };
      } else {
        this.checkAddrQual(q, 'IP address', start, "'proto' modifier applied to 'ip6addr/prefixlen");
        value = { type: 'ipv6', text: t.text, prefix: 128 };
      }
    } else if (t.kind === 'eid') { this.next(); value = { type: 'mac', text: t.text }; }
    else if (t.kind === 'aid') { this.next(); value = { type: 'arcnet', text: t.text }; }
    else this.fail();
    return { expr: this.leaf({ kind: 'id', q, value, span: this.span(start) }), q };
  }

  private checkAddrQual(q: Qualifiers, what: string, start: number, protoMsg?: string): void {
    const msg =
      q.addr === 'port' ? `'port' modifier applied to ${what}` :
      q.addr === 'portrange' ? `'portrange' modifier applied to ${what}` :
      q.addr === 'proto' ? protoMsg ?? `'proto' modifier applied to ${what}` :
      q.addr === 'protochain' ? `'protochain' modifier applied to ${what}` : undefined;
    if (msg) throw new FilterError(msg, start + 1);
  }

  /** arth relop arth | arth irelop arth */
  private relation(start: number): Expr {
    this.lastQ = QERR;
    const left = this.arth(0);
    const t = this.t;
    const rel = t.kind === 'op' ? RELOPS[t.value] : undefined;
    if (!rel) this.fail();
    this.next();
    const right = this.arth(0);
    return this.leaf({ kind: 'relation', op: rel.op, reversed: rel.reversed, left, right, span: this.span(start) });
  }

  /** Precedence climbing over grammar.y's %left declarations. */
  private arth(minPrec: number): Arth {
    let left = this.arthPrimary();
    for (;;) {
      const t = this.t;
      const b = t.kind === 'op' ? BINOPS[t.value] : undefined;
      // '%' and '^' have no declared precedence: bison shifts them always, so they bind
      // everything to their right (`a / b % c` is `a / (b % c)`).
      const loose = b !== undefined && (b.op === 'mod' || b.op === 'xor');
      if (!b || (!loose && b.prec < minPrec)) break;
      this.next();
      const right = this.arth(loose ? 0 : b.prec + 1);
      left = { kind: 'bin', op: b.op, left, right };
    }
    return left;
  }

  private arthPrimary(): Arth {
    const t = this.t;
    if (t.kind === 'num') { this.next(); return { kind: 'num', value: t.num }; }
    if (this.isKw('LEN')) { this.next(); return { kind: 'len' }; }
    if (this.isOp('-')) { this.next(); return { kind: 'neg', operand: this.arth(6) }; }
    if (this.isOp('(')) {
      this.next();
      const inner = this.arth(0);
      this.expectOp(')');
      return inner;
    }
    if (t.kind === 'kw' && PNAMES[t.value] !== undefined && this.isOp('[', this.peek())) {
      const proto = PNAMES[this.next().value]!;
      this.next();
      const index = this.arth(0);
      let size = 1;
      if (this.isOp(':')) {
        this.next();
        if (this.t.kind !== 'num') this.fail();
        size = this.next().num;
      }
      this.expectOp(']');
      return { kind: 'load', proto, index, size };
    }
    this.fail();
  }

  private pnum(): number {
    if (this.t.kind === 'num') return this.next().num;
    if (this.isOp('(')) { this.next(); const v = this.pnum(); this.expectOp(')'); return v; }
    this.fail();
  }
  private optPnum(): number | undefined {
    if (this.t.kind === 'num' || (this.isOp('(') && this.afterPnum(this.pos) >= 0)) return this.pnum();
    return undefined;
  }
  private num(): number { if (this.t.kind !== 'num') this.fail(); return this.next().num; }

  private p80211(start: number): Expr {
    const t = this.next();
    if (t.value === 'DIR') {
      const d = this.t;
      let v: number;
      if (d.kind === 'num') v = this.next().num;
      else if (d.kind === 'id') {
        this.next();
        const names: Record<string, number> = { nods: 0, tods: 1, fromds: 2, dstods: 3 };
        const k = d.value.toLowerCase();
        if (names[k] === undefined) throw new FilterError('unknown 802.11 direction', d.start + 1);
        v = names[k]!;
      } else this.fail();
      return this.leaf({ kind: 'wlan-dir', value: v, span: this.span(start) });
    }
    if (t.value === 'SUBTYPE') {
      const s = this.t;
      if (s.kind !== 'id') this.fail();
      this.next();
      for (const [type, subs] of WLAN_SUBTYPES) {
        const v = subs[s.value.toLowerCase()];
        if (v !== undefined) return this.leaf({ kind: 'wlan-type', value: v | type, mask: 0xfc, span: this.span(start) });
      }
      throw new FilterError('unknown 802.11 type name', s.start + 1);
    }
    // TYPE type [SUBTYPE subtype]
    const ty = this.t;
    let type: number;
    if (ty.kind === 'num') {
      type = this.next().num;
      if ((type & ~0x0c) !== 0) throw new FilterError(`invalid 802.11 type value 0x${type.toString(16).padStart(2, '0')}`, ty.start + 1);
    } else if (ty.kind === 'id') {
      this.next();
      const v = WLAN_TYPES[ty.value.toLowerCase()];
      if (v === undefined) throw new FilterError(`unknown 802.11 type name "${ty.value}"`, ty.start + 1);
      type = v;
    } else this.fail();
    if (!this.isKw('SUBTYPE')) return this.leaf({ kind: 'wlan-type', value: type, mask: 0x0c, span: this.span(start) });
    this.next();
    const st = this.t;
    let sub: number;
    if (st.kind === 'num') {
      sub = this.next().num;
      if ((sub & ~0xf0) !== 0) throw new FilterError(`invalid 802.11 subtype value 0x${sub.toString(16).padStart(2, '0')}`, st.start + 1);
    } else if (st.kind === 'id') {
      this.next();
      const subs = WLAN_SUBTYPES.find(([tv]) => tv === type)?.[1];
      if (!subs) throw new FilterError('unknown 802.11 type', st.start + 1);
      const v = subs[st.value.toLowerCase()];
      if (v === undefined) throw new FilterError(`unknown 802.11 subtype name "${st.value}"`, st.start + 1);
      sub = v;
    } else this.fail();
    return this.leaf({ kind: 'wlan-type', value: type | sub, mask: 0xfc, span: this.span(start) });
  }

  private other(start: number): Expr {
    const t = this.next();
    switch (t.value) {
      case 'LESS': case 'GREATER': {
        const value = this.num();
        return this.leaf({ kind: t.value === 'LESS' ? 'less' : 'greater', value, span: this.span(start) });
      }
      case 'CBYTE': {
        const index = this.num();
        const o = this.t;
        if (!(o.kind === 'op' && ['&', '|', '<', '>', '='].includes(o.value))) this.fail();
        this.next();
        const value = this.num();
        return this.leaf({ kind: 'byte', index, op: o.value, value, span: this.span(start) });
      }
      case 'INBOUND': return this.leaf({ kind: 'inbound', span: this.span(start) });
      case 'OUTBOUND': return this.leaf({ kind: 'outbound', span: this.span(start) });
      case 'IFINDEX': { const value = this.num(); return this.leaf({ kind: 'ifindex', value, span: this.span(start) }); }
      case 'VLAN': case 'MPLS': case 'PPPOES': case 'GENEVE': {
        const value = this.optPnum();
        const kind = t.value.toLowerCase() as 'vlan' | 'mpls' | 'pppoes' | 'geneve';
        return this.leaf({ kind, value, span: this.span(start) });
      }
      case 'PPPOED': return this.leaf({ kind: 'pppoed', span: this.span(start) });
      case 'LLC': {
        let subtype: string | undefined;
        if (this.t.kind === 'id') subtype = this.next().value;
        else if (this.isKw('PF_RNR')) { this.next(); subtype = 'rnr'; }
        return this.leaf({ kind: 'llc', subtype, span: this.span(start) });
      }
      default:
        if (ATM_MTP_PF.has(t.value)) {
          // Operands are parsed loosely; these primitives are rejected by the link-type check.
          while (this.t.kind === 'num' || this.t.kind === 'id' || (this.t.kind === 'op' && RELOPS[this.t.value])) this.next();
          return this.leaf({ kind: 'unsupported', what: t.value, span: this.span(start) });
        }
        this.fail(t);
    }
  }
}

export function parseFilter(source: string): FilterAst {
  return new Parser(tokenize(source)).program();
}
