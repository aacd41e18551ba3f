/**
 * Reading the golden listings made by scripts/golden-cbpf-listings.sh: one file per tcpdump
 * expression, with `### <command>` sections for -d, -dd and -ddd. The -ddd section is parsed
 * here, independently of the library's own parsers.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { insn, type ClassicInsn } from '../../src/cbpf/insn.js';
import type { ListingStyle } from '../../src/cbpf/listing.js';

const here = fileURLToPath(new URL('.', import.meta.url));
// Works from test/cbpf (tsx) and from dist/test/cbpf (built): find the repo's test/golden.
export const goldenDir = [join(here, '../golden/cbpf-listings'), join(here, '../../../test/golden/cbpf-listings')]
  .find((d) => { try { return readdirSync(d).length > 0; } catch { return false; } })!;

export interface Golden { readonly file: string; readonly sections: ReadonlyMap<ListingStyle, { command: string; text: string }> }

export function readGolden(file: string): Golden {
  const lines = readFileSync(join(goldenDir, file), 'utf8').split('\n');
  const sections = new Map<ListingStyle, { command: string; text: string }>();
  let current: { style: ListingStyle; command: string; body: string[] } | undefined;
  const flush = (): void => { if (current) sections.set(current.style, { command: current.command, text: current.body.map((l) => `${l}\n`).join('') }); };
  for (const line of lines.slice(1, lines[lines.length - 1] === '' ? -1 : undefined)) {
    const m = /^### (tcpdump (-d{1,3}) .*)$/.exec(line);
    if (m) { flush(); current = { style: m[2]!.slice(1) as ListingStyle, command: m[1]!, body: [] }; continue; }
    current!.body.push(line);
  }
  flush();
  return { file, sections };
}

export function parseDdd(text: string): ClassicInsn[] {
  const [count, ...rows] = text.trimEnd().split('\n');
  const insns = rows.map((r) => { const [c, jt, jf, k] = r.split(' ').map(Number); return insn(c!, jt!, jf!, k!); });
  assert.equal(insns.length, Number(count));
  return insns;
}

export const goldenFiles = (): string[] => readdirSync(goldenDir).filter((f) => f.endsWith('.txt')).sort();

/** The program of a golden file (its -ddd section). */
export function goldenProgram(file: string): ClassicInsn[] {
  return parseDdd(readGolden(file).sections.get('ddd')!.text);
}
