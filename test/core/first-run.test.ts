/**
 * A first run where something is missing: what the snapshot's problems say, the command each offers to
 * copy, and "Check again" (a refresh) seeing the fix without a restart. Real files, a real ssh-agent,
 * real tmux and tmate behind the preferences.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { agentKeyCount, findSshIdentity } from '../../main/core/ssh-identity.ts';
import { tmateTooOld } from '../../main/core/binaries.ts';
import type { Problem } from '../../main/contract.ts';
import { AppState } from '../../main/app/app-state.ts';
import { Sandbox, startServer, TMATE, TMUX, waitFor } from '../support/sandbox.ts';
import type { TestTmateServer } from '../support/tmate-server.ts';

let sandbox: Sandbox;
let server: TestTmateServer;
let agent: ChildProcess | undefined;

beforeEach(async () => {
  sandbox = await Sandbox.create();
  // A server chosen, as on a machine past its first share: what is left to report is what this file is about.
  server = await startServer();
  await sandbox.useServer(server);
  sandbox.newSession('work');
});

afterEach(async () => {
  if (agent?.pid) {
    agent.kill('SIGTERM');
    agent = undefined;
  }
  await sandbox.dispose();
  await server.close();
});

async function problems(): Promise<Problem[]> {
  return (await new AppState(sandbox.runtime()).refresh()).problems;
}

function home(...parts: string[]): string {
  return join(sandbox.env.HOME!, ...parts);
}

test('no SSH key: the problem names ~/.ssh and offers ssh-keygen -t ed25519; once a key exists, checking again clears it', async () => {
  rmSync(home('.ssh'), { recursive: true, force: true });
  const [problem, ...others] = await problems();
  assert.deepEqual(others, []);
  assert.equal(problem?.code, 'SSH_KEYS_MISSING');
  assert.match(problem.message, new RegExp(`none in ${home('.ssh').replace(/[.]/g, '\\.')}`));
  assert.match(problem.fix, /check again/);
  assert.equal(problem.command, 'ssh-keygen -t ed25519');

  // The command as offered, answered the way a person pressing Enter would (no passphrase, default file).
  execFileSync('mkdir', ['-p', home('.ssh')]);
  execFileSync('sh', ['-c', `${problem.command} -N '' -f "$HOME/.ssh/id_ed25519" -q`], { env: sandbox.env });
  assert.deepEqual(await problems(), []);
});

test('an RSA key file counts as well as an ed25519 one; a directory of that name does not', async () => {
  rmSync(home('.ssh'), { recursive: true, force: true });
  execFileSync('mkdir', ['-p', home('.ssh', 'id_ed25519')]);
  assert.equal(await findSshIdentity(sandbox.env), undefined);
  execFileSync('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-N', '', '-f', home('.ssh', 'id_rsa')]);
  assert.deepEqual(await findSshIdentity(sandbox.env), { kind: 'file', path: home('.ssh', 'id_rsa') });
});

test('an ssh-agent holding a key counts; an empty agent, or a socket that is not an agent, does not', async () => {
  rmSync(home('.ssh'), { recursive: true, force: true });
  const socket = join(sandbox.root, 'agent.sock');
  agent = spawn('ssh-agent', ['-D', '-a', socket], { env: sandbox.env, stdio: 'ignore' });
  await waitFor('the agent socket', async () => (await agentKeyCount(socket)) !== undefined);
  const env = { ...sandbox.env, SSH_AUTH_SOCK: socket };
  assert.equal(await agentKeyCount(socket), 0);
  assert.equal(await findSshIdentity(env), undefined);

  const key = join(sandbox.root, 'elsewhere_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
  execFileSync('ssh-add', ['-q', key], { env });
  assert.deepEqual(await findSshIdentity(env), { kind: 'agent', socket, keys: 1 });

  // tmux's socket answers, but not as an agent.
  assert.equal(await agentKeyCount(sandbox.socket()), undefined);
  assert.equal(await agentKeyCount(join(sandbox.root, 'no-such.sock')), undefined);
});

test('a tmate older than 2.4: what to upgrade, with the command; a new enough one, found on checking again, clears it', async () => {
  const old = join(sandbox.root, 'tmate-2.3');
  writeFileSync(old, `#!/bin/sh\n[ "$1" = -V ] && { echo "tmate 2.3.0"; exit 0; }\nexec ${TMATE} "$@"\n`, {
    mode: 0o755,
  });
  await sandbox.setPrefs({ 'tmate.path': old });
  const [problem, ...others] = await problems();
  assert.deepEqual(others, []);
  assert.equal(problem?.code, 'TMATE_TOO_OLD');
  assert.match(problem.message, new RegExp(`${old} is version 2\\.3\\.0; Pairbar needs tmate 2\\.4 or later`));
  assert.match(problem.fix, /^Upgrade it: /);
  assert.equal(
    problem.command,
    process.platform === 'darwin' ? 'brew upgrade tmate' : 'sudo apt install --only-upgrade tmate',
  );

  const shared = await sandbox.cli(['share', 'work']);
  assert.equal(shared.code, 1);
  assert.match(shared.stderr, /version 2\.3\.0/);
  assert.deepEqual(sandbox.tmatePids(), []);

  // "Upgraded": the same path now holds 2.4.0.
  writeFileSync(old, `#!/bin/sh\nexec ${TMATE} "$@"\n`, { mode: 0o755 });
  assert.deepEqual(await problems(), []);
});

test('which tmate versions are too old', () => {
  const cases: [string, boolean][] = [
    ['2.4.0', false],
    ['2.5.0', false],
    ['3.0', false],
    ['2.3.1', true],
    ['2.2.1', true],
    ['1.8', true],
    ['master', false],
  ];
  for (const [version, expected] of cases) assert.equal(tmateTooOld(version), expected, version);
});

test('tmux missing: the install command beside it; once installed, checking again finds it without a restart', async () => {
  const where = join(sandbox.root, 'bin', 'tmux');
  await sandbox.setPrefs({ 'tmux.path': where });
  const state = new AppState(sandbox.runtime());
  const missing = (await state.refresh()).problems;
  assert.deepEqual(
    missing.map((problem) => problem.code),
    ['TMUX_MISSING'],
  );
  assert.equal(missing[0]!.command, process.platform === 'darwin' ? 'brew install tmux' : 'sudo apt install tmux');
  assert.deepEqual((await state.refresh()).sessions, []);

  execFileSync('mkdir', ['-p', join(sandbox.root, 'bin')]);
  symlinkSync(TMUX, where);
  const after = await state.refresh();
  assert.deepEqual(after.problems, []);
  assert.deepEqual(
    after.sessions.map((session) => session.name),
    ['work'],
  );
});
