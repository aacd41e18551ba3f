/**
 * A filter-name resolver built from the system's /etc/hosts, /etc/services, /etc/protocols,
 * /etc/networks and /etc/ethers (the files libpcap's name lookups read on Linux without DNS).
 * Missing files are skipped; built-in services and protocols fill in when a file is absent.
 */
import { readFileSync } from 'node:fs';
import { tableResolver, type NameResolver } from '../filter/names/resolver.js';
import { SERVICES, PROTOCOLS } from '../filter/names/builtin-data.js';
import { parseIpv6 } from '../filter/syntax/lexer.js';

function read(path: string): string | undefined {
  try { return readFileSync(path, 'utf8'); } catch { return undefined; }
}

export function systemResolver(root = '/etc'): NameResolver {
  return tableResolver({
    hosts: read(`${root}/hosts`),
    services: read(`${root}/services`) ?? SERVICES,
    protocols: read(`${root}/protocols`) ?? PROTOCOLS,
    networks: read(`${root}/networks`),
    ethers: read(`${root}/ethers`),
  }, parseIpv6);
}
