/** Packet dissection and tcpdump-compatible printing (browser-safe). */
export { PacketPrinter, canPrintLinkType, type PrintablePacket } from './printer.js';
export { Sink } from './sink.js';
export { DEFAULT_PRINT_OPTIONS, type PrintOptions, type TimestampMode, type HexMode } from './options.js';
export { formatTimestamp, civilFromDays } from './timestamp.js';
