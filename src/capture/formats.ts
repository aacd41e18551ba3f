/** Format detection: the record parser for the magic number a capture starts with. */
import type { RecordParser } from './chunk-parser.js';
import { CaptureError } from './errors.js';
import { PcapParser, PCAP_MAGIC_NS, PCAP_MAGIC_US } from './pcap-reader.js';
import { BT_SHB, PcapngParser } from './pcapng-reader.js';
import type { CaptureHeader, CaptureInterface } from './types.js';

export interface CaptureReaderHooks {
  /** Called once, when the file header (pcapng: the first interface) is known. */
  readonly onHeader?: (header: CaptureHeader) => void;
  /** pcapng: called for every interface description block. */
  readonly onInterface?: (iface: CaptureInterface, id: number) => void;
}

/** The parser for the format whose magic starts `first` (at least 4 bytes). */
export function parserFor(first: Uint8Array, hooks: CaptureReaderHooks): RecordParser {
  const le = (first[0]! | (first[1]! << 8) | (first[2]! << 16) | (first[3]! << 24)) >>> 0;
  const be = ((first[0]! << 24) | (first[1]! << 16) | (first[2]! << 8) | first[3]!) >>> 0;
  const onHeader = (h: CaptureHeader): void => { hooks.onHeader?.(h); };
  if (le === BT_SHB) return new PcapngParser(onHeader, hooks.onInterface);
  if (le === PCAP_MAGIC_US || le === PCAP_MAGIC_NS || be === PCAP_MAGIC_US || be === PCAP_MAGIC_NS) return new PcapParser(onHeader);
  throw new CaptureError('unknown file format', 0, 0);
}

