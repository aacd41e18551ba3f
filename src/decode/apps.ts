/** DNS summaries (print-domain.c), NTP and BOOTP/DHCP one-line forms. */
import { etherName, Truncated } from './bytes.js';
import { host4 } from './names.js';
import { dhcpOptionName, dhcpOptionValue } from './dhcp-options.js';
import type { Ctx } from './context.js';
import { civilFromDays, relTime } from './timestamp.js';

const TYPES: Record<number, string> = {
  1: 'A', 2: 'NS', 3: 'MD', 4: 'MF', 5: 'CNAME', 6: 'SOA', 7: 'MB', 8: 'MG', 9: 'MR', 10: 'NULL', 11: 'WKS', 12: 'PTR', 13: 'HINFO',
  14: 'MINFO', 15: 'MX', 16: 'TXT', 17: 'RP', 18: 'AFSDB', 19: 'X25', 20: 'ISDN', 21: 'RT', 22: 'NSAP', 23: 'NSAP_PTR', 24: 'SIG',
  25: 'KEY', 26: 'PX', 27: 'GPOS', 28: 'AAAA', 29: 'LOC', 30: 'NXT', 31: 'EID', 32: 'NIMLOC', 33: 'SRV', 34: 'ATMA', 35: 'NAPTR',
  36: 'KX', 37: 'CERT', 38: 'A6', 39: 'DNAME', 40: 'SINK', 41: 'OPT', 42: 'APL', 43: 'DS', 44: 'SSHFP', 45: 'IPSECKEY', 46: 'RRSIG',
  47: 'NSEC', 48: 'DNSKEY', 99: 'SPF', 100: 'UINFO', 101: 'UID', 102: 'GID', 103: 'UNSPEC', 104: 'UNSPECA', 249: 'TKEY', 250: 'TSIG',
  251: 'IXFR', 252: 'AXFR', 253: 'MAILB', 254: 'MAILA', 255: 'ANY',
};
const CLASSES: Record<number, string> = { 1: 'IN', 3: 'CHAOS', 4: 'HS', 255: 'ANY' };
const RCODES = ['', ' FormErr', ' ServFail', ' NXDomain', ' NotImp', ' Refused', ' YXDomain', ' YXRRSet', ' NXRRSet', ' NotAuth', ' NotZone'];
const OPS = ['', ' inv_q', ' stat', ' op3', ' notify', ' update', ' op6', ' op7', ' op8', ' updateA', ' updateD', ' updateDA', ' updateM', ' updateMA', ' zoneInit', ' zoneRef'];

/**
 * Skips a (possibly compressed) name; returns the offset after it, or -1 when a label-length
 * byte lies past the captured data (tcpdump's ns_nskip returning NULL).
 */
function nskip(ctx: Ctx, at: number): number {
  const b = ctx.b;
  for (;;) {
    if (at >= b.length) return -1;
    const l = b.data[at]!;
    if (l === 0) return at + 1;
    if ((l & 0xc0) === 0xc0) return at + 2;
    at += l + 1;
  }
}

/** tcpdump's fn_print_char: M- for bytes above 127, ^X for control characters. */
function printChar(c: number): string {
  const low = c & 0x7f;
  return (c > 0x7f ? 'M-' : '') + (low < 0x20 || low === 0x7f ? `^${String.fromCharCode(low ^ 0x40)}` : String.fromCharCode(low));
}

/** printChar of every byte value, built once. */
const CHAR_TEXT: readonly string[] = Array.from({ length: 256 }, (_, c) => printChar(c));

/**
 * Prints a name with its trailing dot, following compression pointers. Labels are written as
 * they are read: a name cut short shows what was captured of it (except when the cut falls in
 * a pointer, whose bounds-checked fetch aborts before anything of the name is printed).
 */
function printName(ctx: Ctx, at: number, msg: number, silentCut = false): number {
  const b = ctx.b, d = b.data, out = ctx.out;
  const start = out.len;
  let end = -1;
  let hops = 0;
  for (;;) {
    if (at >= b.length) throw new Truncated('domain');
    const l = d[at]!;
    if ((l & 0xc0) === 0xc0) {
      if (end < 0) end = at + 2;
      if (at + 1 >= b.length) { out.len = start; throw new Truncated('domain'); }
      const target = msg + (((l & 0x3f) << 8) | d[at + 1]!);
      if (++hops > 64 || target >= at) { out.s('<LOOP>'); return end; }
      at = target;
      continue;
    }
    if (l === 0) { if (end < 0) end = at + 1; break; }
    if (l & 0xc0) { out.s('<ELT ').s((l & 0xc0).toString(16)).c(0x3e); return at + 1; }
    // A label whose characters start past the capture ends the name quietly (fqdn_print's
    // loop condition); one cut inside is printed up to the cut, then truncated.
    if (silentCut && at + 1 >= b.length) return -1;
    // Runs of printable characters copied as they are, the others in printChar's notation.
    const to = Math.min(at + 1 + l, b.length);
    for (let i = at + 1; i < to;) {
      let j = i;
      while (j < to && d[j]! >= 0x20 && d[j]! < 0x7f) j++;
      if (j > i) out.bytes(d, i, j);
      if (j < to) out.s(CHAR_TEXT[d[j++]!]!);
      i = j;
    }
    if (at + 1 + l > b.length) throw new Truncated('domain');
    out.c(0x2e);
    at += l + 1;
  }
  if (out.len === start) out.c(0x2e);
  return end;
}

function question(ctx: Ctx, at: number, msg: number, mdns = false): number {
  const b = ctx.b;
  const after = nskip(ctx, at);
  if (after < 0 || !b.has(after, 4)) throw new Truncated('domain');
  const type = b.u16(after, 'domain');
  const cls = b.u16(after + 2, 'domain');
  ctx.out.s(' ').v(TYPES[type] ?? `Type${type}`);
  // mDNS: the top class bit asks for a unicast response.
  const klass = mdns ? cls & 0x7fff : cls;
  if (klass !== 1) ctx.out.s(' ').v(CLASSES[klass] ?? `(Class ${klass})`);
  if (mdns) ctx.out.s(cls & 0x8000 ? ' (QU)' : ' (QM)');
  ctx.out.s('? ');
  printName(ctx, at, msg);
  return after + 4;
}

/** One resource record (ns_rprint); returns the offset after it, or the captured end when cut short. */
function record(ctx: Ctx, at: number, msg: number, mdns = false): number {
  const b = ctx.b;
  if (ctx.opts.verbose) { ctx.out.s(' '); at = printName(ctx, at, msg, true); } else at = nskip(ctx, at);
  if (at < 0 || !b.has(at, 10)) return b.length;
  const type = b.u16(at), cls = b.u16(at + 2), rdlen = b.u16(at + 8);
  // mDNS: the top class bit is the cache-flush flag.
  const klass = mdns ? cls & 0x7fff : cls;
  if (klass !== 1 && type !== 41) ctx.out.s(' ').v(CLASSES[klass] ?? `(Class ${klass})`);
  if (mdns && cls & 0x8000) ctx.out.s(' (Cache flush)');
  if (ctx.opts.verbose > 2 && type !== 41) ctx.out.s(` [${relTime(b.u32(at + 4))}]`);
  const rd = at + 10;
  const next = rd + rdlen;
  ctx.out.s(' ').v(TYPES[type] ?? `Type${type}`);
  if (next > b.length) throw new Truncated('domain');
  switch (type) {
    // (Addresses through the printer's cache: the bounds check first, as the formatters do.)
    case 1: b.need(rd, 4, 'domain'); ctx.state.addresses.ip4(b.data, rd); ctx.out.c(0x20).t(ctx.state.addresses.lastAscii); break;
    case 2: case 5: case 12: case 39: ctx.out.s(' '); printName(ctx, rd, msg); break;
    case 15: ctx.out.s(' '); printName(ctx, rd + 2, msg); ctx.out.s(` ${b.u16(rd)}`); break;
    case 6: {
      if (!ctx.opts.verbose) break;
      ctx.out.s(' ');
      let p = printName(ctx, rd, msg);
      ctx.out.s(' ');
      p = printName(ctx, p, msg);
      b.need(p, 20, 'domain');
      ctx.out.s(` ${b.u32(p)} ${b.u32(p + 4)} ${b.u32(p + 8)} ${b.u32(p + 12)} ${b.u32(p + 16)}`);
      break;
    }
    case 28: b.need(rd, 16, 'domain'); ctx.state.addresses.ip6(b, rd); ctx.out.c(0x20).t(ctx.state.addresses.lastAscii); break;
    case 33: ctx.out.s(' '); printName(ctx, rd + 6, msg); ctx.out.s(`:${b.u16(rd + 4)} ${b.u16(rd)} ${b.u16(rd + 2)}`); break;
    case 16: {
      let p = rd;
      while (p < next) {
        // Character strings are printed as far as captured (fn_print_char's notation).
        const l = b.u8(p, 'domain');
        ctx.out.s(' "');
        for (let i = 0; i < l; i++) {
          if (p + 1 + i >= b.length) throw new Truncated('domain');
          ctx.out.s(CHAR_TEXT[b.data[p + 1 + i]!]!);
        }
        ctx.out.s('"');
        p += l + 1;
      }
      break;
    }
    case 41: ctx.out.s(' UDPsize=').v(cls); if (b.u16(at + 6) & 0x8000) ctx.out.s(' DO'); break;
    default: break;
  }
  return next;
}

/** The EDNS extended RCODE bits (an OPT record's TTL high byte), found by a tolerant pre-scan. */
function extendedRcode(ctx: Ctx, off: number, qd: number, anns: number, ar: number): number {
  const b = ctx.b;
  let at = off + 12;
  for (let i = 0; i < qd; i++) {
    at = nskip(ctx, at);
    if (at < 0) return 0;
    at += 4;
    if (at >= b.length) return 0;
  }
  for (let i = 0; i < anns; i++) {
    at = nskip(ctx, at);
    if (at < 0) return 0;
    at += 8;
    if (at + 2 > b.length) return 0;
    at += 2 + b.u16(at);
    if (at >= b.length) return 0;
  }
  for (let i = 0; i < ar; i++) {
    at = nskip(ctx, at);
    if (at < 0 || at + 2 > b.length) return 0;
    const type = b.u16(at);
    at += 4;
    if (at + 1 > b.length) return 0;
    if (type === 41) return b.u8(at) << 4;
    at += 4;
    if (at + 2 > b.length) return 0;
    at += 2 + b.u16(at);
    if (at >= b.length) return 0;
  }
  return 0;
}

/** -vv: the authority or additional section, as tcpdump lists it. */
function section(ctx: Ctx, at: number, msg: number, count: number, label: string, mdns: boolean): number {
  const b = ctx.b;
  let left = count;
  if (at < b.length && left) {
    ctx.out.s(label);
    at = record(ctx, at, msg, mdns);
    left--;
    while (at < b.length && left) { ctx.out.s(','); at = record(ctx, at, msg, mdns); left--; }
  }
  if (left) throw new Truncated('domain');
  return at;
}

export function dnsPrint(ctx: Ctx, off: number, length: number, mdns = false): void {
  const b = ctx.b;
  if (length < 12) { ctx.out.s('domain [length ').v(length).s(' < 12] (invalid)'); return; }
  try {
    const id = b.u16(off, 'domain'), flags = b.u16(off + 2, 'domain');
    const qd = b.u16(off + 4, 'domain'), an = b.u16(off + 6, 'domain'), ns = b.u16(off + 8, 'domain'), ar = b.u16(off + 10, 'domain');
    const op = (flags >> 11) & 0xf;
    let at = off + 12;
    const rcode = flags & 0xf | extendedRcode(ctx, off, qd, an + ns, ar);
    if (flags & 0x8000) {
      const out = ctx.out;
      out.u(id).s(OPS[op]!);
      const rc = RCODES[rcode];
      if (rc !== undefined) out.s(rc); else out.s(' Resp').u(rcode);
      if (flags & 0x400) out.c(0x2a);
      if (!(flags & 0x80)) out.c(0x2d);
      if (flags & 0x200) out.c(0x7c);
      if (flags & 0x20) out.c(0x24);
      if (qd !== 1) ctx.out.s(' [').v(qd).s('q]');
      for (let i = 0; i < qd; i++) {
        if (i !== 0) ctx.out.s(',');
        if (ctx.opts.verbose > 1) { ctx.out.s(' q:'); at = question(ctx, at, off, mdns); continue; }
        at = nskip(ctx, at);
        if (at < 0) throw new Truncated('domain');
        at += 4;
      }
      ctx.out.s(' ').v(an).s('/').v(ns).s('/').v(ar);
      let left = an;
      if (left) {
        at = record(ctx, at, off, mdns);
        left--;
        while (at < b.length && left) { ctx.out.s(','); at = record(ctx, at, off, mdns); left--; }
      }
      if (left) throw new Truncated('domain');
      if (ctx.opts.verbose > 1) {
        at = section(ctx, at, off, ns, ' ns:', mdns);
        at = section(ctx, at, off, ar, ' ar:', mdns);
      }
    } else {
      ctx.out.u(id).s(OPS[op]!);
      if (flags & 0x100) ctx.out.c(0x2b);
      if (flags & 0x10) ctx.out.c(0x25);
      if (flags & 0x6cf) ctx.out.s(' [b2&3=0x').v(flags.toString(16)).s(']');
      if (op === 1) {
        if (qd) ctx.out.s(' [').v(qd).s('q]');
        if (an !== 1) ctx.out.s(' [').v(an).s('a]');
      } else {
        if (an) ctx.out.s(' [').v(an).s('a]');
        if (qd !== 1) ctx.out.s(' [').v(qd).s('q]');
      }
      if (ns) ctx.out.s(' [').v(ns).s('n]');
      if (ar) ctx.out.s(' [').v(ar).s('au]');
      let left = qd;
      if (left) {
        at = question(ctx, at, off, mdns);
        left--;
        while (at < b.length && left) { at = question(ctx, at, off, mdns); left--; }
      }
      if (left) throw new Truncated('domain');
    }
    ctx.out.c(0x20).c(0x28).v(length).c(0x29);
  } catch (e) {
    if (e instanceof Truncated) { ctx.out.s(' [|domain]'); return; }
    throw e;
  }
}

const NTP_MODES = ['unspecified', 'symmetric active', 'symmetric passive', 'Client', 'Server', 'Broadcast', 'Control Message', 'Reserved'];

export function ntpPrint(ctx: Ctx, off: number, length: number): void {
  const b = ctx.b;
  const first = b.u8(off, 'ntp');
  const version = (first >> 3) & 7;
  const mode = first & 7;
  ctx.out.s('NTPv').v(version).s(', ').v(NTP_MODES[mode]).s(', length ').v(length);
  if (!ctx.opts.verbose) return;
  // Printed field by field, so a cut packet shows everything before the cut.
  const li = first >> 6;
  ctx.out.s('\n\tLeap indicator: ').v(['', '+1s', '-1s', 'clock unsynchronized'][li]).s(' (').v(first & 0xc0).s(')');
  if (mode === 7) return;
  if (mode === 6) { ntpControl(ctx, off, length); return; }
  if (length < 48) { ntpInvalid(ctx, off, length); return; }
  const stratum = b.u8(off + 1, 'ntp');
  ctx.out.s(', Stratum ').v(stratum).s(' (').v(stratum === 0 ? 'unspecified' : stratum === 1 ? 'primary reference' : stratum <= 15 ? 'secondary reference' : 'reserved').s(')');
  const poll = (b.u8(off + 2, 'ntp') << 24) >> 24;
  ctx.out.s(', poll ').v(poll).v(poll > -32 && poll < 32 ? (poll >= 0 ? ` (${2 ** poll}s)` : ` (1/${2 ** -poll}s)`) : '');
  ctx.out.s(`, precision ${(b.u8(off + 3, 'ntp') << 24) >> 24}`);
  const sfix = (at: number): string => `${b.u16(at, 'ntp')}.${String(Math.floor((b.u16(at + 2, 'ntp') / 65536) * 1e6)).padStart(6, '0')}`;
  // Each field is checked before its label is printed (a soft stop).
  const check = (at: number, n: number): void => { if (!b.has(at, n)) { ctx.out.s(' [|ntp]'); throw new Truncated('', true); } };
  check(off + 4, 4);
  ctx.out.s('\n\tRoot Delay: ');
  ctx.out.s(sfix(off + 4));
  check(off + 8, 4);
  ctx.out.s(', Root dispersion: ');
  ctx.out.s(sfix(off + 8));
  check(off + 12, 4);
  ctx.out.s(', Reference-ID: ');
  if (stratum === 0) ctx.out.s('(unspec)');
  else if (stratum === 1) {
    let id = '';
    for (let i = 0; i < 4 && b.u8(off + 12 + i, 'ntp') !== 0; i++) { const c = b.u8(off + 12 + i); id += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : `\\${c.toString(8).padStart(3, '0')}`; }
    ctx.out.s(id);
  } else ctx.out.s(`0x${b.u32(off + 12, 'ntp').toString(16).padStart(8, '0')}`);
  // Each timestamp is checked whole before its label is printed.
  const ts = (label: string, at: number): void => { check(at, 8); ctx.out.s(`${label}${ntpTime(b.u32(at), b.u32(at + 4))}`); };
  ts('\n\t  Reference Timestamp:  ', off + 16);
  ts('\n\t  Originator Timestamp: ', off + 24);
  ts('\n\t  Receive Timestamp:    ', off + 32);
  ts('\n\t  Transmit Timestamp:   ', off + 40);
  ctx.out.s(`\n\t    Originator - Receive Timestamp:  ${ntpDelta(b.u32(off + 24), b.u32(off + 28), b.u32(off + 32), b.u32(off + 36))}`);
  ctx.out.s(`\n\t    Originator - Transmit Timestamp: ${ntpDelta(b.u32(off + 24), b.u32(off + 28), b.u32(off + 40), b.u32(off + 44))}`);
  if (length > 48) ctx.out.s('\n\t(').v(length - 48).s(' more bytes after the header)');
}

/** A message too short for its mode; the claimed length is still checked (soft stop when cut). */
function ntpInvalid(ctx: Ctx, off: number, length: number): void {
  ctx.out.s(' (invalid)');
  if (!ctx.b.has(off, length)) { ctx.out.s(' [|ntp]'); throw new Truncated('', true); }
}

/** Control messages (mode 6): the header fields; the data is not decoded (tcpdump's TO-BE-DONE). */
function ntpControl(ctx: Ctx, off: number, length: number): void {
  const b = ctx.b;
  if (length < 12) { ntpInvalid(ctx, off, length); return; }
  const control = b.u8(off + 1, 'ntp');
  ctx.out.s(', ').v(control & 0x80 ? 'Response' : 'Request').s(', ').v(control & 0x40 ? 'Error' : 'OK').s(', ').v(control & 0x20 ? 'More' : 'Last').s(', OpCode=').v(control & 0x1f);
  const hex = (v: number): string => (v === 0 ? '0' : `0x${v.toString(16)}`);
  ctx.out.s(`\n\tSequence=${b.u16(off + 2, 'ntp')}, Status=${hex(b.u16(off + 4, 'ntp'))}, Assoc.=${b.u16(off + 6, 'ntp')}, Offset=${b.u16(off + 8, 'ntp')}, Count=${b.u16(off + 10, 'ntp')}`);
  const count = b.u16(off + 10);
  if (12 + count > length) { ntpInvalid(ctx, off, length); return; }
  if (count !== 0) { b.need(off + 12, count, 'ntp'); ctx.out.s('\n\tTO-BE-DONE'); }
}

const NTP_UNIX_OFFSET = 2208988800;
const ntpFraction = (f: number): string => String(Math.floor((f / 4294967296) * 1e9)).padStart(9, '0');

/** An NTP timestamp, with its UTC date when non-zero (tcpdump's p_ntp_time). */
function ntpTime(sec: number, frac: number): string {
  let s = `${sec}.${ntpFraction(frac)}`;
  if (sec) {
    const unix = sec - NTP_UNIX_OFFSET;
    const days = Math.floor(unix / 86400);
    const [y, m, d] = civilFromDays(days);
    const t = unix - days * 86400;
    const p2 = (v: number): string => String(v).padStart(2, '0');
    s += ` (${y}-${p2(m)}-${p2(d)}T${p2(Math.floor(t / 3600))}:${p2(Math.floor(t / 60) % 60)}:${p2(t % 60)}Z)`;
  }
  return s;
}

/** `to - from` between two NTP timestamps, signed (tcpdump's p_ntp_delta). */
function ntpDelta(fromSec: number, fromFrac: number, toSec: number, toFrac: number): string {
  if (fromSec === 0 && fromFrac === 0) return ntpTime(toSec, toFrac);
  let neg: boolean, i: number, f: number;
  if (toSec > fromSec) { neg = false; i = toSec - fromSec; f = (toFrac - fromFrac) >>> 0; if (fromFrac > toFrac) i -= 1; }
  else if (toSec < fromSec) { neg = true; i = fromSec - toSec; f = (fromFrac - toFrac) >>> 0; if (toFrac > fromFrac) i -= 1; }
  else { i = 0; if (toFrac > fromFrac) { neg = false; f = toFrac - fromFrac; } else { neg = true; f = fromFrac - toFrac; } }
  return `${neg ? '-' : '+'}${i >>> 0}.${ntpFraction(f)}`;
}

export function bootpPrint(ctx: Ctx, off: number, length: number): void {
  const b = ctx.b;
  const op = b.u8(off, 'bootp');
  ctx.out.s(`BOOTP/DHCP, ${op === 1 ? 'Request' : op === 2 ? 'Reply' : `unknown (0x${op.toString(16).padStart(2, '0')})`}`);
  const htype = b.u8(off + 1, 'bootp'), hlen = b.u8(off + 2, 'bootp');
  if (op === 1 && htype === 1 && hlen === 6) { b.need(off + 28, 6, 'bootp'); ctx.out.s(` from ${etherName(b, off + 28, ctx.opts.numeric)}`); }
  ctx.out.s(', length ').v(length);
  if (!ctx.opts.verbose) return;
  bootpDetails(ctx, off);
}

function bootpDetails(ctx: Ctx, off: number): void {
  const b = ctx.b;
  const soft = (): never => { ctx.out.s(' [|bootp]'); throw new Truncated('', true); };
  if (!b.has(off + 3, 1)) soft();
  const hops = b.u8(off + 3, 'bootp');
  if (hops) ctx.out.s(', hops ').v(hops);
  // The seconds field is checked before the transaction id is printed (a soft stop); the
  // fields after it are fetched with bounds-checked reads.
  if (!b.has(off + 8, 2)) soft();
  const xid = b.u32(off + 4, 'bootp');
  if (xid) ctx.out.s(', xid 0x').v(xid.toString(16));
  const secs = b.u16(off + 8, 'bootp');
  if (secs) ctx.out.s(', secs ').v(secs);
  const flags = b.u16(off + 10, 'bootp');
  ctx.out.s(', Flags [').v(flags & 0x8000 ? 'Broadcast' : 'none').s(']');
  if (ctx.opts.verbose > 1) ctx.out.s(' (0x').v(flags.toString(16).padStart(4, '0')).s(')');
  for (const [at, label] of [[12, 'Client-IP'], [16, 'Your-IP'], [20, 'Server-IP'], [24, 'Gateway-IP']] as const) {
    if (b.u32(off + at, 'bootp')) ctx.out.s(`\n\t  ${label} ${host4(ctx, b, off + at, 'bootp')}`);
  }
  if (b.u8(off + 1) === 1 && b.u8(off + 2) === 6 && b.has(off + 28, 6)) ctx.out.s(`\n\t  Client-Ethernet-Address ${etherName(b, off + 28, ctx.opts.numeric)}`);
  // The whole hardware address field is fetched (an abort when cut); the names are checked.
  b.need(off + 28, 16, 'bootp');
  for (const [at, size, label] of [[44, 64, 'sname'], [108, 128, 'file']] as const) {
    if (b.u8(off + at, 'bootp')) {
      if (!b.has(off + at, size) && b.data.subarray(off + at).indexOf(0) < 0) soft();
      let t = '';
      for (let i = 0; i < size && b.u8(off + at + i, 'bootp') !== 0; i++) { const c = b.u8(off + at + i); t += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '.'; }
      ctx.out.s('\n\t  ').v(label).s(' "').v(t).s('"');
    }
  }
  const vend = off + 236;
  if (!b.has(vend, 4)) soft();
  if (b.u32(vend, 'bootp') !== 0x63825363) return;
  ctx.out.s('\n\t  Vendor-rfc1048 Extensions\n\t    Magic Cookie 0x63825363');
  let at = vend + 4;
  while (at < b.length) {
    const tag = b.u8(at++);
    if (tag === 0 && ctx.opts.verbose < 3) continue;
    if (tag === 255 && ctx.opts.verbose < 3) return;
    const len = tag === 0 || tag === 255 ? 0 : b.u8(at++, 'bootp');
    const name = tag === 0 ? 'PAD' : tag === 255 ? 'END' : tag === 53 ? 'DHCP-Message' : dhcpOptionName(tag);
    ctx.out.s('\n\t    ').v(name).s(' (').v(tag).s('), length ').v(len).v(len > 0 ? ': ' : '');
    if (!b.has(at, len)) soft();
    if (tag === 53 && len === 1) ctx.out.s(DHCP_MESSAGES[b.u8(at)] ?? `Unknown (${b.u8(at)})`);
    else if (tag !== 0 && tag !== 255 && tag !== 53) dhcpOptionValue(ctx, tag, at, len);
    at += len;
    if (tag === 255) return;
  }
}

const DHCP_MESSAGES: Record<number, string> = { 1: 'Discover', 2: 'Offer', 3: 'Request', 4: 'Decline', 5: 'ACK', 6: 'NACK', 7: 'Release', 8: 'Inform' };
