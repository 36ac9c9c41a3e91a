/**
 * Drives the REAL tmate binary (2.4.0) against TestTmateServer, the way the product runs it:
 *   env -u TMUX tmate -F -S DIR/sock -f DIR/conf     (detached, stdout+stderr to DIR/log)
 *   tmate -S DIR/sock wait tmate-ready
 *   tmate -S DIR/sock display -p '#{tmate_ssh}|...'
 *   tmate -S DIR/sock kill-server
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TestTmateServer, type HostConnection } from './tmate-server.ts';
import { joinAsPair, PairKeys } from './pair-ssh.ts';
import { PairTerminal } from './pair-terminal.ts';

const TEST_TIMEOUT = 45_000;
const LINKS_FORMAT = '#{tmate_ssh}|#{tmate_ssh_ro}|#{tmate_web}|#{tmate_web_ro}|#{tmate_num_clients}';

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env, timeout: timeoutMs, killSignal: 'SIGKILL' }, (err, stdout, stderr) => {
      const e = err as (NodeJS.ErrnoException & { code?: number | string; killed?: boolean }) | null;
      resolve({
        code: e ? (typeof e.code === 'number' ? e.code : null) : 0,
        stdout: String(stdout),
        stderr: String(stderr),
        timedOut: Boolean(e?.killed),
      });
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

class TmateProcess {
  readonly sock: string;
  readonly logPath: string;
  readonly env: NodeJS.ProcessEnv;
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  pid = 0;

  constructor(readonly dir: string) {
    this.sock = path.join(dir, 'sock');
    this.logPath = path.join(dir, 'log');
    const home = path.join(dir, 'home');
    fs.mkdirSync(home);
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, SHELL: '/bin/sh' };
    delete env.TMUX;
    delete env.SSH_AUTH_SOCK;
    this.env = env;
  }

  /**
   * Starts `tmate -F` with conf = configLines + foreground-restart 0, and waits until its socket exists:
   * before that, every `tmate -S sock ...` fails (exit 1, "You must specify a socket name with -S").
   */
  async start(configLines: string): Promise<void> {
    const conf = path.join(this.dir, 'conf');
    fs.writeFileSync(conf, configLines + 'set -g tmate-foreground-restart 0\n');
    const fd = fs.openSync(this.logPath, 'a');
    try {
      this.child = spawn('tmate', ['-F', '-S', this.sock, '-f', conf], {
        detached: true,
        stdio: ['ignore', fd, fd],
        env: this.env,
      });
    } finally {
      fs.closeSync(fd);
    }
    const child = this.child;
    this.pid = child.pid ?? 0;
    assert.ok(this.pid > 0, 'tmate did not start');
    this.exited = new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once('exit', () => resolve());
    });
    child.on('error', () => {
      /* reported through the checks below */
    });
    const deadline = Date.now() + 5_000;
    while (!fs.existsSync(this.sock)) {
      if (Date.now() > deadline) assert.fail(`tmate created no socket within 5 s; log:\n${this.log()}`);
      await sleep(50);
    }
  }

  tmate(args: string[], timeoutMs = 5_000): Promise<RunResult> {
    return run('tmate', ['-S', this.sock, ...args], this.env, timeoutMs);
  }

  /** `tmate wait tmate-ready` bounded by timeoutMs: true if it returned (successfully) in time. */
  async waitReady(timeoutMs: number): Promise<boolean> {
    const r = await this.tmate(['wait', 'tmate-ready'], timeoutMs);
    return !r.timedOut && r.code === 0;
  }

  async display(format = LINKS_FORMAT): Promise<string> {
    const r = await this.tmate(['display', '-p', format]);
    assert.equal(r.code, 0, `display failed: ${r.stderr}`);
    return r.stdout.replace(/\n$/, '');
  }

  /** Polls `display` until it equals `expected`. */
  async waitDisplay(format: string, expected: string, timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      last = await this.display(format);
      if (last === expected) return;
      await sleep(100);
    }
    assert.fail(`${format} stayed ${JSON.stringify(last)}, expected ${JSON.stringify(expected)}`);
  }

  log(): string {
    try {
      return fs.readFileSync(this.logPath, 'utf8');
    } catch {
      return '';
    }
  }

  logLines(): string[] {
    return this.log()
      .split('\n')
      .map((l) => l.replace(/\r$/, ''))
      .filter((l) => l !== '');
  }

  async waitForLog(pattern: RegExp, timeoutMs = 8_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = this.logLines().find((l) => pattern.test(l));
      if (line !== undefined) return line;
      if (Date.now() > deadline)
        assert.fail(`log never matched ${pattern} within ${timeoutMs} ms; log:\n${this.log()}`);
      await sleep(100);
    }
  }

  /** kill-server, then make sure the tmate process we started is gone (SIGKILL to its group if not). */
  async stop(): Promise<void> {
    if (!this.child) return;
    await this.tmate(['kill-server'], 5_000);
    const gone = await Promise.race([this.exited.then(() => true), sleep(5_000).then(() => false)]);
    if (!gone) {
      try {
        process.kill(-this.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
      await Promise.race([this.exited, sleep(3_000)]);
    }
    this.child = null;
    assert.equal(isAlive(this.pid), false, `tmate pid ${this.pid} survived`);
    assert.ok(gone, 'tmate did not exit on kill-server');
  }
}

/** A fresh temp dir + tmate process + server for one test, all cleaned up afterwards. */
/** Set PAIRBAR_SHOW_TMATE_LOG=1 to print each test's tmate log (stdout of `tmate -F`) to stderr. */
async function setup(
  t: { name: string; after: (fn: () => Promise<void>) => void },
  server: TestTmateServer,
): Promise<TmateProcess> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pairbar-tmate-'));
  const tmate = new TmateProcess(dir);
  t.after(async () => {
    try {
      await tmate.stop();
    } finally {
      if (process.env.PAIRBAR_SHOW_TMATE_LOG) process.stderr.write(`--- tmate log: ${t.name}\n${tmate.log()}`);
      await server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
  return tmate;
}

function expectedDisplay(h: HostConnection, count: string): string {
  return [h.links.ssh, h.links.sshReadOnly, h.links.web ?? '', h.links.webReadOnly ?? '', count].join('|');
}

const TOKEN_RE = /^[abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789]{25}$/;

test("tmate.io mode: READY, all four links equal to the server's, count 0", { timeout: TEST_TIMEOUT }, async (t) => {
  const server = await TestTmateServer.start({ mode: 'tmate.io' });
  const tmate = await setup(t, server);
  await tmate.start(server.tmateConfig());
  const host = await server.nextConnection(10_000);
  assert.equal(host.clientVersion, '2.4.0');
  assert.match(host.tokens.rw, TOKEN_RE);
  assert.match(host.tokens.ro.slice(3), TOKEN_RE);
  assert.ok(host.tokens.ro.startsWith('ro-'));
  assert.equal(host.links.ssh, `ssh -p${server.port} ${host.tokens.rw}@127.0.0.1`);
  assert.equal(host.links.sshReadOnly, `ssh -p${server.port} ${host.tokens.ro}@127.0.0.1`);
  assert.equal(host.links.web, `https://tmate.io/t/${host.tokens.rw}`);
  assert.equal(host.links.webReadOnly, `https://tmate.io/t/${host.tokens.ro}`);

  assert.equal(await tmate.waitReady(8_000), true, 'wait tmate-ready did not return');
  assert.equal(await tmate.display(), expectedDisplay(host, '0'));
  assert.deepEqual(server.connections(), [host]);
  assert.equal(host.clients, 0);
  assert.deepEqual(tmate.logLines().slice(1), [
    'Connecting to 127.0.0.1...',
    'Note: clear your terminal before sharing readonly access',
    `web session read only: ${host.links.webReadOnly}`,
    `ssh session read only: ${host.links.sshReadOnly}`,
    `web session: ${host.links.web}`,
    `ssh session: ${host.links.ssh}`,
  ]);
  assert.equal(tmate.logLines()[0], `To connect to the session locally, run: tmate -S ${tmate.sock} attach`);
});

test(
  'pairJoin/pairLeave change #{tmate_num_clients} and print join/leave notices',
  { timeout: TEST_TIMEOUT },
  async (t) => {
    const server = await TestTmateServer.start({ mode: 'tmate.io' });
    const tmate = await setup(t, server);
    await tmate.start(server.tmateConfig());
    const host = await server.nextConnection(10_000);
    assert.equal(await tmate.waitReady(8_000), true);

    host.pairJoin('203.0.113.5');
    assert.equal(host.clients, 1);
    await tmate.waitDisplay('#{tmate_num_clients}', '1');
    await tmate.waitForLog(/^A mate has joined \(203\.0\.113\.5\) -- 1 client currently connected$/);

    host.pairJoin('203.0.113.6');
    await tmate.waitDisplay('#{tmate_num_clients}', '2');
    await tmate.waitForLog(/^A mate has joined \(203\.0\.113\.6\) -- 2 clients currently connected$/);

    host.pairLeave('203.0.113.5');
    await tmate.waitDisplay('#{tmate_num_clients}', '1');
    await tmate.waitForLog(/^A mate has left \(203\.0\.113\.5\) -- 1 client currently connected$/);

    host.pairLeave('203.0.113.6');
    assert.equal(host.clients, 0);
    await tmate.waitDisplay('#{tmate_num_clients}', '0');
    await tmate.waitForLog(/^A mate has left \(203\.0\.113\.6\) -- 0 client currently connected$/);
    assert.throws(() => host.pairLeave());
    // The links are untouched by presence changes, and every message was accepted (a field of the wrong
    // msgpack type would make tmate log "Received a bad message" and exit).
    assert.equal(await tmate.display(), expectedDisplay(host, '0'));
    assert.deepEqual(server.connections(), [host]);
    assert.equal(host.isClosed, false);
    assert.equal(isAlive(tmate.pid), true);
    assert.doesNotMatch(tmate.log(), /bad message/i);
  },
);

test(
  "pairJoin with a size: tmate's window takes the smallest columns and rows of the pairs in, and keeps them after the last leaves",
  { timeout: TEST_TIMEOUT },
  async (t) => {
    const server = await TestTmateServer.start();
    const tmate = await setup(t, server);
    await tmate.start(server.tmateConfig());
    const host = await server.nextConnection(10_000);
    assert.equal(await tmate.waitReady(8_000), true);
    const SIZE = '#{window_width}x#{window_height}';
    assert.equal(await tmate.display(SIZE), '80x23', "tmate's own size before any pair: 80x24 less its status line");

    host.pairJoin('203.0.113.5', { cols: 100, rows: 30 });
    await tmate.waitDisplay(SIZE, '100x30');
    host.pairJoin('203.0.113.6', { cols: 90, rows: 35 });
    await tmate.waitDisplay(SIZE, '90x30');
    host.pairLeave('203.0.113.5');
    await tmate.waitDisplay(SIZE, '90x35');
    host.pairLeave('203.0.113.6');
    assert.equal(host.clients, 0);
    // RESIZE -1,-1: tmate leaves its window as it was.
    await sleep(300);
    assert.equal(await tmate.display(SIZE), '90x35');
    assert.throws(() => host.pairLeave('203.0.113.6'), /no pair from 203\.0\.113\.6/);
    assert.doesNotMatch(tmate.log(), /bad message/i);
  },
);

test(
  'real ssh pairs: the host is told each terminal less one row, the smallest over the pairs, resizes, and nothing new when the last leaves',
  { timeout: 90_000 },
  async (t) => {
    const server = await TestTmateServer.start();
    const tmate = await setup(t, server);
    await tmate.start(server.tmateConfig());
    const host = await server.nextConnection(10_000);
    assert.equal(await tmate.waitReady(8_000), true);
    const keys = await PairKeys.create();
    t.after(() => keys.dispose());
    const key = await keys.key('pair');
    const SIZE = '#{window_width}x#{window_height}';

    // As measured upstream: a 90x25 pair made tmate's window 90x24; a second 70x20 pair 70x19.
    const first = await PairTerminal.join(server, host, host.links.ssh, key, { cols: 90, rows: 25 });
    t.after(() => first.leave());
    await tmate.waitDisplay(SIZE, '90x24');
    const second = await PairTerminal.join(server, host, host.links.sshReadOnly, key, { cols: 70, rows: 20 });
    t.after(() => second.leave());
    await tmate.waitDisplay(SIZE, '70x19');
    assert.equal(host.clients, 2);

    await second.leave(host);
    await tmate.waitDisplay(SIZE, '90x24');
    // The pair who stays enlarges their terminal: ssh's window-change reaches the host as a new RESIZE.
    await first.resize({ cols: 120, rows: 30 });
    await tmate.waitDisplay(SIZE, '120x29');

    // The last pair leaves: the server sends -1,-1 and tmate keeps the size it had.
    await first.leave(host);
    assert.equal(host.clients, 0);
    assert.equal(host.sshPairs, 0);
    await sleep(300);
    assert.equal(await tmate.display(SIZE), '120x29');
    assert.equal(await tmate.display('#{tmate_num_clients}'), '', 'a bare server never tells a count');
    assert.doesNotMatch(tmate.log(), /A mate has|bad message/i);
  },
);

test('self-hosted mode: only ssh links, no web links, no count', { timeout: TEST_TIMEOUT }, async (t) => {
  const server = await TestTmateServer.start({ mode: 'self-hosted' });
  const tmate = await setup(t, server);
  await tmate.start(server.tmateConfig());
  const host = await server.nextConnection(10_000);
  assert.equal(host.links.web, undefined);
  assert.equal(host.links.webReadOnly, undefined);
  assert.equal(await tmate.waitReady(8_000), true);
  assert.equal(await tmate.display(), `${host.links.ssh}|${host.links.sshReadOnly}|||`);
  await tmate.waitForLog(/^ssh session: /);
  const lines = tmate.logLines();
  assert.ok(lines.includes('Note: clear your terminal before sharing readonly access'), tmate.log());
  assert.ok(lines.includes(`ssh session read only: ${host.links.sshReadOnly}`), tmate.log());
  assert.ok(lines.includes(`ssh session: ${host.links.ssh}`), tmate.log());

  // A pair joining is invisible to the host on a bare server.
  host.pairJoin();
  await sleep(500);
  assert.equal(await tmate.display('#{tmate_num_clients}'), '');
  assert.ok(!/A mate has/.test(tmate.log()));
});

test(
  'sayReady: false: the host connects but `wait tmate-ready` does not return within 3 s',
  { timeout: TEST_TIMEOUT },
  async (t) => {
    const server = await TestTmateServer.start({ sayReady: false });
    const tmate = await setup(t, server);
    await tmate.start(server.tmateConfig());
    await server.nextConnection(10_000);
    assert.equal(await tmate.waitReady(3_000), false);
    assert.equal(await tmate.display(), '||||');
  },
);

test('wrong fingerprint: "Cannot authenticate server", no READY', { timeout: TEST_TIMEOUT }, async (t) => {
  const server = await TestTmateServer.start();
  const tmate = await setup(t, server);
  const wrong = 'SHA256:' + Buffer.alloc(32, 7).toString('base64').replace(/=+$/, '');
  assert.notEqual(wrong, server.fingerprint);
  await tmate.start(server.tmateConfig().replace(server.fingerprint, wrong));
  await tmate.waitForLog(/^Cannot authenticate server$/);
  assert.equal(await tmate.waitReady(2_500), false);
  assert.equal(server.connections().length, 0);
  await assert.rejects(server.nextConnection(100));
  // It keeps retrying every 2 s.
  assert.ok(tmate.logLines().filter((l) => l === 'Cannot authenticate server').length >= 2, tmate.log());
});

test(
  'refused connections: "Connection refused", then it connects once the port listens again',
  { timeout: TEST_TIMEOUT },
  async (t) => {
    const server = await TestTmateServer.start({ mode: 'tmate.io' });
    const tmate = await setup(t, server);
    await server.setRefusing(true);
    await tmate.start(server.tmateConfig());
    await tmate.waitForLog(/^Error connecting: Connection refused$/);
    assert.equal(await tmate.waitReady(2_500), false);

    await server.setRefusing(false);
    const host = await server.nextConnection(10_000);
    assert.equal(await tmate.waitReady(8_000), true);
    assert.equal(await tmate.display(), expectedDisplay(host, '0'));
    assert.equal(host.reconnected, false);
  },
);

test('drop(): the client reconnects on its own and keeps the same links', { timeout: TEST_TIMEOUT }, async (t) => {
  const server = await TestTmateServer.start({ mode: 'tmate.io' });
  const tmate = await setup(t, server);
  await tmate.start(server.tmateConfig());
  const first = await server.nextConnection(10_000);
  assert.equal(await tmate.waitReady(8_000), true);
  const before = await tmate.display();
  first.pairJoin();
  await tmate.waitDisplay('#{tmate_num_clients}', '1');

  first.drop();
  await first.closed;
  assert.equal(first.isClosed, true);
  const second = await server.nextConnection(10_000);
  assert.notEqual(second, first);
  assert.equal(second.reconnected, true);
  assert.deepEqual(second.tokens, first.tokens);
  assert.deepEqual(second.links, first.links);
  await tmate.waitForLog(/^Reconnected$/);
  // `wait tmate-ready` returns at once: tmate never clears its "ready" flag after the first READY.
  assert.equal(await tmate.waitReady(5_000), true);
  // The count goes back to 0 (the pairs went with the old connection) once the SET_ENVs arrive.
  await tmate.waitDisplay(LINKS_FORMAT, before);
  const lines = tmate.logLines();
  const dropAt = lines.indexOf('Error reading from channel: Socket error: disconnected');
  assert.ok(dropAt > 0, tmate.log());
  assert.deepEqual(lines.slice(dropAt + 1, dropAt + 8), [
    'Reconnecting...',
    'Note: clear your terminal before sharing readonly access',
    `web session read only: ${first.links.webReadOnly}`,
    `ssh session read only: ${first.links.sshReadOnly}`,
    `web session: ${first.links.web}`,
    `ssh session: ${first.links.ssh}`,
    'Reconnected',
  ]);
  assert.deepEqual(server.connections(), [second]);
});

test(
  'newTokensOnReconnect: after a drop the host gets new tokens, and a pair with an old one is told it is expired',
  { timeout: TEST_TIMEOUT },
  async (t) => {
    const server = await TestTmateServer.start({ mode: 'tmate.io', newTokensOnReconnect: true });
    const tmate = await setup(t, server);
    await tmate.start(server.tmateConfig());
    const keys = await PairKeys.create();
    t.after(() => keys.dispose());
    const pair = await keys.key('pair');
    const first = await server.nextConnection(10_000);
    assert.equal(await tmate.waitReady(8_000), true);
    const before = await joinAsPair(server, first.links.ssh, pair, /\S/);
    assert.equal(before.joined, true, before.stderr);
    first.drop();
    const second = await server.nextConnection(10_000);
    assert.equal(second.reconnected, true, 'the client did send its reconnection data');
    assert.notEqual(second.tokens.rw, first.tokens.rw);
    assert.notEqual(second.tokens.ro, first.tokens.ro);
    await tmate.waitDisplay('#{tmate_ssh}', second.links.ssh);
    for (const link of [first.links.ssh, first.links.sshReadOnly]) {
      const old = await joinAsPair(server, link, pair, 'never shown');
      assert.match(old.output, /Invalid or expired session token/, link);
      assert.equal(old.joined, false);
    }
    assert.equal((await tmate.tmate(['send-keys', 'echo LIVE-AGAIN', 'Enter'])).code, 0);
    const now = await joinAsPair(server, second.links.sshReadOnly, pair, 'LIVE-AGAIN');
    assert.equal(now.joined, true, now.stderr);
    assert.doesNotMatch(now.output, /Invalid/);
  },
);

test(
  'self-hosted drop(): the client reconnects and gets new links (no reconnection data)',
  { timeout: TEST_TIMEOUT },
  async (t) => {
    const server = await TestTmateServer.start({ mode: 'self-hosted' });
    const tmate = await setup(t, server);
    await tmate.start(server.tmateConfig());
    const first = await server.nextConnection(10_000);
    assert.equal(await tmate.waitReady(8_000), true);
    first.drop();
    const second = await server.nextConnection(10_000);
    assert.equal(second.reconnected, false);
    assert.notEqual(second.tokens.rw, first.tokens.rw);
    await tmate.waitDisplay('#{tmate_ssh}', second.links.ssh);
    assert.ok(!tmate.logLines().includes('Reconnected'), tmate.log());
    assert.equal(server.tokenIsLive(first.tokens.rw), false);
    assert.equal(server.tokenIsLive(second.tokens.rw), true);
  },
);

test('output() shows what is typed into the shared shell', { timeout: TEST_TIMEOUT }, async (t) => {
  const server = await TestTmateServer.start();
  const tmate = await setup(t, server);
  await tmate.start(server.tmateConfig());
  const host = await server.nextConnection(10_000);
  assert.equal(await tmate.waitReady(8_000), true);
  const r = await tmate.tmate(['send-keys', '-t', '%0', 'echo hello-pair', 'Enter']);
  assert.equal(r.code, 0, r.stderr);
  await host.waitForOutput(/hello-pair\r?\n/, 8_000);
  await host.waitForOutput('hello-pair');
  // Non-ASCII output survives the raw-bytes path. (Typed as octal escapes: tmate 2.4.0's send-keys
  // turns each byte of a non-ASCII argument into its own character, so "ü" would arrive double-encoded.)
  await tmate.tmate(['send-keys', '-t', '%0', "printf 'gr\\303\\274\\303\\237e-\\342\\202\\254\\n'", 'Enter']);
  await host.waitForOutput('grüße-€', 8_000);
  await assert.rejects(host.waitForOutput('never-typed', 200));
});

test('refuseAuth: "SSH keys not found" when the host has no keys', { timeout: TEST_TIMEOUT }, async (t) => {
  const server = await TestTmateServer.start({ refuseAuth: true });
  const tmate = await setup(t, server);
  await tmate.start(server.tmateConfig());
  await tmate.waitForLog(/^SSH keys not found\. Run 'ssh-keygen' to create keys\.$/);
  assert.equal(await tmate.waitReady(2_500), false);
  assert.equal(server.connections().length, 0);
});

for (const keyType of ['ed25519', 'rsa', 'ecdsa'] as const) {
  test(
    `${keyType} host key: fingerprint matches ssh-keygen and tmate accepts it`,
    { timeout: TEST_TIMEOUT },
    async (t) => {
      const server = await TestTmateServer.start({ keyType });
      const tmate = await setup(t, server);
      assert.equal(server.keyType, keyType);
      assert.match(
        server.tmateConfig(),
        new RegExp(
          `^set -g tmate-server-${keyType}-fingerprint "${server.fingerprint.replace(/[+/]/g, '\\$&')}"$`,
          'm',
        ),
      );
      const pub = path.join(tmate.dir, 'host.pub');
      fs.writeFileSync(pub, server.publicKey + '\n');
      const r = await run('ssh-keygen', ['-l', '-E', 'sha256', '-f', pub], process.env, 5_000);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.split(' ')[1], server.fingerprint);

      await tmate.start(server.tmateConfig());
      const host = await server.nextConnection(10_000);
      assert.equal(await tmate.waitReady(8_000), true);
      assert.equal(await tmate.display('#{tmate_ssh}'), host.links.ssh);
    },
  );
}

test(
  'nextConnection queues hosts that connected before the call; close() ends connections',
  { timeout: TEST_TIMEOUT },
  async (t) => {
    const server = await TestTmateServer.start();
    const tmate = await setup(t, server);
    await tmate.start(server.tmateConfig());
    assert.equal(await tmate.waitReady(8_000), true); // connected before anyone asked for it
    const host = await server.nextConnection(100);
    assert.equal(server.connections().length, 1);
    await server.close();
    await host.closed;
    assert.equal(server.connections().length, 0);
    await assert.rejects(server.nextConnection(100));
    await tmate.waitForLog(/^Reconnecting\.\.\.$/);
  },
);
