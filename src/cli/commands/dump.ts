/**
 * `tsbpf dump`: tcpdump's file side. Reads a pcap/pcapng capture as a stream, selects packets
 * with a pcap-filter expression run by the classic JIT (or the interpreter), and prints them
 * as tcpdump 4.99 does or writes them to a new capture. Options use tcpdump's letters.
 */
import { readFileSync, statSync } from 'node:fs';
import { compileClassicAt, type ClassicFilterAtFn } from '../../cbpf/jit-at.js';
import type { ClassicProgram } from '../../cbpf/program.js';
import { CaptureScanner } from '../../capture/scanner.js';
import { CaptureWriter } from '../../capture/writer.js';
import { linkTypeFromName, linkTypeInfo, linkTypeText } from '../../capture/link-types.js';
import type { PacketRef } from '../../capture/packet-ref.js';
import type { CaptureHeader } from '../../capture/types.js';
import type { HexMode, PrintOptions, TimestampMode } from '../../decode/index.js';
import { openSink, scanCaptureFile } from '../../node/io/capture-files.js';
import { hostsLookup } from '../../node/host-names.js';
import type { CliIO, Command } from '../command.js';
import { UsageError } from '../run-cli.js';

const USAGE = `usage: tsbpf dump [-AdeOnqtvxX] [-c count] [-F file] [-r file] [-s snaplen] [-w file]
                  [-y linktype] [--count] [--nano] [--engine jit|interpreter] [expression]
  tcpdump's options and output, for capture files:
  -r FILE    read packets from FILE (pcap or pcapng; - for stdin)
  -w FILE    write the selected packets to FILE as pcap (- for stdout; .pcapng name for pcapng)
  -c N       stop after N selected packets
  -s N       snapshot length for -d without -r (ignored when reading, as by tcpdump)
  -y TYPE    link type for -d without -r (EN10MB, RAW, LINUX_SLL, ...; ignored when reading)
  -F FILE    take the filter expression from FILE
  -n / -nn   no address names / no port names either
  -e -q -v   link header / quieter / more detail (-vv, -vvv)
  -t ... -ttttt  timestamp formats, as tcpdump
  -x -xx -X -XX -A   hex / hex+ASCII / ASCII dumps
  -d -dd -ddd -O     print the compiled filter (-O: without optimizing) and exit
  --count    only print the number of selected packets
  --nano     nanosecond timestamps
  --engine   jit (default) or interpreter`;

/** Options that take an argument, in tcpdump's getopt string. */
const WITH_ARG = new Set(['r', 'w', 'c', 's', 'y', 'F', 'i', 'E', 'M', 'T', 'W', 'C', 'G', 'z', 'Z', 'B', 'j', 'm', 'Q']);

interface DumpOptions {
  read?: string;
  write?: string;
  count?: number;
  snaplen?: number;
  linkType?: number;
  filterFile?: string;
  n: number; e: boolean; q: boolean; v: number; t: number; x: number; X: number; A: number; d: number;
  optimize: boolean;
  countOnly: boolean;
  nano: boolean;
  engine: 'jit' | 'interpreter';
  expression: string[];
}

export function parseDumpArgs(args: readonly string[]): DumpOptions {
  const o: DumpOptions = { n: 0, e: false, q: false, v: 0, t: 0, x: 0, X: 0, A: 0, d: 0, optimize: true, countOnly: false, nano: false, engine: 'jit', expression: [] };
  // Bad values are errors with tcpdump's wording and status 1, not usage errors.
  const num = (flag: string, v: string, min = 0): number => {
    if (!/^\d+$/.test(v) || Number(v) < min) throw new Error(`invalid ${flag} ${v}`);
    return Number(v);
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') { o.expression.push(...args.slice(i + 1)); break; }
    if (a.startsWith('--')) {
      const [name, inline] = a.slice(2).split('=', 2) as [string, string | undefined];
      const value = (): string => {
        const v = inline ?? args[++i];
        if (v === undefined) throw new UsageError(`option --${name} needs a value`);
        return v;
      };
      switch (name) {
        case 'count': o.countOnly = true; break;
        case 'nano': o.nano = true; break;
        case 'micro': o.nano = false; break;
        case 'time-stamp-precision': { const v = value(); if (v !== 'nano' && v !== 'micro') throw new UsageError(`unsupported time stamp precision '${v}'`); o.nano = v === 'nano'; break; }
        case 'engine': { const v = value(); if (v !== 'jit' && v !== 'interpreter') throw new UsageError(`unknown engine '${v}' (jit or interpreter)`); o.engine = v; break; }
        case 'number': o.n = Math.max(o.n, 1); break;
        default: throw new UsageError(`unknown option --${name}`);
      }
      continue;
    }
    if (!a.startsWith('-') || a === '-') { o.expression.push(a); continue; }
    for (let j = 1; j < a.length; j++) {
      const f = a[j]!;
      if (WITH_ARG.has(f)) {
        const v = j + 1 < a.length ? a.slice(j + 1) : args[++i];
        if (v === undefined) throw new UsageError(`option -${f} requires an argument`);
        switch (f) {
          case 'r': o.read = v; break;
          case 'w': o.write = v; break;
          case 'c': o.count = num('packet count', v, 1); break;
          case 's': { const s = num('snaplen', v); o.snaplen = s === 0 ? 262144 : s; break; }
          case 'y': { const lt = linkTypeFromName(v); if (lt === undefined) throw new Error(`invalid data link type ${v}`); o.linkType = lt; break; }
          case 'F': o.filterFile = v; break;
          default: throw new UsageError(`option -${f} is not supported when reading files`);
        }
        break;
      }
      switch (f) {
        case 'n': o.n++; break;
        case 'e': o.e = true; break;
        case 'q': o.q = true; break;
        case 'v': o.v++; break;
        case 't': o.t++; break;
        case 'x': o.x++; break;
        case 'X': o.X++; break;
        case 'A': o.A++; break;
        case 'd': o.d++; break;
        case 'O': o.optimize = false; break;
        case 'S': case 'K': case 'U': case 'l': case 'p': case '#': break;
        case 'h': throw new UsageError('help');
        default: throw new UsageError(`unknown option -${f}`);
      }
    }
  }
  return o;
}

function printOptions(o: DumpOptions): Partial<PrintOptions> {
  const tsModes: TimestampMode[] = ['default', 'none', 'epoch', 'delta', 'date', 'since-first'];
  const hex: HexMode = o.X ? (o.X > 1 ? 'XX' : 'X') : o.x ? (o.x > 1 ? 'xx' : 'x') : o.A ? (o.A > 1 ? 'AA' : 'A') : 'none';
  return {
    numeric: o.n, linkHeader: o.e, quiet: o.q, verbose: o.v, timestamp: tsModes[Math.min(o.t, 5)]!, nano: o.nano, hex,
    utcOffsetSeconds: localOffset(),
    // Without -n tcpdump names hosts; /etc/hosts is what answers on a machine without DNS.
    hostName: o.n === 0 ? hostsLookup() : undefined,
  };
}

/** tcpdump prints local time: the offset of the TZ in effect (UTC when unset and /etc/localtime is UTC). */
function localOffset(): number | ((sec: number) => number) {
  const tz = process.env.TZ;
  if (tz === 'UTC' || tz === 'UTC0' || tz === 'GMT' || tz === 'GMT0' || tz === ':UTC' || tz === '') return 0;
  // A POSIX zone without daylight rules ("UTC-3", "<+0530>-5:30"): a fixed offset, west positive.
  const posix = tz === undefined ? null : /^(?:<[^>]*>|[A-Za-z]{3,})([+-]?)(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?$/.exec(tz);
  if (posix) {
    const west = Number(posix[2]) * 3600 + Number(posix[3] ?? 0) * 60 + Number(posix[4] ?? 0);
    return posix[1] === '-' ? west : -west;
  }
  const cache = new Map<number, number>();
  return (sec: number): number => {
    const hour = Math.floor(sec / 3600);
    let off = cache.get(hour);
    if (off === undefined) {
      off = -new Date(sec * 1000).getTimezoneOffset() * 60;
      if (cache.size > 4096) cache.clear();
      cache.set(hour, off);
    }
    return off;
  };
}

type FilterCompiler = typeof import('../../filter/index.js').compileFilter;

function compile(compileFilter: FilterCompiler, expr: string, linkType: number, snaplen: number, optimize: boolean): ClassicProgram {
  const name = linkTypeInfo(linkType)?.name ?? String(linkType);
  return compileFilter(expr, { linkType: name, snaplen, optimize });
}

export const dumpCommand: Command = {
  name: 'dump',
  summary: 'read, filter, print and write capture files like tcpdump',
  usage: USAGE,
  async run(args: readonly string[], io: CliIO): Promise<number> {
    const o = parseDumpArgs(args);
    let expr = o.expression.join(' ');
    if (o.filterFile !== undefined) {
      expr = readFileSync(o.filterFile, 'latin1').split('\n').map((l) => l.replace(/#.*$/, '')).join(' ').trim();
    }
    if (o.read === undefined) {
      if (o.d > 0) {
        const name = o.linkType === undefined ? 'EN10MB' : (linkTypeInfo(o.linkType)?.name ?? String(o.linkType));
        const { formatListing } = await import('../../cbpf/listing.js');
        const { compileFilter } = await import('../../filter/index.js');
        io.stdout(formatListing(compileFilter(expr, { linkType: name, snaplen: o.snaplen ?? 262144, optimize: o.optimize }), (['d', 'dd', 'ddd'] as const)[Math.min(o.d, 3) - 1]!));
        return 0;
      }
      throw new UsageError('live capture is not supported; read a file with -r FILE');
    }
    const path = o.read;
    const engine = o.engine;
    // Like tcpdump, -s and -y only matter for live capture (and -d without -r): a file's
    // packets keep their captured length and link type.
    o.snaplen = undefined;
    o.linkType = undefined;
    // Modules only some runs need are loaded on demand: start-up is part of every run's time.
    const interpret = engine === 'interpreter' ? (await import('../../cbpf/interpreter.js')).interpret : undefined;
    // The filter compiler (22 modules) only when there is an expression to compile or list.
    const compileFilter = expr.trim() !== '' || o.d > 0 ? (await import('../../filter/index.js')).compileFilter : undefined;
    const printing = o.write === undefined && !o.countOnly && o.d === 0;
    const decode = printing ? await import('../../decode/index.js') : undefined;
    const printer = decode ? new decode.PacketPrinter(printOptions(o)) : undefined;
    const listing = o.d > 0 ? async (lt: number): Promise<string> =>
      (await import('../../cbpf/listing.js')).formatListing(compile(compileFilter!, expr, lt, snaplen, o.optimize), (['d', 'dd', 'ddd'] as const)[Math.min(o.d, 3) - 1]!) : undefined;
    /** The filter of each link type, run on the packet where it lies in the reader's buffer. */
    const filters = new Map<number, ClassicFilterAtFn | null>();
    let header: CaptureHeader | undefined;
    let snaplen = o.snaplen ?? 262144;
    const matcherFor = (linkType: number): ClassicFilterAtFn | null => {
      let m = filters.get(linkType);
      if (m !== undefined) return m;
      if (expr.trim() === '') m = null;
      else {
        const prog = compile(compileFilter!, expr, linkType, snaplen, o.optimize);
        if (interpret === undefined) m = compileClassicAt(prog);
        else {
          const meta = { wireLength: 0 };
          m = (bytes, at, caplen, wire) => { meta.wireLength = wire; return interpret(prog, bytes.subarray(at, at + caplen), meta); };
        }
      }
      filters.set(linkType, m);
      return m;
    };
    // Printed lines go into one byte buffer, written out in blocks (as bytes when the io can).
    const out = decode ? new decode.Sink(1 << 18) : undefined;
    const flushOut = (): void => {
      if (!out?.len) return;
      if (io.stdoutBytes) io.stdoutBytes(out.buf.subarray(0, out.len));
      else io.stdout(out.text());
      out.len = 0;
    };
    let sink: ReturnType<typeof openSink> | undefined;
    let writer: CaptureWriter | undefined;
    let selected = 0;
    let firstLinkType: number | undefined;
    const onHeader = (h: CaptureHeader): void => {
      header = h;
      if (o.snaplen === undefined) snaplen = h.snaplen || 262144;
      const lt = o.linkType ?? h.linkType;
      if (o.d > 0) return;
      io.stderr(`reading from file ${path}, link-type ${linkTypeText(lt)}, snapshot length ${h.snaplen === 0 || h.snaplen > 0x7fffffff ? 262144 : h.snaplen}\n`);
      // tcpdump names SLL2 interfaces from the reading machine's index table and says so.
      if (lt === 276 && o.write === undefined) io.stderr('Warning: interface names might be incorrect\n');
      matcherFor(lt);
      if (o.write !== undefined) {
        sink = openSink(o.write);
        const s = sink;
        writer = new CaptureWriter({ format: /\.pcapng$/i.test(o.write) ? 'pcapng' : 'pcap', linkType: lt, snaplen: h.snaplen, nanosecond: o.nano, syncSink: true, compactInput: true }, (b) => s.write(b));
        writer.start();
      }
    };
    const limit = o.count ?? Infinity;
    let lastLinkType = -1;
    let lastMatcher: ClassicFilterAtFn | null = null;
    // What the printer reads of a packet, refilled for each one (the printer keeps no reference).
    const printed = { data: new Uint8Array(0) as Uint8Array, origLength: 0, seconds: 0, nanos: 0, linkType: 0 };
    // Called for every packet with one reused ref into the read buffer: no allocation unless printed.
    const each = (p: PacketRef): boolean => {
      if (o.d > 0) { firstLinkType = p.linkType; return false; }
      // The matcher of the previous packet's link type is kept: files rarely mix link types.
      if (p.linkType !== lastLinkType) { lastLinkType = p.linkType; lastMatcher = matcherFor(p.linkType); }
      if (lastMatcher !== null && lastMatcher(p.buf, p.at, p.caplen, p.origLength) === 0) return true;
      selected++;
      if (writer) writer.writeRef(p);
      else if (printer) {
        printed.data = p.data(); printed.origLength = p.origLength; printed.seconds = p.seconds; printed.nanos = p.nanos; printed.linkType = p.linkType;
        printer.print(printed, out!);
        if (out!.len > 1 << 17) flushOut();
      }
      return selected < limit;
    };
    const progress = progressBar(path, io);
    const scanner = new CaptureScanner(each, { onHeader });
    try {
      await scanCaptureFile(path, scanner, { onRead: progress?.read, beforeReuse: () => writer?.settle() });
      progress?.done();
    } catch (err) {
      progress?.done();
      flushOut();
      writer?.flush();
      sink?.close();
      const e = err as NodeJS.ErrnoException;
      if (e.code === 'ENOENT' || e.code === 'EACCES' || e.code === 'EISDIR') throw new Error(`${path}: ${e.code === 'ENOENT' ? 'No such file or directory' : e.code === 'EACCES' ? 'Permission denied' : 'Is a directory'}`);
      // libpcap's text alone, as tcpdump prints it: opening errors bare, later ones after
      // "pcap_loop: " (the byte offset stays in the CaptureError for API users).
      const reason = (e as { reason?: string }).reason ?? e.message;
      if (e instanceof Error && (e as { code?: string }).code === 'CAPTURE' && header === undefined) throw new Error(reason);
      if (e instanceof Error && (e as { code?: string }).code === 'CAPTURE') throw new Error(`pcap_loop: ${reason}`);
      throw err;
    }
    if (listing && header) io.stdout(await listing(o.linkType ?? firstLinkType ?? header.linkType));
    flushOut();
    writer?.flush();
    sink?.close();
    if (o.countOnly) io.stdout(`${selected} packet${selected === 1 ? '' : 's'}\n`);
    return 0;
  },
};

/**
 * A progress bar on stderr while reading a large file, shown only when stderr is a terminal
 * and the packets are not being printed to that terminal (stdout redirected, -w or --count).
 */
function progressBar(path: string, io: CliIO): { read(bytes: number): void; done(): void } | undefined {
  if (path === '-' || !process.stderr.isTTY || process.stdout.isTTY) return undefined;
  let size: number;
  try { size = statSync(path).size; } catch { return undefined; }
  if (size < 64 << 20) return undefined;
  let read = 0;
  // The first draw waits a moment, so the "reading from file" line comes first.
  let last = Date.now();
  let shown = false;
  const draw = (): void => {
    const frac = Math.min(1, read / size);
    const width = 30;
    const fill = Math.round(frac * width);
    io.stderr(`\r[${'#'.repeat(fill)}${' '.repeat(width - fill)}] ${(frac * 100).toFixed(0).padStart(3)}% ${(read / 1048576).toFixed(0)}/${(size / 1048576).toFixed(0)} MiB`);
    shown = true;
  };
  return {
    read(bytes: number): void {
      read += bytes;
      const now = Date.now();
      if (now - last > 200) { last = now; draw(); }
    },
    done(): void { if (shown) io.stderr('\r\x1b[K'); shown = false; },
  };
}
