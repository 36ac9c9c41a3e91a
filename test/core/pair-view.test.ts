/**
 * What the pair's terminal does to the user's: the size policy (pair.size), what the share says when the
 * pair's terminal is smaller than the window, and the independent view (pair.view). Real tmux, real tmate
 * 2.4.0, the test tmate server: a pair joining is the server's RESIZE to the pair's size, as tmate-ssh-server
 * sends it (90x24 unless a test says otherwise: not tmate's own 80x24, so a wait for it cannot pass early).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, test } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import type { Share, Shares } from '../../main/core/shares.ts';
import { listServers } from '../../main/core/tmux.ts';
import { AppState } from '../../main/app/app-state.ts';
import { switchServer, TMATE, waitFor, type Sandbox } from '../support/sandbox.ts';
import { worldPerTest } from '../support/world.ts';
import type { HostConnection, PairSize, TestTmateServer } from '../support/tmate-server.ts';

const world = worldPerTest();
let sandbox: Sandbox;
let server: TestTmateServer;
beforeEach(() => ({ sandbox, server } = world));

/** The user's session at 120x30: a 120x31 terminal, one line of it tmux's status bar. */
async function userSession120x30(): Promise<string> {
  const id = sandbox.newSession('work', 'default', 'sh');
  sandbox.attachUserClient(id, { cols: 120, rows: 31 });
  await sandbox.waitForClients(id, 1);
  await waitFor("the window to take the user's size", () => windowSize(id) === '120x30');
  return id;
}

function windowSize(target: string): string {
  return sandbox.tmux(['display-message', '-p', '-t', target, '#{window_width}x#{window_height}']).trim();
}

/** tmate's own tmux client on the user's server: the one that is not on the user's terminal. */
function tmateClient(userTty: string): { size: string; flags: string } | undefined {
  const lines = sandbox
    .tmux(['list-clients', '-F', '#{client_tty} #{client_width}x#{client_height} #{client_flags}'])
    .split('\n')
    .filter(Boolean);
  const line = lines.find((entry) => !entry.startsWith(`${userTty} `));
  if (!line) return undefined;
  const [, size = '', flags = ''] = line.split(' ');
  return { size, flags };
}

function tmate(share: Share, args: string[]): string {
  return execFileSync(TMATE, ['-S', join(sandbox.env.PAIRBAR_RUNTIME_DIR!, share.id, 'tmate.sock'), ...args], {
    env: sandbox.env,
    encoding: 'utf8',
  });
}

/** A pair joins, the server telling `size` for them; resolves once tmate's window has taken it. */
async function pairJoins(host: HostConnection, share: Share, size: PairSize = { cols: 90, rows: 24 }): Promise<void> {
  host.pairJoin(undefined, size);
  await waitFor(
    "the pair's terminal size in tmate",
    () =>
      tmate(share, ['display-message', '-p', '#{window_width}x#{window_height}']).trim() ===
      `${size.cols}x${size.rows}`,
  );
}

let currentShare: Share | undefined;

test("pair.size mine (the default): a pair on a smaller terminal leaves the user's window at 120x30", async () => {
  const id = await userSession120x30();
  const [userTty = ''] = sandbox.clientsOf(id);
  const { shares, prefs } = sandbox.runtime();
  assert.equal(prefs().prefs['pair.size'], 'mine');
  currentShare = await shares.share({ session: 'work' });
  const host = await server.nextConnection();
  assert.equal(currentShare.size, 'mine');
  assert.equal(currentShare.sizeNote, null, 'tmux 3.3a honours it: nothing to note');
  await pairJoins(host, currentShare);
  await waitFor("tmate's client at the pair's size", () => tmateClient(userTty)?.size === '90x24');
  assert.match(tmateClient(userTty)!.flags, /ignore-size/);
  // The pair types: with tmux's default rule the latest client to type decides the size.
  tmate(currentShare, ['send-keys', 'echo FROM-PAIR', 'Enter']);
  await waitFor("the pair's keys", () => sandbox.capture(`${id}:`).includes('FROM-PAIR'));
  assert.equal(windowSize(id), '120x30');
  await host.waitForOutput('FROM-PAIR');
  await shares.stop(currentShare.id);
  assert.equal(windowSize(id), '120x30');
  assert.deepEqual(sandbox.clientsOf(id), [userTty]);
});

test("pair.size follow: the user's window shrinks to the pair's terminal, as tmux does, and comes back after", async () => {
  const id = await userSession120x30();
  const [userTty = ''] = sandbox.clientsOf(id);
  await sandbox.setPrefs({ 'pair.size': 'follow' });
  const { shares } = sandbox.runtime();
  currentShare = await shares.share({ session: 'work' });
  assert.equal(currentShare.size, 'follow');
  const host = await server.nextConnection();
  await pairJoins(host, currentShare);
  tmate(currentShare, ['send-keys', 'echo FROM-PAIR', 'Enter']);
  await waitFor("the window at the pair's size", () => windowSize(id) === '90x23');
  assert.doesNotMatch(tmateClient(userTty)!.flags, /ignore-size/);
  // The window fits the pair's terminal: nothing cut off, nothing to say.
  await pairSizeReaches(shares, { room: { cols: 90, rows: 23 }, window: { cols: 90, rows: 23 }, smaller: false });
  assert.doesNotMatch((await sandbox.cli(['status'])).stdout, /pair's size/);
  // tmux's rule is the latest client to type: once the user types, the window is theirs and the pair's is cut.
  sandbox.tmux(['send-keys', 'echo FROM-USER', 'Enter'], 'user-terminal');
  await waitFor("the user's size again", () => windowSize(id) === '120x30');
  await pairSizeReaches(shares, { room: { cols: 90, rows: 23 }, window: { cols: 120, rows: 30 }, smaller: true });
  assert.match(
    (await sandbox.cli(['status'])).stdout,
    /your window takes their size only while they are the last to type/,
  );
  await shares.stop(currentShare.id);
  await waitFor("the user's size again", () => windowSize(id) === '120x30');
});

test('per share, the size option overrides the preference', async () => {
  const id = await userSession120x30();
  await sandbox.setPrefs({ 'pair.size': 'follow' });
  const { shares } = sandbox.runtime();
  currentShare = await shares.share({ session: 'work' }, { size: 'mine' });
  assert.equal(currentShare.size, 'mine');
  const host = await server.nextConnection();
  await pairJoins(host, currentShare);
  tmate(currentShare, ['send-keys', 'echo FROM-PAIR', 'Enter']);
  await host.waitForOutput('FROM-PAIR');
  assert.equal(windowSize(id), '120x30');
});

test('a tmux older than 3.2 cannot keep the size: the share works, and says so honestly', async () => {
  await sandbox.useTmuxReporting('3.1c');
  const id = await userSession120x30();
  const [userTty = ''] = sandbox.clientsOf(id);
  const { shares } = sandbox.runtime();
  currentShare = await shares.share({ session: 'work' });
  assert.equal(currentShare.state, 'sharing');
  assert.equal(currentShare.size, 'mine');
  assert.match(
    currentShare.sizeNote ?? '',
    /^tmux 3\.1c cannot keep the pair's terminal from resizing your windows: that needs tmux 3\.2 or later\./,
  );
  assert.match(currentShare.sizeNote ?? '', /Upgrade tmux/);
  // Not passed a flag it would refuse: tmate's client is attached, without ignore-size.
  await waitFor("tmate's client", () => tmateClient(userTty));
  assert.doesNotMatch(tmateClient(userTty)!.flags, /ignore-size/);
  await server.nextConnection();
});

/** The share's pairSize once a check finds it as `wanted` says (the pair's client takes tmate's new size a moment after tmate). */
/**
 * Waits until a check finds exactly `expected`: tmate's window passes through other sizes on its way (the
 * watcher's sentinel, the size before the server's RESIZE is applied), so the first size seen is not the answer.
 */
async function pairSizeReaches(shares: Shares, expected: NonNullable<Share['pairSize']>): Promise<void> {
  let last: Share['pairSize'] = null;
  try {
    await pairSizeOnceChecked(shares, (size) => isDeepStrictEqual((last = size), expected));
  } catch {
    assert.deepEqual(last, expected, "the pair's size never read as expected");
  }
}

async function pairSizeOnceChecked(
  shares: Shares,
  wanted: (size: Share['pairSize']) => boolean,
): Promise<Share['pairSize']> {
  let last: Share['pairSize'] = null;
  await waitFor("the pair's size as wanted", async () => {
    [{ pairSize: last = null } = { pairSize: null }] = await shares.checkPairClients();
    return wanted(last);
  });
  return last;
}

/** What `pairbar status` says of the pair's size (the human line, and the JSON field). */
async function statusOfPairSize(): Promise<{ line: string | undefined; json: Share['pairSize'] }> {
  // (`pairFit` in the JSON: `pairSize` there is the pair's terminal alone, while someone is in.)
  const human = await sandbox.cli(['status']);
  const json = await sandbox.cli(['status', '--json']);
  assert.equal(human.code, 0, human.stderr);
  const [shown] = JSON.parse(json.stdout) as Array<{ pairFit: Share['pairSize'] }>;
  return { line: human.stdout.split('\n').find((line) => line.includes("pair's size:")), json: shown?.pairFit ?? null };
}

test('a pair on a terminal smaller than the 120x30 window: the share and status say both sizes, and what to do', async () => {
  await userSession120x30();
  const { shares } = sandbox.runtime();
  currentShare = await shares.share({ session: 'work' });
  const host = await server.nextConnection();
  await pairJoins(host, currentShare, { cols: 90, rows: 24 });
  // The pair's tmux client draws its status line in those 24 rows: 23 are left for the window.
  const expected = { room: { cols: 90, rows: 23 }, window: { cols: 120, rows: 30 }, smaller: true };
  await pairSizeReaches(shares, expected);
  const status = await statusOfPairSize();
  assert.deepEqual(status.json, expected);
  // A bare server never says who is connected, but the share's presence watcher sees that someone is in.
  assert.equal(
    status.line?.trim(),
    "pair's size:   Your pair's terminal has room for 90×23 of your 120×30 window: they see only part of it.",
  );
  assert.match(
    (await sandbox.cli(['status'])).stdout,
    /Ask them to enlarge their terminal\. Or end the pair and share again with pair\.size follow/,
  );
});

test('a pair on a larger terminal, and no pair yet: nothing is reported', async () => {
  await userSession120x30();
  const { shares } = sandbox.runtime();
  currentShare = await shares.share({ session: 'work' });
  const host = await server.nextConnection();
  // Before anyone joins, tmate's window is the presence watcher's 500x200, larger than 120x30 but nobody's.
  await waitFor(
    "tmate's client on the session",
    async () => (await shares.checkPairClients())[0]?.pairClient === 'on-session',
  );
  await waitFor(
    "the watcher's size",
    () => tmate(currentShare!, ['display-message', '-p', '#{window_width}x#{window_height}']).trim() === '500x200',
  );
  assert.deepEqual(await statusOfPairSize(), { line: undefined, json: null });

  await pairJoins(host, currentShare, { cols: 150, rows: 40 });
  const roomy = { room: { cols: 150, rows: 39 }, window: { cols: 120, rows: 30 }, smaller: false };
  await pairSizeReaches(shares, roomy);
  const status = await statusOfPairSize();
  assert.equal(status.line, undefined);
  assert.deepEqual(status.json, roomy);
});

test('a server that reports pairs: said while the pair is connected, not once they have left', async () => {
  world.server = server = await switchServer(sandbox, server, { mode: 'tmate.io' });
  await userSession120x30();
  const { shares } = sandbox.runtime();
  currentShare = await shares.share({ session: 'work' });
  const host = await server.nextConnection();
  await pairJoins(host, currentShare, { cols: 100, rows: 25 });
  await waitFor('the join heard', () => shares.get(currentShare!.id)?.clients === 1);
  assert.equal((await pairSizeOnceChecked(shares, (size) => size !== null))?.smaller, true);
  assert.equal(
    (await statusOfPairSize()).line?.trim(),
    "pair's size:   Your pair's terminal has room for 100×24 of your 120×30 window: they see only part of it.",
  );

  host.pairLeave();
  await waitFor('the leave heard', () => shares.get(currentShare!.id)?.clients === 0);
  // tmate keeps the last size it was told; with the presence watcher's client it is back at 500x200 at once.
  await waitFor(
    "the watcher's size again",
    () => tmate(currentShare!, ['display-message', '-p', '#{window_width}x#{window_height}']).trim() === '500x200',
  );
  assert.equal((await shares.checkPairClients())[0]?.pairSize, null);
  assert.deepEqual(await statusOfPairSize(), { line: undefined, json: null });
});

/** The user's session with two windows, the user looking at window 0. */
async function twoWindows(): Promise<string> {
  const id = sandbox.newSession('work', 'default', 'sh');
  sandbox.tmux(['send-keys', '-t', `${id}:0`, 'echo IN-WINDOW-ZERO', 'Enter']);
  sandbox.tmux(['new-window', '-d', '-t', `${id}:1`, 'sh']);
  sandbox.tmux(['send-keys', '-t', `${id}:1`, 'echo IN-WINDOW-ONE', 'Enter']);
  sandbox.attachUserClient(id);
  await sandbox.waitForClients(id, 1);
  assert.equal(currentWindow(id), '0');
  return id;
}

function currentWindow(target: string): string {
  return sandbox.tmux(['display-message', '-p', '-t', target, '#{window_index}']).trim();
}

function sessionNames(): string[] {
  return sandbox.tmux(['list-sessions', '-F', '#{session_name}']).split('\n').filter(Boolean).sort();
}

test("pair.view independent: the pair switches windows without moving the user's; stop removes only the view session", async () => {
  const id = await twoWindows();
  const userClients = sandbox.clientsOf(id);
  await sandbox.setPrefs({ 'pair.view': 'independent' });
  const runtime = sandbox.runtime();
  currentShare = await runtime.shares.share({ session: 'work' });
  const host = await server.nextConnection();
  assert.equal(currentShare.view, 'independent');
  assert.match(currentShare.viewSession ?? '', /^\$\d+$/);
  assert.notEqual(currentShare.viewSession, id);
  assert.deepEqual(sessionNames(), [`pairbar-view-${currentShare.id}`, 'work']);
  assert.equal(
    sandbox.tmux(['display-message', '-p', '-t', currentShare.viewSession!, '#{session_group}']).trim(),
    'work',
    "grouped with the user's session",
  );
  // The popover and `pairbar sessions` list the user's sessions only.
  const listed = (await listServers(await runtime.tmux()))
    .find((entry) => entry.isDefault)
    ?.sessions.map((session) => session.name);
  assert.deepEqual(listed, ['work']);

  await host.waitForOutput('IN-WINDOW-ZERO');
  // The pair presses tmux's prefix and 1 in their terminal.
  tmate(currentShare, ['send-keys', 'C-b', '1']);
  await host.waitForOutput('IN-WINDOW-ONE');
  await waitFor('the pair on window 1', () => currentWindow(currentShare!.viewSession!) === '1');
  assert.equal(currentWindow(id), '0', 'the user still sees window 0');
  assert.ok(sandbox.capture(id).includes('IN-WINDOW-ZERO'));

  await runtime.shares.stop(currentShare.id);
  await host.closed;
  assert.deepEqual(sessionNames(), ['work']);
  assert.equal(
    sandbox.tmux(['list-windows', '-t', id, '-F', '#{window_index}']).trim(),
    '0\n1',
    "both windows are still the user's",
  );
  assert.deepEqual(sandbox.clientsOf(id), userClients, 'the user is still attached');
  assert.equal(currentWindow(id), '0');
});

test("pair.view independent, the user kills their own session: the app's share ends with the reason on its card; no tmate and no view session left", async () => {
  const id = await twoWindows();
  // Another session keeps this tmux server running (with none left, the server exits, which its own message says).
  sandbox.newSession('other', 'default', 'sh');
  const app = new AppState(sandbox.runtime());
  await app.refresh();
  const shared = await app.share({ session: 'work', socket: sandbox.socket() }, { view: 'independent' });
  assert.ok(shared.ok, shared.ok ? '' : shared.error.message);
  const host = await server.nextConnection();
  assert.deepEqual(sessionNames(), ['other', `pairbar-view-${shared.value.id}`, 'work']);

  sandbox.tmux(['kill-session', '-t', id]);
  await host.closed;
  const card = await waitFor('the card says why', () =>
    app.snapshot().shares.find((view) => view.id === shared.value.id && view.state === 'failed'),
  );
  assert.equal(card.error?.code, 'SHARED_SESSION_CLOSED');
  assert.match(card.error?.message ?? '', /"work" was closed, so sharing it ended/);
  await waitFor('no tmate left', () => sandbox.tmatePids().length === 0);
  assert.deepEqual(
    sessionNames(),
    ['other'],
    "the view session went with the share; the user's other session is untouched",
  );
});

test('pair.view independent, shared by the command, the user kills their own session: `pairbar status` says the share ended and why; nothing left', async () => {
  const id = await twoWindows();
  sandbox.newSession('other', 'default', 'sh');
  const shared = await sandbox.cli(['share', 'work', '--view', 'independent']);
  assert.equal(shared.code, 0, shared.stderr);
  const host = await server.nextConnection();

  sandbox.tmux(['kill-session', '-t', id]);
  // Nobody follows a share the command started, and its view session can keep tmate attached: the next look
  // ends it (or, where tmate went with the session, says why it went).
  const status = await sandbox.cli(['status', '--json']);
  assert.equal(status.code, 0, status.stderr);
  const [ended, ...more] = JSON.parse(status.stdout) as { session: string; state: string; error?: { code: string } }[];
  assert.deepEqual(more, []);
  assert.deepEqual([ended?.session, ended?.state, ended?.error?.code], ['work', 'failed', 'SHARED_SESSION_CLOSED']);
  await host.closed;
  await waitFor('no tmate left', () => sandbox.tmatePids().length === 0);
  assert.match(
    (await sandbox.cli(['status'])).stdout,
    /Nothing is shared/,
    'said once: the next look finds nothing left',
  );
  assert.deepEqual(sessionNames(), ['other']);
});

test("pair.view follow (the default): the same keys move the user's view, which is what independent prevents", async () => {
  const id = await twoWindows();
  const { shares } = sandbox.runtime();
  currentShare = await shares.share({ session: 'work' });
  assert.equal(currentShare.view, 'follow');
  assert.equal(currentShare.viewSession, null);
  const host = await server.nextConnection();
  await host.waitForOutput('IN-WINDOW-ZERO');
  tmate(currentShare, ['send-keys', 'C-b', '1']);
  await waitFor('the user moved to window 1', () => currentWindow(id) === '1');
  assert.deepEqual(sessionNames(), ['work']);
});

/** An independent share of `work` whose process has gone (its shares go on without it). */
async function independentShareLeftBehind(): Promise<Share> {
  const runtime = sandbox.runtime();
  const share = await runtime.shares.share({ session: 'work' }, { view: 'independent' });
  runtime.shares.close();
  await server.nextConnection();
  return share;
}

test("an independent view outlives no crash: tmux drops it with tmate's client, and adoption removes one tmux kept", async () => {
  const id = await twoWindows();
  const crashed = await independentShareLeftBehind();
  process.kill(crashed.pid, 'SIGKILL');
  await waitFor("the view session gone with tmate's client", () => sessionNames().length === 1);
  assert.deepEqual(sessionNames(), ['work']);

  // A view session tmux did not drop by itself (its destroy-unattached turned off) is adoption's to remove.
  const kept = await independentShareLeftBehind();
  sandbox.tmux(['set-option', '-t', kept.viewSession!, 'destroy-unattached', 'off']);
  process.kill(kept.pid, 'SIGKILL');
  await waitFor('tmate gone', () => sandbox.tmatePids().length === 0);
  await waitFor("tmate's client gone", () => sandbox.clientsOf(kept.viewSession!).length === 0);
  assert.deepEqual(sessionNames(), [`pairbar-view-${kept.id}`, 'work']);
  assert.deepEqual(await sandbox.runtime().shares.adopt(), []);
  assert.deepEqual(sessionNames(), ['work']);
  assert.equal(sandbox.clientsOf(id).length, 1, 'the user is still attached');
  assert.equal(sandbox.tmux(['list-windows', '-t', id, '-F', '#{window_index}']).trim(), '0\n1');
});

test("adoption never removes a session that merely has the recorded id: the name must be the view session's", async () => {
  const id = await twoWindows();
  const share = await independentShareLeftBehind();
  // As after a tmux restart: the recorded id now names one of the user's sessions.
  const record = join(sandbox.env.PAIRBAR_RUNTIME_DIR!, share.id, 'share.json');
  writeFileSync(record, JSON.stringify({ ...JSON.parse(readFileSync(record, 'utf8')), viewSession: id }));
  process.kill(share.pid, 'SIGKILL');
  await waitFor('tmate gone', () => sandbox.tmatePids().length === 0);
  await sandbox.runtime().shares.adopt();
  assert.deepEqual(sessionNames(), ['work']);
  assert.equal(sandbox.clientsOf(id).length, 1);
});

test('pairbar share --view independent: the pair gets a view of its own; a bad --view or --size is refused before anything starts', async () => {
  await twoWindows();
  const bad = await sandbox.cli(['share', 'work', '--view', 'sideways']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /Cannot set pair\.view: expected one of follow, independent/);
  assert.match((await sandbox.cli(['share', 'work', '--size', 'tiny'])).stderr, /expected one of follow, mine/);
  assert.deepEqual(sandbox.tmatePids(), []);

  const shared = await sandbox.cli(['share', 'work', '--view', 'independent']);
  assert.equal(shared.code, 0, shared.stderr);
  assert.match(shared.stdout, /view: +independent/);
  const sessions = await sandbox.cli(['sessions']);
  assert.match(sessions.stdout, /^work /m);
  assert.doesNotMatch(sessions.stdout, /pairbar-view/, "the view session is the share's, not listed as the user's");
  assert.equal(sessionNames().filter((name) => name.startsWith('pairbar-view-')).length, 1);
  assert.equal((await sandbox.cli(['stop', 'work'])).code, 0);
  assert.deepEqual(sessionNames(), ['work']);
});

test("new links (rotate) keep the share's size and view: a fresh view session replaces the old one", async () => {
  const id = await twoWindows();
  const { shares } = sandbox.runtime();
  const first = await shares.share({ session: 'work' }, { view: 'independent', size: 'follow' });
  await server.nextConnection();
  const rotated = await shares.rotate(first.id);
  await server.nextConnection();
  assert.equal(rotated.view, 'independent');
  assert.equal(rotated.size, 'follow');
  assert.notEqual(rotated.viewSession, first.viewSession);
  assert.deepEqual(
    sessionNames(),
    [`pairbar-view-${rotated.id}`, 'work'],
    'the old view session is gone, the new one made',
  );
  assert.equal(sandbox.clientsOf(id).length, 1, 'the user is still attached');
});
