// Builds dist/: the CLI (split into chunks) and the app's main process (ESM for Node, one file), the preload (CommonJS, as a sandboxed
// preload must be), and the renderer (browser bundle, minified). One esbuild run, no type checking:
// `npm run typecheck` does that.
import { build } from 'esbuild';
import { cp, mkdir, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
const out = join(root, 'dist');
await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });

const define = { PAIRBAR_VERSION: JSON.stringify(pkg.version) };
// ESM bundles that contain CommonJS dependencies need a require().
const requireShim = "import { createRequire as __pairbarCreateRequire } from 'node:module'; const require = __pairbarCreateRequire(import.meta.url);";

const jobs = [
  // The command is split: dist/cli.js is the small entry (argument parsing, --help, --version), and each
  // subcommand's import() becomes a chunk under dist/cli/, with what they share (the core, execa, conf) in
  // chunks of their own, so a command loads only what it uses.
  build({
    entryPoints: { cli: join(root, 'main/cli.ts') },
    outdir: out,
    chunkNames: 'cli/[name]-[hash]',
    splitting: true,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    define,
    banner: { js: requireShim },
    logLevel: 'warning',
  }),
];
// The tests' hook (main/test-hook.ts) is its own file, dist/test-hook.js, which main.js imports only when
// the tests ask for it, and which the packaged app leaves out (electron-builder.yml): the import stays an
// import of the built file instead of being bundled into main.js.
const testHookApart = {
  name: 'test-hook-apart',
  setup(build) {
    build.onResolve({ filter: /^\.\/test-hook\.ts$/ }, () => ({ path: './test-hook.js', external: true }));
  },
};
if (existsSync(join(root, 'main/index.ts'))) {
  const mainProcess = { bundle: true, platform: 'node', format: 'esm', target: 'node22', external: ['electron'], define, banner: { js: requireShim }, logLevel: 'warning' };
  jobs.push(
    build({ ...mainProcess, entryPoints: [join(root, 'main/index.ts')], outfile: join(out, 'main.js'), plugins: [testHookApart] }),
    build({ ...mainProcess, banner: {}, entryPoints: [join(root, 'main/test-hook.ts')], outfile: join(out, 'test-hook.js') }),
    build({
      entryPoints: [join(root, 'main/preload.ts')],
      outfile: join(out, 'preload.cjs'),
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node22',
      external: ['electron'],
      logLevel: 'warning',
    }),
  );
}
if (existsSync(join(root, 'renderer/index.ts'))) {
  jobs.push(
    build({
      entryPoints: [join(root, 'renderer/index.ts'), join(root, 'renderer/style.css')],
      outdir: join(out, 'renderer'),
      bundle: true,
      minify: true,
      platform: 'browser',
      format: 'esm',
      target: 'chrome120',
      logLevel: 'warning',
    }).then(() => cp(join(root, 'renderer/index.html'), join(out, 'renderer/index.html'))),
  );
}
await Promise.all(jobs);
