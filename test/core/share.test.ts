/**
 * Sharing for real: real tmux on a private socket, real tmate 2.4.0, and the test tmate server on 127.0.0.1.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { execFileSync } from 'node:child_process';
import { spawnedSoFar } from '../../main/core/process.ts';
import type { PairEvent, Share } from '../../main/core/shares.ts';
import { isPairbarError } from '../../main/core/errors.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { Sandbox, startServer, switchServer, TMATE, waitFor } from '../support/sandbox.ts';
import type { TestTmateServer } from '../support/tmate-server.ts';
import { expectStartFailure } from '../support/share-checks.ts';

let sandbox: Sandbox;
let server: TestTmateServer;

beforeEach(async () => {
  sandbox = await Sandbox.create();
  server = await startServer();
  await sandbox.useServer(server);
});

afterEach(async () => {
  await sandbox.dispose();
  await server.close();
});

function shareDirs(): string[] {
  const dir = sandbox.env.PAIRBAR_RUNTIME_DIR!;
  return existsSync(dir) ? readdirSync(dir) : [];
}

function tmateSocketOf(share: Share): string {
  return join(sandbox.env.PAIRBAR_RUNTIME_DIR!, share.id, 'tmate.sock');
}

test("shares an existing session: the links are the server's, the pair sees the session, stop leaves the user attached", async () => {
  server = await switchServer(sandbox, server, { mode: 'tmate.io' });
  const id = sandbox.newSession('work', 'default', 'sh');
  sandbox.tmux(['send-keys', '-t', `${id}:`, 'echo USER-SESSION-MARKER', 'Enter']);
  sandbox.attachUserClient(id);
  await sandbox.waitForClients(id, 1);
  const userClients = sandbox.clientsOf(id);

  const { shares } = sandbox.runtime();
  const before = spawnedSoFar();
  const share = await shares.share({ session: 'work' });
  const spawned = spawnedSoFar() - before;
  const host = await server.nextConnection();

  assert.equal(share.state, 'sharing');
  assert.equal(share.session, 'work');
  assert.deepEqual(share.links, {
    ssh: host.links.ssh,
    sshReadOnly: host.links.sshReadOnly,
    web: host.links.web,
    webReadOnly: host.links.webReadOnly,
  });
  assert.match(share.links.ssh, new RegExp(`^ssh -p${server.port} [A-Za-z0-9]{25}@127\\.0\\.0\\.1$`));
  assert.match(share.links.sshReadOnly, /ro-/);
  assert.equal(share.clients, 0);
  assert.equal(share.reportsPairs, true, 'this server reports who joins');
  assert.equal(share.serverName, 'test');
  assert.ok(spawned <= 6, `spawned ${spawned} processes for one share`);

  // What the pair sees is the user's tmux session (its content), not tmate's tip screen.
  await host.waitForOutput('USER-SESSION-MARKER');
  assert.doesNotMatch(host.output(), /Tip: if you wish|Press <q> or <ctrl-c>/);
  // tmate's own pane is not in a mode (the tip is a mode that swallows keys): input reaches the session.
  const tmateSocket = tmateSocketOf(share);
  assert.equal(
    execFileSync(TMATE, ['-S', tmateSocket, 'display-message', '-p', '#{pane_in_mode}'], {
      env: sandbox.env,
      encoding: 'utf8',
    }).trim(),
    '0',
  );
  execFileSync(TMATE, ['-S', tmateSocket, 'send-keys', 'echo TYPED-BY-PAIR', 'Enter'], { env: sandbox.env });
  await waitFor("the pair's keys in the user's session", () => sandbox.capture(`${id}:`).includes('TYPED-BY-PAIR'));
  // tmate shows no status bar of its own.
  assert.equal(
    execFileSync(TMATE, ['-S', tmateSocket, 'show-options', '-gv', 'status'], {
      env: sandbox.env,
      encoding: 'utf8',
    }).trim(),
    'off',
  );
  assert.equal(sandbox.clientsOf(id).length, 2, "the user and tmate's client");

  await shares.stop(shares.resolve('work').id);
  await host.closed;
  assert.deepEqual(sandbox.clientsOf(id), userClients, "the user's own client is still attached");
  assert.ok(sandbox.capture(`${id}:`).includes('USER-SESSION-MARKER'), 'the session lives on');
  assert.deepEqual(sandbox.tmatePids(), [], 'no tmate process left');
  assert.deepEqual(shareDirs(), [], 'no share directory left');
  assert.deepEqual(shares.list(), []);
});

test('the runtime directory is private to the user', async () => {
  sandbox.newSession('work');
  const { shares } = sandbox.runtime();
  const share = await shares.share({ session: 'work' });
  const { statSync } = await import('node:fs');
  assert.equal(statSync(sandbox.env.PAIRBAR_RUNTIME_DIR!).mode & 0o777, 0o700);
  assert.equal(statSync(join(sandbox.env.PAIRBAR_RUNTIME_DIR!, share.id)).mode & 0o777, 0o700);
  await shares.stop(shares.resolve('work').id);
});

test('session names with shell and tmux syntax: the right session is shared and nothing is executed', async () => {
  const canary = join(sandbox.root, 'pwned');
  const names = [
    `$(touch ${canary})`,
    `x; touch ${canary}`,
    'it\'s "q"',
    '#{session_name}',
    '-lead',
    'ünï ✓',
    'work',
    'work-2',
    '$1',
  ];
  const ids = new Map(names.map((name) => [name, sandbox.newSession(name, 'default', 'sh')]));
  for (const id of ids.values()) sandbox.tmux(['send-keys', '-t', `${id}:`, `echo MARK-${id.slice(1)}-END`, 'Enter']);
  const { shares } = sandbox.runtime();
  for (const [name, id] of ids) {
    const share = await shares.share({ session: name });
    const host = await server.nextConnection();
    assert.equal(share.session, name);
    assert.equal(share.sessionId, id, `${JSON.stringify(name)} shares its own session`);
    await host.waitForOutput(`MARK-${id.slice(1)}-END`);
    for (const other of ids.values()) {
      if (other !== id)
        assert.ok(
          !host.output().includes(`MARK-${other.slice(1)}-END`),
          `${JSON.stringify(name)} does not show ${other}`,
        );
    }
    await shares.stop(shares.resolve(name).id);
  }
  assert.equal(existsSync(canary), false, 'no name was executed by a shell');
  assert.deepEqual(sandbox.tmatePids(), []);
});

test('sharing a session that is already shared returns the existing share; two sessions at once', async () => {
  sandbox.newSession('one');
  sandbox.newSession('two');
  const { shares } = sandbox.runtime();
  const [first, again] = await Promise.all([shares.share({ session: 'one' }), shares.share({ session: 'one' })]);
  assert.equal(first.id, again.id);
  const second = await shares.share({ session: 'two' });
  assert.notEqual(second.id, first.id);
  assert.notEqual(second.links.ssh, first.links.ssh);
  assert.equal((await shares.share({ session: 'one' })).id, first.id);
  assert.deepEqual(
    shares.list().map((share) => [share.session, share.state]),
    [
      ['one', 'sharing'],
      ['two', 'sharing'],
    ],
  );
  assert.equal(server.connections().length, 2);
  assert.equal(sandbox.tmatePids().length, 2);
  await shares.stop(shares.resolve('one').id);
  assert.deepEqual(
    shares.list().map((share) => share.session),
    ['two'],
  );
  assert.equal(sandbox.tmatePids().length, 1);
});

test('two tmux servers each with a session "work", both shared: by name alone the share is refused, with the server it is found; stop by id ends only that one', async () => {
  sandbox.newSession('work');
  sandbox.newSession('work', 'other');
  const { shares } = sandbox.runtime();
  const onDefault = await shares.share({ session: 'work', socket: sandbox.socket() });
  const onOther = await shares.share({ session: 'work', socket: sandbox.socket('other') });
  assert.notEqual(onDefault.id, onOther.id);
  assert.deepEqual([onDefault.socket, onOther.socket], [sandbox.socket(), sandbox.socket('other')]);

  assert.throws(
    () => shares.resolve('work'),
    (error: unknown) => {
      assert.ok(isPairbarError(error));
      assert.equal(error.code, 'INVALID_ARGUMENT');
      assert.match(error.message, /^2 shared sessions are named "work", on different tmux servers/);
      return true;
    },
  );
  assert.equal(sandbox.tmatePids().length, 2, 'nothing was stopped on a guess');

  assert.equal(shares.resolve('work', sandbox.socket('other')).id, onOther.id);
  await shares.stop(onOther.id);
  assert.deepEqual(
    shares.list().map((share) => share.socket),
    [sandbox.socket()],
  );
  assert.equal(shares.find('work')?.id, onDefault.id);
  assert.equal(sandbox.tmatePids().length, 1);
  await shares.stop(shares.resolve('work').id);
  assert.deepEqual(sandbox.tmatePids(), []);
});

test('a new blank terminal is shared as a new tmux session the user can attach to', async () => {
  const { shares } = sandbox.runtime();
  const share = await shares.share({});
  assert.equal(share.blank, true);
  assert.equal(share.session, 'pair');
  assert.equal(share.state, 'sharing');
  assert.ok(sandbox.tmux(['list-sessions', '-F', '#{session_name}']).split('\n').includes('pair'));
  await shares.stop(shares.resolve('pair').id);
  assert.ok(
    sandbox.tmux(['list-sessions', '-F', '#{session_name}']).split('\n').includes('pair'),
    'the session stays for the user',
  );
});

test('pairs joining and leaving update the count and raise events', async () => {
  server = await switchServer(sandbox, server, { mode: 'tmate.io' });
  sandbox.newSession('work');
  const { shares } = sandbox.runtime();
  await shares.share({ session: 'work' });
  const host = await server.nextConnection();
  const events: PairEvent[] = [];
  shares.on('pair', (_share, event) => events.push(event));

  host.pairJoin('203.0.113.7');
  await waitFor('join event', () => events.length === 1);
  assert.equal(shares.find('work')?.clients, 1);
  host.pairJoin('203.0.113.8');
  await waitFor('second join', () => events.length === 2);
  host.pairLeave('203.0.113.7');
  await waitFor('leave event', () => events.length === 3);
  assert.deepEqual(
    events.map((event) => [event.kind, event.ip, event.clients]),
    [
      ['joined', '203.0.113.7', 1],
      ['joined', '203.0.113.8', 2],
      ['left', '203.0.113.7', 1],
    ],
  );
  assert.equal(shares.find('work')?.clients, 1);
  assert.equal(shares.find('work')?.lastPairEvent?.kind, 'left');
});

test('a dropped connection reconnects by itself and keeps the links', async () => {
  server = await switchServer(sandbox, server, { mode: 'tmate.io' });
  sandbox.newSession('work');
  const { shares } = sandbox.runtime();
  const share = await shares.share({ session: 'work' });
  const host = await server.nextConnection();
  const states: string[] = [];
  shares.on('change', (list) => states.push(list[0]?.state ?? 'none'));
  let linkChanges = 0;
  shares.on('links', () => linkChanges++);
  host.drop();
  await waitFor('reconnecting', () => shares.find('work')?.state === 'reconnecting');
  const again = await server.nextConnection(15_000);
  assert.equal(again.reconnected, true);
  await waitFor('sharing again', () => shares.find('work')?.state === 'sharing', 15_000);
  assert.deepEqual(shares.find('work')?.links, share.links);
  assert.equal(shares.find('work')?.linksChangedAt, null, 'the same links: nothing to tell');
  assert.equal(linkChanges, 0);
  assert.ok(states.includes('reconnecting') && states.at(-1) === 'sharing', states.join(' → '));
});

test('a self-hosted server (the default) gives ssh links only, and no client count', async () => {
  sandbox.newSession('work');
  const { shares } = sandbox.runtime();
  const share = await shares.share({ session: 'work' });
  const host = await server.nextConnection();
  assert.equal(share.links.ssh, host.links.ssh);
  assert.equal(share.links.sshReadOnly, host.links.sshReadOnly);
  assert.equal(share.links.web, null);
  assert.equal(share.links.webReadOnly, null);
  assert.equal(share.clients, null);
  assert.equal(share.reportsPairs, false, "the UI says: This server doesn't report who joins");
  // What a bare server does send when a pair connects is a resize; it is not taken as a join.
  host.pairJoin();
  await sleep(500);
  assert.equal(shares.find('work')?.clients, null);
  assert.equal(shares.find('work')?.lastPairEvent, null);
});

test('after a reconnect to a server that cannot resume, the share shows the new links and says since when', async () => {
  sandbox.newSession('work');
  const { shares } = sandbox.runtime();
  const share = await shares.share({ session: 'work' });
  assert.equal(share.linksChangedAt, null);
  const first = await server.nextConnection();
  const told = new Promise<Share>((resolve) => shares.once('links', resolve));
  const droppedAt = Date.now();
  first.drop();
  const again = await server.nextConnection(15_000);
  await waitFor(
    'the new links',
    () =>
      shares.find('work')?.links.sshReadOnly === again.links.sshReadOnly &&
      shares.find('work')?.links.ssh === again.links.ssh,
    15_000,
  );
  assert.notEqual(again.links.ssh, share.links.ssh);
  assert.equal(shares.find('work')?.state, 'sharing');
  const changed = await told;
  assert.equal(changed.id, share.id);
  const at = shares.find('work')?.linksChangedAt ?? 0;
  assert.ok(at >= droppedAt && at <= Date.now(), String(at));
  // Another process adopting the share sees the same mark (it is in share.json).
  const other = sandbox.runtime();
  await waitFor('the mark written', async () => (await other.shares.adopt())[0]?.linksChangedAt === at);
  // The old links no longer let a pair in; the new ones do.
  assert.equal(server.tokenIsLive(first.tokens.rw), false);
  assert.equal(server.tokenIsLive(again.tokens.rw), true);
});

test("a server refusing this computer's keys fails with the ssh-keygen fix", async () => {
  server = await switchServer(sandbox, server, { refuseAuth: true }, 15);
  const { error } = await expectStartFailure(sandbox, sandbox.runtime().shares, 'SSH_KEYS_MISSING', 10);
  assert.match(error.fix, /ssh-keygen/);
});

test('tmate quitting before it is ready fails at once, with what it printed', async () => {
  // A stand-in for a tmate that crashes on start (the real one cannot be made to): it answers -V like
  // tmate 2.4.0, then prints a message and exits.
  const fake = await sandbox.writeFile(
    'fake-tmate',
    '#!/bin/sh\n[ "$1" = -V ] && { echo "tmate 2.4.0"; exit 0; }\necho "server exited unexpectedly"\nexit 1\n',
  );
  execFileSync('chmod', ['+x', fake]);
  await sandbox.setPrefs({ 'tmate.path': fake, 'share.readyTimeoutSeconds': 30 });
  const { error } = await expectStartFailure(sandbox, sandbox.runtime().shares, 'TMATE_FAILED', 5);
  assert.match(error.message, /server exited unexpectedly/);
});

test('a session that does not exist is an error, and nothing is started', async () => {
  sandbox.newSession('work');
  const { shares } = sandbox.runtime();
  await assert.rejects(
    shares.share({ session: 'wor' }),
    (error) => isPairbarError(error) && error.code === 'SESSION_NOT_FOUND',
  );
  assert.deepEqual(sandbox.tmatePids(), []);
});

test('when the shared session is closed, the share ends by itself', async () => {
  const id = sandbox.newSession('work');
  // Another session keeps the tmux server running: closing its last one is the tmux server going away,
  // which the share reports as its cause (faults.test.ts).
  sandbox.newSession('other');
  const { shares } = sandbox.runtime();
  await shares.share({ session: 'work' });
  const host = await server.nextConnection();
  const ended = new Promise<Share>((resolve) => shares.once('ended', (share) => resolve(share)));
  sandbox.tmux(['kill-session', '-t', id]);
  assert.equal((await ended).session, 'work');
  await host.closed;
  await waitFor('tmate gone', () => sandbox.tmatePids().length === 0);
  assert.deepEqual(shares.list(), []);
  assert.deepEqual(shareDirs(), []);
});

test('shares outlive the process that started them and are adopted, listed and stoppable', async () => {
  server = await switchServer(sandbox, server, { mode: 'tmate.io' });
  const id = sandbox.newSession('work');
  sandbox.attachUserClient(id);
  await sandbox.waitForClients(id, 1);
  // Another process shares, then is killed outright.
  const script = `
    import { createRuntime } from ${JSON.stringify(join(import.meta.dirname, '../../main/runtime.ts'))};
    const share = await createRuntime(process.env).shares.share({ session: 'work' });
    process.stdout.write(JSON.stringify(share));
    setInterval(() => {}, 1000);
  `;
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    env: sandbox.env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  const original = await waitFor(
    'the other process to share',
    () => (out ? (JSON.parse(out) as Share) : undefined),
    20_000,
  );
  child.kill('SIGKILL');
  const host = await server.nextConnection();
  host.pairJoin('198.51.100.1');

  const { shares } = sandbox.runtime();
  const adopted = await waitFor('adoption with the join', async () => {
    const [share] = await shares.adopt();
    return share?.clients === 1 ? share : undefined;
  });
  assert.equal(adopted.id, original.id);
  assert.deepEqual(adopted.links, original.links);
  assert.equal(adopted.state, 'sharing');
  // Adopted shares keep raising events.
  const left = new Promise<PairEvent>((resolve) => shares.once('pair', (_share, event) => resolve(event)));
  host.pairLeave('198.51.100.1');
  assert.equal((await left).kind, 'left');

  await shares.stop(shares.resolve('work').id);
  await host.closed;
  assert.deepEqual(sandbox.tmatePids(), []);
  assert.equal(sandbox.clientsOf(id).length, 1, 'the user stays attached');
});

test('a share whose tmate died is cleaned up on adoption, never listed as live', async () => {
  sandbox.newSession('work');
  const first = sandbox.runtime();
  const share = await first.shares.share({ session: 'work' });
  first.shares.close();
  process.kill(share.pid, 'SIGKILL');
  await waitFor('tmate gone', () => sandbox.tmatePids().length === 0);
  const { shares } = sandbox.runtime();
  assert.deepEqual(await shares.adopt(), []);
  assert.deepEqual(shareDirs(), []);
  const meta = join(sandbox.env.PAIRBAR_RUNTIME_DIR!, share.id, 'share.json');
  assert.equal(existsSync(meta), false);
  void readFileSync;
});

test("adoption running while a share starts never takes the new share's directory for a dead one", async () => {
  sandbox.newSession('work');
  const { shares } = sandbox.runtime();
  let starting = true;
  let rounds = 0;
  // The popover opening (a refresh, which adopts) while the tray starts a share: adopt every few ms.
  const spinning = (async () => {
    while (starting) {
      await shares.adopt();
      rounds++;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
  const share = await shares.share({ session: 'work' }).finally(() => (starting = false));
  await spinning;
  assert.ok(rounds > 1, `adoption ran ${rounds} times meanwhile`);
  assert.equal(share.state, 'sharing');
  assert.deepEqual(shareDirs(), [share.id]);
  await server.nextConnection();
});
