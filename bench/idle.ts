/**
 * Bench 4 — what the app costs while nobody looks at it: the built app (dist/main.js) run by the
 * main-process stand-in (test/app/support) with the popover never shown and nothing shared, and the popover
 * page hidden in Chromium (test/support/ui-harness.ts), watched for the same minute; then the app again
 * while it shares a session.
 *
 * In the app, an async_hooks hook counts what the event loop runs: a timer callback is a `before` whose
 * resource is a Timeout or an Immediate (so also timers created before the window, which `init` never saw),
 * a spawned process is an `init` of a PROCESSWRAP. In the page, setTimeout, setInterval,
 * requestAnimationFrame and requestIdleCallback are wrapped before any of the page's scripts run.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { launchFakeApp, MAIN, type FakeApp } from '../test/app/support/harness.ts';
import { waitFor, type Sandbox } from '../test/support/sandbox.ts';
import { judge } from './goals.ts';
import { staleBuild } from './lib/build.ts';
import type { BenchContext, BenchEntry, BenchResult, Figure } from './lib/types.ts';
import { withWorld } from './lib/world.ts';
import { buildProblem, loadUiHarness } from './ui.ts';

const WINDOW_SECONDS = 60;
const SESSION = 'bench';
/** The app has settled once nothing spawned and no timer fired for this long (start-up refresh, share start). */
const QUIET_MS = 1_000;
const SETTLE_LIMIT_MS = 15_000;

const IDLE_SPAWNS = `idle ${WINDOW_SECONDS} s, main process: processes spawned`;
const IDLE_TIMERS = `idle ${WINDOW_SECONDS} s, main process: timer callbacks`;
const IDLE_PAGE = `idle ${WINDOW_SECONDS} s, popover hidden: timer + animation-frame callbacks`;

const MAIN_SOURCE = fileURLToPath(new URL('../main', import.meta.url));

/** A missing build is left to launchFakeApp, which builds it. */
function staleMain(): string | undefined {
  return staleBuild(MAIN, MAIN_SOURCE);
}

// ------------------------------------------------------------------------------------ in the app

interface TimerOrigin {
  origin: string;
  count: number;
}

interface MainWindow {
  ms: number;
  timerCallbacks: number;
  timers: TimerOrigin[];
  /** Timer callbacks the stand-in's driver (the evaluate plumbing) scheduled itself; not the app's. */
  driverTimers: number;
  spawns: { command: string; origin: string }[];
  activeAtStart: { Timeout: number; Immediate: number };
  activeAtEnd: { Timeout: number; Immediate: number };
  /** Other callbacks the loop ran (I/O, nextTick…), by resource, for context; the stop call's own stdin read is among them. */
  other: Record<string, number>;
}

/**
 * Installs the probe in the app (once). Runs inside the app's process through evaluate(), so it is
 * self-contained: it can use nothing from this module.
 */
function installProbe(): boolean {
  const g = globalThis as Record<string, any>;
  if (g.__pairbarIdleProbe) return true;
  const hooks = process.getBuiltinModule('node:async_hooks');
  const probe: Record<string, any> = { counting: false };
  const stacks = new Map<number, string[]>();
  // Where a resource was created: the frames below async_hooks and node's own timers/child_process code.
  const callerFrames = (skip: (...args: never[]) => unknown): string[] => {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 40;
    const holder: { stack?: string } = {};
    Error.captureStackTrace(holder, skip);
    Error.stackTraceLimit = limit;
    const frames = (holder.stack ?? '')
      .split('\n')
      .slice(1)
      .map((line) => line.trim());
    while (frames.length && /\(node:|^at node:/.test(frames[0]!)) frames.shift();
    return frames;
  };
  const init = (asyncId: number, type: string, _trigger: number, resource: object) => {
    if (!probe.counting) return;
    try {
      if (type === 'Timeout' || type === 'Immediate') stacks.set(asyncId, callerFrames(init));
      else if (type === 'PROCESSWRAP') probe.spawns.push({ resource, frames: callerFrames(init) });
    } catch {
      // A throwing hook ends the process: lose the origin rather than the app.
    }
  };
  const before = (asyncId: number) => {
    if (!probe.counting) return;
    try {
      const kind: string = hooks.executionAsyncResource()?.constructor?.name ?? 'unknown';
      if (kind === 'Timeout' || kind === 'Immediate') {
        const frames = stacks.get(asyncId);
        // The driver's own lines (driver.mjs, not code it evaluates) are the plumbing, not the app.
        if (frames && /driver\.mjs:\d/.test(frames[0] ?? '') && !/eval at/.test(frames[0] ?? '')) {
          probe.driverTimers++;
          return;
        }
        const origin = frames ? `${kind} from ${frames.slice(0, 4).join(' ← ')}` : `${kind} created before the window`;
        probe.timers.set(origin, (probe.timers.get(origin) ?? 0) + 1);
      } else if (kind !== 'Promise') {
        probe.other[kind] = (probe.other[kind] ?? 0) + 1;
      }
    } catch {
      // as above
    }
  };
  probe.hook = hooks.createHook({ init, before });
  g.__pairbarIdleProbe = probe;
  return true;
}

/** Opens a counting window in the app: everything counted so far is dropped. */
function startWindow(): boolean {
  const probe = (globalThis as Record<string, any>).__pairbarIdleProbe;
  const active = process.getActiveResourcesInfo();
  Object.assign(probe, {
    counting: true,
    started: performance.now(),
    timers: new Map<string, number>(),
    driverTimers: 0,
    spawns: [],
    other: {},
    activeAtStart: {
      Timeout: active.filter((kind) => kind === 'Timeout').length,
      Immediate: active.filter((kind) => kind === 'Immediate').length,
    },
  });
  probe.hook.enable();
  return true;
}

/** Reads the window so far; `close` also ends it. */
function readWindow(_electron: unknown, _test: unknown, close: boolean): MainWindow {
  const probe = (globalThis as Record<string, any>).__pairbarIdleProbe;
  if (close) {
    probe.counting = false;
    probe.hook.disable();
  }
  const active = process.getActiveResourcesInfo();
  const timers = [...(probe.timers as Map<string, number>)].map(([origin, count]) => ({ origin, count }));
  // The ChildProcess is known to its handle only once spawned; its arguments say which command it was.
  const ownerOf = (resource: object): any => {
    const symbol = Object.getOwnPropertySymbols(resource).find((candidate) => candidate.description === 'owner_symbol');
    return symbol ? (resource as Record<symbol, any>)[symbol] : undefined;
  };
  return {
    ms: performance.now() - probe.started,
    timerCallbacks: timers.reduce((sum, timer) => sum + timer.count, 0),
    timers,
    driverTimers: probe.driverTimers,
    spawns: (probe.spawns as { resource: object; frames: string[] }[]).map(({ resource, frames }) => ({
      command: (ownerOf(resource)?.spawnargs as string[] | undefined)?.join(' ') ?? '(command unknown)',
      // Deeper than a timer's: the first frames of a spawn are the process library's own.
      origin: frames.slice(0, 8).join(' ← '),
    })),
    activeAtStart: probe.activeAtStart,
    activeAtEnd: {
      Timeout: active.filter((kind) => kind === 'Timeout').length,
      Immediate: active.filter((kind) => kind === 'Immediate').length,
    },
    other: probe.other,
  };
}

/**
 * Waits until the app has gone QUIET_MS without a spawn or a timer callback, counting meanwhile; returns what
 * it saw before settling. Polls through evaluate, which runs no timer in the app (only a stdin read).
 */
async function settle(app: FakeApp, open = true): Promise<MainWindow> {
  if (open) await app.evaluate(startWindow);
  const deadline = performance.now() + SETTLE_LIMIT_MS;
  let seen = -1;
  let quietSince = performance.now();
  for (;;) {
    const now = await app.evaluate(readWindow, false);
    const activity = now.spawns.length + now.timerCallbacks;
    if (activity !== seen) {
      seen = activity;
      quietSince = performance.now();
    }
    if (performance.now() - quietSince >= QUIET_MS || performance.now() > deadline)
      return app.evaluate(readWindow, true);
    await sleep(100);
  }
}

// ------------------------------------------------------------------------------------ in the page

/**
 * Installed before the page's own scripts. A source string: tsx's keepNames would add `__name(...)` calls the
 * page does not have. Each callback is counted only while `counting` is on, with where it was scheduled.
 */
const PAGE_PROBE = `(() => {
  var probe = { counting: false, timers: 0, frames: 0, idle: 0, origins: {} };
  Object.defineProperty(window, '__pairbarIdleProbe', { value: probe });
  function wrap(name, kind) {
    var original = window[name];
    if (typeof original !== 'function') return;
    window[name] = function (callback) {
      if (typeof callback !== 'function') return original.apply(this, arguments);
      var from = (new Error().stack || '').split('\\n').slice(2, 5).map(function (line) { return line.trim(); }).join(' ← ');
      var args = Array.prototype.slice.call(arguments);
      args[0] = function () {
        if (probe.counting) {
          probe[kind]++;
          var key = name + ' from ' + from;
          probe.origins[key] = (probe.origins[key] || 0) + 1;
        }
        return callback.apply(this, arguments);
      };
      return original.apply(this, args);
    };
  }
  wrap('setTimeout', 'timers');
  wrap('setInterval', 'timers');
  wrap('requestAnimationFrame', 'frames');
  wrap('requestIdleCallback', 'idle');
})();`;

/** Hides the page as Electron's window.hide() does (headless Chromium never hides a page itself), then counts. */
const PAGE_HIDE_AND_COUNT = `(() => {
  Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
  Object.defineProperty(document, 'hidden', { value: true, configurable: true });
  document.dispatchEvent(new Event('visibilitychange'));
  var probe = window.__pairbarIdleProbe;
  probe.timers = 0; probe.frames = 0; probe.idle = 0; probe.origins = {};
  probe.counting = true;
  probe.started = performance.now();
  return true;
})()`;

/** One timer, one frame and one idle callback scheduled from the page's own world must each be counted. */
const PAGE_SELF_CHECK = `(async () => {
  var probe = window.__pairbarIdleProbe;
  probe.timers = 0; probe.frames = 0; probe.idle = 0;
  probe.counting = true;
  await Promise.all([
    new Promise(function (resolve) { setTimeout(resolve, 1); }),
    new Promise(function (resolve) { requestAnimationFrame(resolve); }),
    new Promise(function (resolve) { requestIdleCallback(resolve); }),
  ]);
  probe.counting = false;
  return { timers: probe.timers, frames: probe.frames, idle: probe.idle };
})()`;

const PAGE_READ = `(() => {
  var probe = window.__pairbarIdleProbe;
  probe.counting = false;
  var running = document.getAnimations().filter(function (animation) { return animation.playState === 'running'; }).length;
  return { ms: performance.now() - probe.started, timers: probe.timers, frames: probe.frames, idle: probe.idle, origins: probe.origins, animations: running };
})()`;

interface PageWindow {
  ms: number;
  timers: number;
  frames: number;
  idle: number;
  origins: Record<string, number>;
  animations: number;
}

/** What this bench uses of the harness's Popover (test/support/ui-harness.ts). */
interface PopoverLike {
  page: { addInitScript(script: { content: string }): Promise<void>; evaluate<R>(expression: string): Promise<R> };
  show(): Promise<void>;
  close(): Promise<void>;
}

/** The popover page loaded in Chromium and ready to be hidden, or why it cannot be. */
async function openPage(sandbox: Sandbox): Promise<PopoverLike | { missing: string }> {
  const loaded = await loadUiHarness();
  if ('missing' in loaded) return loaded;
  const openPopover = (
    loaded.harness as { openPopover?: (options: { sandbox: Sandbox; open?: boolean }) => Promise<PopoverLike> }
  ).openPopover;
  if (typeof openPopover !== 'function')
    return { missing: 'test/support/ui-harness.ts no longer exports openPopover: see bench/idle.ts' };
  let popover: PopoverLike;
  try {
    popover = await openPopover({ sandbox, open: false });
  } catch (error) {
    const problem = buildProblem(error);
    if (problem) return { missing: problem };
    throw error;
  }
  try {
    await popover.page.addInitScript({ content: PAGE_PROBE });
    await popover.show();
    return popover;
  } catch (error) {
    await popover.close();
    throw error;
  }
}

// ------------------------------------------------------------------------------------ the bench

function perMinute(count: number, ms: number): string {
  return (count / (ms / 60_000)).toFixed(1);
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** Markdown lines naming every timer and spawn a window saw. */
function describeWindow(label: string, window: MainWindow): string[] {
  const lines = [
    `${label}: ${window.timerCallbacks} timer callbacks and ${window.spawns.length} spawns in ${seconds(window.ms)}; active timers ${window.activeAtStart.Timeout} Timeout + ` +
      `${window.activeAtStart.Immediate} Immediate at the start, ${window.activeAtEnd.Timeout} + ${window.activeAtEnd.Immediate} at the end; ` +
      `timers of the stand-in's driver: ${window.driverTimers}. Other callbacks the loop ran: ${
        Object.entries(window.other)
          .map(([kind, count]) => `${kind} ${count}`)
          .join(', ') || 'none'
      }.`,
  ];
  for (const timer of window.timers) lines.push(`- timer ×${timer.count}: \`${timer.origin}\``);
  for (const spawn of window.spawns) lines.push(`- spawn: \`${spawn.command}\` from \`${spawn.origin}\``);
  return lines;
}

export const idle: BenchEntry = {
  id: 'idle',
  title: 'Idle and sharing: processes spawned and timers firing',
  method:
    `The built app (dist/main.js) run by the main-process stand-in (test/app/support/harness.ts) in a sandbox with one tmux ` +
    `session and the local test tmate server; once its first snapshot is in and it has gone ${QUIET_MS / 1000} s without a spawn or a timer, ` +
    `an async_hooks hook installed in the app (through evaluate) counts over ${WINDOW_SECONDS} s, popover never shown, nothing shared: ` +
    `timer callbacks run (\`before\` on a Timeout or Immediate resource, which also catches timers created before the hook) and child ` +
    `processes spawned (\`init\` of PROCESSWRAP), with where each was created. The driver's own timers (the evaluate plumbing, if any) are ` +
    `counted apart; the driver is not polled during the window. At the same time, the popover page in headless Chromium ` +
    `(test/support/ui-harness.ts), loaded, then hidden as the app hides it (visibilitychange to hidden), counts the callbacks of ` +
    `setTimeout, setInterval, requestAnimationFrame and requestIdleCallback, wrapped by an init script before the page's scripts. ` +
    `Then the app shares the session (its tray menu's share action, through the app's test hook), and once sharing and settled, ` +
    `the same hook counts for ${WINDOW_SECONDS} s; the share is stopped afterwards and no tmate may be left.`,

  async run(context): Promise<BenchResult> {
    const figures: Figure[] = [];
    const details: string[] = [];
    const stale = staleMain();
    if (stale) {
      return {
        figures: [IDLE_SPAWNS, IDLE_TIMERS, IDLE_PAGE].map((name) => ({ name, value: '—', skipped: stale })),
      };
    }

    await withWorld(context, { server: {} }, async ({ sandbox }) => {
      sandbox.newSession(SESSION, 'default', 'sh');
      const app = await launchFakeApp({ ...sandbox.env, FAKE_ELECTRON_USER_DATA: join(sandbox.root, 'user-data') });
      const unregisterApp = context.onAbort(async () => void (await app.close()));
      try {
        await waitFor('the first snapshot', () => app.evaluate((_electron, t) => t.snapshot().version > 0), 30_000);
        await app.evaluate(installProbe);

        // The page gets a sandbox of its own: its AppState runs tmux in this process, which must not touch the app's.
        await withWorld(context, {}, async ({ sandbox: pageSandbox }) => {
          pageSandbox.newSession(SESSION, 'default', 'sh');
          const [startup, opened] = await Promise.all([settle(app), openPage(pageSandbox)]);
          const popover = 'missing' in opened ? undefined : opened;
          const unregisterPage = popover ? context.onAbort(() => popover.close()) : () => undefined;
          try {
            details.push(...describeWindow('Start-up, from the first snapshot until settled (not judged)', startup));
            await popover?.page.evaluate(PAGE_HIDE_AND_COUNT);
            await app.evaluate(startWindow);
            context.log(`idle: counting for ${WINDOW_SECONDS} s`);
            await sleep(WINDOW_SECONDS * 1000);
            const [quiet, hidden] = await Promise.all([
              app.evaluate(readWindow, true),
              popover?.page.evaluate<PageWindow>(PAGE_READ),
            ]);

            figures.push(
              {
                name: IDLE_SPAWNS,
                value: `${quiet.spawns.length} in ${seconds(quiet.ms)}`,
                ...judge('idle/spawns', quiet.spawns.length),
              },
              {
                name: IDLE_TIMERS,
                value: `${quiet.timerCallbacks} in ${seconds(quiet.ms)} (active timers: ${quiet.activeAtStart.Timeout + quiet.activeAtStart.Immediate} at start, ${quiet.activeAtEnd.Timeout + quiet.activeAtEnd.Immediate} at end)`,
                ...judge('idle/timers', quiet.timerCallbacks),
              },
            );
            details.push(...describeWindow('Idle window, main process', quiet));

            if (!popover || !hidden) {
              figures.push({ name: IDLE_PAGE, value: '—', skipped: 'missing' in opened ? opened.missing : 'no page' });
            } else {
              const total = hidden.timers + hidden.frames + hidden.idle;
              figures.push({
                name: IDLE_PAGE,
                value: `${total} in ${seconds(hidden.ms)} (${hidden.timers} timer, ${hidden.frames} rAF, ${hidden.idle} idle)`,
                ...judge('idle/page', total),
              });
              details.push(
                `Hidden popover page: ${hidden.timers} timer, ${hidden.frames} requestAnimationFrame and ${hidden.idle} requestIdleCallback callbacks in ${seconds(hidden.ms)}; CSS animations running at the end: ${hidden.animations}.`,
              );
              for (const [origin, count] of Object.entries(hidden.origins))
                details.push(`- page callback ×${count}: \`${origin}\``);
              const check = await popover.page.evaluate<{ timers: number; frames: number; idle: number }>(
                PAGE_SELF_CHECK,
              );
              if (check.timers !== 1 || check.frames !== 1 || check.idle !== 1)
                throw new Error(`the page probe's self-check counted ${JSON.stringify(check)}, not one of each`);
              details.push(
                `Self-check of the page's probe, after the window: a setTimeout, a requestAnimationFrame and a requestIdleCallback from the page's world were counted ${check.timers}, ${check.frames} and ${check.idle}.`,
              );
            }
          } finally {
            await popover?.close();
            unregisterPage();
          }
        });

        await shareWindow(context, app, sandbox, figures, details);
        details.push(await selfCheck(app));
        const code = await app.close();
        if (code !== 0) context.log(`idle: the app exited with ${code}:\n${app.stderr()}`);
      } finally {
        await app.close();
        unregisterApp();
      }
    });

    return { figures, details };
  },
};

/** Shares SESSION through the app, counts a window while sharing, then stops the share. */
async function shareWindow(
  context: BenchContext,
  app: FakeApp,
  sandbox: Sandbox,
  figures: Figure[],
  details: string[],
): Promise<void> {
  // Counted from the click on, so the share's own start shows what the probe sees when there is something to see.
  await app.evaluate(startWindow);
  const started = await app.evaluate(async (_electron, t, session: string) => {
    const find = (items: any[]): any => {
      for (const item of items ?? []) {
        if (item.action?.kind === 'share' && item.action.session === session) return item.action;
        const inner = find(item.submenu);
        if (inner) return inner;
      }
      return undefined;
    };
    const action = find(t.trayMenu());
    if (!action) return false;
    void t.run(action);
    return true;
  }, SESSION);
  if (!started) throw new Error(`the tray menu has no share action for ${SESSION}`);
  await waitFor(
    'the share',
    () =>
      app.evaluate(
        (_electron, t, session: string) =>
          t.snapshot().shares.some((share: any) => share.session === session && share.state === 'sharing'),
        SESSION,
      ),
    30_000,
  );
  const start = await settle(app, false);
  details.push(...describeWindow('Share start, from the click until settled in `sharing` (not judged)', start));
  if (start.spawns.length === 0)
    throw new Error('the probe saw no spawn while the app started a share: it is not counting');

  await app.evaluate(startWindow);
  context.log(`idle: sharing, counting for ${WINDOW_SECONDS} s`);
  await sleep(WINDOW_SECONDS * 1000);
  const sharing = await app.evaluate(readWindow, true);
  const still = await app.evaluate(
    (_electron, t, session: string) =>
      t.snapshot().shares.find((share: any) => share.session === session)?.state ?? 'gone',
    SESSION,
  );
  if (still !== 'sharing') throw new Error(`the share ended up ${still} during the window`);
  figures.push(
    {
      name: `sharing ${WINDOW_SECONDS} s, main process: processes spawned`,
      value: `${perMinute(sharing.spawns.length, sharing.ms)} processes/min (${sharing.spawns.length} in ${seconds(sharing.ms)})`,
    },
    {
      name: `sharing ${WINDOW_SECONDS} s, main process: timer callbacks`,
      value: `${perMinute(sharing.timerCallbacks, sharing.ms)} timer callbacks/min (${sharing.timerCallbacks} in ${seconds(sharing.ms)})`,
    },
  );
  details.push(...describeWindow('Sharing window, main process', sharing));

  await app.evaluate(async (_electron, t, session: string) => {
    const share = t.snapshot().shares.find((candidate: any) => candidate.session === session);
    await t.run({ kind: 'stop', shareId: share.id });
    return true;
  }, SESSION);
  await waitFor(
    'the share to stop',
    () =>
      app.evaluate(
        (_electron, t, session: string) => !t.snapshot().shares.some((share: any) => share.session === session),
        SESSION,
      ),
    15_000,
  );
  // Stopping kills tmate; give its exit a moment before judging what is left.
  let left = sandbox.tmatePids();
  for (
    const deadline = performance.now() + 5_000;
    left.length > 0 && performance.now() < deadline;
    left = sandbox.tmatePids()
  )
    await sleep(100);
  figures.push({
    name: 'tmate processes left after Stop Sharing',
    value: `${left.length}`,
    ...judge('idle/tmate-left', left.length),
  });
}

/**
 * A zero is only worth something from a probe that counts: one timer, one immediate and one process started
 * in the app by this check must come back as two timer callbacks and one spawn.
 */
async function selfCheck(app: FakeApp): Promise<string> {
  await app.evaluate(startWindow);
  await app.evaluate(async () => {
    const { execFile } = process.getBuiltinModule('node:child_process');
    await Promise.all([
      new Promise((resolve) => setTimeout(resolve, 1)),
      new Promise((resolve) => setImmediate(resolve)),
      new Promise((resolve) => execFile('true', () => resolve(undefined))),
    ]);
    return true;
  });
  const seen = await app.evaluate(readWindow, true);
  if (seen.timerCallbacks !== 2 || seen.spawns.length !== 1) {
    throw new Error(
      `the probe's self-check saw ${seen.timerCallbacks} timer callbacks and ${seen.spawns.length} spawns, not 2 and 1`,
    );
  }
  return `Self-check of the app's probe: a setTimeout, a setImmediate and an \`execFile('true')\` run in the app came back as ${seen.timerCallbacks} timer callbacks and ${seen.spawns.length} spawn (\`${seen.spawns[0]?.command}\`).`;
}
