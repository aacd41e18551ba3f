/** The -x / -X / -A dumps that follow the summary line (tcpdump's print-ascii.c formats). */
const isGraph = (c: number): boolean => c > 0x20 && c < 0x7f;
const h2 = (v: number): string => v.toString(16).padStart(2, '0');
const off4 = (v: number): string => v.toString(16).padStart(4, '0');

export function hexDump(d: Uint8Array): string {
  let s = '';
  const shorts = d.length >> 1;
  let i = 0, at = 0, oset = 0;
  for (let k = 0; k < shorts; k++) {
    if (i++ % 8 === 0) { s += `\n\t0x${off4(oset)}: `; oset += 16; }
    s += ` ${h2(d[at]!)}${h2(d[at + 1]!)}`;
    at += 2;
  }
  if (d.length & 1) {
    if (i % 8 === 0) s += `\n\t0x${off4(oset)}: `;
    s += ` ${h2(d[at]!)}`;
  }
  return s;
}

export function hexAsciiDump(d: Uint8Array): string {
  let s = '';
  let hex = '', asc = '';
  let oset = 0;
  const line = (): void => { s += `\n\t0x${off4(oset)}: ${hex.padEnd(40)}  ${asc}`; oset += 16; hex = ''; asc = ''; };
  let at = 0;
  for (; at + 1 < d.length; at += 2) {
    hex += ` ${h2(d[at]!)}${h2(d[at + 1]!)}`;
    asc += (isGraph(d[at]!) ? String.fromCharCode(d[at]!) : '.') + (isGraph(d[at + 1]!) ? String.fromCharCode(d[at + 1]!) : '.');
    if (hex.length === 40) line();
  }
  if (at < d.length) {
    hex += ` ${h2(d[at]!)}`;
    asc += isGraph(d[at]!) ? String.fromCharCode(d[at]!) : '.';
  }
  if (hex.length > 0) s += `\n\t0x${off4(oset)}: ${hex.padEnd(40)}  ${asc}`;
  return s;
}

export function asciiDump(d: Uint8Array): string {
  let s = '\n';
  for (let i = 0; i < d.length; i++) {
    const c = d[i]!;
    const left = d.length - i - 1;
    if (c === 0x0d) {
      if (left > 1 && d[i + 1] !== 0x0a) s += '.';
    } else if (!isGraph(c) && c !== 0x09 && c !== 0x20 && c !== 0x0a) s += '.';
    else s += String.fromCharCode(c);
  }
  return s;
}
