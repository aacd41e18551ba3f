/**
 * The protocols beyond the core set — GRE (IPv4/IPv6/Ethernet/PPP payloads), ESP, AH, VRRP,
 * MPLS, VXLAN, GENEVE, mDNS, SCTP, STP, OSPF, PIM, DHCP options — generated from a seed,
 * whole and cut at every length, printed by tcpdump and by us with each option set: the same
 * text packet for packet. Seeds come from TSBPF_SEED when set.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { writeCapture, type CorpusFrame } from '../helpers/capture-corpus.js';
import { cutsOf } from '../helpers/extra-corpus.js';
import { needsTool } from '../helpers/oracles.js';
import { PROTOCOL_GENERATORS } from '../helpers/proto-corpus.js';
import { Prng, testSeed } from '../helpers/prng.js';
import { ourText, tcpdumpText } from '../helpers/tcpdump-print.js';

const SEED = testSeed(31415);
const dir = mkdtempSync(join(tmpdir(), 'tsbpf-protocols-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const OPTIONS = [['-nn'], ['-nn', '-v'], ['-nn', '-vv'], ['-nn', '-e'], ['-nn', '-q'], ['-nn', '-x']];
const records = (text: string): string[] => text.split(/\n(?=\d\d:\d\d:\d\d\.\d{6} )/);

describe(`protocols vs tcpdump (seed ${SEED})`, needsTool('tcpdump'), () => {
  for (const name of ['gre', 'espah', 'vrrp', 'mpls', 'overlay', 'mdns', 'sctp', 'stp', 'dhcp', 'ospf', 'ospfHello', 'pim', 'pimHello']) {
    const generate = PROTOCOL_GENERATORS[name]!;
    it(name, () => {
      const rng = new Prng(SEED);
      const frames: CorpusFrame[] = [];
      for (let i = 0; i < 40; i++) {
        const f = generate(rng);
        if (i < 6) frames.push(...cutsOf(f)); else frames.push({ data: f });
      }
      const file = join(dir, `${name}.pcap`);
      writeFileSync(file, writeCapture('pcap', 1, frames));
      // PIM messages other than Hello and Register, and OSPF packets other than Hello, are
      // printed as tcpdump's summary line only: compared without -v ('ospfHello' and
      // 'pimHello' are compared with -v too).
      const summaryOnly = name === 'ospf' || name === 'pim';
      for (const args of summaryOnly ? OPTIONS.filter((o) => !o.includes('-v') && !o.includes('-vv')) : OPTIONS) {
        const expected = tcpdumpText(file, args);
        assert.equal(expected.status, 0, expected.stderr);
        const e = records(expected.stdout), a = records(ourText(file, args));
        assert.equal(a.length, e.length, `${name} ${args.join(' ')}: packet count`);
        for (let i = 0; i < e.length; i++) {
          assert.equal(a[i], e[i], `${name}, seed ${SEED}, ${args.join(' ')}, packet ${i + 1} (caplen ${frames[i]?.data.length}, len ${frames[i]?.origLength ?? frames[i]?.data.length})`);
        }
      }
    });
  }
});
