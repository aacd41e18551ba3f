/** The values the capture readers produce and the writers consume. */

/** One interface of a capture: a pcap file has exactly one, a pcapng section any number. */
export interface CaptureInterface {
  readonly linkType: number;
  readonly snaplen: number;
  /** pcapng `if_name`, when present. */
  readonly name?: string;
  /** Units per second of the timestamps (1e6 for microseconds, 1e9 for nanoseconds). */
  readonly unitsPerSecond: number;
  /** pcapng `if_tsoffset`, in seconds, added to every timestamp. */
  readonly tsOffset: number;
}

export interface CapturePacket {
  /** The captured bytes (`caplen` of them); may be a view into the reader's input chunk. */
  readonly data: Uint8Array;
  /** The length of the packet on the wire (`len`), at least `data.length` in valid files. */
  readonly origLength: number;
  /** Seconds since the epoch (UTC). */
  readonly seconds: number;
  /** Nanoseconds within the second, 0 to 999,999,999. */
  readonly nanos: number;
  readonly linkType: number;
  /** Index of the interface within the file (pcapng), 0 for pcap. */
  readonly interfaceId: number;
  /** 1-based number of this packet in the file. */
  readonly index: number;
  /** Byte offset of the record (pcap) or block (pcapng) that held the packet. */
  readonly offset: number;
}

export type CaptureFormat = 'pcap' | 'pcapng';

/** What is known once the file header (and for pcapng the first interface) has been read. */
export interface CaptureHeader {
  readonly format: CaptureFormat;
  readonly littleEndian: boolean;
  /** pcap: true for the nanosecond magic. pcapng: true when the first interface counts ns. */
  readonly nanosecond: boolean;
  readonly versionMajor: number;
  readonly versionMinor: number;
  /** The first interface (tcpdump reports its link type and snapshot length). */
  readonly linkType: number;
  readonly snaplen: number;
}
