/**
 * `npm run bench`: builds dist/ (scripts/build.mjs), then runs every bench in bench/entries.ts against real
 * tmux and real tmate (with the local test tmate server), prints one table judged against bench/goals.ts,
 * and keeps the figures in test-output/bench/run.json; `npm run docs` writes docs/benchmarks.md from them.
 * Run directly, this file does not build: the benches that use dist/ refuse a stale one.
 *
 * Exits 0 when every judged figure meets its goal, 1 when one does not (FAIL) or a bench crashed: a bench
 * run is a check. The figures are kept either way, so the docs can show the FAIL.
 *
 *   npm run bench                            all benches
 *   npm run bench -- --only ID[,ID]          some benches; their figures replace theirs in the kept run
 *   npm run bench -- [--only ID[,ID]] --docs the same, then docs/benchmarks.md written from it at once
 */
import os from 'node:os';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCHES } from './entries.ts';
import { goalsTable } from './goals.ts';
import {
  consoleTable,
  mergeRecord,
  readRunRecord,
  RUN_RECORD,
  tally,
  writeBenchDocs,
  writeRunRecord,
  type Outcome,
  type RunRecord,
} from './lib/report.ts';
import type { BenchContext } from './lib/types.ts';
import { versions } from './lib/world.ts';

const DOCS = fileURLToPath(new URL('../docs/benchmarks.md', import.meta.url));

function parseArgs(argv: string[]): { only: string[] | undefined; docs: boolean } {
  let only: string[] | undefined;
  let docs = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--docs') docs = true;
    else if (arg === '--only') only = (argv[++i] ?? '').split(',').filter(Boolean);
    else if (arg.startsWith('--only=')) only = arg.slice('--only='.length).split(',').filter(Boolean);
    else throw new Error(`unknown argument ${arg} (use [--only ID[,ID]] [--docs])`);
  }
  return { only, docs };
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
  if (unknown.length)
    throw new Error(`no bench ${unknown.join(', ')}; known: ${BENCHES.map((entry) => entry.id).join(', ')}`);
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
      outcomes.push({ entry: describe(entry), result, seconds: (performance.now() - t0) / 1000 });
    } catch (error) {
      if (interrupted) break;
      process.stderr.write(`  crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
      outcomes.push({ entry: describe(entry), error: message, seconds: (performance.now() - t0) / 1000 });
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
  const counts = tally(outcomes);
  console.log(
    `\nLoad average (1 min): ${loadAtStart.toFixed(1)} at the start, ${(os.loadavg()[0] ?? 0).toFixed(1)} at the end, on ${cpuList.length} CPUs.`,
  );
  console.log(`${counts.text} · ${seconds.toFixed(0)} s`);

  const fresh: RunRecord = {
    info: {
      date: new Date().toISOString(),
      node: process.version,
      tmux: tools.tmux,
      tmate: tools.tmate,
      cpus,
      seconds,
      load: [loadAtStart, os.loadavg()[0] ?? 0],
    },
    ...(only ? { only } : {}),
    outcomes,
    goals: goalsTable(),
  };
  const record = mergeRecord(await readRunRecord(), fresh);
  await writeRunRecord(record);
  console.log(
    `Figures kept in ${relative(process.cwd(), RUN_RECORD)}${record !== fresh ? " (with the other benches' from the run before)" : ''}; \`npm run docs\` writes docs/benchmarks.md from them.`,
  );
  if (counts.crashed > 0)
    console.log('A bench crashed: `npm run docs` will refuse these figures until it runs through.');
  if (counts.fail > 0)
    console.log(
      `${counts.fail} figure${counts.fail === 1 ? '' : 's'} over ${counts.fail === 1 ? 'its goal' : 'their goals'} (bench/goals.ts): FAIL.`,
    );
  if (docs) console.log(`docs/benchmarks.md: written from ${await writeBenchDocs(DOCS, record)}.`);
  return counts.crashed > 0 || counts.fail > 0 ? 1 : 0;
}

/** What the record keeps of a bench: its words, not its code. */
function describe({ id, title, method }: Outcome['entry']): Outcome['entry'] {
  return { id, title, method };
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
