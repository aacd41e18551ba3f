/**
 * tcpdump's timestamp column (-t family). Calendar arithmetic is done here on integers rather
 * than through Date so the core stays deterministic and time-zone free; the local offset
 * comes in through the options.
 */
import type { PrintOptions } from './options.js';
import { ascii, type AsciiText, type Sink } from './sink.js';

export interface TsState {
  prevSec?: number; prevNs?: number; firstSec?: number; firstNs?: number;
  /** The encoded "HH:MM:SS." of the last second printed (consecutive packets share it). */
  printedSec?: number; printedClock?: AsciiText;
}

const pad = (v: number, n = 2): string => String(v).padStart(n, '0');

/** tcpdump's unsigned_relts_print: a duration in seconds as 1y2w3d4h5m6s (DNS TTLs, PIM hold times, MLD response times). */
export function relTime(secs: number): string {
  if (secs === 0) return '0s';
  let s = '';
  for (const [n, unit] of [[31536000, 'y'], [604800, 'w'], [86400, 'd'], [3600, 'h'], [60, 'm'], [1, 's']] as const) {
    if (secs >= n) { s += `${Math.floor(secs / n)}${unit}`; secs %= n; }
  }
  return s;
}

/** The fraction of a second: microseconds, or nanoseconds with --nano. */
function frac(ns: number, nano: boolean): string {
  return nano ? pad(ns, 9) : pad(Math.floor(ns / 1000), 6);
}

/** "HH:MM:SS." of a local time in seconds. */
function hms(local: number): string {
  const day = ((local % 86400) + 86400) % 86400;
  return `${pad(Math.floor(day / 3600))}:${pad(Math.floor(day / 60) % 60)}:${pad(day % 60)}.`;
}

/** Days since 1970-01-01 to a proleptic Gregorian civil date (Howard Hinnant's algorithm). */
export function civilFromDays(z: number): [number, number, number] {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

function delta(sec: number, ns: number, fromSec: number, fromNs: number, nano: boolean): string {
  let ds = sec - fromSec;
  let dn = ns - fromNs;
  if (dn < 0) { ds -= 1; dn += 1e9; }
  let sign = ' ';
  if (ds < 0) { sign = '-'; ds = -ds - (dn > 0 ? 1 : 0); dn = dn > 0 ? 1e9 - dn : 0; }
  // tcpdump formats the delta through gmtime: whole days are dropped.
  return `${sign}${pad(Math.floor(ds / 3600) % 24)}:${pad(Math.floor(ds / 60) % 60)}:${pad(ds % 60)}.${frac(dn, nano)}`;
}

/** The timestamp text including its trailing space, or '' for -t. */
export function formatTimestamp(sec: number, ns: number, opts: PrintOptions, st: TsState): string {
  // tcpdump refuses absolute times beyond 2038 (a signed 32-bit time).
  if (sec > 0x7fffffff && (opts.timestamp === 'default' || opts.timestamp === 'epoch' || opts.timestamp === 'date')) return '[Error converting time] ';
  const local = sec + (typeof opts.utcOffsetSeconds === 'number' ? opts.utcOffsetSeconds : opts.utcOffsetSeconds(sec));
  switch (opts.timestamp) {
    case 'none': return '';
    case 'epoch': return `${sec}.${frac(ns, opts.nano)} `;
    case 'date': {
      const [y, m, d] = civilFromDays(Math.floor(local / 86400));
      return `${y}-${pad(m)}-${pad(d)} ${hms(local)}${frac(ns, opts.nano)} `;
    }
    case 'delta': {
      const text = st.prevSec === undefined ? delta(0, 0, 0, 0, opts.nano) : delta(sec, ns, st.prevSec, st.prevNs!, opts.nano);
      st.prevSec = sec; st.prevNs = ns;
      return `${text} `;
    }
    case 'since-first': {
      if (st.firstSec === undefined) { st.firstSec = sec; st.firstNs = ns; }
      return `${delta(sec, ns, st.firstSec, st.firstNs!, opts.nano)} `;
    }
    default: return `${hms(local)}${frac(ns, opts.nano)} `;
  }
}

/**
 * Writes the timestamp column to `out`: formatTimestamp's text, with the common case (the
 * default clock form of a well-formed record) written as digits instead of built as a string.
 */
export function printTimestamp(sec: number, ns: number, opts: PrintOptions, st: TsState, out: Sink): void {
  if (opts.timestamp !== 'default' || sec > 0x7fffffff || !(ns >= 0 && ns < 1e9) || ns !== Math.floor(ns)) {
    printOtherTimestamp(sec, ns, opts, st, out);
    return;
  }
  const local = sec + (typeof opts.utcOffsetSeconds === 'number' ? opts.utcOffsetSeconds : opts.utcOffsetSeconds(sec));
  out.t(st.printedSec === local ? st.printedClock! : printedClock(local, st));
  if (opts.nano) out.pad(ns, 9);
  else out.pad(Math.floor(ns / 1000), 6);
  out.c(0x20);
}

// The rarer paths of printTimestamp live in functions of their own, too large to be inlined:
// the hot function's optimized code stays small and is compiled sooner (V8 warm-up).

/** The other -t forms and malformed records: formatTimestamp's text. */
function printOtherTimestamp(sec: number, ns: number, opts: PrintOptions, st: TsState, out: Sink): void {
  out.s(formatTimestamp(sec, ns, opts, st));
}

/** "HH:MM:SS." of a new second, encoded and kept in `st`. */
function printedClock(local: number, st: TsState): AsciiText {
  st.printedSec = local;
  return (st.printedClock = ascii(hms(local)));
}
