/**
 * Bench 1 — time from `share()` to links, against the raw tmate sequence a shell script would run, on the
 * same local test server, in the same process, interleaved.
 *
 * Pairbar's arm also times each step of Shares.start() as it completes (the core's 'step' events), so the
 * report can say where Pairbar's time goes next to the raw sequence's own steps, from the very calls that
 * were timed.
 */
import { join } from 'node:path';
import { run } from '../main/core/process.ts';
import type { StartStep } from '../main/core/shares.ts';
import { judge } from './goals.ts';
import { median, ms, now, quantile, ratio, spread } from './lib/stats.ts';
import type { BenchEntry, BenchResult } from './lib/types.ts';
import { cleanEnv, exec, TMATE, withWorld } from './lib/world.ts';

const WARMUPS = 2;
const RUNS = 15;
const SESSION = 'bench';
const STEPS: readonly StartStep[] = ['resolve', 'adopt', 'prepare', 'launch', 'ready'];

interface RawSample {
  total: number;
  newSession: number;
  waitReady: number;
  display: number;
}

/** Milliseconds each step of Shares.start() took, from the end of the one before (or from share()). */
type PhaseSample = Record<StartStep, number> & { total: number };

export const shareLatency: BenchEntry = {
  id: 'share-latency',
  title: 'Time from share() to links, against the raw tmate sequence',
  method:
    `Raw: \`tmate -S SOCK -f CONF new-session -d\` (CONF = the test server's tmateConfig(), TMUX removed from the ` +
    `environment), \`tmate -S SOCK wait tmate-ready\`, \`tmate -S SOCK display -p '#{tmate_ssh}'\`, run with ` +
    `child_process.execFile; kill-server is not timed. Pairbar: \`runtime.shares.share({ session })\` on an existing ` +
    `tmux session until it resolves with links; stop() is not timed. ${WARMUPS} warm-up rounds, then ${RUNS} rounds, ` +
    `the arms' order rotated each round, all in one process against one local test tmate server.`,

  async run(context): Promise<BenchResult> {
    return withWorld(context, { server: {} }, async ({ sandbox, server }) => {
      if (!server) throw new Error('no test server');
      sandbox.newSession(SESSION, 'default', 'sh');
      const runtime = sandbox.runtime();
      const env = cleanEnv(sandbox);
      const config = await sandbox.writeFile('raw-tmate.conf', server.tmateConfig());
      await runtime.binaries();
      let counter = 0;

      const rawOnce = async (): Promise<RawSample> => {
        const socket = join(sandbox.root, `raw-${counter++}.sock`);
        const t0 = now();
        await exec(TMATE, ['-S', socket, '-f', config, 'new-session', '-d'], env);
        const t1 = now();
        await exec(TMATE, ['-S', socket, 'wait', 'tmate-ready'], env);
        const t2 = now();
        const link = await exec(TMATE, ['-S', socket, 'display', '-p', '#{tmate_ssh}'], env);
        const t3 = now();
        if (!link.startsWith('ssh ')) throw new Error(`the raw sequence printed no ssh link: ${JSON.stringify(link)}`);
        await exec(TMATE, ['-S', socket, 'kill-server'], env).catch(() => undefined);
        return { total: t3 - t0, newSession: t1 - t0, waitReady: t2 - t1, display: t3 - t2 };
      };

      const pairbarOnce = async (): Promise<PhaseSample> => {
        const marks: Partial<Record<StartStep, number>> = {};
        const onStep = (step: StartStep) => {
          marks[step] = now();
        };
        runtime.shares.on('step', onStep);
        const t0 = now();
        const share = await runtime.shares
          .share({ session: SESSION })
          .finally(() => runtime.shares.off('step', onStep));
        const total = now() - t0;
        if (share.state !== 'sharing' || !share.links.ssh)
          throw new Error(`share() resolved without links: ${JSON.stringify(share)}`);
        await runtime.shares.stop(share.id);
        const sample = { total } as PhaseSample;
        let previous = t0;
        for (const step of STEPS) {
          const at = marks[step];
          if (at === undefined) throw new Error(`share() did not report its ${step} step`);
          sample[step] = at - previous;
          previous = at;
        }
        return sample;
      };

      const raw: RawSample[] = [];
      const phases: PhaseSample[] = [];
      const arms = [
        async (keep: boolean) => {
          const s = await rawOnce();
          if (keep) raw.push(s);
        },
        async (keep: boolean) => {
          const s = await pairbarOnce();
          if (keep) phases.push(s);
        },
      ];
      for (let round = 0; round < WARMUPS + RUNS; round++) {
        const keep = round >= WARMUPS;
        for (let i = 0; i < arms.length; i++) await arms[(round + i) % arms.length]!(keep);
        if (keep)
          context.log(
            `share-latency: round ${round - WARMUPS + 1}/${RUNS}: raw ${raw.at(-1)!.total.toFixed(0)} ms, share() ${phases.at(-1)!.total.toFixed(0)} ms`,
          );
      }

      // Per-call cost of the core's process runner (execa) next to a bare execFile, for the breakdown.
      const viaRun: number[] = [];
      const viaExecFile: number[] = [];
      for (let i = 0; i < 13; i++) {
        const t0 = now();
        await run(TMATE, ['-V'], { env });
        const t1 = now();
        await exec(TMATE, ['-V'], env);
        const t2 = now();
        if (i >= 2) {
          viaRun.push(t1 - t0);
          viaExecFile.push(t2 - t1);
        }
      }

      const rawTotals = raw.map((sample) => sample.total);
      const pairbar = phases.map((sample) => sample.total);
      const rawMedian = median(rawTotals);
      const pairbarMedian = median(pairbar);
      const medianRatio = pairbarMedian / rawMedian;
      const pairedRatios = pairbar.map((value, i) => value / rawTotals[i]!);
      const m = (pick: (sample: PhaseSample) => number) => median(phases.map(pick));
      const rawStep = (pick: (sample: RawSample) => number) => median(raw.map(pick));
      const phaseSum = STEPS.reduce((sum, step) => sum + m((p) => p[step]), 0);
      const row = (what: string, pairbarValue: string, rawValue: string) =>
        `| ${what} | ${pairbarValue} | ${rawValue} |`;

      return {
        figures: [
          { name: 'raw tmate sequence → link, median', value: spread(rawTotals) },
          { name: 'share() → links, median', value: spread(pairbar) },
          {
            name: 'share() / raw, ratio of medians',
            value: ratio(medianRatio),
            ...judge('share-latency/ratio', medianRatio),
          },
          {
            name: 'share() / raw, median of per-round ratios',
            value: `${ratio(median(pairedRatios))} (IQR ${quantile(pairedRatios, 0.25).toFixed(2)}–${quantile(pairedRatios, 0.75).toFixed(2)})`,
          },
        ],
        details: [
          `Where the time goes (medians of ${RUNS} rounds, each step of share() timed as it completed in the timed arm):`,
          '',
          '| step of share() | Pairbar | raw sequence |',
          '|---|---:|---:|',
          row('resolve (`tmux list-sessions`)', ms(m((p) => p.resolve)), '—'),
          row('adopt (shares left by other processes)', ms(m((p) => p.adopt)), '—'),
          row('prepare (share directory and record)', ms(m((p) => p.prepare)), '—'),
          row(
            'launch (config, log, spawn `tmate -F`, socket up) / `new-session -d`',
            ms(m((p) => p.launch)),
            ms(rawStep((r) => r.newSession)),
          ),
          row(
            'ready (`wait tmate-ready ; display-message`, one call) / two calls',
            ms(m((p) => p.ready)),
            ms(rawStep((r) => r.waitReady + r.display)),
          ),
          row(
            'sum of step medians',
            ms(phaseSum),
            ms(rawStep((r) => r.newSession) + rawStep((r) => r.waitReady) + rawStep((r) => r.display)),
          ),
          row('one `tmate -V` via process.run (execa) / via execFile', ms(median(viaRun)), ms(median(viaExecFile))),
          '',
          `Samples in round order (ms): raw ${rawTotals.map((v) => v.toFixed(0)).join(' ')}; share() ${pairbar.map((v) => v.toFixed(0)).join(' ')}.`,
        ],
      };
    });
  },
};
