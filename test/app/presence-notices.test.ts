/**
 * Notifications of who is in on a bare server (no count): one per settled burst, saying where it ended up.
 * The timers are driven by hand, so the table says what a person would see after each burst.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { presenceNotices, type NotificationSpec } from '../../main/app/notifications.ts';

const ALL_ON = {
  'notifications.pairJoined': true,
  'notifications.pairLeft': true,
  'notifications.shareProblems': true,
};

function harness(prefs = ALL_ON) {
  const shown: NotificationSpec[] = [];
  const pending = new Map<number, () => void>();
  let next = 0;
  const notice = presenceNotices(
    (spec) => shown.push(spec),
    () => prefs,
    {
      set: (fn) => (pending.set(++next, fn), next),
      clear: (handle) => pending.delete(handle as number),
    },
  );
  const settle = () => {
    for (const [handle, fn] of [...pending]) {
      pending.delete(handle);
      fn();
    }
  };
  return { shown, notice, settle, pending };
}

const work = { id: 'a1', session: 'work', clients: null };

test('a join, then the last leaving: "Someone joined", then "Nobody is in … now"', () => {
  const { shown, notice, settle } = harness();
  notice(work, false, true);
  settle();
  notice(work, true, true); // their terminal resized: no news
  settle();
  notice(work, true, false);
  settle();
  assert.deepEqual(
    shown.map((spec) => spec.title),
    ['Someone joined “work”', 'Nobody is in “work” now'],
  );
});

test('ten comings and goings in one burst give one notification, of where it ended up, or none when it came back', () => {
  const { shown, notice, settle, pending } = harness();
  for (let i = 0; i < 5; i++) {
    notice(work, false, true);
    notice(work, true, false);
  }
  notice(work, false, true);
  assert.equal(pending.size, 1, 'one wait per share, restarted by each change');
  settle();
  assert.deepEqual(
    shown.map((spec) => spec.title),
    ['Someone joined “work”'],
  );
  notice(work, true, false);
  notice(work, false, true);
  settle();
  assert.equal(shown.length, 1, 'back where it was: nothing to say');
});

test('two shares are told apart; a counting server says it itself; the preferences gate each', () => {
  const { shown, notice, settle } = harness({ ...ALL_ON, 'notifications.pairLeft': false });
  notice(work, false, true);
  notice({ id: 'b2', session: 'side', clients: 1 }, false, true);
  notice({ id: 'c3', session: 'other', clients: null }, true, false);
  settle();
  assert.deepEqual(
    shown.map((spec) => [spec.title, spec.pref]),
    [['Someone joined “work”', 'notifications.pairJoined']],
  );
});
