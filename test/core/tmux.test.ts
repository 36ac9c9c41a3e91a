import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { spawnedSoFar } from '../../main/core/process.ts';
import {
  createBlankSession,
  listServers,
  resolveSession,
  supportsIgnoreSize,
  type TmuxEnv,
} from '../../main/core/tmux.ts';
import { isPairbarError } from '../../main/core/errors.ts';
import { Sandbox, TMUX } from '../support/sandbox.ts';

let sandbox: Sandbox;
let tmux: TmuxEnv;

before(async () => {
  sandbox = await Sandbox.create();
  tmux = { tmux: TMUX, env: sandbox.env };
});
after(() => sandbox.dispose());

test('no tmux server: no servers listed, and resolving a name says no server is running', async () => {
  assert.deepEqual(await listServers(tmux), []);
  await assert.rejects(
    resolveSession(tmux, { name: 'work' }),
    (error) => isPairbarError(error) && error.code === 'NO_TMUX_SERVER',
  );
});

test('lists every server, the default first, with one tmux call per server', async () => {
  sandbox.newSession('zeta', 'aaa-other');
  sandbox.newSession('work');
  sandbox.newSession('work-2');
  sandbox.tmux(['new-window', '-t', 'work-2:']);
  const before = spawnedSoFar();
  const servers = await listServers(tmux);
  assert.equal(spawnedSoFar() - before, 2, 'one list-sessions per server');
  assert.deepEqual(
    servers.map((server) => server.label),
    ['default', 'aaa-other'],
  );
  const [defaultServer] = servers;
  assert.deepEqual(
    defaultServer?.sessions.map((session) => [session.name, session.windows, session.attached]),
    [
      ['work', 1, 0],
      ['work-2', 2, 0],
    ],
  );
  for (const session of defaultServer?.sessions ?? []) {
    assert.match(session.id, /^\$\d+$/);
    assert.ok(Math.abs(session.created - Date.now()) < 60_000, 'created is a recent timestamp in ms');
  }
  sandbox.tmux(['kill-server'], 'aaa-other');
});

test('a stale socket (a server that died without cleaning up) is not listed', async () => {
  // A socket file nobody listens on, as a crashed tmux server leaves behind.
  execFileSync('python3', [
    '-c',
    'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])',
    sandbox.socket('stale'),
  ]);
  assert.ok(statSync(sandbox.socket('stale')).isSocket());
  const labels = (await listServers(tmux)).map((server) => server.label);
  assert.deepEqual(labels, ['default']);
});

test('resolves names exactly: never a prefix, a pattern, or another session', async () => {
  assert.equal((await resolveSession(tmux, { name: 'work' })).name, 'work');
  assert.equal((await resolveSession(tmux, { name: 'work-2' })).name, 'work-2');
  for (const name of ['wor', 'work*', 'work-', '$0', '=work', 'WORK']) {
    await assert.rejects(
      resolveSession(tmux, { name }),
      (error) => isPairbarError(error) && error.code === 'SESSION_NOT_FOUND',
      name,
    );
  }
});

test('names tmux target syntax would misread resolve to themselves', async () => {
  const names = [
    '$(touch /tmp/pairbar-pwned) x',
    'it\'s "quoted"',
    'a;b',
    '#{session_name}',
    '-lead',
    'ünïcödé ✓',
    '$1',
    '%0',
    '@1',
    'sp ace',
  ];
  const ids = new Map(names.map((name) => [name, sandbox.newSession(name)]));
  for (const [name, id] of ids) {
    const session = await resolveSession(tmux, { name });
    assert.equal(session.name, name);
    assert.equal(session.id, id, `${name} resolves to its own session`);
  }
});

test('a new blank terminal gets the first free pair name on the default server', async () => {
  const first = await createBlankSession(tmux);
  const second = await createBlankSession(tmux);
  assert.equal(first.name, 'pair');
  assert.equal(second.name, 'pair-2');
  assert.equal((await resolveSession(tmux, { name: 'pair-2' })).id, second.id);
});

test('which tmux versions have attach-session -f ignore-size (3.2 and later)', () => {
  const cases: [string | undefined, boolean][] = [
    ['3.3a', true],
    ['3.2', true],
    ['3.2-rc2', true],
    ['next-3.4', true],
    ['master', true],
    ['10.0', true],
    ['4.1', true],
    ['3.1c', false],
    ['3.0a', false],
    ['2.9', false],
    ['1.8', false],
    ['openbsd-6.8', false],
    ['openbsd-6.9', true],
    ['openbsd-7.4', true],
    ['dev', false],
    [undefined, false],
  ];
  for (const [version, expected] of cases) assert.equal(supportsIgnoreSize(version), expected, String(version));
});
