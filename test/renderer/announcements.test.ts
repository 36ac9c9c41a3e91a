/** What the screen reader hears when a snapshot replaces another (renderer/announcements.ts), as tables. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ShareView } from '../../main/contract.ts';
import { announcements, isRepeat, REPEAT_MS } from '../../renderer/announcements.ts';
import { share, STARTING } from './fixtures.ts';

const refused = {
  code: 'SERVER_UNREACHABLE' as const,
  message: 'Could not reach the tmate server 127.0.0.1:2200 within 2 s.',
  fix: 'Check your network connection.',
};
const joinedAt = (at: number, kind: 'joined' | 'left' = 'joined') => ({
  lastPairEvent: { kind, ip: '203.0.113.7', clients: kind === 'joined' ? 1 : 0, at },
});

test('announcements: each change of a share, in words', () => {
  const rows: [string, ShareView[], ShareView[], string[]][] = [
    ['nothing before, nothing after', [], [], []],
    ['no change', [share('work')], [share('work')], []],
    ['a share appears, starting: nothing yet', [], [share('work', STARTING)], []],
    ['starting → live', [share('work', STARTING)], [share('work')], ['Sharing work: the links are ready.']],
    [
      'a share appears already live (started from the command)',
      [],
      [share('work')],
      ['Sharing work: the links are ready.'],
    ],
    [
      'live → reconnecting',
      [share('work')],
      [share('work', { state: 'reconnecting' })],
      ['Connection lost for work; reconnecting.'],
    ],
    ['reconnecting → live', [share('work', { state: 'reconnecting' })], [share('work')], ['Sharing work again.']],
    [
      'starting → failed',
      [share('work', STARTING)],
      [share('work', { ...STARTING, state: 'failed', error: refused })],
      [`Could not share work: ${refused.message}`],
    ],
    [
      'failed without an error: nothing to say',
      [share('work', STARTING)],
      [share('work', { state: 'failed', error: null })],
      [],
    ],
    [
      'sharing → failed: it ended, and why',
      [share('work', { state: 'sharing' })],
      [share('work', { state: 'failed', error: refused })],
      [`Sharing work ended: ${refused.message}`],
    ],
    [
      'a failed share appears',
      [],
      [share('work', { state: 'failed', error: refused })],
      [`Could not share work: ${refused.message}`],
    ],
    ['live → stopped (still listed): nothing', [share('work')], [share('work', { state: 'stopped' })], []],
    ['a live share goes away', [share('work')], [], ['Stopped sharing work.']],
    ['a starting share goes away', [share('work', STARTING)], [], ['Stopped sharing work.']],
    [
      'a failed share is dismissed: its failure was said already',
      [share('work', { state: 'failed', error: refused })],
      [],
      [],
    ],
    ['a pair joins', [share('work')], [share('work', { clients: 1, ...joinedAt(1000) })], ['A pair joined work.']],
    [
      'a pair leaves',
      [share('work', { clients: 1, ...joinedAt(1000) })],
      [share('work', joinedAt(2000, 'left'))],
      ['A pair left work.'],
    ],
    [
      'the same pair event again: nothing',
      [share('work', { clients: 1, ...joinedAt(1000) })],
      [share('work', { clients: 1, ...joinedAt(1000) })],
      [],
    ],
    [
      'the server hands out new links after a reconnect',
      [share('work', { state: 'reconnecting' })],
      [share('work', { linksChangedAt: 5000 })],
      ['Sharing work again.', 'New links for work: the old ones no longer work.'],
    ],
    [
      'the same changed links again: nothing',
      [share('work', { linksChangedAt: 5000 })],
      [share('work', { linksChangedAt: 5000 })],
      [],
    ],
    [
      'links that change a second time',
      [share('work', { linksChangedAt: 5000 })],
      [share('work', { linksChangedAt: 9000 })],
      ['New links for work: the old ones no longer work.'],
    ],
    [
      'a share that appears with changed links (adopted): only that it is live',
      [],
      [share('work', { linksChangedAt: 5000 })],
      ['Sharing work: the links are ready.'],
    ],
    [
      'a state change wins over a pair event in the same snapshot',
      [share('work', { state: 'reconnecting' })],
      [share('work', joinedAt(3000))],
      ['Sharing work again.'],
    ],
    [
      'several at once: in the new order, then the ones gone',
      [share('gone'), share('work', STARTING), share('api', { state: 'reconnecting' })],
      [share('api'), share('work'), share('new', STARTING)],
      ['Sharing api again.', 'Sharing work: the links are ready.', 'Stopped sharing gone.'],
    ],
    ['names are said as they are', [], [share('<img src=x>')], ['Sharing <img src=x>: the links are ready.']],
  ];
  for (const [name, before, after, expected] of rows)
    assert.deepEqual(announcements({ shares: before }, { shares: after }), expected, name);
});

test('announcements: a share is followed by its id, not its name (two sessions named work on two servers)', () => {
  const here = share('work', { id: 'a' });
  const there = share('work', { id: 'b', socket: '/tmp/tmux-1000/second' });
  assert.deepEqual(announcements({ shares: [here] }, { shares: [there] }), [
    'Sharing work: the links are ready.',
    'Stopped sharing work.',
  ]);
  assert.deepEqual(announcements({ shares: [here, there] }, { shares: [here, { ...there, state: 'reconnecting' }] }), [
    'Connection lost for work; reconnecting.',
  ]);
});

test('isRepeat: the same sentence within REPEAT_MS is not said again; another sentence, or later, is', () => {
  const last = { text: 'Command copied.', at: 10_000 };
  const rows: [typeof last | undefined, string, number, boolean][] = [
    [undefined, 'Command copied.', 0, false],
    [last, 'Command copied.', 10_000, true],
    [last, 'Command copied.', 10_000 + REPEAT_MS - 1, true],
    [last, 'Command copied.', 10_000 + REPEAT_MS, false],
    [last, 'Command copied.', 20_000, false],
    [last, 'SSH link copied.', 10_001, false],
    [last, 'command copied.', 10_001, false],
  ];
  for (const [before, text, at, expected] of rows)
    assert.equal(isRepeat(before, text, at), expected, `${text} at ${at}`);
  assert.equal(REPEAT_MS, 2000);
});
