/**
 * compileFilter: pcap-filter text → classic BPF program, as libpcap 1.10's pcap_compile.
 */
import { ClassicProgram } from '../cbpf/program.js';
import { FilterError } from './errors.js';
import { parseFilter, FilterSyntaxError } from './syntax/parser.js';
import { Gen } from './codegen/context.js';
import { findLinkType, LINK_TYPE_NAMES } from './codegen/link-types.js';
import { genExpr, finish } from './codegen/compile.js';
import { lowerBlocks } from './ir/lower.js';
import { libpcapRejectsAll } from './optimize/libpcap-rejects-all.js';
import { defaultResolver, type NameResolver } from './names/resolver.js';
import { optimizeProgram } from './optimize/optimize.js';

export interface CompileFilterOptions {
  /** DLT name without `DLT_` (default 'EN10MB'). */
  readonly linkType?: string;
  /** Accept return value (default 262144, tcpdump's default snaplen). */
  readonly snaplen?: number;
  /** Run the optimizer (default true). */
  readonly optimize?: boolean;
  /** IPv4 netmask for `ip broadcast` (default 0, what tcpdump passes when it has none). */
  readonly netmask?: number;
  /** Host/service/protocol/network names (default: built-in services and protocols only). */
  readonly resolver?: NameResolver;
}

export function compileFilter(expression: string, options: CompileFilterOptions = {}): ClassicProgram {
  const linkName = options.linkType ?? 'EN10MB';
  const link = findLinkType(linkName);
  if (!link) throw new FilterError(`unsupported link type '${linkName}' (supported: ${LINK_TYPE_NAMES.join(', ')})`);
  const snaplen = options.snaplen ?? 262144;
  const mk = (): Gen => new Gen({ link, snaplen, netmask: options.netmask ?? 0, resolver: options.resolver ?? defaultResolver() });
  let ast;
  try {
    ast = parseFilter(expression);
  } catch (err) {
    // libpcap generates code while it parses: an error in a primitive reduced before the
    // syntax error is the one it reports.
    if (err instanceof FilterSyntaxError) {
      const g = mk();
      for (const e of err.partial) genExpr(g, e);
    }
    throw err;
  }
  const g = mk();
  const root = finish(g, ast ? genExpr(g, ast) : undefined);
  const insns = lowerBlocks(root);
  // libpcap does not optimize programs with the 802.11 prologue (jumps inside a block).
  if (options.optimize === false || g.noOptimize) return new ClassicProgram(insns);
  const optimized = optimizeProgram(insns);
  // libpcap raises this only when its own optimizer reduces the program to `ret #0`; ours proves
  // more, so a program it reduces is checked again with libpcap's weaker rules (else it is
  // returned: it rejects every packet, as libpcap's program for the expression does).
  if (optimized.length === 1 && optimized[0]!.code === 0x06 && optimized[0]!.k === 0 && ast && libpcapRejectsAll(root)) {
    throw new FilterError('expression rejects all packets');
  }
  return new ClassicProgram(optimized);
}
