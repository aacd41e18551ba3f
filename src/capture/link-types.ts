/**
 * LINKTYPE_ values as stored in capture files, with the names and descriptions libpcap reports
 * (`pcap_datalink_val_to_name` / `_description`), which tcpdump prints in its
 * "link-type NAME (DESCRIPTION)" line.
 */
export const LINKTYPE = {
  NULL: 0,
  ETHERNET: 1,
  PPP: 9,
  RAW: 101,
  IEEE802_11: 105,
  LOOP: 108,
  LINUX_SLL: 113,
  IEEE802_11_RADIOTAP: 127,
  IPV4: 228,
  IPV6: 229,
  LINUX_SLL2: 276,
} as const;

interface LinkTypeInfo { readonly value: number; readonly name: string; readonly description: string }

const TABLE: readonly LinkTypeInfo[] = [
  { value: 0, name: 'NULL', description: 'BSD loopback' },
  { value: 1, name: 'EN10MB', description: 'Ethernet' },
  { value: 9, name: 'PPP', description: 'PPP' },
  { value: 101, name: 'RAW', description: 'Raw IP' },
  { value: 105, name: 'IEEE802_11', description: '802.11' },
  { value: 108, name: 'LOOP', description: 'OpenBSD loopback' },
  { value: 113, name: 'LINUX_SLL', description: 'Linux cooked v1' },
  { value: 127, name: 'IEEE802_11_RADIO', description: '802.11 plus radiotap header' },
  { value: 228, name: 'IPV4', description: 'Raw IPv4' },
  { value: 229, name: 'IPV6', description: 'Raw IPv6' },
  { value: 276, name: 'LINUX_SLL2', description: 'Linux cooked v2' },
];

export function linkTypeInfo(value: number): LinkTypeInfo | undefined {
  return TABLE.find((t) => t.value === value);
}

/** The `link-type ...` text of tcpdump's first stderr line. */
export function linkTypeText(value: number): string {
  const info = linkTypeInfo(value);
  return info ? `${info.name} (${info.description})` : `${value}`;
}

/** `-y NAME`: a libpcap DLT name (case-insensitive, with or without `DLT_`), or a number. */
export function linkTypeFromName(name: string): number | undefined {
  const upper = name.toUpperCase().replace(/^DLT_/, '');
  const hit = TABLE.find((t) => t.name === upper);
  if (hit) return hit.value;
  if (upper === 'ETHERNET') return 1;
  return /^\d+$/.test(name) ? Number(name) : undefined;
}
