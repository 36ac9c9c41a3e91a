/**
 * Bench — `server test` (runtime.testServer: a reachability probe, one throwaway tmate session, its links,
 * and stopping it until the process is gone) next to a raw tmate session a shell script would run against
 * the same local test server (new-session, wait tmate-ready, display the link, kill-server), interleaved.
 */
import { join } from 'node:path';
import { median, now, ratio, spread } from './lib/stats.ts';
import type { BenchEntry, BenchResult } from './lib/types.ts';
import { cleanEnv, exec, TMATE, withWorld } from './lib/world.ts';

const WARMUPS = 2;
const RUNS = 11;

export const serverTest: BenchEntry = {
  id: 'server-test',
  title: 'Test connection next to a raw tmate session',
  method:
    `${RUNS} rounds after ${WARMUPS} warm-ups, the two arms alternating, against one local bare test tmate server: ` +
    'runtime.testServer() from call to result (it stops its tmate before returning), and the raw sequence ' +
    '`tmate new-session -d`, `wait tmate-ready`, `display -p #{tmate_ssh}`, `kill-server`.',

  async run(context): Promise<BenchResult> {
    return withWorld(context, { server: {} }, async ({ sandbox, server }) => {
      if (!server) throw new Error('no test server');
      const runtime = sandbox.runtime();
      const env = cleanEnv(sandbox);
      const config = await sandbox.writeFile('raw-tmate.conf', server.tmateConfig());
      await runtime.binaries();
      let counter = 0;
      const rawOnce = async (): Promise<number> => {
        const socket = join(sandbox.root, `raw-${counter++}.sock`);
        const t0 = now();
        await exec(TMATE, ['-S', socket, '-f', config, 'new-session', '-d'], env);
        await exec(TMATE, ['-S', socket, 'wait', 'tmate-ready'], env);
        const link = await exec(TMATE, ['-S', socket, 'display', '-p', '#{tmate_ssh}'], env);
        await exec(TMATE, ['-S', socket, 'kill-server'], env).catch(() => undefined);
        if (!link.startsWith('ssh ')) throw new Error(`the raw sequence printed no ssh link: ${JSON.stringify(link)}`);
        return now() - t0;
      };
      const testOnce = async (): Promise<number> => {
        const t0 = now();
        const result = await runtime.testServer();
        if (!result.ok) throw new Error(`server test failed: ${result.error.message}`);
        return now() - t0;
      };
      const raw: number[] = [];
      const tested: number[] = [];
      for (let round = 0; round < WARMUPS + RUNS; round++) {
        const keep = round >= WARMUPS;
        const arms = round % 2 === 0 ? [rawOnce, testOnce] : [testOnce, rawOnce];
        for (const arm of arms) {
          const value = await arm();
          if (keep) (arm === rawOnce ? raw : tested).push(value);
        }
        if (keep)
          context.log(
            `server-test: round ${round - WARMUPS + 1}/${RUNS}: raw ${raw.at(-1)!.toFixed(0)} ms, test ${tested.at(-1)!.toFixed(0)} ms`,
          );
      }
      return {
        figures: [
          { name: 'raw tmate session → link → killed, median', value: spread(raw) },
          { name: 'server test → result (tmate gone), median', value: spread(tested) },
          { name: 'server test / raw, ratio of medians', value: ratio(median(tested) / median(raw)) },
        ],
      };
    });
  },
};
