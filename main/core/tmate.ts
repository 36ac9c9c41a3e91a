/**
 * tmate's process for one share: its files, starting it in foreground mode (`tmate -F`) detached from us
 * on its own socket, waiting for the links, and stopping it. Foreground mode matters three ways: tmate
 * shows no tip screen, it prints every message as a plain line (appended to a log that log-follower.ts
 * follows with fs.watch, so joins, leaves, reconnects and failures arrive without polling), and it exits
 * when the shared client ends.
 */
import { watch } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ShareLinks } from './links.ts';
import { CommandError, run, spawnDetached, type Detached } from './process.ts';
import type { ServerSettings } from './servers.ts';
import { tmateConfig, type AttachOptions, type TmateAccess } from './tmate-config.ts';

export interface ShareFiles {
  dir: string;
  socket: string;
  config: string;
  log: string;
  meta: string;
  /** The keys that may join, when the share is restricted (tmate-authorized-keys). */
  keys: string;
  /** What the share's presence watcher saw (core/presence.ts), one JSON event a line. */
  presence: string;
  /** The watcher process's own output (nothing, unless it fails). */
  watcherLog: string;
}

export function shareFiles(dir: string): ShareFiles {
  return {
    dir,
    socket: join(dir, 'tmate.sock'),
    config: join(dir, 'tmate.conf'),
    log: join(dir, 'tmate.log'),
    meta: join(dir, 'share.json'),
    keys: join(dir, 'authorized_keys'),
    presence: join(dir, 'presence.log'),
    watcherLog: join(dir, 'watcher.log'),
  };
}

export interface TmateEnv {
  tmate: string;
  /** The environment tmate and its pane run with: already without TMUX (withoutTmux), as tmate requires. */
  env: NodeJS.ProcessEnv;
}

/** The tmux session tmate's pane attaches to, and how. */
export interface AttachTarget extends AttachOptions {
  tmux: string;
  socket: string;
  sessionId: string;
}

/** Writes the config and starts `tmate -F` detached. */
export async function startTmate(
  tmate: TmateEnv,
  files: ShareFiles,
  server: ServerSettings,
  target: AttachTarget,
  access: TmateAccess = {},
): Promise<Detached> {
  // Both at once: a share's start waits on each.
  await Promise.all([
    writeFile(
      files.config,
      tmateConfig(server, {
        ignoreSize: target.ignoreSize,
        ownSession: target.ownSession,
        endsAt: target.endsAt ?? null,
        ...access,
      }),
      { mode: 0o600 },
    ),
    writeFile(files.log, '', { mode: 0o600, flag: 'a' }),
  ]);
  const env: NodeJS.ProcessEnv = {
    ...tmate.env,
    PAIRBAR_TMUX: target.tmux,
    PAIRBAR_TMUX_SOCKET: target.socket,
    PAIRBAR_TMUX_SESSION: target.sessionId,
    // What the end watchdog needs (tmate-config.ts): whole seconds, rounded up so it never ends early.
    ...(target.endsAt
      ? {
          PAIRBAR_ENDS_AT: String(Math.ceil(target.endsAt / 1000)),
          PAIRBAR_TMATE: tmate.tmate,
          PAIRBAR_TMATE_SOCKET: files.socket,
        }
      : {}),
  };
  return spawnDetached(tmate.tmate, ['-F', '-S', files.socket, '-f', files.config], {
    env,
    logFile: files.log,
    cwd: files.dir,
  });
}

/** Whether the unix socket accepts a connection (a live tmate answers on its own). */
export async function socketAnswers(socket: string): Promise<boolean> {
  // Loaded here, not at the top: node:net brings Node's streams, which `pairbar status` with nothing
  // shared would load for nothing.
  const { connect } = await import('node:net');
  return new Promise((resolve) => {
    const connection = connect(socket);
    connection.once('connect', () => {
      connection.destroy();
      resolve(true);
    });
    connection.once('error', () => resolve(false));
  });
}

/** Waits for tmate's socket to appear in its directory, woken by fs.watch rather than polling. */
export async function waitForSocket(files: ShareFiles, signal: AbortSignal): Promise<void> {
  signal.throwIfAborted();
  const watcher = watch(files.dir, { persistent: false, signal });
  const done = new Promise<void>((resolve, reject) => {
    const check = async () => {
      if (await socketAnswers(files.socket)) resolve();
    };
    watcher.on('change', () => void check());
    watcher.on('error', reject);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    void check();
  });
  try {
    await done;
  } finally {
    watcher.close();
  }
}

/** The links, the count of pairs in, and the pid of tmate's one pane (the pair's tmux client), in one call. */
const LINK_FORMAT = [
  '#{tmate_ssh}',
  '#{tmate_ssh_ro}',
  '#{tmate_web}',
  '#{tmate_web_ro}',
  '#{tmate_num_clients}',
  '#{pane_pid}',
].join('\x1f');

export interface LinksAndClients {
  links: ShareLinks;
  /** null when the server does not report it (a self-hosted server without its web back end). */
  clients: number | null;
  /** The pid of the process in tmate's pane: the tmux client attached for the pair; null if tmate gave none. */
  panePid: number | null;
}

const COUNT = /^\d+$/;

export function parseLinks(stdout: string): LinksAndClients {
  const [ssh = '', sshReadOnly = '', web = '', webReadOnly = '', clients = '', pane = ''] = stdout
    .replace(/\n$/, '')
    .split('\x1f');
  const orNull = (value: string) => (value.trim() === '' ? null : value.trim());
  const pid = COUNT.test(pane.trim()) ? Number(pane.trim()) : 0;
  return {
    links: { ssh: orNull(ssh), sshReadOnly: orNull(sshReadOnly), web: orNull(web), webReadOnly: orNull(webReadOnly) },
    clients: COUNT.test(clients.trim()) ? Number(clients.trim()) : null,
    panePid: Number.isSafeInteger(pid) && pid > 0 ? pid : null,
  };
}

/**
 * Blocks until the server says READY (`wait tmate-ready`), then reads the links and the pane's pid, in one
 * tmate process: the two commands chained with tmux's `;` separator, so a share costs no spawn more than
 * it must. Killed when `signal` aborts.
 */
export async function waitReadyThenReadLinks(
  tmate: TmateEnv,
  socket: string,
  signal: AbortSignal,
): Promise<LinksAndClients> {
  signal.throwIfAborted();
  const { stdout } = await run(
    tmate.tmate,
    ['-S', socket, 'wait', 'tmate-ready', ';', 'display-message', '-p', LINK_FORMAT],
    { env: tmate.env, signal },
  );
  return parseLinks(stdout);
}

/** The pid of the process in tmate's one pane: the tmux client attached for the pair. */
export async function panePid(tmate: TmateEnv, socket: string): Promise<number | undefined> {
  const { stdout } = await run(tmate.tmate, ['-S', socket, 'display-message', '-p', '#{pane_pid}'], {
    env: tmate.env,
    timeoutMs: 10_000,
  });
  const pid = stdout.trim();
  return /^\d+$/.test(pid) ? Number(pid) : undefined;
}

export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether `pid` is still the tmate we started for this socket (guards against a recycled pid). */
export async function isOurTmate(pid: number, socket: string): Promise<boolean> {
  if (!pidAlive(pid)) return false;
  try {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.split('\0').includes(socket);
  } catch {
    // No /proc (macOS): the socket answering is the evidence we have.
    return socketAnswers(socket);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Ends tmate: `kill-server` first (it says goodbye to the server and hangs up only its own tmux client),
 * then signals if it is still there. Resolves when the process is gone.
 */
export async function stopTmate(tmate: TmateEnv, socket: string, pid: number): Promise<void> {
  try {
    await run(tmate.tmate, ['-S', socket, 'kill-server'], { env: tmate.env, timeoutMs: 5_000 });
  } catch (error) {
    if (!(error instanceof CommandError)) throw error;
    // Not answering: fall through to signals.
  }
  // tmate exits within milliseconds of kill-server; the bounded back-off only covers a stuck process.
  for (const [signal, waitMs] of [
    [null, 2_000],
    ['SIGTERM', 2_000],
    ['SIGKILL', 2_000],
  ] as const) {
    if (signal && (await isOurTmate(pid, socket))) {
      try {
        process.kill(pid, signal);
      } catch {
        // Already gone.
      }
    }
    for (let waited = 0, step = 10; waited < waitMs; waited += step, step = Math.min(step * 2, 200)) {
      if (!(await isOurTmate(pid, socket))) return;
      await sleep(step);
    }
  }
}
