/**
 * A private world for one test: its own tmux socket directory (TMUX_TMPDIR), runtime directory, preferences
 * directory and HOME, so the tests never see or touch the developer's own tmux servers or shares. Real tmux
 * and real tmate run inside it.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { TestTmateServer, type TestTmateServerOptions } from './tmate-server.ts';
import { createRuntime, type Runtime } from '../../main/runtime.ts';
import type { PrefsStore } from '../../main/prefs/file.ts';
import { isPrefKey } from '../../main/prefs/schema.ts';
import { addServer, useServer as chooseServer } from '../../main/prefs/servers.ts';
import { writePref } from '../../main/prefs/write.ts';
import { openPrefsStore } from '../../main/prefs/prefs-store.ts';
import { fingerprintField } from '../../main/core/servers.ts';

export const TMUX = '/usr/bin/tmux';
export const TMATE = '/usr/bin/tmate';
/** The built `pairbar` command. */
export const PAIRBAR_BIN = join(import.meta.dirname, '../../bin/pairbar.cjs');

/** Whether the process is a control-mode client (`tmate -S SOCKET -C attach`), as a presence watcher runs. */
function isControlClient(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes('-C');
  } catch {
    return false;
  }
}

export class Sandbox {
  readonly env: NodeJS.ProcessEnv;
  private runtimes: Runtime[] = [];

  private constructor(readonly root: string) {
    this.env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: join(root, 'home'),
      LANG: 'C.UTF-8',
      TERM: 'xterm-256color',
      TMUX_TMPDIR: join(root, 'tmux'),
      PAIRBAR_RUNTIME_DIR: join(root, 'run'),
      PAIRBAR_CONFIG_DIR: join(root, 'config'),
    };
  }

  static async create(): Promise<Sandbox> {
    // Short base path: unix socket paths are limited to ~104 bytes.
    const root = await mkdtemp(join(tmpdir(), 'pb-'));
    const sandbox = new Sandbox(root);
    execFileSync('mkdir', ['-p', join(root, 'home'), join(root, 'tmux'), join(root, 'config')]);
    // The SSH key tmate needs on a real machine; without one Pairbar reports a first-run problem.
    sandbox.createSshKey();
    return sandbox;
  }

  /** An ed25519 key in ~/.ssh, as `ssh-keygen -t ed25519` makes it; returns its path. */
  createSshKey(): string {
    const key = join(this.env.HOME!, '.ssh', 'id_ed25519');
    execFileSync('mkdir', ['-p', '-m', '700', dirname(key)]);
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'pairbar-test', '-f', key], { env: this.env });
    return key;
  }

  /** Runs tmux against the user's default server of this sandbox. */
  tmux(args: string[], label = 'default'): string {
    return execFileSync(TMUX, ['-L', label, ...args], { env: this.env, encoding: 'utf8' });
  }

  /**
   * Creates a detached session and returns its id. The name as a user types it for tmux to keep it
   * literal: `##` for `#` (or tmux expands formats in it), and a trailing `;` as `\;` (or tmux takes the
   * argument for the end of a command).
   */
  newSession(name: string, label = 'default', command?: string): string {
    const literal = name.replaceAll('#', '##').replace(/;$/, '\\;');
    const args = ['new-session', '-d', '-x', '100', '-y', '30', '-s', literal, '-P', '-F', '#{session_id}'];
    if (command) args.push(command);
    return this.tmux(args, label).trim();
  }

  /** The socket path of a tmux server of this sandbox. */
  socket(label = 'default'): string {
    return join(this.env.TMUX_TMPDIR!, `tmux-${process.getuid?.() ?? 0}`, label);
  }

  /**
   * The user's own terminal: a tmux client attached to `sessionId`, running inside a second tmux server
   * (as if in a terminal window). Returns a function listing the clients still attached to that session.
   */
  attachUserClient(sessionId: string, terminal: { cols: number; rows: number } = { cols: 120, rows: 40 }): void {
    const inner = `exec ${TMUX} -S '${this.socket()}' attach-session -t '${sessionId}'`;
    const size = ['-x', String(terminal.cols), '-y', String(terminal.rows)];
    execFileSync(TMUX, ['-L', 'user-terminal', 'new-session', '-d', ...size, 'env', '-u', 'TMUX', 'sh', '-c', inner], {
      env: this.env,
    });
  }

  /** tmux clients attached to a session on the default server, by tty. */
  clientsOf(sessionId: string, label = 'default'): string[] {
    try {
      return this.tmux(['list-clients', '-t', sessionId, '-F', '#{client_tty}'], label).split('\n').filter(Boolean);
    } catch {
      return [];
    }
  }

  async waitForClients(sessionId: string, count: number, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.clientsOf(sessionId).length < count) {
      if (Date.now() > deadline)
        throw new Error(`session ${sessionId} has ${this.clientsOf(sessionId).length} clients, expected ${count}`);
      await sleep(50);
    }
  }

  capture(target: string, label = 'default'): string {
    return this.tmux(['capture-pane', '-p', '-t', target], label);
  }

  async setPrefs(values: Record<string, unknown>): Promise<void> {
    const store = openPrefsStore(this.env);
    for (const [key, value] of Object.entries(values)) {
      if (!isPrefKey(key)) throw new Error(`setPrefs: ${key} is not a preference`);
      writePref(store, key, value);
    }
  }

  /**
   * Makes Pairbar use the real tmux behind a wrapper that answers `-V` as `tmux VERSION` (say 3.1c, which
   * has no ignore-size): how an older tmux is met without installing one.
   */
  async useTmuxReporting(version: string): Promise<void> {
    const wrapper = join(this.root, `tmux-${version}`);
    await writeFile(wrapper, `#!/bin/sh\n[ "$1" = -V ] && { echo "tmux ${version}"; exit 0; }\nexec ${TMUX} "$@"\n`, {
      mode: 0o755,
    });
    await this.setPrefs({ 'tmux.path': wrapper });
  }

  /**
   * Points Pairbar's preferences at a test tmate server: a profile named `name` (default "test") with the
   * server's fingerprint (or `fingerprint`, to pin a wrong one), made the active one.
   */
  async useServer(
    server: TestTmateServer,
    readyTimeoutSeconds = 10,
    name = 'test',
    fingerprint = server.fingerprint,
  ): Promise<void> {
    const store = openPrefsStore(this.env);
    addServer(store, {
      name,
      host: server.host,
      port: server.port,
      rsaFingerprint: '',
      ed25519Fingerprint: '',
      ecdsaFingerprint: '',
      [fingerprintField(server.keyType)]: fingerprint,
    });
    chooseServer(store, name);
    await this.setPrefs({ 'share.readyTimeoutSeconds': readyTimeoutSeconds });
  }

  /**
   * A runtime on this sandbox, as the command has it (reads the preferences), or as the app has it with
   * `store`. Its shares get a presence watcher as the product's do (the built command, `__presence`), unless
   * `watch` is false.
   */
  runtime(store?: PrefsStore, { watch = true }: { watch?: boolean } = {}): Runtime {
    const watcher = watch ? { command: process.execPath, args: [PAIRBAR_BIN] } : undefined;
    const runtime = createRuntime(this.env, store, 'cli', watcher);
    this.runtimes.push(runtime);
    return runtime;
  }

  /** Runs the built `pairbar` command in this sandbox. */
  cli(
    args: string[],
    extraEnv: NodeJS.ProcessEnv = {},
    input?: string,
  ): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [PAIRBAR_BIN, ...args], {
        env: { ...this.env, ...extraEnv },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      // Standard input is what a user would type or pipe in; none means it is closed at once. A command that
      // exits without reading it (a usage error) closes the pipe first: that EPIPE is no failure of the test.
      child.stdin.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code !== 'EPIPE') reject(error);
      });
      child.stdin.end(input ?? '');
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      child.stderr.on('data', (chunk) => (stderr += chunk));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  }

  /** pids of tmate processes whose command line mentions this sandbox. */
  tmatePids(): number[] {
    // The shares' tmate servers: not the control-mode clients of their presence watchers (watcherPids).
    return this.pidsMatching(`tmate.*${this.root}`).filter((pid) => !isControlClient(pid));
  }

  /** pids of this sandbox's presence watchers and their control-mode tmate clients. */
  watcherPids(): number[] {
    return [
      ...this.pidsMatching(`__presence ${this.root}`),
      ...this.pidsMatching(`tmate.*${this.root}`).filter(isControlClient),
    ];
  }

  private pidsMatching(pattern: string): number[] {
    try {
      return execFileSync('pgrep', ['-f', pattern], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
    } catch {
      return [];
    }
  }

  async writeFile(relative: string, text: string): Promise<string> {
    const path = join(this.root, relative);
    await writeFile(path, text);
    return path;
  }

  /** Ends every share, tmux server and tmate process of this sandbox, and removes it. */
  async dispose(): Promise<void> {
    for (const runtime of this.runtimes) {
      await runtime.shares.adopt().catch(() => undefined);
      await runtime.shares.stopAll().catch(() => undefined);
      runtime.shares.close();
    }
    for (const pid of [...this.tmatePids(), ...this.watcherPids()]) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    // Every tmux server a test started in this sandbox, whatever its label: a server left behind would
    // outlive the test run.
    const socketDir = dirname(this.socket());
    const labels = existsSync(socketDir) ? readdirSync(socketDir) : [];
    for (const label of labels) {
      try {
        execFileSync(TMUX, ['-S', join(socketDir, label), 'kill-server'], { env: this.env, stdio: 'ignore' });
      } catch {
        // not running
      }
    }
    // Retried: a tmux or tmate process that is still exiting may add or remove a file while this runs.
    await rm(this.root, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  }
}

export async function startServer(options?: TestTmateServerOptions): Promise<TestTmateServer> {
  return TestTmateServer.start(options);
}

/** Swaps a test's tmate server for one that behaves differently, and points the sandbox's preferences at it. */
export async function switchServer(
  sandbox: Sandbox,
  current: TestTmateServer,
  options: TestTmateServerOptions,
  readyTimeoutSeconds?: number,
): Promise<TestTmateServer> {
  await current.close();
  const next = await startServer(options);
  await sandbox.useServer(next, readyTimeoutSeconds);
  return next;
}

export async function waitFor<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** Runs `body` with `dir` as the current directory (for tests of what a relative PATH entry would find there). */
export async function inDir<T>(dir: string, body: () => Promise<T>): Promise<T> {
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    return await body();
  } finally {
    process.chdir(cwd);
  }
}
