/**
 * The printers' output: the bytes of the lines, appended to one growable buffer. Printing
 * straight into bytes (numbers as digits, addresses from the packet's bytes) avoids what a
 * line built as a string cost per packet: a number-to-string conversion per field, a string
 * piece per append, and the flattening and UTF-8 encoding of the whole line at write time.
 * tcpdump's text is ASCII except for host names, which are written as UTF-8.
 */
export class Sink {
  buf: Uint8Array;
  /** The same bytes, for writing four at a time. */
  private view: DataView;
  /** Bytes written so far (the next write position). */
  len = 0;

  constructor(size = 1 << 16) {
    this.buf = new Uint8Array(size);
    this.view = new DataView(this.buf.buffer);
  }

  /** Makes room for `n` more bytes. */
  room(n: number): void { if (this.len + n > this.buf.length) this.grow(n); }

  private grow(n: number): void {
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + n + 64));
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  /**
   * A text encoded by `ascii`, written a 32-bit word at a time (several times faster than
   * copying a string's characters one by one). The last word may write up to 3 bytes past
   * the text; they are overwritten by what follows.
   */
  t(text: AsciiText): this {
    const n = text[0]!;
    if (this.len + n + 4 > this.buf.length) this.grow(n + 4);
    const view = this.view;
    let at = this.len;
    for (let i = 1; i < text.length; i++, at += 4) view.setUint32(at, text[i]!, true);
    this.len += n;
    return this;
  }

  /** A string (UTF-8 for any character above 0x7f). */
  s(t: string): this {
    const n = t.length;
    if (this.len + n > this.buf.length) this.grow(n);
    const buf = this.buf;
    let at = this.len;
    for (let i = 0; i < n; i++) {
      const c = t.charCodeAt(i);
      if (c >= 0x80) { this.len = at; this.utf8(t, i); return this; }
      buf[at++] = c;
    }
    this.len = at;
    return this;
  }

  private utf8(t: string, i: number): void {
    this.room((t.length - i) * 3);
    const buf = this.buf;
    let at = this.len;
    for (; i < t.length; i++) {
      let c = t.charCodeAt(i);
      if (c < 0x80) { buf[at++] = c; continue; }
      if (c < 0x800) { buf[at++] = 0xc0 | (c >> 6); buf[at++] = 0x80 | (c & 0x3f); continue; }
      if (c >= 0xd800 && c < 0xdc00 && i + 1 < t.length) {
        const d = t.charCodeAt(i + 1);
        if (d >= 0xdc00 && d < 0xe000) {
          c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          i++;
          buf[at++] = 0xf0 | (c >> 18); buf[at++] = 0x80 | ((c >> 12) & 0x3f); buf[at++] = 0x80 | ((c >> 6) & 0x3f); buf[at++] = 0x80 | (c & 0x3f);
          continue;
        }
      }
      // A lone surrogate becomes U+FFFD, as a string's UTF-8 encoding makes it.
      if (c >= 0xd800 && c < 0xe000) c = 0xfffd;
      buf[at++] = 0xe0 | (c >> 12); buf[at++] = 0x80 | ((c >> 6) & 0x3f); buf[at++] = 0x80 | (c & 0x3f);
    }
    this.len = at;
  }

  /** Any value as a template literal would show it (`${x}`): integers as digits, the rest through String. */
  v(x: unknown): this {
    if (typeof x === 'string') return this.s(x);
    if (typeof x === 'number' && x >= 0 && x <= 0xffffffff && x === Math.floor(x)) return this.u(x);
    return this.s(String(x));
  }

  /**
   * A non-negative integer in decimal, written digit by digit up to 2^32 - 1 (anything else,
   * larger or not a non-negative integer, through String).
   */
  u(n: number): this {
    if ((n >>> 0) !== n) return this.s(String(n));
    if (n < 10) {
      if (this.len + 1 > this.buf.length) this.grow(1);
      this.buf[this.len++] = 48 + n;
      return this;
    }
    // The digit count from the bit length (floor(bits * log10(2)), one more at the next power
    // of ten): no chain of comparisons whose branches mispredict on numbers of mixed sizes.
    const t = ((32 - Math.clz32(n)) * 1233) >>> 12;
    const digits = n >= POW10[t]! ? t + 1 : t;
    if (this.len + digits > this.buf.length) this.grow(digits);
    const buf = this.buf;
    let at = this.len + digits;
    this.len = at;
    // Beyond int32 the last digit first; then int32 arithmetic, two digits per division.
    if (n > 0x7fffffff) { const h = Math.floor(n / 10); buf[--at] = 48 + n - h * 10; n = h; }
    let m = n | 0;
    while (m >= 100) {
      const q = (m / 100) | 0;
      const r = (m - q * 100) << 1;
      buf[--at] = DIGIT_PAIRS[r + 1]!;
      buf[--at] = DIGIT_PAIRS[r]!;
      m = q;
    }
    if (m >= 10) { buf[--at] = DIGIT_PAIRS[2 * m + 1]!; buf[--at] = DIGIT_PAIRS[2 * m]!; } else buf[--at] = 48 + m;
    return this;
  }

  /** String(n).padStart(width, '0'), written digit by digit for integers below 10^width (width at most 9). */
  pad(n: number, width: number): this {
    if ((n >>> 0) !== n || n >= POW10[width]!) return this.s(String(n).padStart(width, '0'));
    if (this.len + width > this.buf.length) this.grow(width);
    const buf = this.buf;
    let at = this.len + width;
    this.len = at;
    let m = n | 0, i = 0;
    for (; i + 2 <= width; i += 2) {
      const q = (m / 100) | 0;
      const r = (m - q * 100) << 1;
      buf[--at] = DIGIT_PAIRS[r + 1]!;
      buf[--at] = DIGIT_PAIRS[r]!;
      m = q;
    }
    if (i < width) buf[--at] = 48 + m;
    return this;
  }

  /** One byte (an ASCII character code). */
  c(code: number): this {
    if (this.len + 1 > this.buf.length) this.grow(1);
    this.buf[this.len++] = code;
    return this;
  }

  /** Two lowercase hex digits of a byte. */
  hex2(v: number): this {
    if (this.len + 2 > this.buf.length) this.grow(2);
    const buf = this.buf;
    buf[this.len] = HEX_DIGITS[(v >> 4) & 15]!;
    buf[this.len + 1] = HEX_DIGITS[v & 15]!;
    this.len += 2;
    return this;
  }

  /** toString(16).padStart(width, '0'): digit by digit for integers below 2^32. */
  hex(v: number, width = 1): this {
    if ((v >>> 0) !== v) return this.s(v.toString(16).padStart(width, '0'));
    let digits = 1;
    while (digits < 8 && v >>> (4 * digits) !== 0) digits++;
    if (digits < width) digits = width;
    if (this.len + digits > this.buf.length) this.grow(digits);
    const buf = this.buf;
    let at = this.len + digits;
    this.len = at;
    for (let i = 0; i < digits; i++) { buf[--at] = i < 8 ? HEX_DIGITS[(v >>> (4 * i)) & 15]! : 48; }
    return this;
  }

  /** Bytes copied as they are (callers pass ASCII). */
  bytes(d: Uint8Array, from: number, to: number): this {
    const n = to - from;
    if (this.len + n > this.buf.length) this.grow(n);
    const buf = this.buf;
    let at = this.len;
    if (n > 32) buf.set(d.subarray(from, to), at);
    else for (let i = from; i < to; i++) buf[at++] = d[i]!;
    this.len += n;
    return this;
  }

  /** The text of the bytes from `from` to the end. */
  text(from = 0): string {
    return DECODER.decode(this.buf.subarray(from, this.len));
  }
}

/** An ASCII text pre-encoded for Sink.t: its length, then its bytes as little-endian 32-bit words. */
export type AsciiText = Uint32Array;

/** Encodes an ASCII string for Sink.t. */
export function ascii(s: string): AsciiText {
  const words = new Uint32Array(1 + Math.ceil(s.length / 4));
  words[0] = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) throw new RangeError(`not ASCII: ${s}`);
    words[1 + (i >> 2)]! |= c << (8 * (i & 3));
  }
  return words;
}

/** 10^i for i = 0..10. */
const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10];

/** The two ASCII digits of 0..99. */
const DIGIT_PAIRS = new Uint8Array(200);
for (let i = 0; i < 100; i++) { DIGIT_PAIRS[2 * i] = 48 + Math.floor(i / 10); DIGIT_PAIRS[2 * i + 1] = 48 + (i % 10); }
/** The ASCII codes of the lowercase hex digits (also the -x/-X dumps' table). */
export const HEX_DIGITS = new Uint8Array([48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102]);
const DECODER = new TextDecoder();
