/**
 * Who is in, for real shares: each share's presence watcher (a detached `pairbar __presence`) against real
 * tmux, real tmate 2.4.0 and the test tmate server, with real ssh pairs (bare mode) or the server's count
 * (tmate.io mode). What the user checks: the share says someone is in, since when and their size, and nobody
 * once they left; the watcher goes with the share and comes back for an adopted one; `pair.size follow`
 * leaves the user's window alone until someone joins; a share set to end when empty ends.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parsePresenceLine } from '../../main/core/presence.ts';
import { presenceOf } from '../../main/core/share-rules.ts';
import type { Share } from '../../main/core/shares.ts';
import { pidAlive } from '../../main/core/tmate.ts';
import { PairKeys, type PairKey } from '../support/pair-ssh.ts';
import { PairTerminal } from '../support/pair-terminal.ts';
import { PAIRBAR_BIN, switchServer, waitFor } from '../support/sandbox.ts';
import { worldPerTest } from '../support/world.ts';
import { spawn } from 'node:child_process';

const world = worldPerTest();

async function pairKey(t: { after: (fn: () => Promise<void>) => void }): Promise<PairKey> {
  const keys = await PairKeys.create();
  t.after(() => keys.dispose());
  return keys.key('pair');
}

/** The pid of the share's watcher, from the 'watching' line it wrote. */
async function watcherPid(share: Share): Promise<number> {
  const log = join(world.sandbox.env.PAIRBAR_RUNTIME_DIR!, share.id, 'presence.log');
  return waitFor("the watcher's first line", async () => {
    const text = await readFile(log, 'utf8').catch(() => '');
    const watching = text
      .split('\n')
      .map(parsePresenceLine)
      .filter((event) => event?.kind === 'watching');
    const last = watching.at(-1);
    return last?.kind === 'watching' ? last.pid : undefined;
  });
}

interface StatusEntry {
  session: string;
  present: boolean | null;
  presentSince: string | null;
  clients: number | null;
  pairSize: { cols: number; rows: number } | null;
}

async function statusOf(session: string): Promise<StatusEntry> {
  const status = await world.sandbox.cli(['status', '--json']);
  assert.equal(status.code, 0, status.stderr);
  const entry = (JSON.parse(status.stdout) as StatusEntry[]).find((candidate) => candidate.session === session);
  assert.ok(entry, status.stdout);
  return entry;
}

test(
  'bare server: real ssh pairs joining, resizing and leaving are seen by the share (since when, their size), in status --json too; the watcher goes with the share',
  { timeout: 120_000 },
  async (t) => {
    world.sandbox.newSession('work', 'default', 'sh');
    const { shares } = world.sandbox.runtime();
    const share = await shares.share({ session: 'work' });
    const host = await world.server.nextConnection();
    assert.equal(share.watched, true);
    assert.deepEqual(presenceOf(share), { present: false, since: share.startedAt, clients: null, pairSize: null });
    const pid = await watcherPid(share);
    assert.equal(pidAlive(pid), true);
    const seen: string[] = [];
    shares.on('presence', (now, before) =>
      seen.push(`${before.present ? 'in' : 'out'}->${now.presence?.present ? 'in' : 'out'}`),
    );

    const key = await pairKey(t);
    const joinedAt = Date.now();
    const pair = await PairTerminal.join(world.server, host, host.links.ssh, key, { cols: 90, rows: 25 });
    t.after(() => pair.leave());
    const inNow = await waitFor('someone in', () => {
      const s = shares.get(share.id)!;
      return presenceOf(s).present ? s : undefined;
    });
    const view = presenceOf(inNow);
    assert.deepEqual(view.pairSize, { cols: 90, rows: 24 });
    assert.equal(view.clients, null, 'a bare server gives no count');
    assert.ok(view.since !== null && view.since >= joinedAt, 'since the pair joined');
    const status = await statusOf('work');
    assert.equal(status.present, true);
    assert.equal(status.presentSince, new Date(view.since).toISOString());
    assert.equal(status.clients, null);
    assert.deepEqual(status.pairSize, { cols: 90, rows: 24 });

    const human = await world.sandbox.cli(['status']);
    assert.match(
      human.stdout,
      /^ {2}who is in {6}Someone is in since \d\d:\d\d(:\d\d)?.* \(their terminal 90×24\) \(this server doesn't say who or how many\)$/m,
    );

    await pair.resize({ cols: 100, rows: 31 });
    await waitFor('their new size', () => presenceOf(shares.get(share.id)!).pairSize?.cols === 100);
    assert.deepEqual(presenceOf(shares.get(share.id)!).pairSize, { cols: 100, rows: 30 });
    assert.equal(presenceOf(shares.get(share.id)!).since, view.since, 'a resize is not a new arrival');

    await pair.leave(host);
    await waitFor('nobody in', () => presenceOf(shares.get(share.id)!).present === false);
    assert.deepEqual(await statusOf('work'), {
      ...(await statusOf('work')),
      present: false,
      clients: null,
      pairSize: null,
    });
    assert.deepEqual(seen, ['out->in', 'in->in', 'in->out'], 'joined, resized, left');

    await shares.stop(share.id);
    assert.equal(pidAlive(pid), false, 'the watcher ended with the share');
    assert.deepEqual(world.sandbox.tmatePids(), []);
  },
);

test("tmate.io-style server: the count is the server's, and presence follows it", { timeout: 60_000 }, async () => {
  world.server = await switchServer(world.sandbox, world.server, { mode: 'tmate.io' });
  world.sandbox.newSession('work', 'default', 'sh');
  const { shares } = world.sandbox.runtime();
  const share = await shares.share({ session: 'work' });
  const host = await world.server.nextConnection();
  host.pairJoin('203.0.113.5', { cols: 90, rows: 24 });
  host.pairJoin('203.0.113.6', { cols: 70, rows: 19 });
  await waitFor('two pairs counted', () => presenceOf(shares.get(share.id)!).clients === 2);
  await waitFor('the watcher agrees', () => shares.get(share.id)!.presence?.present === true);
  assert.deepEqual(presenceOf(shares.get(share.id)!).pairSize, { cols: 70, rows: 19 });
  const status = await statusOf('work');
  assert.equal(status.clients, 2);
  assert.equal(status.present, true);
  host.pairLeave('203.0.113.5');
  host.pairLeave('203.0.113.6');
  await waitFor('nobody counted', () => presenceOf(shares.get(share.id)!).clients === 0);
  assert.equal(presenceOf(shares.get(share.id)!).present, false);
});

test(
  'an adopted share whose watcher is gone gets one back, and joins are seen again',
  { timeout: 90_000 },
  async (t) => {
    world.sandbox.newSession('work', 'default', 'sh');
    const first = world.sandbox.runtime();
    const share = await first.shares.share({ session: 'work' });
    const host = await world.server.nextConnection();
    const old = await watcherPid(share);
    first.shares.close();
    process.kill(old, 'SIGKILL');
    await waitFor('the old watcher gone', () => !pidAlive(old));

    const later = world.sandbox.runtime();
    await later.shares.adopt();
    const again = await waitFor('a new watcher', async () => {
      const pid = await watcherPid(share);
      return pid !== old ? pid : undefined;
    });
    assert.equal(pidAlive(again), true);
    const pair = await PairTerminal.join(world.server, host, host.links.ssh, await pairKey(t), { cols: 80, rows: 20 });
    t.after(() => pair.leave());
    await waitFor(
      'someone in, seen by the adopting process',
      () => presenceOf(later.shares.get(share.id)!).present === true,
    );
    assert.deepEqual(presenceOf(later.shares.get(share.id)!).pairSize, { cols: 80, rows: 19 });
    // A second adoption finds the watcher alive and starts none.
    const third = world.sandbox.runtime();
    await third.shares.adopt();
    assert.equal(await watcherPid(share), again);
    assert.equal(presenceOf(third.shares.get(share.id)!).present, true, 'replayed from presence.log');
  },
);

test(
  "pair.size follow: the user's window keeps its size until someone joins, takes theirs while they are in, and comes back when they leave",
  { timeout: 90_000 },
  async (t) => {
    const id = world.sandbox.newSession('work', 'default', 'sh');
    world.sandbox.attachUserClient(id, { cols: 120, rows: 30 });
    await world.sandbox.waitForClients(id, 1);
    const windowSize = () =>
      world.sandbox.tmux(['display-message', '-p', '-t', id, '#{window_width}x#{window_height}']).trim();
    const before = windowSize();
    const { shares } = world.sandbox.runtime();
    const share = await shares.share({ session: 'work' }, { size: 'follow' });
    const host = await world.server.nextConnection();
    await world.sandbox.waitForClients(id, 2);
    await watcherPid(share);
    await waitFor('the watcher says nobody', async () =>
      (await readFile(join(world.sandbox.env.PAIRBAR_RUNTIME_DIR!, share.id, 'presence.log'), 'utf8')).includes(
        '"out"',
      ),
    );
    // The user types (the latest client, by tmux's rule): still their size, not tmate's 80x24 nor the watcher's.
    world.sandbox.tmux(['send-keys', 'echo FROM-USER', 'Enter'], 'user-terminal');
    await waitFor("the user's echo", () => world.sandbox.capture(`${id}:`).includes('FROM-USER'));
    assert.equal(windowSize(), before);

    const pair = await PairTerminal.join(world.server, host, host.links.ssh, await pairKey(t), { cols: 90, rows: 25 });
    t.after(() => pair.leave());
    await waitFor('someone in', () => presenceOf(shares.get(share.id)!).present === true);
    // Their terminal is the latest to type: the window takes its size (less the session's status line), as
    // tmux does without Pairbar.
    const tmateSocket = join(world.sandbox.env.PAIRBAR_RUNTIME_DIR!, share.id, 'tmate.sock');
    const { execFileSync } = await import('node:child_process');
    execFileSync('/usr/bin/tmate', ['-S', tmateSocket, 'send-keys', 'echo FROM-PAIR', 'Enter'], {
      env: world.sandbox.env,
    });
    await waitFor("the window at the pair's size", () => windowSize() === '90x23');
    await pair.leave(host);
    await waitFor('nobody in', () => presenceOf(shares.get(share.id)!).present === false);
    world.sandbox.tmux(['send-keys', 'echo AGAIN', 'Enter'], 'user-terminal');
    await waitFor("the user's size again", () => windowSize() === before);
  },
);

test(
  'end when empty: a share nobody joins ends that long after it started; one somebody joined ends that long after they left, not while they are in',
  { timeout: 120_000 },
  async (t) => {
    world.sandbox.newSession('lonely', 'default', 'sh');
    world.sandbox.newSession('visited', 'default', 'sh');
    const { shares } = world.sandbox.runtime();
    const ended = new Map<string, number>();
    shares.on('ended', (share) => ended.set(share.session, Date.now()));
    const lonely = await shares.share({ session: 'lonely' }, { endWhenEmptyMs: 2_000 });
    await world.server.nextConnection();
    assert.equal(lonely.endWhenEmptyMs, 2_000);

    const lonelyEnded = await waitFor('the lonely share ended', () => ended.get('lonely'), 20_000);
    assert.ok(lonelyEnded >= lonely.startedAt + 2_000, 'not before its time');

    const visited = await shares.share({ session: 'visited' }, { endWhenEmptyMs: 2_000 });
    const host = await world.server.nextConnection();
    const pair = await PairTerminal.join(world.server, host, host.links.ssh, await pairKey(t), { cols: 90, rows: 25 });
    t.after(() => pair.leave());
    await waitFor('someone in', () => presenceOf(shares.get(visited.id)!).present === true);
    assert.match((await world.sandbox.cli(['status'])).stdout, /^ {2}ends {11}2 s after the last pair leaves$/m);
    // Well past the time after the start: someone is in, so it goes on.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    assert.equal(shares.get(visited.id)?.state, 'sharing');
    const leftAt = Date.now();
    await pair.leave(host);
    const visitedEnded = await waitFor('the visited share ended', () => ended.get('visited'), 20_000);
    assert.ok(visitedEnded >= leftAt + 2_000, 'not before its time after the last left');
    assert.deepEqual(world.sandbox.tmatePids(), []);
  },
);

test(
  'end when empty is refused where Pairbar cannot see who is in (tmux older than 3.2), with the fix',
  { timeout: 60_000 },
  async () => {
    await world.sandbox.useTmuxReporting('3.1c');
    world.sandbox.newSession('work', 'default', 'sh');
    const { shares } = world.sandbox.runtime();
    await assert.rejects(
      shares.share({ session: 'work' }, { endWhenEmptyMs: 60_000 }),
      /older than 3\.2[\s\S]*share\.endWhenEmptyMinutes 0/,
    );
    assert.deepEqual(shares.list(), []);
    const plain = await shares.share({ session: 'work' });
    assert.equal(plain.watched, false);
    assert.equal(presenceOf(plain).present, null, 'nobody can know');
  },
);

test(
  'pairbar events work --json: one JSON line as each thing happens, and it exits when the share ends',
  { timeout: 90_000 },
  async (t) => {
    world.sandbox.newSession('work', 'default', 'sh');
    const shared = await world.sandbox.cli(['share', 'work']);
    assert.equal(shared.code, 0, shared.stderr);
    const host = await world.server.nextConnection();
    const child = spawn(process.execPath, [PAIRBAR_BIN, 'events', 'work', '--json'], {
      env: world.sandbox.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
    t.after(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    const lines = () =>
      out
        .split('\n')
        .filter(Boolean)
        .map(
          (line) =>
            JSON.parse(line) as {
              event: string;
              present: boolean | null;
              pairSize: unknown;
              presentSince: string | null;
            },
        );
    await waitFor('the state line', () => lines().length >= 1);
    assert.deepEqual([lines()[0]?.event, lines()[0]?.present], ['state', false]);

    const pair = await PairTerminal.join(world.server, host, host.links.ssh, await pairKey(t), { cols: 90, rows: 25 });
    t.after(() => pair.leave());
    await waitFor('a joined line', () => lines().some((line) => line.event === 'joined'));
    const joined = lines().find((line) => line.event === 'joined')!;
    assert.equal(joined.present, true);
    assert.deepEqual(joined.pairSize, { cols: 90, rows: 24 });
    assert.ok(joined.presentSince !== null);
    await pair.leave(host);
    await waitFor('a left line', () => lines().some((line) => line.event === 'left'));
    assert.equal((await world.sandbox.cli(['stop', 'work'])).code, 0);
    assert.equal(await exited, 0);
    assert.deepEqual(
      lines().map((line) => line.event),
      ['state', 'joined', 'left', 'ended'],
    );
  },
);
