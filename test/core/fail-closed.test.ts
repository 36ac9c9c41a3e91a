/**
 * What the third security review tried against the `pairbar` command (issue 20), each as the user would
 * meet it: the built command, real tmux, real tmate, the test tmate server and, where a pair could get in,
 * real ssh.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { validateShareOptions } from '../../main/core/share-options.ts';
import { addServer } from '../../main/prefs/servers.ts';
import { openPrefsStore } from '../../main/prefs/prefs-store.ts';
import { AppState } from '../../main/app/app-state.ts';
import { joinAsPair, PairKeys } from '../support/pair-ssh.ts';
import { waitFor } from '../support/sandbox.ts';
import { worldPerTest } from '../support/world.ts';

const world = worldPerTest();

test('server add --paste: standard input over 16 KiB is refused without being read on; a long line is cut in the message', async () => {
  const { sandbox, server } = world;
  const lines = `set -g tmate-server-host 127.0.0.1\nset -g tmate-server-port ${server.port}\nset -g tmate-server-ed25519-fingerprint ${server.fingerprint}\n`;
  // Valid lines padded with comments past the limit: a 40 MB paste was read whole (1.6 GB of memory).
  const padded = lines + `# ${'x'.repeat(1000)}\n`.repeat(17);
  const big = await sandbox.cli(['server', 'add', 'big', '--paste'], {}, padded);
  assert.equal(big.code, 1, big.stdout);
  assert.match(big.stderr, /more than 16 KiB/);
  const list = await sandbox.cli(['server', 'list']);
  assert.doesNotMatch(list.stdout, /\bbig\b/, 'nothing saved');

  const longHost = `set -g tmate-server-host ${'a'.repeat(10_000)}\n`;
  const long = await sandbox.cli(['server', 'add', 'long', '--paste'], {}, longHost);
  assert.equal(long.code, 1);
  assert.ok(long.stderr.length < 1_000, `the message repeats the whole line: ${long.stderr.length} characters`);
  assert.match(long.stderr, /line 1 \("set -g tmate-server-host a+"… \(10025 characters\)\)/);

  const fine = await sandbox.cli(['server', 'add', 'fine', '--paste'], {}, lines);
  assert.equal(fine.code, 0, fine.stderr);
});

test('the preferences file is written 0600 in a 0700 folder; one left open by an earlier version is tightened on the next write', async () => {
  const { sandbox } = world;
  const dir = sandbox.env.PAIRBAR_CONFIG_DIR!;
  const file = join(dir, 'preferences.json');
  assert.equal(statSync(dir).mode & 0o777, 0o700, 'the folder');
  assert.equal(statSync(file).mode & 0o777, 0o600, 'the file');

  chmodSync(dir, 0o755);
  chmodSync(file, 0o644);
  const set = await sandbox.cli(['config', 'set', 'share.copyLink', 'sshReadOnly']);
  assert.equal(set.code, 0, set.stderr);
  assert.equal(statSync(dir).mode & 0o777, 0o700, 'the folder, after config set');
  assert.equal(statSync(file).mode & 0o777, 0o600, 'the file, after config set');

  // A folder made by hand in a fresh place, before Pairbar ever wrote there.
  const fresh = join(sandbox.root, 'fresh-config');
  const made = await sandbox.cli(['config', 'set', 'share.copyLink', 'ssh'], {
    PAIRBAR_CONFIG_DIR: join(fresh, 'Pairbar'),
  });
  assert.equal(made.code, 0, made.stderr);
  assert.equal(statSync(join(fresh, 'Pairbar')).mode & 0o777, 0o700);
});

test('a keys file others can write to: share refuses, naming the file and the fix; nothing is shared', async () => {
  const { sandbox } = world;
  sandbox.newSession('work', 'default', 'sh');
  mkdirSync(join(sandbox.root, 'team'), { mode: 0o700 });
  const file = join(sandbox.root, 'team', 'pair.keys');
  writeFileSync(file, readFileSync(join(sandbox.env.HOME!, '.ssh', 'id_ed25519.pub')));
  // Another user could append their own key to this file and join.
  chmodSync(file, 0o666);
  const shared = await sandbox.cli(['share', 'work', '--authorized-keys', file]);
  assert.equal(shared.code, 1, shared.stdout);
  assert.match(shared.stderr, /will not use the keys file .*pair\.keys: others can write to it \(mode 0666\)/);
  assert.match(shared.stderr, /chmod go-w /);
  assert.deepEqual(sandbox.tmatePids(), [], 'no tmate started');
  const status = await sandbox.cli(['status', '--json']);
  assert.deepEqual(JSON.parse(status.stdout), []);
});

/** The processes whose environment names this tmate socket, with their command lines: tmate's pane and the end watchdog. */
function processesOfShare(socket: string): Array<{ pid: number; command: string }> {
  const found: Array<{ pid: number; command: string }> = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (!readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(`PAIRBAR_TMATE_SOCKET=${socket}`))
        continue;
      found.push({
        pid: Number(entry),
        command: readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim(),
      });
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return found;
}

/** The end watchdog's processes (its shell and its sleep): of tmate's tree, and neither tmate nor the tmux client. */
function watchdogOf(socket: string): number[] {
  return processesOfShare(socket)
    .filter((proc) => /^(?:\S*\/)?(?:sh|sleep) /.test(proc.command))
    .map((proc) => proc.pid);
}

function followerPids(shareId: string): number[] {
  try {
    return execFileSync('pgrep', ['-f', `__follow ${shareId}`], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

test('share --for: with its follower killed, the share still ends at its end; the pair is thrown out and the link is dead', async () => {
  const { sandbox, server } = world;
  const id = sandbox.newSession('work', 'default', 'sh');
  sandbox.attachUserClient(id);
  await sandbox.waitForClients(id, 1);
  const userClients = sandbox.clientsOf(id);
  const shared = await sandbox.cli(['share', 'work', '--for', '8s', '--json']);
  assert.equal(shared.code, 0, shared.stderr);
  const share = JSON.parse(shared.stdout) as { id: string; endsAt: number; links: { ssh: string } };
  const socket = join(sandbox.env.PAIRBAR_RUNTIME_DIR!, share.id, 'tmate.sock');

  // The one Pairbar process that was left to end it on time: gone, as after `kill` or a crash.
  const followers = await waitFor('the detached follower', () =>
    followerPids(share.id).length > 0 ? followerPids(share.id) : undefined,
  );
  for (const pid of followers) process.kill(pid, 'SIGKILL');
  await waitFor('the follower to be gone', () => followerPids(share.id).length === 0);

  // A pair in, through real ssh, until the share throws them out.
  const keys = await PairKeys.create();
  try {
    sandbox.tmux(['send-keys', '-t', 'work:', 'echo PAIR-CAN-SEE', 'Enter']);
    const pair = await joinAsPair(server, share.links.ssh, await keys.key('pair'), 'THIS-IS-NEVER-SHOWN', {
      timeoutMs: 40_000,
    });
    assert.match(pair.output, /PAIR-CAN-SEE/, 'the pair was in');
    assert.notEqual(pair.code, null, 'thrown out by the end of the share, not by the test');
    assert.ok(Date.now() >= share.endsAt, 'not before its end');
    await waitFor('tmate to be gone', () => sandbox.tmatePids().length === 0, 10_000);
    await waitFor('the watchdog to be gone', () => processesOfShare(socket).length === 0, 10_000);
    const again = await joinAsPair(server, share.links.ssh, await keys.key('late'), 'never shown');
    assert.match(again.output, /Invalid or expired session token/, 'the link is dead');
  } finally {
    await keys.dispose();
  }
  assert.deepEqual(sandbox.clientsOf(id), userClients, "the user's own terminal stays attached");
  const status = await sandbox.cli(['status', '--json']);
  assert.deepEqual(JSON.parse(status.stdout), []);
});

test('a share past its end, with nothing left to end it (follower and watchdog killed): the next pairbar status ends it', async () => {
  const { sandbox } = world;
  sandbox.newSession('work', 'default', 'sh');
  // Long enough that the follower and the watchdog are killed before the end even on a loaded machine.
  const shared = await sandbox.cli(['share', 'work', '--for', '10s', '--json']);
  assert.equal(shared.code, 0, shared.stderr);
  const share = JSON.parse(shared.stdout) as { id: string; endsAt: number };
  const socket = join(sandbox.env.PAIRBAR_RUNTIME_DIR!, share.id, 'tmate.sock');
  for (const pid of await waitFor('the follower', () =>
    followerPids(share.id).length > 0 ? followerPids(share.id) : undefined,
  ))
    process.kill(pid, 'SIGKILL');
  for (const pid of watchdogOf(socket)) process.kill(pid, 'SIGKILL');
  assert.ok(Date.now() < share.endsAt, 'killed before the end');
  await waitFor('the end to pass', () => Date.now() > share.endsAt + 500, 20_000);
  assert.equal(sandbox.tmatePids().length, 1, 'still running: nothing was left to end it');
  const status = await sandbox.cli(['status', '--json']);
  assert.equal(status.code, 0, status.stderr);
  assert.deepEqual(JSON.parse(status.stdout), [], 'status does not list it as shared');
  assert.deepEqual(sandbox.tmatePids(), [], 'and it has ended it');
});

test('config set tmux.path / tmate.path: a program that is not tmux / tmate is refused at once, saying what to do; the setting is left as it was', async () => {
  const { sandbox } = world;
  const file = join(sandbox.env.PAIRBAR_CONFIG_DIR!, 'preferences.json');
  const before = readFileSync(file, 'utf8');
  for (const [key, program, wanted] of [
    ['tmux.path', '/usr/bin/perl', 'tmux'],
    ['tmate.path', '/usr/bin/perl', 'tmate'],
    ['tmate.path', '/usr/bin/tmux', 'tmate'],
    ['tmux.path', '/usr/bin/tmate', 'tmux'],
  ] as const) {
    const set = await sandbox.cli(['config', 'set', key, program]);
    assert.equal(set.code, 1, `${key} ${program}: ${set.stdout}`);
    assert.match(set.stderr, new RegExp(`"${program}" is not ${wanted}`), `${key} ${program}`);
    assert.match(set.stderr, new RegExp(`command -v ${wanted}`), 'how to find the right one');
    assert.equal(readFileSync(file, 'utf8'), before, `${key} ${program}: the file is untouched`);
  }
  const missing = await sandbox.cli(['config', 'set', 'tmux.path', '/nonexistent/tmux']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /does not exist/);
  const real = await sandbox.cli(['config', 'set', 'tmux.path', '/usr/bin/tmux']);
  assert.equal(real.code, 0, real.stderr);
  assert.equal((await sandbox.cli(['config', 'set', 'tmux.path', ''])).code, 0, 'empty: look it up again');
});

test('sharing a shared session again with other options: refused, saying what differs and how to change it; the share is as it was', async () => {
  const { sandbox, server } = world;
  sandbox.newSession('work', 'default', 'sh');
  const store = openPrefsStore(sandbox.env);
  addServer(store, {
    name: 'other',
    host: server.host,
    port: server.port,
    rsaFingerprint: '',
    ed25519Fingerprint: server.fingerprint,
    ecdsaFingerprint: '',
  });
  const first = await sandbox.cli(['share', 'work', '--json']);
  assert.equal(first.code, 0, first.stderr);
  const share = JSON.parse(first.stdout) as { id: string; endsAt: number | null };
  const keysFile = await sandbox.writeFile(
    'pair.keys',
    readFileSync(join(sandbox.env.HOME!, '.ssh', 'id_ed25519.pub'), 'utf8'),
  );
  const cases: Array<[string[], RegExp]> = [
    [['--for', '1m'], /it never ends by itself \(asked: to end by \d\d:\d\d\)/],
    [['--view', 'independent'], /the pair's view is follow \(asked: independent\)/],
    [['--size', 'follow'], /its window size is mine \(asked: follow\)/],
    [['--server', 'other'], /it goes to the server "test" \(asked: "other"\)/],
    [['--authorized-keys', keysFile], /anyone with a link may join it \(asked: only file:\S+pair\.keys\)/],
  ];
  for (const [options, said] of cases) {
    const again = await sandbox.cli(['share', 'work', ...options]);
    assert.equal(again.code, 1, `${options.join(' ')}: ${again.stdout}`);
    assert.match(again.stderr, /"work" is already shared, and /, options.join(' '));
    assert.match(again.stderr, said, options.join(' '));
    assert.match(again.stderr, /pairbar stop work/, 'how to change it');
  }
  const both = await sandbox.cli(['share', 'work', '--for', '1m', '--view', 'independent']);
  assert.match(both.stderr, /never ends by itself .*; the pair's view is follow/, 'every difference named');
  const status = JSON.parse((await sandbox.cli(['status', '--json'])).stdout) as Array<{
    id: string;
    endsAt: number | null;
  }>;
  assert.deepEqual(
    status.map((entry) => [entry.id, entry.endsAt]),
    [[share.id, null]],
    'the one share, as it was',
  );
  for (const same of [[], ['--anyone'], ['--view', 'follow', '--size', 'mine', '--server', 'test']]) {
    const again = await sandbox.cli(['share', 'work', '--json', ...same]);
    assert.equal(again.code, 0, `${same.join(' ')}: ${again.stderr}`);
    assert.equal((JSON.parse(again.stdout) as { id: string }).id, share.id, 'the same options: the running share');
  }
});

test('the end is the one option with a safer side: a share that ends sooner than asked is given back, one that would outlast it is refused', async () => {
  const { sandbox } = world;
  sandbox.newSession('work', 'default', 'sh');
  const first = JSON.parse((await sandbox.cli(['share', 'work', '--for', '10m', '--json'])).stdout) as {
    id: string;
    endsAt: number;
  };
  const later = await sandbox.cli(['share', 'work', '--for', '30m', '--json']);
  assert.equal(later.code, 0, later.stderr);
  assert.equal((JSON.parse(later.stdout) as { id: string }).id, first.id);
  const sooner = await sandbox.cli(['share', 'work', '--for', '1m']);
  assert.equal(sooner.code, 1);
  assert.match(sooner.stderr, /it ends at \d\d:\d\d \(10 min left\) \(asked: to end by \d\d:\d\d\)/);
});

test('the app: sharing a shared session with other options gives the refusal as the result, for the popover to show', async () => {
  const { sandbox } = world;
  sandbox.newSession('work', 'default', 'sh');
  const state = new AppState(sandbox.runtime());
  const opened = await state.share({ session: 'work', socket: sandbox.socket() }, {});
  assert.ok(opened.ok, opened.ok ? '' : opened.error.message);
  const keysFile = await sandbox.writeFile(
    'pair.keys',
    readFileSync(join(sandbox.env.HOME!, '.ssh', 'id_ed25519.pub'), 'utf8'),
  );
  const options = validateShareOptions({ endAfterMs: 60_000, allowed: [`file:${keysFile}`] });
  assert.ok(typeof options !== 'string', String(options));
  const again = await state.share({ session: 'work', socket: sandbox.socket() }, options);
  assert.equal(again.ok, false, 'refused');
  assert.ok(!again.ok);
  assert.match(
    again.error.message,
    /"work" is already shared, and anyone with a link may join it \(asked: only file:\S+\); it never ends by itself \(asked: to end by \d\d:\d\d\)/,
  );
  assert.match(again.error.fix, /End pair/);
  assert.equal(state.snapshot().shares.length, 1);
  assert.equal(state.snapshot().shares[0]?.endsAt, null);
});

/** Writes the preferences file as a person would edit it by hand: the JSON as given, nothing validated. */
function handEdit(sandbox: typeof world.sandbox, changes: Record<string, unknown>): { file: string; bytes: Buffer } {
  const file = join(sandbox.env.PAIRBAR_CONFIG_DIR!, 'preferences.json');
  writeFileSync(file, JSON.stringify({ ...(JSON.parse(readFileSync(file, 'utf8')) as object), ...changes }, null, 2));
  return { file, bytes: readFileSync(file) };
}

test('a hand-edited access.default or share.endAfterMinutes that cannot be read refuses every share (command and app), naming key, value and fix; the file is left byte for byte', async () => {
  const { sandbox, server } = world;
  sandbox.newSession('work', 'default', 'sh');
  const { file, bytes } = handEdit(sandbox, {
    'access.default': 'github:alice, gitlab:bob.git',
    'share.endAfterMinutes': 20000,
  });
  for (const args of [['share', 'work'], ['share', 'work', '--anyone', '--for', '10m'], ['share']]) {
    const shared = await sandbox.cli(args);
    assert.equal(shared.code, 1, `${args.join(' ')}: ${shared.stdout}`);
    assert.match(shared.stderr, /No share starts while a setting that decides who may join/);
    assert.match(
      shared.stderr,
      /access\.default in .*preferences\.json is invalid \(.*\): it holds "github:alice, gitlab:bob\.git"/,
    );
    assert.match(
      shared.stderr,
      /share\.endAfterMinutes in .* is invalid \(expected a whole number from 0 to 10080\): it holds "20000"/,
    );
    assert.match(shared.stderr, /pairbar config set access\.default VALUE/);
    assert.match(shared.stderr, /pairbar config set share\.endAfterMinutes VALUE/);
  }
  assert.deepEqual(sandbox.tmatePids(), [], 'nothing shared: no link for a stranger to use');
  assert.equal(server.connections().length, 0, 'tmate never reached the server');
  assert.deepEqual(readFileSync(file), bytes, 'the file, byte for byte');

  // The app: the same refusal as the share's result, which the popover shows; the same file untouched.
  const state = new AppState(sandbox.runtime(openPrefsStore(sandbox.env)));
  const result = await state.share({ session: 'work', socket: sandbox.socket() }, {});
  assert.ok(!result.ok, 'the app refuses too');
  assert.match(result.error.message, /access\.default .* it holds "github:alice, gitlab:bob\.git"/);
  assert.match(result.error.fix, /pairbar config set access\.default/);
  assert.deepEqual(sandbox.tmatePids(), []);
  assert.deepEqual(readFileSync(file), bytes, 'the file, byte for byte, after the app opened it');

  // The fix it names works.
  assert.equal((await sandbox.cli(['config', 'set', 'access.default', ''])).code, 0);
  assert.equal((await sandbox.cli(['config', 'set', 'share.endAfterMinutes', '30'])).code, 0);
  const fixed = await sandbox.cli(['share', 'work', '--json']);
  assert.equal(fixed.code, 0, fixed.stderr);
  assert.equal(typeof (JSON.parse(fixed.stdout) as { endsAt: unknown }).endsAt, 'number');
});

test('a hand-edited share.endWhenEmptyMinutes that cannot be read refuses every share, naming it and its fix; the file left as it was', async () => {
  const { sandbox, server } = world;
  sandbox.newSession('work', 'default', 'sh');
  const { file, bytes } = handEdit(sandbox, { 'share.endWhenEmptyMinutes': 'ten' });
  const shared = await sandbox.cli(['share', 'work']);
  assert.equal(shared.code, 1, shared.stdout);
  assert.match(
    shared.stderr,
    /No share starts while a setting that decides who may join, or for how long, cannot be read/,
  );
  assert.match(shared.stderr, /share\.endWhenEmptyMinutes in .* is invalid/);
  assert.match(shared.stderr, /pairbar config set share\.endWhenEmptyMinutes VALUE/);
  assert.deepEqual(sandbox.tmatePids(), []);
  assert.equal(server.connections().length, 0);
  assert.deepEqual(readFileSync(file), bytes);
  assert.equal((await sandbox.cli(['config', 'set', 'share.endWhenEmptyMinutes', '10'])).code, 0);
  const fixed = await sandbox.cli(['share', 'work', '--json']);
  assert.equal(fixed.code, 0, fixed.stderr);
  assert.equal((JSON.parse(fixed.stdout) as { endWhenEmptyMs: unknown }).endWhenEmptyMs, 600_000);
});

test('a hand-edited setting that guards nothing falls back to its default, and share says so on stderr', async () => {
  const { sandbox } = world;
  sandbox.newSession('work', 'default', 'sh');
  handEdit(sandbox, { 'share.copyLink': 'carrier-pigeon' });
  const shared = await sandbox.cli(['share', 'work']);
  assert.equal(shared.code, 0, shared.stderr);
  assert.match(
    shared.stderr,
    /warning: share\.copyLink in .* is invalid \(expected one of ssh, sshReadOnly, web, webReadOnly\): it holds "carrier-pigeon"; using the default until it is fixed/,
  );
});
