/**
 * Our printing of the bundled samples, line for line against `TZ=UTC tcpdump -r FILE OPTIONS`
 * for every printing option.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { needsTool } from '../helpers/oracles.js';
import { firstDifference, ourText, samplesDir, tcpdumpText } from '../helpers/tcpdump-print.js';

const SAMPLES = samplesDir();
const files = readdirSync(SAMPLES).filter((f) => /\.pcap(ng)?$/.test(f)).sort();
const OPTION_SETS = [
  ['-n'], ['-nn'], ['-nn', '-e'], ['-nn', '-q'], ['-nn', '-t'], ['-nn', '-tt'], ['-nn', '-ttt'], ['-nn', '-tttt'], ['-nn', '-ttttt'],
  ['-nn', '-x'], ['-nn', '-xx'], ['-nn', '-X'], ['-nn', '-XX'], ['-nn', '-A'], ['-nn', '-AA'], ['-nn', '--nano'], ['-nn', '-e', '-q'],
  ['-nn', '-v'], ['-nn', '-vv'], ['-nn', '-vvv'],
];
/**
 * Without -n tcpdump names ports, MAC vendors and (through DNS) hosts: only the captures whose
 * addresses are private are compared that way, so the result does not depend on a resolver.
 */
const NAMED = new Set(['arp.pcap', 'vlan.pcap']);
/** Nothing is skipped at present; kept for printers whose -v details are incomplete. */
const SKIP = new Set<string>();

describe('tcpdump text on the samples', needsTool('tcpdump'), () => {
  for (const file of files) {
    for (const args of [...OPTION_SETS, ...(NAMED.has(file) ? [[], ['-e'], ['-e', '-v']] : [])]) {
      const name = `${file} ${args.join(' ')}`;
      it(name, { skip: SKIP.has(name) ? 'details not implemented' : false }, () => {
        const path = join(SAMPLES, file);
        const expected = tcpdumpText(path, args);
        assert.equal(expected.status, 0, expected.stderr);
        const actual = ourText(path, args);
        assert.equal(firstDifference(expected.stdout, actual), undefined);
      });
    }
  }
});
