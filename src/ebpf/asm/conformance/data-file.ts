/**
 * The bpf_conformance `.data` file format: `#` comment lines, then sections introduced by a
 * line `-- NAME` (asm, raw, mem, result, error, c, and informative ones such as
 * `no register offset`). Browser-safe: text in, structure out; no file access here.
 */
import { BpfError } from '../../../core/errors.js';

export interface DataFile {
  /** The `-- asm` section text (lines joined with '\n'), if present. */
  readonly asm?: string;
  /** The 1-based line number of the first asm line, so assembler errors point into the file. */
  readonly asmLine: number;
  /** `-- raw`: one 64-bit word per line (tests/) or bytes (negative/), parsed by `rawWords`/`rawBytes`. */
  readonly raw?: string;
  /** `-- mem`: the input memory bytes. */
  readonly mem?: Uint8Array;
  /** `-- result`: the expected r0. */
  readonly result?: bigint;
  /** `-- error`: the expected error text (possibly empty). */
  readonly error?: string;
  /** Every section by name, including informative ones (`c`, `no register offset`, ...). */
  readonly sections: ReadonlyMap<string, string>;
}

export class DataFileError extends BpfError {
  readonly line: number;
  constructor(message: string, line: number) { super('ASM_SYNTAX', message); this.line = line; }
}

/** Parses hex bytes separated by white space (`00 01 aa`), as in `-- mem` and negative `-- raw`. */
export function hexBytes(text: string, line = 1): Uint8Array {
  const out: number[] = [];
  text.split('\n').forEach((row, i) => {
    for (const tok of row.trim().split(/\s+/)) {
      if (tok === '') continue;
      if (!/^[0-9a-fA-F]{2}$/.test(tok)) throw new DataFileError(`bad hex byte '${tok}'`, line + i);
      out.push(parseInt(tok, 16));
    }
  });
  return Uint8Array.from(out);
}

/** Parses `-- raw` 64-bit words (`0x5566778800000018`), each read as a little-endian instruction slot. */
export function rawWords(text: string, line = 1): Uint8Array {
  const words = text.split('\n').map((r) => r.trim()).filter((r) => r !== '');
  const bytes = new Uint8Array(words.length * 8);
  const view = new DataView(bytes.buffer);
  words.forEach((w, i) => {
    if (!/^0x[0-9a-fA-F]{1,16}$/.test(w)) throw new DataFileError(`bad raw word '${w}'`, line + i);
    view.setBigUint64(i * 8, BigInt(w), true);
  });
  return bytes;
}

export function parseDataFile(text: string): DataFile {
  const sections = new Map<string, string>();
  const starts = new Map<string, number>();
  let current: string | undefined;
  let lines: string[] = [];
  const flush = () => { if (current !== undefined) sections.set(current, lines.join('\n')); };
  text.split(/\r?\n/).forEach((row, i) => {
    const header = /^-- (.*)$/.exec(row);
    if (header) {
      flush();
      current = header[1]!.trim();
      starts.set(current, i + 2);
      lines = [];
    } else if (current === undefined) {
      if (row.trim() !== '' && !row.startsWith('#')) throw new DataFileError('text before the first section', i + 1);
    } else lines.push(row);
  });
  flush();
  const body = (name: string) => sections.get(name)?.replace(/\s+$/, '');
  const resultText = body('result');
  let result: bigint | undefined;
  if (resultText !== undefined) {
    const t = resultText.trim();
    if (!/^(0x[0-9a-fA-F]+|-?[0-9]+)$/.test(t)) throw new DataFileError(`bad result '${t}'`, starts.get('result') ?? 1);
    result = BigInt.asUintN(64, BigInt(t));
  }
  const memText = sections.get('mem');
  return {
    asm: sections.get('asm'),
    asmLine: starts.get('asm') ?? 1,
    raw: sections.get('raw'),
    mem: memText === undefined ? undefined : hexBytes(memText, starts.get('mem')),
    result,
    error: body('error')?.trim(),
    sections,
  };
}
