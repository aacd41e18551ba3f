/**
 * What every printer receives: the captured bytes, the options, the per-file state (TCP
 * sequence bases) and the output being built. Output is appended to `out` as it is decoded
 * rather than returned, so that a truncated packet still prints everything decoded before the cut.
 */
import type { AddressText, Bytes, MacPairAscii } from './bytes.js';
import type { PrintOptions } from './options.js';
import type { Sink } from './sink.js';
import type { TcpSeqTable } from './tcp-seq.js';
import type { IpInfo } from './transport.js';

export interface DecodeState {
  /** Initial sequence numbers per TCP conversation (tcpdump's relative numbering). */
  readonly tcpSeq: TcpSeqTable;
  /** Text of recently printed addresses. */
  readonly addresses: AddressText;
  /** The IpInfo the IP printers refill for the protocol above (see ip.ts's ipInfo). */
  readonly ipInfo: ReusableIpInfo;
  /** Recent "SRC > DST, " texts of Ethernet headers (-e), encoded, keyed by the address bytes. */
  readonly macPairAscii: MacPairAscii;
}

export interface Ctx {
  readonly b: Bytes;
  readonly opts: PrintOptions;
  readonly state: DecodeState;
  /** Original (wire) length of the whole packet. */
  readonly origLength: number;
  /** Where the line is written; nested contexts (tunnels, quoted packets) share it. */
  readonly out: Sink;
  /** Inside another protocol (tunnels): tcpdump prints the IP/IP6 tag there even with -e. */
  nested?: boolean;
  /** Where -x/-X/-A dumps stop when a printer narrowed the captured data and did not restore it. */
  dumpEnd?: number;
}

/**
 * A context with every field present, in one order: all contexts then share one hidden class
 * and the printers' property reads stay monomorphic (a spread copy with an added field made a
 * second shape that every printer below it then had to handle).
 */
export function makeCtx(b: Bytes, opts: PrintOptions, state: DecodeState, origLength: number, out: Sink, nested = false): Ctx {
  return { b, opts, state, origLength, out, nested, dumpEnd: undefined };
}

/** A context whose fields can be replaced: the packet printer reuses one for every packet. */
export type ReusableCtx = { -readonly [K in keyof Ctx]: Ctx[K] };

/** An IpInfo whose fields can be refilled (DecodeState.ipInfo). */
export type ReusableIpInfo = { -readonly [K in keyof IpInfo]: IpInfo[K] };
