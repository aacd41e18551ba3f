/**
 * `tsbpf dump` end to end, in process: packet selection identical to tcpdump's for many filters
 * (with both classic engines), -c, -w, --count, -d, stdin, and tcpdump-like errors.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { corpus, writeCapture } from '../helpers/capture-corpus.js';
import { dump } from '../helpers/cli.js';
import { needsTool } from '../helpers/oracles.js';
import { samplesDir, tcpdumpText } from '../helpers/tcpdump-print.js';

// tcpdump prints local time; both sides run in UTC here.
process.env.TZ = 'UTC';
const dir = mkdtempSync(join(tmpdir(), 'tsbpf-dump-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const FILTERS = [
  'tcp', 'udp', 'icmp', 'arp', 'ip', 'ip6', 'tcp port 80', 'port 53', 'udp port 53', 'host 192.168.1.10',
  'src host 192.168.1.10', 'dst host 93.184.216.34', 'net 192.168.1.0/24', 'src net 10.0.0.0/8', 'tcp[tcpflags] & tcp-syn != 0',
  'tcp[tcpflags] & (tcp-syn|tcp-fin) != 0', 'tcp[13] == 0x18', 'icmp[icmptype] == icmp-echo', 'icmp[icmptype] == icmp-echoreply', 'ip6 and icmp6',
  'icmp6', 'vlan', 'vlan 10', 'vlan and udp', 'ether broadcast', 'ether multicast', 'ether host 52:54:00:12:34:56', 'ether src 00:1c:42:0a:0b:0c',
  'greater 100', 'less 80', 'len > 200', 'ip[8] < 64', 'ip[2:2] > 100', 'tcp and not port 80', 'not tcp', 'udp or icmp', 'portrange 40000-40010',
  'tcp dst port 80 and tcp[((tcp[12:1] & 0xf0) >> 2):4] = 0x47455420', 'ip proto 17', 'ip6 proto 58', 'ether proto 0x0806', 'arp host 192.168.1.1',
  'dst port 51234', 'src port 80', 'ip and tcp[tcpflags] & tcp-ack != 0', 'ip multicast', 'ip broadcast', 'ip6 multicast', 'tcp portrange 1-1024',
  'udp dst portrange 5000-5001', 'ip[6:2] & 0x1fff != 0', 'ip6 host 2001:db8::1', 'net 2001:db8::/32', 'icmp6 and ip6[40] == 135', 'udp[8:2] == 0x1a2b',
  'tcp[tcpflags] == tcp-rst', 'ip and (udp or tcp) and not host 8.8.8.8', 'ether[0] & 1 != 0', 'len >= 60 and len <= 80',
];

describe('tsbpf dump: packet selection vs tcpdump', needsTool('tcpdump'), () => {
  const files = readdirSync(samplesDir()).filter((f) => /\.pcap(ng)?$/.test(f)).map((f) => join(samplesDir(), f));
  const corpusFile = join(dir, 'corpus.pcap');
  writeFileSync(corpusFile, writeCapture('pcap', 1, corpus(31337, 800, { truncate: false })));
  files.push(corpusFile);
  for (const filter of FILTERS) {
    it(filter, async () => {
      for (const file of files) {
        const expected = tcpdumpText(file, ['-nn', '-tt', filter]);
        for (const engine of ['jit', 'interpreter']) {
          const ours = await dump(['-nn', '-tt', '-r', file, '--engine', engine, filter]);
          assert.equal(ours.status, expected.status, `${file}: ${ours.stderr}`);
          assert.equal(ours.stdout, expected.stdout, `${file} (${engine})`);
        }
      }
    });
  }
});

describe('tsbpf dump: options and errors', needsTool('tcpdump'), () => {
  const http = join(samplesDir(), 'http.pcap');
  it('printed lines are the same as bytes (stdoutBytes) and as text (stdout)', async () => {
    const files = readdirSync(samplesDir()).filter((f) => /\.pcap(ng)?$/.test(f)).map((f) => join(samplesDir(), f));
    for (const file of files) {
      for (const opts of [['-nn'], [], ['-v', '-e'], ['-X']]) {
        const bytes = await dump([...opts, '-r', file]), text = await dump([...opts, '-r', file], true);
        assert.equal(bytes.status, 0);
        assert.ok(bytes.stdout.length > 0);
        assert.equal(bytes.stdout, text.stdout, `${opts.join(' ')} ${file}`);
      }
    }
  });

  it('stderr names the file, link type and snapshot length like tcpdump', async () => {
    const ours = await dump(['-nn', '-r', http, 'tcp port 80']);
    assert.equal(ours.stderr, tcpdumpText(http, ['-nn', 'tcp port 80']).stderr);
  });
  it('wall-clock times follow TZ like tcpdump (named, POSIX and numeric zones)', async () => {
    try {
      for (const tz of ['UTC', 'EST5EDT', 'Asia/Kolkata', 'UTC-3', '<+0530>-5:30', 'Europe/Paris', 'America/St_Johns']) {
        process.env.TZ = tz;
        const t = spawnSync('tcpdump', ['-nn', '-tttt', '-r', http], { encoding: 'utf8', env: { ...process.env, TZ: tz } });
        assert.equal((await dump(['-nn', '-tttt', '-r', http])).stdout, t.stdout, tz);
      }
    } finally {
      process.env.TZ = 'UTC';
    }
  });
  it('-c stops after N selected packets', async () => {
    assert.equal((await dump(['-nn', '-c', '3', '-r', http, 'tcp[tcpflags] & tcp-push != 0'])).stdout,
      tcpdumpText(http, ['-nn', '-c', '3', 'tcp[tcpflags] & tcp-push != 0']).stdout);
  });
  it('--count prints only the count', async () => {
    const ours = await dump(['--count', '-r', http, 'src port 80']);
    assert.equal(ours.stdout, tcpdumpText(http, ['--count', 'src port 80']).stdout);
  });
  it('-w writes the selected packets; tcpdump reads them back', async () => {
    const out = join(dir, 'sel.pcap');
    const ours = await dump(['-r', http, '-w', out, 'tcp[tcpflags] & tcp-push != 0']);
    assert.equal(ours.status, 0);
    assert.equal(ours.stderr, spawnSync('tcpdump', ['-r', http, '-w', join(dir, 'sel-tcpdump.pcap'), 'tcp[tcpflags] & tcp-push != 0'], { encoding: 'utf8' }).stderr);
    assert.deepEqual(readFileSync(out), readFileSync(join(dir, 'sel-tcpdump.pcap')), 'byte-identical to tcpdump -w');
    assert.equal(tcpdumpText(out, ['-nn']).stdout, tcpdumpText(http, ['-nn', 'tcp[tcpflags] & tcp-push != 0']).stdout);
  });
  it('-F reads the expression from a file', async () => {
    const f = join(dir, 'expr.txt');
    writeFileSync(f, 'udp # comment\n and port 53\n');
    const dns = join(samplesDir(), 'dns.pcap');
    assert.equal((await dump(['-nn', '-r', dns, '-F', f])).stdout, tcpdumpText(dns, ['-nn', '-F', f]).stdout);
  });
  it('-d prints the compiled filter like tcpdump -d', async () => {
    for (const flags of [['-d'], ['-dd'], ['-ddd'], ['-O', '-d'], ['-d', '-y', 'LINUX_SLL', '-s', '96']]) {
      for (const withFile of [true, false]) {
        const args = [...(withFile ? ['-r', http] : []), ...flags, 'tcp port 80'];
        const t = spawnSync('tcpdump', args, { encoding: 'utf8' });
        const ours = (await dump(args)).stdout;
        // The optimizer may find a shorter program than libpcap's (equivalence is tested in
        // test/filter); the unoptimized (-O) listings must be tcpdump's.
        if (ours !== t.stdout && !flags.includes('-O')) assert.ok(ours.split('\n').length < t.stdout.split('\n').length, args.join(' '));
        else assert.equal(ours, t.stdout, args.join(' '));
      }
    }
  });
  it('a missing file and a bad expression fail with status 1', async () => {
    const missing = await dump(['-r', join(dir, 'nope.pcap')]);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /nope\.pcap: No such file or directory/);
    const bad = await dump(['-r', http, 'tcp port']);
    assert.equal(bad.status, 1);
  });
  it('a truncated file prints the packets before the damage, then fails', async () => {
    const cut = join(dir, 'cut.pcap');
    writeFileSync(cut, readFileSync(http).subarray(0, 400));
    const ours = await dump(['-nn', '-r', cut]);
    const t = tcpdumpText(cut, ['-nn']);
    assert.equal(ours.stdout, t.stdout);
    assert.equal(ours.status, t.status);
    assert.match(ours.stderr, /truncated dump file/);
  });
  const main = join(samplesDir(), '..', 'dist', 'src', 'cli', 'main.js');
  it('reads standard input with -r -', { skip: existsSync(main) ? false : 'needs the built CLI (npm run build)' }, () => {
    const r = spawnSync(process.execPath, [main, 'dump', '-nn', '-r', '-', 'udp'], { input: readFileSync(join(samplesDir(), 'dns.pcap')), encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, tcpdumpText(join(samplesDir(), 'dns.pcap'), ['-nn', 'udp']).stdout);
  });
});
