/** ICMP, ICMPv6 (neighbor discovery, MLD) and IGMP one-line forms. */
import { Bytes, ip6String, Truncated } from './bytes.js';
import { host4, host6, hostText } from './names.js';
import { makeCtx, type Ctx } from './context.js';
import { ipPrint, onesSum, onesSumRange } from './ip.js';
import { TCP_SERVICES, UDP_SERVICES } from './services.js';
import { shouldBe, type IpInfo } from './transport.js';
import { relTime } from './timestamp.js';
import { ascii, type AsciiText } from './sink.js';

const ICMP_NAMES: Record<number, string> = {
  0: 'echo reply', 4: 'source quench', 8: 'echo request', 10: 'router solicitation', 13: 'time stamp request',
  14: 'time stamp reply', 15: 'information request', 16: 'information reply', 17: 'address mask request',
};
const UNREACH: Record<number, string> = {
  5: '%s unreachable - source route failed', 6: 'net %s unreachable - unknown', 7: 'host %s unreachable - unknown',
  8: '%s unreachable - source host isolated', 9: 'net %s unreachable - admin prohibited', 10: 'host %s unreachable - admin prohibited',
  11: 'net %s unreachable - tos prohibited', 12: 'host %s unreachable - tos prohibited', 13: 'host %s unreachable - admin prohibited filter',
  14: 'host %s unreachable - host precedence violation', 15: 'host %s unreachable - precedence cutoff',
};

const T_ICMP = ascii('ICMP '), T_ECHO_REQUEST = ascii('ICMP echo request, id '), T_ECHO_REPLY = ascii('ICMP echo reply, id ');
const T_SEQ = ascii(', seq '), T_LENGTH = ascii(', length ');
const T_NET = ascii('ICMP net '), T_HOST = ascii('ICMP host '), T_UNREACHABLE = ascii(' unreachable');
const T_PARAMETER_CODE = ascii('ICMP parameter problem - code '), T_PARAMETER_OCTET = ascii('ICMP parameter problem - octet ');
const T_TIME_STAMP_QUERY = ascii('ICMP time stamp query id '), T_SEQ_SPACE = ascii(' seq ');
/** "ICMP NAME" of the types printed by name alone. */
const ICMP_ASCII: readonly (AsciiText | undefined)[] = Array.from({ length: 256 }, (_, t) => (ICMP_NAMES[t] === undefined ? undefined : ascii('ICMP ' + ICMP_NAMES[t])));

function portName(ctx: Ctx, p: number, table: Readonly<Record<number, string>>): string {
  return ctx.opts.numeric === 0 ? (table[p] ?? String(p)) : String(p);
}

export function icmpPrint(ctx: Ctx, off: number, length: number, ip: IpInfo): void {
  const b = ctx.b;
  const type = b.u8(off, 'icmp');
  const code = b.u8(off + 1, 'icmp');
  // Time exceeded checks the quoted destination itself (a soft stop); the other types read
  // their fields with bounds-checked fetches (an abort).
  if (type === 11 && !b.has(off, 28)) throw new Truncated('icmp', true);
  // The common forms are written straight to the output once their fields are fetched (str
  // stays undefined); the others are built as a string first. Either way nothing is written
  // before every fetch succeeded.
  const out = ctx.out;
  let str: string | undefined;
  const inner = off + 8;
  switch (type) {
    case 0: case 8: {
      const id = b.u16(off + 4, 'icmp'), seq = b.u16(off + 6, 'icmp');
      out.t(type === 8 ? T_ECHO_REQUEST : T_ECHO_REPLY).u(id).t(T_SEQ).u(seq);
      break;
    }
    case 3: {
      const idst = host4(ctx, b, inner + 16, 'icmp');
      switch (code) {
        case 0: out.t(T_NET).s(idst).t(T_UNREACHABLE); break;
        case 1: out.t(T_HOST).s(idst).t(T_UNREACHABLE); break;
        case 2: str = `${idst} protocol ${b.u8(inner + 9, 'icmp')} unreachable`; break;
        case 3: {
          const ihl = (b.u8(inner, 'icmp') & 0xf) * 4;
          const proto = b.u8(inner + 9, 'icmp');
          const dport = b.u16(inner + ihl + 2, 'icmp');
          str = proto === 6 ? `${idst} tcp port ${portName(ctx, dport, TCP_SERVICES)} unreachable`
            : proto === 17 ? `${idst} udp port ${portName(ctx, dport, UDP_SERVICES)} unreachable`
              : `${idst} protocol ${proto} port ${dport} unreachable`;
          break;
        }
        case 4: {
          const mtu = b.u16(off + 6, 'icmp');
          str = mtu ? `${idst} unreachable - need to frag (mtu ${mtu})` : `${idst} unreachable - need to frag`;
          break;
        }
        default: str = (UNREACH[code] ?? `#${code} %s unreachable`).replace('%s', idst);
      }
      break;
    }
    case 5: {
      const idst = host4(ctx, b, inner + 16, 'icmp');
      const gw = host4(ctx, b, off + 4, 'icmp');
      const fmt = ['redirect %s to net %s', 'redirect %s to host %s', 'redirect-tos %s to net %s', 'redirect-tos %s to host %s'][code];
      str = fmt ? fmt.replace('%s', idst).replace('%s', gw) : `redirect-#${code} ${idst} to ${gw}`;
      break;
    }
    case 11: str = code === 0 ? 'time exceeded in-transit' : code === 1 ? 'ip reassembly time exceeded' : `time exceeded-#${code}`; break;
    case 12: {
      if (code) { out.t(T_PARAMETER_CODE).u(code); break; }
      const octet = b.u8(off + 4, 'icmp');
      out.t(T_PARAMETER_OCTET).u(octet);
      break;
    }
    case 13: {
      const id = b.u16(off + 4, 'icmp'), seq = b.u16(off + 6, 'icmp');
      out.t(T_TIME_STAMP_QUERY).u(id).t(T_SEQ_SPACE).u(seq);
      break;
    }
    case 14: {
      // Milliseconds since midnight UT, as hh:mm:ss.mmm (hours unbounded for bogus values).
      const t = (v: number): string => {
        const ms = v % 1000, secs = Math.floor(v / 1000);
        return `${String(Math.floor(secs / 3600)).padStart(2, '0')}:${String(Math.floor(secs / 60) % 60).padStart(2, '0')}:${String(secs % 60).padStart(2, '0')}.${String(ms).padStart(3, '0')}`;
      };
      str = `time stamp reply id ${b.u16(off + 4, 'icmp')} seq ${b.u16(off + 6, 'icmp')}: org ${t(b.u32(off + 8, 'icmp'))}, recv ${t(b.u32(off + 12, 'icmp'))}, xmit ${t(b.u32(off + 16, 'icmp'))}`;
      break;
    }
    case 18: str = `address mask is 0x${b.u32(off + 8, 'icmp').toString(16).padStart(8, '0')}`; break;
    default: {
      const name = ICMP_ASCII[type];
      if (name !== undefined) out.t(name); else str = `type-#${type}`;
    }
  }
  if (str !== undefined) out.t(T_ICMP).s(str);
  out.t(T_LENGTH).v(length);
  if (ctx.opts.verbose && !ip.fragmented && b.has(off, length)) {
    const sum = onesSumRange(b.data, off, off + length);
    if (sum !== 0xffff) {
      const tmp = b.data.slice(off, off + length);
      tmp[2] = 0; tmp[3] = 0;
      ctx.out.s(`, bad cksum ${b.u16(off + 2).toString(16)} (->${(~onesSum(tmp) & 0xffff).toString(16)})!`);
    }
  }
  // Error messages quote the offending datagram; -v prints it.
  if (ctx.opts.verbose && (type === 3 || type === 4 || type === 5 || type === 11 || type === 12)) {
    ctx.out.s('\n\t');
    if (!b.has(off + 8, 4)) throw new Truncated('icmp');
    // The quoted datagram is printed with its own total length, the capture ending there too.
    const ipLen = b.u16(off + 10);
    const inner = makeCtx(new Bytes(b.data.subarray(0, Math.min(b.length, off + 8 + ipLen))), ctx.opts, ctx.state, ctx.origLength, ctx.out, true);
    ipPrint(inner, off + 8, ipLen);
  }
}

const ICMP6_NAMES: Record<number, string> = {
  1: 'destination unreachable', 2: 'packet too big', 3: 'time exceeded in-transit', 4: 'parameter problem', 128: 'echo request',
  129: 'echo reply', 130: 'multicast listener query', 131: 'multicast listener report', 132: 'multicast listener done',
  133: 'router solicitation', 134: 'router advertisement', 135: 'neighbor solicitation', 136: 'neighbor advertisement',
  137: 'redirect', 138: 'router renumbering', 139: 'node information query', 140: 'node information reply',
  141: 'inverse neighbor solicitation', 142: 'inverse neighbor advertisement', 143: 'multicast listener report v2',
  144: 'ha discovery request', 145: 'ha discovery reply', 146: 'mobile router solicitation', 147: 'mobile router advertisement',
  148: 'certification path solicitation', 149: 'certification path advertisement', 151: 'multicast router advertisement',
  152: 'multicast router solicitation', 153: 'multicast router termination', 155: 'RPL',
};
const UNREACH6: Record<number, string> = { 0: 'unreachable route', 1: ' unreachable prohibited', 2: 'beyond scope', 3: 'unreachable address', 4: 'unreachable port' };

/** The first upper-layer header inside an ICMPv6 error's quoted packet. */
function upperLayer(ctx: Ctx, ip6: number): [number, number] {
  const b = ctx.b;
  let nh = b.u8(ip6 + 6, 'icmp6');
  let at = ip6 + 40;
  while (nh === 0 || nh === 60 || nh === 43 || nh === 44) {
    const next = b.u8(at, 'icmp6');
    at += nh === 44 ? 8 : (b.u8(at + 1, 'icmp6') + 1) * 8;
    nh = next;
  }
  return [nh, at];
}

const ND_OPT_NAMES: Record<number, string> = {
  1: 'source link-address', 2: 'destination link-address', 3: 'prefix info', 4: 'redirected header', 5: 'mtu', 7: 'advertisement interval',
  8: 'homeagent information', 24: 'route info', 25: 'rdnss', 31: 'dnssl',
};
const MLDV2_RECORD = ['', 'is_in', 'is_ex', 'to_in', 'to_ex', 'allow', 'block'];

const flagList = (bits: readonly [number, string][], v: number): string => bits.filter(([m]) => v & m).map(([, n]) => n).join(', ') || 'none';
const lifetime = (v: number): string => (v === 0xffffffff ? 'infinity' : `${v}s`);

/**
 * Neighbor discovery options (-v), each on its own line; -vv adds their bytes in hex. As in
 * tcpdump's icmp6_opt_print, `ep` is the end of the captured bytes (within the IPv6 payload)
 * and `resid` the bytes the message claims: a zero-length option or one running past the
 * capture ends the list with the truncation marker.
 */
function ndOptions(ctx: Ctx, at: number, end: number): void {
  const b = ctx.b;
  const ep = Math.min(b.length, end);
  const bp = at;
  let resid = end - at;
  while (at < ep) {
    if (at + 1 >= ep) { ctx.out.s(' [|icmp6]'); return; }
    if (resid <= 0) return;
    const type = b.u8(at);
    const len = b.u8(at + 1);
    if (len === 0 || at + len * 8 > ep) { ctx.out.s(' [|icmp6]'); return; }
    ctx.out.s('\n\t  ').v(ND_OPT_NAMES[type] ?? 'unknown').s(' option (').v(type).s('), length ').v(len * 8).s(' (').v(len).s('): ');
    const data = b.data.subarray(at + 2, at + len * 8);
    switch (type) {
      case 1: case 2: ctx.out.s([...data].map((x) => x.toString(16).padStart(2, '0')).join(':')); break;
      case 3: {
        const prefix = host6(ctx, b, at + 16, 'icmp6');
        ctx.out.s(`${prefix}/${b.u8(at + 2)}${len !== 4 ? 'badlen' : ''}, `);
        ctx.out.s(`Flags [${flagList([[0x80, 'onlink'], [0x40, 'auto'], [0x20, 'router']], b.u8(at + 3))}], `);
        ctx.out.s(`valid time ${lifetime(b.u32(at + 4, 'icmp6'))}, pref. time ${lifetime(b.u32(at + 8, 'icmp6'))}`);
        break;
      }
      case 4: ctx.out.s(indentedHex(b.data.subarray(bp, Math.min(b.length, bp + len * 8)), '\n\t    ')); break;
      case 5: ctx.out.s(` ${b.u32(at + 4, 'icmp6')}${len !== 1 ? 'bad option length' : ''}`); break;
      case 7: ctx.out.s(` ${b.u32(at + 4, 'icmp6')}ms`); break;
      case 8: ctx.out.s(` preference ${b.u16(at + 4, 'icmp6')}, lifetime ${b.u16(at + 6, 'icmp6')}`); break;
      case 24: {
        b.need(at + 4, 4, 'icmp6');
        const pfx = new Uint8Array(16);
        if (len === 2) { b.need(at + 8, 8, 'icmp6'); pfx.set(b.data.subarray(at + 8, at + 16)); }
        else if (len === 3) { b.need(at + 8, 16, 'icmp6'); pfx.set(b.data.subarray(at + 8, at + 24)); }
        else if (len !== 1) { ctx.out.s(' [|icmp6]'); return; }
        ctx.out.s(` ${hostText(ctx, ip6String(new Bytes(pfx), 0))}/${b.u8(at + 2)}, pref=${['medium', 'high', 'rsv', 'low'][(b.u8(at + 3) >> 3) & 3]}, lifetime=${lifetime(b.u32(at + 4))}`);
        break;
      }
      case 25: {
        ctx.out.s(` lifetime ${b.u32(at + 4, 'icmp6')}s,`);
        for (let i = 0; i < (len - 1) >> 1; i++) ctx.out.s(` addr: ${host6(ctx, b, at + 8 + 16 * i, 'icmp6')}`);
        break;
      }
      case 31: {
        ctx.out.s(` lifetime ${b.u32(at + 4, 'icmp6')}s, domain(s):`);
        let d = at + 8;
        while (d < at + len * 8 && b.u8(d, 'icmp6') !== 0) {
          ctx.out.s(' ');
          d = fqdn(ctx, d);
          if (d < 0) { ctx.out.s(' [|icmp6]'); return; }
        }
        break;
      }
      default:
        if (ctx.opts.verbose <= 1) { ctx.out.s(indentedHex(data, '\n\t  ')); return; }
    }
    if (ctx.opts.verbose > 1) ctx.out.s(indentedHex(data, '\n\t    '));
    at += len * 8;
    resid -= len * 8;
  }
}

/** An uncompressed domain name with its trailing dot (fqdn_print without pointers); -1 when cut. */
function fqdn(ctx: Ctx, at: number): number {
  const b = ctx.b;
  let s = '';
  for (;;) {
    if (at >= b.length) { ctx.out.s(s); return -1; }
    const l = b.data[at]!;
    if (l === 0) { ctx.out.s(s === '' ? '.' : s); return at + 1; }
    if (l & 0xc0) { ctx.out.s(s); return -1; }
    if (at + 1 + l > b.length) { ctx.out.s(s); return -1; }
    for (let i = 0; i < l; i++) {
      const c = b.data[at + 1 + i]!;
      s += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : `\\${c.toString(8).padStart(3, '0')}`;
    }
    s += '.';
    at += l + 1;
  }
}

/** tcpdump's print_unknown_data: a -x style dump with the given line prefix. */
function indentedHex(d: Uint8Array, ident: string): string {
  let s = '';
  for (let i = 0; i < d.length; i += 2) {
    if (i % 16 === 0) s += `${ident}0x${i.toString(16).padStart(4, '0')}: `;
    s += ` ${d[i]!.toString(16).padStart(2, '0')}${i + 1 < d.length ? d[i + 1]!.toString(16).padStart(2, '0') : ''}`;
  }
  return s;
}

export function icmp6Print(ctx: Ctx, off: number, length: number, ip: IpInfo): void {
  const b = ctx.b;
  const type = b.u8(off, 'icmp6');
  const verbose = ctx.opts.verbose > 0;
  if (verbose && !ip.fragmented && b.has(off, length)) {
    const sum = onesSum(b.data.subarray(off, off + length), pseudo6(ctx, ip, length));
    const stored = b.u16(off + 2);
    ctx.out.s(sum === 0xffff ? '[icmp6 sum ok] ' : `[bad icmp6 cksum 0x${stored.toString(16).padStart(4, '0')} -> 0x${shouldBe(stored, sum).toString(16).padStart(4, '0')}!] `);
  }
  ctx.out.s(`ICMP6, ${ICMP6_NAMES[type] ?? `unknown icmp6 type (${type})`}`);
  // With -v tcpdump prints the length here for neighbor discovery, and not at the end.
  if (verbose && (type === 133 || type === 134 || type === 135 || type === 136 || type === 137 || type === 145 || type === 147)) ctx.out.s(', length ').v(length);
  const code = b.u8(off + 1, 'icmp6');
  const oip = off + 8;
  switch (type) {
    case 1:
      ctx.out.s(`, ${UNREACH6[code] ?? `unknown unreach code (${code})`}`);
      if (code === 0 || code === 1 || code === 3) ctx.out.s(` ${host6(ctx, b, oip + 24, 'icmp6')}`);
      else if (code === 2) ctx.out.s(` ${host6(ctx, b, oip + 24, 'icmp6')}, source address ${host6(ctx, b, oip + 8, 'icmp6')}`);
      else if (code === 4) {
        const [prot, at] = upperLayer(ctx, oip);
        const dport = b.u16(at + 2, 'icmp6');
        const dst = host6(ctx, b, oip + 24, 'icmp6');
        ctx.out.s(prot === 6 ? `, ${dst} tcp port ${portName(ctx, dport, TCP_SERVICES)}` : prot === 17 ? `, ${dst} udp port ${portName(ctx, dport, UDP_SERVICES)}` : `, ${dst} protocol ${prot} port ${dport} unreachable`);
      }
      break;
    case 2: ctx.out.s(`, mtu ${b.u32(off + 4, 'icmp6')}`); break;
    case 3:
      if (code === 0) ctx.out.s(` for ${host6(ctx, b, oip + 24, 'icmp6')}`);
      else if (code === 1) ctx.out.s(' (reassembly)');
      else ctx.out.s(', unknown code (').v(code).s(')');
      break;
    case 4: {
      // The quoted header's destination must be captured, though it is not printed.
      if (!b.has(oip + 24, 16)) throw new Truncated('icmp6', true);
      const ptr = b.u32(off + 4, 'icmp6');
      ctx.out.s([`, erroneous - octet ${ptr}`, `, next header - octet ${ptr}`, `, option - octet ${ptr}`, `, incomplete header chain - octet ${ptr}`][code] ?? `, code-#${code}`);
      break;
    }
    case 128: case 129: ctx.out.s(`, id ${b.u16(off + 4, 'icmp6')}, seq ${b.u16(off + 6, 'icmp6')}`); break;
    case 130:
      if (length === 24) { if (b.has(off, 24)) ctx.out.s(`max resp delay: ${b.u16(off + 4, 'icmp6')} addr: ${host6(ctx, b, off + 8, 'icmp6')}`); }
      else if (length >= 28) { ctx.out.s(' v2'); mldv2Query(ctx, off, length); }
      else ctx.out.s(' unknown-version (len ').v(length).s(') ');
      break;
    case 131: case 132:
      // tcpdump's mld6_print prints nothing when the message is cut short.
      if (b.has(off, 24)) ctx.out.s(`max resp delay: ${b.u16(off + 4, 'icmp6')} addr: ${host6(ctx, b, off + 8, 'icmp6')}`);
      break;
    case 133: if (verbose) ndOptions(ctx, off + 8, off + length); break;
    case 134:
      if (verbose) {
        const flags = b.u8(off + 5, 'icmp6');
        ctx.out.s(`\n\thop limit ${b.u8(off + 4, 'icmp6')}, Flags [${flagList([[0x80, 'managed'], [0x40, 'other stateful'], [0x20, 'home agent']], flags)}], pref ${['medium', 'high', 'rsv', 'low'][(flags >> 3) & 3]}, router lifetime ${b.u16(off + 6, 'icmp6')}s, reachable time ${b.u32(off + 8, 'icmp6')}ms, retrans timer ${b.u32(off + 12, 'icmp6')}ms`);
        ndOptions(ctx, off + 16, off + length);
      }
      break;
    case 135:
      ctx.out.s(`, who has ${host6(ctx, b, off + 8, 'icmp6')}`);
      if (verbose) ndOptions(ctx, off + 24, off + length);
      break;
    case 136:
      ctx.out.s(`, tgt is ${host6(ctx, b, off + 8, 'icmp6')}`);
      if (verbose) {
        ctx.out.s(`, Flags [${flagList([[0x80000000, 'router'], [0x40000000, 'solicited'], [0x20000000, 'override']], b.u32(off + 4, 'icmp6'))}]`);
        ndOptions(ctx, off + 24, off + length);
      }
      break;
    case 137:
      // The destination first, then the better first hop (the target).
      ctx.out.s(`, ${host6(ctx, b, off + 24, 'icmp6')} to ${host6(ctx, b, off + 8, 'icmp6')}`);
      if (verbose) ndOptions(ctx, off + 40, off + length);
      break;
    case 143: {
      const groups = b.u16(off + 6, 'icmp6');
      ctx.out.s(', ').v(groups).s(' group record(s)');
      if (verbose) {
        let g = off + 8;
        for (let i = 0; i < groups; i++) {
          ctx.out.s(` [gaddr ${host6(ctx, b, g + 4, 'icmp6')} ${MLDV2_RECORD[b.u8(g, 'icmp6')] ?? ` [v2-report-#${b.u8(g)}]`}`);
          const nsrcs = b.u16(g + 2, 'icmp6');
          if (length < g - off + 20 + nsrcs * 16) { ctx.out.s(' [invalid number of sources ').v(nsrcs).s(']'); throw new Truncated('icmp6'); }
          if (ctx.opts.verbose === 1) ctx.out.s(', ').v(nsrcs).s(' source(s)');
          else {
            ctx.out.s(' {');
            for (let j = 0; j < nsrcs; j++) ctx.out.s(` ${host6(ctx, b, g + 20 + j * 16, 'icmp6')}`);
            ctx.out.s(' }');
          }
          g += 20 + nsrcs * 16;
          ctx.out.s(']');
        }
      }
      break;
    }
    default: break;
  }
  if (!verbose) ctx.out.s(', length ').v(length);
}

/** MLDv2 query (RFC 3810): group, flags with -v, sources with -vv. */
function mldv2Query(ctx: Ctx, off: number, length: number): void {
  const b = ctx.b;
  const mrc = b.u16(off + 4, 'icmp6');
  const mrt = mrc < 32768 ? mrc : ((mrc & 0x0fff) | 0x1000) << (((mrc & 0x7000) >> 12) + 3);
  if (ctx.opts.verbose) ctx.out.s(' [max resp delay=').v(mrt).s(']');
  ctx.out.s(` [gaddr ${host6(ctx, b, off + 8, 'icmp6')}`);
  if (ctx.opts.verbose) {
    const s = b.u8(off + 24, 'icmp6');
    if (s & 8) ctx.out.s(' sflag');
    if (s & 7) ctx.out.s(' robustness=').v(s & 7);
    const q = b.u8(off + 25, 'icmp6');
    ctx.out.s(' qqi=').v(q < 128 ? q : ((q & 0x0f) | 0x10) << (((q & 0x70) >> 4) + 3));
  }
  const nsrcs = b.u16(off + 26, 'icmp6');
  if (nsrcs > 0) {
    if (length < 28 + nsrcs * 16) ctx.out.s(' [invalid number of sources]');
    else if (ctx.opts.verbose > 1) {
      ctx.out.s(' {');
      for (let i = 0; i < nsrcs; i++) ctx.out.s(` ${host6(ctx, b, off + 28 + 16 * i, 'icmp6')}`);
      ctx.out.s(' }');
    } else ctx.out.s(', ').v(nsrcs).s(' source(s)');
  }
  ctx.out.s(']');
}

function pseudo6(ctx: Ctx, ip: IpInfo, len: number): number {
  const d = ctx.b.data;
  const hdr = new Uint8Array(40);
  hdr.set(d.subarray(ip.srcOff, ip.srcOff + 16), 0);
  hdr.set(d.subarray(ip.dstOff, ip.dstOff + 16), 16);
  const v = new DataView(hdr.buffer);
  v.setUint32(32, len);
  v.setUint32(36, 58);
  return onesSum(hdr);
}

export function igmpPrint(ctx: Ctx, off: number, len: number): void {
  const b = ctx.b;
  if (ctx.opts.quiet) { ctx.out.s('igmp'); return; }
  const type = b.u8(off, 'igmp');
  const lenNote = (): string => (len !== 8 ? ` [len ${len}]` : '');
  switch (type) {
    case 0x11: {
      ctx.out.s('igmp query');
      if (len >= 12) {
        ctx.out.s(' v3');
        const mrc = b.u8(off + 1, 'igmp');
        const mrt = mrc < 128 ? mrc : ((mrc & 0x0f) | 0x10) << (((mrc >> 4) & 7) + 3);
        if (mrc !== 100) ctx.out.s(` [max resp time ${mrt < 600 ? `${(mrt / 10).toFixed(1)}s` : relTime(Math.floor(mrt / 10))}]`);
        if (b.u32(off + 4, 'igmp') === 0) break;
        ctx.out.s(` [gaddr ${host4(ctx, b, off + 4, 'igmp')}`);
        const nsrcs = b.u16(off + 10, 'igmp');
        if (nsrcs > 0) {
          if (len < 12 + nsrcs * 4) ctx.out.s(' [invalid number of sources ').v(nsrcs).s(']');
          else if (ctx.opts.verbose > 1) {
            ctx.out.s(' {');
            for (let i = 0; i < nsrcs; i++) ctx.out.s(` ${host4(ctx, b, off + 12 + 4 * i, 'igmp')}`);
            ctx.out.s(' }');
          } else ctx.out.s(', ').v(nsrcs).s(' source(s)');
        }
        ctx.out.s(']');
        break;
      }
      const mrc = b.u8(off + 1, 'igmp');
      if (mrc) {
        ctx.out.s(' v2');
        if (mrc !== 100) ctx.out.s(' [max resp time ').v(mrc).s(']');
      } else ctx.out.s(' v1');
      if (b.u32(off + 4, 'igmp')) ctx.out.s(` [gaddr ${host4(ctx, b, off + 4, 'igmp')}]`);
      ctx.out.s(lenNote());
      break;
    }
    case 0x12: ctx.out.s(`igmp v1 report ${host4(ctx, b, off + 4, 'igmp')}${lenNote()}`); break;
    case 0x16: ctx.out.s(`igmp v2 report ${host4(ctx, b, off + 4, 'igmp')}${lenNote()}`); break;
    case 0x17: ctx.out.s(`igmp leave ${host4(ctx, b, off + 4, 'igmp')}${lenNote()}`); break;
    case 0x22: {
      ctx.out.s('igmp v3 report');
      if (len < 16 || len % 4) { ctx.out.s(' [invalid len ').v(len).s(']'); break; }
      const groups = b.u16(off + 6, 'igmp');
      ctx.out.s(', ').v(groups).s(' group record(s)');
      if (!ctx.opts.verbose) break;
      let g = off + 8;
      for (let i = 0; i < groups; i++) {
        ctx.out.s(` [gaddr ${host4(ctx, b, g + 4, 'igmp')} ${MLDV2_RECORD[b.u8(g, 'igmp')] ?? ` [v3-report-#${b.u8(g)}]`}`);
        const nsrcs = b.u16(g + 2, 'igmp');
        if (len < g - off + 8 + nsrcs * 4) { ctx.out.s(' [invalid number of sources ').v(nsrcs).s(']'); throw new Truncated('igmp'); }
        if (ctx.opts.verbose === 1) ctx.out.s(', ').v(nsrcs).s(' source(s)');
        else {
          ctx.out.s(' {');
          for (let j = 0; j < nsrcs; j++) ctx.out.s(` ${host4(ctx, b, g + 8 + 4 * j, 'igmp')}`);
          ctx.out.s(' }');
        }
        g += 8 + nsrcs * 4 + b.u8(g + 1, 'igmp') * 4;
        ctx.out.s(']');
      }
      break;
    }
    case 0x13: ctx.out.s('igmp dvmrp'); break;
    case 0x14: ctx.out.s('igmp pimv1'); break;
    default: ctx.out.s('igmp-').v(type);
  }
  if (ctx.opts.verbose && len >= 4 && b.has(off, len) && onesSum(b.data.subarray(off, off + len)) !== 0xffff) {
    const tmp = b.data.slice(off, off + len);
    tmp[2] = 0; tmp[3] = 0;
    ctx.out.s(` bad igmp cksum ${b.u16(off + 2).toString(16)}!`);
  }
}
