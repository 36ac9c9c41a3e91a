/**
 * Bench 1 — time from `share()` to links, against the raw tmate sequence a shell script would run, on the
 * same local test server, in the same process, interleaved.
 *
 * A third, untargeted arm replays Pairbar's start-up phase by phase with the same core functions that
 * Shares.start() calls (resolveSession, startTmate, waitForSocket, waitReadyThenReadLinks), so the report can
 * say where Pairbar's time goes next to the raw sequence's own steps.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../main/core/process.ts';
import { shareFiles, startTmate, stopTmate, waitForSocket, waitReadyThenReadLinks, type TmateEnv } from '../main/core/tmate.ts';
import { resolveSession } from '../main/core/tmux.ts';
import { resolveServer } from '../main/prefs.ts';
import type { Runtime } from '../main/runtime.ts';
import { median, ms, now, quantile, ratio, spread } from './lib/stats.ts';
import type { BenchEntry, BenchResult } from './lib/types.ts';
import { cleanEnv, exec, TMATE, withWorld } from './lib/world.ts';

const WARMUPS = 2;
const RUNS = 15;
const TARGET_RATIO = 1.25;
const SESSION = 'bench';

interface RawSample {
  total: number;
  newSession: number;
  waitReady: number;
  display: number;
}

interface PhaseSample {
  resolveSession: number;
  adopt: number;
  spawn: number;
  waitForSocket: number;
  /** `wait tmate-ready ; display-message -p`, one tmate process */
  readyAndLinks: number;
  total: number;
}

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
      const binaries = await runtime.binaries();
      const tmateEnv: TmateEnv = { tmate: binaries.tmate, env: (await runtime.tmux()).env };
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

      const pairbarOnce = async (): Promise<number> => {
        const t0 = now();
        const share = await runtime.shares.share({ session: SESSION });
        const elapsed = now() - t0;
        if (share.state !== 'sharing' || !share.links.ssh) throw new Error(`share() resolved without links: ${JSON.stringify(share)}`);
        await runtime.shares.stop(SESSION);
        return elapsed;
      };

      const phasesOnce = async (): Promise<PhaseSample> => {
        const tmux = await runtime.tmux();
        const files = shareFiles(join(sandbox.root, 'phases', String(counter++)));
        const signal = AbortSignal.timeout(15_000);
        const t0 = now();
        const session = await resolveSession(tmux, { name: SESSION });
        const t1 = now();
        // What share() does before it starts tmate: look for a share left by another process, make the directory.
        await runtime.shares.adopt();
        await mkdir(files.dir, { recursive: true, mode: 0o700 });
        const t2 = now();
        const started: unknown = await startTmate(tmateEnv, files, resolveServer(runtime.prefs()), {
          tmux: tmux.tmux,
          socket: session.socket,
          sessionId: session.id,
        });
        // startTmate has returned a pid, and later a { pid, exited } handle: take either.
        const pid = typeof started === 'number' ? started : (started as { pid: number }).pid;
        const t3 = now();
        await waitForSocket(files, signal);
        const t4 = now();
        const { links } = await waitReadyThenReadLinks(tmateEnv, files.socket, signal);
        const t5 = now();
        if (!links.ssh) throw new Error('the phase-by-phase replay got no ssh link');
        await stopTmate(tmateEnv, files.socket, pid);
        await rm(files.dir, { recursive: true, force: true });
        return { resolveSession: t1 - t0, adopt: t2 - t1, spawn: t3 - t2, waitForSocket: t4 - t3, readyAndLinks: t5 - t4, total: t5 - t0 };
      };

      const raw: RawSample[] = [];
      const pairbar: number[] = [];
      const phases: PhaseSample[] = [];
      const arms = [
        async (keep: boolean) => { const s = await rawOnce(); if (keep) raw.push(s); },
        async (keep: boolean) => { const s = await pairbarOnce(); if (keep) pairbar.push(s); },
        async (keep: boolean) => { const s = await phasesOnce(); if (keep) phases.push(s); },
      ];
      for (let round = 0; round < WARMUPS + RUNS; round++) {
        const keep = round >= WARMUPS;
        for (let i = 0; i < arms.length; i++) await arms[(round + i) % arms.length]!(keep);
        if (keep) context.log(`share-latency: round ${round - WARMUPS + 1}/${RUNS}: raw ${raw.at(-1)!.total.toFixed(0)} ms, share() ${pairbar.at(-1)!.toFixed(0)} ms`);
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
      const rawMedian = median(rawTotals);
      const pairbarMedian = median(pairbar);
      const medianRatio = pairbarMedian / rawMedian;
      const pairedRatios = pairbar.map((value, i) => value / rawTotals[i]!);
      const m = (pick: (sample: PhaseSample) => number) => median(phases.map(pick));
      const rawStep = (pick: (sample: RawSample) => number) => median(raw.map(pick));
      const phaseSum = m((p) => p.resolveSession) + m((p) => p.adopt) + m((p) => p.spawn) + m((p) => p.waitForSocket) + m((p) => p.readyAndLinks);
      const row = (what: string, pairbarValue: string, rawValue: string) => `| ${what} | ${pairbarValue} | ${rawValue} |`;

      return {
        figures: [
          { name: 'raw tmate sequence → link, median', value: spread(rawTotals) },
          { name: 'share() → links, median', value: spread(pairbar) },
          { name: 'share() / raw, ratio of medians', value: ratio(medianRatio), target: `≤ ${ratio(TARGET_RATIO)}`, pass: medianRatio <= TARGET_RATIO },
          { name: 'share() / raw, median of per-round ratios', value: `${ratio(median(pairedRatios))} (IQR ${quantile(pairedRatios, 0.25).toFixed(2)}–${quantile(pairedRatios, 0.75).toFixed(2)})` },
        ],
        details: [
          `Where the time goes (medians of ${RUNS} rounds; Pairbar's phases replayed with the core's own functions, interleaved with the two timed arms):`,
          '',
          '| phase | Pairbar | raw sequence |',
          '|---|---:|---:|',
          row('resolveSession (`tmux list-sessions`)', ms(m((p) => p.resolveSession)), '—'),
          row('adopt() + share directory', ms(m((p) => p.adopt)), '—'),
          row('startTmate (config, log, spawn `tmate -F`)', ms(m((p) => p.spawn)), '—'),
          row('waitForSocket (fs.watch + connect)', ms(m((p) => p.waitForSocket)), '—'),
          row('tmate up (spawn + socket) / `new-session -d`', ms(m((p) => p.spawn + p.waitForSocket)), ms(rawStep((r) => r.newSession))),
          row('`wait tmate-ready` then `display` (links): one chained call for Pairbar, two for raw', ms(m((p) => p.readyAndLinks)), ms(rawStep((r) => r.waitReady + r.display))),
          row('sum of phase medians', ms(phaseSum), ms(rawStep((r) => r.newSession) + rawStep((r) => r.waitReady) + rawStep((r) => r.display))),
          row('replay total, median', ms(m((p) => p.total)), ms(rawMedian)),
          row('share() total, median (share() − replay: bookkeeping, ± noise)', `${ms(pairbarMedian)} (${ms(pairbarMedian - m((p) => p.total))})`, '—'),
          row('one `tmate -V` via process.run (execa) / via execFile', ms(median(viaRun)), ms(median(viaExecFile))),
          '',
          `Samples in round order (ms): raw ${rawTotals.map((v) => v.toFixed(0)).join(' ')}; share() ${pairbar.map((v) => v.toFixed(0)).join(' ')}; ` +
            `replay ${phases.map((p) => p.total.toFixed(0)).join(' ')}.`,
        ],
      };
    });
  },
};
