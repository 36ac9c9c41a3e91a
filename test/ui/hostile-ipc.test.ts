/**
 * Hostile IPC: every channel of the contract called from the popover's page (through `window.pairbar`,
 * all a page has) with wrong types, missing and extra fields, 1 MB strings, `__proto__` / `constructor`
 * keys, unknown share ids, sessions and sockets; then the same calls from a foreign frame. Each must come
 * back refused with an error, nothing may be shared, copied, written to the preferences file or made in
 * tmux, and the main process must go on answering. Real preload, real IPC handlers (main/electron/ipc/), real core, Chromium.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import { CHANNELS } from '../../main/contract.ts';
import { recordReliability } from '../support/reliability.ts';
import { waitFor } from '../support/sandbox.ts';
import { openPopover, POPOVER_URL } from '../support/ui-harness.ts';
import { worldPerTest } from './helpers.ts';

const world = worldPerTest();

const EVIL = 'http://evil.test';

interface Outcome {
  method: string;
  label: string;
  /** 'refused' (a Result with ok false and an error with code, message and fix), 'rejected' (the call threw), or what came back. */
  outcome: 'refused' | 'rejected' | 'answered' | 'accepted';
  detail: string;
}

/**
 * Runs in the page: every hostile call, one at a time. A source string, not a function, because tsx's
 * keepNames would add `__name(...)` calls the page does not have.
 */
const SWEEP = `async function (known) {
  var MB = 'x'.repeat(1 << 20);
  var polluted = JSON.parse('{"__proto__": {"polluted": true}, "session": "work", "socket": "' + known.socket + '"}');
  var withConstructor = { session: 'work', socket: known.socket, constructor: { prototype: { polluted: true } } };
  var values = [
    ['undefined', undefined], ['null', null], ['0', 0], ['-1', -1], ['NaN', NaN], ['1e308', 1e308], ['true', true], ['false', false],
    ['empty text', ''], ['a space', ' '], ['1 MB text', MB], ['1 MB path', '/' + MB], ['NUL', '\\u0000'], ['[]', []], ['["work"]', ['work']],
    ['{}', {}], ['__proto__ key', JSON.parse('{"__proto__": {"polluted": true}}')], ['constructor key', { constructor: 'x' }],
    ['toString key', { toString: 'x' }], ['a Date', new Date(0)], ['a nested array', [[[[[]]]]]],
  ];
  var calls = [];
  function call(method, label, args) { calls.push({ method: method, label: label, args: args }); }

  // share: every wrong value, then objects that are almost right.
  values.forEach(function (v) { call('share', v[0], [v[1]]); });
  [
    ['unknown session', { session: 'nope', socket: known.socket }],
    ['unknown socket', { session: 'work', socket: '/nonexistent/tmux-0/default' }],
    ['the same socket by another path', { session: 'work', socket: known.socket.replace(/\\/default$/, '/../' + known.socketDirName + '/default') }],
    ['the share\\'s own tmate socket', { session: 'work', socket: known.tmateSocket }],
    ['relative socket', { session: 'work', socket: 'default' }],
    ['missing socket', { session: 'work' }],
    ['missing session', { socket: known.socket }],
    ['extra field', { session: 'work', socket: known.socket, command: 'touch /tmp/x' }],
    ['__proto__ field', polluted],
    ['constructor field', withConstructor],
    ['1 MB session', { session: MB, socket: known.socket }],
    ['1 MB socket', { session: 'work', socket: '/' + MB }],
    ['session as array', { session: ['work'], socket: known.socket }],
    ['session with NUL', { session: 'work\\u0000', socket: known.socket }],
    ['session prefix', { session: 'wor', socket: known.socket }],
    ['session pattern', { session: 'w*', socket: known.socket }],
    ['session id', { session: known.sessionId, socket: known.socket }],
    ['blank not true', { blank: 'true' }],
    ['blank 1', { blank: 1 }],
    ['blank and session', { blank: true, session: 'work' }],
    ['blank false', { blank: false }],
  ].forEach(function (c) { call('share', c[0], [c[1]]); });

  // stop: wrong values, unknown and almost-known ids.
  values.forEach(function (v) { call('stop', v[0], [v[1]]); });
  [['unknown id', 'deadbeef'], ['upper-case id', known.shareId.toUpperCase()], ['id and a space', known.shareId + ' '], ['id prefix', known.shareId.slice(0, 7)],
   ['id in an array', [known.shareId]], ['session name for id', 'work'], ['path for id', '../' + known.shareId]].forEach(function (c) { call('stop', c[0], [c[1]]); });

  // copy: wrong kinds with a real id, wrong ids with a real kind.
  values.forEach(function (v) { call('copy', 'kind ' + v[0], [v[1], known.shareId]); call('copy', 'id ' + v[0], ['ssh', v[1]]); });
  ['password', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'SSH', 'ssh ', 'links'].forEach(function (kind) { call('copy', 'kind ' + kind, [kind, known.shareId]); });
  call('copy', 'unknown id', ['ssh', 'deadbeef']);

  // copyCommand: wrong values, and codes that are not a current problem.
  values.forEach(function (v) { call('copyCommand', v[0], [v[1]]); });
  ['TMUX_MISSING', 'TMATE_MISSING', '__proto__', 'constructor', 'rm -rf /', 'NO_TMUX_SERVER'].forEach(function (code) { call('copyCommand', code, [code]); });

  // setPref: wrong keys, then each kind of key with values it must refuse.
  values.forEach(function (v) { call('setPref', 'key ' + v[0], [v[1], 'x']); });
  ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'server', 'server.host.x', 'SERVER.HOST'].forEach(function (key) { call('setPref', 'key ' + key, [key, 'x']); });
  [
    ['server.host', '1 MB', MB], ['server.host', 'a shell command', '$(touch /tmp/x)'], ['server.host', 'an object', { host: 'a' }], ['server.host', '__proto__ object', JSON.parse('{"__proto__": {"x": 1}}')],
    ['server.port', 'text', 'many'], ['server.port', '0', 0], ['server.port', '65536', 65536], ['server.port', 'a fraction', 22.5], ['server.port', 'NaN', NaN], ['server.port', '1e308', 1e308],
    ['server.ed25519Fingerprint', '1 MB', MB], ['server.ed25519Fingerprint', 'almost', 'SHA256:abc'],
    ['share.readyTimeoutSeconds', '0', 0], ['share.readyTimeoutSeconds', 'a day', 86400], ['share.readyTimeoutSeconds', 'negative', -5],
    ['tmux.path', 'relative', 'tmux'], ['tmux.path', '1 MB path', '/' + MB], ['tmux.path', 'a newline', '/usr/bin/tmux\\nx'], ['tmate.path', 'NUL', '/usr/bin/tmate\\u0000'], ['tmate.path', 'an array', ['/usr/bin/tmate']],
    ['notifications.pairJoined', 'maybe', 'maybe'], ['notifications.pairJoined', 'a number', 2], ['notifications.pairJoined', 'null', null],
  ].forEach(function (c) { call('setPref', c[0] + ' = ' + c[1], [c[0], c[2]]); });

  var results = [];
  for (var i = 0; i < calls.length; i++) {
    var c = calls[i];
    try {
      var value = await window.pairbar[c.method].apply(null, c.args);
      if (value && value.ok === false && value.error && typeof value.error.code === 'string' && typeof value.error.message === 'string' && typeof value.error.fix === 'string') {
        results.push({ method: c.method, label: c.label, outcome: 'refused', detail: value.error.code + ': ' + value.error.message.slice(0, 200) });
      } else {
        results.push({ method: c.method, label: c.label, outcome: value && value.ok === true ? 'accepted' : 'answered', detail: JSON.stringify(value).slice(0, 200) });
      }
    } catch (error) {
      results.push({ method: c.method, label: c.label, outcome: 'rejected', detail: String(error && error.message || error).slice(0, 200) });
    }
  }
  return { results: results, polluted: ({}).polluted === true || Object.prototype.hasOwnProperty('polluted') };
}`;

async function sweep(
  target: Page | Frame,
  known: Record<string, string>,
): Promise<{ results: Outcome[]; polluted: boolean }> {
  return target.evaluate<{ results: Outcome[]; polluted: boolean }>(`(${SWEEP})(${JSON.stringify(known)})`);
}

test(
  'every channel, called with hostile arguments from the page and from a foreign frame: each refused, nothing done, main alive',
  { timeout: 5 * 60_000 },
  async () => {
    const { sandbox, server } = world;
    const sessionId = sandbox.newSession('work');
    sandbox.newSession('other');
    const prefsFile = join(sandbox.env.PAIRBAR_CONFIG_DIR!, 'preferences.json');
    const popover = (world.popover = await openPopover({ sandbox }));
    const { page } = popover;
    await popover.sessionRow('other').waitFor();

    // One real share, so the calls can aim at a real id and a real tmate socket.
    const shared = await popover.state.share({ session: 'other', socket: sandbox.socket() });
    assert.ok(shared.ok, JSON.stringify(shared));
    const host = await server.nextConnection();
    const share = shared.value;
    await popover.state.refresh();
    const prefsBefore = readFileSync(prefsFile, 'utf8');
    const sessionsBefore = sandbox.tmux(['list-sessions', '-F', '#{session_id}']);
    const socket = sandbox.socket();
    const known = {
      socket,
      socketDirName: socket.split('/').at(-2)!,
      sessionId,
      shareId: share.id,
      tmateSocket: join(sandbox.env.PAIRBAR_RUNTIME_DIR!, share.id, 'tmate.sock'),
    };

    const fromPage = await sweep(page, known);
    const unrefused = fromPage.results.filter((result) => result.outcome !== 'refused');
    assert.deepEqual(unrefused, [], 'every hostile call refused with a typed error');
    assert.equal(fromPage.polluted, false, 'no prototype polluted in the page');

    // The same from a foreign frame: the popover's own page, framed by another origin.
    await popover.context.route(`${EVIL}/**`, (route) =>
      route.fulfill({
        status: 200,
        contentType: 'text/html',
        body: `<iframe src="${POPOVER_URL}" width="360" height="480"></iframe>`,
      }),
    );
    const other = await popover.context.newPage();
    await other.goto(`${EVIL}/framed.html`);
    const framed = await waitFor('the framed popover', () =>
      other.frames().find((frame) => frame.url() === POPOVER_URL),
    );
    await framed.waitForFunction(() => 'pairbar' in window);
    const fromFrame = await sweep(framed, known);
    assert.deepEqual(
      fromFrame.results.filter(
        (result) =>
          result.outcome !== 'refused' ||
          !/Refused: the request did not come from the Pairbar popover/.test(result.detail),
      ),
      [],
      'every call from the frame refused as foreign',
    );
    // And the calls that take no argument, which a foreign frame must not get answered either.
    const bare = await framed.evaluate(async () => {
      const answers: string[] = [];
      for (const method of ['getState', 'refresh'] as const) {
        answers.push(
          await window.pairbar[method]().then(
            () => `${method} answered`,
            (error: Error) => `${method}: ${error.message}`,
          ),
        );
      }
      return answers;
    });
    assert.deepEqual(
      bare.map((answer) => /Refused/.test(answer)),
      [true, true],
      bare.join('; '),
    );
    await other.close();

    // Nothing happened: no new share, no tmate but the one, no copy, no tmux session, the preferences as they were.
    const shares = popover.state.snapshot().shares;
    assert.deepEqual(
      shares.map((view) => [view.id, view.state]),
      [[share.id, 'sharing']],
    );
    assert.equal(sandbox.tmatePids().length, 1);
    assert.deepEqual(popover.clipboardWrites, []);
    assert.equal(sandbox.tmux(['list-sessions', '-F', '#{session_id}']), sessionsBefore);
    assert.equal(readFileSync(prefsFile, 'utf8'), prefsBefore, 'the preferences file untouched');
    assert.deepEqual(popover.errors, []);
    assert.deepEqual(popover.dialogs, []);

    // The main process answers as before: a real share of work starts and stops.
    const again = await page.evaluate(async (target) => window.pairbar.share(target), { session: 'work', socket });
    assert.ok(again.ok, JSON.stringify(again));
    await server.nextConnection();
    for (const id of [again.value.id, share.id])
      assert.ok((await page.evaluate(async (shareId) => window.pairbar.stop(shareId), id)).ok);
    await host.closed;
    assert.deepEqual(sandbox.tmatePids(), []);

    const methods = Object.keys(CHANNELS).filter((method) => method !== 'state');
    const per = (results: Outcome[], method: string) => results.filter((result) => result.method === method).length;
    recordReliability(
      'ipc',
      [
        `${fromPage.results.length} hostile calls from the popover's page and the same ${fromFrame.results.length} from a foreign frame (the popover framed by another origin), over every channel that takes arguments; all refused with a typed error (code, message, fix). Nothing was shared, copied, written to the preferences file or created in tmux, no prototype was polluted, and the main process then shared and stopped as usual. The calls that take no arguments (getState, refresh, hide) get none through the preload; from the foreign frame getState and refresh are refused.`,
        '',
        '| channel | from the page | from a foreign frame |',
        '| --- | --- | --- |',
        ...methods.map(
          (method) =>
            `| ${method} | ${per(fromPage.results, method)} refused | ${per(fromFrame.results, method) || (['getState', 'refresh'].includes(method) ? 1 : 0)} refused |`,
        ),
        '',
        "What was tried: undefined, null, numbers (0, -1, NaN, 1e308), booleans, empty and blank text, 1 MB text and paths, NUL, arrays, objects, `__proto__` / `constructor` / `toString` keys, dates; for share: unknown sessions and sockets, the same socket by another path, the share's own tmate socket, missing and extra fields, prefixes, patterns and ids instead of names, bad `blank`; for stop and copy: unknown, upper-case, truncated and padded ids; for copy: kinds such as `__proto__` and `hasOwnProperty`; for copyCommand: codes that are not a current problem; for setPref: unknown keys and, for each kind of preference, values out of range, of the wrong type, 1 MB long, or paths with a newline or NUL.",
      ].join('\n'),
    );
  },
);
