/**
 * `geneve [vni]`: UDP port 6081 over IPv4 or IPv6, version 0, optionally the VNI; afterwards
 * the link header, type field and payload of the encapsulated frame are at offsets computed at
 * run time into scratch registers (libpcap's gen_geneve and gen_geneve_offsets).
 */
import { BPF_ADD, BPF_ALU, BPF_AND, BPF_B, BPF_H, BPF_IMM, BPF_IND, BPF_JEQ, BPF_JMP, BPF_K, BPF_LD, BPF_LDX, BPF_MEM, BPF_MISC, BPF_MUL, BPF_ST, BPF_STX, BPF_TAX, BPF_TXA, BPF_W, BPF_X } from '../../cbpf/opcodes.js';
import { genAnd, genOr, stmt, type Block, type Stmt } from '../ir/block.js';
import type { Gen } from './context.js';
import { genPortOnly, IPPROTO } from './ip.js';

const GENEVE_PORT = 6081;

function check(g: Gen, v6: boolean, vni: number | undefined): Block {
  let b0 = genPortOnly(g, GENEVE_PORT, IPPROTO.UDP, 'dst', v6);
  const rel = v6 ? 'tran-ipv6' : 'tran-ipv4';
  let b1 = g.mcmp(rel, 8, BPF_B, 0, 0xc0);
  genAnd(b0, b1);
  b0 = b1;
  if (vni !== undefined) {
    if (vni > 0xffffff) g.error(`Geneve VNI ${vni} greater than maximum 16777215`);
    b1 = g.mcmp(rel, 12, BPF_W, (vni << 8) >>> 0, 0xffffff00);
    genAnd(b0, b1);
    b0 = b1;
  }
  return b0;
}

export function genGeneve(g: Gen, vni: number | undefined): Block {
  // IPv4: A = IP header length (an always-true `jeq x` block carries the statements).
  let b0 = check(g, false, vni);
  let b1 = g.f.block(BPF_JMP | BPF_JEQ | BPF_X, 0);
  b1.stmts = [...g.loadxIphdrlen(), stmt(BPF_MISC | BPF_TXA)];
  genAnd(b0, b1);
  const v4 = b1;
  b0 = check(g, true, vni);
  const v = g.varpart(g.offLinkpl);
  const s6: Stmt[] = v.length > 0 ? [...v, stmt(BPF_LD | BPF_IMM, 40), stmt(BPF_ALU | BPF_ADD | BPF_X)] : [stmt(BPF_LD | BPF_IMM, 40)];
  b1 = g.f.block(BPF_JMP | BPF_JEQ | BPF_X, 0);
  b1.stmts = [...s6, stmt(BPF_MISC | BPF_TAX)];
  genAnd(b0, b1);
  genOr(v4, b1);
  b0 = b1;
  // The offsets of the inner frame (gen_geneve_offsets), computed when the checks above pass:
  // the type field, then the link header (a new one, Ethernet, libpcap's PUSH_LINKHDR), then the
  // payload, each in a fresh register, allocated in that order.
  const s: Stmt[] = [stmt(BPF_ALU | BPF_ADD | BPF_K, g.offLinkpl.constant + g.offNl + 8), stmt(BPF_MISC | BPF_TAX), stmt(BPF_ALU | BPF_ADD | BPF_K, 2)];
  g.offLinktype = { variable: true, constant: 0, reg: g.allocReg() };
  s.push(stmt(BPF_ST, g.offLinktype.reg), stmt(BPF_LD | BPF_IND | BPF_B, 0), stmt(BPF_ALU | BPF_AND | BPF_K, 0x3f),
    stmt(BPF_ALU | BPF_MUL | BPF_K, 4), stmt(BPF_ALU | BPF_ADD | BPF_K, 8), stmt(BPF_ALU | BPF_ADD | BPF_X));
  g.pushLinkhdr('EN10MB', true, 0, g.allocReg());
  s.push(stmt(BPF_ST, g.offLinkhdr.reg), stmt(BPF_LD | BPF_IND | BPF_H, 2), stmt(BPF_LDX | BPF_MEM, g.offLinkhdr.reg));
  // Transparent Ethernet bridging (0x6558): the inner frame has an Ethernet header.
  s.push({ code: BPF_JMP | BPF_JEQ | BPF_K, k: 0x6558, jt: 0, jf: 5 });
  s.push(stmt(BPF_MISC | BPF_TXA), stmt(BPF_ALU | BPF_ADD | BPF_K, 12), stmt(BPF_ST, g.offLinktype.reg), stmt(BPF_ALU | BPF_ADD | BPF_K, 2), stmt(BPF_MISC | BPF_TAX));
  g.offLinkpl = { variable: true, constant: 0, reg: g.allocReg() };
  s.push(stmt(BPF_STX, g.offLinkpl.reg));
  // libpcap resets off_nl only: off_nl_nosnap keeps the outer link type's value.
  g.offNl = 0;
  const t = g.genTrue();
  t.stmts = [...s, ...t.stmts];
  genAnd(b0, t);
  // A statement list with a jump inside: libpcap turns its optimizer off, and so do we.
  g.noOptimize = true;
  g.isGeneve = true;
  return t;
}
