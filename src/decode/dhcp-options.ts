/**
 * DHCP/BOOTP vendor options (RFC 2132 and later) as tcpdump's rfc1048_print shows them with -v:
 * each tag has a name and a value form — i: IPv4 addresses, l/L: unsigned/signed 32-bit, s:
 * 16-bit, b: bytes, B: booleans, a: text, p: address pairs, $: option-specific.
 */
import type { Ctx } from './context.js';
import { host4 } from './names.js';

const TAGS: Record<number, string> = {
  1: 'iSubnet-Mask', 2: 'LTime-Zone', 3: 'iDefault-Gateway', 4: 'iTime-Server', 5: 'iIEN-Name-Server', 6: 'iDomain-Name-Server',
  7: 'iLOG', 8: 'iCS', 9: 'iLPR-Server', 10: 'iIM', 11: 'iRL', 12: 'aHostname', 13: 'sBS', 14: 'aDP', 15: 'aDomain-Name', 16: 'iSS',
  17: 'aRP', 18: 'aEP', 19: 'BIPF', 20: 'BSRT', 21: 'pPF', 22: 'sRSZ', 23: 'bTTL', 24: 'lMTU-Timeout', 25: 'sMTU-Table', 26: 'sMTU',
  27: 'BLSN', 28: 'iBR', 29: 'BMD', 30: 'BMS', 31: 'BRD', 32: 'iRSA', 33: 'pStatic-Route', 34: 'BUT', 35: 'lAT', 36: 'BIE', 37: 'bTT',
  38: 'lKI', 39: 'BKG', 40: 'aYD', 41: 'iYS', 42: 'iNTP', 43: 'bVendor-Option', 44: 'iNetbios-Name-Server', 45: 'iWDD',
  47: 'aNetbios-Scope', 48: 'iXFS', 49: 'iXDM', 50: 'iRequested-IP', 51: 'lLease-Time', 54: 'iServer-ID', 55: 'bParameter-Request',
  56: 'aMSG', 57: 'sMSZ', 58: 'lRN', 59: 'lRB', 60: 'aVendor-Class', 61: '$Client-ID', 64: 'sN+D', 65: 'iN+S', 66: 'aTFTP', 67: 'aBF',
  68: 'iMH', 69: 'iSMTP', 70: 'iPOP3', 71: 'iNNTP', 72: 'iWWW', 73: 'iFG', 74: 'iIRC', 75: 'iSTS', 76: 'iSTDA', 81: '$FQDN',
  98: 'aUAP', 116: 'BNOAUTO', 118: 'iSUBNET',
};

const HW_TYPES: Record<number, string> = { 1: 'ether', 6: 'IEEE-802', 7: 'ARCNet', 15: 'FrameRelay', 16: 'ATM', 24: 'IEEE1394' };

/** The option's name as printed ("Unknown" for tags without one). */
export function dhcpOptionName(tag: number): string {
  return TAGS[tag]?.slice(1) ?? 'Unknown';
}

/** fn_print_char: M- for bytes above 127, ^X for control characters. */
function text(d: Uint8Array): string {
  let s = '';
  for (const c of d) {
    const low = c & 0x7f;
    s += (c > 0x7f ? 'M-' : '') + (low < 0x20 || low === 0x7f ? `^${String.fromCharCode(low ^ 0x40)}` : String.fromCharCode(low));
  }
  return s;
}

/** Prints the value of option `tag` (its `len` bytes at `at`, all captured). */
export function dhcpOptionValue(ctx: Ctx, tag: number, at: number, len: number): void {
  const b = ctx.b;
  if (tag === 55) {
    for (let i = 0; i < len; i++) {
      const inner = b.u8(at + i);
      ctx.out.s(`${i % 4 === 0 ? '\n\t      ' : ', '}${TAGS[inner]?.slice(1) ?? `Option ${inner}`} (${inner})`);
    }
    return;
  }
  let kind = TAGS[tag]?.[0] ?? '?';
  // Unknown tags: a form guessed from the length.
  if (kind === '?') kind = len & 1 ? 'b' : len & 2 ? 's' : 'l';
  let out = '';
  let used = len;
  switch (kind) {
    case 'a': out = `"${text(b.data.subarray(at, at + len))}"`; break;
    case 'i': case 'l': case 'L': {
      const parts: string[] = [];
      for (let i = 0; i + 4 <= len; i += 4) parts.push(kind === 'i' ? host4(ctx, b, at + i, 'bootp') : String(kind === 'L' ? b.u32(at + i) | 0 : b.u32(at + i)));
      out = parts.join(',');
      used = parts.length * 4;
      break;
    }
    case 'p': {
      const parts: string[] = [];
      for (let i = 0; i + 8 <= len; i += 8) parts.push(`(${host4(ctx, b, at + i, 'bootp')}:${host4(ctx, b, at + i + 4, 'bootp')})`);
      out = parts.join(',');
      used = parts.length * 8;
      break;
    }
    case 's': {
      const parts: string[] = [];
      for (let i = 0; i + 2 <= len; i += 2) parts.push(String(b.u16(at + i)));
      out = parts.join(',');
      used = parts.length * 2;
      break;
    }
    case 'B': out = [...b.data.subarray(at, at + len)].map((v) => (v === 0 ? 'N' : v === 1 ? 'Y' : `${v}?`)).join(','); break;
    case '$':
      if (tag === 61) {
        if (len < 1) { out = '[ERROR: length < 1 bytes]'; used = 0; break; }
        const type = b.u8(at);
        const rest = b.data.subarray(at + 1, at + len);
        out = type === 0 ? `"${text(rest)}"` : `${HW_TYPES[type] ?? `hardware-type ${type},`} ${[...rest].map((v) => v.toString(16).padStart(2, '0')).join(':')}`;
      } else if (tag === 81) {
        if (len < 3) { out = '[ERROR: length < 3 bytes]'; break; }
        const flags = b.u8(at);
        if (flags & 0xf0) out += `[ERROR: MBZ nibble 0x${((flags & 0xf0) >> 4).toString(16)} != 0] `;
        if (flags & 0x0f) out += `[${[[1, 'S'], [2, 'O'], [4, 'E'], [8, 'N']].filter(([m]) => flags & (m as number)).map(([, n]) => n).join(', ')}] `;
        if (b.u8(at + 1) || b.u8(at + 2)) out += `${b.u8(at + 1)}/${b.u8(at + 2)} `;
        out += `"${text(b.data.subarray(at + 3, at + len))}"`;
      }
      break;
    default: out = [...b.data.subarray(at, at + len)].join('.');
  }
  ctx.out.s(out);
  if (used < len) ctx.out.s('\n\t  trailing data length ').v(len - used);
}
