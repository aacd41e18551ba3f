/**
 * Host names from /etc/hosts for `tsbpf dump` without -n: the name tcpdump's address-to-name
 * lookup (gethostbyaddr) returns from the files source, which is the first name on the first
 * line listing the address. DNS is not asked (tcpdump would try it for other addresses; on a
 * machine without a resolver that fails and the number is printed, as here).
 */
import { readFileSync } from 'node:fs';
import { Bytes, ip6String } from '../decode/bytes.js';
import { parseIpv6 } from '../filter/syntax/lexer.js';

/** The numeric text tcpdump prints for an address written in a hosts file, or undefined. */
function canonical(addr: string): string | undefined {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(addr);
  if (v4) {
    const parts = v4.slice(1).map(Number);
    return parts.every((p) => p <= 255) ? parts.join('.') : undefined;
  }
  // A zone index ("fe80::1%eth0") does not take part in address lookups.
  const bytes = addr.includes(':') ? parseIpv6(addr.replace(/%.*$/, '')) : undefined;
  return bytes ? ip6String(new Bytes(bytes), 0) : undefined;
}

/** Address text → first host name, from the text of a hosts file. */
export function parseHosts(text: string): Map<string, string> {
  const names = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const fields = raw.replace(/#.*$/, '').trim().split(/\s+/);
    if (fields.length < 2) continue;
    const key = canonical(fields[0]!);
    if (key !== undefined && !names.has(key)) names.set(key, fields[1]!);
  }
  return names;
}

/** A lookup for PrintOptions.hostName over the hosts file at `path` (none when unreadable). */
export function hostsLookup(path = '/etc/hosts'): ((address: string) => string | undefined) | undefined {
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch { return undefined; }
  const names = parseHosts(text);
  return (address) => names.get(address);
}
