/**
 * Where the pair's terminal is. The tmux client inside tmate is a plain `tmux attach`: a read-write pair can
 * type `C-b :` `switch-client -t OTHER` and be on a session that was never shared, or `detach-client -E CMD`
 * and run CMD outside tmux. Pairbar cannot stop that (the pair has a shell anyway), but the user must see it:
 * the share's `pairClient` says where the pair's client is, checked on each status and snapshot refresh.
 * Real tmux, real tmate, the test tmate server; the pair's keys go in through tmate's own pane.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clearBinaryCache } from '../../main/core/binaries.ts';
import { pairClientOf, pairSizeOf, parseClients, type ClientInfo } from '../../main/core/pair-client.ts';
import { spawnedSoFar } from '../../main/core/process.ts';
import type { Share, Shares } from '../../main/core/shares.ts';
import { AppState } from '../../main/app/app-state.ts';
import { PairAtTheKeyboard } from '../support/pair-tmux.ts';
import { switchServer, waitFor } from '../support/sandbox.ts';
import { worldPerTest } from '../support/world.ts';

const world = worldPerTest();

const pairAt = (share: Share) => new PairAtTheKeyboard(world.sandbox.env, share.id);
const pairRunsTmuxCommand = (share: Share, command: string) => pairAt(share).runsTmuxCommand(command);

/** The session each client of the user's server is on. */
function clientSessions(): string[] {
  return world.sandbox.tmux(['list-clients', '-F', '#{session_id}']).split('\n').filter(Boolean).sort();
}

async function statusJson(): Promise<Array<{ session: string; pairClient: string; pairClientSession: string | null }>> {
  const status = await world.sandbox.cli(['status', '--json']);
  assert.equal(status.code, 0, status.stderr);
  return JSON.parse(status.stdout);
}

test('the pair switching to another session, coming back, then leaving tmux: status says each, and End pair still ends it', async () => {
  const work = world.sandbox.newSession('work', 'default', 'sh');
  const secret = world.sandbox.newSession('secret', 'default', 'sh');
  world.sandbox.attachUserClient(work);
  await world.sandbox.waitForClients(work, 1);
  const runtime = world.sandbox.runtime();
  const share = await runtime.shares.share({ session: 'work' });
  await world.server.nextConnection();
  await world.sandbox.waitForClients(work, 2);

  let [shown] = await statusJson();
  assert.deepEqual([shown?.pairClient, shown?.pairClientSession], ['on-session', 'work']);

  await pairRunsTmuxCommand(share, 'switch-client -t secret');
  await waitFor("the pair's client on secret", () => clientSessions().includes(secret));
  assert.deepEqual(clientSessions(), [work, secret].sort(), 'the user on work, the pair on secret');
  [shown] = await statusJson();
  assert.deepEqual([shown?.pairClient, shown?.pairClientSession], ['elsewhere', 'secret']);
  const human = await world.sandbox.cli(['status']);
  assert.match(human.stdout, /the pair's terminal is on another session, "secret", that was never shared/);
  assert.match(human.stdout, /pairbar stop work/);

  // The app's snapshot says the same on its next refresh.
  const state = new AppState(runtime);
  let snapshot = await state.refresh();
  assert.deepEqual(
    snapshot.shares.map((view) => [view.id, view.pairClient, view.pairClientSession]),
    [[share.id, 'elsewhere', 'secret']],
  );

  await pairRunsTmuxCommand(share, `switch-client -t ${work}`);
  await waitFor('the pair back on work', () => clientSessions().every((id) => id === work));
  snapshot = await state.refresh();
  assert.deepEqual(
    snapshot.shares.map((view) => view.pairClient),
    ['on-session'],
  );

  // detach-client -E replaces the pair's tmux client with a command run outside tmux.
  await pairRunsTmuxCommand(share, 'detach-client -E "exec sleep 600"');
  await waitFor("the pair's client gone from the user's server", () => clientSessions().length === 1);
  [shown] = await statusJson();
  assert.deepEqual([shown?.pairClient, shown?.pairClientSession], ['gone', null]);
  assert.match((await world.sandbox.cli(['status'])).stdout, /the pair's terminal has left tmux/);
  snapshot = await state.refresh();
  assert.deepEqual(
    snapshot.shares.map((view) => view.pairClient),
    ['gone'],
  );

  // End pair ends it all, the command outside tmux included; the user's own client stays.
  const stopped = await world.sandbox.cli(['stop', 'work']);
  assert.equal(stopped.code, 0, stopped.stderr);
  assert.deepEqual(clientSessions(), [work]);
  assert.deepEqual(world.sandbox.tmatePids(), []);
});

test('checking costs nothing while idle, and one tmux call per server when asked, also from a process that adopted the shares', async () => {
  world.sandbox.newSession('work', 'default', 'sh');
  world.sandbox.newSession('side', 'default', 'sh');
  // As in a first process: tmux and tmate are looked up (and their versions recorded) for this sandbox.
  clearBinaryCache();
  const { shares } = world.sandbox.runtime();
  await shares.share({ session: 'work' });
  await shares.share({ session: 'side' });
  const idle = spawnedSoFar();
  await new Promise((resolve) => setTimeout(resolve, 1000));
  assert.equal(spawnedSoFar() - idle, 0, 'nothing is spawned between checks');
  const before = spawnedSoFar();
  const checked = await shares.checkPairClients();
  assert.deepEqual(
    checked.map((share) => share.pairClient),
    ['on-session', 'on-session'],
  );
  assert.equal(
    spawnedSoFar() - before,
    1,
    "one tmux list-clients for the server: the panes' pids were learnt when the shares became ready",
  );

  // Another process (`pairbar status`): it adopts both from share.json and knows the versions tmux and tmate
  // printed before, so its whole check is the same one call.
  clearBinaryCache();
  const later = world.sandbox.runtime();
  const adopting = spawnedSoFar();
  await later.shares.adopt();
  const seen = await later.shares.checkPairClients();
  assert.deepEqual(
    seen.map((share) => share.pairClient),
    ['on-session', 'on-session'],
  );
  assert.equal(spawnedSoFar() - adopting, 1, 'no `tmux -V`, `tmate -V` or `tmate display`: one tmux list-clients');
  later.shares.close();
});

test("a server that says who is in: right after the start, with nobody in, where the pair's client is costs no tmux call; once a pair joined, one", async () => {
  world.server = await switchServer(world.sandbox, world.server, { mode: 'tmate.io' });
  const work = world.sandbox.newSession('work', 'default', 'sh');
  const { shares } = world.sandbox.runtime();
  const share = await shares.share({ session: 'work' });
  const host = await world.server.nextConnection();
  assert.equal(share.clients, 0, 'the server said nobody is in');
  await world.sandbox.waitForClients(work, 1);
  let before = spawnedSoFar();
  let [checked] = await shares.checkPairClients();
  assert.deepEqual([checked?.pairClient, checked?.pairClientSession, checked?.pairSize], ['on-session', 'work', null]);
  assert.equal(
    spawnedSoFar() - before,
    0,
    "tmate's client is on the session it was started on, and nobody can have moved it",
  );

  // The presence watcher's news of the join makes a check of its own: counted only once that one is done.
  const seenIn = presenceSays(shares, true);
  host.pairJoin();
  await waitFor('the pair in', () => shares.find('work')?.clients === 1);
  await seenIn;
  before = spawnedSoFar();
  [checked] = await shares.checkPairClients();
  assert.deepEqual([checked?.pairClient, checked?.pairClientSession], ['on-session', 'work']);
  assert.equal(spawnedSoFar() - before, 1, 'a pair has been in: tmux is asked, in one list-clients');

  // Gone again: the pair may have moved their client before leaving, so tmux is still asked.
  const seenOut = presenceSays(shares, false);
  host.pairLeave();
  await waitFor('the pair out', () => shares.find('work')?.clients === 0);
  await seenOut;
  before = spawnedSoFar();
  await shares.checkPairClients();
  assert.equal(spawnedSoFar() - before, 1);
  await shares.stop(share.id);
});

/** Resolves once the share's presence event says `present`: the check it makes has then been made. */
function presenceSays(shares: Shares, present: boolean): Promise<void> {
  return new Promise((resolve) => {
    const heard = (share: Share): void => {
      if (share.presence?.present !== present) return;
      shares.off('presence', heard);
      resolve();
    };
    shares.on('presence', heard);
  });
}

test("pairClientOf: the client with the pane's pid decides; a name holding the separator kept whole", () => {
  const line = (...fields: string[]) => fields.join('\x1f');
  const clients = parseClients(
    [
      line('100', '$1', '90', '24', '120', '30', 'on', '0', '/dev/pts/4', 'work'),
      line('200', '$2', '90', '24', '120', '30', 'on', '1', '/dev/pts/5', 'a\x1fb name'),
      'garbage',
      '',
    ].join('\n'),
  );
  assert.deepEqual(clients, [
    {
      pid: 100,
      sessionId: '$1',
      sessionName: 'work',
      size: { cols: 90, rows: 24 },
      window: { cols: 120, rows: 30 },
      statusLines: 1,
      name: '/dev/pts/4',
      readOnly: false,
    },
    {
      pid: 200,
      sessionId: '$2',
      sessionName: 'a\x1fb name',
      size: { cols: 90, rows: 24 },
      window: { cols: 120, rows: 30 },
      statusLines: 1,
      name: '/dev/pts/5',
      readOnly: true,
    },
  ]);
  const smaller = { room: { cols: 90, rows: 23 }, window: { cols: 120, rows: 30 }, smaller: true };
  const rows: Array<[string, number | undefined, string, ReturnType<typeof pairClientOf>]> = [
    [
      'on the shared session',
      100,
      '$1',
      { pairClient: 'on-session', pairClientSession: 'work', pairSize: smaller, pairCanType: true },
    ],
    [
      'on another session: its window was never shared, so no size',
      200,
      '$1',
      { pairClient: 'elsewhere', pairClientSession: 'a\x1fb name', pairSize: null, pairCanType: false },
    ],
    [
      'not a client any more',
      300,
      '$1',
      { pairClient: 'gone', pairClientSession: null, pairSize: null, pairCanType: null },
    ],
    [
      'pane pid unknown (tmate did not answer)',
      undefined,
      '$1',
      { pairClient: 'gone', pairClientSession: null, pairSize: null, pairCanType: null },
    ],
  ];
  for (const [what, pid, sessionId, expected] of rows)
    assert.deepEqual(pairClientOf(clients, pid, sessionId), expected, what);
});

test("pairSizeOf: the room the pair's terminal has for the window, against the window; nothing before the server told a size", () => {
  const client = (
    cols: number,
    rows: number,
    statusLines: number,
    window: [number, number] = [120, 30],
  ): ClientInfo => ({
    pid: 1,
    sessionId: '$1',
    sessionName: 'work',
    size: { cols, rows },
    window: { cols: window[0], rows: window[1] },
    statusLines,
    name: '/dev/pts/4',
    readOnly: false,
  });
  const rows: Array<[string, ClientInfo, ReturnType<typeof pairSizeOf>]> = [
    ["tmate's own 80x24: no size told yet", client(80, 24, 1), null],
    [
      'narrower and shorter',
      client(90, 24, 1),
      { room: { cols: 90, rows: 23 }, window: { cols: 120, rows: 30 }, smaller: true },
    ],
    [
      'as wide, one line short: the status line takes it',
      client(120, 30, 1),
      { room: { cols: 120, rows: 29 }, window: { cols: 120, rows: 30 }, smaller: true },
    ],
    [
      "the user's own terminal size: all of it seen",
      client(120, 31, 1),
      { room: { cols: 120, rows: 30 }, window: { cols: 120, rows: 30 }, smaller: false },
    ],
    [
      "status off: every line is the window's",
      client(120, 30, 0),
      { room: { cols: 120, rows: 30 }, window: { cols: 120, rows: 30 }, smaller: false },
    ],
    [
      'a two-line status',
      client(150, 31, 2),
      { room: { cols: 150, rows: 29 }, window: { cols: 120, rows: 30 }, smaller: true },
    ],
    [
      'wider but shorter',
      client(200, 20, 1),
      { room: { cols: 200, rows: 19 }, window: { cols: 120, rows: 30 }, smaller: true },
    ],
    [
      'larger both ways',
      client(150, 40, 1),
      { room: { cols: 150, rows: 39 }, window: { cols: 120, rows: 30 }, smaller: false },
    ],
    [
      'a window fitted to the pair (pair.size follow)',
      client(90, 24, 1, [90, 23]),
      { room: { cols: 90, rows: 23 }, window: { cols: 90, rows: 23 }, smaller: false },
    ],
  ];
  for (const [what, info, expected] of rows) assert.deepEqual(pairSizeOf(info), expected, what);
  assert.deepEqual(
    parseClients(['1', '$1', '90', '24', '120', '30', 'bogus', '0', '/dev/pts/4', 'work'].join('\x1f')),
    [],
    'a status tmux would not give is no client',
  );
  assert.deepEqual(
    parseClients(['1', '$1', '90', '24', '120', '30', '2', '0', '/dev/pts/4', 'work'].join('\x1f'))[0]?.statusLines,
    2,
  );
  assert.deepEqual(
    parseClients(['1', '$1', '90', '24', '120', '30', 'off', '0', '/dev/pts/4', 'work'].join('\x1f'))[0]?.statusLines,
    0,
  );
  assert.deepEqual(
    parseClients(['1', '$1', '90', '24', '120', '30', 'on', 'yes', '/dev/pts/4', 'work'].join('\x1f')),
    [],
    'a read-only flag tmux would not give is no client',
  );
  assert.deepEqual(
    parseClients(['1', '$1', '90', '24', '120', '30', 'on', '0', '', 'work'].join('\x1f')),
    [],
    'a client without a name cannot be addressed',
  );
});
