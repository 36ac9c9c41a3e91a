/** The words the popover shows (renderer/format.ts), as tables: exactly what a person reads. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ShareView } from '../../main/contract.ts';
import {
  allowedText,
  clientsText,
  endChoiceLabel,
  endChoices,
  linksChangedText,
  missingWebText,
  nextTimeLeftChange,
  offersText,
  pairClientText,
  pairEventText,
  plural,
  serverText,
  sessionMeta,
  STATE_LABELS,
  statusLine,
  testHeadline,
  timeLeftText,
  timeOf,
} from '../../renderer/format.ts';
import { orderedLinks } from '../../main/core/links.ts';
import { session, share } from './fixtures.ts';

const US_UTC = { locales: 'en-US', timeZone: 'UTC' };
/** 2023-11-14 22:13:20 UTC */
const AT = 1_700_000_000_000;

test('plural: the count, then the word in the form that count takes', () => {
  const rows: [number, string, string | undefined, string][] = [
    [0, 'pair', undefined, '0 pairs'],
    [1, 'pair', undefined, '1 pair'],
    [2, 'pair', undefined, '2 pairs'],
    [1, 'window', undefined, '1 window'],
    [12, 'window', undefined, '12 windows'],
    [1, 'person', 'people', '1 person'],
    [3, 'person', 'people', '3 people'],
    [0, 'person', 'people', '0 people'],
    [-1, 'pair', undefined, '-1 pairs'],
  ];
  for (const [count, one, many, expected] of rows) assert.equal(plural(count, one, many), expected, `${count} ${one}`);
});

test('sessionMeta: windows and whether someone is attached', () => {
  const rows: [number, number, string][] = [
    [1, 0, '1 window · detached'],
    [1, 1, '1 window · attached'],
    [2, 0, '2 windows · detached'],
    [2, 1, '2 windows · attached'],
    [5, 3, '5 windows · attached'],
    [0, 0, '0 windows · detached'],
  ];
  for (const [windows, attached, expected] of rows)
    assert.equal(sessionMeta(session('work', { windows, attached })), expected, `${windows}/${attached}`);
  assert.equal(
    sessionMeta(session('api', { server: 'second', windows: 1 })),
    '1 window · detached',
    'the server is a tag, not part of the line',
  );
});

test('clientsText: pairs in, nobody yet, nobody any more, cut off while reconnecting, and a server that does not report who joins says so', () => {
  const joined = { kind: 'joined' as const, ip: '203.0.113.7', clients: 1, at: AT };
  const left = { kind: 'left' as const, ip: '203.0.113.7', clients: 0, at: AT };
  const rows: [string, Partial<ShareView>, string | null][] = [
    ['fresh share', { clients: 0 }, 'No one has joined yet'],
    ['one pair', { clients: 1, lastPairEvent: joined }, '1 pair connected'],
    ['two pairs', { clients: 2, lastPairEvent: joined }, '2 pairs connected'],
    ['the last pair left', { clients: 0, lastPairEvent: left }, 'No pair connected'],
    [
      'reconnecting, pairs were in',
      { state: 'reconnecting', clients: 2, lastPairEvent: joined },
      'Pairs are cut off until the connection is back',
    ],
    [
      'reconnecting, nobody had joined',
      { state: 'reconnecting', clients: 0 },
      'Pairs are cut off until the connection is back',
    ],
    ['starting', { state: 'starting', clients: 0 }, 'No one has joined yet'],
    ['failed after a pair left', { state: 'failed', clients: 0, lastPairEvent: left }, 'No pair connected'],
    ['a server that reports pairs, no count yet', { clients: null }, null],
    [
      'self-hosted: it says it cannot tell',
      { clients: null, reportsPairs: false },
      "This server doesn't report who joins",
    ],
    [
      'self-hosted, reconnecting',
      { state: 'reconnecting', clients: null, reportsPairs: false },
      "This server doesn't report who joins",
    ],
  ];
  for (const [name, fields, expected] of rows) assert.equal(clientsText(share('work', fields)), expected, name);
});

test('timeOf and pairEventText: "Joined/Left <time> from <ip>", in the clock asked for', () => {
  const rows: [number, string][] = [
    [AT, '10:13 PM'],
    [Date.UTC(2026, 0, 1, 0, 5), '12:05 AM'],
    [Date.UTC(2026, 0, 1, 9, 0), '9:00 AM'],
    [Date.UTC(2026, 0, 1, 12, 3), '12:03 PM'],
  ];
  for (const [at, expected] of rows) {
    // toLocaleTimeString puts a narrow no-break space before AM/PM; a person reads a space.
    assert.equal(timeOf(at, US_UTC).replace(/\s/g, ' '), expected, new Date(at).toISOString());
  }
  assert.equal(timeOf(Date.UTC(2026, 0, 1, 12, 3), { locales: 'en-GB', timeZone: 'UTC' }), '12:03');
  assert.equal(timeOf(Date.UTC(2026, 0, 1, 12, 3), { locales: 'en-GB', timeZone: 'Asia/Tokyo' }), '21:03');

  const events: [Parameters<typeof pairEventText>[0], string | null][] = [
    [null, null],
    [
      { kind: 'joined', ip: '203.0.113.7', clients: 1, at: Date.UTC(2026, 0, 1, 12, 3) },
      'Joined 12:03 PM from 203.0.113.7',
    ],
    [
      { kind: 'left', ip: '203.0.113.7', clients: 0, at: Date.UTC(2026, 0, 1, 12, 4) },
      'Left 12:04 PM from 203.0.113.7',
    ],
    [
      { kind: 'joined', ip: '2001:db8::1', clients: 3, at: Date.UTC(2026, 0, 1, 0, 0) },
      'Joined 12:00 AM from 2001:db8::1',
    ],
  ];
  for (const [event, expected] of events)
    assert.equal(pairEventText(event, US_UTC)?.replace(/\s/g, ' ') ?? null, expected, JSON.stringify(event));
});

test('STATE_LABELS: the pill of each state', () => {
  assert.deepEqual(STATE_LABELS, {
    starting: 'Starting…',
    sharing: 'Live',
    reconnecting: 'Reconnecting…',
    stopped: 'Ended',
    failed: 'Failed',
  });
});

test('statusLine: the header says what is shared and how many pairs, reconnecting ones counted as shared but with no pairs', () => {
  const failed: Partial<ShareView> = {
    state: 'failed',
    links: share('x').links,
    clients: null,
    error: { code: 'TMATE_FAILED', message: 'x', fix: 'y' },
  };
  const rows: [string, ShareView[], string, 'on' | 'bad' | null][] = [
    ['nothing shared', [], 'Not sharing', null],
    ['one share, nobody in', [share('work')], 'Sharing 1 session', 'on'],
    ['one share, a pair in', [share('work', { clients: 1 })], 'Sharing 1 session · 1 pair', 'on'],
    [
      'two shares, three pairs',
      [share('work', { clients: 1 }), share('api', { clients: 2 })],
      'Sharing 2 sessions · 3 pairs',
      'on',
    ],
    [
      'reconnecting: still shared, its pairs cut off',
      [share('work', { state: 'reconnecting', clients: 2 })],
      'Sharing 1 session',
      'on',
    ],
    [
      'one live, one reconnecting',
      [share('work', { clients: 1 }), share('api', { state: 'reconnecting', clients: 4 })],
      'Sharing 2 sessions · 1 pair',
      'on',
    ],
    ['self-hosted: no pair count', [share('work', { clients: null })], 'Sharing 1 session', 'on'],
    ['starting', [share('work', { state: 'starting', clients: null })], 'Starting a share…', null],
    ['failed', [share('work', failed)], 'A share failed', 'bad'],
    [
      'starting while another failed',
      [share('work', { state: 'starting' }), share('api', failed)],
      'Starting a share…',
      'bad',
    ],
    ['live while another failed', [share('work'), share('api', failed)], 'Sharing 1 session', 'on'],
    ['stopped', [share('work', { state: 'stopped' })], 'Not sharing', null],
  ];
  for (const [name, shares, text, tone] of rows) assert.deepEqual(statusLine(shares), { text, tone }, name);
});

test('serverText: name and address; tmate.io marked as shut down since 2025', () => {
  const rows: [string, string, boolean, string][] = [
    ['ours', '127.0.0.1:2200', false, 'ours · 127.0.0.1:2200'],
    ['v6', '[::1]:22', false, 'v6 · [::1]:22'],
    ['tmate.io', 'ssh.tmate.io:22', true, 'tmate.io · ssh.tmate.io:22 (shut down since 2025)'],
  ];
  for (const [name, address, shutDown, expected] of rows)
    assert.equal(serverText({ name, address, shutDown }), expected, name);
});

test('orderedLinks: the link share.copyLink names first, what each grants beside it', () => {
  const rows: [Parameters<typeof orderedLinks>[0], string[]][] = [
    [
      'ssh',
      [
        'SSH: can type in your session',
        'SSH read-only: can only watch',
        'Web: can type in your session',
        'Web read-only: can only watch',
      ],
    ],
    [
      'sshReadOnly',
      [
        'SSH read-only: can only watch',
        'SSH: can type in your session',
        'Web: can type in your session',
        'Web read-only: can only watch',
      ],
    ],
    [
      'webReadOnly',
      [
        'Web read-only: can only watch',
        'SSH: can type in your session',
        'SSH read-only: can only watch',
        'Web: can type in your session',
      ],
    ],
  ];
  for (const [first, expected] of rows)
    assert.deepEqual(
      orderedLinks(first).map((link) => `${link.label}: ${link.grants}`),
      expected,
      first,
    );
});

test('allowedText and missingWebText: who may join, and why a restricted share has no web links', () => {
  const noWeb = { ssh: 'ssh a@h', sshReadOnly: 'ssh ro-a@h', web: null, webReadOnly: null };
  const rows: [string, Partial<ShareView>, string, string | null][] = [
    ['anyone', { allowed: null }, 'Anyone with a link', null],
    [
      'anyone, self-hosted (no web links, but not because of keys)',
      { allowed: null, links: noWeb },
      'Anyone with a link',
      null,
    ],
    [
      'one forge user',
      { allowed: [{ source: 'github:alice', keys: 2 }], links: noWeb },
      'github:alice · 2 keys',
      'No web links: a browser has no SSH key to check, so tmate gives none when only listed keys may join.',
    ],
    [
      'a keys file and a user',
      {
        allowed: [
          { source: 'file:/home/me/pair.keys', keys: 3 },
          { source: 'gitlab:bob', keys: 1 },
        ],
        links: noWeb,
      },
      'keys file · 3 keys, gitlab:bob · 1 key',
      'No web links: a browser has no SSH key to check, so tmate gives none when only listed keys may join.',
    ],
  ];
  for (const [name, fields, who, why] of rows) {
    assert.equal(allowedText(share('work', fields)), who, name);
    assert.equal(missingWebText(share('work', fields)), why, name);
  }
});

test('linksChangedText: "New links since HH:MM" once the server handed out other links, nothing before', () => {
  assert.equal(linksChangedText(share('work', { linksChangedAt: null }), US_UTC), null);
  assert.equal(
    linksChangedText(share('work', { linksChangedAt: AT }), US_UTC),
    'New links since 10:13 PM — the old ones no longer work',
  );
  assert.equal(
    linksChangedText(share('work', { linksChangedAt: AT }), { locales: 'en-GB', timeZone: 'UTC' }),
    'New links since 22:13 — the old ones no longer work',
  );
});

test('timeLeftText and nextTimeLeftChange: the time left, and when it next reads differently', () => {
  const rows: [number | null, string | null, number | null][] = [
    [null, null, null],
    [AT + 45_500, 'Ends by itself · 46 s left', 500],
    [AT + 60_000, 'Ends by itself · 1 min left', 1000],
    [AT + 12 * 60_000 + 5_000, 'Ends by itself · 13 min left', 5_000],
    [AT + 90 * 60_000, 'Ends by itself · 1 h 30 min left', 60_000],
    [AT - 1_000, 'Ends by itself · 0 s left', 1000],
  ];
  for (const [endsAt, text, next] of rows) {
    assert.equal(timeLeftText(share('work', { endsAt }), AT), text, String(endsAt));
    if (endsAt !== null) assert.equal(nextTimeLeftChange(endsAt, AT), next, String(endsAt));
  }
});

test('offersText and testHeadline: what a tested server gives, and how long it took', () => {
  const bare = { ssh: true, sshReadOnly: true, web: false, webReadOnly: false, reportsPairs: false };
  const full = { ssh: true, sshReadOnly: true, web: true, webReadOnly: true, reportsPairs: true };
  assert.equal(offersText(bare), "SSH and read-only SSH links · no web links · doesn't report who joins");
  assert.equal(offersText(full), 'SSH and read-only SSH links · web links · reports who joins');
  assert.equal(
    offersText({ ...bare, sshReadOnly: false }),
    "SSH links (no read-only one) · no web links · doesn't report who joins",
  );
  assert.equal(
    testHeadline({ ok: true, name: 'ours', server: '127.0.0.1:2200', msToLinks: 1234, offers: bare }),
    'Connected to 127.0.0.1:2200: links in 1.2 s',
  );
  const error = { code: 'SERVER_REFUSED' as const, message: 'refused', fix: 'start it' };
  assert.equal(
    testHeadline({ ok: false, name: 'ours', server: '127.0.0.1:2200', ms: 40, error }),
    'The test of 127.0.0.1:2200 failed after 0.0 s',
  );
});

test("endChoiceLabel and endChoices: the auto-end choices, the preference's own value among them", () => {
  const rows: [number, string][] = [
    [0, 'Never'],
    [15, '15 min'],
    [60, '1 h'],
    [90, '1 h 30 min'],
    [240, '4 h'],
  ];
  for (const [minutes, label] of rows) assert.equal(endChoiceLabel(minutes), label, String(minutes));
  assert.deepEqual(endChoices(0), [0, 15, 30, 60, 120, 240]);
  assert.deepEqual(endChoices(45), [0, 15, 30, 45, 60, 120, 240]);
});

test("pairClientText: a warning with End pair's reason when the pair's terminal left the shared session, nothing while it is on it", () => {
  const rows: [Partial<ShareView>, RegExp | null][] = [
    [{ pairClient: null, pairClientSession: null }, null],
    [{ pairClient: 'on-session', pairClientSession: 'work' }, null],
    [
      { pairClient: 'elsewhere', pairClientSession: 'secrets' },
      /^The pair's terminal is on another of your sessions, “secrets”, which you never shared\.$/,
    ],
    [{ pairClient: 'elsewhere', pairClientSession: '<b>x</b>' }, /“<b>x<\/b>”/],
    [{ pairClient: 'gone', pairClientSession: null }, /^The pair's terminal has left tmux/],
  ];
  for (const [fields, expected] of rows) {
    const note = pairClientText(share('work', fields));
    if (expected === null) assert.equal(note, null, JSON.stringify(fields));
    else {
      assert.match(note?.message ?? '', expected);
      assert.match(note?.fix ?? '', /^End the pair/);
    }
  }
});
