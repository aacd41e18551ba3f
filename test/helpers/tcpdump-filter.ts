/**
 * libpcap as an oracle for the filter compiler: `tcpdump -ddd [-O] -y LINKTYPE -s SNAPLEN --
 * EXPR` for many expressions, spawned a few at a time, each answer cached for the test run.
 */
import { spawn } from 'node:child_process';
import { insn, type ClassicInsn } from '../../src/cbpf/insn.js';

export type OracleResult = { readonly ok: true; readonly insns: readonly ClassicInsn[] } | { readonly ok: false; readonly message: string };

export interface OracleQuery { readonly linkType: string; readonly expr: string; readonly optimize: boolean; readonly snaplen?: number }

const cache = new Map<string, Promise<OracleResult>>();
const keyOf = (q: OracleQuery): string => `${q.linkType}\0${q.optimize ? 1 : 0}\0${q.snaplen ?? 262144}\0${q.expr}`;

function run(q: OracleQuery): Promise<OracleResult> {
  return new Promise((resolve, reject) => {
    const args = ['-ddd', ...(q.optimize ? [] : ['-O']), '-y', q.linkType, '-s', String(q.snaplen ?? 262144), '--', q.expr];
    const child = spawn('tcpdump', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) {
        const line = err.split('\n').find((l) => l.startsWith('tcpdump: ')) ?? err.trim();
        resolve({ ok: false, message: line.replace(/^tcpdump: /, '') });
        return;
      }
      const lines = out.trim().split('\n');
      const insns = lines.slice(1).map((l) => { const [c, jt, jf, k] = l.trim().split(/\s+/).map(Number); return insn(c!, jt!, jf!, k!); });
      resolve({ ok: true, insns });
    });
  });
}

/** Answers for all queries, at most `parallel` tcpdump processes at a time. */
export async function tcpdumpPrograms(queries: readonly OracleQuery[], parallel = 6): Promise<OracleResult[]> {
  const results: Promise<OracleResult>[] = new Array(queries.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < queries.length) {
      const i = next++;
      const q = queries[i]!;
      const k = keyOf(q);
      let p = cache.get(k);
      if (!p) { p = run(q); cache.set(k, p); }
      results[i] = p;
      await p;
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, queries.length) }, worker));
  return Promise.all(results);
}

/** Reads a corpus file: `LINKTYPE<TAB>EXPR` or `EXPR` (EN10MB) per line, `#` comments. */
export function parseCorpus(text: string): { linkType: string; expr: string }[] {
  return text.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#')).map((l) => {
    const tab = l.indexOf('\t');
    return tab >= 0 ? { linkType: l.slice(0, tab).trim(), expr: l.slice(tab + 1) } : { linkType: 'EN10MB', expr: l };
  });
}
