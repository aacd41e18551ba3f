/**
 * Host names from a hosts file, against glibc and tcpdump reading the same file. /etc/hosts is
 * replaced for the oracles only: they run in a private mount namespace (`unshare -m`) where a
 * crafted file is bind-mounted over it, so the machine's own file is never touched. The file
 * holds the forms glibc's files backend treats specially: IPv4-mapped lines (they also name
 * the IPv4 address), IPv4-compatible ones (they do not), zone indexes and octets with leading
 * zeros (lines ignored), lines with no name (an empty name, which tcpdump prints as nothing),
 * upper case, tabs, comments, repeated addresses (first line wins), two addresses with one name.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readAllPackets } from '../../src/capture/index.js';
import { PacketPrinter } from '../../src/decode/index.js';
import { hostsLookup } from '../../src/node/host-names.js';
import { writeCapture } from '../helpers/capture-corpus.js';
import * as F from '../helpers/frames.js';
import { findTool, isRootOnLinux } from '../helpers/oracles.js';
import { firstDifference, optionsFromFlags } from '../helpers/tcpdump-print.js';

const HOSTS = [
  '127.0.0.1 localhost',
  '2001:db8::1 six-one six-alias',
  '2001:db8:0:0::2\tsix-two # comment',
  '2001:db8::1 second-line-loses',
  '192.0.2.7 four-seven',
  'fe80::1%eth0 zone-index',
  '::ffff:192.0.2.9 mapped-nine',
  '192.0.2.9 plain-nine',
  '192.0.2.20 plain-twenty',
  '::ffff:192.0.2.20 mapped-twenty',
  '010.0.2.10 leading-zero',
  '2001:db8::ffff:010.0.0.1 leading-zero-tail',
  '  192.0.2.11   indented',
  '::192.0.2.12 compat',
  '2001:DB8::B upper',
  '2001:0db8:0000:0000:0000:0000:0000:000c long-form',
  '# 192.0.2.13 commented-out',
  '192.0.2.14',
  '192.0.2.15 # a comment, no name',
  '192.0.2.14 after-an-empty-name',
  '192.0.2.30 twin',
  '192.0.2.31 twin',
  '192.0.2.40 b-name',
  '192.0.2.41 a-name',
  '',
].join('\n');

/** Addresses asked about: every one of the file, its other spellings, and some it lacks. */
const ASKED = [
  '127.0.0.1', '2001:db8::1', '2001:db8::2', '192.0.2.7', '::ffff:192.0.2.7', 'fe80::1', '192.0.2.9', '::ffff:192.0.2.9',
  '192.0.2.20', '::ffff:192.0.2.20', '10.0.2.10', '8.0.2.10', '2001:db8::ffff:a00:1', '2001:db8::ffff:800:1', '192.0.2.11', '192.0.2.12', '::192.0.2.12',
  '2001:db8::b', '2001:db8::c', '192.0.2.13', '192.0.2.14', '192.0.2.15', '198.51.100.1', '2001:db8::99',
];

const skip = !isRootOnLinux() ? 'needs root (a private mount namespace)' :
  !findTool('unshare') ? 'unshare not installed' : !findTool('getent') ? 'getent not installed' : false;

const dir = mkdtempSync(join(tmpdir(), 'tsbpf-hosts-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const hostsPath = join(dir, 'hosts');
writeFileSync(hostsPath, HOSTS);

/** Runs `script` (sh) with `hostsPath` mounted over /etc/hosts in a mount namespace of its own. */
function withHosts(script: string, args: readonly string[]): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync('unshare', ['-m', 'sh', '-c', `mount --bind "$0" /etc/hosts && ${script}`, hostsPath, ...args], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

describe('host names from a hosts file, as glibc and tcpdump read it', { skip }, () => {
  it('the first name per address is what gethostbyaddr (getent hosts) returns', () => {
    const r = withHosts('for a in "$@"; do printf "%s %s\\n" "$a" "$(getent hosts "$a" | awk \'{print $2}\')"; done', ASKED);
    assert.equal(r.status, 0, r.stderr);
    const lookup = hostsLookup(hostsPath)!;
    const glibc = r.stdout.trim().split('\n').map((line) => line.split(' '));
    assert.equal(glibc.length, ASKED.length);
    // ASKED is written as inet_ntop writes addresses, the form the printer looks up.
    for (const [addr, name] of glibc) assert.equal(lookup(addr!) ?? '', name ?? '', addr);
    // The cases are not vacuous: some addresses have names, some do not.
    assert.ok(glibc.filter(([, n]) => n).length >= 8 && glibc.filter(([, n]) => !n).length >= 8);
  });

  it('tcpdump without -n prints the same names for IPv4 and IPv6 packets', { skip: findTool('tcpdump') ? false : 'tcpdump not installed' }, () => {
    const v4 = ASKED.filter((a) => !a.includes(':')), v6 = ASKED.filter((a) => a.includes(':'));
    const M1 = '00:1c:42:0a:0b:0c', M2 = '52:54:00:12:34:56';
    const frames = [
      ...v4.map((src, i) => { const dst = v4[(i + 3) % v4.length]!; return F.ethernet(M2, M1, 0x0800, F.ipv4({ src, dst, proto: 17 }, F.udp({ v: 4, src, dst }, 40000, 40001, new Uint8Array(4)))); }),
      ...v6.map((src, i) => { const dst = v6[(i + 2) % v6.length]!; return F.ethernet(M2, M1, 0x86dd, F.ipv6({ src, dst, nh: 17 }, F.udp({ v: 6, src, dst }, 40000, 40001, new Uint8Array(4)))); }),
      // TCP between two hosts on the same port: tcpdump orders the conversation by the address
      // bytes, so relative sequence numbers must not depend on the names (equal here, or in
      // the other order than the addresses).
      ...[['192.0.2.30', '192.0.2.31'], ['192.0.2.40', '192.0.2.41'], ['192.0.2.9', '192.0.2.10']].flatMap(([a, z]) => [0, 1, 2, 3].map((i) => {
        const [src, dst] = i % 2 === 0 ? [a!, z!] : [z!, a!];
        const l3 = { v: 4 as const, src, dst };
        return F.ethernet(M2, M1, 0x0800, F.ipv4({ src, dst, proto: 6 }, F.tcp(l3, { sport: 40000, dport: 40000, seq: (i % 2 === 0 ? 1000 : 5000) + 10 * i, ack: (i % 2 === 0 ? 5001 : 1001) + 10 * i, flags: F.TH.ACK }, new Uint8Array(10))));
      })),
    ].map((data) => ({ data }));
    const file = join(dir, 'named.pcap');
    writeFileSync(file, writeCapture('pcap', 1, frames));
    const printer = new PacketPrinter({ ...optionsFromFlags([]), hostName: hostsLookup(hostsPath) });
    let ours = '';
    for (const p of readAllPackets(new Uint8Array(readFileSync(file))).packets) ours += printer.format(p);
    const tcpdump = withHosts('exec tcpdump -r "$1"', [file]);
    assert.equal(tcpdump.status, 0, tcpdump.stderr);
    assert.match(tcpdump.stdout, /mapped-nine/);
    assert.equal(firstDifference(tcpdump.stdout, ours), undefined);
  });
});
