/** The snapshot `tsbpf dump` starts from (see snapshot.ts): the dump command alone, warmed up. */
import { join } from 'node:path';
import { dumpCommand } from '../commands/dump.js';
import { buildSnapshot } from './snapshot.js';

const FILTER = 'tcp or (udp and port 53) or icmp';

buildSnapshot([dumpCommand], async (run, { samples, dir }) => {
  // -w and --count several times: the scan, filter and write loops are dump's hot path on
  // large files. Every run of a function compiles it (bytecode, kept in the snapshot);
  // repetitions add type feedback but also heap, so the printing runs are one per sample.
  const http = join(samples, 'http.pcap');
  for (let i = 0; i < 3; i++) {
    await run(['dump', '-r', http, '-w', join(dir, 'out.pcap'), FILTER]);
    await run(['dump', '-r', http, '--count', FILTER]);
  }
  for (const file of ['http.pcap', 'dns.pcap', 'icmp.pcap', 'ipv6.pcap', 'arp.pcap', 'vlan.pcap', 'http.pcapng']) {
    await run(['dump', '-nnv', '-r', join(samples, file)]);
    await run(['dump', '-ex', '-tttt', '-r', join(samples, file), FILTER]);
  }
});
