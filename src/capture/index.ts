/** Capture files: streaming pcap/pcapng readers and writers (browser-safe). */
export * from './types.js';
export * from './errors.js';
export * from './link-types.js';
export { CaptureReader, forEachPacket, readPackets, readAllPackets, type ByteSource, type CaptureReaderHooks } from './reader.js';
export { CaptureWriter, type CaptureWriterOptions } from './writer.js';
export { CaptureScanner } from './scanner.js';
export { PacketRef, VERBATIM_NONE, VERBATIM_PCAP_NS, VERBATIM_PCAP_US, type PacketSink } from './packet-ref.js';
export { timestamp as pcapngTimestamp } from './pcapng-reader.js';
