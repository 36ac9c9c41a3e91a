/**
 * Faults, for real: tmate and tmux killed, the server refusing, lying, stalling and dropping, the command
 * killed mid-share, actions racing each other, a preferences folder that cannot be written. Each test checks
 * what the user sees (through the app's snapshot, which the popover and the tray draw, or the command's
 * output), how long until they see it (an upper bound with margin; the measured time goes to
 * test-output/reliability/, which `npm run docs` puts in docs/reliability.md), and that nothing is lost or left running: no tmate process, no share directory or
 * socket, the user's tmux session and client still there.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test, type TestContext } from 'node:test';
import type { Share } from '../../main/core/shares.ts';
import type { ShareTargetArg, ShareView, Snapshot } from '../../main/contract.ts';
import { addServer, useServer } from '../../main/prefs/servers.ts';
import { openPrefsStore } from '../../main/prefs/prefs-store.ts';
import { AppState } from '../../main/app/app-state.ts';
import { switchServer, TMUX, waitFor } from '../support/sandbox.ts';
import { worldPerTest } from '../support/world.ts';
import { expectStartFailure, shareDirs } from '../support/share-checks.ts';
import { recordReliability } from '../support/reliability.ts';

const world = worldPerTest();

interface Figure {
  fault: string;
  seen: string;
  /** Seconds from the fault to what the user sees; null where the answer is the action's own reply. */
  seconds: number | null;
  /** The bound the test checks. */
  bound: number | null;
}
const figures: Figure[] = [];

function measured(fault: string, seen: string, seconds: number, bound: number): void {
  assert.ok(seconds < bound, `${fault}: took ${seconds.toFixed(2)} s, bound ${bound} s`);
  figures.push({ fault, seen, seconds, bound });
}

after(() => {
  if (figures.length === 0) return;
  const rows = figures.map(
    (figure) =>
      `| ${figure.fault} | ${figure.seen} | ${figure.seconds === null ? 'the reply' : `${figure.seconds.toFixed(2)} s`} | ${figure.bound === null ? '—' : `< ${figure.bound} s`} |`,
  );
  recordReliability(
    'faults',
    [
      '`test/core/faults.test.ts`: real tmux, real tmate 2.4.0, the test tmate server on 127.0.0.1. Each fault ends',
      "with no tmate process, no share directory or socket left, and the user's tmux session and client still",
      'there. "Time" is from the fault to what the user sees, in this run; "bound" is what the test checks.',
      '',
      '| fault | what the user sees | time | bound |',
      '|---|---|---|---|',
      ...rows,
      '',
      `Run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, tmate ${execFileSync('tmate', ['-V'], {
        encoding: 'utf8',
      })
        .trim()
        .replace(/^tmate /, '')}, ${figures.length} faults.`,
    ].join('\n'),
  );
});

const seconds = (since: number) => (Date.now() - since) / 1000;

/** The user's own session "work", with their terminal attached to it; returns its id and their clients. */
async function usersWork(): Promise<{ id: string; clients: string[] }> {
  const id = world.sandbox.newSession('work', 'default', 'sh');
  world.sandbox.attachUserClient(id);
  await world.sandbox.waitForClients(id, 1);
  return { id, clients: world.sandbox.clientsOf(id) };
}

/** Nothing left of any share, and the user's terminal as it was. */
async function nothingLeft(user?: { id: string; clients: string[] }): Promise<void> {
  await waitFor('no tmate process', () => world.sandbox.tmatePids().length === 0, 5_000);
  assert.deepEqual(shareDirs(world.sandbox), [], 'no share directory (nor its socket) left');
  if (user) {
    await waitFor(
      "tmate's client gone from the session",
      () => world.sandbox.clientsOf(user.id).length === user.clients.length,
      5_000,
    );
    assert.deepEqual(world.sandbox.clientsOf(user.id), user.clients, "the user's own client is still attached");
  }
}

/** The app's state over the core; with the preferences opened for writing, as the app has them. */
async function app(writable = false): Promise<AppState> {
  const state = new AppState(world.sandbox.runtime(writable ? openPrefsStore(world.sandbox.env) : undefined));
  await state.refresh();
  return state;
}

const work = (): ShareTargetArg => ({ session: 'work', socket: world.sandbox.socket() });

async function shareOk(state: AppState, target: ShareTargetArg): Promise<ShareView> {
  const result = await state.share(target);
  assert.ok(result.ok, result.ok ? '' : result.error.message);
  return result.value;
}

function viewOf(snapshot: Snapshot, id: string): ShareView | undefined {
  return snapshot.shares.find((share) => share.id === id);
}

// ------------------------------------------------------------------------------------ tmate, tmux killed

test('tmate SIGKILLed mid-share: within 3 s the card says the share ended and why, no socket or process is left, the user stays attached; Retry shares again', async () => {
  const user = await usersWork();
  const state = await app();
  const share = await shareOk(state, work());
  const socket = join(world.sandbox.env.PAIRBAR_RUNTIME_DIR!, share.id, 'tmate.sock');
  assert.ok(existsSync(socket));
  const [pid] = world.sandbox.tmatePids();
  const killed = Date.now();
  process.kill(pid!, 'SIGKILL');
  const shown = await waitFor('the card to say the share ended', () => {
    const view = viewOf(state.snapshot(), share.id);
    return view?.state === 'failed' ? view : undefined;
  });
  measured(
    'tmate SIGKILLed while sharing (started by this process)',
    'the card: failed, "tmate stopped unexpectedly: … killed (SIGKILL)", Retry',
    seconds(killed),
    3,
  );
  assert.equal(shown.error?.code, 'TMATE_FAILED');
  assert.match(shown.error?.message ?? '', /killed \(SIGKILL\)/);
  assert.equal(existsSync(socket), false, 'the socket tmate left behind is removed');
  await nothingLeft(user);

  const again = await shareOk(state, work());
  assert.equal(again.state, 'sharing');
  assert.deepEqual(
    state.snapshot().shares.map((view) => view.state),
    ['sharing'],
    'Retry replaces the failed card',
  );
});

test('tmate SIGKILLed under a share another process started: the next refresh (the popover opening) says it ended, and cleans it', async () => {
  const user = await usersWork();
  const shared = await world.sandbox.cli(['share', 'work', '--json']);
  assert.equal(shared.code, 0, shared.stderr);
  const state = await app();
  const [adopted] = state.snapshot().shares;
  assert.equal(adopted?.state, 'sharing');
  const [pid] = world.sandbox.tmatePids();
  const killed = Date.now();
  process.kill(pid!, 'SIGKILL');
  await waitFor('tmate gone', () => world.sandbox.tmatePids().length === 0);
  const snapshot = await state.refresh();
  measured(
    'tmate SIGKILLed while sharing (adopted from the command)',
    'on the next refresh: failed, "tmate stopped unexpectedly"',
    seconds(killed),
    3,
  );
  const view = viewOf(snapshot, adopted.id);
  assert.equal(view?.state, 'failed');
  assert.equal(view?.error?.code, 'TMATE_FAILED');
  await nothingLeft(user);
});

test('the tmux server killed: its share ends and the card says the tmux server stopped; the share on another server goes on', async () => {
  const user = await usersWork();
  world.sandbox.newSession('side', 'other');
  const state = await app();
  const ours = await shareOk(state, work());
  const theirs = await shareOk(state, { session: 'side', socket: world.sandbox.socket('other') });
  const ended: Array<[Share, string | undefined]> = [];
  state.runtime.shares.on('ended', (share, error) => ended.push([share, error?.code]));
  const tmuxPid = Number(world.sandbox.tmux(['display-message', '-p', '#{pid}'], 'other').trim());
  const killed = Date.now();
  process.kill(tmuxPid, 'SIGKILL');
  const shown = await waitFor('the card to say why', () => {
    const view = viewOf(state.snapshot(), theirs.id);
    return view?.state === 'failed' ? view : undefined;
  });
  measured(
    'the tmux server of a shared session SIGKILLed',
    'the card: failed, "The tmux server holding … is no longer running"',
    seconds(killed),
    3,
  );
  assert.equal(shown.error?.code, 'TMUX_SERVER_GONE');
  assert.match(shown.error?.message ?? '', /tmux server/);
  // The notification's event follows once the share is cleaned up (the card may say it a moment before).
  await waitFor('the ended event', () => ended.length > 0);
  assert.deepEqual(
    ended.map(([share, code]) => [share.id, code]),
    [[theirs.id, 'TMUX_SERVER_GONE']],
    'one ended event, with the reason the notification shows',
  );
  assert.equal(viewOf(state.snapshot(), ours.id)?.state, 'sharing', "the other server's share goes on");
  assert.equal(world.sandbox.tmatePids().length, 1);
  assert.deepEqual(shareDirs(world.sandbox), [ours.id]);
  await state.stop(ours.id);
  await nothingLeft(user);
});

// ------------------------------------------------------------------------------------ the tmate server

test('a port that refuses: its own message within 3 s, not at the 20 s time limit', async () => {
  await world.sandbox.setPrefs({ 'share.readyTimeoutSeconds': 20 });
  await world.server.setRefusing(true);
  const { error, seconds: took } = await expectStartFailure(
    world.sandbox,
    world.sandbox.runtime().shares,
    'SERVER_REFUSED',
    3,
    2,
  );
  assert.equal(
    error.message,
    `The tmate server 127.0.0.1:${world.server.port} refused the connection: nothing is listening on that port.`,
  );
  measured(
    'tmate server port refusing connections (time limit 20 s)',
    'failed: "refused the connection: nothing is listening on that port"',
    took,
    5,
  );
});

test('a host name that does not resolve: its own message within 3 s', async () => {
  const store = openPrefsStore(world.sandbox.env);
  addServer(store, {
    name: 'gone',
    host: 'tmate.pairbar-test.invalid',
    port: 22,
    rsaFingerprint: '',
    ed25519Fingerprint: world.server.fingerprint,
    ecdsaFingerprint: '',
  });
  useServer(store, 'gone');
  await world.sandbox.setPrefs({ 'share.readyTimeoutSeconds': 20 });
  const { error, seconds: took } = await expectStartFailure(
    world.sandbox,
    world.sandbox.runtime().shares,
    'SERVER_NAME_NOT_FOUND',
    3,
    2,
  );
  assert.match(error.message, /host name tmate\.pairbar-test\.invalid was not found/);
  measured('tmate server host name not found (time limit 20 s)', 'failed: "host name … was not found"', took, 5);
});

test('a wrong server fingerprint: its own error naming both fingerprints, without waiting for the time limit', async () => {
  const wrong = 'SHA256:' + 'A'.repeat(43);
  await world.sandbox.useServer(world.server, 30, 'test', wrong);
  const { error, seconds: took } = await expectStartFailure(
    world.sandbox,
    world.sandbox.runtime().shares,
    'FINGERPRINT_MISMATCH',
    10,
  );
  assert.ok(
    error.message.includes(`configured: ed25519 ${wrong}; presented: ed25519 ${world.server.fingerprint}`),
    error.message,
  );
  assert.match(error.fix, /fingerprints your server's operator gave you/);
  measured(
    'wrong server fingerprint (time limit 30 s)',
    'failed: "does not match", both fingerprints named, at once',
    took,
    10,
  );
});

test('a server that accepts the connection but never says READY: fails at the time limit, not before', async () => {
  world.server = await switchServer(world.sandbox, world.server, { sayReady: false }, 3);
  const { seconds: took } = await expectStartFailure(
    world.sandbox,
    world.sandbox.runtime().shares,
    'SERVER_NOT_READY',
    3,
  );
  assert.ok(took >= 3, 'it did not give up before share.readyTimeoutSeconds');
  measured('server accepts but never says READY (time limit 3 s)', 'failed: "gave no share links within 3 s"', took, 8);
});

test('connection dropped and back, the server kept the links: reconnecting shown, then the same links', async () => {
  world.server = await switchServer(world.sandbox, world.server, { mode: 'tmate.io' });
  await usersWork();
  const state = await app();
  const share = await shareOk(state, work());
  const host = await world.server.nextConnection();
  const dropped = Date.now();
  host.drop();
  await waitFor('reconnecting shown', () => viewOf(state.snapshot(), share.id)?.state === 'reconnecting');
  const again = await world.server.nextConnection(15_000);
  assert.equal(again.reconnected, true);
  await waitFor('sharing again', () => viewOf(state.snapshot(), share.id)?.state === 'sharing', 15_000);
  measured(
    'connection dropped, server resumes the session',
    'reconnecting, then sharing with the same links',
    seconds(dropped),
    10,
  );
  const shown = viewOf(state.snapshot(), share.id)!;
  assert.deepEqual(shown.links, share.links);
  assert.deepEqual(shown.links, again.links, 'the links shown are the ones the server now serves');
  assert.equal(world.sandbox.tmatePids().length, 1);
});

test('connection dropped and back, the server handed out new links: the new links are shown, not the dead ones', async () => {
  world.server = await switchServer(world.sandbox, world.server, { mode: 'self-hosted' });
  await usersWork();
  const state = await app();
  const share = await shareOk(state, work());
  const dropped = Date.now();
  (await world.server.nextConnection()).drop();
  const again = await world.server.nextConnection(15_000);
  await waitFor('the new links', () => viewOf(state.snapshot(), share.id)?.links.ssh === again.links.ssh, 15_000);
  measured('connection dropped, server hands out new links', 'sharing with the new links', seconds(dropped), 10);
  const shown = viewOf(state.snapshot(), share.id)!;
  assert.notEqual(shown.links.ssh, share.links.ssh);
  assert.equal(shown.links.sshReadOnly, again.links.sshReadOnly);
  assert.equal(shown.state, 'sharing');
  assert.equal(world.sandbox.tmatePids().length, 1);
});

// ------------------------------------------------------------------------------------ the command killed

/** Starts `pairbar ARGS` in the world.sandbox and hands back the child, for a test to kill. */
function startCli(args: string[]) {
  const child = spawn(process.execPath, [join(import.meta.dirname, '../../bin/pairbar.cjs'), ...args], {
    env: world.sandbox.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, stdout: () => stdout, exited };
}

function recordOf(id: string): { pid: number } {
  return JSON.parse(readFileSync(join(world.sandbox.env.PAIRBAR_RUNTIME_DIR!, id, 'share.json'), 'utf8')) as {
    pid: number;
  };
}

/** The pid a share's record names, or 0 while the directory is there but its record not written yet. */
function recordedPid(id: string): number {
  try {
    return recordOf(id).pid;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
}

test('the command SIGKILLed while its share is starting: the next start finds its tmate and ends it, nothing left', async () => {
  world.server = await switchServer(world.sandbox, world.server, { sayReady: false }, 60);
  const user = await usersWork();
  const cli = startCli(['share', 'work']);
  const [id] = await waitFor(
    'tmate started',
    () => {
      const dirs = shareDirs(world.sandbox);
      // The daemon, and the `tmate wait tmate-ready` client waiting on it.
      return dirs.length === 1 && recordedPid(dirs[0]!) > 0 && world.sandbox.tmatePids().length === 2
        ? dirs
        : undefined;
    },
    20_000,
  );
  cli.child.kill('SIGKILL');
  await cli.exited;
  const killed = Date.now();
  const status = await world.sandbox.cli(['status', '--json']);
  measured(
    'the command SIGKILLed while starting',
    '`pairbar status`: nothing shared, its tmate ended',
    seconds(killed),
    5,
  );
  assert.equal(status.code, 0, status.stderr);
  assert.deepEqual(JSON.parse(status.stdout), []);
  assert.equal(existsSync(join(world.sandbox.env.PAIRBAR_RUNTIME_DIR!, id!)), false);
  await nothingLeft(user);
});

test('the command SIGKILLed after its share is ready: the next start shows that share with its links, and can end it', async () => {
  const user = await usersWork();
  const cli = startCli(['share', 'work', '--json']);
  const original = await waitFor(
    'the links printed',
    () => {
      try {
        return JSON.parse(cli.stdout()) as { id: string; links: Share['links'] };
      } catch {
        return undefined;
      }
    },
    20_000,
  );
  cli.child.kill('SIGKILL');
  await cli.exited;
  const killed = Date.now();
  const state = await app();
  measured('the command SIGKILLed after ready', 'the app lists the share, sharing, same links', seconds(killed), 5);
  const [shown] = state.snapshot().shares;
  assert.equal(shown?.id, original.id);
  assert.equal(shown?.state, 'sharing');
  assert.deepEqual(shown?.links, original.links);
  const host = await world.server.nextConnection();
  assert.equal(host.isClosed, false, "the pair's connection lives on");
  const stopped = await world.sandbox.cli(['stop', 'work']);
  assert.equal(stopped.code, 0, stopped.stderr);
  await nothingLeft(user);
});

// ------------------------------------------------------------------------------------ actions racing

test('Share clicked twice: one share, one tmate, both clicks answered with it', async () => {
  const user = await usersWork();
  const state = await app();
  const [first, second] = await Promise.all([state.share(work()), state.share(work())]);
  assert.ok(first.ok && second.ok);
  assert.equal(first.value.id, second.value.id);
  assert.equal(world.sandbox.tmatePids().length, 1);
  assert.equal(world.server.connections().length, 1);
  assert.deepEqual(
    state.snapshot().shares.map((view) => view.state),
    ['sharing'],
  );
  await state.stop(first.value.id);
  await nothingLeft(user);
});

test('Stop while the share is starting (tmate running, no links yet): the start ends as stopped, not failed; nothing left', async () => {
  world.server = await switchServer(world.sandbox, world.server, { sayReady: false }, 60);
  const user = await usersWork();
  const state = await app();
  const sharing = state.share(work());
  const starting = await waitFor('starting, tmate running', () => {
    const view = state.snapshot().shares[0];
    // The daemon, and the `tmate wait tmate-ready` client waiting on it.
    return view?.state === 'starting' && world.sandbox.tmatePids().length === 2 ? view : undefined;
  });
  const stopAt = Date.now();
  const stop = await state.stop(starting.id);
  assert.ok(stop.ok, stop.ok ? '' : stop.error.message);
  const result = await sharing;
  measured(
    'Stop during Start',
    'the card goes; the Share call answers "stopped before its links were ready"',
    seconds(stopAt),
    5,
  );
  assert.equal(result.ok, false);
  assert.equal(result.ok ? '' : result.error.code, 'SHARE_STOPPED');
  assert.deepEqual(state.snapshot().shares, [], 'no failed card: the user asked for the stop');
  await nothingLeft(user);
});

test('`pairbar stop work` from another process while the app is starting the share: the start ends as stopped (not failed), the command says so; nothing left', async () => {
  world.server = await switchServer(world.sandbox, world.server, { sayReady: false }, 60);
  const user = await usersWork();
  const state = await app();
  const sharing = state.share(work());
  await waitFor(
    'starting, tmate running',
    () => state.snapshot().shares[0]?.state === 'starting' && world.sandbox.tmatePids().length === 2,
  );
  const stopAt = Date.now();
  const stopped = await world.sandbox.cli(['stop', 'work']);
  assert.equal(stopped.code, 0, stopped.stderr);
  assert.match(stopped.stdout, /Stopped sharing "work" before its links were ready/);
  const result = await sharing;
  measured(
    '`pairbar stop` from another process during Start',
    'the command: stopped; the app: its Share answers "stopped", no card',
    seconds(stopAt),
    5,
  );
  assert.equal(result.ok ? '' : result.error.code, 'SHARE_STOPPED', 'one outcome: the start was stopped');
  assert.deepEqual(state.snapshot().shares, [], 'no failed card: a person asked for the stop');
  await nothingLeft(user);
});

test('`pairbar stop work` while `pairbar share work` in another terminal waits for the links: that command answers "stopped" and exits 1; nothing left, not even a blank session', async () => {
  world.server = await switchServer(world.sandbox, world.server, { sayReady: false }, 60);
  const user = await usersWork();
  const sharing = world.sandbox.cli(['share', 'work']);
  const blank = world.sandbox.cli(['share']);
  await waitFor(
    'both starts under way, tmate running',
    () => shareDirs(world.sandbox).length === 2 && world.sandbox.tmatePids().length === 4,
    20_000,
  );
  const stopped = await world.sandbox.cli(['stop', 'work']);
  assert.equal(stopped.code, 0, stopped.stderr);
  assert.match(stopped.stdout, /Stopped sharing "work" before its links were ready/);
  const shared = await sharing;
  assert.equal(shared.code, 1);
  assert.match(shared.stderr, /stopped before its links were ready/);
  // --all ends a start elsewhere too, and the new terminal made for it goes with it.
  const all = await world.sandbox.cli(['stop', '--all']);
  assert.equal(all.code, 0, all.stderr);
  assert.match(all.stdout, /Stopped 1 share/);
  assert.equal((await blank).code, 1);
  const sessions = execFileSync(TMUX, ['-S', world.sandbox.socket(), 'list-sessions', '-F', '#{session_name}'], {
    env: world.sandbox.env,
    encoding: 'utf8',
  });
  assert.deepEqual(
    sessions.split('\n').filter(Boolean),
    ['work'],
    'the blank session made for the stopped start is gone',
  );
  await nothingLeft(user);
});

test('Stop at the very first step of a start (before tmate is launched): no tmate is started after all', async () => {
  const user = await usersWork();
  const { shares } = world.sandbox.runtime();
  shares.on('step', (step, share) => {
    if (step === 'prepare' && share) void shares.stop(share.id);
  });
  await assert.rejects(shares.share({ session: 'work' }), (error: { code?: string }) => error.code === 'SHARE_STOPPED');
  assert.deepEqual(shares.list(), []);
  assert.equal(world.server.connections().length, 0, 'tmate never connected');
  await nothingLeft(user);
});

test('Quit (stop all) while a share is starting: the start ends too, and no tmate is started after it', async () => {
  world.server = await switchServer(world.sandbox, world.server, { sayReady: false }, 60);
  const user = await usersWork();
  const { shares } = world.sandbox.runtime();
  const sharing = shares.share({ session: 'work' });
  await waitFor('tmate started', () => world.sandbox.tmatePids().length === 2);
  const quitAt = Date.now();
  assert.equal(await shares.stopAll(), 1);
  await assert.rejects(sharing, (error: { code?: string }) => error.code === 'SHARE_STOPPED');
  measured('Quit during Start', 'the start ends as stopped, nothing left', seconds(quitAt), 5);
  assert.deepEqual(shares.list(), []);
  await nothingLeft(user);
});

test('Share while the share is stopping: the stop completes, then one new share runs, as the last click asked', async () => {
  const user = await usersWork();
  const state = await app();
  const first = await shareOk(state, work());
  const firstHost = await world.server.nextConnection();
  const [stopped, again] = await Promise.all([state.stop(first.id), state.share(work())]);
  assert.ok(stopped.ok);
  assert.ok(again.ok, again.ok ? '' : again.error.message);
  assert.notEqual(again.value.id, first.id, 'a new share, not the one being stopped');
  await firstHost.closed;
  await state.refresh();
  assert.deepEqual(
    state.snapshot().shares.map((view) => [view.id, view.state]),
    [[again.value.id, 'sharing']],
  );
  assert.equal(world.sandbox.tmatePids().length, 1, "one tmate: the new share's");
  assert.deepEqual(shareDirs(world.sandbox), [again.value.id]);
  const host = await world.server.nextConnection();
  assert.equal(host.links.ssh, again.value.links.ssh);
  assert.equal(host.isClosed, false);
  await state.stop(again.value.id);
  await nothingLeft(user);
});

// ------------------------------------------------------------------------------------ preferences

/**
 * A tmpfs of `size` mounted on the sandbox's preferences folder for the duration of `body`. Mounting needs
 * root (CI runs as root); elsewhere the test is skipped, saying so. A read-only folder cannot be made with
 * chmod for root, who writes anyway.
 */
async function withPrefsMount(t: TestContext, size: string, body: (dir: string) => Promise<void>): Promise<void> {
  const dir = world.sandbox.env.PAIRBAR_CONFIG_DIR!;
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (error) {
    t.skip(
      `mount -t tmpfs is not allowed here (${String((error as { stderr?: Buffer }).stderr ?? error).trim()}): it needs root`,
    );
    return;
  }
  try {
    await body(dir);
  } finally {
    execFileSync('umount', [dir]);
  }
}

test('the preferences folder read-only: setting a preference says it could not be saved and why; the file is unchanged', async (t) => {
  await withPrefsMount(t, '64k', async (dir) => {
    await world.sandbox.setPrefs({ 'share.readyTimeoutSeconds': 15, 'notifications.pairJoined': false });
    const file = join(dir, 'preferences.json');
    const before = readFileSync(file);
    execFileSync('mount', ['-o', 'remount,ro', dir]);
    const state = await app(true);
    const result = state.setPref('share.readyTimeoutSeconds', 30);
    assert.equal(result.ok, false);
    const error = result.ok ? undefined : result.error;
    assert.equal(error?.code, 'PREFS_NOT_SAVED');
    assert.match(error?.message ?? '', /read-only/);
    assert.match(error?.fix ?? '', new RegExp(dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    assert.deepEqual(readFileSync(file), before, 'the file is byte for byte what it was');
    assert.equal(state.snapshot().prefs['share.readyTimeoutSeconds'], 15, 'the app still shows what is stored');
    const cli = await world.sandbox.cli(['config', 'set', 'share.readyTimeoutSeconds', '30']);
    assert.equal(cli.code, 1);
    assert.match(cli.stderr, /could not be saved/i);
    assert.deepEqual(readFileSync(file), before);
    figures.push({
      fault: 'preferences folder read-only',
      seen: 'the setting\'s error: "could not be saved … read-only", with the folder to fix; file unchanged',
      seconds: null,
      bound: null,
    });
  });
});

test('the preferences folder full: setting a preference says the disk is full; the file is unchanged', async (t) => {
  await withPrefsMount(t, '16k', async (dir) => {
    await world.sandbox.setPrefs({ 'share.readyTimeoutSeconds': 15, 'notifications.pairJoined': false });
    const file = join(dir, 'preferences.json');
    const before = readFileSync(file);
    // Fill what is left of the 16 KB.
    try {
      writeFileSync(join(dir, 'filler'), Buffer.alloc(64 * 1024));
    } catch (error) {
      assert.equal((error as NodeJS.ErrnoException).code, 'ENOSPC');
    }
    const state = await app(true);
    const result = state.setPref('notifications.pairLeft', false);
    assert.equal(result.ok, false);
    const error = result.ok ? undefined : result.error;
    assert.equal(error?.code, 'PREFS_NOT_SAVED');
    assert.match(error?.message ?? '', /no space left/i);
    assert.deepEqual(readFileSync(file), before, 'the file is byte for byte what it was');
    assert.deepEqual(
      execFileSync('ls', ['-A', dir], { encoding: 'utf8' }).split('\n').filter(Boolean).sort(),
      ['filler', 'preferences.json'],
      'no half-written temporary file left',
    );
    figures.push({
      fault: 'preferences folder full (16 KB tmpfs)',
      seen: 'the setting\'s error: "could not be saved … no space left", file unchanged',
      seconds: null,
      bound: null,
    });
  });
});
