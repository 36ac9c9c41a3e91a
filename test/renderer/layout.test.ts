/** Which banners, cards, problems and rows the sessions screen lists for a snapshot (renderer/layout.ts). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Snapshot } from '../../main/contract.ts';
import { BLANK_KEY, copyKey, sessionKey, shareKey, stopKey } from '../../renderer/action-keys.ts';
import { layout, NO_SESSIONS } from '../../renderer/layout.ts';
import { OTHER_SOCKET, problem, session, share, snapshot } from './fixtures.ts';

/** The layout in words: one line per thing listed, in screen order. */
function listed(parts: Partial<Snapshot>): string[] {
  const { banners, cards, blocking, rows, newTerminal } = layout(snapshot(parts));
  return [
    ...banners.map((item) => `banner ${item.code}`),
    ...cards.map(({ share: item, session: of }) => `card ${item.session}${of ? ` (${of.server})` : ' (no session)'}`),
    ...blocking.map(({ problem: item, big }) => `${big ? 'problem' : 'compact problem'} ${item.code}`),
    ...rows.map((item) => `row ${item.name} (${item.server})`),
    ...(newTerminal ? [newTerminal.primary ? 'new terminal (primary)' : 'new terminal'] : []),
  ];
}

const work = session('work', { id: '$1' });
const notes = session('notes', { id: '$2' });
const workThere = session('work', { id: '$1', socket: OTHER_SOCKET, server: 'second' });

test('layout: what is listed, in order, for each kind of snapshot', () => {
  const rows: [string, Partial<Snapshot>, string[]][] = [
    [
      'tmux running, no sessions: the NO_SESSIONS hint and a primary new terminal',
      {},
      ['problem NO_SESSIONS', 'new terminal (primary)'],
    ],
    ['two sessions', { sessions: [work, notes] }, ['row work (default)', 'row notes (default)', 'new terminal']],
    [
      'a shared session shows as its card, not also as a row',
      { sessions: [work, notes], shares: [share(work)] },
      ['card work (default)', 'row notes (default)', 'new terminal'],
    ],
    [
      'same name on two servers: only the shared one becomes a card',
      { sessions: [work, workThere], shares: [share(workThere)] },
      ['card work (second)', 'row work (default)', 'new terminal'],
    ],
    [
      'a share whose session is gone keeps its card',
      { sessions: [notes], shares: [share(work)] },
      ['card work (no session)', 'row notes (default)', 'new terminal'],
    ],
    ['no tmux server', { problems: [problem('NO_TMUX_SERVER')] }, ['problem NO_TMUX_SERVER', 'new terminal (primary)']],
    [
      'no tmux server, a blank share live: the problem goes compact under the card',
      { problems: [problem('NO_TMUX_SERVER')], shares: [share('pair', { blank: true })] },
      ['card pair (no session)', 'compact problem NO_TMUX_SERVER', 'new terminal (primary)'],
    ],
    [
      'tmate missing: nothing to share, no new terminal',
      { problems: [problem('TMATE_MISSING', { command: 'sudo apt install tmate' })] },
      ['problem TMATE_MISSING'],
    ],
    [
      'tmate too old: the upgrade in place of the list (not "no sessions"), no new terminal',
      { problems: [problem('TMATE_TOO_OLD', { command: 'sudo apt install --only-upgrade tmate' })] },
      ['problem TMATE_TOO_OLD'],
    ],
    ['tmux missing', { problems: [problem('TMUX_MISSING')] }, ['problem TMUX_MISSING']],
    [
      'both missing: both said',
      { problems: [problem('TMUX_MISSING'), problem('TMATE_MISSING')] },
      ['problem TMUX_MISSING', 'problem TMATE_MISSING'],
    ],
    [
      'a bad preference: a banner above the sessions',
      { sessions: [work], problems: [problem('INVALID_PREFERENCE')] },
      ['banner INVALID_PREFERENCE', 'row work (default)', 'new terminal'],
    ],
    [
      'two bad preferences and no sessions',
      { problems: [problem('INVALID_PREFERENCE'), problem('INVALID_PREFERENCE')] },
      ['banner INVALID_PREFERENCE', 'banner INVALID_PREFERENCE', 'problem NO_SESSIONS', 'new terminal (primary)'],
    ],
    [
      'cards keep the order of the shares',
      { sessions: [work, notes], shares: [share(notes), share(work)] },
      ['card notes (default)', 'card work (default)', 'new terminal'],
    ],
  ];
  for (const [name, parts, expected] of rows) assert.deepEqual(listed(parts), expected, name);
});

test('layout: the NO_SESSIONS hint says what to do', () => {
  const { blocking } = layout(snapshot());
  assert.deepEqual(blocking, [{ problem: NO_SESSIONS, big: true }]);
  assert.equal(NO_SESSIONS.message, 'tmux is running but has no sessions.');
  assert.equal(NO_SESSIONS.fix, 'Create one with `tmux new -s work`, or share a new blank terminal instead.');
});

test('action keys: a session and its share have one key; the same name on another server another', () => {
  const item = share(work);
  const rows: [string, string, string][] = [
    ['session ↔ its share', sessionKey(work), shareKey(item)],
    ['stop', stopKey(item), `stop:${shareKey(item)}`],
    ['copy', copyKey('sshReadOnly', item.id), `copy:sshReadOnly:${item.id}`],
    ['blank', BLANK_KEY, 'share:blank'],
  ];
  for (const [name, actual, expected] of rows) assert.equal(actual, expected, name);
  assert.notEqual(sessionKey(work), sessionKey(workThere));
  assert.notEqual(sessionKey(work), sessionKey(notes));
});
