/**
 * The browser-safe core imports nothing from Node: no `node:` modules, no Buffer, and never a
 * later layer (`node/`, `cli/`). tsconfig.core.json checks the types; this test checks the text
 * so that a violation names the file and line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '../../../..');
const src = join(root, 'src');
const nodeOnly = new Set(['node', 'cli']);

function* coreFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (dir === src && nodeOnly.has(name)) continue;
      yield* coreFiles(path);
    } else if (name.endsWith('.ts')) yield path;
  }
}

test('core sources import no node:* module, no Buffer, no node/ or cli/ layer', () => {
  const problems: string[] = [];
  for (const file of coreFiles(src)) {
    readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
      const where = `${relative(root, file)}:${i + 1}`;
      if (/from\s+['"]node:|require\(['"]node:|import\(['"]node:/.test(line)) problems.push(`${where} imports a node: module`);
      if (/\bBuffer\b/.test(line) && !/^\s*(\/\/|\*)/.test(line)) problems.push(`${where} uses Buffer`);
      if (/from\s+['"](\.\.\/)+(node|cli)\//.test(line)) problems.push(`${where} imports a Node-only layer`);
    });
  }
  assert.deepEqual(problems, []);
});
