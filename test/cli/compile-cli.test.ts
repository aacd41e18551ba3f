/**
 * `tsbpf compile`, run in-process, against `tcpdump -d/-dd/-ddd [-O] -y -s` on the same
 * arguments (tcpdump is the oracle for both listings and error messages).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { runCli } from '../../src/cli/run-cli.js';
import type { CliIO } from '../../src/cli/command.js';
import { parseCompileArgs } from '../../src/cli/commands/compile.js';
import { needsTool } from '../helpers/oracles.js';

async function run(argv: string[], files: Record<string, string> = {}): Promise<{ status: number; out: string; err: string }> {
  let out = '', err = '';
  const io: CliIO = {
    stdout: (t) => { out += t; },
    stderr: (t) => { err += t; },
    readInput: async (path) => new TextEncoder().encode(files[path ?? ''] ?? ''),
  };
  const status = await runCli(argv, io);
  return { status, out, err };
}

function tcpdump(args: string[]): { status: number; out: string; err: string } {
  const r = spawnSync('tcpdump', args, { encoding: 'utf8' });
  const err = r.stderr.split('\n').filter((l) => l.startsWith('tcpdump: ')).join('\n');
  return { status: r.status ?? -1, out: r.stdout, err: err ? `${err}\n` : '' };
}

const CASES: string[][] = [
  ['-d', 'tcp', 'port', '80'],
  ['-dd', '-y', 'LINUX_SLL', 'host', '10.0.0.1'],
  ['-ddd', '-O', 'ip6', 'and', 'udp', 'port', 'domain'],
  ['-d', '-s', '65535', '-y', 'RAW', 'icmp[icmptype]', '=', 'icmp-echo'],
  ['-d', 'vlan 100 and (tcp[tcpflags] & tcp-syn != 0)'],
  ['-d', '-y', 'PPP', 'ip', 'or', 'mpls'],
];

test('tsbpf compile prints what tcpdump prints', needsTool('tcpdump'), async () => {
  for (const args of CASES) {
    const ours = await run(['compile', ...args]);
    const theirs = tcpdump(args.includes('-y') ? args : ['-y', 'EN10MB', ...args]);
    if (ours.out !== theirs.out && !args.includes('-O')) {
      // The optimizer may find a shorter program than libpcap's (never a longer one; equivalence
      // is tested in test/filter): then the unoptimized listing must be tcpdump's.
      const lines = (t: string): number => t.split('\n').length;
      assert.ok(lines(ours.out) < lines(theirs.out), `${args.join(' ')}: ours longer than tcpdump's`);
      const o = ['-O', ...args];
      assert.equal((await run(['compile', ...o])).out, tcpdump(args.includes('-y') ? o : ['-y', 'EN10MB', ...o]).out, o.join(' '));
    } else assert.equal(ours.out, theirs.out, args.join(' '));
    assert.equal(ours.status, 0);
  }
});

test('tsbpf compile reports rejected expressions like tcpdump, exit status 1', needsTool('tcpdump'), async () => {
  for (const expr of ['tcp port', 'host nosuchhost.invalid', 'ip6 host 10.0.0.1', 'vlan 5000', 'ip and ip6']) {
    const ours = await run(['compile', '-y', 'EN10MB', expr]);
    const theirs = tcpdump(['-d', '-y', 'EN10MB', expr]);
    assert.equal(ours.status, 1, expr);
    assert.equal(ours.err, theirs.err.replace(/^tcpdump:/, 'tsbpf:'), expr);
  }
});

test('tsbpf compile -F reads the expression from a file', async () => {
  const r = await run(['compile', '-ddd', '-F', 'f.txt'], { 'f.txt': 'ip  # comment\nand udp\n' });
  const direct = await run(['compile', '-ddd', 'ip and udp']);
  assert.equal(r.status, 0);
  assert.equal(r.out, direct.out);
});

test('parseCompileArgs: tcpdump option forms', () => {
  assert.deepEqual(parseCompileArgs(['-ddd', '-O', '-yRAW', '-s', '96', 'ip', 'and', 'tcp']),
    { style: 'ddd', optimize: false, linkType: 'RAW', snaplen: 96, filterFile: undefined, expression: 'ip and tcp' });
  assert.deepEqual(parseCompileArgs(['--', '-1', '=', '0']).expression, '-1 = 0');
  assert.throws(() => parseCompileArgs(['-q']), /unknown option/);
  assert.throws(() => parseCompileArgs(['-y']), /needs a value/);
});
