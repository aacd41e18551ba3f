/** DNS summaries (print-domain.c), NTP and BOOTP/DHCP one-line forms. */
import { etherName, ip4String, ip6String, Truncated } from './bytes.js';
import type { Ctx } from './context.js';

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

/** Prints a name with its trailing dot, following compression pointers. */
function printName(ctx: Ctx, at: number, msg: number): number {
  const b = ctx.b;
  let end = -1;
  let s = '';
  let hops = 0;
  for (;;) {
    const l = b.u8(at, 'domain');
    if ((l & 0xc0) === 0xc0) {
      if (end < 0) end = at + 2;
      const target = msg + (((l & 0x3f) << 8) | b.u8(at + 1, 'domain'));
      if (++hops > 64 || target >= at) { ctx.out += `${s}<LOOP>`; return end; }
      at = target;
      continue;
    }
    if (l === 0) { if (end < 0) end = at + 1; break; }
    if (l & 0xc0) { ctx.out += `${s}<ELT ${(l & 0xc0).toString(16)}>`; return at + 1; }
    b.need(at + 1, l, 'domain');
    for (let i = 0; i < l; i++) {
      const c = b.data[at + 1 + i]!;
      s += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : `\\${c.toString(8).padStart(3, '0')}`;
    }
    s += '.';
    at += l + 1;
  }
  ctx.out += s === '' ? '.' : s;
  return end;
}

function question(ctx: Ctx, at: number, msg: number): number {
  const b = ctx.b;
  const after = nskip(ctx, at);
  if (after < 0 || !b.has(after, 4)) throw new Truncated('domain');
  const type = b.u16(after, 'domain');
  const cls = b.u16(after + 2, 'domain');
  ctx.out += ` ${TYPES[type] ?? `Type${type}`}`;
  if (cls !== 1) ctx.out += ` ${CLASSES[cls] ?? `(Class ${cls})`}`;
  ctx.out += '? ';
  printName(ctx, at, msg);
  return after + 4;
}

/** tcpdump's unsigned_relts_print: 1w2d3h4m5s. */
function relTime(secs: number): string {
  if (secs === 0) return '0s';
  let s = '';
  for (const [n, unit] of [[31536000, 'y'], [604800, 'w'], [86400, 'd'], [3600, 'h'], [60, 'm'], [1, 's']] as const) {
    if (secs >= n) { s += `${Math.floor(secs / n)}${unit}`; secs %= n; }
  }
  return s;
}

/** One resource record (ns_rprint); returns the offset after it, or the captured end when cut short. */
function record(ctx: Ctx, at: number, msg: number): number {
  const b = ctx.b;
  if (ctx.opts.verbose) { ctx.out += ' '; at = printName(ctx, at, msg); } else at = nskip(ctx, at);
  if (at < 0 || !b.has(at, 10)) return b.length;
  const type = b.u16(at), cls = b.u16(at + 2), rdlen = b.u16(at + 8);
  if (cls !== 1 && type !== 41) ctx.out += ` ${CLASSES[cls] ?? `(Class ${cls})`}`;
  if (ctx.opts.verbose > 2 && type !== 41) ctx.out += ` [${relTime(b.u32(at + 4))}]`;
  const rd = at + 10;
  const next = rd + rdlen;
  ctx.out += ` ${TYPES[type] ?? `Type${type}`}`;
  if (next > b.length) throw new Truncated('domain');
  switch (type) {
    case 1: ctx.out += ` ${ip4String(b, rd, 'domain')}`; break;
    case 2: case 5: case 12: case 39: ctx.out += ' '; printName(ctx, rd, msg); break;
    case 15: ctx.out += ' '; printName(ctx, rd + 2, msg); ctx.out += ` ${b.u16(rd)}`; break;
    case 6: {
      if (!ctx.opts.verbose) break;
      ctx.out += ' ';
      let p = printName(ctx, rd, msg);
      ctx.out += ' ';
      p = printName(ctx, p, msg);
      b.need(p, 20, 'domain');
      ctx.out += ` ${b.u32(p)} ${b.u32(p + 4)} ${b.u32(p + 8)} ${b.u32(p + 12)} ${b.u32(p + 16)}`;
      break;
    }
    case 28: ctx.out += ` ${ip6String(b, rd, 'domain')}`; break;
    case 33: ctx.out += ' '; printName(ctx, rd + 6, msg); ctx.out += `:${b.u16(rd + 4)} ${b.u16(rd)} ${b.u16(rd + 2)}`; break;
    case 16: {
      let p = rd;
      while (p < next) {
        const l = b.u8(p, 'domain');
        b.need(p + 1, l, 'domain');
        let s = '';
        for (let i = 0; i < l; i++) { const c = b.data[p + 1 + i]!; s += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : `\\${c.toString(8).padStart(3, '0')}`; }
        ctx.out += ` "${s}"`;
        p += l + 1;
      }
      break;
    }
    case 41: ctx.out += ` UDPsize=${cls}`; if (b.u16(at + 6) & 0x8000) ctx.out += ' DO'; break;
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
function section(ctx: Ctx, at: number, msg: number, count: number, label: string): number {
  const b = ctx.b;
  let left = count;
  if (at < b.length && left) {
    ctx.out += label;
    at = record(ctx, at, msg);
    left--;
    while (at < b.length && left) { ctx.out += ','; at = record(ctx, at, msg); left--; }
  }
  if (left) throw new Truncated('domain');
  return at;
}

export function dnsPrint(ctx: Ctx, off: number, length: number): void {
  const b = ctx.b;
  if (length < 12) { ctx.out += `domain [length ${length} < 12]`; return; }
  try {
    const id = b.u16(off, 'domain'), flags = b.u16(off + 2, 'domain');
    const qd = b.u16(off + 4, 'domain'), an = b.u16(off + 6, 'domain'), ns = b.u16(off + 8, 'domain'), ar = b.u16(off + 10, 'domain');
    const op = (flags >> 11) & 0xf;
    let at = off + 12;
    const rcode = flags & 0xf | extendedRcode(ctx, off, qd, an + ns, ar);
    if (flags & 0x8000) {
      ctx.out += `${id}${OPS[op]}${RCODES[rcode] ?? ` Resp${rcode}`}${flags & 0x400 ? '*' : ''}${flags & 0x80 ? '' : '-'}${flags & 0x200 ? '|' : ''}${flags & 0x20 ? '$' : ''}`;
      if (qd !== 1) ctx.out += ` [${qd}q]`;
      for (let i = 0; i < qd; i++) {
        if (i !== 0) ctx.out += ',';
        if (ctx.opts.verbose > 1) { ctx.out += ' q:'; at = question(ctx, at, off); continue; }
        at = nskip(ctx, at);
        if (at < 0) throw new Truncated('domain');
        at += 4;
      }
      ctx.out += ` ${an}/${ns}/${ar}`;
      let left = an;
      if (left) {
        at = record(ctx, at, off);
        left--;
        while (at < b.length && left) { ctx.out += ','; at = record(ctx, at, off); left--; }
      }
      if (left) throw new Truncated('domain');
      if (ctx.opts.verbose > 1) {
        at = section(ctx, at, off, ns, ' ns:');
        at = section(ctx, at, off, ar, ' ar:');
      }
    } else {
      ctx.out += `${id}${OPS[op]}${flags & 0x100 ? '+' : ''}${flags & 0x10 ? '%' : ''}`;
      if (flags & 0x6cf) ctx.out += ` [b2&3=0x${flags.toString(16)}]`;
      if (op === 1) {
        if (qd) ctx.out += ` [${qd}q]`;
        if (an !== 1) ctx.out += ` [${an}a]`;
      } else {
        if (an) ctx.out += ` [${an}a]`;
        if (qd !== 1) ctx.out += ` [${qd}q]`;
      }
      if (ns) ctx.out += ` [${ns}n]`;
      if (ar) ctx.out += ` [${ar}au]`;
      let left = qd;
      if (left) {
        at = question(ctx, at, off);
        left--;
        while (at < b.length && left) { at = question(ctx, at, off); left--; }
      }
      if (left) throw new Truncated('domain');
    }
    ctx.out += ` (${length})`;
  } catch (e) {
    if (e instanceof Truncated) { ctx.out += ' [|domain]'; return; }
    throw e;
  }
}

const NTP_MODES = ['unspecified', 'symmetric active', 'symmetric passive', 'Client', 'Server', 'Broadcast', 'Control Message', 'Reserved'];

export function ntpPrint(ctx: Ctx, off: number, length: number): void {
  const b = ctx.b;
  const first = b.u8(off, 'ntp');
  const version = (first >> 3) & 7;
  const mode = first & 7;
  ctx.out += `NTPv${version}`;
  if (mode === 6 || mode === 7) { ctx.out += `, ${NTP_MODES[mode]}, length ${length}`; return; }
  if (length < 48) { ctx.out += ` [length ${length} < 48]`; return; }
  ctx.out += `, ${NTP_MODES[mode]}, length ${length}`;
}

export function bootpPrint(ctx: Ctx, off: number, length: number): void {
  const b = ctx.b;
  const op = b.u8(off, 'bootp');
  ctx.out += `BOOTP/DHCP, ${op === 1 ? 'Request' : op === 2 ? 'Reply' : `unknown (0x${op.toString(16).padStart(2, '0')})`}`;
  if (op === 1 && b.u8(off + 1, 'bootp') === 1 && b.u8(off + 2, 'bootp') === 6) { b.need(off + 28, 6, 'bootp'); ctx.out += ` from ${etherName(b, off + 28, ctx.opts.numeric)}`; }
  ctx.out += `, length ${length}`;
}
