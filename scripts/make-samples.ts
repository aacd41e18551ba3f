/**
 * Generates the bundled captures in samples/ (run: `npx tsx scripts/make-samples.ts`).
 * Deterministic: same script, same bytes. tcpdump reads every one of them (test/capture).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CaptureWriter, type CaptureFormat } from '../src/capture/index.js';
import * as F from '../test/helpers/frames.js';

const OUT = join(import.meta.dirname, '..', 'samples');
const T0 = 1700000000;

interface Frame { data: Uint8Array; t: number; iface?: number; linkType?: number; extraNs?: number }

function save(name: string, format: CaptureFormat, linkType: number, frames: readonly Frame[], opts: { nanosecond?: boolean; names?: string[] } = {}): void {
  const chunks: Uint8Array[] = [];
  const w = new CaptureWriter({ format, linkType, nanosecond: opts.nanosecond ?? false, interfaceNames: opts.names ?? [] }, (b) => chunks.push(b));
  for (const f of frames) {
    const seconds = Math.floor(f.t);
    const nanos = Math.round((f.t - seconds) * 1e6) * 1000 + (f.extraNs ?? 0);
    w.write({ data: f.data, origLength: f.data.length, seconds: T0 + seconds, nanos, interfaceId: f.iface ?? 0, linkType: f.linkType ?? linkType });
  }
  w.flush();
  writeFileSync(join(OUT, name), F.concat(...chunks));
}

const CMAC = '00:1c:42:0a:0b:0c';
const SMAC = '52:54:00:12:34:56';
const C = '192.168.1.10';
const S = '93.184.216.34';
const eth4 = (from: 'c' | 's', payload: Uint8Array): Uint8Array =>
  from === 'c' ? F.ethernet(SMAC, CMAC, 0x0800, payload) : F.ethernet(CMAC, SMAC, 0x0800, payload);

function http(): Frame[] {
  const frames: Frame[] = [];
  let t = 0.1;
  let cseq = 1000000;
  let sseq = 3000000;
  let id = 0x4d00;
  const c = { v: 4 as const, src: C, dst: S };
  const s = { v: 4 as const, src: S, dst: C };
  const send = (from: 'c' | 's', flags: number, payload: Uint8Array = new Uint8Array(0), options: number[] = [F.tcpopt.nop(), F.tcpopt.nop(), F.tcpopt.ts(1000 + frames.length, 5000 + frames.length)].flat()) => {
    const l3 = from === 'c' ? c : s;
    const seg = F.tcp(l3, { sport: from === 'c' ? 51234 : 80, dport: from === 'c' ? 80 : 51234, seq: from === 'c' ? cseq : sseq, ack: flags & F.TH.ACK ? (from === 'c' ? sseq : cseq) : 0, flags, win: from === 'c' ? 502 : 509, options }, payload);
    frames.push({ t, data: eth4(from, F.ipv4({ src: l3.src, dst: l3.dst, proto: 6, id: id++, df: true, ttl: from === 'c' ? 64 : 56 }, seg)) });
    t += 0.0123;
    const adv = payload.length + (flags & (F.TH.SYN | F.TH.FIN) ? 1 : 0);
    if (from === 'c') cseq += adv; else sseq += adv;
  };
  const synOpts = [F.tcpopt.mss(1460), F.tcpopt.sackOk(), F.tcpopt.ts(1000, 0), F.tcpopt.nop(), F.tcpopt.wscale(7)].flat();
  send('c', F.TH.SYN, undefined, synOpts);
  send('s', F.TH.SYN | F.TH.ACK, undefined, [F.tcpopt.mss(1460), F.tcpopt.sackOk(), F.tcpopt.ts(5000, 1000), F.tcpopt.nop(), F.tcpopt.wscale(7)].flat());
  send('c', F.TH.ACK);
  send('c', F.TH.PSH | F.TH.ACK, F.ascii('GET /index.html HTTP/1.1\r\nHost: example.com\r\nUser-Agent: tsbpf-sample\r\nAccept: */*\r\n\r\n'));
  send('s', F.TH.ACK);
  const body = '<html><body><h1>Example</h1></body></html>\n';
  send('s', F.TH.PSH | F.TH.ACK, F.ascii(`HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: ${body.length}\r\n\r\n${body}`));
  send('c', F.TH.ACK);
  // One request line split across two segments: the URL is cut in the middle.
  send('c', F.TH.ACK, F.ascii('GET /search?q=berkeley+packet'));
  send('c', F.TH.PSH | F.TH.ACK, F.ascii('+filter&lang=en HTTP/1.1\r\nHost: example.com\r\n\r\n'));
  send('s', F.TH.PSH | F.TH.ACK, F.ascii('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n'));
  const form = 'user=alice&password=s3cret';
  send('c', F.TH.PSH | F.TH.ACK, F.ascii(`POST /api/login HTTP/1.1\r\nHost: example.com\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${form.length}\r\n\r\n${form}`));
  send('s', F.TH.PSH | F.TH.ACK, F.ascii('HTTP/1.1 302 Found\r\nLocation: /home\r\nContent-Length: 0\r\n\r\n'));
  send('c', F.TH.FIN | F.TH.ACK);
  send('s', F.TH.FIN | F.TH.ACK);
  send('c', F.TH.ACK);
  return frames;
}

function dns(): Frame[] {
  const R = '192.168.1.1';
  const q = (t: number, sport: number, msg: F.DnsMsg): Frame => ({ t, data: eth4('c', F.ipv4({ src: C, dst: R, proto: 17, id: 0x100 + sport % 256 }, F.udp({ v: 4, src: C, dst: R }, sport, 53, F.dns(msg)))) });
  const r = (t: number, dport: number, msg: F.DnsMsg): Frame => ({ t, data: eth4('s', F.ipv4({ src: R, dst: C, proto: 17, id: 0x200 + dport % 256 }, F.udp({ v: 4, src: R, dst: C }, 53, dport, F.dns(msg)))) });
  return [
    q(1.0, 40001, { id: 0x1a2b, flags: 0x0100, qd: [{ name: 'example.com', type: 1 }] }),
    r(1.02, 40001, { id: 0x1a2b, flags: 0x8180, qd: [{ name: 'example.com', type: 1 }], an: [{ name: 'example.com', type: 1, rdata: F.ip4(S) }] }),
    q(1.1, 40002, { id: 0x1a2c, flags: 0x0100, qd: [{ name: 'example.com', type: 28 }] }),
    r(1.13, 40002, { id: 0x1a2c, flags: 0x8180, qd: [{ name: 'example.com', type: 28 }], an: [{ name: 'example.com', type: 28, rdata: F.ip6('2606:2800:220:1:248:1893:25c8:1946') }] }),
    q(1.2, 40003, { id: 0x1a2d, flags: 0x0100, qd: [{ name: 'www.example.org', type: 1 }] }),
    r(1.25, 40003, { id: 0x1a2d, flags: 0x8180, qd: [{ name: 'www.example.org', type: 1 }], an: [
      { name: 'www.example.org', type: 5, rdata: F.dnsName('example.org') }, { name: 'example.org', type: 1, rdata: F.ip4('93.184.215.14') }] }),
    q(1.3, 40004, { id: 0x1a2e, flags: 0x0100, qd: [{ name: 'example.com', type: 15 }] }),
    r(1.31, 40004, { id: 0x1a2e, flags: 0x8180, qd: [{ name: 'example.com', type: 15 }], an: [{ name: 'example.com', type: 15, rdata: [...F.u16(10), ...F.dnsName('mail.example.com')] }] }),
    q(1.4, 40005, { id: 0x1a2f, flags: 0x0100, qd: [{ name: 'nonexistent.example', type: 1 }] }),
    r(1.45, 40005, { id: 0x1a2f, flags: 0x8183, qd: [{ name: 'nonexistent.example', type: 1 }], ns: [{ name: '.', type: 6, rdata: [...F.dnsName('a.root-servers.net'), ...F.dnsName('nstld.verisign-grs.com'), ...F.u32(2023111400), ...F.u32(1800), ...F.u32(900), ...F.u32(604800), ...F.u32(86400)] }] }),
    q(1.5, 40006, { id: 0x1a30, flags: 0x0100, qd: [{ name: '34.216.184.93.in-addr.arpa', type: 12 }] }),
    r(1.52, 40006, { id: 0x1a30, flags: 0x8180, qd: [{ name: '34.216.184.93.in-addr.arpa', type: 12 }], an: [{ name: '34.216.184.93.in-addr.arpa', type: 12, rdata: F.dnsName('example.com') }] }),
  ];
}

function icmp(): Frame[] {
  const G = '8.8.8.8';
  const out: Frame[] = [];
  const pay = F.concat(Array.from({ length: 48 }, (_, i) => (i + 0x10) & 0xff));
  for (let i = 0; i < 3; i++) {
    out.push({ t: 2 + i, data: eth4('c', F.ipv4({ src: C, dst: G, proto: 1, id: 0x5000 + i, df: true }, F.icmp(8, 0, [...F.u16(0x77), ...F.u16(i + 1)], pay))) });
    out.push({ t: 2 + i + 0.0151, data: eth4('s', F.ipv4({ src: G, dst: C, proto: 1, id: 0x6000 + i, ttl: 117 }, F.icmp(0, 0, [...F.u16(0x77), ...F.u16(i + 1)], pay))) });
  }
  const inner = F.ipv4({ src: C, dst: '10.9.8.7', proto: 17, id: 0x7777, ttl: 1 }, F.udp({ v: 4, src: C, dst: '10.9.8.7' }, 33434, 33435, new Uint8Array(12)));
  out.push({ t: 5.5, data: eth4('s', F.ipv4({ src: '10.9.8.7', dst: C, proto: 1, id: 0x1 }, F.icmp(3, 3, [0, 0, 0, 0], inner))) });
  out.push({ t: 5.6, data: eth4('s', F.ipv4({ src: '192.168.1.1', dst: C, proto: 1, id: 0x2 }, F.icmp(11, 0, [0, 0, 0, 0], inner))) });
  return out;
}

function arp(): Frame[] {
  const B = 'ff:ff:ff:ff:ff:ff';
  return [
    { t: 3.0, data: F.ethernet(B, CMAC, 0x0806, F.concat(F.arp(1, CMAC, C, '00:00:00:00:00:00', '192.168.1.1'), new Uint8Array(18))) },
    { t: 3.001, data: F.ethernet(CMAC, SMAC, 0x0806, F.concat(F.arp(2, SMAC, '192.168.1.1', CMAC, C), new Uint8Array(18))) },
    { t: 3.5, data: F.ethernet(B, SMAC, 0x0806, F.concat(F.arp(1, SMAC, '192.168.1.1', '00:00:00:00:00:00', '192.168.1.1'), new Uint8Array(18))) },
  ];
}

function ipv6(): Frame[] {
  const A = 'fe80::21c:42ff:fe0a:b0c';
  const B = 'fe80::5054:ff:fe12:3456';
  const GA = '2001:db8::10';
  const GB = '2001:db8::1';
  const e6 = (from: 'c' | 's', dst: string, p: Uint8Array) => F.ethernet(dst, from === 'c' ? CMAC : SMAC, 0x86dd, p);
  const l3 = (src: string, dst: string) => ({ v: 6 as const, src, dst });
  const solicited = 'ff02::1:ff12:3456';
  const ns = F.icmp6(l3(A, solicited), 135, 0, F.concat(F.u32(0), F.ip6(B), [1, 1, ...F.mac(CMAC)]));
  const na = F.icmp6(l3(B, A), 136, 0, F.concat(F.u32(0x60000000), F.ip6(B), [2, 1, ...F.mac(SMAC)]));
  const rs = F.icmp6(l3(A, 'ff02::2'), 133, 0, F.concat(F.u32(0), [1, 1, ...F.mac(CMAC)]));
  const ra = F.icmp6(l3(B, 'ff02::1'), 134, 0, F.concat([64, 0], F.u16(1800), F.u32(0), F.u32(0), [1, 1, ...F.mac(SMAC)],
    [3, 4, 64, 0xc0], F.u32(86400), F.u32(14400), F.u32(0), F.ip6('2001:db8::')));
  const echoPay = F.ascii('tsbpf-ping-v6-payload!');
  const req = F.icmp6(l3(GA, GB), 128, 0, F.concat(F.u16(0x42), F.u16(1), echoPay));
  const rep = F.icmp6(l3(GB, GA), 129, 0, F.concat(F.u16(0x42), F.u16(1), echoPay));
  const tcpSyn = F.tcp(l3(GA, GB), { sport: 50000, dport: 443, seq: 12345, flags: F.TH.SYN, win: 65535, options: [...F.tcpopt.mss(1440), ...F.tcpopt.nop(), ...F.tcpopt.wscale(8), ...F.tcpopt.sackOk()] });
  const mld = F.concat([143, 0, 0, 0], F.u16(0), F.u16(1), [4, 0], F.u16(0), F.ip6('ff02::1:ff0a:b0c'));
  const hbh = F.ip6ext(58, [5, 2, 0, 0]);
  return [
    { t: 4.0, data: e6('c', '33:33:ff:12:34:56', F.ipv6({ src: A, dst: solicited, nh: 58, hlim: 255 }, ns)) },
    { t: 4.001, data: e6('s', CMAC, F.ipv6({ src: B, dst: A, nh: 58, hlim: 255 }, na)) },
    { t: 4.1, data: e6('c', '33:33:00:00:00:02', F.ipv6({ src: A, dst: 'ff02::2', nh: 58, hlim: 255 }, rs)) },
    { t: 4.2, data: e6('s', '33:33:00:00:00:01', F.ipv6({ src: B, dst: 'ff02::1', nh: 58, hlim: 255 }, ra)) },
    { t: 4.3, data: e6('c', SMAC, F.ipv6({ src: GA, dst: GB, nh: 58 }, req)) },
    { t: 4.31, data: e6('s', CMAC, F.ipv6({ src: GB, dst: GA, nh: 58 }, rep)) },
    { t: 4.4, data: e6('c', SMAC, F.ipv6({ src: GA, dst: GB, nh: 6, flow: 0x12345 }, tcpSyn)) },
    { t: 4.5, data: e6('c', '33:33:00:00:00:16', F.ipv6({ src: A, dst: 'ff02::16', nh: 0, hlim: 1 }, F.concat(hbh, F.icmp6(l3(A, 'ff02::16'), 143, 0, mld.subarray(4))))) },
  ];
}

function vlanFrames(): Frame[] {
  const c = { v: 4 as const, src: '10.0.10.5', dst: '10.0.20.7' };
  const udpPay = F.ascii('vlan test payload');
  const tagged = (vid: number, type: number, p: Uint8Array) => F.vlan(SMAC, CMAC, vid, 0, type, p);
  return [
    { t: 6.0, data: tagged(10, 0x0800, F.ipv4({ src: c.src, dst: c.dst, proto: 17, id: 1 }, F.udp(c, 5000, 5001, udpPay))) },
    { t: 6.1, data: F.vlan(CMAC, SMAC, 20, 5, 0x0800, F.ipv4({ src: c.dst, dst: c.src, proto: 17, id: 2 }, F.udp({ v: 4, src: c.dst, dst: c.src }, 5001, 5000, udpPay))) },
    { t: 6.2, data: tagged(10, 0x0800, F.ipv4({ src: c.src, dst: c.dst, proto: 6, id: 3, df: true }, F.tcp(c, { sport: 40000, dport: 22, seq: 1, flags: F.TH.SYN, win: 29200, options: F.tcpopt.mss(1460) }))) },
    { t: 6.3, data: F.vlan('ff:ff:ff:ff:ff:ff', CMAC, 30, 0, 0x0806, F.concat(F.arp(1, CMAC, '10.0.30.5', '00:00:00:00:00:00', '10.0.30.1'), new Uint8Array(14))) },
    { t: 6.4, data: F.concat(F.mac(SMAC), F.mac(CMAC), F.u16(0x88a8), F.u16(100), F.u16(0x8100), F.u16(10), F.u16(0x0800), F.ipv4({ src: c.src, dst: c.dst, proto: 1, id: 4 }, F.icmp(8, 0, [0, 1, 0, 1], F.ascii('qinq')))) },
  ];
}

function multi(): Frame[] {
  const all: Frame[] = [];
  http().slice(0, 4).forEach((f, i) => all.push({ ...f, t: 10 + i * 0.5, iface: 0 }));
  dns().slice(0, 4).forEach((f, i) => all.push({ ...f, t: 10.25 + i * 0.5, extraNs: 123, iface: 1 }));
  return all.sort((a, b) => a.t - b.t);
}

save('http.pcap', 'pcap', 1, http());
save('dns.pcap', 'pcap', 1, dns());
save('icmp.pcap', 'pcap', 1, icmp());
save('arp.pcap', 'pcap', 1, arp());
save('ipv6.pcap', 'pcap', 1, ipv6());
save('vlan.pcap', 'pcap', 1, vlanFrames());
save('http.pcapng', 'pcapng', 1, http(), { names: ['eth0'] });
save('multi.pcapng', 'pcapng', 1, multi(), { nanosecond: true, names: ['eth0', 'eth1'] });
