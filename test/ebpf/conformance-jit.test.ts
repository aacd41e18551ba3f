/**
 * The bpf_conformance suite through the Wasm JIT: the same data files, the same runner
 * (test/helpers/conformance.ts) and the same expectations as the interpreter's
 * conformance.test.ts, so every case must give the suite's own result on both engines.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { standardHelpers } from '../../src/ebpf/runtime/index.js';
import { compileWasm } from '../../src/ebpf/jit/index.js';
import { dataFiles, runDataFile, type Engine } from '../helpers/conformance.js';

const jit: Engine = (program, mem) => compileWasm(program, { helpers: standardHelpers() }).run({ data: mem ?? new Uint8Array(0) }).r0;
const unchecked: Engine = (program, mem) => compileWasm(program, { helpers: standardHelpers(), checked: false }).run({ data: mem ?? new Uint8Array(0) }).r0;

/** The interpreter's exceptions (conformance.test.ts), for the same reason. */
const EXCEPTIONS = new Set(['callx.data']);

for (const [name, engine] of [['checked', jit], ['unchecked', unchecked]] as const) {
  test(`conformance tests/ through the Wasm JIT (${name}): every file passes (except the interpreter's exceptions)`, () => {
    const outcomes = dataFiles('tests').map((f) => runDataFile(f, engine));
    const failed = outcomes.filter((o) => !o.pass);
    console.log(`conformance tests/ (wasm ${name}): ${outcomes.length - failed.length}/${outcomes.length} pass; exceptions: ${failed.map((o) => `${o.file} (${o.detail})`).join(', ') || 'none'}`);
    assert.deepEqual(failed.filter((o) => !EXCEPTIONS.has(o.file)).map((o) => `${o.file}: ${o.detail}`), []);
    for (const file of EXCEPTIONS) assert.ok(failed.some((o) => o.file === file), `${file} is listed as an exception but passes`);
  });
}

test('conformance negative/ through the Wasm JIT: the same outcome class as the interpreter for every case', () => {
  const outcomes = dataFiles('negative').map((f) => runDataFile(f, jit, true));
  const bad = outcomes.filter((o) => o.pass && !o.detail.startsWith('failed as expected'));
  assert.deepEqual(bad.map((o) => `${o.file}: ${o.detail}`), []);
});
