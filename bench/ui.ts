/**
 * ─── EXTENSION POINT: UI benches ────────────────────────────────────────────────────────────────────────
 *
 * The figures of the popover and the renderer, measured through test/support/ui-harness.ts (the UI
 * engineer's harness: the built renderer in Debian's Chromium, with the real preload, ipc handlers, AppState
 * and core behind it). bench/entries.ts runs UI_BENCHES after the core benches; add an entry here for a new
 * UI figure.
 *
 * The harness is loaded lazily, by a computed path, so that the core benches still type-check and run where
 * it (or Chromium, or playwright-core) is not there; an entry that cannot measure reports SKIP with the reason
 * (a missing Chromium, a missing or stale dist/renderer build), never a made-up number.
 *
 * Targets: bench/goals.ts (the warm open; the renderer's JS + CSS, minified, ≤ 30 KB, with the ten largest modules listed).
 * ────────────────────────────────────────────────────────────────────────────────────────────────────────
 */
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { rendererBuildOptions } from '../scripts/renderer-options.mjs';
import { GOALS, judge } from './goals.ts';
import { quantile } from './lib/stats.ts';
import type { BenchEntry, BenchResult, Figure } from './lib/types.ts';

export const UI_HARNESS = fileURLToPath(new URL('../test/support/ui-harness.ts', import.meta.url));
const CHROMIUM_HELPER = fileURLToPath(new URL('../test/support/chromium.ts', import.meta.url));

interface Timings {
  samples: number[];
  median: number;
  min: number;
  max: number;
}

/**
 * What bench/ui.ts uses from the harness (see test/support/ui-harness.ts). benchPopoverOpen has answered with
 * one Timings (a page load) and, since, with one per way of opening: 'reshow' (the app's warm open: the hidden
 * popover shown again) and 'reload' (a page load through the harness); both shapes are read.
 */
interface UiHarness {
  benchPopoverOpen(options?: { runs?: number; sessions?: number; warmup?: number }): Promise<unknown>;
  rendererFiles(): Promise<Map<string, Buffer>>;
}

function isTimings(value: unknown): value is Timings {
  const candidate = value as Partial<Timings> | undefined;
  return (
    Array.isArray(candidate?.samples) &&
    typeof candidate?.median === 'number' &&
    typeof candidate.min === 'number' &&
    typeof candidate.max === 'number'
  );
}

function describe(timings: Timings): string {
  const { samples } = timings;
  return `${timings.median.toFixed(1)} ms (IQR ${quantile(samples, 0.25).toFixed(1)}–${quantile(samples, 0.75).toFixed(1)}, min ${timings.min.toFixed(1)}, max ${timings.max.toFixed(1)}, n=${samples.length})`;
}

/** The UI harness module, or a reason why it cannot be used here. */
export async function loadUiHarness(): Promise<{ harness: Partial<UiHarness> } | { missing: string }> {
  if (!existsSync(UI_HARNESS)) return { missing: 'test/support/ui-harness.ts does not exist' };
  // Computed specifiers: the benches must type-check and run whether or not these files exist.
  if (existsSync(CHROMIUM_HELPER)) {
    const chromium = (await import(pathToFileURL(CHROMIUM_HELPER).href)) as { chromiumMissing?: () => string | false };
    const missing = chromium.chromiumMissing?.();
    if (missing) return { missing };
  }
  return { harness: (await import(pathToFileURL(UI_HARNESS).href)) as Partial<UiHarness> };
}

function skip(name: string, reason: string): BenchResult {
  return { figures: [{ name, value: '—', skipped: reason }] };
}

/** A stale or missing build is a reason to skip (the bench does not rebuild dist/ under other processes' feet). */
export function buildProblem(error: unknown): string | undefined {
  const message = error instanceof Error ? error.message : String(error);
  return /scripts\/build\.mjs/.test(message) ? message : undefined;
}

const POPOVER_RUNS = 20;
const POPOVER_WARMUP = 3;
const POPOVER_SESSIONS = 3;
/** KB as 1000 bytes (bench/goals.ts). */
const BUNDLE_TARGET_BYTES = GOALS['ui-bundle-size/code'].limit.atMost;

export const popoverWarm: BenchEntry = {
  id: 'ui-popover-warm',
  title: 'Popover opened → sessions visible, warm',
  method:
    `benchPopoverOpen() from test/support/ui-harness.ts: a sandbox with ${POPOVER_SESSIONS} tmux sessions, AppState's snapshot ` +
    `already loaded and the popover opened once; ${POPOVER_WARMUP} warm-up opens, then ${POPOVER_RUNS} timed ones (headless Chromium). ` +
    "The warm open is the app's: the hidden popover shown again (visibilitychange) after a new tmux session appeared, " +
    "until that session's row is painted, timed in the page. The page load (`page.goto` until a row is visible) is " +
    'shown for context: every request goes through the harness, so it mostly measures the harness.',
  async run(): Promise<BenchResult> {
    const name = 'popover → sessions visible, warm (median)';
    const loaded = await loadUiHarness();
    if ('missing' in loaded) return skip(name, loaded.missing);
    const { benchPopoverOpen } = loaded.harness;
    if (typeof benchPopoverOpen !== 'function')
      return skip(name, 'test/support/ui-harness.ts no longer exports benchPopoverOpen: see bench/ui.ts');
    let result;
    try {
      result = await benchPopoverOpen({ runs: POPOVER_RUNS, warmup: POPOVER_WARMUP, sessions: POPOVER_SESSIONS });
    } catch (error) {
      const problem = buildProblem(error);
      if (problem) return skip(name, problem);
      throw error;
    }
    const byPath = result as Partial<Record<'reshow' | 'reload', unknown>>;
    if (isTimings(byPath.reshow)) {
      const figures: Figure[] = [
        { name, value: describe(byPath.reshow), ...judge('ui-popover-warm/reshow', byPath.reshow.median) },
      ];
      const details = [
        `Shown again (\`reshow\`), samples in order (ms): ${byPath.reshow.samples.map((value) => value.toFixed(0)).join(' ')}.`,
      ];
      if (isTimings(byPath.reload)) {
        figures.push({
          name: 'popover page load → sessions visible (median; mostly the harness)',
          value: describe(byPath.reload),
        });
        details.push(
          `Page load (\`reload\`), samples in order (ms): ${byPath.reload.samples.map((value) => value.toFixed(0)).join(' ')}.`,
        );
      }
      return { figures, details };
    }
    // The older shape is a page load, not the warm open the target is about: shown without it.
    if (isTimings(result)) {
      return {
        figures: [{ name: 'popover page load → sessions visible (median)', value: describe(result) }],
        details: [`Samples in order (ms): ${result.samples.map((value) => value.toFixed(0)).join(' ')}.`],
      };
    }
    return skip(
      name,
      'benchPopoverOpen() of test/support/ui-harness.ts answered in a shape bench/ui.ts does not know: see bench/ui.ts',
    );
  },
};

export const rendererBundle: BenchEntry = {
  id: 'ui-bundle-size',
  title: 'Renderer bundle size',
  method:
    'The files of the built renderer (dist/renderer, as rendererFiles() of the UI harness serves them to the popover), in bytes, raw and gzip -9. ' +
    `The target is on the JS and CSS files as built (minified by scripts/build.mjs), raw, not gzipped: ≤ ${BUNDLE_TARGET_BYTES} bytes; index.html is not counted in it.`,
  async run(): Promise<BenchResult> {
    // A skip is reported under the targeted figure's name, so the table shows which target went unmeasured.
    const name = 'renderer JS + CSS, minified (HTML not included)';
    const loaded = await loadUiHarness();
    if ('missing' in loaded && !existsSync(UI_HARNESS)) return skip(name, loaded.missing);
    // The size needs no browser: only the harness module.
    const harness =
      'harness' in loaded ? loaded.harness : ((await import(pathToFileURL(UI_HARNESS).href)) as Partial<UiHarness>);
    if (typeof harness.rendererFiles !== 'function')
      return skip(name, 'test/support/ui-harness.ts no longer exports rendererFiles: see bench/ui.ts');
    let files: Map<string, Buffer>;
    try {
      files = await harness.rendererFiles();
    } catch (error) {
      const problem = buildProblem(error);
      if (problem) return skip(name, problem);
      throw error;
    }
    const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
    const rows = [...files]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([path, body]) => ({ path, raw: body.length, gzip: gzipSync(body, { level: 9 }).length }));
    const total = rows.reduce((sum, row) => ({ raw: sum.raw + row.raw, gzip: sum.gzip + row.gzip }), {
      raw: 0,
      gzip: 0,
    });
    const code = rows.filter((row) => /\.(m?js|css)$/.test(row.path));
    const codeBytes = code.reduce((sum, row) => sum + row.raw, 0);
    const html = rows.filter((row) => row.path.endsWith('.html')).reduce((sum, row) => sum + row.raw, 0);
    return {
      figures: [
        {
          name,
          value: `${codeBytes} bytes, ${kb(codeBytes)} (${code.map((row) => row.path).join(' + ')}; HTML ${html} bytes besides)`,
          ...judge('ui-bundle-size/code', codeBytes),
        },
        {
          name: 'renderer bundle, all files',
          value: `${kb(total.raw)} (${kb(total.gzip)} gzipped, ${rows.length} files)`,
        },
      ],
      details: [
        '| file | bytes | gzip -9 |',
        '|---|---:|---:|',
        ...rows.map((row) => `| ${row.path} | ${row.raw} | ${row.gzip} |`),
        `| total | ${total.raw} | ${total.gzip} |`,
        '',
        ...(await largestModules()),
      ],
    };
  },
};

/** How many of the bundle's modules the analysis lists. */
const LARGEST = 10;

/**
 * Where the bundle's bytes come from: the renderer built again in memory with the options scripts/build.mjs
 * uses (scripts/renderer-options.mjs), and esbuild's metafile read for the bytes each module puts in the
 * output (after minification), largest first.
 */
async function largestModules(): Promise<string[]> {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const result = await build({ ...rendererBuildOptions(root), write: false, metafile: true, logLevel: 'silent' });
  const modules = Object.values(result.metafile.outputs)
    .flatMap((output) => Object.entries(output.inputs))
    .map(([path, input]) => ({ path, bytes: input.bytesInOutput }))
    .sort((a, b) => b.bytes - a.bytes);
  const all = modules.reduce((sum, module) => sum + module.bytes, 0);
  return [
    `The ${LARGEST} largest of the bundle's ${modules.length} modules (esbuild's metafile: bytes each puts in the minified output, of ${all}):`,
    '',
    '| module | bytes | share |',
    '|---|---:|---:|',
    ...modules
      .slice(0, LARGEST)
      .map((module) => `| ${module.path} | ${module.bytes} | ${((module.bytes / all) * 100).toFixed(1)} % |`),
  ];
}

export const UI_BENCHES: BenchEntry[] = [popoverWarm, rendererBundle];
