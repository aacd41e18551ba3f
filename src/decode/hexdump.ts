/**
 * The -x / -X / -A dumps that follow the summary line (tcpdump's print-ascii.c formats),
 * written as ASCII codes straight into the output's bytes.
 */
import { HEX_DIGITS as HEX, type Sink } from './sink.js';

const isGraph = (c: number): boolean => c > 0x20 && c < 0x7f;

/** "\n\t0xOOOO: " at `p`; returns the next position. */
function rowHeader(o: Uint8Array, p: number, oset: number): number {
  o[p] = 10; o[p + 1] = 9; o[p + 2] = 48; o[p + 3] = 120;
  o[p + 4] = HEX[(oset >> 12) & 15]!; o[p + 5] = HEX[(oset >> 8) & 15]!; o[p + 6] = HEX[(oset >> 4) & 15]!; o[p + 7] = HEX[oset & 15]!;
  o[p + 8] = 58; o[p + 9] = 32;
  return p + 10;
}

/** -x: rows of eight 16-bit groups. */
export function hexDump(d: Uint8Array, out: Sink): void {
  const n = d.length;
  if (n === 0) return;
  out.room(((n + 15) >> 4) * 10 + n * 2 + ((n + 1) >> 1) + 1);
  const o = out.buf;
  let p = out.len;
  for (let i = 0; i < n; i++) {
    if ((i & 15) === 0) p = rowHeader(o, p, i);
    if ((i & 1) === 0) o[p++] = 32;
    const c = d[i]!;
    o[p++] = HEX[c >> 4]!;
    o[p++] = HEX[c & 15]!;
  }
  out.len = p;
}

/** -X: the hex columns padded to 40 characters, two spaces, then the printable characters. */
export function hexAsciiDump(d: Uint8Array, out: Sink): void {
  const n = d.length;
  if (n === 0) return;
  out.room(((n + 15) >> 4) * 68);
  const o = out.buf;
  let p = out.len;
  for (let row = 0; row < n; row += 16) {
    p = rowHeader(o, p, row);
    const end = Math.min(n, row + 16);
    // Hex groups, then space padding to the 40-column field, then the ASCII column.
    const hexStart = p;
    for (let i = row; i < end; i++) {
      if (((i - row) & 1) === 0) o[p++] = 32;
      const c = d[i]!;
      o[p++] = HEX[c >> 4]!;
      o[p++] = HEX[c & 15]!;
    }
    while (p < hexStart + 40) o[p++] = 32;
    o[p++] = 32; o[p++] = 32;
    for (let i = row; i < end; i++) { const c = d[i]!; o[p++] = isGraph(c) ? c : 46; }
  }
  out.len = p;
}

/** -A: the printable characters, tabs, spaces and newlines; '.' for the rest (CR before LF dropped). */
export function asciiDump(d: Uint8Array, out: Sink): void {
  const n = d.length;
  out.room(n + 1);
  const o = out.buf;
  let p = out.len;
  o[p++] = 10;
  for (let i = 0; i < n; i++) {
    const c = d[i]!;
    const left = n - i - 1;
    if (c === 0x0d) {
      if (left > 1 && d[i + 1] !== 0x0a) o[p++] = 46;
    } else if (!isGraph(c) && c !== 0x09 && c !== 0x20 && c !== 0x0a) o[p++] = 46;
    else o[p++] = c;
  }
  out.len = p;
}
