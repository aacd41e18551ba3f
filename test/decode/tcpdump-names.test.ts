/**
 * Without -n tcpdump names hosts (and ports and protocols). On this machine that means
 * /etc/hosts: 127.0.0.1 is "localhost"; addresses from the documentation ranges have no
 * name and, the DNS query failing offline, stay numeric. Our Node-side lookup reads the same
 * file; the first name per address is checked against getent, and whole captures against
 * tcpdump without -n. (hosts-file.test.ts checks a crafted hosts file with the forms glibc
 * treats specially, IPv6 included.)
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { hostsLookup, parseHosts } from '../../src/node/host-names.js';
import { writeCapture } from '../helpers/capture-corpus.js';
import { cutsOf, namedFrame } from '../helpers/extra-corpus.js';
import { needsTool } from '../helpers/oracles.js';
import { Prng, testSeed } from '../helpers/prng.js';
import { firstDifference, ourText, tcpdumpText } from '../helpers/tcpdump-print.js';

const SEED = testSeed(7001);
const dir = mkdtempSync(join(tmpdir(), 'tsbpf-names-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('host names from /etc/hosts', () => {
  it('agrees with getent for every address in /etc/hosts', needsTool('getent'), () => {
    const lookup = hostsLookup();
    const names = parseHosts(readFileSync('/etc/hosts', 'utf8'));
    assert.ok(lookup);
    for (const addr of names.keys()) {
      const r = spawnSync('getent', ['hosts', addr], { encoding: 'utf8' });
      assert.equal(lookup(addr), r.stdout.trim().split(/\s+/)[1], addr);
    }
  });
});

describe(`addresses named like tcpdump without -n (seed ${SEED})`, needsTool('tcpdump'), () => {
  it('IPv4/IPv6, TCP/UDP, ICMP, ARP, IGMP, DHCP, IP options, whole and cut', () => {
    const rng = new Prng(SEED);
    const frames = Array.from({ length: 60 }, () => namedFrame(rng)).flatMap((f, i) => (i % 6 === 0 ? cutsOf(f) : [{ data: f }]));
    const file = join(dir, 'named.pcap');
    writeFileSync(file, writeCapture('pcap', 1, frames));
    for (const args of [[], ['-v'], ['-vv'], ['-e'], ['-q'], ['-x'], ['-n'], ['-nn', '-v']]) {
      const expected = tcpdumpText(file, args);
      assert.equal(expected.status, 0, expected.stderr);
      assert.match(expected.stdout, /localhost/);
      assert.equal(firstDifference(expected.stdout, ourText(file, args)), undefined, `${args.join(' ')} (seed ${SEED})`);
    }
  });
});
