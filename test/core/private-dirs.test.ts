/**
 * The directories Pairbar talks through or writes into must be the user's own: tmux's socket directory
 * (another user who can write there can plant a server that Pairbar would list and share, or catch the
 * socket of a server Pairbar starts), Pairbar's runtime directory and each share's directory (they hold
 * the links, which are the keys to the user's shell). Real tmux, real tmate, the test tmate server.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readdirSync, statSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, test } from 'node:test';
import { isPairbarError } from '../../main/core/errors.ts';
import { AppState } from '../../main/app/app-state.ts';
import { TMUX, waitFor } from '../support/sandbox.ts';
import { worldPerTest } from '../support/world.ts';

const isRoot = process.getuid?.() === 0;
const NOT_ROOT = 'giving a directory to another user needs root; this run is not root';
/** An account that is not ours: nobody. */
const OTHER_UID = 65534;

// Registered first, so it runs before the sandbox is disposed: whatever a test did to the directories,
// they are handed back so disposal can reach the servers in them.
afterEach(() => {
  for (const dir of [socketDir(), world.sandbox.env.PAIRBAR_RUNTIME_DIR!]) {
    if (!existsSync(dir) || lstatSync(dir).isSymbolicLink()) continue;
    if (isRoot) chownSync(dir, 0, 0);
    chmodSync(dir, 0o700);
  }
});
const world = worldPerTest();

function socketDir(): string {
  return dirname(world.sandbox.socket());
}

/** What tmux itself says about its socket directory: the plain `tmux ls` a user would run. */
function tmuxVerdict(): 'refused' | 'listed' {
  const result = spawnSync(TMUX, ['ls'], { env: world.sandbox.env, encoding: 'utf8' });
  if (/unsafe permissions/.test(result.stderr)) return 'refused';
  assert.equal(result.status, 0, result.stderr);
  return 'listed';
}

/** tmux server processes whose socket is in this directory. */
function serversIn(dir: string): string[] {
  const result = spawnSync('pgrep', ['-a', '-f', `tmux.* -S ${dir}/`], { encoding: 'utf8' });
  return result.stdout.split('\n').filter(Boolean);
}

test('the tmux socket directory: `pairbar sessions` refuses exactly the modes tmux refuses', async () => {
  world.sandbox.newSession('work');
  const verdicts: string[] = [];
  for (const mode of [0o700, 0o750, 0o770, 0o701, 0o705, 0o707, 0o777, 0o1777]) {
    chmodSync(socketDir(), mode);
    const tmux = tmuxVerdict();
    const pairbar = await world.sandbox.cli(['sessions']);
    const label = `mode ${mode.toString(8)}`;
    if (tmux === 'refused') {
      assert.equal(pairbar.code, 1, `${label}: refused (${pairbar.stdout})`);
      assert.equal(pairbar.stdout, '', `${label}: no session listed`);
      assert.ok(pairbar.stderr.includes(socketDir()), `${label}: the error names the directory: ${pairbar.stderr}`);
      assert.match(pairbar.stderr, /other users/, label);
      assert.match(pairbar.stderr, new RegExp(`chmod 700 ${socketDir()}`), `${label}: the fix is given`);
    } else {
      assert.equal(pairbar.code, 0, `${label}: ${pairbar.stderr}`);
      assert.match(pairbar.stdout, /^work /m, label);
    }
    verdicts.push(`${mode.toString(8)}:${tmux}`);
  }
  // The rule is tmux's: no access at all for others, while the group may read (tmux allows that too).
  assert.deepEqual(verdicts, [
    '700:listed',
    '750:listed',
    '770:listed',
    '701:refused',
    '705:refused',
    '707:refused',
    '777:refused',
    '1777:refused',
  ]);
});

test(
  'the tmux socket directory owned by another user: sessions, share and the app snapshot refuse it',
  { skip: isRoot ? false : NOT_ROOT },
  async () => {
    world.sandbox.newSession('work');
    chownSync(socketDir(), OTHER_UID, OTHER_UID);
    assert.equal(tmuxVerdict(), 'refused', 'tmux itself refuses it');
    const listed = await world.sandbox.cli(['sessions']);
    assert.equal(listed.code, 1, listed.stdout);
    assert.match(listed.stderr, new RegExp(`${socketDir()} belongs to another user`));
    assert.match(listed.stderr, /TMUX_TMPDIR/, "the fix says how to use a directory of one's own");
    const { shares } = world.sandbox.runtime();
    await assert.rejects(
      shares.share({ session: 'work' }),
      (error) => isPairbarError(error) && error.code === 'UNSAFE_DIRECTORY',
    );
    assert.deepEqual(world.sandbox.tmatePids(), [], 'no tmate started');
    // The app's snapshot shows it as a problem, with the fix, and lists no session.
    const snapshot = await new AppState(world.sandbox.runtime()).refresh();
    assert.deepEqual(snapshot.sessions, []);
    const problem = snapshot.problems.find((candidate) => candidate.code === 'UNSAFE_DIRECTORY');
    assert.ok(problem?.message.includes(socketDir()), JSON.stringify(snapshot.problems));
  },
);

test('a planted server in an unsafe socket directory is never shared, by name or by socket', async () => {
  const id = world.sandbox.newSession('work');
  chmodSync(socketDir(), 0o777);
  const { shares } = world.sandbox.runtime();
  for (const target of [{ session: 'work' }, { session: 'work', socket: world.sandbox.socket() }]) {
    await assert.rejects(
      shares.share(target),
      (error) => isPairbarError(error) && error.code === 'UNSAFE_DIRECTORY',
      JSON.stringify(target),
    );
  }
  assert.deepEqual(world.sandbox.tmatePids(), [], 'no tmate started');
  assert.deepEqual(shares.list(), []);
  assert.equal(world.sandbox.clientsOf(id).length, 0, 'nothing attached to the planted session');
});

for (const planted of ['mode 0777', 'another owner'] as const) {
  test(
    `a blank share does not start a tmux server in a socket directory with ${planted}`,
    { skip: planted === 'another owner' && !isRoot ? NOT_ROOT : false },
    async () => {
      // Made before the user's first tmux, as another local user could make /tmp/tmux-UID.
      mkdirSync(socketDir(), { mode: 0o700 });
      if (planted === 'another owner') chownSync(socketDir(), OTHER_UID, OTHER_UID);
      else chmodSync(socketDir(), 0o777);
      const { shares } = world.sandbox.runtime();
      await assert.rejects(shares.share({}), (error) => {
        assert.ok(isPairbarError(error), String(error));
        assert.equal(error.code, 'UNSAFE_DIRECTORY');
        assert.ok(error.message.includes(socketDir()), error.message);
        return true;
      });
      assert.deepEqual(readdirSync(socketDir()), [], 'no socket was made in it');
      assert.deepEqual(serversIn(socketDir()), [], 'no tmux server started there');
      assert.deepEqual(world.sandbox.tmatePids(), []);
    },
  );
}

test('with a safe socket directory, or none yet, a blank share starts the server with a private one', async () => {
  const { shares } = world.sandbox.runtime();
  const share = await shares.share({});
  assert.equal(share.blank, true);
  assert.equal(statSync(socketDir()).mode & 0o777, 0o700);
  assert.equal(statSync(socketDir()).uid, process.getuid?.());
  await shares.stop(share.id);
});

// ---------------------------------------------------------------------------------------- runtime dir

test('the runtime directory: made private when missing', async () => {
  world.sandbox.newSession('work');
  const runtimeDir = world.sandbox.env.PAIRBAR_RUNTIME_DIR!;
  assert.equal(existsSync(runtimeDir), false);
  const { shares } = world.sandbox.runtime();
  const share = await shares.share({ session: 'work' });
  assert.equal(statSync(runtimeDir).mode & 0o777, 0o700);
  await shares.stop(share.id);
});

test('the runtime directory: one others can get into is refused, and nothing is written into it', async () => {
  world.sandbox.newSession('work');
  const runtimeDir = world.sandbox.env.PAIRBAR_RUNTIME_DIR!;
  for (const mode of [0o777, 0o750, 0o701]) {
    mkdirSync(runtimeDir, { recursive: true });
    chmodSync(runtimeDir, mode);
    const { shares } = world.sandbox.runtime();
    await assert.rejects(
      shares.share({ session: 'work' }),
      (error) => {
        assert.ok(isPairbarError(error), String(error));
        assert.equal(error.code, 'UNSAFE_DIRECTORY', error.message);
        assert.ok(error.message.includes(runtimeDir), error.message);
        assert.ok(error.fix.includes(`chmod 700 ${runtimeDir}`), error.fix);
        return true;
      },
      `mode ${mode.toString(8)}`,
    );
    assert.deepEqual(readdirSync(runtimeDir), [], `mode ${mode.toString(8)}: nothing written`);
    assert.equal(
      statSync(runtimeDir).mode & 0o7777,
      mode,
      "its mode is the user's to fix, not changed behind their back",
    );
    const status = await world.sandbox.cli(['status']);
    assert.equal(status.code, 1, `status refuses it too: ${status.stdout}`);
  }
  assert.deepEqual(world.sandbox.tmatePids(), []);
});

test('the runtime directory: a symlink is refused (even to a private directory)', async () => {
  world.sandbox.newSession('work');
  const real = join(world.sandbox.root, 'real-run');
  mkdirSync(real, { mode: 0o700 });
  symlinkSync(real, world.sandbox.env.PAIRBAR_RUNTIME_DIR!);
  const { shares } = world.sandbox.runtime();
  await assert.rejects(
    shares.share({ session: 'work' }),
    (error) => isPairbarError(error) && error.code === 'UNSAFE_DIRECTORY' && /not a directory/.test(error.message),
  );
  assert.deepEqual(readdirSync(real), []);
});

test('the runtime directory owned by another user is refused', { skip: isRoot ? false : NOT_ROOT }, async () => {
  world.sandbox.newSession('work');
  const runtimeDir = world.sandbox.env.PAIRBAR_RUNTIME_DIR!;
  mkdirSync(runtimeDir, { mode: 0o700 });
  chownSync(runtimeDir, OTHER_UID, OTHER_UID);
  const { shares } = world.sandbox.runtime();
  await assert.rejects(
    shares.share({ session: 'work' }),
    (error) =>
      isPairbarError(error) && error.code === 'UNSAFE_DIRECTORY' && /belongs to another user/.test(error.message),
  );
  assert.deepEqual(readdirSync(runtimeDir), []);
});

test("each share's directory, its files and tmate's socket are the user's alone", async () => {
  world.sandbox.newSession('work');
  const { shares } = world.sandbox.runtime();
  const share = await shares.share({ session: 'work' });
  const dir = join(world.sandbox.env.PAIRBAR_RUNTIME_DIR!, share.id);
  assert.equal(statSync(dir).mode & 0o777, 0o700);
  const entries = readdirSync(dir);
  assert.ok(entries.includes('tmate.sock') && entries.includes('share.json'), entries.join(', '));
  for (const name of entries) {
    const info = lstatSync(join(dir, name));
    assert.equal(info.uid, process.getuid?.(), `${name} is ours`);
    const mode = (info.mode & 0o777).toString(8);
    if (name === 'tmate.sock') {
      // tmate makes its socket 0660 as tmux does; the 0700 directory is what keeps the group out.
      assert.ok(info.isSocket());
      assert.equal(info.mode & 0o007, 0, `tmate's socket (mode ${mode}) gives nothing to others`);
    } else {
      assert.equal(info.mode & 0o077, 0, `${name} (mode ${mode}) gives nothing to group or others`);
    }
  }
  await shares.stop(share.id);
});

/** The ways one socket can be named: as listed, with `.` and `//` in it, and through a link elsewhere. */
function socketSpellings(): string[] {
  const socket = world.sandbox.socket();
  const link = join(world.sandbox.root, 'socket-link');
  if (!existsSync(link)) symlinkSync(socket, link);
  return [
    socket,
    join(socketDir(), '.', 'default').replace('/default', '/./default'),
    socket.replace('/default', '//default'),
    link,
  ];
}

test('--socket spelt another way (DIR/./default, DIR//default, a link): the same checks, and the same server', async () => {
  const id = world.sandbox.newSession('work', 'default', 'sh');
  const spellings = socketSpellings();
  chmodSync(socketDir(), 0o777);
  const { shares } = world.sandbox.runtime();
  for (const socket of spellings) {
    await assert.rejects(
      shares.share({ session: 'work', socket }),
      (error) => isPairbarError(error) && error.code === 'UNSAFE_DIRECTORY' && error.message.includes(socketDir()),
      socket,
    );
    const cli = await world.sandbox.cli(['share', 'work', '--socket', socket]);
    assert.equal(cli.code, 1, `${socket}: ${cli.stdout}`);
    assert.match(cli.stderr, /can be used by other users/, socket);
  }
  assert.deepEqual(world.sandbox.tmatePids(), [], 'no tmate started');
  assert.equal(world.sandbox.clientsOf(id).length, 0, 'nothing attached to the session');

  chmodSync(socketDir(), 0o700);
  const [listed, dotted, , linked] = spellings;
  const first = await shares.share({ session: 'work', socket: dotted });
  assert.equal(first.socket, listed, 'recorded under the name the listing gives');
  assert.equal(
    (await shares.share({ session: 'work', socket: linked })).id,
    first.id,
    'the same share, not a second one',
  );
  const stopped = await world.sandbox.cli(['stop', 'work', '--socket', dotted!]);
  assert.equal(stopped.code, 0, stopped.stderr);
  // Stopped by another process: this one notices through its own watch of the share, or on its next adopt.
  await waitFor('the share to be gone here too', async () => (await shares.adopt()).length === 0);
  assert.deepEqual(world.sandbox.tmatePids(), []);
});

test(
  'a socket owned by another user: not listed, and refused by --socket however it is spelt',
  { skip: isRoot ? false : NOT_ROOT },
  async () => {
    const id = world.sandbox.newSession('work', 'default', 'sh');
    const spellings = socketSpellings();
    chownSync(world.sandbox.socket(), OTHER_UID, OTHER_UID);
    try {
      const { shares } = world.sandbox.runtime();
      await assert.rejects(
        shares.share({ session: 'work' }),
        (error) => isPairbarError(error) && error.code === 'NO_TMUX_SERVER',
        'not found by name',
      );
      for (const socket of spellings) {
        await assert.rejects(
          shares.share({ session: 'work', socket }),
          (error) =>
            isPairbarError(error) && error.code === 'UNSAFE_DIRECTORY' && /belongs to another user/.test(error.message),
          socket,
        );
      }
      assert.deepEqual(world.sandbox.tmatePids(), [], 'no tmate started');
      assert.equal(world.sandbox.clientsOf(id).length, 0);
    } finally {
      chownSync(world.sandbox.socket(), 0, 0);
    }
  },
);
