import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import Conf from 'conf';
import { configDir, prefsFile, storeOptions } from '../../main/prefs/file.ts';
import { loadPrefs, readPrefs } from '../../main/prefs/load.ts';
import { DEFAULT_PREFS } from '../../main/prefs/schema.ts';
import { writePref } from '../../main/prefs/write.ts';
import { openPrefsStore } from '../../main/prefs/prefs-store.ts';
import { isPairbarError } from '../../main/core/errors.ts';

let dir: string;
let env: NodeJS.ProcessEnv;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pairbar-prefs-'));
  env = { PAIRBAR_CONFIG_DIR: dir, HOME: dir };
});
afterEach(() => rm(dir, { recursive: true, force: true }));

test('defaults: no server chosen (never tmate.io), 20 s to get links, notifications on', () => {
  const { prefs, problems } = readPrefs(openPrefsStore(env));
  assert.deepEqual(problems, []);
  assert.deepEqual(prefs.servers, []);
  assert.equal(prefs['server.active'], '');
  assert.equal(prefs['share.readyTimeoutSeconds'], 20);
  assert.equal(prefs['notifications.pairJoined'], true);
  assert.deepEqual(prefs, DEFAULT_PREFS);
});

test('where the file lives: PAIRBAR_CONFIG_DIR, else the folder Electron uses for Pairbar', () => {
  assert.equal(configDir({ PAIRBAR_CONFIG_DIR: '/x' }, 'linux'), '/x');
  assert.equal(configDir({ HOME: '/home/u' }, 'linux'), '/home/u/.config/Pairbar');
  assert.equal(configDir({ HOME: '/home/u', XDG_CONFIG_HOME: '/cfg' }, 'linux'), '/cfg/Pairbar');
  assert.equal(configDir({ HOME: '/Users/u' }, 'darwin'), '/Users/u/Library/Application Support/Pairbar');
});

test('one file for the app and the CLI: what one writes, the other reads', () => {
  // The app opens electron-store with storeOptions(); electron-store is conf with Electron's defaults,
  // so a second conf instance with the same options stands for it here.
  const cli = openPrefsStore(env);
  writePref(cli, 'tmate.path', '/opt/bin/tmate');
  const app = new Conf<Record<string, unknown>>(storeOptions(env));
  assert.equal(readPrefs(app).prefs['tmate.path'], '/opt/bin/tmate');
  assert.equal(app.path, join(dir, 'preferences.json'));
  // The command's read-only path (plain fs, no conf) reads that same file.
  assert.equal(prefsFile(env), app.path);
  assert.equal(loadPrefs(env).prefs['tmate.path'], '/opt/bin/tmate');
});

test('reading the preferences creates nothing: no folder, no file', async () => {
  const missing = join(dir, 'not-yet');
  const { prefs, problems } = loadPrefs({ PAIRBAR_CONFIG_DIR: missing, HOME: dir });
  assert.deepEqual(prefs, DEFAULT_PREFS);
  assert.deepEqual(problems, []);
  assert.equal(existsSync(missing), false);
});

test('a file of valid JSON that holds no object of preferences is reported and left as it was', async () => {
  const file = join(dir, 'preferences.json');
  for (const [text, holds] of [
    ['["server.host"]', 'a list'],
    ['null', 'null'],
    ['"tmate.example.org"', 'a string'],
    ['22', 'a number'],
  ] as const) {
    await writeFile(file, text);
    const { prefs, problems } = loadPrefs(env);
    assert.deepEqual(prefs, DEFAULT_PREFS, text);
    assert.equal(problems.length, 1, text);
    assert.equal(problems[0]?.key, 'file');
    assert.match(problems[0]?.message ?? '', new RegExp(`holds ${holds}, not an object of preferences`));
    assert.equal(await readFile(file, 'utf8'), text);
  }
});

test('values are validated before they are stored', () => {
  const store = openPrefsStore(env);
  assert.equal(writePref(store, 'share.readyTimeoutSeconds', '45'), 45);
  assert.equal(writePref(store, 'notifications.pairLeft', 'off'), false);
  assert.throws(
    () => writePref(store, 'share.readyTimeoutSeconds', 0),
    (error) => isPairbarError(error) && error.code === 'INVALID_PREFERENCE',
  );
  assert.throws(() => writePref(store, 'tmux.path', 'bin/tmux'), /absolute path/);
  // A path longer than any the system takes is not stored (a 1 MB one came through the popover's IPC).
  assert.equal(writePref(store, 'tmux.path', `/${'d/'.repeat(2000)}tmux`), `/${'d/'.repeat(2000)}tmux`);
  assert.throws(() => writePref(store, 'tmux.path', `/${'x'.repeat(4096)}`), /at most 4096 characters/);
  assert.throws(() => writePref(store, 'tmate.path', `/${'x'.repeat(1 << 20)}`), /at most 4096 characters/);
  assert.equal(readPrefs(store).prefs['share.readyTimeoutSeconds'], 45);
});

test('a bad value edited into the file is reported, its default used, and the file left as it was', async () => {
  const file = join(dir, 'preferences.json');
  const text = JSON.stringify({
    'tmate.path': '/opt/bin/tmate',
    'share.readyTimeoutSeconds': 'twenty',
    'some.future.key': 1,
  });
  await writeFile(file, text);
  const { prefs, problems } = readPrefs(openPrefsStore(env));
  assert.equal(prefs['tmate.path'], '/opt/bin/tmate', 'the good value is kept');
  assert.equal(prefs['share.readyTimeoutSeconds'], 20);
  assert.equal(problems.length, 1);
  assert.match(problems[0]?.message ?? '', /share\.readyTimeoutSeconds .* is invalid/);
  assert.equal(await readFile(file, 'utf8'), text, 'nothing rewritten');
});

test('a file that is not JSON is never overwritten; the defaults are used meanwhile', async () => {
  const file = join(dir, 'preferences.json');
  await writeFile(file, '{ "tmate.path": "/mine", oops');
  const { prefs, problems } = loadPrefs(env);
  assert.deepEqual(prefs, DEFAULT_PREFS);
  assert.equal(problems[0]?.key, 'file');
  assert.match(problems[0].message, /not valid JSON/);
  assert.equal(await readFile(file, 'utf8'), '{ "tmate.path": "/mine", oops');
});

test('forge addresses: https, or plain http to loopback only; empty goes back to the public forge', () => {
  const store = openPrefsStore(env);
  assert.equal(DEFAULT_PREFS['access.githubUrl'], 'https://github.com');
  assert.equal(DEFAULT_PREFS['access.gitlabUrl'], 'https://gitlab.com');
  assert.equal(DEFAULT_PREFS['access.codebergUrl'], 'https://codeberg.org');
  assert.equal(writePref(store, 'access.githubUrl', 'https://github.example.com/'), 'https://github.example.com');
  assert.equal(writePref(store, 'access.gitlabUrl', 'http://127.0.0.1:8080'), 'http://127.0.0.1:8080');
  for (const bad of [
    'http://keys.example.com',
    'ftp://github.com',
    'github.com',
    'https://u:p@github.com',
    'https://github.com/?u=',
    'file:///etc',
  ]) {
    assert.throws(
      () => writePref(store, 'access.codebergUrl', bad),
      (error: unknown) => isPairbarError(error) && error.code === 'INVALID_PREFERENCE',
      bad,
    );
  }
  writePref(store, 'access.githubUrl', '');
  assert.equal(readPrefs(store).prefs['access.githubUrl'], 'https://github.com');
});

test('access.default: a list of sources, stored canonically; a bad one refused with its reason', () => {
  const store = openPrefsStore(env);
  assert.equal(DEFAULT_PREFS['access.default'], '');
  assert.equal(
    writePref(store, 'access.default', ' github:alice,gitlab:bob ,file:/home/me/pair.keys'),
    'github:alice, gitlab:bob, file:/home/me/pair.keys',
  );
  assert.throws(
    () => writePref(store, 'access.default', 'github:alice, github:../x'),
    (error: unknown) =>
      isPairbarError(error) && error.code === 'INVALID_PREFERENCE' && error.message.includes('github:../x'),
  );
  assert.equal(readPrefs(store).prefs['access.default'], 'github:alice, gitlab:bob, file:/home/me/pair.keys');
});

test('share.copyLink and share.endAfterMinutes', () => {
  const store = openPrefsStore(env);
  assert.equal(DEFAULT_PREFS['share.copyLink'], 'ssh');
  assert.equal(DEFAULT_PREFS['share.endAfterMinutes'], 0);
  assert.equal(writePref(store, 'share.copyLink', 'sshReadOnly'), 'sshReadOnly');
  assert.throws(
    () => writePref(store, 'share.copyLink', 'ftp'),
    (error: unknown) => isPairbarError(error) && error.code === 'INVALID_PREFERENCE',
  );
  assert.equal(writePref(store, 'share.endAfterMinutes', '90'), 90);
  assert.throws(
    () => writePref(store, 'share.endAfterMinutes', '-1'),
    (error: unknown) => isPairbarError(error),
  );
  assert.throws(
    () => writePref(store, 'share.endAfterMinutes', '1.5'),
    (error: unknown) => isPairbarError(error),
  );
});

test('pair.size and pair.view: mine and follow by default, only their choices accepted', () => {
  const store = openPrefsStore(env);
  assert.equal(DEFAULT_PREFS['pair.size'], 'mine');
  assert.equal(DEFAULT_PREFS['pair.view'], 'follow');
  assert.equal(writePref(store, 'pair.size', ' follow '), 'follow');
  assert.equal(writePref(store, 'pair.view', 'independent'), 'independent');
  assert.throws(() => writePref(store, 'pair.size', 'small'), /expected one of follow, mine/);
  assert.throws(() => writePref(store, 'pair.view', true), /expected one of follow, independent/);
  assert.deepEqual(
    [readPrefs(store).prefs['pair.size'], readPrefs(store).prefs['pair.view']],
    ['follow', 'independent'],
  );
});
