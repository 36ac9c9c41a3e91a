/**
 * Bench — how fast the `pairbar` command starts: the built bin run as a user runs it (`node bin/pairbar.cjs
 * --help`, `status` with one share live, `sessions`), each against a bare `node -e 0` in the same rounds.
 * Node's own start-up is most of what any of them costs, so the ratio says what Pairbar adds on top.
 *
 * Beside the times, one untimed run of each with a preload (`--require`) lists the files Node loads, the npm
 * packages bundled into them (esbuild marks each bundled file with a `// node_modules/PKG/…` comment) and
 * the processes it starts, so a change that makes `status` load execa again or spawn `tmux -V` again
 * shows up by name, whatever the machine's speed.
 */
import { execFile } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { judge, targetText, type GoalId } from './goals.ts';
import { ROOT, staleBuild } from './lib/build.ts';
import { median, ms, now, quantile, ratio, spread } from './lib/stats.ts';
import type { BenchEntry, BenchResult, Figure } from './lib/types.ts';
import { withWorld } from './lib/world.ts';

const BIN = join(ROOT, 'bin/pairbar.cjs');
const BUILT = join(ROOT, 'dist/cli.cjs');
const SOURCES = join(ROOT, 'main');
const WARMUPS = 3;
const RUNS = 31;
const SESSION = 'work';
/** package.json's own dependencies: the figures name these, and count what they bring with them. */
const DEPENDENCIES = Object.keys(
  (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> })
    .dependencies ?? {},
);

interface Arm {
  id: string;
  /** How the docs name it. */
  label: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  /** The processes it must start (`tmux list-clients`), in order; none when empty. */
  spawns?: string[];
  /** What the output must show, so a run that failed early is never timed as a fast one. */
  expect?: RegExp;
  /** Its goal in bench/goals.ts, on the wall-time ratio. */
  goal?: GoalId;
  times: number[];
  /** time / the baseline's time in the same round. */
  ratios: number[];
  /** CPU time (user + system) of the process, ms: moves much less than wall time with the machine's load. */
  cpu: number[];
}

/**
 * The CPU time (user + system, ms) `node ARGS` took, as bash's `times` reports its finished children, to
 * the millisecond. Run apart from the timed runs: the extra bash would be in their wall time.
 */
function cpuOf(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    execFile(
      'bash',
      ['-c', '"$@" >/dev/null 2>&1; times', 'bash', process.execPath, ...args],
      { env, encoding: 'utf8', timeout: 30_000 },
      (error, stdout) => {
        const children = stdout.trim().split('\n')[1] ?? '';
        const seconds = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map(
          (match) => Number(match[1]) * 60 + Number(match[2]),
        );
        if (error || seconds.length !== 2)
          reject(new Error(`bash times for node ${args.join(' ')}: ${error?.message ?? stdout}`));
        else resolve((seconds[0]! + seconds[1]!) * 1000);
      },
    );
  });
}

interface Loaded {
  files: string[];
  bytes: number;
  packages: string[];
  /** The programs started, with their first argument (`tmux list-clients`), in order. */
  spawned: string[];
}

/** Runs `node ARGS` in `env`; resolves with stdout, rejects on a non-zero exit. */
function node(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { env, encoding: 'utf8', timeout: 30_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`node ${args.join(' ')}: ${error.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

const BUNDLED_PACKAGE = /^\/\/ (?:.*\/)?node_modules\/((?:@[^/\n]+\/)?[^/\n]+)\//gm;

/**
 * The files Node loads for `args`, the npm packages bundled in them and the processes started, from a
 * preload: the command is CommonJS throughout (scripts/build.mjs), so what it loaded is require's cache at
 * exit; every child process, through execa or not, goes through ChildProcess.prototype.spawn.
 */
async function modulesLoaded(dir: string, args: string[], env: NodeJS.ProcessEnv): Promise<Loaded> {
  const log = join(dir, 'loaded.json');
  const preload = join(dir, 'loaded-preload.cjs');
  await writeFile(
    preload,
    `'use strict';
const { writeFileSync } = require('node:fs');
const { ChildProcess } = require('node:child_process');
const spawned = [];
const spawn = ChildProcess.prototype.spawn;
ChildProcess.prototype.spawn = function (options) {
  spawned.push([options.file, ...options.args.slice(1)]);
  return spawn.call(this, options);
};
process.on('exit', () => writeFileSync(${JSON.stringify(log)}, JSON.stringify({ files: Object.keys(require.cache), spawned })));
`,
  );
  await node(['--require', preload, ...args], env);
  const loaded = JSON.parse(await readFile(log, 'utf8')) as { files: string[]; spawned: string[][] };
  const files = loaded.files.filter((file) => file.startsWith(ROOT));
  const packages = new Set<string>();
  let bytes = 0;
  for (const file of files) {
    bytes += statSync(file).size;
    for (const match of readFileSync(file, 'utf8').matchAll(BUNDLED_PACKAGE)) packages.add(match[1]!);
  }
  return {
    files: files.map((file) => relative(ROOT, file)),
    bytes,
    packages: [...packages].sort(),
    spawned: loaded.spawned.map(commandName),
  };
}

/** `/usr/bin/tmux -S SOCKET list-clients -F …` as `tmux list-clients`: the program and what it was asked. */
function commandName([file = '', ...args]: string[]): string {
  const asked =
    args.find((arg, i) => /^[a-z][a-z-]*$/.test(arg) && args[i - 1] !== '-S' && args[i - 1] !== '-f') ?? args[0] ?? '';
  return `${basename(file)} ${asked}`.trim();
}

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

export const cliStart: BenchEntry = {
  id: 'cli-start',
  title: 'The command starting: `--help`, `status`, `sessions` against `node -e 0`',
  method:
    `Wall time of \`node bin/pairbar.cjs --help\`, \`node bin/pairbar.cjs status\` with nothing shared and with one share of a ` +
    `session live (on the test tmate server), and \`node bin/pairbar.cjs sessions\` (one tmux session), from execFile() until the ` +
    `process exits, each with its output checked, against \`node -e 0\` run the same way. ${WARMUPS} warm-up rounds, then ${RUNS} ` +
    `rounds, the arms' order rotated each round; the ratio is of the medians, with the median of the per-round ratios beside it. ` +
    `Then as many rounds again for the CPU time (user + system) of each, from bash's \`times\`, which moves much less with the ` +
    `machine's load than wall time does; shown without a target. ` +
    `Goals (bench/goals.ts), on the wall-time ratio: ${targetText('cli-start/help')} for \`--help\` and ${targetText('cli-start/status')} for \`status\` with nothing shared; ` +
    `${targetText('cli-start/status1')} for \`status\` with one share, which must ask (issue 12) whether its tmate is alive and answering and where the pair's tmux client is (\`tmux list-clients\`), ` +
    `and ${targetText('cli-start/sessions')} for \`sessions\`, which asks each tmux server for its sessions. Each must start exactly the processes it needs: ` +
    `that one tmux call, nothing else (no \`tmux -V\`/\`tmate -V\`: the versions are known from earlier runs). ` +
    `Then one untimed run of each with a preload (\`--require\`) lists the files loaded, the npm packages bundled into them ` +
    `and the processes started. Refuses a dist/cli.cjs older than main/ (SKIP).`,

  async run(context): Promise<BenchResult> {
    const stale = staleBuild(BUILT, SOURCES);
    if (stale) {
      const names = ['`--help` / `node -e 0`', '`status` / `node -e 0`'];
      return { figures: names.map((name) => ({ name, value: '—', skipped: stale })) };
    }
    return withWorld(context, { server: {} }, async ({ sandbox }) => {
      sandbox.newSession(SESSION, 'default', 'sh');
      const runtime = sandbox.runtime();
      const share = await runtime.shares.share({ session: SESSION });
      const env = sandbox.env;
      // The same user with nothing shared: a runtime directory of its own, empty and private.
      const nothingShared = { ...env, PAIRBAR_RUNTIME_DIR: join(sandbox.root, 'run-empty') };
      await mkdir(nothingShared.PAIRBAR_RUNTIME_DIR, { mode: 0o700 });
      try {
        const arms: Arm[] = [
          { id: 'node', label: '`node -e 0`', args: ['-e', '0'], env, times: [], ratios: [], cpu: [] },
          {
            id: 'help',
            label: '`pairbar --help`',
            args: [BIN, '--help'],
            env,
            expect: /^Usage: pairbar /,
            goal: 'cli-start/help',
            spawns: [],
            times: [],
            ratios: [],
            cpu: [],
          },
          {
            id: 'status',
            label: '`pairbar status`, nothing shared',
            args: [BIN, 'status'],
            env: nothingShared,
            expect: /^Nothing is shared\.\n$/,
            goal: 'cli-start/status',
            spawns: [],
            times: [],
            ratios: [],
            cpu: [],
          },
          {
            id: 'status1',
            label: '`pairbar status`, one share',
            args: [BIN, 'status'],
            env,
            expect: new RegExp(`^"${SESSION}": sharing via `),
            goal: 'cli-start/status1',
            spawns: ['tmux list-clients'],
            times: [],
            ratios: [],
            cpu: [],
          },
          {
            id: 'sessions',
            label: '`pairbar sessions`',
            args: [BIN, 'sessions'],
            env,
            expect: new RegExp(`^${SESSION} {2}\\(1 window, .*shared\\)$`, 'm'),
            goal: 'cli-start/sessions',
            spawns: ['tmux list-sessions'],
            times: [],
            ratios: [],
            cpu: [],
          },
        ];
        const [baseline] = arms as [Arm, ...Arm[]];
        for (let round = 0; round < WARMUPS + RUNS; round++) {
          if (context.aborted) throw new Error('interrupted');
          const took = new Map<Arm, number>();
          for (let i = 0; i < arms.length; i++) {
            const arm = arms[(round + i) % arms.length]!;
            const t0 = now();
            const stdout = await node(arm.args, arm.env);
            took.set(arm, now() - t0);
            if (arm.expect && !arm.expect.test(stdout))
              throw new Error(`${arm.label} printed ${JSON.stringify(stdout.slice(0, 300))}, not ${arm.expect}`);
          }
          if (round < WARMUPS) continue;
          for (const arm of arms) {
            arm.times.push(took.get(arm)!);
            arm.ratios.push(took.get(arm)! / took.get(baseline)!);
          }
        }
        context.log(`cli-start: ${RUNS} rounds timed`);
        for (let round = 0; round < RUNS; round++) {
          if (context.aborted) throw new Error('interrupted');
          for (let i = 0; i < arms.length; i++) {
            const arm = arms[(round + i) % arms.length]!;
            arm.cpu.push(await cpuOf(arm.args, arm.env));
          }
        }

        const loads = new Map<Arm, Loaded>();
        for (const arm of arms.slice(1)) loads.set(arm, await modulesLoaded(sandbox.root, arm.args, arm.env));

        const base = median(baseline.times);
        const figures: Figure[] = [{ name: '`node -e 0`, median', value: spread(baseline.times) }];
        for (const arm of arms.slice(1)) {
          const value = median(arm.times) / base;
          figures.push({ name: `${arm.label}, median`, value: spread(arm.times) });
          figures.push({
            name: `${arm.label} / \`node -e 0\`, ratio of medians`,
            value: `${ratio(value)} (per-round ratios: median ${ratio(median(arm.ratios))}, IQR ${quantile(arm.ratios, 0.25).toFixed(2)}–${quantile(arm.ratios, 0.75).toFixed(2)})`,
            ...(arm.goal ? judge(arm.goal, value) : {}),
          });
          figures.push({
            name: `${arm.label} / \`node -e 0\`, CPU time, ratio of medians`,
            value: `${ratio(median(arm.cpu) / median(baseline.cpu))} (${ms(median(arm.cpu), 0)} / ${ms(median(baseline.cpu), 0)})`,
          });
        }
        for (const arm of arms.slice(1)) {
          const loaded = loads.get(arm)!;
          const direct = loaded.packages.filter((name) => DEPENDENCIES.includes(name));
          figures.push({
            name: `${arm.label}: npm packages loaded`,
            value: loaded.packages.length
              ? `${direct.join(', ') || "(none of package.json's)"} and ${loaded.packages.length - direct.length} packages they use`
              : 'none',
            ...judge('cli-start/packages', loaded.packages.length),
          });
          const wanted = arm.spawns ?? [];
          figures.push({
            name: `${arm.label}: processes started`,
            value: loaded.spawned.length ? loaded.spawned.map((command) => `\`${command}\``).join(', ') : 'none',
            target: wanted.length ? wanted.map((command) => `\`${command}\``).join(', ') : 'none',
            pass: loaded.spawned.join('\n') === wanted.join('\n'),
          });
        }
        return {
          figures,
          details: [
            "| run | median | over `node -e 0` | JS loaded (Pairbar's files) | npm packages in them | processes started |",
            '|---|---:|---:|---|---|---|',
            `| ${baseline.label} | ${ms(base)} | — | — | — | — |`,
            ...arms.slice(1).map((arm) => {
              const loaded = loads.get(arm)!;
              return `| ${arm.label} | ${ms(median(arm.times))} | +${ms(median(arm.times) - base)} | ${loaded.files.length} files, ${kb(loaded.bytes)}: ${loaded.files.map((file) => `\`${file}\``).join(', ')} | ${loaded.packages.join(', ') || 'none'} | ${loaded.spawned.map((command) => `\`${command}\``).join(', ') || 'none'} |`;
            }),
            '',
            `Samples in round order (ms): ${arms.map((arm) => `${arm.id} ${arm.times.map((time) => time.toFixed(0)).join(' ')}`).join('; ')}.`,
          ],
        };
      } finally {
        await runtime.shares.stop(share.id);
      }
    });
  },
};
