/**
 * `tsbpf compile [-d|-dd|-ddd] [-O] [-y LINKTYPE] [-s SNAPLEN] [-F FILE] EXPR...`: compiles a
 * pcap-filter expression as `tcpdump -d` does and prints the listing. Names resolve from
 * /etc/hosts, /etc/services, /etc/protocols, /etc/networks and /etc/ethers. Errors read like
 * tcpdump's (`tsbpf: can't parse filter expression: syntax error`), exit status 1.
 * `parseCompileArgs` is exported for commands that take the same options.
 */
import { formatListing, type ListingStyle } from '../../cbpf/listing.js';
import { compileFilter, FilterError } from '../../filter/index.js';
import { systemResolver } from '../../node/filter-resolver.js';
import type { CliIO, Command } from '../command.js';
import { UsageError } from '../run-cli.js';

export interface CompileArgs {
  readonly style: ListingStyle;
  readonly optimize: boolean;
  readonly linkType: string;
  readonly snaplen: number;
  readonly filterFile: string | undefined;
  /** The expression words joined with spaces, as tcpdump does. */
  readonly expression: string;
}

/** tcpdump-style option parsing: -d/-dd/-ddd, -O, -y X, -s N, -F FILE, then the expression. */
export function parseCompileArgs(args: readonly string[]): CompileArgs {
  let style: ListingStyle = 'd';
  let optimize = true;
  let linkType = 'EN10MB';
  let snaplen = 262144;
  let filterFile: string | undefined;
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') { rest.push(...args.slice(i + 1)); break; }
    if (!a.startsWith('-') || a === '-' || rest.length > 0) { rest.push(a); continue; }
    const value = (flag: string): string => {
      const v = a.length > 2 ? a.slice(2) : args[++i];
      if (v === undefined) throw new UsageError(`option ${flag} needs a value`);
      return v;
    };
    if (a === '-d' || a === '-dd' || a === '-ddd') style = a.slice(1) as ListingStyle;
    else if (a === '-O') optimize = false;
    else if (a.startsWith('-y')) linkType = value('-y');
    else if (a.startsWith('-s')) {
      const v = value('-s');
      if (!/^[0-9]+$/.test(v)) throw new UsageError(`invalid snaplen ${v}`);
      snaplen = Number(v) === 0 ? 262144 : Number(v);
    } else if (a.startsWith('-F')) filterFile = value('-F');
    else throw new UsageError(`unknown option ${a}`);
  }
  return { style, optimize, linkType, snaplen, filterFile, expression: rest.join(' ') };
}

export const compileCommand: Command = {
  name: 'compile',
  summary: 'compile a pcap-filter expression and print the program (like tcpdump -d)',
  usage: [
    'usage: tsbpf compile [-d|-dd|-ddd] [-O] [-y LINKTYPE] [-s SNAPLEN] [-F FILE] EXPRESSION...',
    '',
    '  -d, -dd, -ddd  listing style as in tcpdump (default -d)',
    '  -O             do not optimize',
    '  -y LINKTYPE    DLT name without DLT_ (default EN10MB)',
    '  -s SNAPLEN     accept return value (default 262144)',
    '  -F FILE        read the expression from FILE',
  ].join('\n'),
  async run(args: readonly string[], io: CliIO): Promise<number> {
    const o = parseCompileArgs(args);
    let expression = o.expression;
    if (o.filterFile !== undefined) {
      if (o.expression !== '') throw new UsageError('an expression on the command line and -F FILE are exclusive');
      // tcpdump strips '#' comments from filter files.
      expression = new TextDecoder().decode(await io.readInput(o.filterFile)).split('\n').map((l) => l.replace(/#.*/, '')).join(' ');
    }
    try {
      const program = compileFilter(expression, { linkType: o.linkType, snaplen: o.snaplen, optimize: o.optimize, resolver: systemResolver() });
      io.stdout(formatListing(program, o.style).replace(/\n?$/, '\n'));
      return 0;
    } catch (err) {
      if (err instanceof FilterError) {
        io.stderr(`tsbpf: ${err.message}\n`);
        return 1;
      }
      throw err;
    }
  },
};
