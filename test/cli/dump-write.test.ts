/**
 * `tsbpf dump -w` (the no-print fast path: records copied from the read buffer, the filter run
 * in place) against `tcpdump -w`: the same bytes written, for many filters, both engines, -c,
 * on the bundled samples and on generated captures in every pcap/pcapng variant (byte order,
 * micro/nanoseconds, several interfaces), and on damaged files (the packets before the damage
 * are written, then the same error status). Also the packet selection through --count.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CaptureWriter, type CaptureFormat } from '../../src/capture/index.js';
import { corpus, type CorpusFrame } from '../helpers/capture-corpus.js';
import { dump } from '../helpers/cli.js';
import { needsTool } from '../helpers/oracles.js';
import { Prng, testSeed } from '../helpers/prng.js';
import { samplesDir } from '../helpers/tcpdump-print.js';

process.env.TZ = 'UTC';
const dir = mkdtempSync(join(tmpdir(), 'tsbpf-dump-w-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function tcpdump(args: readonly string[]): { stdout: string; stderr: string; status: number } {
  const r = spawnSync('tcpdump', args, { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status ?? -1 };
}

function capture(format: CaptureFormat, frames: readonly CorpusFrame[], o: { littleEndian?: boolean; nanosecond?: boolean; interfaces?: number } = {}): Uint8Array {
  const chunks: Uint8Array[] = [];
  const w = new CaptureWriter({ format, linkType: 1, littleEndian: o.littleEndian, nanosecond: o.nanosecond, bufferSize: 4096 }, (b) => chunks.push(b));
  frames.forEach((f, i) => w.write({
    data: f.data, origLength: f.origLength ?? f.data.length, seconds: 1700000000 + Math.floor(i / 3),
    nanos: ((i * 7919) % 1000000) * 1000 + (o.nanosecond ? (i * 13) % 1000 : 0), interfaceId: i % (o.interfaces ?? 1),
  }));
  w.flush();
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) { out.set(c, at); at += c.length; }
  return out;
}

const FILTERS = [
  '', 'tcp', 'udp', 'tcp or (udp and port 53) or icmp', 'not tcp', 'ip6', 'vlan', 'greater 100', 'len <= 80',
  'tcp[tcpflags] & tcp-syn != 0', 'ip[8] < 64', 'ether multicast', 'tcp dst port 80 and tcp[((tcp[12:1] & 0xf0) >> 2):4] = 0x47455420',
];

const SEED = testSeed(0xd0e5);

describe(`tsbpf dump -w = tcpdump -w (seed ${SEED})`, needsTool('tcpdump'), () => {
  const files: string[] = readdirSync(samplesDir()).filter((f) => /\.pcap(ng)?$/.test(f)).map((f) => join(samplesDir(), f));
  const frames = corpus(SEED, 1500, { truncate: true });
  const variants: [string, CaptureFormat, Parameters<typeof capture>[2]][] = [
    ['le-us.pcap', 'pcap', {}], ['be-us.pcap', 'pcap', { littleEndian: false }], ['le-ns.pcap', 'pcap', { nanosecond: true }],
    ['be-ns.pcap', 'pcap', { littleEndian: false, nanosecond: true }], ['le-us.pcapng', 'pcapng', {}],
    ['be-ns.pcapng', 'pcapng', { littleEndian: false, nanosecond: true }], ['two-ifaces.pcapng', 'pcapng', { interfaces: 2 }],
  ];
  for (const [name, format, o] of variants) {
    const path = join(dir, name);
    writeFileSync(path, capture(format, frames, o));
    files.push(path);
  }
  for (const filter of FILTERS) {
    it(`'${filter}'`, async () => {
      for (const file of files) {
        const want = join(dir, 'tcpdump.pcap');
        const t = tcpdump(['-r', file, '-w', want, ...(filter ? [filter] : [])]);
        for (const engine of ['jit', 'interpreter']) {
          const got = join(dir, `ours-${engine}.pcap`);
          const ours = await dump(['-r', file, '-w', got, '--engine', engine, ...(filter ? [filter] : [])]);
          assert.equal(ours.status, t.status, `${file} ${engine}: ${ours.stderr}`);
          assert.equal(ours.stderr, t.stderr, `${file} ${engine}`);
          assert.ok(readFileSync(got).equals(readFileSync(want)), `${file} ${engine}: -w output differs from tcpdump's`);
        }
        const count = await dump(['--count', '-r', file, ...(filter ? [filter] : [])]);
        assert.equal(count.stdout, tcpdump(['--count', '-r', file, ...(filter ? [filter] : [])]).stdout, `${file} --count`);
      }
    });
  }
  it('-c N writes the first N selected packets', async () => {
    for (const file of files) {
      for (const n of [1, 7, 1000]) {
        const want = join(dir, 'tcpdump-c.pcap');
        const got = join(dir, 'ours-c.pcap');
        tcpdump(['-r', file, '-c', String(n), '-w', want, 'udp or icmp']);
        assert.equal((await dump(['-r', file, '-c', String(n), '-w', got, 'udp or icmp'])).status, 0);
        assert.ok(readFileSync(got).equals(readFileSync(want)), `${file} -c ${n}`);
      }
    }
  });
  it('--nano -w writes nanosecond pcap like tcpdump --nano -w', async () => {
    for (const file of files) {
      const want = join(dir, 'tcpdump-ns.pcap');
      const got = join(dir, 'ours-ns.pcap');
      tcpdump(['--nano', '-r', file, '-w', want, 'ip']);
      assert.equal((await dump(['--nano', '-r', file, '-w', got, 'ip'])).status, 0);
      assert.ok(readFileSync(got).equals(readFileSync(want)), file);
    }
  });
  it('damaged files: the packets before the damage are written, then tcpdump\'s status', async () => {
    const rng = new Prng(SEED);
    const whole = capture('pcap', frames.slice(0, 400));
    for (let round = 0; round < 40; round++) {
      const bytes = whole.slice(0, 24 + rng.int(whole.length - 24));
      if (round % 2 === 1) { const at = 24 + rng.int(bytes.length - 24); bytes[at]! ^= 0xff; }
      const file = join(dir, 'damaged.pcap');
      writeFileSync(file, bytes);
      const want = join(dir, 'tcpdump-d.pcap');
      const got = join(dir, 'ours-d.pcap');
      const t = tcpdump(['-r', file, '-w', want, 'tcp or udp']);
      const ours = await dump(['-r', file, '-w', got, 'tcp or udp']);
      assert.equal(ours.status, t.status, `round ${round}: ${ours.stderr} / ${t.stderr}`);
      assert.ok(readFileSync(got).equals(readFileSync(want)), `round ${round}: written bytes differ`);
    }
  });
  const main = join(samplesDir(), '..', 'dist', 'src', 'cli', 'main.js');
  it('-r - and -w - (standard input to standard output)', { skip: existsSync(main) ? false : 'needs the built CLI (npm run build)' }, () => {
    for (const file of files) {
      const r = spawnSync(process.execPath, [main, 'dump', '-r', '-', '-w', '-', 'tcp'], { input: readFileSync(file), env: { ...process.env, TZ: 'UTC' }, maxBuffer: 1 << 26 });
      const t = spawnSync('tcpdump', ['-r', '-', '-w', '-', 'tcp'], { input: readFileSync(file), maxBuffer: 1 << 26 });
      assert.equal(r.status, t.status, `${file}: ${String(r.stderr)}`);
      assert.ok(Buffer.from(r.stdout).equals(Buffer.from(t.stdout)), `${file}: stdout differs`);
    }
  });
});
