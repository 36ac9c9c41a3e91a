/**
 * The renderer runs in the popover's sandboxed page: no Node, no Electron. What the bundle really pulls in
 * (esbuild's metafile, built with scripts/build.mjs's options from scripts/renderer-options.mjs) is the
 * renderer's own files plus the import-free core files it may share.
 */
import assert from 'node:assert/strict';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { build } from 'esbuild';
import { rendererBuildOptions } from '../../scripts/renderer-options.mjs';

const ROOT = join(import.meta.dirname, '../..');
const SHARED = ['main/core/links.ts', 'main/core/share-rules.ts', 'main/core/allowed.ts', 'main/core/time-left.ts'];

test('the renderer bundle holds only renderer/ files and the import-free core files links.ts, share-rules.ts, allowed.ts and time-left.ts', async () => {
  const result = await build({ ...rendererBuildOptions(ROOT), write: false, metafile: true, logLevel: 'silent' });
  const inputs = Object.keys(result.metafile.inputs).map((path) => relative(ROOT, join(ROOT, path)));
  const foreign = inputs.filter((path) => !path.startsWith('renderer/') && !SHARED.includes(path));
  assert.deepEqual(foreign, [], 'nothing else is bundled');
  assert.ok(
    inputs.includes('renderer/store.ts') && inputs.includes('renderer/views/share-card.ts'),
    `the parts are bundled: ${inputs.join(', ')}`,
  );
});
