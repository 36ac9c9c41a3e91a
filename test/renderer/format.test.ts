/** The words the popover shows (renderer/format.ts), as tables: exactly what a person reads. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ShareView } from '../../main/contract.ts';
import { clientsText, pairEventText, plural, sessionMeta, STATE_LABELS, statusLine, timeOf } from '../../renderer/format.ts';
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
  for (const [windows, attached, expected] of rows) assert.equal(sessionMeta(session('work', { windows, attached })), expected, `${windows}/${attached}`);
  assert.equal(sessionMeta(session('api', { server: 'second', windows: 1 })), '1 window · detached', 'the server is a tag, not part of the line');
});

test('clientsText: pairs in, nobody yet, nobody any more, cut off while reconnecting, and nothing where the server does not count', () => {
  const joined = { kind: 'joined' as const, ip: '203.0.113.7', clients: 1, at: AT };
  const left = { kind: 'left' as const, ip: '203.0.113.7', clients: 0, at: AT };
  const rows: [string, Partial<ShareView>, string | null][] = [
    ['fresh share', { clients: 0 }, 'No one has joined yet'],
    ['one pair', { clients: 1, lastPairEvent: joined }, '1 pair connected'],
    ['two pairs', { clients: 2, lastPairEvent: joined }, '2 pairs connected'],
    ['the last pair left', { clients: 0, lastPairEvent: left }, 'No pair connected'],
    ['reconnecting, pairs were in', { state: 'reconnecting', clients: 2, lastPairEvent: joined }, 'Pairs are cut off until the connection is back'],
    ['reconnecting, nobody had joined', { state: 'reconnecting', clients: 0 }, 'Pairs are cut off until the connection is back'],
    ['starting', { state: 'starting', clients: 0 }, 'No one has joined yet'],
    ['failed after a pair left', { state: 'failed', clients: 0, lastPairEvent: left }, 'No pair connected'],
    ['self-hosted: no count', { clients: null }, null],
    ['self-hosted, reconnecting', { state: 'reconnecting', clients: null }, null],
    ['self-hosted, after a join', { clients: null, lastPairEvent: joined }, null],
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
    [{ kind: 'joined', ip: '203.0.113.7', clients: 1, at: Date.UTC(2026, 0, 1, 12, 3) }, 'Joined 12:03 PM from 203.0.113.7'],
    [{ kind: 'left', ip: '203.0.113.7', clients: 0, at: Date.UTC(2026, 0, 1, 12, 4) }, 'Left 12:04 PM from 203.0.113.7'],
    [{ kind: 'joined', ip: '2001:db8::1', clients: 3, at: Date.UTC(2026, 0, 1, 0, 0) }, 'Joined 12:00 AM from 2001:db8::1'],
  ];
  for (const [event, expected] of events) assert.equal(pairEventText(event, US_UTC)?.replace(/\s/g, ' ') ?? null, expected, JSON.stringify(event));
});

test('STATE_LABELS: the pill of each state', () => {
  assert.deepEqual(STATE_LABELS, { starting: 'Starting…', sharing: 'Live', reconnecting: 'Reconnecting…', stopped: 'Ended', failed: 'Failed' });
});

test('statusLine: the header says what is shared and how many pairs, reconnecting ones counted as shared but with no pairs', () => {
  const failed: Partial<ShareView> = { state: 'failed', links: share('x').links, clients: null, error: { code: 'TMATE_FAILED', message: 'x', fix: 'y' } };
  const rows: [string, ShareView[], string, 'on' | 'bad' | null][] = [
    ['nothing shared', [], 'Not sharing', null],
    ['one share, nobody in', [share('work')], 'Sharing 1 session', 'on'],
    ['one share, a pair in', [share('work', { clients: 1 })], 'Sharing 1 session · 1 pair', 'on'],
    ['two shares, three pairs', [share('work', { clients: 1 }), share('api', { clients: 2 })], 'Sharing 2 sessions · 3 pairs', 'on'],
    ['reconnecting: still shared, its pairs cut off', [share('work', { state: 'reconnecting', clients: 2 })], 'Sharing 1 session', 'on'],
    ['one live, one reconnecting', [share('work', { clients: 1 }), share('api', { state: 'reconnecting', clients: 4 })], 'Sharing 2 sessions · 1 pair', 'on'],
    ['self-hosted: no pair count', [share('work', { clients: null })], 'Sharing 1 session', 'on'],
    ['starting', [share('work', { state: 'starting', clients: null })], 'Starting a share…', null],
    ['failed', [share('work', failed)], 'A share failed', 'bad'],
    ['starting while another failed', [share('work', { state: 'starting' }), share('api', failed)], 'Starting a share…', 'bad'],
    ['live while another failed', [share('work'), share('api', failed)], 'Sharing 1 session', 'on'],
    ['stopped', [share('work', { state: 'stopped' })], 'Not sharing', null],
  ];
  for (const [name, shares, text, tone] of rows) assert.deepEqual(statusLine(shares), { text, tone }, name);
});
