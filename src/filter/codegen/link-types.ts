/**
 * Link-type facts as data: where the link-layer type field and the link-layer payload start,
 * per DLT (libpcap's init_linktype). `linktype: undefined` means the link layer has no type
 * field (raw IP). Names are libpcap's DLT names without the `DLT_` prefix.
 */
export interface LinkTypeInfo {
  readonly name: string;
  readonly dlt: number;
  /** Offset of the type field from the link header, or undefined when there is none. */
  readonly offLinktype: number | undefined;
  /** Offset of the link-layer payload. */
  readonly offLinkpl: number;
  /** Offset of the network layer in the payload, with and without an 802.2 SNAP header. */
  readonly offNl: number;
  readonly offNlNosnap: number;
  /** 802.11 (variable-length MAC header), optionally behind a radiotap header. */
  readonly wlan?: 'plain' | 'radiotap';
}

const table: readonly LinkTypeInfo[] = [
  { name: 'EN10MB', dlt: 1, offLinktype: 12, offLinkpl: 14, offNl: 0, offNlNosnap: 3 },
  { name: 'RAW', dlt: 12, offLinktype: undefined, offLinkpl: 0, offNl: 0, offNlNosnap: 0 },
  { name: 'IPV4', dlt: 228, offLinktype: undefined, offLinkpl: 0, offNl: 0, offNlNosnap: 0 },
  { name: 'IPV6', dlt: 229, offLinktype: undefined, offLinkpl: 0, offNl: 0, offNlNosnap: 0 },
  { name: 'NULL', dlt: 0, offLinktype: 0, offLinkpl: 4, offNl: 0, offNlNosnap: 0 },
  { name: 'LOOP', dlt: 108, offLinktype: 0, offLinkpl: 4, offNl: 0, offNlNosnap: 0 },
  { name: 'LINUX_SLL', dlt: 113, offLinktype: 14, offLinkpl: 16, offNl: 0, offNlNosnap: 0 },
  { name: 'LINUX_SLL2', dlt: 276, offLinktype: 0, offLinkpl: 20, offNl: 0, offNlNosnap: 0 },
  { name: 'PPP', dlt: 9, offLinktype: 2, offLinkpl: 4, offNl: 0, offNlNosnap: 0 },
  // ARCnet: source and destination station bytes, then (Linux: a 2-byte offset) the ARCnet type.
  { name: 'ARCNET', dlt: 7, offLinktype: 2, offLinkpl: 6, offNl: 0, offNlNosnap: 0 },
  { name: 'ARCNET_LINUX', dlt: 129, offLinktype: 4, offLinkpl: 8, offNl: 0, offNlNosnap: 0 },
  // 802.11 has no type field: libpcap's off_linktype (24) is not used by its tests, which read
  // the SNAP type 6 bytes into the (variable-offset) LLC header.
  { name: 'IEEE802_11', dlt: 105, offLinktype: 24, offLinkpl: 0, offNl: 8, offNlNosnap: 3, wlan: 'plain' },
  { name: 'IEEE802_11_RADIO', dlt: 127, offLinktype: 24, offLinkpl: 0, offNl: 8, offNlNosnap: 3, wlan: 'radiotap' },
];

export function findLinkType(name: string): LinkTypeInfo | undefined {
  const n = name.toUpperCase().replace(/^DLT_/, '');
  return table.find((t) => t.name === n);
}

export const LINK_TYPE_NAMES: readonly string[] = table.map((t) => t.name);

/** libpcap's pcap_datalink_val_to_description for the messages that name the link type. */
export const LINK_DESCRIPTIONS: Readonly<Record<string, string>> = {
  EN10MB: 'Ethernet', RAW: 'Raw IP', IPV4: 'Raw IPv4', IPV6: 'Raw IPv6', NULL: 'BSD loopback',
  LOOP: 'OpenBSD loopback', LINUX_SLL: 'Linux cooked v1', LINUX_SLL2: 'Linux cooked v2', PPP: 'PPP',
  IEEE802_11: '802.11', IEEE802_11_RADIO: '802.11 plus radiotap header', ARCNET: 'BSD ARCNET',
  ARCNET_LINUX: 'Linux ARCNET',
};
