/**
 * Bench 3 — the `sessions` listing (listServers) as a tmux server grows from 1 to 1000 sessions.
 *
 * Each size has its own tmux server in its own TMUX_TMPDIR (so each listing sees exactly one server holding
 * exactly N sessions), and the runs go round-robin over the sizes, so a burst of load on this shared 2-core
 * machine lands on every size alike instead of skewing the growth ratio.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { spawnedSoFar } from '../main/core/process.ts';
import { listServers, socketDir, type TmuxEnv } from '../main/core/tmux.ts';
import { judge } from './goals.ts';
import { median, ms, now, ratio } from './lib/stats.ts';
import type { BenchEntry, BenchResult, Figure } from './lib/types.ts';
import { TMUX, withWorld } from './lib/world.ts';

const execFileAsync = promisify(execFile);

const SIZES = [1, 10, 100, 1000] as const;
const RUNS = 11;
const WARMUPS = 2;
/** Sessions created per tmux invocation (`new-session -d -s sN ; new-session …`). */
const CHUNK = 250;
/** The same fields listSessions asks for, for the bare baseline call. */
const FORMAT = [
  '#{session_id}',
  '#{session_windows}',
  '#{session_attached}',
  '#{session_created}',
  '#{session_name}',
].join('\x1f');

interface Server {
  size: number;
  tmux: TmuxEnv;
  socket: string;
  times: number[];
  bare: number[];
  calls: number[];
  /** The tmux server's pid, to make sure it is gone afterwards. */
  pid?: number;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export const sessionsListing: BenchEntry = {
  id: 'sessions-listing',
  title: '`sessions` listing (listServers) against the number of sessions',
  method:
    `listServers() from main/core/tmux.ts, for each of ${SIZES.join(', ')} sessions on a private TMUX_TMPDIR holding ` +
    `one tmux server with that many sessions (created with chained \`new-session -d -s sN ;\` commands, ${CHUNK} per ` +
    `tmux call). ${WARMUPS} warm-up rounds, then ${RUNS} rounds going over every size; the median per size. tmux calls ` +
    `per listing = spawnedSoFar() delta. Baseline, interleaved: the bare \`tmux -S SOCKET list-sessions -F …\` that ` +
    `the listing runs, via child_process.execFile.`,

  async run(context): Promise<BenchResult> {
    return withWorld(context, {}, async ({ sandbox }) => {
      const base = await sandbox.runtime().tmux();
      const servers: Server[] = [];
      // kill-server, then wait for each server to be gone: one with 1000 panes takes a moment to exit.
      const killAll = async () => {
        for (const server of servers) {
          try {
            execFileSync(TMUX, ['-S', server.socket, 'kill-server'], { env: server.tmux.env, stdio: 'ignore' });
          } catch {
            // not running
          }
        }
        for (const server of servers) {
          if (server.pid === undefined) continue;
          for (let waited = 0; alive(server.pid) && waited < 5_000; waited += 50) await sleep(50);
          if (alive(server.pid)) process.kill(server.pid, 'SIGKILL');
        }
      };
      const unregister = context.onAbort(killAll);
      try {
        for (const size of SIZES) {
          const env = { ...base.env, TMUX_TMPDIR: join(sandbox.root, `tmux-${size}`) };
          await mkdir(env.TMUX_TMPDIR, { recursive: true });
          const server: Server = {
            size,
            tmux: { tmux: base.tmux, env },
            socket: join(socketDir(env), 'default'),
            times: [],
            bare: [],
            calls: [],
          };
          servers.push(server);
          // The first session alone, so the server's pid is known before the bulk of them is created.
          await mkdir(socketDir(env), { recursive: true, mode: 0o700 });
          await execFileAsync(TMUX, ['-S', server.socket, 'new-session', '-d', '-s', 's1', 'cat'], { env });
          const { stdout } = await execFileAsync(TMUX, ['-S', server.socket, 'display-message', '-p', '#{pid}'], {
            env,
          });
          server.pid = Number(stdout.trim()) || undefined;
          if (server.pid === undefined) throw new Error(`tmux did not tell its pid: ${JSON.stringify(stdout)}`);
          for (let created = 1; created < size;) {
            const args: string[] = ['-S', server.socket];
            const upTo = Math.min(size, created + CHUNK);
            for (let n = created + 1; n <= upTo; n++) {
              if (n > created + 1) args.push(';');
              args.push('new-session', '-d', '-s', `s${n}`, 'cat');
            }
            await execFileAsync(TMUX, args, { env, timeout: 120_000 });
            created = upTo;
          }
        }
        context.log(`sessions-listing: ${SIZES.join(', ')} sessions created`);

        for (let round = 0; round < WARMUPS + RUNS; round++) {
          const keep = round >= WARMUPS;
          for (let i = 0; i < servers.length; i++) {
            const server = servers[(round + i) % servers.length]!;
            const bareOnce = async () => {
              const t0 = now();
              await execFileAsync(TMUX, ['-S', server.socket, 'list-sessions', '-F', FORMAT], {
                env: server.tmux.env,
                maxBuffer: 64 * 1024 * 1024,
              });
              if (keep) server.bare.push(now() - t0);
            };
            if (round % 2 === 0) await bareOnce();
            const before = spawnedSoFar();
            const t0 = now();
            const listed = await listServers(server.tmux);
            const elapsed = now() - t0;
            const spawned = spawnedSoFar() - before;
            const found = listed.reduce((sum, entry) => sum + entry.sessions.length, 0);
            if (listed.length !== 1 || found !== server.size) {
              throw new Error(
                `listServers found ${listed.length} servers / ${found} sessions, expected 1 / ${server.size}`,
              );
            }
            if (keep) {
              server.times.push(elapsed);
              server.calls.push(spawned / listed.length);
            }
            if (round % 2 === 1) await bareOnce();
          }
        }
      } finally {
        await killAll();
        unregister();
      }

      const at = (size: number) => median(servers.find((server) => server.size === size)!.times);
      const callsPerServer = Math.max(...servers.flatMap((server) => server.calls));
      const slope = (at(1000) - at(1)) / (1000 - 1);
      const growth = at(1000) / at(100);
      const figures: Figure[] = SIZES.map((size) => ({
        name: `listing, ${size} session${size === 1 ? '' : 's'} (median of ${RUNS})`,
        value: ms(at(size), 2),
        ...(size === 100 ? judge('sessions-listing/at-100', at(100)) : {}),
      }));
      figures.push(
        {
          name: 'tmux calls per server per listing (max)',
          value: String(callsPerServer),
          ...judge('sessions-listing/calls', callsPerServer),
        },
        { name: 'slope, per session (1 → 1000)', value: `${(slope * 1000).toFixed(1)} µs/session` },
        { name: 'time(1000) / time(100)', value: ratio(growth, 1), ...judge('sessions-listing/growth', growth) },
      );
      return {
        figures,
        details: [
          '| sessions | listServers() | bare `tmux list-sessions` | ratio | tmux calls per listing |',
          '|---:|---:|---:|---:|---:|',
          ...servers.map(
            (server) =>
              `| ${server.size} | ${ms(median(server.times), 2)} | ${ms(median(server.bare), 2)} | ${ratio(median(server.times) / median(server.bare))} | ${Math.max(...server.calls)} |`,
          ),
        ],
      };
    });
  },
};
