/**
 * Host names for printed addresses, as tcpdump's ipaddr_string/ip6addr_string give them when
 * -n is not used. The lookup is injected through PrintOptions.hostName (the Node layer reads
 * /etc/hosts); the core never reads files or asks DNS. Without a lookup, or with -n, the
 * numeric text is printed.
 */
import { ip6String, type Bytes } from './bytes.js';
import type { Ctx } from './context.js';

/** The name for an address already formatted as text (dotted quad or RFC 5952). */
export function hostText(ctx: Ctx, text: string): string {
  const lookup = ctx.opts.hostName;
  if (lookup === undefined || ctx.opts.numeric !== 0) return text;
  return lookup(text) ?? text;
}

/** The IPv4 address at `off`, named when a lookup is given and -n is not. */
export function host4(ctx: Ctx, b: Bytes, off: number, proto = 'ip'): string {
  b.need(off, 4, proto);
  return hostText(ctx, ctx.state.addresses.ip4(b.data, off));
}

/** The IPv6 address at `off`, named when a lookup is given and -n is not. */
export function host6(ctx: Ctx, b: Bytes, off: number, proto = 'ip6'): string {
  return hostText(ctx, ip6String(b, off, proto));
}
