import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EndTimers, WARNING_MS } from '../../main/core/autoend.ts';
import { formatTimeLeft, parseDuration } from '../../main/core/duration.ts';
import { isPairbarError } from '../../main/core/errors.ts';

test('durations as the command takes them', () => {
  const table: Array<[string, number]> = [
    ['90s', 90_000],
    ['30m', 1_800_000],
    ['2h', 7_200_000],
    ['1h30m', 5_400_000],
    [' 45m ', 2_700_000],
    ['168h', 604_800_000],
  ];
  for (const [text, ms] of table) assert.equal(parseDuration(text), ms, text);
  for (const bad of ['', '30', 'm', '1.5h', '-5m', '0s', '30 m', '2d', '169h', '30m;ls']) {
    assert.throws(
      () => parseDuration(bad),
      (error: unknown) => isPairbarError(error) && error.code === 'INVALID_ARGUMENT',
      bad,
    );
  }
});

test('time left, at a glance', () => {
  const table: Array<[number, string]> = [
    [0, '0 s left'],
    [-5000, '0 s left'],
    [1, '1 s left'],
    [59_000, '59 s left'],
    [60_000, '1 min left'],
    [61_000, '2 min left'],
    [59 * 60_000, '59 min left'],
    [60 * 60_000, '1 h 00 min left'],
    [125 * 60_000, '2 h 05 min left'],
  ];
  for (const [ms, text] of table) assert.equal(formatTimeLeft(ms), text, String(ms));
});

function recorder() {
  const events: Array<{ kind: 'warn' | 'end'; id: string; at: number; msLeft?: number }> = [];
  let resolveEnd: (() => void) | undefined;
  const ended = new Promise<void>((resolve) => {
    resolveEnd = resolve;
  });
  const timers = new EndTimers({
    warn: (id, msLeft) => events.push({ kind: 'warn', id, at: Date.now(), msLeft }),
    end: (id) => {
      events.push({ kind: 'end', id, at: Date.now() });
      resolveEnd?.();
    },
  });
  return { events, timers, ended };
}

test('less than a minute left: the warning at once, then the end on time', async () => {
  const { events, timers, ended } = recorder();
  const endsAt = Date.now() + 400;
  timers.schedule('a', endsAt);
  await ended;
  assert.deepEqual(
    events.map((event) => `${event.kind}:${event.id}`),
    ['warn:a', 'end:a'],
  );
  const [warn, end] = events;
  assert.ok(warn && warn.msLeft !== undefined && warn.msLeft > 0 && warn.msLeft <= 400);
  assert.ok(end && end.at >= endsAt, 'not before endsAt');
  assert.equal(timers.has('a'), false);
});

test('more than a minute left: no warning yet', async () => {
  const { events, timers } = recorder();
  timers.schedule('b', Date.now() + WARNING_MS + 60_000);
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.deepEqual(events, []);
  assert.equal(timers.has('b'), true);
  timers.clear();
  assert.equal(timers.has('b'), false);
});

test('cancelled or rescheduled: the old time never fires', async () => {
  const { events, timers, ended } = recorder();
  timers.schedule('c', Date.now() + 100);
  timers.cancel('c');
  timers.schedule('d', Date.now() + 100);
  timers.schedule('d', Date.now() + 300);
  const start = Date.now();
  await ended;
  assert.deepEqual(
    events.filter((event) => event.kind === 'end').map((event) => event.id),
    ['d'],
  );
  assert.ok(Date.now() - start >= 290, 'the later time won');
  timers.schedule('e', null);
  assert.equal(timers.has('e'), false);
});
