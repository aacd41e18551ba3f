/**
 * The eBPF C corpus (test/ebpf/corpus): the object list of scripts/build-ebpf-corpus.sh, the
 * committed objects and golden llvm-objdump/llvm-readobj output, and a live rebuild with clang-19
 * into a temporary directory for the oracle-present runs.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** The repository root, from either test/helpers (tsx) or dist/test/helpers (built). */
export const repoRoot = here.includes(`${join('dist', 'test')}`) ? join(here, '..', '..', '..') : join(here, '..', '..');
export const corpusDir = join(repoRoot, 'test', 'ebpf', 'corpus');
export const buildDir = join(corpusDir, 'build');

export interface CorpusObject { readonly name: string; readonly target: 'bpfel' | 'bpfeb'; readonly cpu: string; readonly file: string }

/** The objects the build script makes, read from its TABLE so there is one list. */
export function corpusObjects(): CorpusObject[] {
  const script = readFileSync(join(repoRoot, 'scripts', 'build-ebpf-corpus.sh'), 'utf8');
  const out: CorpusObject[] = [];
  for (const m of script.matchAll(/^(?:TABLE=')?([a-z0-9-]+) (bpfel|bpfeb) (v\d)'?$/gm)) {
    out.push({ name: m[1]!, target: m[2] as 'bpfel' | 'bpfeb', cpu: m[3]!, file: `${m[1]}.${m[2]}.${m[3]}.o` });
  }
  return out;
}

export interface Golden { readonly file: string; readonly command: string[]; readonly object: string; readonly text: string }

/** Every committed .objdump.txt: its recorded command and the output that follows it. */
export function objdumpGoldens(): Golden[] {
  return readdirSync(buildDir).filter((f) => f.endsWith('.objdump.txt')).sort().map((file) => {
    const all = readFileSync(join(buildDir, file), 'utf8');
    const nl = all.indexOf('\n');
    const command = all.slice(2, nl).split(' ');
    return { file, command, object: command[command.length - 1]!, text: all.slice(nl + 1) };
  });
}

export function readBytes(path: string): Uint8Array {
  const b = readFileSync(path);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** Compiles one corpus program with the script's flags into `dir`; returns the object path. */
export function compileCorpus(obj: CorpusObject, dir: string): string {
  const out = join(dir, obj.file);
  const r = spawnSync('clang-19', ['-O2', '-g', '-target', obj.target, `-mcpu=${obj.cpu}`, '-c', join(corpusDir, `${obj.name}.c`), '-o', out], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`clang-19 failed on ${obj.name}.c: ${r.stderr}`);
  return out;
}
