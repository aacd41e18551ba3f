/**
 * bpf_trace_printk's format subset, as the kernel's bpf_bprintf_prepare accepts it: %d %i %u
 * %x %ld %li %lu %lx %lld %lli %llu %llx %s %p %c and %%, at most three arguments, with an
 * optional width/zero flag as in printf. Anything else is -EINVAL, as in the kernel.
 */
import type { Env } from '../env.js';

export class FormatError extends Error {}

export function formatTrace(env: Env, fmt: string, args: readonly bigint[]): string {
  let out = '';
  let argi = 0;
  for (let i = 0; i < fmt.length; i++) {
    const ch = fmt[i]!;
    if (ch !== '%') { out += ch; continue; }
    const m = /^%([-0]?)(\d*)(l{0,2})([diuxXspc%])/.exec(fmt.slice(i));
    if (!m) throw new FormatError(`unsupported conversion at '${fmt.slice(i, i + 4)}'`);
    i += m[0].length - 1;
    const [, flag, widthText, len, conv] = m;
    if (conv === '%') { out += '%'; continue; }
    if (argi >= 3) throw new FormatError('more than three arguments');
    const arg = args[argi++]!;
    const bits = len === '' ? 32 : 64;
    let text: string;
    switch (conv) {
      case 'd': case 'i': text = BigInt.asIntN(bits, arg).toString(); break;
      case 'u': text = BigInt.asUintN(bits, arg).toString(); break;
      case 'x': text = BigInt.asUintN(bits, arg).toString(16); break;
      case 'X': text = BigInt.asUintN(bits, arg).toString(16).toUpperCase(); break;
      case 'c': text = String.fromCharCode(Number(arg & 0xffn)); break;
      case 's': text = env.memory.cString(arg); break;
      // The kernel prints plain %p hashed; the userspace VM has no secret to hide and prints the address.
      default: text = `0x${BigInt.asUintN(64, arg).toString(16)}`;
    }
    const width = widthText === '' ? 0 : Number(widthText);
    if (text.length < width) {
      text = flag === '-' ? text.padEnd(width) : flag === '0' && conv !== 's' && conv !== 'c'
        ? (text.startsWith('-') ? '-' + text.slice(1).padStart(width - 1, '0') : text.padStart(width, '0'))
        : text.padStart(width);
    }
    out += text;
  }
  return out;
}
