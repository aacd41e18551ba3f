/**
 * A realistic mixed packet set for the classic-filter benchmark: Ethernet frames carrying
 * IPv4/IPv6 TCP and UDP (web, TLS, SSH, DNS, RTP, DHCPv6), ICMP, ICMPv6, ARP, an IPv4 header
 * with options and a non-first fragment, with realistic payload sizes (up to 1514 bytes).
 * Header fields are what the filters look at; payload bytes are a fixed pattern.
 */
const u16 = (v: number): number[] => [(v >>> 8) & 0xff, v & 0xff];
const ip4 = (s: string): number[] => s.split('.').map(Number);
const mac = (s: string): number[] => s.split(':').map((h) => parseInt(h, 16));
const pad = (n: number): number[] => Array.from({ length: n }, (_, i) => (i * 7 + 3) & 0xff);

function ip6(s: string): number[] {
  const [head = '', tail] = s.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return groups.flatMap((g) => u16(parseInt(g, 16)));
}

const ether = (type: number, payload: number[]): number[] =>
  [...mac('00:1b:21:3a:4f:10'), ...mac('3c:97:0e:12:ab:cd'), ...u16(type), ...payload];

function ipv4(src: string, dst: string, proto: number, payload: number[], opts: { options?: number[]; frag?: number } = {}): number[] {
  const options = opts.options ?? [];
  const ihl = 5 + options.length / 4;
  const total = ihl * 4 + payload.length;
  return [0x40 | ihl, 0, ...u16(total), 0x1c, 0x46, ...u16(opts.frag ?? 0x4000), 64, proto, 0, 0, ...ip4(src), ...ip4(dst), ...options, ...payload];
}

const ipv6 = (src: string, dst: string, next: number, payload: number[]): number[] =>
  [0x60, 0, 0, 0, ...u16(payload.length), next, 64, ...ip6(src), ...ip6(dst), ...payload];

const tcp = (sport: number, dport: number, flags: number, payload: number): number[] =>
  [...u16(sport), ...u16(dport), 0, 0, 0x10, 0, 0, 0, 0, 0, 0x50, flags, ...u16(65535), 0, 0, 0, 0, ...pad(payload)];

const udp = (sport: number, dport: number, payload: number): number[] =>
  [...u16(sport), ...u16(dport), ...u16(8 + payload), 0, 0, ...pad(payload)];

/** Ethernet frames shorter than 60 bytes are padded, as on the wire. */
const frame = (bytes: number[]): Uint8Array => Uint8Array.from(bytes.length < 60 ? [...bytes, ...Array<number>(60 - bytes.length).fill(0)] : bytes);

export function benchPackets(): Uint8Array[] {
  const SYN = 0x02, ACK = 0x10, PSH_ACK = 0x18;
  return [
    frame(ether(0x0800, ipv4('192.168.1.10', '93.184.216.34', 6, tcp(51000, 80, SYN, 0)))),
    frame(ether(0x0800, ipv4('93.184.216.34', '192.168.1.10', 6, tcp(80, 51000, ACK, 1460)))),
    frame(ether(0x0800, ipv4('192.168.1.10', '10.0.0.5', 6, tcp(51001, 443, PSH_ACK, 517)))),
    frame(ether(0x0800, ipv4('10.1.2.3', '10.4.5.6', 6, tcp(22, 50022, PSH_ACK, 100)))),
    frame(ether(0x0800, ipv4('10.0.0.53', '192.168.1.10', 17, udp(53, 40000, 120)))),
    frame(ether(0x0800, ipv4('192.168.1.10', '8.8.8.8', 17, udp(40001, 53, 40)))),
    frame(ether(0x0800, ipv4('10.0.0.1', '10.0.0.2', 1, [8, 0, 0, 0, 0, 1, 0, 1, ...pad(56)]))),
    frame(ether(0x0806, [0, 1, 8, 0, 6, 4, 0, 1, ...mac('3c:97:0e:12:ab:cd'), ...ip4('192.168.1.10'), 0, 0, 0, 0, 0, 0, ...ip4('192.168.1.1')])),
    frame(ether(0x86dd, ipv6('2001:db8::10', '2001:db8::80', 6, tcp(52000, 80, PSH_ACK, 300)))),
    frame(ether(0x86dd, ipv6('fe80::1', 'ff02::1:2', 17, udp(546, 547, 60)))),
    frame(ether(0x0800, ipv4('192.168.1.10', '93.184.216.34', 6, tcp(51002, 80, PSH_ACK, 200), { options: [0x94, 0x04, 0, 0] }))),
    frame(ether(0x0800, ipv4('10.7.7.7', '192.168.1.10', 6, pad(600), { frag: 185 }))),
    frame(ether(0x0800, ipv4('10.9.9.9', '10.0.0.80', 6, tcp(8080, 80, ACK, 0)))),
    frame(ether(0x0800, ipv4('10.20.30.40', '10.50.60.70', 17, udp(5000, 6000, 172)))),
    frame(ether(0x86dd, ipv6('fe80::2', 'ff02::1:ff00:1', 58, [135, 0, 0, 0, 0, 0, 0, 0, ...ip6('fe80::1')]))),
    frame(ether(0x0800, ipv4('172.16.0.5', '172.16.0.6', 6, tcp(3306, 41000, PSH_ACK, 64)))),
  ];
}
