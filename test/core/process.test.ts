/**
 * run(), through each of its two implementations (execa's, and node:child_process's for the command line):
 * every case below runs against both and must give the same answer, with real processes.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { CommandError, runWith, spawnedSoFar, type Spawner } from '../../main/core/process.ts';
import { pidAlive } from '../../main/core/tmate.ts';

const SPAWNERS: Spawner[] = ['execa', 'node'];
let dir = '';

before(async () => {
  dir = await realpath(await mkdtemp(join(tmpdir(), 'pb-process-')));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function failure(promise: Promise<unknown>): Promise<CommandError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof CommandError, `a CommandError, not ${String(error)}`);
    return error;
  }
  assert.fail('expected the command to fail');
}

for (const how of SPAWNERS) {
  test(`${how}: output and exit code come back as the program wrote them, final newline kept; each spawn counted`, async () => {
    const before = spawnedSoFar();
    const result = await runWith(how, 'sh', ['-c', 'printf "out\\n"; printf "err\\n" >&2']);
    assert.deepEqual(result, { stdout: 'out\n', stderr: 'err\n', exitCode: 0 });
    assert.equal(spawnedSoFar(), before + 1);
  });

  test(`${how}: arguments reach the program as they are, never through a shell`, async () => {
    const tricky = ['$(touch pwned)', '; rm -rf /', "it's", '"quoted"', '#{session_name}', ''];
    const result = await runWith(how, 'printf', ['%s\\n', ...tricky], { cwd: dir });
    assert.equal(result.stdout, tricky.map((arg) => `${arg}\n`).join(''));
    await assert.rejects(readFile(join(dir, 'pwned')), { code: 'ENOENT' });
  });

  test(`${how}: a non-zero exit is a CommandError with the exit code and stderr in its message`, async () => {
    const error = await failure(runWith(how, 'sh', ['-c', 'echo "no server running" >&2; exit 3']));
    assert.equal(error.exitCode, 3);
    assert.equal(error.stderr, 'no server running\n');
    assert.equal(error.timedOut, false);
    assert.equal(error.notFound, false);
    assert.equal(error.message, 'sh -c echo "no server running" >&2; exit 3: no server running');
  });

  test(`${how}: a program that does not exist is notFound`, async () => {
    const error = await failure(runWith(how, join(dir, 'no-such-program'), ['-V']));
    assert.equal(error.notFound, true);
    assert.match(error.message, /no-such-program -V: not found$/);
  });

  test(`${how}: past its time limit the program is killed and the error says it timed out`, async () => {
    const pidFile = join(dir, `timeout-${how}.pid`);
    const error = await failure(
      runWith(how, 'sh', ['-c', `echo $$ > "$0"; exec sleep 30`, pidFile], { timeoutMs: 300 }),
    );
    assert.equal(error.timedOut, true);
    assert.match(error.message, /: timed out$/);
    const pid = Number(await readFile(pidFile, 'utf8'));
    assert.equal(pidAlive(pid), false, 'the sleeping program is gone');
  });

  test(`${how}: an aborted signal kills the program and fails the run`, async () => {
    const pidFile = join(dir, `abort-${how}.pid`);
    const controller = new AbortController();
    const running = runWith(how, 'sh', ['-c', `echo $$ > "$0"; exec sleep 30`, pidFile], { signal: controller.signal });
    for (let i = 0; i < 200 && !(await readFile(pidFile, 'utf8').catch(() => '')); i++)
      await new Promise((resolve) => setTimeout(resolve, 10));
    controller.abort();
    const error = await failure(running);
    assert.equal(error.timedOut, false);
    assert.equal(pidAlive(Number(await readFile(pidFile, 'utf8'))), false);
  });

  test(`${how}: input is written to stdin; without input stdin is closed`, async () => {
    assert.equal((await runWith(how, 'cat', [], { input: 'a link\nand more' })).stdout, 'a link\nand more');
    // `cat` on a closed stdin ends at once with nothing, rather than waiting for a terminal.
    assert.equal((await runWith(how, 'cat', [])).stdout, '');
  });

  test(`${how}: an env given is the whole environment; the cwd is where it runs`, async () => {
    const result = await runWith(how, '/usr/bin/env', [], { env: { PAIRBAR_ONLY: 'yes' }, cwd: dir });
    assert.equal(result.stdout, 'PAIRBAR_ONLY=yes\n');
    assert.equal((await runWith(how, 'pwd', [], { cwd: dir })).stdout, `${dir}\n`);
  });

  test(`${how}: detachOutput does not wait for what the program left running with its output`, async () => {
    const pidFile = join(dir, `detach-${how}.pid`);
    // Like xclip: the program exits at once, a child of it goes on holding stdout and stderr.
    await runWith(how, 'sh', ['-c', 'sleep 30 & echo $! > "$0"', pidFile], { detachOutput: true });
    const pid = Number(await readFile(pidFile, 'utf8'));
    try {
      assert.equal(pidAlive(pid), true, 'the run ended while the child holding its output still runs');
    } finally {
      process.kill(pid, 'SIGKILL');
    }
  });
}
