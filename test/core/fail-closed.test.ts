/**
 * What the third security review tried against the `pairbar` command (issue 20), each as the user would
 * meet it: the built command, real tmux, real tmate, the test tmate server and, where a pair could get in,
 * real ssh.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { worldPerTest } from '../support/sandbox.ts';

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
  const made = await sandbox.cli(['config', 'set', 'share.copyLink', 'ssh'], { PAIRBAR_CONFIG_DIR: join(fresh, 'Pairbar') });
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
