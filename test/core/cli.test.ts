/** The `pairbar` command as a user runs it: the built bin, real tmux, real tmate, the test server. */
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, constants, existsSync, openSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Sandbox, startServer, switchServer, waitFor } from '../support/sandbox.ts';
import type { TestTmateServer } from '../support/tmate-server.ts';

const ROOT = join(import.meta.dirname, '../..');
let sandbox: Sandbox;
let server: TestTmateServer;

beforeEach(async () => {
  sandbox = await Sandbox.create();
  server = await startServer();
  await sandbox.useServer(server);
});

afterEach(async () => {
  await sandbox.dispose();
  await server.close();
});

test("sessions lists the user's sessions; --json gives their fields", async () => {
  sandbox.newSession('work');
  sandbox.newSession('side project');
  sandbox.newSession('other', 'second');
  const human = await sandbox.cli(['sessions']);
  assert.equal(human.code, 0, human.stderr);
  assert.match(human.stdout, /^work {2}\(1 window, detached\)$/m);
  assert.match(human.stdout, /^side project {2}\(1 window, detached\)$/m);
  assert.match(human.stdout, /^other .*\[server second\]$/m);
  const json = await sandbox.cli(['sessions', '--json']);
  const rows = JSON.parse(json.stdout) as Array<Record<string, unknown>>;
  assert.deepEqual(
    rows.map((row) => [row.name, row.server, row.windows, row.attached, row.shared]),
    [
      ['side project', 'default', 1, 0, false],
      ['work', 'default', 1, 0, false],
      ['other', 'second', 1, 0, false],
    ].sort((a, b) => (a[1] === b[1] ? 0 : a[1] === 'default' ? -1 : 1)),
  );
});

test('no tmux server: sessions fails with the fix, exit 1', async () => {
  const result = await sandbox.cli(['sessions']);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /No tmux server is running/);
  assert.match(result.stderr, /tmux new -s work/);
});

test('share --json, url, status and stop: the whole round trip', async () => {
  server = await switchServer(sandbox, server, { mode: 'tmate.io' });
  const id = sandbox.newSession('work');
  sandbox.attachUserClient(id);
  await sandbox.waitForClients(id, 1);
  const shared = await sandbox.cli(['share', 'work', '--json']);
  assert.equal(shared.code, 0, shared.stderr);
  const host = await server.nextConnection();
  const json = JSON.parse(shared.stdout);
  assert.match(json.id, /^[0-9a-f]{8}$/);
  assert.deepEqual(json, {
    id: json.id,
    session: 'work',
    socket: sandbox.socket(),
    state: 'sharing',
    links: {
      ssh: host.links.ssh,
      sshReadOnly: host.links.sshReadOnly,
      web: host.links.web,
      webReadOnly: host.links.webReadOnly,
    },
    clients: 0,
    server: `127.0.0.1:${server.port}`,
    serverName: 'test',
    reportsPairs: true,
    linksChangedAt: null,
    allowed: null,
    endsAt: null,
    endWhenEmptyMs: null,
    // Known from the start, as `status` would find it: tmate's client on the session, nobody in yet.
    pairClient: 'on-session',
    pairClientSession: 'work',
    pairCanType: null,
    present: false,
    presentSince: null,
    pairSize: null,
    pairFit: null,
  });
  // And a presence watcher for it, which outlives the command too.
  await waitFor("the share's presence watcher", () => sandbox.watcherPids().length === 2);
  // The share outlives the command that started it.
  assert.equal(sandbox.tmatePids().length, 1);

  assert.equal((await sandbox.cli(['url'])).stdout.trim(), host.links.ssh);
  assert.equal((await sandbox.cli(['url', 'work', '--read-only'])).stdout.trim(), host.links.sshReadOnly);
  assert.equal((await sandbox.cli(['url', 'work', '--web'])).stdout.trim(), host.links.web);
  assert.equal((await sandbox.cli(['url', '--web', '--read-only'])).stdout.trim(), host.links.webReadOnly);

  host.pairJoin('203.0.113.9');
  await sleep(300);
  const status = JSON.parse((await sandbox.cli(['status', '--json'])).stdout);
  assert.equal(status.length, 1);
  assert.equal(status[0].clients, 1);
  assert.equal(status[0].state, 'sharing');
  assert.match((await sandbox.cli(['status'])).stdout, /"work": sharing via 127\.0\.0\.1:\d+, 1 pair connected/);
  assert.equal(JSON.parse((await sandbox.cli(['sessions', '--json'])).stdout)[0].shared, true);

  const again = await sandbox.cli(['share', 'work', '--json']);
  assert.equal(JSON.parse(again.stdout).links.ssh, host.links.ssh, 'sharing again returns the same share');
  assert.equal(sandbox.tmatePids().length, 1);

  const stopped = await sandbox.cli(['stop', 'work']);
  assert.equal(stopped.code, 0, stopped.stderr);
  assert.match(stopped.stdout, /Your session and terminal are untouched/);
  await host.closed;
  assert.deepEqual(sandbox.tmatePids(), []);
  assert.equal(sandbox.clientsOf(id).length, 1, "the user's client is still attached");
  assert.equal((await sandbox.cli(['status'])).stdout, 'Nothing is shared.\n');
});

test('share with no SESSION shares a new blank terminal; stop --all ends every share', async () => {
  sandbox.newSession('work');
  const blank = await sandbox.cli(['share']);
  assert.equal(blank.code, 0, blank.stderr);
  assert.match(blank.stdout, /^"pair": sharing/m);
  assert.match(blank.stdout, /End it with: pairbar stop pair/);
  assert.equal((await sandbox.cli(['share', 'work'])).code, 0);
  assert.equal(sandbox.tmatePids().length, 2);
  const url = await sandbox.cli(['url']);
  assert.equal(url.code, 2, 'url needs a SESSION when several are shared');
  assert.match(url.stderr, /Several sessions are shared/);
  const all = await sandbox.cli(['stop', '--all']);
  assert.equal(all.stdout, 'Stopped 2 shares.\n');
  assert.deepEqual(sandbox.tmatePids(), []);
});

test('url and stop refuse a name shared on two tmux servers rather than guess, say what to do, and with --socket reach the right one', async () => {
  sandbox.newSession('work');
  sandbox.newSession('work', 'other');
  const { shares } = sandbox.runtime();
  await shares.share({ session: 'work', socket: sandbox.socket() });
  await shares.share({ session: 'work', socket: sandbox.socket('other') });
  for (const args of [
    ['url', 'work'],
    ['stop', 'work'],
  ]) {
    const result = await sandbox.cli(args);
    assert.equal(result.code, 1, args.join(' '));
    assert.match(result.stderr, /2 shared sessions are named "work", on different tmux servers/);
    assert.match(result.stderr, /--socket PATH/);
  }
  assert.equal(sandbox.tmatePids().length, 2, 'nothing was stopped on a guess');
  // With --socket each command reaches exactly the share on that server.
  const onOther = await sandbox.cli(['url', 'work', '--socket', sandbox.socket('other')]);
  assert.equal(onOther.code, 0, onOther.stderr);
  const other = shares.find('work', sandbox.socket('other'));
  assert.equal(onOther.stdout, `${other?.links.ssh}\n`);
  const stopped = await sandbox.cli(['stop', 'work', '--socket', sandbox.socket('other')]);
  assert.equal(stopped.code, 0, stopped.stderr);
  const left = JSON.parse((await sandbox.cli(['status', '--json'])).stdout) as { socket: string }[];
  assert.deepEqual(
    left.map((share) => share.socket),
    [sandbox.socket()],
    'only the share on the other server ended',
  );
  assert.equal(sandbox.tmatePids().length, 1);
  assert.equal((await sandbox.cli(['stop', '--all'])).stdout, 'Stopped 1 share.\n');
  assert.deepEqual(sandbox.tmatePids(), []);
});

test('a name that looks like an option is shared after --', async () => {
  sandbox.newSession('-lead');
  const result = await sandbox.cli(['share', '--json', '--', '-lead']);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(JSON.parse(result.stdout).session, '-lead');
  const plain = await sandbox.cli(['share', '-lead']);
  assert.equal(plain.code, 2, 'without -- it is an unknown option');
  assert.equal((await sandbox.cli(['stop', '--', '-lead'])).code, 0);
});

test('failures exit 1 with the error and its fix on stderr; usage errors exit 2', async () => {
  sandbox.newSession('work');
  const missing = await sandbox.cli(['share', 'wor']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /There is no tmux session named "wor"/);
  assert.match(missing.stderr, /pairbar sessions/);
  assert.equal(missing.stdout, '');

  const notShared = await sandbox.cli(['stop', 'work']);
  assert.equal(notShared.code, 1);
  assert.match(notShared.stderr, /"work" is not being shared/);

  for (const args of [
    ['frobnicate'],
    ['share', 'a', 'b'],
    ['--nope'],
    ['stop'],
    ['status', '--web'],
    ['config', 'set', 'share.readyTimeoutSeconds'],
    ['config', 'get', 'no.such.key'],
    [],
  ]) {
    const result = await sandbox.cli(args);
    assert.equal(result.code, 2, `${args.join(' ')} → ${result.code} ${result.stderr}`);
    assert.match(result.stderr, /Usage: pairbar/);
  }
  const help = await sandbox.cli(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /share \[SESSION\]/);
  assert.match((await sandbox.cli(['status', '--web'])).stderr, /status takes no --web/);
});

test('--help and --version from the built bin: the whole usage, every command the README lists, and the version', async () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const block = /## The `pairbar` command\n\n```text\n([\s\S]*?)```/.exec(readme)?.[1];
  assert.ok(block, 'the README has the command block');
  const synopses = block
    .split('\n')
    .filter((line) => line.startsWith('pairbar '))
    .map((line) => line.replace(/^pairbar /, '').split(/ {2,}/)[0]!);
  assert.ok(synopses.length >= 8, synopses.join(' / '));

  const help = await sandbox.cli(['--help']);
  assert.equal(help.code, 0, help.stderr);
  assert.equal(help.stderr, '');
  assert.match(help.stdout, /^Usage: pairbar <command> \[options\]\n/);
  for (const synopsis of synopses)
    assert.ok(
      help.stdout.includes(`  ${synopsis}  `) || help.stdout.includes(`  ${synopsis}\n`),
      `--help shows "${synopsis}":\n${help.stdout}`,
    );
  for (const option of ['--socket PATH', '-h, --help', '-v, --version'])
    assert.ok(help.stdout.includes(option), option);
  for (const args of [['-h'], ['help'], ['status', '--help']])
    assert.equal((await sandbox.cli(args)).stdout, help.stdout, args.join(' '));

  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  for (const flag of ['--version', '-v']) {
    const result = await sandbox.cli([flag]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, `pairbar ${version}\n`);
  }
});

test('a server that refuses: exit 1 at once (not at the time limit), naming host:port, nothing left running', async () => {
  sandbox.newSession('work');
  await server.setRefusing(true);
  assert.equal((await sandbox.cli(['config', 'set', 'share.readyTimeoutSeconds', '30'])).code, 0);
  const started = Date.now();
  const result = await sandbox.cli(['share', 'work']);
  assert.equal(result.code, 1);
  assert.ok(Date.now() - started < 10_000, 'it did not wait for the 30 s time limit');
  assert.match(result.stderr, new RegExp(`The tmate server 127\\.0\\.0\\.1:${server.port} refused the connection`));
  assert.deepEqual(sandbox.tmatePids(), []);
  assert.equal((await sandbox.cli(['status'])).stdout, 'Nothing is shared.\n');
});

test('a self-hosted server (the default): --web says there are no web links', async () => {
  sandbox.newSession('work');
  const shared = JSON.parse((await sandbox.cli(['share', 'work', '--json'])).stdout);
  assert.equal(shared.links.web, null);
  assert.equal(shared.clients, null);
  const web = await sandbox.cli(['url', '--web']);
  assert.equal(web.code, 1);
  assert.match(web.stderr, /gives no web links/);
});

test('config get/set: validated, shared file, defaults restored with an empty value', async () => {
  const set = await sandbox.cli(['config', 'set', 'tmate.path', '/usr/bin/tmate']);
  assert.equal(set.code, 0, set.stderr);
  assert.equal((await sandbox.cli(['config', 'get', 'tmate.path'])).stdout, '/usr/bin/tmate\n');
  for (const [key, value, reason] of [
    ['share.readyTimeoutSeconds', '700', /whole number from 1 to 600/],
    ['share.readyTimeoutSeconds', 'soon', /whole number/],
    ['tmate.path', 'relative/tmate', /absolute path/],
    ['notifications.pairLeft', 'maybe', /true or false/],
  ] as const) {
    const result = await sandbox.cli(['config', 'set', key, value]);
    assert.equal(result.code, 1, `${key}=${value}`);
    assert.match(result.stderr, reason);
  }
  assert.equal(
    (await sandbox.cli(['config', 'get', 'share.readyTimeoutSeconds'])).stdout,
    '10\n',
    'a refused value leaves the stored one',
  );
  await sandbox.cli(['config', 'set', 'tmate.path', '']);
  assert.equal((await sandbox.cli(['config', 'get', 'tmate.path'])).stdout, '\n');
  const all = JSON.parse((await sandbox.cli(['config', 'get', '--json'])).stdout);
  assert.equal(all['share.readyTimeoutSeconds'], 10);
  assert.equal(all['notifications.pairJoined'], true);
  assert.equal(all['server.active'], 'test');
  assert.deepEqual(
    all.servers.map((profile: { name: string }) => profile.name),
    ['test'],
  );
});

test('config set refuses the server keys and says which command changes servers', async () => {
  const before = await sandbox.cli(['config', 'get', '--json']);
  for (const [key, value] of [
    ['servers', '[]'],
    ['server.active', 'other'],
    ['server.host', 'tmate.example.org'],
    ['server.port', '2222'],
  ] as const) {
    const result = await sandbox.cli(['config', 'set', key, value]);
    assert.notEqual(result.code, 0, `${key}: ${result.stderr}`);
    assert.match(result.stderr, /pairbar server add/, key);
  }
  assert.equal((await sandbox.cli(['config', 'get', '--json'])).stdout, before.stdout, 'nothing changed');
});

function startXvfb(display: string): ChildProcess | undefined {
  if (!existsSync('/usr/bin/Xvfb') || !existsSync('/usr/bin/xclip')) return undefined;
  return spawn('/usr/bin/Xvfb', [display, '-nolisten', 'tcp'], { stdio: 'ignore' });
}

const hasClipboardTools = existsSync('/usr/bin/Xvfb') && existsSync('/usr/bin/xclip');
test(
  'share --copy and url --copy put the link on the clipboard',
  { skip: hasClipboardTools ? false : 'Xvfb and xclip are needed for a real X clipboard (apt install xvfb xclip)' },
  async () => {
    const display = `:${90 + (process.pid % 9)}`;
    const xvfb = startXvfb(display)!;
    try {
      await sleep(500);
      sandbox.newSession('work');
      const env = { DISPLAY: display };
      const shared = await sandbox.cli(['share', 'work', '--copy'], env);
      assert.equal(shared.code, 0, shared.stderr);
      assert.match(shared.stdout, /The ssh link is on the clipboard/);
      const host = await server.nextConnection();
      const read = () =>
        execFileSync('xclip', ['-selection', 'clipboard', '-out'], {
          env: { ...sandbox.env, ...env },
          encoding: 'utf8',
        });
      assert.equal(read(), host.links.ssh);
      assert.equal((await sandbox.cli(['url', '--read-only', '--copy'], env)).code, 0);
      assert.equal(read(), host.links.sshReadOnly);
    } finally {
      // xclip keeps serving the selection until its X server goes away.
      xvfb.kill();
    }
  },
);

test('--copy with no clipboard tool says how to get one', async () => {
  sandbox.newSession('work');
  const result = await sandbox.cli(['share', 'work', '--copy'], { DISPLAY: '', WAYLAND_DISPLAY: '' });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /No clipboard tool was found/);
  assert.match(result.stderr, /apt install xclip/);
});

/** Runs the built command with its stdout a pipe whose reading end is closed before it writes a byte. */
function cliIntoClosedPipe(
  args: string[],
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(import.meta.dirname, '../../bin/pairbar.cjs'), ...args], {
      env: sandbox.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Node needs ~30 ms to start the command; the reader is gone long before its first write, as when
    // `head` has had its line, or the pager was quit.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
}

test('output piped into a reader that has gone (`| head -1`): the command ends quietly, without an EPIPE crash', async () => {
  for (let n = 0; n < 40; n++) sandbox.newSession(`session-${String(n).padStart(2, '0')}`);
  for (const args of [
    ['sessions'],
    ['sessions', '--json'],
    ['status'],
    ['--help'],
    ['config', 'get'],
    ['share', 'session-07'],
  ]) {
    const result = await cliIntoClosedPipe(args);
    assert.equal(result.stderr, '', `${args.join(' ')}: nothing on stderr`);
    assert.equal(result.signal, null, args.join(' '));
    assert.equal(result.code, 0, args.join(' '));
  }
  // The work was done all the same: the share started while nobody read its links.
  const status = await sandbox.cli(['status', '--json']);
  assert.deepEqual(
    JSON.parse(status.stdout).map((share: { session: string; state: string }) => [share.session, share.state]),
    [['session-07', 'sharing']],
  );
  await server.nextConnection();

  // The shell form a user types: head takes the first line and leaves.
  const piped = spawnSync(
    'sh',
    ['-c', '"$0" "$1" sessions | head -n 1', process.execPath, join(import.meta.dirname, '../../bin/pairbar.cjs')],
    { env: sandbox.env, encoding: 'utf8' },
  );
  assert.equal(piped.stderr, '');
  assert.equal(piped.stdout, 'session-00  (1 window, detached)\n');
});

test('output into a full non-blocking pipe (EAGAIN) arrives whole and in order, however slowly the reader reads', async () => {
  // A reader that set its pipe non-blocking (some event loops do) and reads late: the command's first
  // writes fill the pipe, the next ones get EAGAIN instead of waiting.
  const name = (n: number) => `${String(n).padStart(3, '0')}-${'x'.repeat(900)}`;
  const count = 150;
  // Ten to a tmux call: one call for all would be longer than a tmux command may be.
  for (let first = 0; first < count; first += 10) {
    const chained: string[] = [];
    for (let n = first; n < first + 10; n++)
      chained.push(...(n > first ? [';'] : []), 'new-session', '-d', '-s', name(n), 'cat');
    sandbox.tmux(chained);
  }
  const fifo = join(sandbox.root, 'slow-reader');
  execFileSync('mkfifo', [fifo]);
  const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
  const writer = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
  const chunks: Buffer[] = [];
  try {
    const child = spawn(process.execPath, [join(ROOT, 'bin/pairbar.cjs'), 'sessions', '--json'], {
      env: sandbox.env,
      stdio: ['ignore', writer, 'pipe'],
    });
    closeSync(writer);
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    await sleep(1_000);
    for (const buffer = Buffer.alloc(16_384); ;) {
      let read: number;
      try {
        read = readSync(reader, buffer);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
        await sleep(20);
        continue;
      }
      if (read === 0) break;
      chunks.push(Buffer.from(buffer.subarray(0, read)));
      await sleep(5);
    }
    assert.equal(await exited, 0, stderr);
    assert.equal(stderr, '');
  } finally {
    closeSync(reader);
  }
  const output = Buffer.concat(chunks).toString('utf8');
  assert.ok(output.length > 128 * 1024, `more than a pipe holds: ${output.length} bytes`);
  const rows = JSON.parse(output) as Array<{ name: string }>;
  assert.deepEqual(
    rows.map((row) => row.name).sort(),
    Array.from({ length: count }, (_, n) => name(n)),
  );
});
