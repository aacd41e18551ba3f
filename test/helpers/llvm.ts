/**
 * Running LLVM's BPF tools as oracles: llvm-mc-19 (assemble text, print encodings; assemble
 * `.byte` data into an object) and llvm-objdump-19 (disassemble that object). Callers batch many
 * instructions into one call because CPU is scarce.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type Triple = 'bpfel' | 'bpfeb';

function run(cmd: string, args: readonly string[], input?: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { input, encoding: 'utf8', maxBuffer: 64 << 20 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Assembles LLVM-syntax lines with `llvm-mc-19 -triple T -mcpu=v4 -show-encoding`; returns the
 * bytes of each instruction in order, or the assembler's error text.
 */
export function llvmMcEncodings(lines: readonly string[], triple: Triple = 'bpfel'): { encodings: Uint8Array[]; stderr: string; status: number | null } {
  const r = run('llvm-mc-19', ['-triple', triple, '-mcpu=v4', '-show-encoding'], `${lines.join('\n')}\n`);
  const encodings: Uint8Array[] = [];
  for (const m of r.stdout.matchAll(/encoding: \[([^\]]*)\]/g)) encodings.push(Uint8Array.from(m[1]!.split(',').map((b) => Number(b))));
  return { encodings, stderr: r.stderr, status: r.status };
}

/** Wraps raw instruction bytes as `.byte` data in function `f` and lets llvm-objdump-19 -d disassemble it. */
export function llvmObjdumpBytes(bytes: Uint8Array, options: { triple?: Triple; mcpu?: string; raw?: boolean } = {}): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'tsbpf-llvm-'));
  try {
    const rows: string[] = ['\t.text', '\t.globl f', '\t.type f,@function', 'f:'];
    for (let i = 0; i < bytes.length; i += 8) rows.push(`\t.byte ${Array.from(bytes.subarray(i, i + 8), (b) => `0x${b.toString(16)}`).join(',')}`);
    writeFileSync(join(dir, 'p.s'), `${rows.join('\n')}\n`);
    const mc = run('llvm-mc-19', ['-triple', options.triple ?? 'bpfel', '-filetype=obj', join(dir, 'p.s'), '-o', join(dir, 'p.o')]);
    if (mc.status !== 0) throw new Error(`llvm-mc failed: ${mc.stderr}`);
    const args = ['-d', ...(options.raw ? [] : ['--no-show-raw-insn']), ...(options.mcpu ? [`--mcpu=${options.mcpu}`] : []), join(dir, 'p.o')];
    const od = run('llvm-objdump-19', args);
    if (od.status !== 0) throw new Error(`llvm-objdump failed: ${od.stderr}`);
    const lines = od.stdout.split('\n');
    return lines.slice(lines.indexOf('0000000000000000 <f>:') + 1).filter((l) => l !== '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
