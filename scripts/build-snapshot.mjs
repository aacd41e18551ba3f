// Builds the `tsbpf` start-up snapshots after tsc (run by `npm run build`):
//   1. bundles each entry of dist/src/cli/snapshot/ with the commands it imports into one
//      CommonJS file, dist/snapshot/NAME.cjs (esbuild; `node --build-snapshot` runs one
//      CommonJS script that may require only Node's built-in modules);
//   2. runs `node --snapshot-blob BLOB --build-snapshot dist/snapshot/NAME.cjs samples/` for
//      each, which evaluates the bundle, warms it up and serializes the heap: dist/tsbpf-dump.blob
//      (`tsbpf dump`) and dist/tsbpf.blob (every command);
//   3. writes dist/tsbpf.blob.node, the record bin/tsbpf checks before using a blob (Node
//      refuses a blob made by another binary or with other V8 flags): line 1 the flags the
//      blobs were built with (the launcher must pass the same), line 2 this node's path, and
//      the file's modification time set to the node binary's, so the launcher can tell a
//      replaced binary with the shell's -nt/-ot tests, without starting a process.
// Any failure fails the build (no silent fallback): the launcher only falls back at run time.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** V8/Node flags baked into the snapshot; the launcher passes the same ones (read from the record). */
const FLAGS = [];

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const SNAPSHOTS = [
  { entry: 'dump-entry.js', bundle: 'dump.cjs', blob: 'tsbpf-dump.blob', ownRegistry: true },
  { entry: 'all-entry.js', bundle: 'all.cjs', blob: 'tsbpf.blob' },
];
const record = join(dist, 'tsbpf.blob.node');

function fail(message) {
  process.stderr.write(`build-snapshot: ${message}\n`);
  process.exit(1);
}

const started = Date.now();
// The old record goes first: until the new one is written, the launcher uses no blob.
rmSync(record, { force: true });
for (const s of SNAPSHOTS) {
  if (!existsSync(join(dist, 'src/cli/snapshot', s.entry))) fail(`dist/src/cli/snapshot/${s.entry} is missing (run tsc first)`);
  rmSync(join(dist, s.blob), { force: true });
}

/**
 * The dump snapshot's registry is its one command: run-cli.ts's on-demand import of the full
 * registry is never taken there, and bundling it would put every command's source in the heap
 * (~0.2 MB of blob, ~1 ms a start). In its place, a module that says so if it ever is imported.
 */
const noRegistry = {
  name: 'no-registry',
  setup(b) {
    b.onResolve({ filter: /\/commands\/index\.js$/ }, (a) => ({ path: a.path, namespace: 'no-registry' }));
    b.onLoad({ filter: /.*/, namespace: 'no-registry' }, () => ({
      contents: "throw new Error('the dump snapshot has no command registry');",
      loader: 'js',
    }));
  },
};

for (const s of SNAPSHOTS) {
  await build({
    entryPoints: [join(dist, 'src/cli/snapshot', s.entry)],
    outfile: join(dist, 'snapshot', s.bundle),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // Without comments and blank space the source V8 keeps in the heap is a third smaller (and
    // one-byte: a comment's '→' made all of it two-byte); names stay for TSBPF_DEBUG stacks.
    minifyWhitespace: true,
    plugins: s.ownRegistry ? [noRegistry] : [],
    logLevel: 'warning',
  }).catch((err) => fail(`esbuild: ${err.message}`));
}

/** `node --build-snapshot` of one bundle; resolves with its failure text, or undefined. */
function buildBlob(s) {
  // TZ=UTC: the warm-up must not make V8 read and cache the build machine's time zone.
  const child = spawn(process.execPath, [...FLAGS, '--snapshot-blob', join(dist, s.blob), '--build-snapshot', join(dist, 'snapshot', s.bundle), join(root, 'samples')], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, TZ: 'UTC' },
  });
  return new Promise((resolveRun) => {
    child.on('error', (err) => resolveRun(`${s.blob}: ${err.message}`));
    child.on('exit', (code, signal) => resolveRun(code === 0 && existsSync(join(dist, s.blob)) ? undefined : `${s.blob}: node --build-snapshot failed (status ${code ?? signal})`));
  });
}
const failures = (await Promise.all(SNAPSHOTS.map(buildBlob))).filter((f) => f !== undefined);
if (failures.length > 0) fail(failures.join('; '));

writeFileSync(record, `${FLAGS.join(' ')}\n${process.execPath}\n`);
const touched = spawnSync('touch', ['-r', process.execPath, record], { stdio: ['ignore', 'inherit', 'inherit'] });
if (touched.status !== 0) {
  rmSync(record, { force: true });
  fail(`touch -r ${process.execPath} ${record} failed`);
}
process.stdout.write(`build-snapshot: ${SNAPSHOTS.map((s) => `dist/${s.blob}`).join(', ')} in ${Date.now() - started} ms\n`);
