/**
 * Bounds-checked reads over the captured bytes. Reading past the captured length throws the
 * `Truncated` signal, which the printers turn into tcpdump's ` [|proto]` marker; it never
 * escapes the decoder.
 */
export class Truncated {
  /**
   * `soft`: tcpdump found the shortage with an explicit check and returned normally (the
   * link header length is still known to -x/-X/-A); otherwise it long-jumped out of the
   * printers and dumps the whole packet.
   */
  constructor(readonly proto: string, readonly soft = false) {}
}

export class Bytes {
  constructor(readonly data: Uint8Array) {}
  get length(): number { return this.data.length; }
  has(off: number, n: number): boolean { return off >= 0 && off + n <= this.data.length; }
  need(off: number, n: number, proto: string): void { if (!this.has(off, n)) throw new Truncated(proto); }
  u8(off: number, proto = ''): number {
    if (off >= this.data.length) throw new Truncated(proto);
    return this.data[off]!;
  }
  u16(off: number, proto = ''): number {
    if (off + 2 > this.data.length) throw new Truncated(proto);
    return (this.data[off]! << 8) | this.data[off + 1]!;
  }
  u32(off: number, proto = ''): number {
    if (off + 4 > this.data.length) throw new Truncated(proto);
    return ((this.data[off]! << 24) | (this.data[off + 1]! << 16) | (this.data[off + 2]! << 8) | this.data[off + 3]!) >>> 0;
  }
  u16le(off: number, proto = ''): number {
    if (off + 2 > this.data.length) throw new Truncated(proto);
    return this.data[off]! | (this.data[off + 1]! << 8);
  }
  u32le(off: number, proto = ''): number {
    if (off + 4 > this.data.length) throw new Truncated(proto);
    return (this.data[off]! | (this.data[off + 1]! << 8) | (this.data[off + 2]! << 16) | (this.data[off + 3]! << 24)) >>> 0;
  }
}

export const hex2 = (v: number): string => v.toString(16).padStart(2, '0');
export const hex4 = (v: number): string => v.toString(16).padStart(4, '0');

export function macString(b: Bytes, off: number): string {
  b.need(off, 6, 'ether');
  const d = b.data;
  return `${hex2(d[off]!)}:${hex2(d[off + 1]!)}:${hex2(d[off + 2]!)}:${hex2(d[off + 3]!)}:${hex2(d[off + 4]!)}:${hex2(d[off + 5]!)}`;
}

/** Link-layer address of any length, colon-separated hex (tcpdump's linkaddr_string). */
export function linkAddrString(b: Bytes, off: number, len: number): string {
  b.need(off, len, '');
  const parts: string[] = [];
  for (let i = 0; i < len; i++) parts.push(hex2(b.data[off + i]!));
  return parts.join(':');
}

export function ip4String(b: Bytes, off: number, proto = 'ip'): string {
  b.need(off, 4, proto);
  const d = b.data;
  return `${d[off]}.${d[off + 1]}.${d[off + 2]}.${d[off + 3]}`;
}

/** RFC 5952 text of an IPv6 address, as inet_ntop (and tcpdump) writes it. */
export function ip6String(b: Bytes, off: number, proto = 'ip6'): string {
  b.need(off, 16, proto);
  const w: number[] = [];
  for (let i = 0; i < 8; i++) w.push((b.data[off + 2 * i]! << 8) | b.data[off + 2 * i + 1]!);
  // Longest run of zero words (first one wins a tie), compressed only when at least 2 long.
  let best = -1, bestLen = 0;
  for (let i = 0; i < 8;) {
    if (w[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && w[j] === 0) j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j;
  }
  if (bestLen < 2) best = -1;
  // IPv4-mapped and IPv4-compatible forms end in dotted quad.
  const v4tail = best === 0 && (bestLen === 6 || (bestLen === 5 && w[5] === 0xffff));
  let s = '';
  for (let i = 0; i < 8; i++) {
    if (i === best) { s += '::'; i += bestLen - 1; continue; }
    if (v4tail && i === 6) { s += `${w[6]! >> 8}.${w[6]! & 0xff}.${w[7]! >> 8}.${w[7]! & 0xff}`; break; }
    if (s !== '' && !s.endsWith(':')) s += ':';
    s += w[i]!.toString(16);
  }
  return s;
}

/** tcpdump's small built-in OUI table (used to name MAC vendors when -n is not given). */
const OUI_NAMES: ReadonlyMap<number, string> = new Map([
  [0x000000, 'Ethernet'], [0x00000c, 'Cisco'], [0x00005e, 'IANA'], [0x000081, 'Nortel Networks SONMP'], [0x0000f8, 'Cisco bridged'],
  [0x0080c2, 'Ethernet bridged'], [0x00a03e, 'ATM Forum'], [0x00e02f, 'DOCSIS Spanning Tree'], [0x080007, 'Appletalk'],
  [0x009069, 'Juniper'], [0x080009, 'Hewlett-Packard'], [0x00120f, 'IEEE 802.3 Private'], [0x0012bb, 'ANSI/TIA'],
]);

/**
 * A MAC address as tcpdump names it: numeric with -n; otherwise "Broadcast" for all-ones and
 * the address followed by its OUI vendor ("oui Unknown" when not in the table). /etc/ethers
 * is not consulted.
 */
export function etherName(b: Bytes, off: number, numeric: number): string {
  const text = macString(b, off);
  if (numeric > 0) return text;
  if (text === 'ff:ff:ff:ff:ff:ff') return 'Broadcast';
  const oui = (b.data[off]! << 16) | (b.data[off + 1]! << 8) | b.data[off + 2]!;
  return `${text} (oui ${OUI_NAMES.get(oui) ?? 'Unknown'})`;
}
