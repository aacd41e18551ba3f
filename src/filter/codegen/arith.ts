/**
 * Packet-data expressions (`ip[2:2] - 4 > len`): libpcap's `struct arth`, a statement list that
 * leaves its value in a scratch register, plus the protocol test that must hold for the load
 * to make sense. The register traffic is libpcap's, so the unoptimized listing matches.
 */
import {
  BPF_ALU, BPF_ADD, BPF_B, BPF_H, BPF_W, BPF_IMM, BPF_IND, BPF_JEQ, BPF_JGE, BPF_JGT, BPF_K, BPF_LD,
  BPF_LDX, BPF_LEN, BPF_MEM, BPF_MISC, BPF_NEG, BPF_ST, BPF_SUB, BPF_TAX, BPF_X, BPF_JMP,
  BPF_MUL, BPF_DIV, BPF_MOD, BPF_AND, BPF_OR, BPF_XOR, BPF_LSH, BPF_RSH,
} from '../../cbpf/opcodes.js';
import { genAnd, genNot, stmt, type Block, type Stmt } from '../ir/block.js';
import type { Gen } from './context.js';
import { genIpfrag, genProto, genProtoAbbrev, IPPROTO } from './ip.js';
import type { Arth as ArthAst, ProtoQual } from '../syntax/ast.js';

interface Arth { b: Block | undefined; s: Stmt[]; regno: number }

const ALU: Record<Extract<ArthAst, { kind: 'bin' }>['op'], number> = {
  add: BPF_ADD, sub: BPF_SUB, mul: BPF_MUL, div: BPF_DIV, mod: BPF_MOD, and: BPF_AND, or: BPF_OR, xor: BPF_XOR, lsh: BPF_LSH, rsh: BPF_RSH,
};

const xferToA = (a: Arth): Stmt => stmt(BPF_LD | BPF_MEM, a.regno);
const xferToX = (a: Arth): Stmt => stmt(BPF_LDX | BPF_MEM, a.regno);

function loadi(g: Gen, v: number): Arth {
  const reg = g.allocReg();
  return { b: undefined, s: [stmt(BPF_LD | BPF_IMM, v), stmt(BPF_ST, reg)], regno: reg };
}

function loadlen(g: Gen): Arth {
  const reg = g.allocReg();
  return { b: undefined, s: [stmt(BPF_LD | BPF_LEN), stmt(BPF_ST, reg)], regno: reg };
}

function load(g: Gen, proto: ProtoQual, inst: Arth, size: number): Arth {
  const sz = size === 1 ? BPF_B : size === 2 ? BPF_H : size === 4 ? BPF_W : g.error('data size must be 1, 2, or 4');
  const regno = g.allocReg();
  g.freeReg(inst.regno);
  switch (proto) {
    case 'link': {
      // Relative to the link header, whose constant part moves with `pppoes`.
      const v = g.varpart(g.offLinkhdr);
      if (v.length > 0) inst.s.push(...v, xferToA(inst), stmt(BPF_ALU | BPF_ADD | BPF_X), stmt(BPF_MISC | BPF_TAX));
      else inst.s.push(xferToX(inst));
      inst.s.push(stmt(BPF_LD | BPF_IND | sz, g.offLinkhdr.constant));
      break;
    }
    case 'radio': {
      // Relative to the start of the packet, on link types with a radio header.
      if (g.curLink !== 'IEEE802_11_RADIO') g.error('radio information not present in capture');
      inst.s.push(xferToX(inst), stmt(BPF_LD | BPF_IND | sz, 0));
      break;
    }
    case 'ip': case 'arp': case 'rarp': case 'atalk': case 'decnet': case 'sca': case 'lat': case 'moprc': case 'mopdl': case 'ip6': {
      const v = g.varpart(g.offLinkpl);
      if (v.length > 0) inst.s.push(...v, xferToA(inst), stmt(BPF_ALU | BPF_ADD | BPF_X), stmt(BPF_MISC | BPF_TAX));
      else inst.s.push(xferToX(inst));
      inst.s.push(stmt(BPF_LD | BPF_IND | sz, g.offLinkpl.constant + g.offNl));
      const b = genProtoAbbrev(g, proto);
      if (inst.b) genAnd(inst.b, b);
      inst.b = b;
      break;
    }
    case 'sctp': case 'tcp': case 'udp': case 'icmp': case 'igmp': case 'igrp': case 'pim': case 'vrrp': case 'carp': {
      inst.s.push(...g.loadxIphdrlen(), xferToA(inst), stmt(BPF_ALU | BPF_ADD | BPF_X), stmt(BPF_MISC | BPF_TAX), stmt(BPF_LD | BPF_IND | sz, g.offLinkpl.constant + g.offNl));
      const b = genIpfrag(g);
      genAnd(genProtoAbbrev(g, proto), b);
      if (inst.b) genAnd(inst.b, b);
      genAnd(genProtoAbbrev(g, 'ip'), b);
      inst.b = b;
      break;
    }
    case 'icmp6': {
      let b = genProtoAbbrev(g, 'ip6');
      if (inst.b) genAnd(inst.b, b);
      inst.b = b;
      b = g.cmp('linkpl', 6, BPF_B, IPPROTO.ICMPV6);
      genAnd(inst.b, b);
      inst.b = b;
      const v = g.varpart(g.offLinkpl);
      if (v.length > 0) inst.s.push(...v, xferToA(inst), stmt(BPF_ALU | BPF_ADD | BPF_X), stmt(BPF_MISC | BPF_TAX));
      else inst.s.push(xferToX(inst));
      inst.s.push(stmt(BPF_LD | BPF_IND | sz, g.offLinkpl.constant + g.offNl + 40));
      break;
    }
    default: g.error('unsupported index operation');
  }
  inst.regno = regno;
  inst.s.push(stmt(BPF_ST, regno));
  return inst;
}

function arth(g: Gen, a0: Arth, a1: Arth, op: number): Arth {
  const c = a1.s[0];
  const isConst = a1.s.length === 2 && c !== undefined && c.code === (BPF_LD | BPF_IMM);
  if (isConst && c.k === 0 && op === BPF_DIV) g.error('division by zero');
  if (isConst && c.k === 0 && op === BPF_MOD) g.error('modulus by zero');
  if (isConst && c.k > 31 && (op === BPF_LSH || op === BPF_RSH)) g.error('shift by more than 31 bits');
  a0.s.push(...a1.s, xferToX(a1), xferToA(a0), stmt(BPF_ALU | BPF_X | op));
  g.freeReg(a0.regno);
  g.freeReg(a1.regno);
  a0.regno = g.allocReg();
  a0.s.push(stmt(BPF_ST, a0.regno));
  return a0;
}

function neg(g: Gen, a: Arth): Arth {
  a.s.push(xferToA(a), stmt(BPF_ALU | BPF_NEG), stmt(BPF_ST, a.regno));
  return a;
}

export function genArth(g: Gen, e: ArthAst): Arth {
  switch (e.kind) {
    case 'num': return loadi(g, e.value);
    case 'len': return loadlen(g);
    case 'load': return load(g, e.proto, genArth(g, e.index), e.size);
    case 'neg': return neg(g, genArth(g, e.operand));
    case 'bin': {
      const a0 = genArth(g, e.left);
      const a1 = genArth(g, e.right);
      return arth(g, a0, a1, ALU[e.op]);
    }
  }
}

/** gen_relation. */
export function genRelation(g: Gen, op: 'gt' | 'ge' | 'eq', left: ArthAst, right: ArthAst, reversed: boolean): Block {
  const a0 = genArth(g, left);
  const a1 = genArth(g, right);
  const code = op === 'gt' ? BPF_JGT : op === 'ge' ? BPF_JGE : BPF_JEQ;
  const s: Stmt[] = [...a0.s, ...a1.s, xferToX(a1), xferToA(a0)];
  let b: Block;
  if (code === BPF_JEQ) {
    s.push(stmt(BPF_ALU | BPF_SUB | BPF_X));
    b = g.f.jump(code, 0, s);
  } else {
    b = g.f.block(BPF_JMP | code | BPF_X, 0);
    b.stmts = s;
  }
  if (reversed) genNot(b);
  g.freeReg(a0.regno);
  g.freeReg(a1.regno);
  let tmp: Block | undefined;
  if (a0.b) {
    if (a1.b) { genAnd(a0.b, a1.b); tmp = a1.b; } else tmp = a0.b;
  } else tmp = a1.b;
  if (tmp) genAnd(tmp, b);
  return b;
}

/** `less N` / `greater N`. */
export function genLen(g: Gen, jmp: 'gt' | 'ge', n: number): Block {
  return g.f.jump(jmp === 'gt' ? BPF_JGT : BPF_JGE, n, [stmt(BPF_LD | BPF_LEN)]);
}

/** `byte N op V` (link-relative byte). */
export function genByteop(g: Gen, op: string, idx: number, val: number): Block {
  switch (op) {
    case '=': return g.cmp('linkhdr', idx, BPF_B, val);
    case '<': return g.cmpLt('linkhdr', idx, BPF_B, val);
    case '>': return g.cmpGt('linkhdr', idx, BPF_B, val);
  }
  // libpcap emits the ALU operation without loading the byte first; kept for equivalence.
  const b = g.f.jump(BPF_JEQ, 0, [stmt(BPF_ALU | (op === '|' ? BPF_OR : BPF_AND) | BPF_K, val)]);
  genNot(b);
  return b;
}

export { genProto };
