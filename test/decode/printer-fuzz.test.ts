/**
 * The printer never throws and never loops on damaged packets: seeded mutations (bit flips,
 * random runs, cuts) of corpus frames of every link type, printed with every option set.
 * Their text is compared with tcpdump elsewhere; here only robustness is checked.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PacketPrinter, type PrintOptions } from '../../src/decode/index.js';
import { corpus, reframe } from '../helpers/capture-corpus.js';
import { Prng, testSeed } from '../helpers/prng.js';

const SEED = testSeed(777);
const OPTION_SETS: Partial<PrintOptions>[] = [
  { numeric: 2 }, { numeric: 0 }, { numeric: 2, linkHeader: true }, { numeric: 2, quiet: true },
  { numeric: 2, verbose: 1 }, { numeric: 2, verbose: 3 }, { numeric: 2, hex: 'XX' }, { numeric: 2, hex: 'A', timestamp: 'delta' },
];

describe(`printer robustness (seed ${SEED})`, () => {
  for (const linkType of [1, 0, 101, 113, 276]) {
    it(`link type ${linkType}: 1500 damaged packets`, { timeout: 60_000 }, () => {
      const rng = new Prng(SEED + linkType);
      const base = corpus(SEED + linkType, 300, { truncate: false });
      const frames = linkType === 1 ? base : reframe(base, linkType, rng);
      const printers = OPTION_SETS.map((o) => new PacketPrinter(o));
      for (let i = 0; i < 1500; i++) {
        const src = frames[rng.int(frames.length)]!.data;
        let data = src.slice();
        const n = 1 + rng.int(4);
        for (let k = 0; k < n; k++) {
          const at = rng.int(data.length);
          if (rng.bool()) data[at] = rng.int(256); else data[at]! ^= 1 << rng.int(8);
        }
        if (rng.bool(0.3)) data = data.subarray(0, rng.int(data.length + 1));
        const packet = { data, origLength: rng.bool(0.8) ? src.length : rng.int(70000), seconds: 1700000000 + i, nanos: rng.int(1e9), linkType };
        for (const p of printers) {
          const text = p.format(packet);
          assert.equal(typeof text, 'string');
          assert.ok(text.endsWith('\n'));
        }
      }
    });
  }
});
