// The renderer's esbuild options, in one place: scripts/build.mjs builds dist/renderer with them, and the
// bench's bundle analysis (bench/ui.ts) and test/renderer/bundle.test.ts build the same bundle in memory.
import { join } from 'node:path';

/** @param {string} root the repository's root */
export function rendererBuildOptions(root) {
  return {
    entryPoints: [join(root, 'renderer/index.ts'), join(root, 'renderer/style.css')],
    outdir: join(root, 'dist/renderer'),
    bundle: true,
    minify: true,
    // '…', '—', '·' as themselves (UTF-8, index.html says so), not as \u2026 escapes twice their size.
    charset: 'utf8',
    platform: 'browser',
    format: 'esm',
    target: 'chrome120',
    logLevel: 'warning',
  };
}
