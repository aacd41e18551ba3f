/** IEEE 802.11 frame type and subtype names as libpcap's grammar knows them (values in FC0). */
export const WLAN_TYPES: Readonly<Record<string, number>> = { mgt: 0x00, ctl: 0x04, data: 0x08 };

/** [type, subtype names] in libpcap's search order for a bare `subtype NAME`. */
export const WLAN_SUBTYPES: readonly (readonly [number, Readonly<Record<string, number>>])[] = [
  [0x00, {
    'assoc-req': 0x00, 'assoc-resp': 0x10, 'reassoc-req': 0x20, 'reassoc-resp': 0x30, 'probe-req': 0x40,
    'probe-resp': 0x50, beacon: 0x80, atim: 0x90, disassoc: 0xa0, auth: 0xb0, deauth: 0xc0,
  }],
  [0x04, { 'ps-poll': 0xa0, rts: 0xb0, cts: 0xc0, ack: 0xd0, 'cf-end': 0xe0, 'cf-end-ack': 0xf0 }],
  [0x08, {
    data: 0x00, 'data-cf-ack': 0x10, 'data-cf-poll': 0x20, 'data-cf-ack-poll': 0x30, null: 0x40,
    'cf-ack': 0x50, 'cf-poll': 0x60, 'cf-ack-poll': 0x70, 'qos-data': 0x80, 'qos-data-cf-ack': 0x90,
    'qos-data-cf-poll': 0xa0, 'qos-data-cf-ack-poll': 0xb0, qos: 0xc0, 'qos-cf-poll': 0xe0, 'qos-cf-ack-poll': 0xf0,
  }],
];
