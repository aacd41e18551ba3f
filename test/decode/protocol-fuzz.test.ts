/**
 * The protocol printers added beyond the core set never throw or loop on damaged packets:
 * seeded mutations (bit flips, random bytes, cuts) of the generated GRE, IPsec, VRRP, MPLS,
 * VXLAN/GENEVE, mDNS, SCTP, STP, OSPF, PIM, DHCP, neighbor discovery and 802.1Q frames, printed
 * with every option set. (Their text is compared with tcpdump in the other decode tests.)
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PacketPrinter, type PrintOptions } from '../../src/decode/index.js';
import { icmp6Frame, namedFrame, vlanFrame } from '../helpers/extra-corpus.js';
import { PROTOCOL_GENERATORS } from '../helpers/proto-corpus.js';
import { Prng, testSeed } from '../helpers/prng.js';

const SEED = testSeed(2718);
const OPTION_SETS: Partial<PrintOptions>[] = [
  { numeric: 2 }, { numeric: 0 }, { numeric: 2, linkHeader: true }, { numeric: 2, quiet: true },
  { numeric: 2, verbose: 1 }, { numeric: 2, verbose: 3 }, { numeric: 2, hex: 'XX' }, { numeric: 0, verbose: 2, hostName: (a) => (a === '10.0.0.1' ? 'one' : undefined) },
];
const GENERATORS = { ...PROTOCOL_GENERATORS, nd: icmp6Frame, vlan: vlanFrame, named: namedFrame };

describe(`protocol printers robustness (seed ${SEED})`, () => {
  for (const [name, generate] of Object.entries(GENERATORS)) {
    it(`${name}: 400 damaged packets`, () => {
      const rng = new Prng(SEED);
      const printers = OPTION_SETS.map((o) => new PacketPrinter(o));
      for (let i = 0; i < 400; i++) {
        const src = generate(rng);
        let data = src.slice();
        for (let k = 1 + rng.int(4); k > 0; k--) {
          const at = rng.int(data.length);
          if (rng.bool()) data[at] = rng.int(256); else data[at]! ^= 1 << rng.int(8);
        }
        if (rng.bool(0.3)) data = data.subarray(0, rng.int(data.length + 1));
        const packet = { data, origLength: Math.max(data.length, src.length), seconds: 1700000000 + i, nanos: 0, linkType: 1 };
        for (const p of printers) {
          const text = p.format(packet);
          assert.ok(text.endsWith('\n'), `${name} packet ${i}`);
        }
      }
    });
  }
});
