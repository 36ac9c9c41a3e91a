/**
 * Soak: 200 share/stop cycles in a row, then 10 shares at once, through the same core the app and the
 * command drive (real tmux, real tmate 2.4.0, the test tmate server). What must not grow: tmate processes,
 * share directories and sockets, this process's open file descriptors (all exact: nothing extra), and the
 * heap (within a stated allowance). The figures go to test-output/reliability/ (`npm run docs`: docs/reliability.md).
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { after, test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { waitFor } from '../support/sandbox.ts';
import { worldPerTest } from '../support/world.ts';
import { shareDirs } from '../support/share-checks.ts';
import { recordReliability } from '../support/reliability.ts';

const CYCLES = 200;
const AT_ONCE = 10;
/** Heap growth allowed after a full GC. The test tmate server runs in this process: its memory counts too. */
const HEAP_ALLOWANCE_MB = 8;

// Without --expose-gc on the command line: the flag can still be set, and `gc` read from a fresh context.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const world = worldPerTest();
const sections: string[] = [];

after(() => {
  if (sections.length === 0) return;
  recordReliability(
    'soak',
    [
      '`test/core/soak.test.ts`: the core the app and the command share, in one process, against real tmux, real',
      'tmate 2.4.0 and the test tmate server (in the same process: its memory is in the heap figures too).',
      `Processes, directories, sockets and file descriptors must come back exactly; the heap after a full`,
      `GC may grow by at most ${HEAP_ALLOWANCE_MB} MB.`,
      '',
      '| run | tmate processes | share dirs / sockets | open fds | heap used (after GC) | rss | time |',
      '|---|---|---|---|---|---|---|',
      ...sections,
      '',
      `Run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, Node ${process.version}.`,
    ].join('\n'),
  );
});

interface Sample {
  tmate: number;
  dirs: number;
  sockets: number;
  fds: number;
  heapMB: number;
  rssMB: number;
}

function openFds(): number {
  return readdirSync('/proc/self/fd').length;
}

function sample(): Sample {
  gc();
  const memory = process.memoryUsage();
  const dirs = shareDirs(world.sandbox);
  return {
    tmate: world.sandbox.tmatePids().length,
    dirs: dirs.length,
    sockets: dirs.filter((id) => readdirSync(`${world.sandbox.env.PAIRBAR_RUNTIME_DIR}/${id}`).includes('tmate.sock'))
      .length,
    fds: openFds(),
    heapMB: memory.heapUsed / 2 ** 20,
    rssMB: memory.rss / 2 ** 20,
  };
}

/** Every connection the test server served has ended: their sockets are this process's fds too. */
async function serverQuiet(): Promise<void> {
  await waitFor(
    "the server's connections to close",
    () => world.server.connections().every((host) => host.isClosed),
    10_000,
  );
}

function row(run: string, before: Sample, after: Sample, seconds: number): string {
  const mb = (value: number) => `${value.toFixed(1)} MB`;
  return `| ${run} | ${before.tmate} → ${after.tmate} | ${before.dirs} / ${before.sockets} → ${after.dirs} / ${after.sockets} | ${before.fds} → ${after.fds} | ${mb(before.heapMB)} → ${mb(after.heapMB)} | ${mb(before.rssMB)} → ${mb(after.rssMB)} | ${seconds.toFixed(1)} s |`;
}

function assertNoGrowth(before: Sample, after: Sample): void {
  assert.equal(after.tmate, 0, 'no tmate process left');
  assert.equal(after.dirs, 0, 'no share directory left');
  assert.equal(after.sockets, 0, 'no tmate socket left');
  assert.equal(after.fds, before.fds, 'no file descriptor leaked');
  assert.ok(
    after.heapMB - before.heapMB < HEAP_ALLOWANCE_MB,
    `heap grew ${(after.heapMB - before.heapMB).toFixed(1)} MB`,
  );
}

test(`${CYCLES} share/stop cycles in a row: every one shares, and nothing is left or grows`, async () => {
  const id = world.sandbox.newSession('work');
  world.sandbox.attachUserClient(id);
  await world.sandbox.waitForClients(id, 1);
  const { shares } = world.sandbox.runtime();
  // One cycle first: what is created once (the binaries lookup, libuv's inotify and signal fds) is not a leak.
  await shares.stop((await shares.share({ session: 'work' })).id);
  await serverQuiet();
  const before = sample();
  const started = Date.now();
  const links = new Set<string>();
  for (let cycle = 0; cycle < CYCLES; cycle++) {
    const share = await shares.share({ session: 'work' });
    assert.equal(share.state, 'sharing', `cycle ${cycle}`);
    links.add(share.links.ssh ?? '');
    await shares.stop(share.id);
  }
  const seconds = (Date.now() - started) / 1000;
  await serverQuiet();
  const after = sample();
  sections.push(
    row(`${CYCLES} share/stop cycles in a row (${(seconds / CYCLES).toFixed(2)} s per cycle)`, before, after, seconds),
  );
  assert.equal(links.size, CYCLES, 'each share had its own links');
  assert.deepEqual(shares.list(), []);
  assert.deepEqual(world.sandbox.clientsOf(id).length, 1, 'the user stayed attached throughout');
  assertNoGrowth(before, after);
});

test(`${AT_ONCE} shares at once: all share with their own links, all stop, nothing is left or grows`, async () => {
  const names = Array.from({ length: AT_ONCE }, (_, index) => `work-${index}`);
  for (const name of names) world.sandbox.newSession(name);
  const { shares } = world.sandbox.runtime();
  await shares.stop((await shares.share({ session: names[0]! })).id);
  await serverQuiet();
  const before = sample();
  const started = Date.now();
  const all = await Promise.all(names.map((name) => shares.share({ session: name })));
  assert.deepEqual(
    all.map((share) => share.state),
    names.map(() => 'sharing'),
  );
  assert.equal(new Set(all.map((share) => share.links.ssh)).size, AT_ONCE, 'each has its own links');
  const during = sample();
  assert.equal(during.tmate, AT_ONCE, 'one tmate per share');
  assert.equal(during.sockets, AT_ONCE);
  assert.equal(await shares.stopAll(), AT_ONCE);
  const seconds = (Date.now() - started) / 1000;
  await serverQuiet();
  const after = sample();
  sections.push(
    row(
      `${AT_ONCE} shares at once (${during.tmate} tmate and ${during.fds - before.fds} more fds while up), then stop all`,
      before,
      after,
      seconds,
    ),
  );
  assert.deepEqual(shares.list(), []);
  assertNoGrowth(before, after);
});
