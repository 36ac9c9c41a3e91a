/**
 * `npm run bench`: builds dist/ (scripts/build.mjs), then runs every bench in bench/entries.ts against real
 * tmux and real tmate (with the local test tmate server), prints one table, and rewrites the results section
 * of docs/benchmarks.md. Run directly, this file does not build: the benches that use dist/ refuse a stale one.
 *
 * The process exits 0 whether targets pass or fail (this is a report, not a test); 1 only if a bench crashed,
 * in which case docs/benchmarks.md is left as it was.
 *
 *   npm run bench                            all benches, docs rewritten
 *   npm run bench -- --only ID[,ID]          some benches; the docs are not rewritten
 *   npm run bench -- --only ID[,ID] --docs   some benches; only their rows and sections in the docs replaced
 *   npm run bench -- --no-docs               all benches, docs left alone
 */
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { BENCHES } from './entries.ts';
import { consoleTable, markdownResults, mergeResults, readResults, status, writeResults, type Outcome } from './lib/report.ts';
import type { BenchContext } from './lib/types.ts';
import { versions } from './lib/world.ts';

const DOCS = fileURLToPath(new URL('../docs/benchmarks.md', import.meta.url));

function parseArgs(argv: string[]): { only: string[] | undefined; docs: boolean } {
  let only: string[] | undefined;
  let docs: boolean | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--no-docs') docs = false;
    else if (arg === '--docs') docs = true;
    else if (arg === '--only') only = (argv[++i] ?? '').split(',').filter(Boolean);
    else if (arg.startsWith('--only=')) only = arg.slice('--only='.length).split(',').filter(Boolean);
    else throw new Error(`unknown argument ${arg} (use --only ID[,ID] [--docs] or --no-docs)`);
  }
  // All benches write the docs unless told not to; some write them only when asked.
  return { only, docs: docs ?? only === undefined };
}

const cleanups = new Set<() => Promise<void> | void>();
let interrupted: NodeJS.Signals | undefined;
let interruptedAt = 0;

async function runCleanups(): Promise<void> {
  await Promise.allSettled([...cleanups].map(async (cleanup) => cleanup()));
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted) {
      // A second Ctrl-C forces the exit. Not within the first seconds: execa's signal-exit re-raises the
      // first signal to this process when it believes nobody else handles it.
      if (Date.now() - interruptedAt > 2_000) process.exit(130);
      return;
    }
    interrupted = signal;
    interruptedAt = Date.now();
    process.stderr.write(`\n${signal}: cleaning up…\n`);
    // Twice, a moment apart: the bench still running may start a process between the first pass and its own failure.
    void runCleanups()
      .then(() => new Promise((resolve) => setTimeout(resolve, 500)))
      .then(runCleanups)
      .finally(() => process.exit(130));
  });
}

const context: BenchContext = {
  log: (message) => process.stderr.write(`  ${message}\n`),
  onAbort(cleanup) {
    cleanups.add(cleanup);
    return () => cleanups.delete(cleanup);
  },
  get aborted() {
    return interrupted !== undefined;
  },
};

async function main(): Promise<number> {
  const { only, docs } = parseArgs(process.argv.slice(2));
  const unknown = only?.filter((id) => !BENCHES.some((entry) => entry.id === id)) ?? [];
  if (unknown.length) throw new Error(`no bench ${unknown.join(', ')}; known: ${BENCHES.map((entry) => entry.id).join(', ')}`);
  const selected = only ? BENCHES.filter((entry) => only.includes(entry.id)) : BENCHES;

  const started = Date.now();
  const loadAtStart = os.loadavg()[0] ?? 0;
  const tools = await versions();
  const cpuList = os.cpus();
  const cpus = `${cpuList.length} CPU${cpuList.length === 1 ? '' : 's'} (${cpuList[0]?.model.trim() ?? 'unknown'})`;
  process.stderr.write(`Pairbar benchmarks · Node ${process.version} · ${tools.tmux} · ${tools.tmate} · ${cpus}\n`);

  const outcomes: Outcome[] = [];
  for (const entry of selected) {
    if (interrupted) break;
    process.stderr.write(`▸ ${entry.id}: ${entry.title}\n`);
    const t0 = performance.now();
    try {
      const result = await entry.run(context);
      outcomes.push({ entry, result, seconds: (performance.now() - t0) / 1000 });
    } catch (error) {
      if (interrupted) break;
      process.stderr.write(`  crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      outcomes.push({ entry, error, seconds: (performance.now() - t0) / 1000 });
    }
  }
  const seconds = (Date.now() - started) / 1000;
  // Interrupted: the signal handler finishes the clean-up and exits; print nothing half-done.
  if (interrupted) return new Promise<number>(() => undefined);

  console.log('');
  console.log(consoleTable(outcomes));
  for (const { entry, result } of outcomes) {
    if (!result?.details?.length) continue;
    console.log(`\n${entry.id}:`);
    console.log(result.details.join('\n'));
  }
  const figures = outcomes.flatMap((outcome) => outcome.result?.figures ?? []);
  const counts = (want: string) => figures.filter((figure) => status(figure) === want).length;
  const crashed = outcomes.filter((outcome) => outcome.error !== undefined).length;
  console.log(`\nLoad average (1 min): ${loadAtStart.toFixed(1)} at the start, ${(os.loadavg()[0] ?? 0).toFixed(1)} at the end, on ${cpuList.length} CPUs.`);
  console.log(`${counts('PASS')} PASS · ${counts('FAIL')} FAIL · ${counts('SKIP')} SKIP · ${crashed} crashed · ${seconds.toFixed(0)} s`);

  if (crashed > 0) {
    console.log('A bench crashed: docs/benchmarks.md left unchanged.');
    return 1;
  }
  if (docs) {
    const info = { date: new Date(), node: process.version, tmux: tools.tmux, tmate: tools.tmate, cpus, seconds, load: [loadAtStart, os.loadavg()[0] ?? 0] as [number, number] };
    await writeResults(DOCS, only ? mergeResults(await readResults(DOCS), outcomes, info) : markdownResults(outcomes, info));
    console.log(only ? `Results of ${only.join(', ')} written to docs/benchmarks.md; the others' left as they were.` : `Results written to docs/benchmarks.md.`);
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
