import assert from 'node:assert/strict';
import { test } from 'node:test';
import { endingNotification } from '../../main/app/notifications.ts';
import { DEFAULT_PREFS } from '../../main/prefs/schema.ts';

test('the warning before a share ends by itself: how long is left, gated with the share-problem notices', () => {
  const spec = endingNotification({ session: 'work' }, 60_000, DEFAULT_PREFS);
  assert.deepEqual(spec, {
    title: 'Sharing “work” ends soon',
    body: 'It ends by itself in 1 min; your session stays as it is. End it sooner from the Pairbar menu.',
    pref: 'notifications.shareProblems',
  });
  assert.match(endingNotification({ session: 'work' }, 2_000, DEFAULT_PREFS)?.body ?? '', /in 2 s;/);
  assert.equal(
    endingNotification({ session: 'work' }, 60_000, { ...DEFAULT_PREFS, 'notifications.shareProblems': false }),
    null,
  );
});
