/**
 * The presence watcher: its parsing and model as tables, and its loop against real tmate 2.4.0 on the test
 * tmate server in bare mode, with real ssh pairs joining, resizing and leaving.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ControlScanner,
  emptyDeadline,
  eventFor,
  foldPresence,
  initialPresence,
  parsePresenceLine,
  presenceOfWindow,
  SENTINEL,
  watchPresence,
  watcherCommands,
  windowSizeOf,
  type Presence,
  type PresenceEvent,
} from '../../main/core/presence.ts';
import { PairKeys } from '../support/pair-ssh.ts';
import { PairTerminal } from '../support/pair-terminal.ts';
import { TMATE, waitFor } from '../support/sandbox.ts';
import { TestTmateServer } from '../support/tmate-server.ts';

const exec = promisify(execFile);

test("windowSizeOf: the window size of a %layout-change line and of the watcher's own size answer; nothing from any other line", () => {
  const rows: Array<[string, ReturnType<typeof windowSizeOf>]> = [
    ['%layout-change @0 84dd,500x200,0,0,0 84dd,500x200,0,0,0 *', { cols: 500, rows: 200 }],
    ['%layout-change @0 b29d,90x24,0,0,0', { cols: 90, rows: 24 }],
    ['%layout-change @3 1a2b,70x19,0,0,0 1a2b,70x19,0,0,0 *', { cols: 70, rows: 19 }],
    ['pairbar-size 500x200', { cols: 500, rows: 200 }],
    ['%output %0 %layout-change @0 b29d,90x24,0,0,0', undefined],
    ['%output %0 pairbar-size 90x24', undefined],
    ['%begin 1796414554 3 1', undefined],
    ['%layout-change @0 zz,90x24,0,0,0', undefined],
    ['pairbar-size 90x', undefined],
    ['', undefined],
  ];
  for (const [line, expected] of rows) assert.deepEqual(windowSizeOf(line), expected, line);
});

test('presenceOfWindow: the sentinel size means nobody; smaller either way means someone, with that size', () => {
  const rows: Array<[{ cols: number; rows: number }, ReturnType<typeof presenceOfWindow>]> = [
    [SENTINEL, { present: false, size: null }],
    [
      { cols: 90, rows: 24 },
      { present: true, size: { cols: 90, rows: 24 } },
    ],
    [
      { cols: SENTINEL.cols, rows: SENTINEL.rows - 1 },
      { present: true, size: { cols: SENTINEL.cols, rows: SENTINEL.rows - 1 } },
    ],
    [
      { cols: SENTINEL.cols - 1, rows: SENTINEL.rows },
      { present: true, size: { cols: SENTINEL.cols - 1, rows: SENTINEL.rows } },
    ],
  ];
  for (const [window, expected] of rows) assert.deepEqual(presenceOfWindow(window), expected, JSON.stringify(window));
  assert.match(watcherCommands(), /^refresh-client -C 500,200\n/);
});

test("ControlScanner: sizes from lines split across chunks, in order; a %layout-change inside a pane's output is not one", () => {
  const scanner = new ControlScanner();
  const stream = [
    '%begin 1 1 0\n%end 1 1 0\n%layout-change @0 84dd,500x200,0,0,0 84dd,500x200,0,0,0 *\n%begin 1 2 1\npairbar-size 500x200\n%end 1 2 1\n',
    '%output %0 cat says %layout-change @0 b29d,5x5,0,0,0\\015\\012\n%layout-cha',
    'nge @0 b29d,90x24,0,0,0 b29d,90x24,0,0,0 *\n%output %0 ',
    'x'.repeat(100_000),
    '\n%layout-change @0 1a2b,70x19,0,0,0 *\n%layout-change @0 84dd,500x200,0,0,0 *\npartial',
  ];
  const seen = stream.flatMap((chunk) => scanner.feed(Buffer.from(chunk, 'latin1')));
  assert.deepEqual(seen, [
    { cols: 500, rows: 200 },
    { cols: 500, rows: 200 },
    { cols: 90, rows: 24 },
    { cols: 70, rows: 19 },
    { cols: 500, rows: 200 },
  ]);
});

test("ControlScanner for the watcher: no size counts before the answer to its own size query (the client's own 80x24 on attaching is nobody)", () => {
  const scanner = new ControlScanner(true);
  const seen = [
    '%begin 1 1 0\n%end 1 1 0\n%layout-change @0 84dd,80x24,0,0,0 84dd,80x24,0,0,0 *\n',
    '%layout-change @0 84dd,500x200,0,0,0 *\n%begin 1 2 1\npairbar-size 500x200\n%end 1 2 1\n',
    '%layout-change @0 b29d,90x24,0,0,0 *\n',
  ].flatMap((chunk) => scanner.feed(Buffer.from(chunk, 'latin1')));
  assert.deepEqual(seen, [
    { cols: 500, rows: 200 },
    { cols: 90, rows: 24 },
  ]);
});

test('eventFor: an event only when who is in, or their size, changed', () => {
  const in90: PresenceEvent = { at: 1, kind: 'in', cols: 90, rows: 24 };
  const out: PresenceEvent = { at: 1, kind: 'out' };
  const rows: Array<[string, { cols: number; rows: number }, PresenceEvent | undefined, PresenceEvent | undefined]> = [
    ['first answer, nobody', SENTINEL, undefined, { at: 5, kind: 'out' }],
    ['first answer, someone', { cols: 90, rows: 24 }, undefined, { at: 5, kind: 'in', cols: 90, rows: 24 }],
    ['someone joins', { cols: 90, rows: 24 }, out, { at: 5, kind: 'in', cols: 90, rows: 24 }],
    ['same size again', { cols: 90, rows: 24 }, in90, undefined],
    ['a smaller pair joins', { cols: 70, rows: 19 }, in90, { at: 5, kind: 'in', cols: 70, rows: 19 }],
    ['the last leaves', SENTINEL, in90, { at: 5, kind: 'out' }],
    ['still nobody', SENTINEL, out, undefined],
  ];
  for (const [what, window, last, expected] of rows) assert.deepEqual(eventFor(window, last, 5), expected, what);
});

test('parsePresenceLine: the three events; anything else (a torn line, wrong types) is no event', () => {
  const rows: Array<[string, PresenceEvent | undefined]> = [
    ['{"at":10,"kind":"watching","pid":42}', { at: 10, kind: 'watching', pid: 42 }],
    ['{"at":11,"kind":"in","cols":90,"rows":24}', { at: 11, kind: 'in', cols: 90, rows: 24 }],
    ['{"at":12,"kind":"out"}', { at: 12, kind: 'out' }],
    ['{"at":12,"kind":"in","cols":"90","rows":24}', undefined],
    ['{"at":12,"kind":"in","cols":-1,"rows":24}', undefined],
    ['{"kind":"out"}', undefined],
    ['{"at":12,"kind":"gone"}', undefined],
    ['{"at":12,"ki', undefined],
    ['null', undefined],
  ];
  for (const [line, expected] of rows) assert.deepEqual(parsePresenceLine(line), expected, line);
});

test('foldPresence and emptyDeadline: since moves only when presence does; the end comes that long after the last left, or after the start', () => {
  const start = initialPresence(1_000);
  const steps: Array<[string, PresenceEvent, Presence, number | null]> = [
    [
      'the watcher says nobody: still since the start',
      { at: 1_500, kind: 'out' },
      { present: false, since: 1_000, size: null },
      61_000,
    ],
    [
      'a pair joins',
      { at: 2_000, kind: 'in', cols: 90, rows: 24 },
      { present: true, since: 2_000, size: { cols: 90, rows: 24 } },
      null,
    ],
    [
      'a smaller one joins: the same since',
      { at: 3_000, kind: 'in', cols: 70, rows: 19 },
      { present: true, since: 2_000, size: { cols: 70, rows: 19 } },
      null,
    ],
    [
      'a restarted watcher says so again',
      { at: 3_500, kind: 'watching', pid: 7 },
      { present: true, since: 2_000, size: { cols: 70, rows: 19 } },
      null,
    ],
    ['the last leaves', { at: 4_000, kind: 'out' }, { present: false, since: 4_000, size: null }, 64_000],
    [
      'a restarted watcher says nobody again: since stays',
      { at: 9_000, kind: 'out' },
      { present: false, since: 4_000, size: null },
      64_000,
    ],
  ];
  let presence = start;
  for (const [what, event, expected, deadline] of steps) {
    presence = foldPresence(presence, event);
    assert.deepEqual(presence, expected, what);
    assert.equal(emptyDeadline(presence, 60_000), deadline, what);
    assert.equal(emptyDeadline(presence, null), null, what);
  }
});

/** tmate -F on the test server, as a share runs it (status off, no restart), in a temp dir. */
async function startTmate(
  server: TestTmateServer,
): Promise<{ dir: string; socket: string; env: NodeJS.ProcessEnv; pid: number; stop: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'pb-presence-'));
  const socket = join(dir, 'tmate.sock');
  const conf = join(dir, 'tmate.conf');
  await writeFile(conf, `${server.tmateConfig()}set -g tmate-foreground-restart 0\nset -g status off\n`);
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: dir, TERM: 'xterm', SHELL: '/bin/sh' };
  const child = spawn(TMATE, ['-F', '-S', socket, '-f', conf], { env, stdio: 'ignore', detached: true });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitFor("tmate's socket", () => existsSync(socket));
  // Not execFileSync: the test server answering READY runs in this process.
  await exec(TMATE, ['-S', socket, 'wait', 'tmate-ready'], { env, timeout: 15_000 });
  return {
    dir,
    socket,
    env,
    pid: child.pid ?? 0,
    stop: async () => {
      try {
        execFileSync(TMATE, ['-S', socket, 'kill-server'], { env });
      } catch {
        /* gone already */
      }
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function events(log: string): Promise<PresenceEvent[]> {
  const text = await readFile(log, 'utf8').catch(() => '');
  return text
    .split('\n')
    .map(parsePresenceLine)
    .filter((event): event is PresenceEvent => event !== undefined);
}

test(
  'watchPresence with real tmate on a bare server: real ssh pairs coming, resizing and going are seen, and it ends with tmate',
  { timeout: 120_000 },
  async (t) => {
    const server = await TestTmateServer.start();
    t.after(() => server.close());
    const tmate = await startTmate(server);
    const host = await server.nextConnection();
    let stopped = false;
    t.after(async () => {
      if (!stopped) await tmate.stop();
    });
    const log = join(tmate.dir, 'presence.log');
    const watching = watchPresence({ tmate: TMATE, env: tmate.env, socket: tmate.socket, log });
    const SIZE = '#{window_width}x#{window_height}';
    const size = () =>
      execFileSync(TMATE, ['-S', tmate.socket, 'display-message', '-p', SIZE], {
        env: tmate.env,
        encoding: 'utf8',
      }).trim();
    const lastIs =
      (kind: string, extra: Record<string, number> = {}) =>
      async () => {
        const last = (await events(log)).at(-1);
        return (
          last?.kind === kind &&
          Object.entries(extra).every(([k, v]) => (last as unknown as Record<string, number>)[k] === v)
        );
      };

    await waitFor('the watcher says nobody is in', lastIs('out'));
    assert.equal(
      size(),
      `${SENTINEL.cols}x${SENTINEL.rows}`,
      "tmate's window takes the sentinel size while nobody is in",
    );
    const first = await events(log);
    assert.deepEqual(
      first.map((event) => event.kind),
      ['watching', 'out'],
    );

    const keys = await PairKeys.create();
    t.after(() => keys.dispose());
    const key = await keys.key('pair');
    const a = await PairTerminal.join(server, host, host.links.ssh, key, { cols: 90, rows: 25 });
    t.after(() => a.leave());
    await waitFor('someone in, 90x24', lastIs('in', { cols: 90, rows: 24 }));
    const b = await PairTerminal.join(server, host, host.links.sshReadOnly, key, { cols: 70, rows: 20 });
    t.after(() => b.leave());
    await waitFor('someone in, 70x19', lastIs('in', { cols: 70, rows: 19 }));
    await b.leave(host);
    await waitFor('one left: 90x24 again', lastIs('in', { cols: 90, rows: 24 }));
    await a.resize({ cols: 120, rows: 30 });
    await waitFor('the pair resized: 120x29', lastIs('in', { cols: 120, rows: 29 }));
    await a.leave(host);
    await waitFor('nobody in once the last left', lastIs('out'));
    assert.equal(size(), `${SENTINEL.cols}x${SENTINEL.rows}`);

    const all = await events(log);
    assert.deepEqual(
      all.map((event) => (event.kind === 'in' ? `in ${event.cols}x${event.rows}` : event.kind)),
      ['watching', 'out', 'in 90x24', 'in 70x19', 'in 90x24', 'in 120x29', 'out'],
    );
    assert.ok(
      all.every((event, i) => i === 0 || event.at >= all[i - 1]!.at),
      'times in order',
    );

    // The share's tmate ends: the watcher's client exits by itself, and so does the watcher.
    stopped = true;
    await tmate.stop();
    await watching;
  },
);
