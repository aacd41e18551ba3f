import { ascii, type AsciiText } from './sink.js';

const NO_TEXT: AsciiText = ascii('');

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
  /** (Replaced only by the packet printer, which reuses one Bytes for every packet.) */
  constructor(public data: Uint8Array) {}
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

/** Big-endian 16 bits at `o`, which the caller has checked is captured (hot paths, after a `has`). */
export function be16(d: Uint8Array, o: number): number {
  return (d[o]! << 8) | d[o + 1]!;
}

/** Big-endian 32 bits (unsigned) at `o`, which the caller has checked is captured. */
export function be32(d: Uint8Array, o: number): number {
  return ((d[o]! << 24) | (d[o + 1]! << 16) | (d[o + 2]! << 8) | d[o + 3]!) >>> 0;
}

/** Big-endian 32 bits at `o` as a signed integer (a hash-table key word), which the caller has checked is captured. */
export function be32i(d: Uint8Array, o: number): number {
  return (d[o]! << 24) | (d[o + 1]! << 16) | (d[o + 2]! << 8) | d[o + 3]!;
}

/**
 * A sequential (flat) copy of `s`. V8 keeps a concatenation of 13 or more characters as a tree
 * of its pieces; a table entry or cached text built that way would add all its pieces to every
 * line it is appended to, each walked again when the output is flattened for writing.
 */
export function flat(s: string): string {
  // (A JSON round trip makes a new sequential string; a join of one non-empty piece returns the tree.)
  return s.length < 13 ? s : (JSON.parse(JSON.stringify(s)) as string);
}

/** Two lowercase hex digits of every byte value (printing hot paths index it instead of toString(16)). */
export const HEX2: readonly string[] = Array.from({ length: 256 }, (_, v) => v.toString(16).padStart(2, '0'));
/** Decimal text of every byte value. */
export const DEC8: readonly string[] = Array.from({ length: 256 }, (_, v) => String(v));

export const hex2 = (v: number): string => HEX2[v & 0xff]!;
export const hex4 = (v: number): string => (v >= 0 && v <= 0xffff ? HEX2[v >> 8]! + HEX2[v & 0xff]! : v.toString(16).padStart(4, '0'));

export function macString(b: Bytes, off: number): string {
  b.need(off, 6, 'ether');
  const d = b.data;
  return HEX2[d[off]!]! + ':' + HEX2[d[off + 1]!]! + ':' + HEX2[d[off + 2]!]! + ':' + HEX2[d[off + 3]!]! + ':' + HEX2[d[off + 4]!]! + ':' + HEX2[d[off + 5]!]!;
}

/** Link-layer address of any length, colon-separated hex (tcpdump's linkaddr_string). */
export function linkAddrString(b: Bytes, off: number, len: number): string {
  b.need(off, len, '');
  let s = '';
  for (let i = 0; i < len; i++) s += i === 0 ? HEX2[b.data[off]!]! : ':' + HEX2[b.data[off + i]!]!;
  return s;
}

export function ip4String(b: Bytes, off: number, proto = 'ip'): string {
  b.need(off, 4, proto);
  const d = b.data;
  return DEC8[d[off]!]! + '.' + DEC8[d[off + 1]!]! + '.' + DEC8[d[off + 2]!]! + '.' + DEC8[d[off + 3]!]!;
}

/**
 * The text of recently printed IPv4 and IPv6 addresses, in small direct-mapped tables (one per
 * printer, as tcpdump keeps its host name cache): a capture repeats few hosts, and the same
 * string object each time also makes the TCP conversation lookup cheap (its hash is kept).
 */
export class AddressText {
  private readonly v4Keys = new Int32Array(1024);
  private readonly v4Text: (string | undefined)[] = new Array<string | undefined>(1024).fill(undefined);
  private readonly v4Ascii: AsciiText[] = new Array<AsciiText>(1024).fill(NO_TEXT);
  private readonly v4AsciiDot: AsciiText[] = new Array<AsciiText>(1024).fill(NO_TEXT);
  private readonly v6Keys = new Int32Array(4 * 512);
  private readonly v6Text: (string | undefined)[] = new Array<string | undefined>(512).fill(undefined);
  private readonly v6Ascii: AsciiText[] = new Array<AsciiText>(512).fill(NO_TEXT);
  private readonly v6AsciiDot: AsciiText[] = new Array<AsciiText>(512).fill(NO_TEXT);
  /** The address returned by the last ip4 or ip6 call, encoded for Sink.t. */
  lastAscii: AsciiText = NO_TEXT;
  /** The same followed by '.' (the "addr.port" of transport endpoints). */
  lastAsciiDot: AsciiText = NO_TEXT;
  private readonly macKeys = new Int32Array(2 * 512);
  private readonly macText: (string | undefined)[] = new Array<string | undefined>(512).fill(undefined);

  /** The dotted quad at `off`, which the caller has checked is captured. */
  ip4(d: Uint8Array, off: number): string {
    const key = (d[off]! << 24) | (d[off + 1]! << 16) | (d[off + 2]! << 8) | d[off + 3]!;
    const slot = Math.imul(key, 0x9e3779b1) >>> 22;
    const hit = this.v4Text[slot];
    if (hit !== undefined && this.v4Keys[slot] === key) { this.lastAscii = this.v4Ascii[slot]!; this.lastAsciiDot = this.v4AsciiDot[slot]!; return hit; }
    const text = flat(DEC8[d[off]!]! + '.' + DEC8[d[off + 1]!]! + '.' + DEC8[d[off + 2]!]! + '.' + DEC8[d[off + 3]!]!);
    this.v4Keys[slot] = key;
    this.v4Text[slot] = text;
    this.lastAscii = this.v4Ascii[slot] = ascii(text);
    this.lastAsciiDot = this.v4AsciiDot[slot] = ascii(text + '.');
    return text;
  }

  /** The colon-separated text of the MAC address at `off`, which the caller has checked is captured. */
  mac(d: Uint8Array, off: number): string {
    const hi = (d[off]! << 8) | d[off + 1]!;
    const lo = (d[off + 2]! << 24) | (d[off + 3]! << 16) | (d[off + 4]! << 8) | d[off + 5]!;
    const slot = Math.imul(lo ^ Math.imul(hi, 0x85ebca6b), 0x9e3779b1) >>> 23;
    const hit = this.macText[slot];
    if (hit !== undefined && this.macKeys[2 * slot] === hi && this.macKeys[2 * slot + 1] === lo) return hit;
    const text = flat(HEX2[d[off]!]! + ':' + HEX2[d[off + 1]!]! + ':' + HEX2[d[off + 2]!]! + ':' + HEX2[d[off + 3]!]! + ':' + HEX2[d[off + 4]!]! + ':' + HEX2[d[off + 5]!]!);
    this.macKeys[2 * slot] = hi;
    this.macKeys[2 * slot + 1] = lo;
    this.macText[slot] = text;
    return text;
  }

  /** The RFC 5952 text of the IPv6 address at `off`, which the caller has checked is captured. */
  ip6(b: Bytes, off: number): string {
    const d = b.data;
    const w0 = (d[off]! << 24) | (d[off + 1]! << 16) | (d[off + 2]! << 8) | d[off + 3]!;
    const w1 = (d[off + 4]! << 24) | (d[off + 5]! << 16) | (d[off + 6]! << 8) | d[off + 7]!;
    const w2 = (d[off + 8]! << 24) | (d[off + 9]! << 16) | (d[off + 10]! << 8) | d[off + 11]!;
    const w3 = (d[off + 12]! << 24) | (d[off + 13]! << 16) | (d[off + 14]! << 8) | d[off + 15]!;
    const slot = Math.imul(w0 ^ Math.imul(w1, 31) ^ Math.imul(w2, 961) ^ Math.imul(w3, 0x9e3779b1), 0x85ebca6b) >>> 23;
    const k = this.v6Keys, at = slot * 4;
    const hit = this.v6Text[slot];
    if (hit !== undefined && k[at] === w0 && k[at + 1] === w1 && k[at + 2] === w2 && k[at + 3] === w3) { this.lastAscii = this.v6Ascii[slot]!; this.lastAsciiDot = this.v6AsciiDot[slot]!; return hit; }
    const text = flat(ip6String(b, off));
    k[at] = w0; k[at + 1] = w1; k[at + 2] = w2; k[at + 3] = w3;
    this.v6Text[slot] = text;
    this.lastAscii = this.v6Ascii[slot] = ascii(text);
    this.lastAsciiDot = this.v6AsciiDot[slot] = ascii(text + '.');
    return text;
  }
}

/**
 * The -e "SRC > DST, " text of recent Ethernet address pairs, encoded for Sink.t, in a
 * direct-mapped table keyed by the 12 address bytes themselves (no address strings to look up
 * or hash on a hit).
 */
export class MacPairAscii {
  private readonly keys = new Int32Array(3 * 1024);
  private readonly text: (AsciiText | undefined)[] = new Array<AsciiText | undefined>(1024).fill(undefined);

  /** The slot of the pair whose 12 bytes are the words w0, w1, w2. */
  private static slot(w0: number, w1: number, w2: number): number {
    return Math.imul(w0 ^ Math.imul(w1, 0x85ebca6b) ^ Math.imul(w2, 0xc2b2ae35), 0x9e3779b1) >>> 22;
  }

  get(d: Uint8Array): AsciiText | undefined {
    const w0 = be32i(d, 0), w1 = be32i(d, 4), w2 = be32i(d, 8);
    const slot = MacPairAscii.slot(w0, w1, w2), at = 3 * slot, k = this.keys;
    return k[at] === w0 && k[at + 1] === w1 && k[at + 2] === w2 ? this.text[slot] : undefined;
  }

  set(d: Uint8Array, text: AsciiText): void {
    const w0 = be32i(d, 0), w1 = be32i(d, 4), w2 = be32i(d, 8);
    const slot = MacPairAscii.slot(w0, w1, w2), at = 3 * slot;
    this.keys[at] = w0; this.keys[at + 1] = w1; this.keys[at + 2] = w2;
    this.text[slot] = text;
  }
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
    if (s !== '' && !s.endsWith(':')) s += ':';
    if (v4tail && i === 6) { s += `${w[6]! >> 8}.${w[6]! & 0xff}.${w[7]! >> 8}.${w[7]! & 0xff}`; break; }
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
export function etherName(b: Bytes, off: number, numeric: number, names?: AddressText): string {
  const text = names !== undefined && b.has(off, 6) ? names.mac(b.data, off) : macString(b, off);
  if (numeric > 0) return text;
  if (text === 'ff:ff:ff:ff:ff:ff') return 'Broadcast';
  const oui = (b.data[off]! << 16) | (b.data[off + 1]! << 8) | b.data[off + 2]!;
  return `${text} (oui ${OUI_NAMES.get(oui) ?? 'Unknown'})`;
}
