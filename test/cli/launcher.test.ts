/**
 * bin/tsbpf, the `tsbpf` command: started from a V8 start-up snapshot (dist/tsbpf-dump.blob for
 * `dump`, dist/tsbpf.blob for the other commands) it
 * must behave byte for byte as without it (TSBPF_NO_SNAPSHOT=1: dist/src/cli/main.js), for
 * output, errors, exit statuses, standard input, pipes that close early, time zones and the
 * working directory, all of which the snapshot's build machine must not have fixed; and it must
 * fall back when the blob's record does not match the node binary.
 *
 * That the snapshot path is really taken is checked twice: the launcher's TSBPF_LAUNCH_DEBUG
 * line, and, independently of the launcher, the stack of an error under TSBPF_DEBUG, whose
 * frames are in dist/snapshot/*.cjs (the bundles) only when the code came from a snapshot.
 */
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { corpus, writeCapture } from '../helpers/capture-corpus.js';
import { findTool, needsTool } from '../helpers/oracles.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = [join(here, '../..'), join(here, '../../..')].find((d) => existsSync(join(d, 'bin/tsbpf')))!;
const launcher = join(root, 'bin/tsbpf');
const blob = join(root, 'dist/tsbpf.blob');
const dumpBlob = join(root, 'dist/tsbpf-dump.blob');
const record = join(root, 'dist/tsbpf.blob.node');
const built = existsSync(join(root, 'dist/src/cli/main.js'));
const notBuilt = { skip: built ? false : 'not built (npm run build)' };

const dir = mkdtempSync(join(tmpdir(), 'tsbpf-launcher-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The environment of every run: this test's node first on PATH (the one that built the blob). */
function env(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, PATH: `${dirname(process.execPath)}:/usr/bin:/bin`, TZ: 'UTC' };
  delete e['TSBPF_NO_SNAPSHOT'];
  delete e['TSBPF_LAUNCH_DEBUG'];
  delete e['TSBPF_DEBUG'];
  delete e['NODE_OPTIONS'];
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete e[k];
    else e[k] = v;
  }
  return e;
}

interface Case {
  readonly args: readonly string[];
  readonly env?: Record<string, string | undefined>;
  readonly input?: Uint8Array;
  readonly cwd?: string;
}

function launch(c: Case, extra: Record<string, string | undefined> = {}, command = launcher): SpawnSyncReturns<Buffer> {
  return spawnSync(command, c.args, { cwd: c.cwd ?? root, env: env({ ...c.env, ...extra }), input: c.input ?? new Uint8Array(0), maxBuffer: 1 << 26 });
}

/** Runs `c` with and without the snapshot; asserts the same bytes and status; returns the snapshot run. */
function same(c: Case): SpawnSyncReturns<Buffer> {
  const snap = launch(c, { TSBPF_LAUNCH_DEBUG: '1' });
  const plain = launch(c, { TSBPF_NO_SNAPSHOT: '1' });
  const what = `tsbpf ${c.args.join(' ')} ${JSON.stringify(c.env ?? {})}`;
  const stderr = snap.stderr.toString('latin1');
  const expected = c.args[0] === 'dump' ? 'tsbpf-dump.blob' : 'tsbpf.blob';
  assert.ok(stderr.startsWith('tsbpf: snapshot ') && stderr.split('\n')[0]!.endsWith(`/dist/${expected}`), `${what}: the snapshot path was not taken: ${stderr.split('\n')[0]}`);
  assert.equal(stderr.replace(/^.*\n/, ''), plain.stderr.toString('latin1'), `${what}: stderr`);
  assert.equal(snap.status, plain.status, `${what}: status`);
  assert.ok(snap.stdout.equals(plain.stdout), `${what}: stdout differs:\n${snap.stdout.toString('latin1').slice(0, 400)}\n---\n${plain.stdout.toString('latin1').slice(0, 400)}`);
  return { ...snap, stderr: Buffer.from(stderr.replace(/^.*\n/, ''), 'latin1') };
}

const http = join(root, 'samples/http.pcap');
// A pcap and a pcapng file, DNS and HTTP: each run is two Node starts, ~0.1 s each.
const samples = ['http.pcap', 'dns.pcap', 'http.pcapng'].map((f) => join(root, 'samples', f));

describe('bin/tsbpf and the start-up snapshot', notBuilt, () => {
  it('the build made the blobs and their record, naming this node binary', () => {
    for (const b of [blob, dumpBlob]) assert.ok(existsSync(b), `${b} is missing: scripts/build-snapshot.mjs did not run`);
    const [flags, node] = readFileSync(record, 'utf8').split('\n');
    assert.equal(typeof flags, 'string');
    assert.equal(node, process.execPath);
  });

  it('code runs from the snapshot bundles, not from dist/src (stack of an error under TSBPF_DEBUG)', () => {
    const cases: [Case, RegExp, RegExp][] = [
      [{ args: ['dump', '-r', join(dir, 'missing.pcap')], env: { TSBPF_DEBUG: '1' } }, /at .*dist\/snapshot\/dump\.cjs:/, /dist\/src\/cli\/commands\/dump\.js/],
      [{ args: ['bpf-asm', join(dir, 'missing.bpf')], env: { TSBPF_DEBUG: '1' } }, /at .*dist\/snapshot\/all\.cjs:/, /dist\/src\/node\/io\/files\.js/],
    ];
    for (const [c, fromSnapshot, fromModules] of cases) {
      const snap = launch(c).stderr.toString();
      const plain = launch(c, { TSBPF_NO_SNAPSHOT: '1' }).stderr.toString();
      assert.match(snap, fromSnapshot);
      assert.doesNotMatch(snap, /dist\/src\//);
      assert.match(plain, fromModules);
    }
  });

  const tzs: Record<string, string | undefined>[] = [{ TZ: 'America/New_York' }, { TZ: undefined }, { TZ: 'UTC' }];
  for (const flags of [['-nn'], ['-v'], ['-e'], ['-x'], ['-tttt']]) {
    it(`dump ${flags.join(' ')} on the samples: same output with and without the snapshot, and tcpdump's`, () => {
      const tcpdump = findTool('tcpdump');
      for (const file of samples) {
        for (const zone of flags[0] === '-tttt' ? tzs : [{}]) {
          const c: Case = { args: ['dump', ...flags, '-r', file], env: zone };
          const r = same(c);
          assert.equal(r.status, 0);
          if (tcpdump) {
            const t = spawnSync(tcpdump, [...flags, '-r', file], { env: env(zone), encoding: 'latin1' });
            assert.equal(r.stdout.toString('latin1'), t.stdout, `tcpdump ${flags.join(' ')} -r ${file} ${JSON.stringify(zone)}`);
            assert.equal(r.stderr.toString('latin1'), t.stderr, `tcpdump ${flags.join(' ')} -r ${file}: stderr`);
          }
        }
      }
    });
  }

  it('help, usage errors, unknown commands and bad filters: same text and status', () => {
    assert.equal(same({ args: ['--help'] }).status, 0);
    assert.match(same({ args: ['--help'] }).stdout.toString(), /^usage: tsbpf COMMAND/);
    assert.equal(same({ args: ['-h'] }).status, 0);
    assert.equal(same({ args: [] }).status, 2);
    assert.match(same({ args: ['help', 'dump'] }).stdout.toString(), /^usage: tsbpf dump/);
    const unknown = same({ args: ['frobnicate'] });
    assert.equal(unknown.status, 2);
    assert.equal(unknown.stderr.toString(), "tsbpf: unknown command 'frobnicate' (try 'tsbpf help')\n");
    assert.equal(same({ args: ['dump', '-Z', 'x', '-r', http] }).status, 2);
    const bad = same({ args: ['dump', '-r', http, 'tcp port'] });
    assert.equal(bad.status, 1);
    // As tcpdump: the file is opened (its line) before the filter is compiled; one error line.
    assert.match(bad.stderr.toString(), /^reading from file [^\n]+\ntsbpf: can't parse filter expression: [^\n]+\n$/);
    assert.equal(bad.stdout.length, 0);
    const tcpdump = findTool('tcpdump');
    if (tcpdump) assert.equal(bad.stderr.toString(), spawnSync(tcpdump, ['-r', http, 'tcp port'], { encoding: 'utf8' }).stderr.replace(/^tcpdump: /m, 'tsbpf: '));
    assert.equal(same({ args: ['dump', '-r', join(dir, 'missing.pcap')] }).status, 1);
  });

  it('the other commands: same output', () => {
    assert.equal(same({ args: ['bpf-asm', '-d', 'samples/cpu-filter.bpf'] }).status, 0);
    assert.equal(same({ args: ['dump', '-dd', 'ip6 and udp port 53'] }).status, 0);
    assert.equal(same({ args: ['compile', 'tcp port 80'] }).status, 0);
    // The eBPF JIT compiles WebAssembly at run time, after the heap was deserialized.
    const prog = join(dir, 'prog.s');
    writeFileSync(prog, 'r0 = *(u8 *)(r1 + 1)\nr0 += 4\nexit\n');
    for (const engine of ['jit', 'interpreter']) {
      const r = same({ args: ['run', '--engine', engine, '--data-hex', 'aabbcc', prog] });
      assert.equal(r.stdout.toString(), 'r0 = 0xbf (191)\n');
    }
  });

  it('reads standard input (-r -), writes a capture to standard output (-w -)', () => {
    const input = new Uint8Array(readFileSync(http));
    const r = same({ args: ['dump', '-nn', '-r', '-', 'tcp'], input });
    assert.ok(r.stdout.length > 0);
    const w = same({ args: ['dump', '-r', '-', '-w', '-', 'tcp port 80'], input });
    assert.equal(w.status, 0);
    const tcpdump = findTool('tcpdump');
    if (tcpdump) assert.ok(w.stdout.equals(spawnSync(tcpdump, ['-r', '-', '-w', '-', 'tcp port 80'], { input }).stdout));
  });

  it('reads the working directory and the kind of standard output at run time', () => {
    const work = mkdtempSync(join(dir, 'cwd-'));
    copyFileSync(http, join(work, 'relative.pcap'));
    assert.ok(same({ args: ['dump', '-nn', '-r', 'relative.pcap'], cwd: work }).stdout.length > 0);
    // Standard output to a file (written with writeSync) rather than a pipe.
    const out = (name: string, extra: Record<string, string>): string => {
      const file = join(work, name);
      const r = spawnSync('sh', ['-c', `"${launcher}" dump -nn -r relative.pcap > "${file}"`], { cwd: work, env: env(extra) });
      assert.equal(r.status, 0);
      return readFileSync(file, 'latin1');
    };
    const viaFile = out('snap.txt', {});
    assert.ok(viaFile.length > 0);
    assert.equal(viaFile, out('plain.txt', { TSBPF_NO_SNAPSHOT: '1' }));
  });

  it('runs node without NODE_EXTRA_CA_CERTS (read at every Node start; tsbpf makes no TLS connection)', () => {
    // Node warns at start-up when the file cannot be read: the warning shows whether it was read.
    const ca = { NODE_EXTRA_CA_CERTS: join(dir, 'missing-ca.pem') };
    const direct = spawnSync(process.execPath, [join(root, 'dist/src/cli/main.js'), '--help'], { env: env(ca), encoding: 'utf8' });
    assert.match(direct.stderr, /Warning: Ignoring extra certs from/);
    for (const extra of [{}, { TSBPF_NO_SNAPSHOT: '1' }]) {
      const r = launch({ args: ['--help'], env: ca }, extra);
      assert.equal(r.stderr.toString(), '', JSON.stringify(extra));
      assert.equal(r.stdout.toString(), direct.stdout);
    }
  });

  it('a pipe closed early (| head -1) ends quietly with status 0', () => {
    // More output than a pipe holds, so the writes after head exits fail with EPIPE.
    const big = join(dir, 'big.pcap');
    writeFileSync(big, writeCapture('pcap', 1, corpus(7, 3000, { truncate: false })));
    for (const extra of [{}, { TSBPF_NO_SNAPSHOT: '1' }]) {
      const r = spawnSync('sh', ['-c', `{ "${launcher}" dump -nn -r "${big}" 2>"${dir}/err"; echo $? >"${dir}/status"; } | head -1`], { env: env(extra), encoding: 'utf8' });
      assert.equal(r.stdout.split('\n').length, 2, JSON.stringify(extra));
      assert.equal(readFileSync(join(dir, 'status'), 'utf8'), '0\n', JSON.stringify(extra));
      assert.match(readFileSync(join(dir, 'err'), 'utf8'), /^reading from file [^\n]+\n$/, JSON.stringify(extra));
    }
  });
});

describe('bin/tsbpf falls back when the blob does not fit', notBuilt, () => {
  /** A copy of the launcher next to links to the real dist: a record of its own to spoil. */
  const copy = (name: string): { bin: string; record: string } => {
    const top = join(dir, name);
    mkdirSync(join(top, 'bin'), { recursive: true });
    mkdirSync(join(top, 'dist'));
    copyFileSync(launcher, join(top, 'bin/tsbpf'));
    symlinkSync(join(root, 'dist/src'), join(top, 'dist/src'));
    symlinkSync(blob, join(top, 'dist/tsbpf.blob'));
    symlinkSync(dumpBlob, join(top, 'dist/tsbpf-dump.blob'));
    return { bin: join(top, 'bin/tsbpf'), record: join(top, 'dist/tsbpf.blob.node') };
  };
  const choice = (bin: string): string => {
    const r = launch({ args: ['--help'] }, { TSBPF_LAUNCH_DEBUG: '1' }, bin);
    assert.equal(r.status, 0);
    assert.match(r.stdout.toString(), /^usage: tsbpf COMMAND/);
    return r.stderr.toString().split('\n')[0]!;
  };
  const recordFor = (path: string, node: string, mtimeFrom: string): void => {
    writeFileSync(path, `${readFileSync(record, 'utf8').split('\n')[0]}\n${node}\n`);
    assert.equal(spawnSync('touch', ['-r', mtimeFrom, path]).status, 0);
  };

  it('a faithful copy of the record: snapshot (the control for the cases below)', () => {
    const c = copy('good');
    recordFor(c.record, process.execPath, process.execPath);
    assert.match(choice(c.bin), /^tsbpf: snapshot /);
  });

  it('through a symbolic link, as npm links bin scripts: snapshot', () => {
    const c = copy('linked');
    recordFor(c.record, process.execPath, process.execPath);
    mkdirSync(join(dir, 'dot-bin'));
    symlinkSync(c.bin, join(dir, 'dot-bin/tsbpf'));
    assert.match(choice(join(dir, 'dot-bin/tsbpf')), /^tsbpf: snapshot .*linked\/bin\/\.\.\/dist\/tsbpf\.blob$/);
  });

  it('a node binary changed since the build (another modification time): fallback', () => {
    const c = copy('changed');
    recordFor(c.record, process.execPath, launcher);
    assert.match(choice(c.bin), /^tsbpf: no snapshot \(.* changed since the build\)$/);
  });

  it('a blob built by another node: fallback', () => {
    const c = copy('other');
    recordFor(c.record, '/bin/sh', process.execPath);
    assert.match(choice(c.bin), /^tsbpf: no snapshot \(built by \/bin\/sh, not /);
  });

  it('no record: fallback', () => {
    const c = copy('none');
    assert.match(choice(c.bin), /^tsbpf: no snapshot \(no /);
  });

  it('NODE_OPTIONS set (it may change V8 flags, and Node then refuses the blob): fallback', () => {
    const options = { NODE_OPTIONS: '--max-old-space-size=200' };
    const refused = spawnSync(process.execPath, ['--snapshot-blob', blob, '--', '--help'], { env: env(options), encoding: 'utf8' });
    assert.notEqual(refused.status, 0);
    assert.match(refused.stderr, /Failed to load the startup snapshot/);
    const r = launch({ args: ['--help'], env: options }, { TSBPF_LAUNCH_DEBUG: '1' });
    assert.equal(r.status, 0);
    assert.equal(r.stderr.toString(), 'tsbpf: no snapshot (NODE_OPTIONS is set)\n');
    assert.match(r.stdout.toString(), /^usage: tsbpf COMMAND/);
  });

  it('TSBPF_NO_SNAPSHOT=1: fallback', () => {
    const r = launch({ args: ['--help'] }, { TSBPF_LAUNCH_DEBUG: '1', TSBPF_NO_SNAPSHOT: '1' });
    assert.equal(r.stderr.toString(), 'tsbpf: no snapshot (TSBPF_NO_SNAPSHOT is set)\n');
  });
});

describe('bin/tsbpf against tcpdump', { ...notBuilt, ...(built ? needsTool('tcpdump') : {}) }, () => {
  it('npm start prints what tcpdump prints for the same command', () => {
    const r = spawnSync(launcher, ['dump', '-r', 'samples/http.pcap', 'tcp port 80'], { cwd: root, env: env({}), encoding: 'utf8' });
    const t = spawnSync('tcpdump', ['-r', 'samples/http.pcap', 'tcp port 80'], { cwd: root, env: env({}), encoding: 'utf8' });
    assert.equal(r.stdout, t.stdout);
    assert.equal(r.stderr, t.stderr);
  });
});
