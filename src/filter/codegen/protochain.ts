/**
 * `[ip|ip6] protochain N`: walk the IPv6 extension headers and IPv4/IPv6 AH headers looking for
 * protocol N, as libpcap's gen_protochain does — a statement list with jumps inside it and a
 * backward `ja` to loop. The kernel rejects backward jumps (libpcap's own bpf_filter() runs
 * them), and libpcap turns its optimizer off for such programs; so do we.
 */
import { BPF_ABS, BPF_ADD, BPF_ALU, BPF_B, BPF_IMM, BPF_IND, BPF_JA, BPF_JEQ, BPF_JMP, BPF_K, BPF_LD, BPF_LDX, BPF_MEM, BPF_MISC, BPF_MSH, BPF_MUL, BPF_ST, BPF_TAX, BPF_TXA, BPF_X } from '../../cbpf/opcodes.js';
import { genAnd, genOr, stmt, type Block, type Stmt } from '../ir/block.js';
import type { Gen } from './context.js';
import { genLinktype, ETHERTYPE } from './link.js';
import type { ProtoQual } from '../syntax/ast.js';

export function genProtochain(g: Gen, v: number, proto: ProtoQual): Block {
  // libpcap allocates the scratch register first, even for the IPv4-or-IPv6 case, where it is
  // then never used nor freed (so the two halves use the next one).
  const reg2 = g.allocReg();
  if (proto === 'default') {
    const b0 = genProtochain(g, v, 'ip');
    const b = genProtochain(g, v, 'ip6');
    genOr(b0, b);
    return b;
  }
  if (proto !== 'ip' && proto !== 'ip6') g.error("bad protocol applied for 'protochain'");
  if (g.offLinkpl.variable) g.error("'protochain' not supported with variable length headers");
  g.noOptimize = true;
  const base = g.offLinkpl.constant + g.offNl;
  const v6 = proto === 'ip6';
  const b0 = genLinktype(g, v6 ? ETHERTYPE.IPV6 : ETHERTYPE.IP);
  // Statements with symbolic jump targets (indexes), resolved to relative offsets at the end.
  const s: (Stmt & { t?: number; f?: number })[] = [];
  const jeq = (k: number): number => { s.push(stmt(BPF_JMP | BPF_JEQ | BPF_K, k)); return s.length - 1; };
  if (v6) s.push(stmt(BPF_LD | BPF_ABS | BPF_B, base + 6), stmt(BPF_LDX | BPF_IMM, 40));
  else s.push(stmt(BPF_LD | BPF_ABS | BPF_B, base + 9), stmt(BPF_LDX | BPF_MSH | BPF_B, base));
  const again = jeq(v);
  const fix2 = jeq(59); // IPPROTO_NONE
  s[again]!.f = fix2;
  let fix3: number | undefined;
  if (v6) {
    const starts = [0, 60, 43, 44].map((p) => jeq(p)); // hop-by-hop, dstopts, routing, fragment
    s[fix2]!.f = starts[0]!;
    for (let i = 0; i < 3; i++) s[starts[i]!]!.f = starts[i + 1]!;
    fix3 = starts[3]!;
    const advance = s.length;
    s.push(stmt(BPF_LD | BPF_IND | BPF_B, base), stmt(BPF_ST, reg2), stmt(BPF_LD | BPF_IND | BPF_B, base + 1),
      stmt(BPF_ALU | BPF_ADD | BPF_K, 1), stmt(BPF_ALU | BPF_MUL | BPF_K, 8), stmt(BPF_ALU | BPF_ADD | BPF_X),
      stmt(BPF_MISC | BPF_TAX), stmt(BPF_LD | BPF_MEM, reg2));
    s.push({ code: BPF_JMP | BPF_JA, k: (again - s.length - 1) >>> 0 });
    for (const j of starts) s[j]!.t = advance;
  } else {
    s.push(stmt(BPF_ALU | BPF_ADD | BPF_K, 0));
    s[fix2]!.f = s.length - 1;
  }
  const ahcheck = jeq(51); // IPPROTO_AH
  if (fix3 !== undefined) s[fix3]!.f = ahcheck;
  s[ahcheck]!.t = s.length;
  s.push(stmt(BPF_MISC | BPF_TXA), stmt(BPF_LD | BPF_IND | BPF_B, base), stmt(BPF_ST, reg2), stmt(BPF_MISC | BPF_TXA),
    stmt(BPF_ALU | BPF_ADD | BPF_K, 1), stmt(BPF_MISC | BPF_TAX), stmt(BPF_LD | BPF_IND | BPF_B, base),
    stmt(BPF_ALU | BPF_ADD | BPF_K, 2), stmt(BPF_ALU | BPF_MUL | BPF_K, 4), stmt(BPF_MISC | BPF_TAX), stmt(BPF_LD | BPF_MEM, reg2));
  s.push({ code: BPF_JMP | BPF_JA, k: (again - s.length - 1) >>> 0 });
  const end = s.length;
  s.push(stmt(BPF_ALU | BPF_ADD | BPF_K, 0));
  s[fix2]!.t = end;
  s[ahcheck]!.f = end;
  s[again]!.t = end;
  const stmts: Stmt[] = s.map((x, i) => (x.t === undefined && x.f === undefined ? { code: x.code, k: x.k }
    : { code: x.code, k: x.k, jt: x.t! - i - 1, jf: x.f! - i - 1 }));
  const b = g.f.jump(BPF_JEQ, v, stmts);
  g.freeReg(reg2);
  genAnd(b0, b);
  return b;
}
