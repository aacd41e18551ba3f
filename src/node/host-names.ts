/**
 * Host names from /etc/hosts for `tsbpf dump` without -n: the name tcpdump's address-to-name
 * lookup (gethostbyaddr) returns from the files source, which is the first name on the first
 * line listing the address. DNS is not asked (tcpdump would try it for other addresses; on a
 * machine without a resolver that fails and the number is printed, as here).
 */
import { readFileSync } from 'node:fs';
import { Bytes, ip6String } from '../decode/bytes.js';
import { parseIpv6 } from '../filter/syntax/lexer.js';

/**
 * One dotted-quad octet as inet_pton accepts it: 1–3 digits, no leading zero, at most 255
 * (glibc ignores a hosts line written "010.0.0.1": it names neither 10.0.0.1 nor 8.0.0.1).
 */
const OCTET = '(?:0|[1-9][0-9]{0,2})';
const DOTTED_QUAD = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}$`);

function ip4Text(addr: string): string | undefined {
  return DOTTED_QUAD.test(addr) && addr.split('.').every((p) => Number(p) <= 255) ? addr : undefined;
}

/** The 16 bytes of an IPv6 address as inet_pton reads it (no zone index: "fe80::1%eth0" is not an address to it). */
function ip6Bytes(addr: string): Uint8Array | undefined {
  if (!addr.includes(':') || addr.includes('%')) return undefined;
  const tail = addr.slice(addr.lastIndexOf(':') + 1);
  if (tail.includes('.') && ip4Text(tail) === undefined) return undefined;
  return parseIpv6(addr);
}

/**
 * The numeric texts tcpdump prints for the address of a hosts line: none when glibc's files
 * backend ignores the line. An IPv4-mapped IPv6 address (::ffff:a.b.c.d) also answers lookups
 * of the IPv4 address a.b.c.d (glibc converts it when asked for AF_INET); the reverse does not
 * hold, and neither does the IPv4-compatible form (::a.b.c.d).
 */
function canonical(addr: string): string[] {
  const v4 = ip4Text(addr);
  if (v4 !== undefined) return [v4];
  const bytes = ip6Bytes(addr);
  if (bytes === undefined) return [];
  const texts = [ip6String(new Bytes(bytes), 0)];
  const mapped = bytes.subarray(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  if (mapped) texts.push(`${bytes[12]}.${bytes[13]}.${bytes[14]}.${bytes[15]}`);
  return texts;
}

/** Address text → first host name, from the text of a hosts file (the first line listing an address wins). */
export function parseHosts(text: string): Map<string, string> {
  const names = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const fields = raw.replace(/#.*$/, '').trim().split(/\s+/);
    if (fields[0] === '') continue;
    // A line with an address and no name still answers for it, with an empty name (glibc;
    // tcpdump then prints nothing where the address would be).
    for (const key of canonical(fields[0]!)) if (!names.has(key)) names.set(key, fields[1] ?? '');
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
