/**
 * Runs bpf_conformance `.data` files against an engine, the way the suite's own runner does:
 * assemble (or take `-- raw`), run with `-- mem`, compare r0 with `-- result`, or expect a
 * failure when `-- error` is present. Written once for every backend (interpreter, JIT, kernel).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assembleConformance, hexBytes, parseDataFile, rawWords } from '../../src/ebpf/asm/conformance/index.js';
import { encode } from '../../src/ebpf/isa/codec.js';

/**
 * The suite's data, vendored at test/conformance/bpf_conformance (bpf_conformance commit f558566,
 * MIT, see its LICENSE); TSBPF_CONFORMANCE_DIR points elsewhere (e.g. a newer checkout).
 * Found from the source tree (tsx) and from dist/ (the compiled tests).
 */
const here = fileURLToPath(new URL('.', import.meta.url));
export const CONFORMANCE_DIR: string = [
  process.env['TSBPF_CONFORMANCE_DIR'],
  join(here, '../conformance/bpf_conformance'),
  join(here, '../../../test/conformance/bpf_conformance'),
].find((d): d is string => d !== undefined && d !== '' && existsSync(join(d, 'tests')))
  ?? join(here, '../conformance/bpf_conformance');

/** An engine: program bytes (little-endian slots) and memory in, r0 out; throws on any rejection or fault. */
export type Engine = (program: Uint8Array, mem: Uint8Array | undefined) => bigint;

export interface Outcome {
  readonly file: string;
  /** True when the file's expectation was met (r0 equal, or an expected error happened). */
  readonly pass: boolean;
  readonly detail: string;
  /** The class of the error that stopped the file, if any (AsmSyntaxError, DecodeError, VmFault, ...). */
  readonly errorClass?: string;
}

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

export function runDataFile(path: string, engine: Engine, rawIsBytes = false): Outcome {
  const file = path.split('/').pop()!;
  let expectedError: string | undefined;
  try {
    const d = parseDataFile(readFileSync(path, 'utf8'));
    expectedError = d.error;
    let program: Uint8Array | undefined;
    if (d.asm !== undefined && d.asm.trim() !== '') program = encode(assembleConformance(d.asm, d.asmLine));
    if (d.raw !== undefined) {
      const raw = rawIsBytes ? hexBytes(d.raw) : rawWords(d.raw);
      if (program && hex(program) !== hex(raw)) return { file, pass: false, detail: `assembled ${hex(program)} != raw ${hex(raw)}` };
      program = raw;
    }
    if (!program || program.length === 0) throw new Error('no program');
    const r0 = engine(program, d.mem);
    if (d.error !== undefined) return { file, pass: false, detail: `expected error '${d.error}', got r0 0x${r0.toString(16)}` };
    if (d.result === undefined) return { file, pass: false, detail: 'no expected result' };
    return r0 === d.result
      ? { file, pass: true, detail: `r0 0x${r0.toString(16)}` }
      : { file, pass: false, detail: `r0 0x${r0.toString(16)}, expected 0x${d.result.toString(16)}` };
  } catch (err) {
    const message = (err as Error).message;
    const errorClass = (err as Error).name;
    return expectedError !== undefined
      ? { file, pass: true, detail: `failed as expected: ${errorClass}: ${message}`, errorClass }
      : { file, pass: false, detail: `error: ${errorClass}: ${message}`, errorClass };
  }
}

export const dataFiles = (sub: 'tests' | 'negative'): string[] =>
  readdirSync(join(CONFORMANCE_DIR, sub)).filter((f) => f.endsWith('.data')).sort().map((f) => join(CONFORMANCE_DIR, sub, f));
