/**
 * Name resolution for the filter compiler. The core never reads files or asks DNS: callers pass
 * a resolver. `tableResolver` builds one from tables (the Node layer builds those tables from
 * /etc/hosts, /etc/services, /etc/protocols, /etc/networks); `defaultResolver` knows the
 * built-in service and protocol names and no hosts.
 */
import { SERVICES, PROTOCOLS } from './builtin-data.js';

export type HostAddress = { readonly family: 4; readonly addr: number } | { readonly family: 6; readonly bytes: Uint8Array };

export interface NameResolver {
  /** Addresses of a host name, in resolver order (empty when unknown). */
  hostAddresses(name: string): readonly HostAddress[];
  /** A 6-byte Ethernet address for a name (/etc/ethers), if known. */
  etherHost(name: string): Uint8Array | undefined;
  /** Port of a service name for 'tcp', 'udp' or 'sctp'. */
  service(name: string, proto: 'tcp' | 'udp' | 'sctp'): number | undefined;
  /** IP protocol number of a name (/etc/protocols). */
  protocol(name: string): number | undefined;
  /** Network number of a name (/etc/networks), host order, not left-justified. */
  network(name: string): number | undefined;
}

export interface ResolverTables {
  /** Lines `ADDRESS NAME...` as in /etc/hosts. */
  readonly hosts?: string;
  /** Lines `NAME PORT/PROTO ALIASES...` as in /etc/services. */
  readonly services?: string;
  /** Lines `NAME NUMBER ALIASES...` as in /etc/protocols. */
  readonly protocols?: string;
  /** Lines `NAME NUMBER` as in /etc/networks. */
  readonly networks?: string;
  /** Lines `MAC NAME` as in /etc/ethers. */
  readonly ethers?: string;
}

function lines(text: string | undefined): string[][] {
  if (!text) return [];
  return text.split('\n').map((l) => l.replace(/#.*/, '').trim()).filter(Boolean).map((l) => l.split(/\s+/));
}

function parseV4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  return parts.reduce((a, p) => ((a << 8) | Number(p)) >>> 0, 0);
}

/** inet_network-style: `a`, `a.b`, `a.b.c`, `a.b.c.d` → the number, not left-justified. */
function parseNetwork(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length > 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  return parts.reduce((a, p) => ((a << 8) | Number(p)) >>> 0, 0);
}

export function tableResolver(t: ResolverTables, parseV6?: (text: string) => Uint8Array | undefined): NameResolver {
  const hosts = new Map<string, HostAddress[]>();
  for (const [addr, ...names] of lines(t.hosts)) {
    const v4 = parseV4(addr!);
    const v6 = v4 === undefined && parseV6 ? parseV6(addr!) : undefined;
    const entry: HostAddress | undefined = v4 !== undefined ? { family: 4, addr: v4 } : v6 ? { family: 6, bytes: v6 } : undefined;
    if (!entry) continue;
    for (const n of names) {
      const list = hosts.get(n) ?? [];
      list.push(entry);
      hosts.set(n, list);
    }
  }
  const services = new Map<string, number>();
  for (const [name, pp, ...aliases] of lines(t.services)) {
    const [port, proto] = (pp ?? '').split('/');
    for (const n of [name!, ...aliases]) {
      const key = `${n}/${proto}`;
      if (!services.has(key)) services.set(key, Number(port));
    }
  }
  const protocols = new Map<string, number>();
  for (const [name, num, ...aliases] of lines(t.protocols)) for (const n of [name!, ...aliases]) if (!protocols.has(n)) protocols.set(n, Number(num));
  const networks = new Map<string, number>();
  for (const [name, num] of lines(t.networks)) {
    const v = parseNetwork(num ?? '');
    if (v !== undefined && !networks.has(name!)) networks.set(name!, v);
  }
  const ethers = new Map<string, Uint8Array>();
  for (const [mac, name] of lines(t.ethers)) {
    const bytes = (mac ?? '').split(/[:-]/).map((h) => parseInt(h, 16));
    if (bytes.length === 6 && bytes.every((b) => b >= 0 && b <= 255)) ethers.set(name!, Uint8Array.from(bytes));
  }
  return {
    hostAddresses: (name) => hosts.get(name) ?? [],
    etherHost: (name) => ethers.get(name),
    service: (name, proto) => services.get(`${name}/${proto}`),
    protocol: (name) => protocols.get(name),
    network: (name) => networks.get(name),
  };
}

let builtin: NameResolver | undefined;

/**
 * Built-in services and protocols; no hosts, networks or ethers. Built once on first use and
 * shared: parsing the tables costs ~200 µs, more than compiling a typical expression, and the
 * resolver is immutable (its maps never escape), so sharing it is not shared mutable state.
 */
export function defaultResolver(): NameResolver {
  builtin ??= tableResolver({ services: SERVICES, protocols: PROTOCOLS });
  return builtin;
}
