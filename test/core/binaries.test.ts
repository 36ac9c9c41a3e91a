/**
 * binaries.ts against the real tmux (/usr/bin/tmux, 3.3a) and tmate (/usr/bin/tmate, 2.4.0): no mocks. Fake
 * login shells are small /bin/sh scripts put in SHELL. Every test clears the cache first, so order is irrelevant.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, chown, copyFile, mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  augmentedPath,
  clearBinaryCache,
  DEFAULT_KNOWN_DIRS,
  findBinaries,
  findBinary,
  loginShellPath,
  type BinaryName,
} from '../../main/core/binaries.ts';
import { installCommand, isPairbarError, PairbarError } from '../../main/core/errors.ts';
import { fileIdentity, knownVersionsIn } from '../../main/core/known-versions.ts';
import { spawnedSoFar } from '../../main/core/process.ts';

const TMUX = '/usr/bin/tmux';
const TMATE = '/usr/bin/tmate';
const TMUX_VERSION = '3.3a';
const TMATE_VERSION = '2.4.0';

const root = await mkdtemp(path.join(os.tmpdir(), 'pairbar-binaries-'));
after(async () => {
  clearBinaryCache();
  await rm(root, { recursive: true, force: true });
});

let counter = 0;
async function tempDir(label: string): Promise<string> {
  const dir = path.join(root, `${label}-${++counter}`);
  await mkdir(dir, { recursive: true });
  return dir;
}

async function script(dir: string, name: string, body: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, `#!/bin/sh\n${body}\n`);
  await chmod(file, 0o755);
  return file;
}

/**
 * A stand-in login shell: logs its arguments to `log`, prints noise, sets PATH to `loginPath` (or, with
 * `-i`, to `interactivePath`), then runs the command Pairbar gives it (its last argument) and prints more noise.
 */
async function fakeShell(
  dir: string,
  opts: { loginPath: string; interactivePath?: string; log: string },
): Promise<string> {
  return script(
    dir,
    'fake-shell',
    [
      // Log the flags before -c (the command itself has newlines in it).
      'flags=; for arg; do [ "$arg" = -c ] && break; flags="$flags $arg"; done',
      `echo "\${flags# } -c" >> '${opts.log}'`,
      `PATH='${opts.loginPath}'`,
      `for arg; do [ "$arg" = -i ] && PATH='${opts.interactivePath ?? opts.loginPath}'; done`,
      'export PATH',
      'echo "Last login: Mon Jan  1 00:00:00 on ttys000"',
      'echo "PATH=/this/is/noise"',
      'echo "rc noise" >&2',
      'for last; do :; done',
      'eval "$last"',
      'echo "goodbye"',
    ].join('\n'),
  );
}

async function logLines(log: string): Promise<string[]> {
  if (!existsSync(log)) return [];
  return (await readFile(log, 'utf8')).split('\n').filter((line) => line !== '');
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A killed process nobody has reaped yet (a zombie, state Z) is dead all the same.
    if (process.platform === 'linux') return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code !== 'ESRCH' && code !== 'ENOENT';
  }
}

async function rejectsWith(
  promise: Promise<unknown>,
  check: (error: PairbarError) => void,
  what?: string,
): Promise<void> {
  await assert.rejects(
    promise,
    (error: unknown) => {
      assert.ok(isPairbarError(error), `expected a PairbarError, got ${String(error)}`);
      check(error);
      return true;
    },
    what,
  );
}

test('finds tmux and tmate on PATH, with their versions', async () => {
  clearBinaryCache();
  const env = { ...process.env, PATH: '/nonexistent:/usr/bin:/bin' };
  const tmux = await findBinary('tmux', { env, knownDirs: [] });
  assert.deepEqual(tmux, { name: 'tmux', path: TMUX, version: TMUX_VERSION, source: 'PATH' });
  const both = await findBinaries({ env, knownDirs: [] });
  assert.deepEqual(both.tmux, tmux);
  assert.deepEqual(both.tmate, { name: 'tmate', path: TMATE, version: TMATE_VERSION, source: 'PATH' });
});

test('relative and empty PATH entries are never searched', async () => {
  clearBinaryCache();
  const dir = await tempDir('relative');
  await symlink(TMUX, path.join(dir, 'tmux'));
  await mkdir(path.join(dir, 'sub'));
  await symlink(TMUX, path.join(dir, 'sub', 'tmux'));
  const log = path.join(dir, 'shell.log');
  const shell = await fakeShell(dir, { loginPath: '/nonexistent', log });
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    // `.`, `` and `sub` would all find a tmux (./tmux, ./sub/tmux) if they were honoured.
    const env = { PATH: '.::sub', SHELL: shell, HOME: dir };
    await rejectsWith(findBinary('tmux', { env, knownDirs: [] }), (error) => assert.equal(error.code, 'TMUX_MISSING'));
  } finally {
    process.chdir(cwd);
  }
});

test('a tmux that does not run is skipped for the next one, and named when it is the only one', async () => {
  clearBinaryCache();
  const dir = await tempDir('broken');
  const broken = await script(dir, 'tmux', 'echo "error while loading shared libraries" >&2; exit 127');
  const log = path.join(dir, 'shell.log');
  const shell = await fakeShell(dir, { loginPath: '/nonexistent', log });
  const env = { PATH: `${dir}:/usr/bin`, SHELL: shell, HOME: dir };
  assert.deepEqual(await findBinary('tmux', { env, knownDirs: [] }), {
    name: 'tmux',
    path: TMUX,
    version: TMUX_VERSION,
    source: 'PATH',
  });

  clearBinaryCache();
  await rejectsWith(findBinary('tmux', { env: { ...env, PATH: dir }, knownDirs: [] }), (error) => {
    assert.equal(error.code, 'TMUX_MISSING');
    assert.ok(error.message.includes(broken), error.message);
  });
});

test('a bare PATH still finds them: in the known directories when the login shell does not help', async () => {
  clearBinaryCache();
  const dir = await tempDir('known');
  const log = path.join(dir, 'shell.log');
  const shell = await fakeShell(dir, { loginPath: '/nonexistent-login', log });
  const env = { PATH: '/nonexistent', SHELL: shell, HOME: dir };

  const { tmux, tmate } = await findBinaries({ env, knownDirs: ['/nonexistent-known', '/usr/bin'] });
  assert.deepEqual(tmux, { name: 'tmux', path: TMUX, version: TMUX_VERSION, source: 'known-dir' });
  assert.deepEqual(tmate, { name: 'tmate', path: TMATE, version: TMATE_VERSION, source: 'known-dir' });
  // The login shell was consulted first — once (plain `-l`), shared by both lookups.
  const plain = (await logLines(log)).filter((line) => !line.split(' ').includes('-i'));
  assert.equal(plain.length, 1);
  assert.equal(plain[0], '-l -c');

  clearBinaryCache();
  const defaults = await findBinary('tmux', { env });
  assert.equal(defaults.source, 'known-dir');
  assert.ok(DEFAULT_KNOWN_DIRS.includes(path.dirname(defaults.path)), defaults.path);
  assert.equal(defaults.version, TMUX_VERSION);
});

test('a bare PATH still finds them: through the login shell, before the known directories', async () => {
  clearBinaryCache();
  const dir = await tempDir('login');
  const log = path.join(dir, 'shell.log');
  const shell = await fakeShell(dir, { loginPath: '/nonexistent-login:/usr/bin:/bin', log });
  const env = { PATH: '/nonexistent', SHELL: shell, HOME: dir };

  const { tmux, tmate } = await findBinaries({ env, knownDirs: [] });
  assert.deepEqual(tmux, { name: 'tmux', path: TMUX, version: TMUX_VERSION, source: 'login-shell' });
  assert.deepEqual(tmate, { name: 'tmate', path: TMATE, version: TMATE_VERSION, source: 'login-shell' });
  assert.equal((await logLines(log)).length, 1, 'the login shell runs at most once');

  // Cached: asking again starts no process at all.
  const before = spawnedSoFar();
  assert.deepEqual(await findBinary('tmux', { env, knownDirs: [] }), tmux);
  assert.equal(spawnedSoFar(), before);
  assert.equal((await logLines(log)).length, 1);
});

test(
  'a bare PATH with the real login shell and default directories: says which source found them',
  { skip: !existsSync('/bin/sh') },
  async (t) => {
    clearBinaryCache();
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: '/nonexistent' };
    const { tmux, tmate } = await findBinaries({ env });
    t.diagnostic(
      `tmux: ${tmux.path} via ${tmux.source}; tmate: ${tmate.path} via ${tmate.source}; SHELL=${env.SHELL ?? '(unset)'}`,
    );
    for (const info of [tmux, tmate])
      assert.ok(info.source === 'login-shell' || info.source === 'known-dir', info.source);
    assert.equal(tmux.version, TMUX_VERSION);
    assert.equal(tmate.version, TMATE_VERSION);
  },
);

test(
  'the real bash as a login shell finds them, and its rc noise is ignored',
  { skip: !existsSync('/bin/bash') },
  async () => {
    clearBinaryCache();
    const home = await tempDir('bash-home');
    const custom = await tempDir('custom-bin');
    await writeFile(
      path.join(home, '.bash_profile'),
      [
        `echo "Welcome to $(uname -s 2>/dev/null)!"`,
        `export PATH='${custom}':"$PATH"`,
        'echo "PATH=/not/this/one"',
        'echo "noise on stderr" >&2',
      ].join('\n') + '\n',
    );
    const env = { PATH: '/nonexistent', SHELL: '/bin/bash', HOME: home };
    const loginPath = await loginShellPath({ env, timeoutMs: 8000 });
    assert.ok(loginPath !== undefined);
    assert.ok(loginPath.startsWith(`${custom}:`), loginPath);

    const tmux = await findBinary('tmux', { env, knownDirs: [], loginShellTimeoutMs: 8000 });
    assert.equal(tmux.source, 'login-shell');
    assert.equal(tmux.version, TMUX_VERSION);
  },
);

test('loginShellPath ignores whatever the shell prints before and after, and its exit status', async () => {
  const dir = await tempDir('noise');
  const shell = await script(
    dir,
    'noisy-shell',
    [
      'echo "Last login: Mon Jan  1 00:00:00"',
      'printf "PAIRBAR- half a marker, PATH=/wrong\\n"',
      'echo "stderr noise" >&2',
      "PATH='/opt/one:/opt/two dir:/usr/bin'",
      'export PATH',
      'for last; do :; done',
      'eval "$last"',
      'echo "=PAIRBAR- trailing noise"',
      'exit 3',
    ].join('\n'),
  );
  assert.equal(
    await loginShellPath({ env: { SHELL: shell, PATH: '/usr/bin:/bin' } }),
    '/opt/one:/opt/two dir:/usr/bin',
  );

  // A shell that never prints the markers gives undefined.
  const mute = await script(dir, 'mute-shell', 'echo "PATH=/usr/bin"');
  assert.equal(await loginShellPath({ env: { SHELL: mute, PATH: '/usr/bin:/bin' } }), undefined);
  // So does one that cannot be started.
  assert.equal(
    await loginShellPath({ env: { SHELL: path.join(dir, 'no-such-shell'), PATH: '/usr/bin:/bin' } }),
    undefined,
  );
});

test('loginShellPath respects its time limit and kills the shell', { timeout: 10_000 }, async () => {
  const dir = await tempDir('slow');
  const pidFile = path.join(dir, 'pid');
  // `exec`: the shell itself is what hangs, like an rc file waiting forever.
  const shell = await script(dir, 'slow-shell', `echo $$ > '${pidFile}'\nexec sleep 30`);
  const result = await loginShellPath({ env: { SHELL: shell, PATH: '/usr/bin:/bin' }, timeoutMs: 500 });
  assert.equal(result, undefined);
  const pid = Number((await readFile(pidFile, 'utf8')).trim());
  assert.ok(pid > 0);
  assert.equal(isAlive(pid), false, `the login shell (pid ${pid}) is still running`);
});

test(
  'loginShellPath returns at its time limit even when a process the shell started keeps its output open',
  { timeout: 10_000 },
  async () => {
    const dir = await tempDir('grandchild');
    const pidFile = path.join(dir, 'pids');
    const shell = await script(dir, 'forking-shell', `sleep 30 &\necho "$$ $!" > '${pidFile}'\nwait`);
    const pids: number[] = [];
    try {
      const result = await loginShellPath({ env: { SHELL: shell, PATH: '/usr/bin:/bin' }, timeoutMs: 500 });
      assert.equal(result, undefined);
      pids.push(...(await readFile(pidFile, 'utf8')).trim().split(' ').map(Number));
      assert.equal(pids.length, 2);
      assert.deepEqual(pids.filter(isAlive), [], 'the login shell and what it started are gone');
    } finally {
      for (const pid of pids.filter(isAlive)) process.kill(pid, 'SIGKILL');
    }
  },
);

test(
  'a login shell whose rc file hangs after starting background jobs: at the time limit nothing it started lives',
  { skip: existsSync('/bin/bash') ? false : 'needs /bin/bash', timeout: 10_000 },
  async () => {
    const home = await tempDir('rc-home');
    const pidFile = path.join(home, 'pids');
    // What a real ~/.bash_profile does now and then: a helper in the background (here one that detaches its
    // output, so nothing holds our pipes), a subshell job, then something that waits forever.
    await writeFile(
      path.join(home, '.bash_profile'),
      [
        `sleep 60 >/dev/null 2>&1 &`,
        `echo $! >> '${pidFile}'`,
        `( sleep 61 >/dev/null 2>&1 & echo $! >> '${pidFile}'; wait )  &`,
        `echo $$ >> '${pidFile}'`,
        `sleep 62 & echo $! >> '${pidFile}'`,
        'wait',
      ].join('\n') + '\n',
    );
    const pids: number[] = [];
    try {
      const result = await loginShellPath({
        env: { SHELL: '/bin/bash', HOME: home, PATH: '/usr/bin:/bin' },
        timeoutMs: 700,
      });
      assert.equal(result, undefined);
      pids.push(...(await readFile(pidFile, 'utf8')).trim().split('\n').map(Number));
      assert.equal(pids.length, 4, `pids: ${pids.join(' ')}`);
      assert.deepEqual(pids.filter(isAlive), [], "the shell, its background job and the subshell's job are all gone");
    } finally {
      for (const pid of pids.filter(isAlive)) process.kill(pid, 'SIGKILL');
    }
  },
);

test('the preference wins over PATH', async () => {
  clearBinaryCache();
  const dir = await tempDir('pref');
  const tmuxLink = path.join(dir, 'tmux');
  await symlink(TMUX, tmuxLink);
  const tmateCopy = path.join(dir, 'tmate');
  await copyFile(TMATE, tmateCopy);
  await chmod(tmateCopy, 0o755);
  const env = { ...process.env, PATH: '/usr/bin:/bin' };

  assert.deepEqual(await findBinary('tmux', { env, preferredPath: tmuxLink }), {
    name: 'tmux',
    path: tmuxLink,
    version: TMUX_VERSION,
    source: 'preference',
  });
  const both = await findBinaries({ env, tmatePath: tmateCopy });
  assert.deepEqual(both.tmate, { name: 'tmate', path: tmateCopy, version: TMATE_VERSION, source: 'preference' });
  assert.deepEqual(both.tmux, { name: 'tmux', path: TMUX, version: TMUX_VERSION, source: 'PATH' });

  // A preference of '' (or blanks) means none.
  assert.equal((await findBinary('tmux', { env, preferredPath: '  ' })).source, 'PATH');
});

test('a preference that is wrong is an error naming the path, with no fallback to PATH', async () => {
  clearBinaryCache();
  const dir = await tempDir('bad-pref');
  const env = { ...process.env, PATH: '/usr/bin:/bin' }; // tmux and tmate ARE on this PATH
  const notExecutable = path.join(dir, 'tmux-not-executable');
  await writeFile(notExecutable, '#!/bin/sh\necho tmux 9.9\n');
  await chmod(notExecutable, 0o644);
  const notTmux = await script(dir, 'not-tmux', 'exit 1');

  const cases: Array<{ name: BinaryName; file: string; code: string; reason: RegExp }> = [
    { name: 'tmux', file: path.join(dir, 'missing', 'tmux'), code: 'TMUX_MISSING', reason: /does not exist/ },
    { name: 'tmate', file: path.join(dir, 'tmate'), code: 'TMATE_MISSING', reason: /does not exist/ },
    { name: 'tmux', file: notExecutable, code: 'TMUX_MISSING', reason: /not executable/ },
    { name: 'tmux', file: dir, code: 'TMUX_MISSING', reason: /directory/ },
    { name: 'tmate', file: notTmux, code: 'TMATE_MISSING', reason: /does not run as tmate/ },
    { name: 'tmux', file: 'bin/tmux', code: 'TMUX_MISSING', reason: /not an absolute path/ },
  ];
  for (const { name, file, code, reason } of cases) {
    await rejectsWith(findBinary(name, { env, preferredPath: file }), (error) => {
      assert.equal(error.code, code);
      assert.ok(error.message.includes(file), `${error.message} should name ${file}`);
      assert.match(error.message, reason);
      assert.match(error.fix, new RegExp(`${name}\\.path`));
    });
  }
  await rejectsWith(findBinaries({ env, tmatePath: path.join(dir, 'nope') }), (error) =>
    assert.equal(error.code, 'TMATE_MISSING'),
  );
});

test('a binary that is nowhere is TMUX_MISSING / TMATE_MISSING, with the install command in the fix', async () => {
  clearBinaryCache();
  const dir = await tempDir('nowhere');
  const log = path.join(dir, 'shell.log');
  // The login shell (plain and interactive) works but its PATH has neither program.
  const shell = await fakeShell(dir, { loginPath: '/nonexistent-login', interactivePath: '/nonexistent-rc', log });
  const env = { PATH: '/nonexistent', SHELL: shell, HOME: dir };

  await rejectsWith(findBinary('tmux', { env, knownDirs: [], platform: 'linux' }), (error) => {
    assert.equal(error.code, 'TMUX_MISSING');
    assert.ok(error.fix.includes(installCommand('tmux', 'linux')), error.fix);
  });
  await rejectsWith(findBinary('tmate', { env, knownDirs: [], platform: 'darwin' }), (error) => {
    assert.equal(error.code, 'TMATE_MISSING');
    assert.ok(error.fix.includes('brew install tmate'), error.fix);
  });
  await rejectsWith(findBinaries({ env, knownDirs: [] }), (error) => assert.equal(error.code, 'TMUX_MISSING'));
  const calls = await logLines(log);
  assert.ok(calls.length >= 1, 'the login shell was consulted');
  assert.equal(calls.filter((line) => !line.split(' ').includes('-i')).length, 1, 'the plain login shell ran once');
  assert.ok(calls.filter((line) => line.split(' ').includes('-i')).length <= 1, 'the interactive one at most once');
});

test('a PATH only the interactive shell sets is found when the interactive login shell is allowed', async () => {
  clearBinaryCache();
  const dir = await tempDir('interactive');
  const log = path.join(dir, 'shell.log');
  const shell = await fakeShell(dir, { loginPath: '/nonexistent-login', interactivePath: '/usr/bin:/bin', log });
  const env = { PATH: '/nonexistent', SHELL: shell, HOME: dir };

  const tmux = await findBinary('tmux', { env, knownDirs: [], interactiveLoginShell: true });
  assert.deepEqual(tmux, { name: 'tmux', path: TMUX, version: TMUX_VERSION, source: 'login-shell' });
  const calls = await logLines(log);
  assert.deepEqual(calls, ['-l -c', '-l -i -c']);

  clearBinaryCache();
  await writeFile(log, '');
  await rejectsWith(findBinary('tmux', { env, knownDirs: [], interactiveLoginShell: false }), (error) =>
    assert.equal(error.code, 'TMUX_MISSING'),
  );
  assert.equal((await logLines(log)).length, 1, 'no interactive shell when not allowed');
});

test('augmentedPath adds the directories of the binaries found', async () => {
  clearBinaryCache();
  const dir = await tempDir('augment');
  await symlink(TMUX, path.join(dir, 'tmux'));
  const env = { PATH: '/usr/bin:/bin' };
  assert.equal(augmentedPath(env), '/usr/bin:/bin');

  await findBinary('tmux', { env, preferredPath: path.join(dir, 'tmux') });
  await findBinary('tmate', { env });
  assert.equal(augmentedPath(env), `${dir}:/usr/bin:/bin`);
  assert.equal(augmentedPath({ PATH: '/usr/sbin:/sbin' }), `${dir}:/usr/bin:/usr/sbin:/sbin`);

  clearBinaryCache();
  assert.equal(augmentedPath(env), '/usr/bin:/bin');
});

test('a cached result is dropped when the program disappears', async () => {
  clearBinaryCache();
  const dir = await tempDir('vanish');
  const link = path.join(dir, 'tmux');
  await symlink(TMUX, link);
  const env = { PATH: `${dir}:/usr/bin:/bin` };
  assert.equal((await findBinary('tmux', { env })).path, link);
  await rm(link);
  assert.equal((await findBinary('tmux', { env })).path, TMUX);
});

test("tmux.path / tmate.path: only a program whose -V prints tmux's or tmate's own version line is accepted", async () => {
  clearBinaryCache();
  const dir = await tempDir('impostor');
  const env = { ...process.env, PATH: '/usr/bin:/bin' };
  // Real programs that print a digit for -V, and stand-ins that print something close to a version line.
  const impostors: Array<{ file: string; as: BinaryName[] }> = [
    { file: '/usr/bin/perl', as: ['tmux', 'tmate'] },
    { file: '/usr/bin/python3', as: ['tmux', 'tmate'] },
    { file: await script(dir, 'tmux', 'echo "tmux is 3.3a"'), as: ['tmux'] },
    { file: await script(dir, 'prints-version', 'echo "version 3.3a"'), as: ['tmux', 'tmate'] },
    { file: await script(dir, 'other', 'echo "vim 3.3a"; echo "tmux 3.3a"'), as: ['tmux'] },
    // tmux passed off as tmate, and tmate as tmux: their version numbers tell them apart.
    { file: TMUX, as: ['tmate'] },
    { file: TMATE, as: ['tmux'] },
  ];
  for (const { file, as } of impostors) {
    for (const name of as) {
      clearBinaryCache();
      await rejectsWith(
        findBinary(name, { env, preferredPath: file }),
        (error) => {
          assert.equal(error.code, name === 'tmux' ? 'TMUX_MISSING' : 'TMATE_MISSING', `${file} as ${name}`);
          assert.ok(error.message.includes(file), error.message);
          assert.match(error.message, new RegExp(`is not ${name}`), `${file} as ${name}: ${error.message}`);
          assert.match(error.fix, new RegExp(`${name}\\.path`));
        },
        `${file} as ${name}`,
      );
    }
  }
  // tmux names itself after the file it was run as: a link with another name is still tmux.
  const renamed = path.join(dir, 'tmux-3.3a');
  await symlink(TMUX, renamed);
  assert.deepEqual(await findBinary('tmux', { env, preferredPath: renamed }), {
    name: 'tmux',
    path: renamed,
    version: TMUX_VERSION,
    source: 'preference',
  });
  const tmateLink = path.join(dir, 'my-tmate');
  await symlink(TMATE, tmateLink);
  assert.equal((await findBinary('tmate', { env, preferredPath: tmateLink })).version, TMATE_VERSION);
});

test('a program named tmux on PATH that is not tmux is passed over for the real one', async () => {
  clearBinaryCache();
  const dir = await tempDir('impostor-path');
  await symlink('/usr/bin/perl', path.join(dir, 'tmux'));
  const env = { ...process.env, PATH: `${dir}:/usr/bin:/bin` };
  assert.deepEqual(await findBinary('tmux', { env, knownDirs: [] }), {
    name: 'tmux',
    path: TMUX,
    version: TMUX_VERSION,
    source: 'PATH',
  });
});

// ---------------------------------------------------------------------------------------------- known versions

/** A tmux stand-in that logs every `-V` to `log` and prints the real tmux's version line. */
async function countingTmux(dir: string, log: string): Promise<string> {
  return script(dir, 'tmux', `[ "$1" = -V ] && echo V >> '${log}'\nexec ${TMUX} "$@"`);
}

async function probes(log: string): Promise<number> {
  return (await readFile(log, 'utf8').catch(() => '')).split('\n').filter(Boolean).length;
}

/** A private directory as Pairbar makes its own: this user's, 0700. */
async function runtimeDir(): Promise<string> {
  const dir = await tempDir('run');
  await chmod(dir, 0o700);
  return dir;
}

test('known versions: the next process takes the version -V printed before, until the program changes', async () => {
  const dir = await tempDir('known');
  const log = path.join(dir, 'probes.log');
  const tmux = await countingTmux(dir, log);
  const run = await runtimeDir();
  const lookUp = async () => {
    clearBinaryCache(); // as a new process starts
    return findBinary('tmux', { preferredPath: tmux, knownVersions: knownVersionsIn(run) });
  };
  assert.equal((await lookUp()).version, TMUX_VERSION);
  assert.equal(await probes(log), 1);
  const before = spawnedSoFar();
  assert.equal((await lookUp()).version, TMUX_VERSION);
  assert.equal(await probes(log), 1, 'not run again');
  assert.equal(spawnedSoFar(), before, 'nothing spawned');
  const file = path.join(run, 'versions.json');
  assert.equal((await stat(file)).mode & 0o777, 0o600);

  // The program replaced (an upgrade, or something else put there): -V again, and its answer is what counts.
  await writeFile(
    tmux,
    `#!/bin/sh\n[ "$1" = -V ] && echo V >> '${log}' && echo 'tmux 3.4' && exit 0\nexec ${TMUX} "$@"\n`,
  );
  assert.equal((await lookUp()).version, '3.4');
  assert.equal(await probes(log), 2);
  // Replaced by a program that is not tmux at all: refused, whatever was known of the path before.
  await writeFile(tmux, `#!/bin/sh\necho 'This is perl 5, version 36'\n`);
  await assert.rejects(lookUp(), /is not tmux/);
});

test('known versions: a versions file another user could have written is not believed (owner, mode, directory)', async () => {
  const dir = await tempDir('planted');
  const log = path.join(dir, 'probes.log');
  const tmux = await countingTmux(dir, log);
  const run = await runtimeDir();
  const file = path.join(run, 'versions.json');
  const lookUp = async (where = run) => {
    clearBinaryCache();
    return findBinary('tmux', { preferredPath: tmux, knownVersions: knownVersionsIn(where) });
  };
  await lookUp();
  assert.equal(await probes(log), 1);
  // Each planted version below would be believed if its file were: the -V count shows it was not.
  const plant = async () => {
    const known = JSON.parse(await readFile(file, 'utf8')) as Record<string, { identity: string; version: string }>;
    for (const entry of Object.values(known)) entry.version = '9.9z';
    await writeFile(file, JSON.stringify(known));
  };
  await plant();
  await chmod(file, 0o620); // group-writable
  assert.equal((await lookUp()).version, TMUX_VERSION);
  assert.equal(await probes(log), 2);

  await plant();
  await chmod(file, 0o600);
  await chown(file, 65534, 65534); // nobody's
  assert.equal((await lookUp()).version, TMUX_VERSION);
  assert.equal(await probes(log), 3);

  // A good file in a directory others may enter: not believed either.
  await rm(file);
  await lookUp();
  await plant();
  await chmod(run, 0o755);
  assert.equal((await lookUp()).version, TMUX_VERSION);
  assert.equal(await probes(log), 5);
  await chmod(run, 0o700);
  // And the same file, once the directory is private again, is (its planted version shows it was read).
  assert.equal((await lookUp()).version, '9.9z');
  assert.equal(await probes(log), 5);
});

test('known versions: tmux and tmate found at once are both kept for the next process', async () => {
  const dir = await runtimeDir();
  clearBinaryCache();
  // findBinaries looks both up together, so their two versions are written at the same moment.
  await findBinaries({ knownVersions: knownVersionsIn(dir) });
  const later = knownVersionsIn(dir);
  const identity = async (file: string) => fileIdentity(await stat(file));
  assert.equal(await later.get(`tmux\0${TMUX}`, await identity(TMUX)), TMUX_VERSION);
  assert.equal(await later.get(`tmate\0${TMATE}`, await identity(TMATE)), TMATE_VERSION);
});
