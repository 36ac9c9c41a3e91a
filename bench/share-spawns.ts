/**
 * Bench 2 — how many processes one share costs, and, for contrast, how many the popular shell recipe's
 * busy-wait loop spawns per second while the server has not said READY yet.
 */
import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnedSoFar } from '../main/core/process.ts';
import { judge } from './goals.ts';
import { now } from './lib/stats.ts';
import type { BenchContext, BenchEntry, BenchResult, Figure } from './lib/types.ts';
import { cleanEnv, exec, TMATE, withWorld } from './lib/world.ts';

const execFileAsync = promisify(execFile);

const COLD_SHARES = 3;
const WARM_SHARES = 5;
const POLL_SECONDS = 2;
const SESSION = 'bench';

/** The recipe's waiting loop, with one `.` printed per failed poll so the polls can be counted. */
const BUSY_LOOP = 'until "$TMATE" -S "$SOCK" display -p "#{tmate_ssh}" | grep -q ssh; do printf .; done';

export const shareSpawns: BenchEntry = {
  id: 'share-spawns',
  title: 'Processes spawned for one share',
  method:
    `spawnedSoFar() delta across \`share()\` (start to links) against the local test server: ${COLD_SHARES} shares each ` +
    `from a newly started process (as \`pairbar share\` runs, binaries not yet found; the first with Pairbar's cache empty, as on a ` +
    `machine's first run, which checks tmux and tmate with \`-V\` and keeps their versions, the others after it) and ${WARM_SHARES} from one runtime that ` +
    `has found them (the app). Contrast: the shell recipe's busy wait (\`${BUSY_LOOP.replace(/; do printf \.; done/, '; do :; done')}\`) run ` +
    `for ${POLL_SECONDS} s against a test server that withholds READY (sayReady: false), then killed; each poll is one ` +
    `tmate process (plus one grep). Pairbar's own waiting is measured the same way: spawnedSoFar() sampled over ` +
    `${POLL_SECONDS} s once share() has settled into waiting for the READY that never comes.`,

  async run(context): Promise<BenchResult> {
    const figures: Figure[] = [];
    const details: string[] = [];

    await withWorld(context, { server: {} }, async ({ sandbox }) => {
      sandbox.newSession(SESSION, 'default', 'sh');
      // Cold: a new process each time, as `pairbar share` runs (it also finds tmux and tmate: `-V` each).
      const cold: number[] = [];
      for (let i = 0; i < COLD_SHARES; i++) cold.push(await coldShare(sandbox.env, SESSION));
      // Warm: the app, whose runtime already knows its binaries.
      const warm: number[] = [];
      const runtime = sandbox.runtime();
      await runtime.binaries();
      for (let i = 0; i < WARM_SHARES; i++) {
        const before = spawnedSoFar();
        const share = await runtime.shares.share({ session: SESSION });
        warm.push(spawnedSoFar() - before);
        if (!share.links.ssh) throw new Error('share() resolved without links');
        await runtime.shares.stop(share.id);
      }
      // The sandbox's cache starts empty: the first cold run is a machine's first `pairbar share`, which also
      // checks tmux and tmate with `-V` once (then kept: known-versions.ts); the later ones are every other.
      const [first = Number.NaN, ...later] = cold;
      figures.push({
        name: 'processes per share() → links, first run on a machine (tmux and tmate checked with -V, then kept)',
        value: String(first),
      });
      for (const [name, counts, goal] of [
        ['processes per share() → links, cold process, versions known (max)', later, 'share-spawns/cold'],
        ['processes per share() → links, warm runtime (max)', warm, 'share-spawns/warm'],
      ] as const) {
        const worst = Math.max(...counts);
        figures.push({ name, value: `${worst} (runs: ${counts.join(', ')})`, ...judge(goal, worst) });
      }
    });

    await withWorld(
      context,
      { server: { sayReady: false }, readyTimeoutSeconds: POLL_SECONDS + 4 },
      async ({ sandbox, server }) => {
        if (!server) throw new Error('no test server');
        const env = cleanEnv(sandbox);

        // The recipe: start a session, then poll display until a link shows up.
        const config = await sandbox.writeFile('recipe-tmate.conf', server.tmateConfig());
        const socket = join(sandbox.root, 'recipe.sock');
        await exec(TMATE, ['-S', socket, '-f', config, 'new-session', '-d'], env);
        const polls = await busyWait(env, socket, POLL_SECONDS * 1000, context);
        await exec(TMATE, ['-S', socket, 'kill-server'], env).catch(() => undefined);
        const perSecond = polls.count / (polls.ms / 1000);
        figures.push({
          name: 'shell recipe busy wait, READY withheld',
          value: `${perSecond.toFixed(0)} tmate processes/s (${polls.count} in ${(polls.ms / 1000).toFixed(2)} s, + as many grep)`,
        });

        // Pairbar waiting for the same READY: one blocking `tmate wait tmate-ready`, nothing spawned meanwhile.
        sandbox.newSession(SESSION, 'default', 'sh');
        const runtime = sandbox.runtime();
        await runtime.binaries();
        const start = spawnedSoFar();
        const attempt = runtime.shares.share({ session: SESSION }).then(
          () => 'resolved',
          (error: unknown) => (error instanceof Error ? error.message : String(error)),
        );
        // The window opens once Pairbar has settled into waiting (no spawn for 500 ms), however loaded the machine.
        for (
          let last = spawnedSoFar(), quietSince = now(), deadline = now() + 5_000;
          now() - quietSince < 500 && now() < deadline;
        ) {
          await sleep(50);
          if (spawnedSoFar() !== last) {
            last = spawnedSoFar();
            quietSince = now();
          }
        }
        const settled = spawnedSoFar() - start;
        const windowStart = spawnedSoFar();
        const t0 = now();
        await sleep(POLL_SECONDS * 1000);
        const windowSpawns = spawnedSoFar() - windowStart;
        const windowMs = now() - t0;
        const outcome = await attempt;
        const total = spawnedSoFar() - start;
        if (outcome === 'resolved') throw new Error('share() resolved although the server withheld READY');
        figures.push({
          name: 'Pairbar waiting, READY withheld',
          value: `${(windowSpawns / (windowMs / 1000)).toFixed(0)} processes/s (${windowSpawns} in ${(windowMs / 1000).toFixed(2)} s, after ${settled} to start)`,
        });
        details.push(
          `The shell recipe polled ${polls.count} times in ${(polls.ms / 1000).toFixed(2)} s. Pairbar spawned ${settled} to start ` +
            `(the tmux lookup, \`tmate -F\`, the one blocking \`wait tmate-ready ; display\` that also reads the links), then ${windowSpawns} in a ${(windowMs / 1000).toFixed(2)} s ` +
            `window of waiting, and ${total} for the whole attempt including clean-up after its ${POLL_SECONDS + 4} s limit, which ended ` +
            `with: ${outcome.split('\n')[0]}`,
        );
      },
    );

    return { figures, details };
  },
};

/** One share from a new process (bench/cold-share.ts); returns how many processes it spawned. */
async function coldShare(env: NodeJS.ProcessEnv, session: string): Promise<number> {
  const script = fileURLToPath(new URL('./cold-share.ts', import.meta.url));
  const { stdout } = await execFileAsync(process.execPath, [...process.execArgv, script, session], {
    env,
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    timeout: 60_000,
    encoding: 'utf8',
  });
  const result = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { spawned?: number; ssh?: string | null };
  if (typeof result.spawned !== 'number' || !result.ssh) throw new Error(`cold share failed: ${stdout}`);
  return result.spawned;
}

/** Runs the recipe's loop for `durationMs`, then kills its process group; counts completed polls. */
async function busyWait(
  env: NodeJS.ProcessEnv,
  socket: string,
  durationMs: number,
  context: BenchContext,
): Promise<{ count: number; ms: number }> {
  const child = spawn('/bin/sh', ['-c', BUSY_LOOP], {
    env: { ...env, TMATE, SOCK: socket },
    detached: true,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  // The loop and whatever it is running form their own process group: end all of it, also on Ctrl-C.
  const killLoop = () => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  const unregister = context.onAbort(killLoop);
  let dots = 0;
  let exited = false;
  child.stdout.on('data', (chunk: Buffer) => {
    for (const byte of chunk) if (byte === 0x2e) dots++;
  });
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  child.once('exit', () => (exited = true));
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', () => resolve());
    child.once('error', reject);
  });
  const t0 = now();
  await sleep(durationMs);
  const count = dots;
  const elapsed = now() - t0;
  const endedByItself = exited;
  killLoop();
  await Promise.race([closed, sleep(5_000)]);
  unregister();
  if (endedByItself) throw new Error('the busy-wait loop ended by itself although READY was withheld');
  context.log(`share-spawns: busy wait polled ${count} times in ${elapsed.toFixed(0)} ms`);
  return { count, ms: elapsed };
}
