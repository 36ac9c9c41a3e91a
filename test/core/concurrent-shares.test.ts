/**
 * Shares started at the same time: from one process (the app, with a click on each of several sessions, or
 * a click while a refresh adopts), and from two (the app adopting while the command starts one). Each start
 * must end live and stoppable, and no tmate may be left running unseen. Found by the hostile-names run,
 * which shares several at once: adoption removed the directory of a share still being started, and dropped
 * a starting share from the list (its socket not up yet) while its tmate went on running.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { worldPerTest } from '../support/world.ts';

const world = worldPerTest();

test('six shares started at once in one process: all live, listed once each, each stoppable, no tmate left', async () => {
  const { sandbox } = world;
  const names = ['one', 'two', 'three', 'four', 'five', 'six'];
  for (const name of names) sandbox.newSession(name);
  const { shares } = sandbox.runtime();
  const started = await Promise.all(names.map((session) => shares.share({ session })));
  assert.deepEqual(
    started.map((share) => share.state),
    names.map(() => 'sharing'),
  );
  assert.deepEqual(
    shares
      .list()
      .map((share) => share.session)
      .sort(),
    [...names].sort(),
  );
  assert.equal(sandbox.tmatePids().length, names.length);
  for (const share of started) await shares.stop(share.id);
  assert.deepEqual(shares.list(), []);
  assert.deepEqual(sandbox.tmatePids(), []);
});

test('another process adopting while a share is starting leaves it alone, then adopts it once it is ready', async () => {
  const { sandbox } = world;
  sandbox.newSession('work');
  const starter = sandbox.runtime().shares;
  const watcher = sandbox.runtime().shares;
  const adoptions: Array<Promise<unknown>> = [];
  // At every step of the start (the directory made, tmate launched, ready), the other process adopts.
  starter.on('step', () => adoptions.push(watcher.adopt()));
  const share = await starter.share({ session: 'work' });
  await Promise.all(adoptions);
  assert.equal(share.state, 'sharing');
  assert.deepEqual(
    starter.list().map((entry) => entry.id),
    [share.id],
    "still the starter's",
  );
  const adopted = await watcher.adopt();
  assert.deepEqual(
    adopted.map((entry) => [entry.id, entry.state]),
    [[share.id, 'sharing']],
  );
  await watcher.stop(share.id);
  assert.deepEqual(sandbox.tmatePids(), []);
});

test('the same process adopting (a snapshot refresh) at every step of a start keeps the starting share listed, and its tmate seen', async () => {
  const { sandbox } = world;
  sandbox.newSession('work');
  const { shares } = sandbox.runtime();
  const adoptions: Array<Promise<unknown>> = [];
  shares.on('step', () => adoptions.push(shares.adopt()));
  const share = await shares.share({ session: 'work' });
  await Promise.all(adoptions);
  assert.deepEqual(
    shares.list().map((entry) => [entry.id, entry.state]),
    [[share.id, 'sharing']],
  );
  await shares.stop(share.id);
  assert.deepEqual(sandbox.tmatePids(), [], 'no tmate left running unseen');
});
