// Builds the `tsbpf` start-up snapshot after tsc (run by `npm run build`):
//   1. bundles dist/src/cli/snapshot-entry.js and every command into dist/tsbpf-snapshot.cjs
//      (esbuild; `node --build-snapshot` runs one CommonJS script that may require only
//      Node's built-in modules);
//   2. runs `node --snapshot-blob dist/tsbpf.blob --build-snapshot dist/tsbpf-snapshot.cjs`,
//      which evaluates the bundle, warms it up on samples/ and serializes the heap;
//   3. writes dist/tsbpf.blob.node, the record bin/tsbpf checks before using the blob (Node
//      refuses a blob made by another binary or with other V8 flags): line 1 the flags the
//      blob was built with (the launcher must pass the same), line 2 this node's path, and
//      the file's modification time set to the node binary's, so the launcher can tell a
//      replaced binary with the shell's -nt/-ot tests, without starting a process.
// Any failure fails the build (no silent fallback): the launcher only falls back at run time.
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** V8/Node flags baked into the snapshot; the launcher passes the same ones (read from the record). */
const FLAGS = [];

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const entry = join(dist, 'src/cli/snapshot-entry.js');
const bundle = join(dist, 'tsbpf-snapshot.cjs');
const blob = join(dist, 'tsbpf.blob');
const record = join(dist, 'tsbpf.blob.node');

function fail(message) {
  process.stderr.write(`build-snapshot: ${message}\n`);
  process.exit(1);
}

const started = Date.now();
if (!existsSync(entry)) fail(`${entry} is missing (run tsc first)`);
// The old record goes first: until the new one is written, the launcher uses no blob.
rmSync(record, { force: true });
rmSync(blob, { force: true });

await build({
  entryPoints: [entry],
  outfile: bundle,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // Without comments and blank space the source V8 keeps in the heap is 470 KB instead of 690
  // (and one-byte: a comment's '→' made all of it two-byte); names stay for TSBPF_DEBUG stacks.
  minifyWhitespace: true,
  logLevel: 'warning',
}).catch((err) => fail(`esbuild: ${err.message}`));

// TZ=UTC: the warm-up must not make V8 read and cache the build machine's time zone.
const built = spawnSync(process.execPath, [...FLAGS, '--snapshot-blob', blob, '--build-snapshot', bundle, join(root, 'samples')], {
  stdio: ['ignore', 'inherit', 'inherit'],
  env: { ...process.env, TZ: 'UTC' },
});
if (built.status !== 0 || !existsSync(blob)) fail(`node --build-snapshot failed (status ${built.status ?? built.signal})`);

writeFileSync(record, `${FLAGS.join(' ')}\n${process.execPath}\n`);
const touched = spawnSync('touch', ['-r', process.execPath, record], { stdio: ['ignore', 'inherit', 'inherit'] });
if (touched.status !== 0) {
  rmSync(record, { force: true });
  fail(`touch -r ${process.execPath} ${record} failed`);
}
process.stdout.write(`build-snapshot: ${blob} in ${Date.now() - started} ms\n`);
