/**
 * Who gets in, from the command: the built `pairbar` with --github/--gitlab/--codeberg/--authorized-keys,
 * --read-only, --for, rotate, and share.copyLink; real tmux, real tmate, the test server, real ssh.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { accessCast } from '../support/forge.ts';
import { joinAsPair } from '../support/pair-ssh.ts';
import { waitFor } from '../support/sandbox.ts';

const cast = accessCast();

async function status(): Promise<Array<Record<string, unknown>>> {
  const result = await cast.sandbox.cli(['status', '--json']);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as Array<Record<string, unknown>>;
}

test('share --github --authorized-keys --read-only: who may join is said, the read-only link comes first, only those keys get in', async () => {
  cast.sandbox.newSession('work', 'default', 'sh');
  const file = await cast.sandbox.writeFile('bob.keys', `${cast.bob.publicKey}\n`);
  const shared = await cast.sandbox.cli([
    'share',
    'work',
    '--github',
    'alice',
    '--authorized-keys',
    file,
    '--read-only',
  ]);
  assert.equal(shared.code, 0, shared.stderr);
  const lines = shared.stdout.split('\n');
  assert.match(
    lines[1] ?? '',
    /^ {2}ssh read-only +ssh -p\d+ ro-\S+@127\.0\.0\.1 +\(can only watch\)$/,
    'the read-only link first, with what it grants',
  );
  assert.match(lines[2] ?? '', /^ {2}ssh +ssh -p\d+ \S+@127\.0\.0\.1 +\(can type in your session\)$/);
  assert.match(shared.stdout, /may join +github:alice · 1 key, keys file · 1 key/);
  assert.match(shared.stdout, /no web links: /);

  const [json] = await status();
  assert.deepEqual(json?.allowed, [
    { source: 'github:alice', keys: 1 },
    { source: `file:${file}`, keys: 1 },
  ]);
  assert.equal(json?.endsAt, null);
  const host = await cast.server.nextConnection();
  await waitFor('the keys at the server', () => host.authorizedKeys.length === 2);
  const links = json?.links as { ssh: string; sshReadOnly: string };
  assert.match(
    (await joinAsPair(cast.server, links.ssh, cast.mallory, 'never shown')).stderr,
    /Permission denied \(publickey\)/,
  );
  cast.sandbox.tmux(['send-keys', '-t', 'work:', 'echo CLI-RESTRICTED', 'Enter']);
  assert.equal((await joinAsPair(cast.server, links.sshReadOnly, cast.bob, 'CLI-RESTRICTED')).joined, true);

  const web = await cast.sandbox.cli(['url', '--web']);
  assert.equal(web.code, 1);
  assert.match(web.stderr, /no web links for a share that requires keys/);
});

test('a forge user that fails, or a name that is not one: exit 1 naming it, nothing started', async () => {
  cast.sandbox.newSession('work', 'default', 'sh');
  cast.forge.requests.length = 0;
  const ghost = await cast.sandbox.cli(['share', 'work', '--codeberg', 'ghost']);
  assert.equal(ghost.code, 1);
  assert.match(ghost.stderr, /codeberg:ghost.*404/);
  assert.match(ghost.stderr, /spelling/);
  const bad = await cast.sandbox.cli(['share', 'work', '--gitlab', '../../admin']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /Cannot use "gitlab:\.\.\/\.\.\/admin"/);
  assert.deepEqual(cast.forge.requests, ['/ghost.keys'], 'the bad name never reached the forge');
  const duration = await cast.sandbox.cli(['share', 'work', '--for', 'soon']);
  assert.equal(duration.code, 1);
  assert.match(duration.stderr, /not a duration such as 90s, 30m, 2h/);
  assert.deepEqual(cast.sandbox.tmatePids(), []);
  assert.deepEqual(await status(), []);
});

test('access.default applies to a plain share; --anyone overrides it', async () => {
  cast.sandbox.newSession('work', 'default', 'sh');
  cast.sandbox.newSession('open', 'default', 'sh');
  assert.equal((await cast.sandbox.cli(['config', 'set', 'access.default', 'github:alice'])).code, 0);
  const restricted = JSON.parse((await cast.sandbox.cli(['share', 'work', '--json'])).stdout) as { allowed: unknown };
  assert.deepEqual(restricted.allowed, [{ source: 'github:alice', keys: 1 }]);
  const open = JSON.parse((await cast.sandbox.cli(['share', 'open', '--anyone', '--json'])).stdout) as {
    allowed: unknown;
  };
  assert.equal(open.allowed, null);
  const both = await cast.sandbox.cli(['share', 'open', '--anyone', '--github', 'alice']);
  assert.equal(both.code, 2);
});

test('share --for 3s: the command exits at once, the share ends by itself on time, the user stays attached', async () => {
  const id = cast.sandbox.newSession('work', 'default', 'sh');
  cast.sandbox.attachUserClient(id);
  await cast.sandbox.waitForClients(id, 1);
  const userClients = cast.sandbox.clientsOf(id);
  const shared = await cast.sandbox.cli(['share', 'work', '--for', '3s']);
  assert.equal(shared.code, 0, shared.stderr);
  assert.match(shared.stdout, /ends +at .* \([0-3] s left\)/);
  const [json] = await status();
  const endsAt = json?.endsAt as number;
  assert.equal(typeof endsAt, 'number');
  assert.ok(endsAt > Date.now() - 3_000 && endsAt <= Date.now() + 3_000);
  // Watched without running pairbar meanwhile: any pairbar that adopts an overdue share ends it, and the
  // point here is that the detached follower does so on time with nobody else running.
  await waitFor('the share to end by itself', () => cast.sandbox.tmatePids().length === 0, 20_000);
  assert.ok(Date.now() >= endsAt, 'not before its time');
  assert.deepEqual(await status(), []);
  assert.deepEqual(cast.sandbox.clientsOf(id), userClients);
});

test('rotate SESSION --json: new links, the old ones lead nowhere, the user stays attached', async () => {
  const id = cast.sandbox.newSession('work', 'default', 'sh');
  cast.sandbox.attachUserClient(id);
  await cast.sandbox.waitForClients(id, 1);
  const userClients = cast.sandbox.clientsOf(id);
  const old = JSON.parse((await cast.sandbox.cli(['share', 'work', '--github', 'alice', '--json'])).stdout) as {
    id: string;
    links: { ssh: string };
  };
  const oldHost = await cast.server.nextConnection();
  const rotated = await cast.sandbox.cli(['rotate', 'work', '--json']);
  assert.equal(rotated.code, 0, rotated.stderr);
  const fresh = JSON.parse(rotated.stdout) as { id: string; links: { ssh: string }; allowed: unknown };
  await oldHost.closed;
  assert.notEqual(fresh.links.ssh, old.links.ssh);
  assert.deepEqual(fresh.allowed, [{ source: 'github:alice', keys: 1 }]);
  assert.equal(cast.sandbox.tmatePids().length, 1);
  assert.match(
    (await joinAsPair(cast.server, old.links.ssh, cast.alice, 'never shown')).output,
    /Invalid or expired session token/,
  );
  cast.sandbox.tmux(['send-keys', '-t', 'work:', 'echo ROTATED', 'Enter']);
  assert.equal((await joinAsPair(cast.server, fresh.links.ssh, cast.alice, 'ROTATED')).joined, true);
  assert.deepEqual(
    cast.sandbox.clientsOf(id).filter((tty) => userClients.includes(tty)),
    userClients,
  );
  const human = await cast.sandbox.cli(['rotate', 'work']);
  assert.match(human.stdout, /the old ones no longer work/);
  const missing = await cast.sandbox.cli(['rotate', 'nothing-here']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /is not being shared/);
});

test('share.copyLink decides what url gives; --read-only and --web still pick', async () => {
  cast.sandbox.newSession('work', 'default', 'sh');
  const json = JSON.parse((await cast.sandbox.cli(['share', 'work', '--json'])).stdout) as {
    links: { ssh: string; sshReadOnly: string };
  };
  assert.equal((await cast.sandbox.cli(['url'])).stdout.trim(), json.links.ssh);
  assert.equal((await cast.sandbox.cli(['config', 'set', 'share.copyLink', 'sshReadOnly'])).code, 0);
  assert.equal((await cast.sandbox.cli(['url'])).stdout.trim(), json.links.sshReadOnly);
  assert.equal((await cast.sandbox.cli(['url', 'work'])).stdout.trim(), json.links.sshReadOnly);
  assert.equal((await cast.sandbox.cli(['config', 'set', 'share.copyLink', 'web'])).code, 0);
  const web = await cast.sandbox.cli(['url']);
  assert.equal(web.code, 1, 'the self-hosted server gives no web link: refused, not swapped for another');
  assert.match(web.stderr, /gives no web links/);
  assert.equal((await cast.sandbox.cli(['url', '--read-only'])).stdout.trim(), json.links.sshReadOnly);
});

const hasClipboardTools = existsSync('/usr/bin/Xvfb') && existsSync('/usr/bin/xclip');
test(
  'share --copy and url --copy give the share.copyLink link',
  { skip: hasClipboardTools ? false : 'Xvfb and xclip are needed for a real X clipboard (apt install xvfb xclip)' },
  async () => {
    const display = `:${80 + (process.pid % 9)}`;
    const xvfb = spawn('/usr/bin/Xvfb', [display, '-nolisten', 'tcp'], { stdio: 'ignore' });
    try {
      await sleep(500);
      cast.sandbox.newSession('work', 'default', 'sh');
      const env = { DISPLAY: display };
      const read = () =>
        execFileSync('xclip', ['-selection', 'clipboard', '-out'], {
          env: { ...cast.sandbox.env, ...env },
          encoding: 'utf8',
        });
      assert.equal((await cast.sandbox.cli(['config', 'set', 'share.copyLink', 'sshReadOnly'])).code, 0);
      const shared = await cast.sandbox.cli(['share', 'work', '--copy'], env);
      assert.equal(shared.code, 0, shared.stderr);
      assert.match(shared.stdout, /The ssh read-only link is on the clipboard: whoever uses it can only watch/);
      const host = await cast.server.nextConnection();
      assert.equal(read(), host.links.sshReadOnly);
      assert.equal((await cast.sandbox.cli(['config', 'set', 'share.copyLink', 'ssh'])).code, 0);
      assert.equal((await cast.sandbox.cli(['url', '--copy'], env)).code, 0);
      assert.equal(read(), host.links.ssh);
    } finally {
      xvfb.kill();
    }
  },
);
