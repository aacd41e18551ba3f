/**
 * Shared pieces of the eBPF running commands (`run`, `conformance-plugin`): base16 parsing,
 * program loading by file kind, and engine selection.
 */
import { BpfError } from '../../core/errors.js';
import { assembleConformance } from '../../ebpf/asm/conformance/index.js';
import { decode } from '../../ebpf/isa/codec.js';
import type { Insn } from '../../ebpf/isa/insn.js';
import { assembleLlvm } from '../../ebpf/asm/llvm-asm.js';
import { compileWasm } from '../../ebpf/jit/index.js';
import { Env, createVm, standardHelpers, type RunInput, type RunResult, type TraceEvent } from '../../ebpf/runtime/index.js';
import { UsageError } from '../run-cli.js';

export type EngineName = 'interpreter' | 'jit';

/** Base16 text (white space and an optional 0x prefix ignored) to bytes. */
export function parseHex(text: string, what: string): Uint8Array {
  const clean = text.replace(/\s+/g, '').replace(/^0x/i, '');
  if (clean.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(clean)) throw new UsageError(`${what} is not base16 text`);
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export const toHex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

export function engineOption(value: string | undefined): EngineName {
  if (value === undefined || value === 'interpreter') return 'interpreter';
  if (value === 'jit') return 'jit';
  throw new UsageError(`unknown engine '${value}' (interpreter or jit)`);
}

/** A prepared program that can run repeatedly. */
export interface Runner { run(input: RunInput): RunResult }

export interface PrepareOptions {
  readonly traceHook?: (e: TraceEvent) => void;
  /** Receives trace_printk lines (default: collected and dropped). */
  readonly printk?: (line: string) => void;
}

export function prepare(insns: readonly Insn[], engine: EngineName, options: PrepareOptions = {}): Runner {
  const env = new Env({ helpers: standardHelpers(), ...(options.printk ? { trace: options.printk } : {}) });
  const vmOptions = options.traceHook ? { env, traceHook: options.traceHook } : { env };
  return engine === 'jit' ? compileWasm(insns, vmOptions) : createVm(insns, vmOptions);
}

/** Loads PROGRAM by its kind: .bin raw bytes, .hex base16, .s/.asm assembly (conformance syntax when it uses %r, else LLVM syntax). */
export async function loadProgram(path: string, bytes: Uint8Array): Promise<Insn[]> {
  const lower = path.toLowerCase();
  if (lower.endsWith('.bin') || lower.endsWith('.o.text')) return decode(bytes);
  const text = new TextDecoder().decode(bytes);
  if (lower.endsWith('.hex')) return decode(parseHex(text, path));
  if (lower.endsWith('.s') || lower.endsWith('.asm')) {
    if (/%r\d/.test(text)) return assembleConformance(text);
    return assembleLlvmText(text);
  }
  throw new UsageError(`cannot tell the kind of '${path}': use .bin, .hex, .s or .asm`);
}

/** LLVM-syntax text; symbols that would need relocations (maps, external calls) are refused here. */
function assembleLlvmText(text: string): Insn[] {
  const asm = assembleLlvm(text);
  if (asm.relocations.length > 0) {
    const r = asm.relocations[0]!;
    throw new BpfError('UNSUPPORTED', `'${r.symbol}' needs a relocation (maps and external symbols need an ELF object), which tsbpf run does not do`);
  }
  return [...asm.insns];
}
