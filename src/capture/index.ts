/** Capture files: streaming pcap/pcapng readers and writers (browser-safe). */
export * from './types.js';
export * from './errors.js';
export * from './link-types.js';
export { CaptureReader, forEachPacket, readPackets, readAllPackets, type ByteSource, type CaptureReaderHooks } from './reader.js';
export { CaptureWriter, type CaptureWriterOptions } from './writer.js';
export { timestamp as pcapngTimestamp } from './pcapng-reader.js';
