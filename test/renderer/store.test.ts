/** The popover's store (renderer/store.ts), in Node: snapshots in order, actions in flight, failures, "Copied". */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isNewer, Store } from '../../renderer/store.ts';
import { snapshot } from './fixtures.ts';

test('isNewer: a newer version replaces the snapshot; an older or equal one does not, except over version 0', () => {
  const rows: [number | undefined, number, boolean][] = [
    [undefined, 0, true],
    [undefined, 5, true],
    [0, 0, true],
    [0, 1, true],
    [3, 4, true],
    [3, 3, false],
    [3, 2, false],
    [3, 0, false],
  ];
  for (const [current, next, expected] of rows) {
    assert.equal(
      isNewer(current === undefined ? undefined : snapshot({ version: current }), snapshot({ version: next })),
      expected,
      `${current} → ${next}`,
    );
  }
});

test('receive: takes only newer snapshots, clears a load error, and tells the subscribers', () => {
  const store = new Store();
  let changes = 0;
  const unsubscribe = store.subscribe(() => changes++);
  store.failLoad('getState failed');
  assert.equal(store.state.loadError, 'getState failed');
  assert.equal(store.receive(snapshot({ version: 2 })), true);
  assert.equal(store.state.loadError, undefined);
  assert.equal(store.receive(snapshot({ version: 1 })), false, 'a late push is ignored');
  assert.equal(store.state.snapshot?.version, 2);
  assert.equal(changes, 2, 'the ignored one changed nothing');
  unsubscribe();
  store.receive(snapshot({ version: 3 }));
  assert.equal(changes, 2);
});

test('begin/end: an action cannot start twice, its old failure clears when it starts again, a failure stays until dismissed', () => {
  const store = new Store();
  const error = {
    code: 'SESSION_NOT_FOUND' as const,
    message: 'There is no tmux session named "gone".',
    fix: 'Run `pairbar sessions`.',
  };
  assert.equal(store.begin('share:x'), true);
  assert.equal(store.begin('share:x'), false, 'in flight already');
  assert.deepEqual([...store.state.pending], ['share:x']);
  store.end('share:x', { error, retry: () => undefined });
  assert.deepEqual([...store.state.pending], []);
  assert.equal(store.state.failures.get('share:x')?.error, error);
  assert.equal(store.begin('share:x'), true);
  assert.equal(store.state.failures.has('share:x'), false, 'trying again clears the failure');
  store.end('share:x', { error, retry: () => undefined });
  store.dismiss('share:x');
  assert.equal(store.state.failures.size, 0);
});

test('markCopied: "Copied" for the time given, restarted by copying again', (t) => {
  // The clock is node's mock, so a loaded machine cannot make the restart look like an expiry.
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const store = new Store();
  let changes = 0;
  store.subscribe(() => changes++);
  store.markCopied('copy:ssh:a', 1500);
  assert.equal(store.state.copied.has('copy:ssh:a'), true);
  t.mock.timers.tick(1000);
  store.markCopied('copy:ssh:a', 1500);
  t.mock.timers.tick(1499);
  assert.equal(store.state.copied.has('copy:ssh:a'), true, 'the second copy restarted the time');
  assert.equal(changes, 2);
  t.mock.timers.tick(1);
  assert.equal(store.state.copied.has('copy:ssh:a'), false, 'back to Copy');
  assert.equal(changes, 3, 'and the subscribers were told');
});

test('show: the screen, and a count of openings so opening Preferences again redraws it', () => {
  const store = new Store();
  assert.equal(store.state.screen, 'sessions');
  store.show('preferences');
  store.show('preferences');
  assert.deepEqual([store.state.screen, store.state.opened], ['preferences', 2]);
  store.show('sessions');
  assert.deepEqual([store.state.screen, store.state.opened], ['sessions', 2]);
  store.setPrefError('share.readyTimeoutSeconds', {
    code: 'INVALID_PREFERENCE',
    message: 'Cannot set share.readyTimeoutSeconds.',
    fix: 'Use 1 to 600.',
  });
  assert.equal(
    store.state.prefErrors.get('share.readyTimeoutSeconds')?.message,
    'Cannot set share.readyTimeoutSeconds.',
  );
  store.setPrefError('share.readyTimeoutSeconds', null);
  assert.equal(store.state.prefErrors.size, 0);
});
