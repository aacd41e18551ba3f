/**
 * One run of an eBPF engine (interpreter or Wasm JIT) as a string, so that a differential test
 * compares the two engines with one assert.equal: the result, or the fault's fields.
 */
import { VmFault, type RunInput } from '../../src/ebpf/runtime/index.js';

/** An engine run on a packet only. */
export interface DataEngine { run(input: { data: Uint8Array }): { r0: bigint; data: Uint8Array | undefined; instructions: number } }

/** r0 and the packet in hex, the instruction count, or the VmFault's message, index and access. */
export function hexOutcome(engine: DataEngine, data: Uint8Array): string {
  try {
    const r = engine.run({ data });
    return `r0=${r.r0.toString(16)} n=${r.instructions} data=${Buffer.from(r.data ?? []).toString('hex')}`;
  } catch (err) {
    if (err instanceof VmFault) return `fault ${err.message} index=${err.index} addr=${err.address?.toString(16)} size=${err.size}`;
    throw err;
  }
}

/** An engine run on any input. */
export interface Engine { run(input?: RunInput): { r0: bigint; instructions: number; data?: Uint8Array | undefined } }

/** The fields a test may read from what a run threw. */
export interface FaultFields { code?: string; index?: number; pc?: number; message: string; address?: bigint }

/** `ok r0 n data` (the packet as decimal bytes), or the caller's text for what the run threw. */
export function runOutcome(e: Engine, input: RunInput, fault: (f: FaultFields) => string): string {
  try {
    const r = e.run(input);
    return `ok r0=${r.r0} n=${r.instructions} data=${r.data ? [...r.data].join(',') : '-'}`;
  } catch (err) {
    return fault(err as FaultFields);
  }
}
