/** Notifications, each gated by its preference, and the question asked before quitting ends pairs. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  endedNotification,
  failureNotifications,
  linksChangedNotification,
  pairNotification,
  quitQuestion,
} from '../../main/app/notifications.ts';
import { DEFAULT_PREFS } from '../../main/prefs/schema.ts';
import { share } from './fixtures.ts';

const ALL_ON = { ...DEFAULT_PREFS };
const ALL_OFF = {
  ...DEFAULT_PREFS,
  'notifications.pairJoined': false,
  'notifications.pairLeft': false,
  'notifications.shareProblems': false,
};

describe('notifications', () => {
  test('all three are on by default', () => {
    assert.equal(DEFAULT_PREFS['notifications.pairJoined'], true);
    assert.equal(DEFAULT_PREFS['notifications.pairLeft'], true);
    assert.equal(DEFAULT_PREFS['notifications.shareProblems'], true);
  });

  test('pair joined / left: who and how many, each behind its own preference', () => {
    const joined = { kind: 'joined' as const, ip: '203.0.113.7', clients: 1, at: 0 };
    const left = { kind: 'left' as const, ip: '203.0.113.7', clients: 0, at: 0 };
    assert.deepEqual(pairNotification({ session: 'work' }, joined, ALL_ON), {
      title: 'A pair joined “work”',
      body: 'From 203.0.113.7 — 1 pair connected.',
      pref: 'notifications.pairJoined',
    });
    assert.deepEqual(pairNotification({ session: 'work' }, left, ALL_ON), {
      title: 'A pair left “work”',
      body: '203.0.113.7 disconnected — 0 pairs connected.',
      pref: 'notifications.pairLeft',
    });
    assert.equal(pairNotification({ session: 'work' }, joined, { ...ALL_ON, 'notifications.pairJoined': false }), null);
    assert.notEqual(
      pairNotification({ session: 'work' }, left, { ...ALL_ON, 'notifications.pairJoined': false }),
      null,
    );
    assert.equal(pairNotification({ session: 'work' }, left, { ...ALL_ON, 'notifications.pairLeft': false }), null);
  });

  test('new links after a reconnect: says the old ones no longer work, naming the session, never the link', () => {
    const changed = share('work', {
      links: {
        ssh: 'ssh -p2222 NEWtoken@tmate.example.com',
        sshReadOnly: 'ssh -p2222 ro-NEW@tmate.example.com',
        web: null,
        webReadOnly: null,
      },
      linksChangedAt: 1_700_000_200_000,
    });
    assert.deepEqual(linksChangedNotification(changed, ALL_ON), {
      title: 'New links for “work” — the old ones no longer work',
      body: 'Send your pair the new links of “work” from the Pairbar menu.',
      pref: 'notifications.shareProblems',
    });
    assert.equal(linksChangedNotification(changed, ALL_OFF), null);
  });

  test('a share that ended by itself', () => {
    assert.equal(endedNotification({ session: 'work' }, null, ALL_ON)?.title, 'Sharing “work” ended');
    assert.equal(endedNotification({ session: 'work' }, null, ALL_OFF), null);
  });

  test('a share that ended with a cause (tmate killed): one notification, the ended one, with the cause', () => {
    const error = {
      code: 'TMUX_SERVER_GONE' as const,
      message: 'The tmux server holding "work" stopped.',
      fix: 'Start tmux again.',
    };
    const sharing = share('work', { state: 'sharing' });
    const ended = share('work', { state: 'failed', error });
    assert.deepEqual(
      endedNotification(ended, error, ALL_ON)?.body,
      'The tmux server holding "work" stopped. Start tmux again.',
    );
    assert.deepEqual(failureNotifications([sharing], [ended], ALL_ON), [], 'not told twice');
    assert.deepEqual(failureNotifications([{ ...sharing, state: 'reconnecting' }], [ended], ALL_ON), []);
  });

  test('a share that failed: once, when it turns failed, with the reason and the fix', () => {
    const error = {
      code: 'SERVER_UNREACHABLE' as const,
      message: 'Could not reach the tmate server.',
      fix: 'Check your network connection.',
    };
    const starting = share('work', { state: 'starting' });
    const failed = share('work', { state: 'failed', error });
    assert.deepEqual(failureNotifications([starting], [failed], ALL_ON), [
      {
        title: 'Sharing “work” failed',
        body: 'Could not reach the tmate server. Check your network connection.',
        pref: 'notifications.shareProblems',
      },
    ]);
    assert.deepEqual(failureNotifications([failed], [failed], ALL_ON), []);
    assert.deepEqual(failureNotifications([starting], [failed], ALL_OFF), []);
    // A retry that fails again is a new share (a new id), so a new failure.
    assert.equal(
      failureNotifications([failed], [{ ...failed, id: 'a1b2c3d4', startedAt: failed.startedAt + 1 }], ALL_ON).length,
      1,
    );
  });
});

describe('quitQuestion', () => {
  test('nobody connected: no question', () => {
    assert.equal(quitQuestion([]), null);
    assert.equal(quitQuestion([share('work', { clients: 0 }), share('api', { clients: null })]), null);
    // A reconnecting share has nobody connected through it.
    assert.equal(quitQuestion([share('work', { state: 'reconnecting', clients: 2 })]), null);
  });

  test('pairs connected: "End N pairs and quit?"', () => {
    assert.equal(quitQuestion([share('work', { clients: 1 })])?.message, 'End 1 pair and quit?');
    const question = quitQuestion([
      share('work', { clients: 2 }),
      share('api', { clients: 1 }),
      share('docs', { clients: 0 }),
    ]);
    assert.equal(question?.message, 'End 3 pairs and quit?');
    assert.match(question?.detail ?? '', /“work”, “api”/);
    assert.deepEqual(question?.buttons, ['End and Quit', 'Cancel']);
  });
});
