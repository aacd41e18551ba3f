/** TCP and UDP (print-tcp.c / print-udp.c one-line forms) and the port-based dispatch above. */
import { be16, be32, flat, Truncated } from './bytes.js';
import type { Ctx } from './context.js';
import { ascii, type AsciiText } from './sink.js';
import { onesSumRange } from './ip.js';
import { TCP_SERVICES, UDP_SERVICES } from './services.js';
import { dnsPrint, ntpPrint, bootpPrint } from './apps.js';
import { genevePrint } from './geneve.js';
import { vxlanPrint } from './vxlan.js';

const T_TO = ascii(' > '), T_COLON_SPACE = ascii(': ');

export interface IpInfo {
  readonly v: 4 | 6;
  readonly src: string;
  readonly dst: string;
  readonly srcOff: number;
  readonly dstOff: number;
  readonly fragmented: boolean;
  /** Length of the IP payload (from the IP header). */
  readonly length: number;
  /** False when IPv6 extension headers sit between the IP header and this one: tcpdump then prints ports only. */
  readonly direct: boolean;
  /** src and dst encoded for Sink.t, when they are the numeric addresses (not host names). */
  readonly srcAscii?: AsciiText;
  readonly dstAscii?: AsciiText;
  /** The same followed by '.'. */
  readonly srcAsciiDot?: AsciiText;
  readonly dstAsciiDot?: AsciiText;
}

/** "src > dst: " of an IP header (numeric addresses written from their encoded texts). */
export function addressPair(ctx: Ctx, ip: IpInfo): void {
  const out = ctx.out;
  if (ip.srcAscii !== undefined) out.t(ip.srcAscii); else out.s(ip.src);
  out.t(T_TO);
  if (ip.dstAscii !== undefined) out.t(ip.dstAscii); else out.s(ip.dst);
  out.c(0x3a).c(0x20);
}

/** A port-name table indexed by port: encoded texts (undefined: no name). The built-in names are ASCII. */
function portNames(table: Readonly<Record<number, string>>): readonly (AsciiText | undefined)[] {
  const names = new Array<AsciiText | undefined>(65536).fill(undefined);
  for (const [p, name] of Object.entries(table)) names[Number(p)] = ascii(name);
  return names;
}
const TCP_NAMES = portNames(TCP_SERVICES), UDP_NAMES = portNames(UDP_SERVICES);

/** "src.sport > dst.dport: " (ports only when extension headers came between). */
function endpoints(ctx: Ctx, ip: IpInfo, sport: number, dport: number, table: Readonly<Record<number, string>>): void {
  const out = ctx.out;
  const names = ctx.opts.numeric !== 0 ? undefined : table === TCP_SERVICES ? TCP_NAMES : UDP_NAMES;
  if (ip.direct && ip.srcAsciiDot !== undefined && ip.dstAsciiDot !== undefined) {
    out.t(ip.srcAsciiDot);
    port(ctx, sport, names);
    out.t(T_TO).t(ip.dstAsciiDot);
    port(ctx, dport, names);
    out.t(T_COLON_SPACE);
    return;
  }
  if (ip.direct) {
    if (ip.srcAscii !== undefined) out.t(ip.srcAscii); else out.s(ip.src);
    out.c(0x2e);
  }
  port(ctx, sport, names);
  out.t(T_TO);
  if (ip.direct) {
    if (ip.dstAscii !== undefined) out.t(ip.dstAscii); else out.s(ip.dst);
    out.c(0x2e);
  }
  port(ctx, dport, names);
  out.c(0x3a).c(0x20);
}

/** A port's name (without -nn) or number. */
function port(ctx: Ctx, p: number, names: readonly (AsciiText | undefined)[] | undefined): void {
  const name = names === undefined ? undefined : names[p];
  if (name === undefined) ctx.out.u(p);
  else ctx.out.t(name);
}

/** memcmp of `n` bytes at `a` and at `b`: negative, zero or positive. */
function compareBytes(d: Uint8Array, a: number, b: number, n: number): number {
  for (let i = 0; i < n; i++) if (d[a + i] !== d[b + i]) return d[a + i]! - d[b + i]!;
  return 0;
}

/** The pseudo-header sum for verifying transport checksums. */
function pseudoSum(ctx: Ctx, ip: IpInfo, proto: number, len: number): number {
  // Summed in place (no pseudo-header copy): both addresses' 16-bit words, then the 32-bit
  // length and protocol fields. Bytes past the capture count as zero, as in the copy this was.
  const d = ctx.b.data;
  const alen = ip.v === 4 ? 4 : 16;
  const s = ip.srcOff, t = ip.dstOff;
  let sum = (len >>> 16) + (len & 0xffff) + (proto >>> 16) + (proto & 0xffff);
  for (let i = 0; i < alen; i += 2) sum += (((d[s + i]! << 8) | d[s + i + 1]!) & 0xffff) + (((d[t + i]! << 8) | d[t + i + 1]!) & 0xffff);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

const TCP_FLAGS: readonly [number, string][] = [[1, 'F'], [2, 'S'], [4, 'R'], [8, 'P'], [16, '.'], [32, 'U'], [64, 'E'], [128, 'W']];
/** "Flags [S.]" for every value of the flags byte, built once. */
const FLAG_TEXT: readonly string[] = Array.from({ length: 256 }, (_, f) => {
  let fl = '';
  for (const [bit, ch] of TCP_FLAGS) if (f & bit) fl += ch;
  return flat(`Flags [${fl || 'none'}]`);
});
/** FLAG_TEXT followed by the sequence number's label. */
const FLAG_SEQ_TEXT: readonly AsciiText[] = FLAG_TEXT.map((t) => ascii(t + ', seq '));
const FLAG_ASCII: readonly AsciiText[] = FLAG_TEXT.map(ascii);
const TCPOPT_NAMES: Record<number, string> = {
  0: 'eol', 1: 'nop', 2: 'mss', 3: 'wscale', 4: 'sackOK', 5: 'sack', 6: 'echo', 7: 'echoreply', 8: 'TS', 11: 'cc', 12: 'ccnew',
  13: '-', 19: 'md5', 20: 'scps', 28: 'uto', 29: 'tcp-ao', 30: 'mptcp', 34: 'tfo', 254: 'exp',
};

/** Option names encoded for Sink.t, without and with the separating comma. */
const TCPOPT_ASCII: readonly (AsciiText | undefined)[] = Array.from({ length: 256 }, (_, k) => (TCPOPT_NAMES[k] === undefined ? undefined : ascii(TCPOPT_NAMES[k])));
const TCPOPT_COMMA_ASCII: readonly (AsciiText | undefined)[] = Array.from({ length: 256 }, (_, k) => (TCPOPT_NAMES[k] === undefined ? undefined : ascii(',' + TCPOPT_NAMES[k])));
const T_SEQ = ascii(', seq '), T_ACK = ascii(', ack '), T_WIN = ascii(', win '), T_URG = ascii(', urg '), T_OPTIONS = ascii(', options [');
const T_NOP_NOP_TS_VAL = ascii('nop,nop,TS val ');
const T_HTTP = ascii('HTTP'), T_NEWLINE_TAB = ascii('\n\t'), T_COOKIEREQ = ascii(' cookiereq'), T_COOKIE = ascii(' cookie '), T_TFO = ascii('tfo');
const T_CKSUM = ascii(', cksum 0x'), T_CORRECT = ascii(' (correct)'), T_UDP_SUM_OK = ascii('[udp sum ok] ');
const T_LENGTH = ascii(', length '), T_VAL = ascii(' val '), T_ECR = ascii(' ecr '), T_UDP_LENGTH = ascii('UDP, length ');

const HTTP_METHODS = new Set(['GET', 'PUT', 'COPY', 'HEAD', 'LOCK', 'MOVE', 'POLL', 'POST', 'BCOPY', 'BMOVE', 'MKCOL', 'TRACE', 'LABEL', 'MERGE',
  'DELETE', 'SEARCH', 'UNLOCK', 'REPORT', 'UPDATE', 'NOTIFY', 'BDELETE', 'CONNECT', 'OPTIONS', 'CHECKIN', 'PROPFIND', 'CHECKOUT', 'CCM_POST',
  'SUBSCRIBE', 'PROPPATCH', 'BPROPFIND', 'BPROPPATCH', 'UNCHECKOUT', 'MKACTIVITY', 'MKWORKSPACE', 'UNSUBSCRIBE', 'RPC_CONNECT',
  'VERSION-CONTROL', 'BASELINE-CONTROL']);

export function tcpPrint(ctx: Ctx, off: number, length: number, ip: IpInfo): void {
  const b = ctx.b;
  if (!b.has(off, 4)) { ctx.out.v(ip.src).s(' > ').v(ip.dst).s(': [|tcp]'); return; }
  // (Each field is read directly once a `has` showed it captured.)
  const d = b.data;
  const sport = be16(d, off), dport = be16(d, off + 2);
  endpoints(ctx, ip, sport, dport, TCP_SERVICES);
  if (!b.has(off, 20)) { ctx.out.s(' [|tcp]'); return; }
  const hlen = (d[off + 12]! >> 4) * 4;
  if (hlen < 20) { ctx.out.s('tcp ').v(length).s(' [bad hdr length ').v(hlen).s(' - too short, < 20]'); return; }
  if (ctx.opts.quiet) {
    ctx.out.s('tcp ').v(length - hlen);
    if (hlen > length) ctx.out.s(' [bad hdr length ').v(hlen).s(' - too long, > ').v(length).s(']');
    return;
  }
  const flags = d[off + 13]!;
  let seq = be32(d, off + 4);
  let ack = be32(d, off + 8);
  const win = be16(d, off + 14);
  const urp = be16(d, off + 18);
  // The flags text is appended with what follows it (one string piece fewer per line).
  const flagText = FLAG_ASCII[flags]!;
  let flagsOut = false;
  let thseq = 0, thack = 0, rev = false;
  if (flags & 16) {
    // The conversation key: both header addresses' bytes and both ports, lower side first —
    // by port, then by the address bytes (as tcpdump's memcmp; not by the printed texts, which
    // may be names, equal for two addresses or ordered otherwise).
    // The header's destination follows its source (ip.dstOff is the pseudo-header's, which a
    // source route or routing header moves to the final destination).
    const alen = ip.v === 4 ? 4 : 16;
    const src = ip.srcOff, dst = ip.srcOff + alen;
    rev = sport > dport || (sport === dport && compareBytes(d, src, dst, alen) > 0);
    const lo = rev ? dst : src, hi = rev ? src : dst;
    const ports = rev ? dport * 65536 + sport : sport * 65536 + dport;
    const table = ctx.state.tcpSeq;
    if (!table.find(b.data, lo, hi, alen, ports) || flags & 2) {
      if (rev) table.set(b.data, lo, hi, alen, ports, (ack - 1) >>> 0, seq);
      else table.set(b.data, lo, hi, alen, ports, seq, (ack - 1) >>> 0);
      thseq = table.lowIsn; thack = table.highIsn;
    } else {
      const th = table;
      if (rev) { seq = (seq - th.highIsn) >>> 0; ack = (ack - th.lowIsn) >>> 0; } else { seq = (seq - th.lowIsn) >>> 0; ack = (ack - th.highIsn) >>> 0; }
      thseq = th.lowIsn; thack = th.highIsn;
    }
  }
  if (ctx.opts.verbose && !ip.fragmented && b.has(off, length) && length >= hlen) {
    const sum = onesSumRange(b.data, off, off + length, pseudoSum(ctx, ip, 6, length));
    const stored = b.u16(off + 16);
    ctx.out.t(flagText);
    flagsOut = true;
    ctx.out.t(T_CKSUM).hex(stored, 4);
    if (sum !== 0xffff) ctx.out.s(` (incorrect -> 0x${shouldBe(stored, sum).toString(16).padStart(4, '0')})`);
    else ctx.out.t(T_CORRECT);
  }
  if (hlen > length) { if (!flagsOut) ctx.out.t(flagText); ctx.out.s(' [bad hdr length ').v(hlen).s(' - too long, > ').v(length).s(']'); return; }
  const dlen = length - hlen;
  if (ctx.opts.verbose > 1 || dlen > 0 || flags & 7) {
    ctx.out.t(flagsOut ? T_SEQ : FLAG_SEQ_TEXT[flags]!).u(seq);
    if (dlen > 0) ctx.out.c(0x3a).u((seq + dlen) >>> 0);
  } else if (!flagsOut) ctx.out.t(flagText);
  if (flags & 16) ctx.out.t(T_ACK).u(ack);
  ctx.out.t(T_WIN).u(win);
  if (flags & 32) ctx.out.t(T_URG).u(urp);
  if (hlen > 20) {
    ctx.out.t(T_OPTIONS);
    try {
      tcpOptions(ctx, off + 20, hlen - 20, rev ? thseq : thack, off + length);
    } catch (e) {
      // Cut inside an option's data, tcpdump closes the marker with '>'.
      // Cut inside option data tcpdump's own check stops (soft, closing with '>'); cut at an
      // option's kind or length byte its bounded read aborts the packet (hard).
      if (e instanceof OptionDataTruncated) { ctx.out.s(e.proto === 'tcp' ? ' [|tcp]>' : ' [|tcp]'); throw new Truncated('', true); }
      if (e instanceof Truncated) throw new Truncated('tcp');
      throw e;
    }
    ctx.out.c(0x5d);
  }
  ctx.out.t(T_LENGTH).u(dlen);
  if (dlen > 0 && !b.has(off, hlen)) { ctx.out.s(' [remaining caplen(').v(b.length - off).s(') < header length(').v(hlen).s(')] [|tcp]'); throw new Truncated(''); }
  if (flags & 4 && ctx.opts.verbose && dlen > 0) {
    // -v shows the start of data carried by a reset, in tcpdump's caret notation.
    const avail = Math.max(0, b.length - off - hlen);
    ctx.out.s(' [').v(dlen > avail ? '!' : '').s('RST');
    if (dlen > 30) ctx.out.s('+');
    const n = Math.min(30, dlen, avail);
    ctx.out.s(` ${caret(b.data.subarray(off + hlen, off + hlen + n))}]`);
    return;
  }
  if (dlen <= 0) return;
  if (!b.has(off, hlen)) { ctx.out.s(' [remaining caplen(').v(b.length - off).s(') < header length(').v(hlen).s(')] [|tcp]'); throw new Truncated(''); }
  const at = off + hlen;
  if (sport === 80 || dport === 80 || sport === 8080 || dport === 8080 || sport === 3128 || dport === 3128) {
    ctx.out.t(T_COLON_SPACE);
    txtproto(ctx, at, dlen, T_HTTP, 'http');
  } else if (sport === 53 || dport === 53) {
    // DNS over TCP: a two-byte length prefix.
    if (b.has(at, 2)) { ctx.out.s(' '); dnsPrint(ctx, at + 2, dlen - 2); }
  }
}

/** RFC 1624 / tcpdump's in_cksum_shouldbe: what the checksum field should have held. */
export function shouldBe(stored: number, sum: number): number {
  let t = stored + (0xffff - sum);
  t = (t & 0xffff) + (t >>> 16);
  return t & 0xffff;
}

function tcpOptions(ctx: Ctx, off: number, hlen: number, sackBase: number, sigEnd: number): void {
  const b = ctx.b;
  // The separator goes out with the next option's name (one piece), or alone before a cut.
  let sep = '';
  // The most common start (Linux): nop, nop, a timestamp — what the loop below prints for
  // those 12 bytes, in four writes.
  const d = b.data;
  if (hlen >= 12 && b.has(off, 12) && d[off] === 1 && d[off + 1] === 1 && d[off + 2] === 8 && d[off + 3] === 10) {
    ctx.out.t(T_NOP_NOP_TS_VAL).u(be32(d, off + 4)).t(T_ECR).u(be32(d, off + 8));
    off += 12;
    hlen -= 12;
    sep = ',';
  }
  while (hlen > 0) {
    if (off >= b.length) { ctx.out.s(sep); b.u8(off, 'tcp'); }
    const opt = b.data[off++]!;
    let len = 1;
    if (opt !== 0 && opt !== 1) {
      if (off >= b.length) { ctx.out.s(sep); b.u8(off, 'tcp'); }
      len = b.data[off++]!;
      if (len < 2 || len > hlen) { ctx.out.s(sep + '[bad opt]'); return; }
      hlen--;
    }
    hlen--;
    const name = sep === '' ? TCPOPT_ASCII[opt] : TCPOPT_COMMA_ASCII[opt];
    if (name !== undefined) ctx.out.t(name);
    else ctx.out.s(sep).s('unknown-').u(opt);
    try {
      optionData(ctx, opt, len, off, hlen, sackBase, sigEnd);
    } catch (e) {
      // tcpdump closes the marker with '>' when cut inside timestamp or SACK data.
      // Other options' data checks (LENCHECK) stop softly too, without the '>'.
      if (e instanceof Truncated && (opt === 3 || opt === 5 || opt === 8)) throw new OptionDataTruncated('tcp');
      if (e instanceof Truncated) throw new OptionDataTruncated('data');
      throw e;
    }
    let datalen = opt === 0 || opt === 1 || opt === 4 ? 0 : opt === 2 || opt === 28 ? 2 : opt === 3 ? 1 : opt === 8 ? 8
      : opt === 6 || opt === 7 || opt === 11 || opt === 12 || opt === 13 ? 4 : opt === 19 ? 16 : len - 2;
    if (datalen > hlen) return;
    off += datalen;
    hlen -= datalen;
    let seen = datalen + 1;
    if (opt !== 0 && opt !== 1) seen++;
    if (seen !== len) ctx.out.s('[len ').v(len).s(']');
    sep = ',';
    if (opt === 0) break;
  }
}

/** TCP Fast Open (RFC 7413): a cookie request or a 4-16 byte even-length cookie. */
function fastOpen(ctx: Ctx, off: number, datalen: number): void {
  if (datalen === 0) { ctx.out.t(T_COOKIEREQ); return; }
  if (datalen % 2 !== 0 || datalen < 4 || datalen > 16) { ctx.out.s(' (invalid)'); return; }
  // (Captured: optionData's lenCheck covered the option's data.)
  ctx.out.t(T_COOKIE);
  for (let i = 0; i < datalen; i++) ctx.out.hex2(ctx.b.data[off + i]!);
}

class OptionDataTruncated extends Truncated {}

/** tcpdump's LENCHECK: '[bad opt]' past the header, a truncation past the captured bytes. */
function lenCheck(ctx: Ctx, off: number, n: number, hlen: number): boolean {
  if (n > hlen) { ctx.out.s('[bad opt]'); return false; }
  ctx.b.need(off, n, 'tcp');
  return true;
}

/** Prints one option's value; returns false after a '[bad opt]'. */
function optionData(ctx: Ctx, opt: number, len: number, off: number, hlen: number, sackBase: number, sigEnd: number): void {
  const b = ctx.b;
  {
    let datalen = 0;
    void datalen;
    switch (opt) {
      case 0: case 1: case 4: break;
      // (Captured: lenCheck checked the value's bytes.)
      case 2: datalen = 2; if (!lenCheck(ctx, off, 2, hlen)) return; ctx.out.c(0x20).u(b.u16(off)); break;
      case 3: datalen = 1; if (!lenCheck(ctx, off, 1, hlen)) return; ctx.out.c(0x20).u(b.u8(off)); break;
      case 8: datalen = 8; if (!lenCheck(ctx, off, 8, hlen)) return; ctx.out.t(T_VAL).u(b.u32(off)).t(T_ECR).u(b.u32(off + 4)); break;
      case 5: {
        datalen = len - 2;
        if (datalen % 8 !== 0) { ctx.out.s(' invalid sack'); break; }
        ctx.out.c(0x20).u(datalen / 8).c(0x20);
        for (let i = 0; i < datalen; i += 8) {
          if (!lenCheck(ctx, off, i + 8, hlen)) return;
          ctx.out.c(0x7b).u((b.u32(off + i) - sackBase) >>> 0).c(0x3a).u((b.u32(off + i + 4) - sackBase) >>> 0).c(0x7d);
        }
        break;
      }
      case 6: case 7: case 11: case 12: case 13: datalen = 4; if (!lenCheck(ctx, off, 4, hlen)) return; ctx.out.c(0x20).u(b.u32(off)); break;
      case 19: {
        datalen = 16;
        if (!lenCheck(ctx, off, 16, hlen)) return;
        // tcpdump checks the signature only over a fully captured segment, and has no secret.
        ctx.out.s(ctx.b.length < sigEnd ? " snaplen too short, can't check - " : " shared secret not supplied with -M, can't check - ");
        for (let i = 0; i < 16; i++) ctx.out.hex2(b.data[off + i]!);
        break;
      }
      case 28: {
        datalen = 2;
        if (!lenCheck(ctx, off, 2, hlen)) return;
        const uto = b.u16(off);
        ctx.out.s(' 0x').v(uto.toString(16)).s(' ').v(uto & 1 ? (uto >> 1) * 60 : uto >> 1);
        break;
      }
      case 34: datalen = len - 2; if (!lenCheck(ctx, off, datalen, hlen)) return; ctx.out.c(0x20); fastOpen(ctx, off, datalen); break;
      case 253: case 254: {
        datalen = len - 2;
        if (!lenCheck(ctx, off, datalen, hlen)) return;
        if (datalen < 2) { ctx.out.s('[bad opt]'); return; }
        const magic = b.u16(off);
        ctx.out.c(0x2d);
        if (magic === 0xf989) { ctx.out.t(T_TFO); fastOpen(ctx, off + 2, datalen - 2); } else ctx.out.s(magic.toString(16).padStart(4, '0'));
        break;
      }
      default: {
        datalen = len - 2;
        if (datalen > 0) {
          if (datalen > hlen) { ctx.out.s('[bad opt]'); return; }
          ctx.out.s(' 0x');
          for (let i = 0; i < datalen; i++) ctx.out.hex2(b.u8(off + i, 'tcp'));
        }
      }
    }
  }
}


/** nd_printn: M- for bytes above 127, ^X for control characters. */
function caret(d: Uint8Array): string {
  let s = '';
  for (let c of d) {
    if (c > 0x7f) { s += 'M-'; c &= 0x7f; }
    if (c < 0x20 || c === 0x7f) { s += '^'; c ^= 0x40; }
    s += String.fromCharCode(c);
  }
  return s;
}

const isPrint = (c: number): boolean => c >= 0x20 && c < 0x7f;

/**
 * tcpdump's fetch_token: the token at `idx` (printable characters up to a blank or line end)
 * and the blanks after it. Returns the index after them (0 when there is no token; tokenEnd
 * finds where the token itself ends). (tcpdump keeps at most 126 characters of a token; it is
 * only ever compared with HTTP methods and three-digit statuses, which are shorter.)
 */
function fetchToken(d: Uint8Array, idx: number, end: number): number {
  const start = idx;
  for (; idx < end; idx++) {
    if (idx >= d.length) return 0;
    const c = d[idx]!;
    if (c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a) break;
    if (!isPrint(c)) return 0;
  }
  if (idx === start) return 0;
  for (; idx < end; idx++) {
    const c = d[idx]!;
    if (c === 0x0d || c === 0x0a || !isPrint(c) || (c !== 0x20 && c !== 0x09)) break;
  }
  return idx;
}

/** The end of the token fetchToken found between `start` and `next` (before the blanks it skipped). */
function tokenEnd(d: Uint8Array, start: number, next: number): number {
  while (next > start && (d[next - 1] === 0x20 || d[next - 1] === 0x09)) next--;
  return next;
}

/** HTTP_METHODS by length, as bytes, for a case-insensitive comparison with a token in the packet. */
const METHODS_BY_LENGTH: readonly (readonly Uint8Array[])[] = Array.from({ length: 17 }, (_, n) =>
  [...HTTP_METHODS].filter((m) => m.length === n).map((m) => Uint8Array.from(m, (c) => c.charCodeAt(0))));

/** True when d[a, z) is an HTTP method, in any letter case. */
function isMethod(d: Uint8Array, a: number, z: number): boolean {
  if (z - a > 16) return false;
  const methods = METHODS_BY_LENGTH[z - a]!;
  for (let k = 0; k < methods.length; k++) {
    const m = methods[k]!;
    let i = 0;
    for (; i < m.length; i++) {
      const c = d[a + i]!;
      if ((c >= 0x61 && c <= 0x7a ? c - 0x20 : c) !== m[i]) break;
    }
    if (i === m.length) return true;
  }
  return false;
}

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

/** tcpdump's txtproto_print for HTTP-like protocols: the request or status line. */
function txtproto(ctx: Ctx, off: number, len: number, caps: AsciiText, proto: string): void {
  const d = ctx.b.data;
  const end = off + len;
  let printThis = false;
  ctx.out.t(caps);
  let idx = fetchToken(d, off, end);
  if (idx !== 0) {
    if (isMethod(d, off, tokenEnd(d, off, idx))) printThis = true;
    const start = idx;
    idx = fetchToken(d, idx, end);
    if (idx !== 0 && tokenEnd(d, start, idx) - start === 3 && isDigit(d[start]!) && isDigit(d[start + 1]!) && isDigit(d[start + 2]!)) printThis = true;
  }
  if (!printThis) return;
  if (ctx.opts.verbose) {
    ctx.out.s(', length: ').v(len);
    for (let i = off; i < off + len;) {
      const next = txtLine(ctx, T_NEWLINE_TAB, i, off + len, proto);
      if (next === 0) break;
      i = next;
    }
  } else txtLine(ctx, T_COLON_SPACE, off, off + len, proto);
}

function txtLine(ctx: Ctx, prefix: AsciiText, start: number, end: number, proto: string): number {
  const d = ctx.b.data;
  let idx = start;
  // Only printable ASCII and tabs reach the output here: the bytes are the text.
  while (idx < end) {
    // Past the captured bytes before the line ends: nothing of the line is printed.
    if (idx >= d.length) throw new Truncated(proto);
    const c = d[idx]!;
    if (c === 0x0a) { ctx.out.t(prefix).bytes(d, start, idx); return idx + 1; }
    if (c === 0x0d) {
      if (idx + 1 >= end) return 0;
      if (idx + 1 >= d.length) throw new Truncated(proto);
      if (d[idx + 1] === 0x0a) { ctx.out.t(prefix).bytes(d, start, idx); return idx + 2; }
      return 0;
    }
    if (!isPrint(c) && c !== 0x09) return 0;
    idx++;
  }
  ctx.out.t(prefix).bytes(d, start, idx).s(' [|').s(proto).c(0x5d);
  return 0;
}

const isPort = (sport: number, dport: number, p: number): boolean => sport === p || dport === p;

export function udpPrint(ctx: Ctx, off: number, length: number, ip: IpInfo): void {
  const b = ctx.b;
  // A length below 8 is reported before the rest of the header is checked.
  if (!b.has(off, 8) && !(b.has(off, 6) && b.u16(off + 4) < 8)) {
    if (b.has(off, 4)) endpoints(ctx, ip, b.u16(off), b.u16(off + 2), UDP_SERVICES);
    else if (ip.direct) ctx.out.v(ip.src).s(' > ').v(ip.dst).s(': ');
    ctx.out.s(' [|udp]');
    return;
  }
  // (At least the first 6 bytes are captured here.)
  const d = b.data;
  const sport = be16(d, off), dport = be16(d, off + 2);
  const ulen = be16(d, off + 4);
  endpoints(ctx, ip, sport, dport, UDP_SERVICES);
  if (ulen < 8) { ctx.out.s('truncated-udplength ').v(ulen); return; }
  if (ulen > length) { ctx.out.s('UDP, bad length ').v(ulen).s(' > ').v(length); return; }
  // tcpdump checks UDP-over-IPv4 checksums from -vv on, UDP-over-IPv6 from -v.
  if (ctx.opts.verbose > (ip.v === 4 ? 1 : 0) && !ip.fragmented && b.has(off, ulen)) {
    const stored = b.u16(off + 6);
    if (stored === 0 && ip.v === 4) ctx.out.s('[no cksum] ');
    else {
      const sum = onesSumRange(b.data, off, off + ulen, pseudoSum(ctx, ip, 17, ulen));
      if (sum !== 0xffff) ctx.out.s(`[bad udp cksum 0x${stored.toString(16).padStart(4, '0')} -> 0x${shouldBe(stored, sum).toString(16).padStart(4, '0')}!] `);
      else ctx.out.t(T_UDP_SUM_OK);
    }
  }
  const plen = ulen - 8;
  const at = off + 8;
  if (ctx.opts.quiet) { ctx.out.t(T_UDP_LENGTH).u(plen); return; }
  if (isPort(sport, dport, 53)) dnsPrint(ctx, at, plen);
  else if (isPort(sport, dport, 67) || isPort(sport, dport, 68)) bootpPrint(ctx, at, plen);
  else if (isPort(sport, dport, 123)) ntpPrint(ctx, at, plen);
  else if (isPort(sport, dport, 5353)) dnsPrint(ctx, at, plen, true);
  else if (isPort(sport, dport, 4789)) vxlanPrint(ctx, at, plen);
  else if (isPort(sport, dport, 6081)) genevePrint(ctx, at, plen);
  else ctx.out.t(T_UDP_LENGTH).u(plen);
}
