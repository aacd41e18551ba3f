/**
 * The pcap-filter parser on its own: libpcap's implicit-qualifier rules, its equal-precedence
 * left-associative `and`/`or`, the arithmetic precedence quirks of grammar.y ('%' and '^' have
 * none), the scanner's longest-match rules, and error columns. Expected trees are written
 * from grammar.y's rules (the libpcap differential tests cover the generated code).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFilter, compileFilter, FilterError } from '../../src/filter/index.js';
import type { Expr, Arth } from '../../src/filter/index.js';

/** A compact rendering of a tree: ids as `proto/dir/addr:value`. */
function show(e: Expr | undefined): string {
  if (!e) return '';
  switch (e.kind) {
    case 'and': case 'or': return `(${show(e.left)} ${e.kind} ${show(e.right)})`;
    case 'not': return `!${show(e.operand)}`;
    case 'id': {
      const v = e.value;
      const text = v.type === 'name' ? v.name : v.type === 'num' ? String(v.value) : v.text;
      return `${e.q.proto}/${e.q.dir}/${e.q.addr}:${text}`;
    }
    case 'proto': return e.proto;
    case 'relation': return `[${arth(e.left)} ${e.reversed ? '!' : ''}${e.op} ${arth(e.right)}]`;
    default: return e.kind;
  }
}
function arth(a: Arth): string {
  switch (a.kind) {
    case 'num': return String(a.value);
    case 'len': return 'len';
    case 'load': return `${a.proto}[${arth(a.index)}:${a.size}]`;
    case 'neg': return `-${arth(a.operand)}`;
    case 'bin': return `(${arth(a.left)} ${a.op} ${arth(a.right)})`;
  }
}

test('implicit qualifiers carry over and/or/not', () => {
  assert.equal(show(parseFilter('host a or b')), '(default/default/host:a or default/default/host:b)');
  assert.equal(show(parseFilter('tcp dst port 22 and not 23')), '(tcp/dst/port:22 and !tcp/dst/port:23)');
  assert.equal(show(parseFilter('not tcp port 22 and host x')), '(!tcp/default/port:22 and default/default/host:x)');
  assert.equal(show(parseFilter('src foo')), 'default/src/default:foo');
  assert.equal(show(parseFilter('host (a or b)')), '(default/default/host:a or default/default/host:b)');
  assert.equal(show(parseFilter('ether src 1:2:3:4:5:6')), 'link/src/default:1:2:3:4:5:6');
  assert.equal(show(parseFilter('src or dst net 10')), 'default/or/net:10');
});

test('and/or have one precedence and associate left', () => {
  assert.equal(show(parseFilter('ip or arp and tcp')), '((ip or arp) and tcp)');
  assert.equal(show(parseFilter('ip && !tcp || udp')), '((ip and !tcp) or udp)');
});

test('arithmetic: C-like levels, but % and ^ bind everything to their right', () => {
  assert.equal(show(parseFilter('ip[0] + 2 * 3 > 1')), '[(ip[0:1] add (2 mul 3)) gt 1]');
  assert.equal(show(parseFilter('len / 2 % 3 = 1')), '[(len div (2 mod 3)) eq 1]');
  assert.equal(show(parseFilter('1 ^ 2 | 3 != 0')), '[(1 xor (2 or 3)) !eq 0]');
  assert.equal(show(parseFilter('tcp[2:2] <= 1023')), '[tcp[2:2] !gt 1023]');
  assert.equal(show(parseFilter('-len < 3')), '[-len !ge 3]');
});

test('scanner: longest match, keywords, built-in numbers', () => {
  assert.equal(show(parseFilter('tcp[tcpflags] & tcp-syn != 0')), '[(tcp[13:1] and 2) !eq 0]');
  assert.equal(show(parseFilter('host 0011.2233.4455 or 1.2.3.4')), '(default/default/host:0011.2233.4455 or default/default/host:1.2.3.4)');
  assert.equal(show(parseFilter('port \\tcp')), 'default/default/port:tcp');
  assert.equal(parseFilter(''), undefined);
});

test('syntax errors carry libpcap\'s message and a 1-based column (end of input: length + 1)', () => {
  const cases: [string, number][] = [['tcp port (', 11], ['1.2.3.4', 1], ['len-1 > 0', 1], ['host 1.2.3.4 #', 14], ['ip and', 7]];
  for (const [expr, column] of cases) {
    assert.throws(() => compileFilter(expr), (err: unknown) => {
      assert.ok(err instanceof FilterError, expr);
      assert.equal(err.code, 'FILTER');
      assert.equal(err.message, "can't parse filter expression: syntax error");
      assert.equal(err.column, column, expr);
      return true;
    });
  }
});

test('semantic errors read like libpcap\'s', () => {
  assert.throws(() => compileFilter('tcp and 80'), /^FilterError: syntax error in filter expression$/);
  assert.throws(() => compileFilter('host nosuch'), /unknown host 'nosuch'/);
  assert.throws(() => compileFilter('ether host 1:2:3:4:5:6', { linkType: 'RAW' }), /ethernet addresses supported only on/);
  assert.throws(() => compileFilter('ip', { linkType: 'NOSUCH' }), /unsupported link type/);
});
