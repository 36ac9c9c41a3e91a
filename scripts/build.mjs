// Builds dist/: the CLI (split into chunks) and the app's main process (ESM for Node, one file), the preload (CommonJS, as a sandboxed
// preload must be), and the renderer (browser bundle, minified). One esbuild run, no type checking:
// `npm run typecheck` does that.
import { build } from 'esbuild';
import { cp, mkdir, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rendererBuildOptions } from './renderer-options.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
const out = join(root, 'dist');
await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });

const define = { PAIRBAR_VERSION: JSON.stringify(pkg.version) };
// ESM bundles that contain CommonJS dependencies need a require().
const requireShim =
  "import { createRequire as __pairbarCreateRequire } from 'node:module'; const require = __pairbarCreateRequire(import.meta.url);";

const jobs = [buildCommand()];
// The tests' hook (main/electron/test-hook.ts) is its own file, dist/test-hook.js, which main.js imports only when
// the tests ask for it, and which the packaged app leaves out (electron-builder.yml): the import stays an
// import of the built file instead of being bundled into main.js.
const testHookApart = {
  name: 'test-hook-apart',
  setup(build) {
    build.onResolve({ filter: /^\.\/test-hook\.ts$/ }, () => ({ path: './test-hook.js', external: true }));
  },
};
if (existsSync(join(root, 'main/electron/index.ts'))) {
  const mainProcess = {
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    external: ['electron'],
    define,
    banner: { js: requireShim },
    logLevel: 'warning',
  };
  jobs.push(
    build({
      ...mainProcess,
      entryPoints: [join(root, 'main/electron/index.ts')],
      outfile: join(out, 'main.js'),
      plugins: [testHookApart],
    }),
    build({
      ...mainProcess,
      banner: {},
      entryPoints: [join(root, 'main/electron/test-hook.ts')],
      outfile: join(out, 'test-hook.js'),
    }),
    build({
      entryPoints: [join(root, 'main/electron/preload.ts')],
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
    build(rendererBuildOptions(root)).then(() =>
      cp(join(root, 'renderer/index.html'), join(out, 'renderer/index.html')),
    ),
  );
}
await Promise.all(jobs);

/**
 * The `pairbar` command, as CommonJS: Node starts a CommonJS file about 4 ms sooner than an ES module (it
 * sets up no ES loader), which is a fifth of a bare `node -e 0`. esbuild splits only ES modules, so the
 * layers are built apart, each a file that requires the next only when it is needed:
 * - dist/cli.cjs, the entry (main/cli/index.ts and the table of subcommands): parses the arguments, answers
 *   --help and --version;
 * - dist/cli/NAME.cjs for each main/cli/NAME.ts loaded with import(): each subcommand (main/cli/commands.ts
 *   lists them), and what a subcommand loads only in some cases (status-shares.ts), each with the core it
 *   uses bundled in (a process runs one subcommand, so nothing is loaded twice);
 * - dist/cli/vendor/PKG.cjs, each npm package (execa, conf), loaded on its first use.
 * An error thrown in a subcommand's file reaches the entry, which has its own copy of the classes: it tells
 * them by the mark each carries (isUsageError, isPairbarError), not by instanceof.
 */
async function buildCommand() {
  const cliOut = join(out, 'cli');
  const cliSources = join(root, 'main/cli');
  const commandsTable = join(cliSources, 'commands.ts');
  /** Each bundle of dist/cli/ to build (name → source), as the import()s are found. */
  const bundles = new Map();
  const vendors = new Set();
  const options = {
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // import() as require(): an import() would set up the ES loader after all.
    supported: { 'dynamic-import': false },
    define,
    logLevel: 'warning',
    // import.meta has no value in CommonJS: code that needs it must not end up in the command.
    logOverride: { 'empty-import-meta': 'error' },
    absWorkingDir: root,
  };
  /** A path to `file` (in dist/cli/) for a require() in a file written to `fromDir`. */
  const requirePath = (fromDir, file) => './' + relative(fromDir, join(cliOut, file));
  const layers = (fromDir) => ({
    name: 'pairbar-command-layers',
    setup(build) {
      build.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind === 'entry-point' || args.path.startsWith('node:')) return undefined;
        if (!args.path.startsWith('.') && !args.path.startsWith('/')) {
          if (args.path.split('/').length > (args.path.startsWith('@') ? 2 : 1)) {
            return {
              errors: [
                {
                  text: `${args.path}: the command loads whole packages (dist/cli/vendor/PKG.cjs), not their sub-paths`,
                },
              ],
            };
          }
          vendors.add(args.path);
          return { path: requirePath(fromDir, `vendor/${args.path.replace('/', '+')}.cjs`), external: true };
        }
        const file = resolve(args.resolveDir, args.path);
        if (args.kind === 'dynamic-import' && dirname(file) === cliSources) {
          const name = basename(file, '.ts');
          bundles.set(name, file);
          return { path: requirePath(fromDir, `${name}.cjs`), external: true };
        }
        if (file === commandsTable && fromDir === cliOut) {
          return {
            errors: [
              {
                text: `${relative(root, args.importer)} imports values from main/cli/commands.ts: a subcommand may import only its types (its values are the entry's)`,
              },
            ],
          };
        }
        return undefined;
      });
    },
  });
  await build({
    ...options,
    entryPoints: [join(root, 'main/cli/index.ts')],
    outfile: join(out, 'cli.cjs'),
    plugins: [layers(out)],
  });
  // Each round builds the bundles found so far; a bundle's own import()s are found while it is built.
  const built = new Set();
  while (built.size < bundles.size) {
    const round = [...bundles].filter(([name]) => !built.has(name));
    for (const [name] of round) built.add(name);
    await build({
      ...options,
      entryPoints: Object.fromEntries(round),
      outdir: cliOut,
      outExtension: { '.js': '.cjs' },
      plugins: [layers(cliOut)],
    });
  }
  // Shaped as the bundles import it: esbuild hands an ES module's `import X from 'pkg'` the CommonJS
  // module.exports itself (as Node does), so a package's default export must be its module.exports.
  for (const specifier of vendors) {
    await build({
      ...options,
      stdin: {
        contents: `const pkg = require(${JSON.stringify(specifier)});\nmodule.exports = 'default' in pkg ? Object.assign(pkg.default, pkg) : pkg;\n`,
        resolveDir: root,
        sourcefile: `vendor-${specifier}.cjs`,
      },
      outfile: join(cliOut, 'vendor', `${specifier.replace('/', '+')}.cjs`),
    });
  }
}
