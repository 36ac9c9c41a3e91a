/**
 * Packaging: electron-builder.yml as electron-builder itself loads and validates it, then a real `--dir`
 * build for Linux against a folder standing in for Electron's distribution (Electron's binary can't be
 * downloaded here, and electron-builder copies an unpacked distribution as it is), and the app.asar it
 * produced opened with @electron/asar: the built app is in it, the sources and tests are not.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { extractFile, listPackage } from '@electron/asar';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import { DebugLogger, log } from 'builder-util';
import { build, Platform } from 'electron-builder';
import type { Configuration } from 'electron-builder';

// electron-builder logs to stdout, which node's test runner parses as the channel its results come back on:
// a log line split at the wrong byte broke a clean-clone run ("Unable to deserialize cloned data"). Its
// log is sent to stderr, which the runner passes through as text. (`stream` is readonly in the typings only.)
(log as unknown as { stream: NodeJS.WritableStream }).stream = process.stderr;

const ROOT = join(import.meta.dirname, '../..');
/** Where Electron's fuse wire starts in its binary (the value @electron/fuses looks for). */
const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const FUSE_ON = '1'.charCodeAt(0);
const FUSE_OFF = '0'.charCodeAt(0);
const ELECTRON_VERSION = (
  JSON.parse(readFileSync(join(ROOT, 'node_modules/electron/package.json'), 'utf8')) as { version: string }
).version;

function pngSize(file: string): { width: number; height: number } {
  const bytes = readFileSync(file);
  assert.equal(bytes.subarray(1, 4).toString('latin1'), 'PNG', `${file} is a PNG`);
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

const asArray = <T>(value: T | T[] | null | undefined): T[] =>
  value == null ? [] : Array.isArray(value) ? value : [value];
const targetNames = (value: unknown) =>
  asArray(value as (string | { target: string })[]).map((target) =>
    typeof target === 'string' ? target : target.target,
  );

describe('electron-builder.yml', () => {
  let config: Configuration;

  before(async () => {
    config = await getConfig(ROOT, null, null);
  });

  test("passes electron-builder's own schema validation", async () => {
    await validateConfiguration(config, new DebugLogger(false));
  });

  test('identity, output folder, asar', () => {
    assert.equal(config.appId, 'dev.pairbar.app');
    assert.equal(config.productName, 'Pairbar');
    assert.equal(config.asar, true);
    assert.equal(config.directories?.output, 'release');
    assert.equal(config.npmRebuild, false);
  });

  test('files: the built app, the icons and package.json; no node_modules (dist is bundled), no sources', () => {
    // electron-builder normalises `files` into FileSet objects ({ filter: [...] }).
    const files = asArray(config.files as (string | { filter?: string | string[] })[]).flatMap((entry) =>
      typeof entry === 'string' ? [entry] : asArray(entry.filter),
    );
    for (const pattern of ['dist/**', 'assets/**', 'package.json', '!node_modules/**'])
      assert.ok(files.includes(pattern), `files has ${pattern}: ${files.join(', ')}`);
    assert.ok(
      !files.some((pattern) => /^(main|test|renderer|bench|scripts)\b/.test(pattern)),
      'no source folder is included',
    );
  });

  test('Electron fuses: no running as Node, no NODE_OPTIONS, no --inspect, the app only from its checked app.asar, encrypted cookies', () => {
    assert.deepEqual(config.electronFuses, {
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
      enableCookieEncryption: true,
    });
  });

  test('macOS: LSUIElement (no Dock icon), developer-tools category, dmg + zip', () => {
    assert.equal(config.mac?.extendInfo && (config.mac.extendInfo as Record<string, unknown>).LSUIElement, true);
    assert.equal(config.mac?.category, 'public.app-category.developer-tools');
    assert.deepEqual(targetNames(config.mac?.target).sort(), ['dmg', 'zip']);
  });

  test('Linux: AppImage + deb, Development category, a maintainer for the deb', () => {
    assert.deepEqual(targetNames(config.linux?.target).sort(), ['AppImage', 'deb']);
    assert.equal(config.linux?.category, 'Development');
    assert.match(String(config.linux?.maintainer), /<.+@.+>/);
  });

  test('the deb recommends tmux and tmate (what Pairbar drives), and depends on neither', () => {
    assert.deepEqual([...asArray(config.deb?.recommends)].sort(), ['tmate', 'tmux']);
    assert.ok(
      !asArray(config.deb?.depends).some((dependency) => /^(tmux|tmate)\b/.test(dependency)),
      'a tmate built from source must do',
    );
  });

  test('npm run dist: builds the app, then packages it for this platform (no platform flag), publishing nothing', () => {
    const scripts = (
      JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    ).scripts;
    const steps = (scripts.dist ?? '').split('&&').map((step) => step.trim().split(/\s+/));
    assert.deepEqual(steps[0], ['node', 'scripts/build.mjs'], 'the bundle is built first: the package holds dist/');
    const [builder, ...flags] = steps.at(-1) ?? [];
    assert.equal(builder, 'electron-builder');
    assert.ok(
      !flags.some((flag) => /^--?(mac|macos|m|linux|l|win|windows|w|dir)$/.test(flag)),
      `no platform or --dir flag: ${flags.join(' ')}`,
    );
    assert.deepEqual(flags, ['--publish', 'never']);
    assert.equal(steps.length, 2);
  });

  test('the app icon it names is a 512 px PNG', () => {
    for (const icon of [config.mac?.icon, config.linux?.icon, config.win?.icon]) {
      assert.equal(icon, 'assets/icon.png');
    }
    assert.deepEqual(pngSize(join(ROOT, 'assets/icon.png')), { width: 512, height: 512 });
  });

  test('tray icons: macOS Template images 16/32 px, black + alpha only', () => {
    for (const file of readdirSync(join(ROOT, 'assets')).filter((name) => name.includes('Template'))) {
      const size = pngSize(join(ROOT, 'assets', file));
      const expected = file.includes('@2x') ? 32 : 16;
      assert.deepEqual(size, { width: expected, height: expected }, file);
      // Colour type 6 (RGBA) or 4 (grey + alpha): an alpha channel is what a Template image is made of.
      const colourType = readFileSync(join(ROOT, 'assets', file))[25];
      assert.ok(colourType === 6 || colourType === 4, `${file} has alpha`);
    }
  });
});

describe('electron-builder --dir (Linux) against a stand-in Electron distribution', () => {
  let work: string;
  let appOutDir: string;
  let entries: string[] = [];
  const skip =
    process.platform === 'linux'
      ? false
      : `the --dir check builds for Linux and runs on Linux only (this is ${process.platform})`;

  // A functional upper bound, not a speed check: a build that hangs (a download attempt, a prompt) fails.
  before(
    async () => {
      if (skip) return;
      // The app as `npm test` builds it (dist/ comes from scripts/build.mjs); build it if this file runs alone.
      if (
        !['dist/main.js', 'dist/preload.cjs', 'dist/renderer/index.html'].every((file) => existsSync(join(ROOT, file)))
      ) {
        execFileSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, stdio: 'inherit' });
      }
      work = await mkdtemp(join(tmpdir(), 'pairbar-pack-'));
      // An unpacked Electron distribution is copied as it is, its `electron` renamed to the executable
      // name; this one holds only a stand-in for that executable (plus Electron's LICENSE, which
      // electron-builder moves if present). Nothing is downloaded: electronDist and electronVersion are
      // given, and npmRebuild is off in the config.
      const dist = join(work, 'electron-dist');
      await mkdir(dist);
      // Electron's binary carries its fuses as a "wire" after a sentinel string: version 1, the wire's
      // length, one byte per fuse ('0' off, '1' on). The stand-in carries the wire Electron ships with, in a
      // comment, so electron-builder's fuse step (@electron/fuses) finds and flips it as in the real binary.
      const shipped = [FUSE_ON, FUSE_OFF, FUSE_ON, FUSE_ON, FUSE_OFF, FUSE_OFF, FUSE_OFF, FUSE_ON];
      const wire = Buffer.concat([
        Buffer.from(`# ${FUSE_SENTINEL}`, 'latin1'),
        Buffer.from([1, shipped.length, ...shipped]),
        Buffer.from('\n'),
      ]);
      await writeFile(
        join(dist, 'electron'),
        Buffer.concat([
          Buffer.from('#!/bin/sh\necho "Stand-in for the Electron binary, for packaging tests only." >&2\nexit 1\n'),
          wire,
        ]),
      );
      await chmod(join(dist, 'electron'), 0o755);
      await writeFile(join(dist, 'LICENSE'), "Stand-in for Electron's LICENSE.\n");
      await writeFile(join(dist, 'version'), `${ELECTRON_VERSION}\n`);
      await build({
        projectDir: ROOT,
        targets: Platform.LINUX.createTarget('dir'),
        config: {
          electronDist: dist,
          electronVersion: ELECTRON_VERSION,
          directories: { output: join(work, 'release') },
          publish: null,
        },
        publish: 'never',
      });
      const outputs = await readdir(join(work, 'release'));
      const unpacked = outputs.find((name) => name.startsWith('linux') && name.endsWith('unpacked'));
      assert.ok(unpacked, `an unpacked app folder in ${outputs.join(', ')}`);
      appOutDir = join(work, 'release', unpacked);
      entries = listPackage(join(appOutDir, 'resources', 'app.asar'), { isPack: false });
    },
    { timeout: 180_000 },
  );

  after(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  test('the executable is named pairbar and the app is resources/app.asar', { skip }, () => {
    assert.ok(existsSync(join(appOutDir, 'pairbar')));
    assert.ok(existsSync(join(appOutDir, 'resources', 'app.asar')));
  });

  test(
    'the packaged executable has its fuses flipped as configured; the rest as Electron ships them',
    { skip },
    async () => {
      const fuses = await getCurrentFuseWire(join(appOutDir, 'pairbar'));
      const state = (option: FuseV1Options) =>
        ({ [FUSE_ON]: 'on', [FUSE_OFF]: 'off' })[fuses[option] as number] ?? `byte ${fuses[option]}`;
      assert.deepEqual(
        Object.fromEntries(
          Object.values(FuseV1Options)
            .filter((value): value is FuseV1Options => typeof value === 'number')
            .map((option) => [FuseV1Options[option], state(option)]),
        ),
        {
          RunAsNode: 'off',
          EnableCookieEncryption: 'on',
          EnableNodeOptionsEnvironmentVariable: 'off',
          EnableNodeCliInspectArguments: 'off',
          EnableEmbeddedAsarIntegrityValidation: 'on',
          OnlyLoadAppFromAsar: 'on',
          LoadBrowserProcessSpecificV8Snapshot: 'off',
          // Left on: the popover is a file:// page whose module script needs it.
          GrantFileProtocolExtraPrivileges: 'on',
        },
      );
    },
  );

  test('app.asar holds the built main, preload, renderer, the icons and package.json', { skip }, () => {
    for (const entry of [
      '/dist/main.js',
      '/dist/preload.cjs',
      '/dist/renderer/index.html',
      '/package.json',
      '/assets/icon.png',
      '/assets/tray-idleTemplate.png',
      '/assets/tray-idleTemplate@2x.png',
      '/assets/tray-paired.png',
      '/assets/tray-failed@2x.png',
    ]) {
      assert.ok(entries.includes(entry), `${entry} in app.asar (it holds: ${entries.join(' ')})`);
    }
    const pkg = JSON.parse(extractFile(join(appOutDir, 'resources', 'app.asar'), 'package.json').toString('utf8')) as {
      main: string;
      type: string;
    };
    assert.equal(pkg.main, 'dist/main.js');
    assert.equal(pkg.type, 'module');
  });

  test(
    "app.asar holds exactly the built code (dist/ without source maps or the tests' hook), the assets and package.json",
    { skip },
    () => {
      const filesUnder = (dir: string): string[] =>
        readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
          .filter((entry) => entry.isFile())
          .map((entry) => `/${relative(ROOT, join(entry.parentPath, entry.name))}`);
      // The tests' hook is built into dist/ but never shipped (the test below).
      const built = filesUnder('dist').filter((file) => !file.endsWith('.map') && file !== '/dist/test-hook.js');
      const expected = [...built, ...filesUnder('assets'), '/package.json'].sort();
      // listPackage names directories too: a directory is an entry that others sit under.
      const files = entries.filter((entry) => !entries.some((other) => other.startsWith(`${entry}/`))).sort();
      assert.deepEqual(files, expected);
    },
  );

  test(
    "app.asar leaves out the tests' hook that dist/ has (a shipped app has no globalThis.pairbarTest)",
    { skip },
    () => {
      assert.ok(existsSync(join(ROOT, 'dist/test-hook.js')), 'the build wrote dist/test-hook.js');
      assert.ok(entries.includes('/dist/main.js'));
      assert.deepEqual(
        entries.filter((entry) => entry.includes('test-hook')),
        [],
      );
    },
  );

  test('app.asar holds no sources, tests, node_modules or build config', { skip }, () => {
    const unwanted = entries.filter(
      (entry) =>
        /^\/(main|test|renderer|bench|docs|scripts|node_modules|\.ci)(\/|$)/.test(entry) ||
        entry.endsWith('.ts') ||
        entry.endsWith('.map') ||
        /electron-builder\.ya?ml$|tsconfig\.json$|package-lock\.json$/.test(entry),
    );
    assert.deepEqual(unwanted, []);
  });
});
