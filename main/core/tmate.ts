/**
 * One share: one tmate server in foreground mode (`tmate -F`), detached from us, on its own socket in its own
 * directory, started with a config Pairbar writes. Foreground mode matters three ways: tmate shows no tip
 * screen, it prints every message as a plain line (which we append to a log and follow with fs.watch, so
 * joins, leaves, reconnects and failures arrive without polling), and it exits when the shared client ends.
 */
import { watch, type FSWatcher } from 'node:fs';
import { open, readFile, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { EventEmitter } from 'node:events';
import { CommandError, run, spawnDetached, type Detached } from './process.ts';
import type { ServerSettings } from './servers.ts';

export interface ShareLinks {
  ssh: string | null;
  sshReadOnly: string | null;
  web: string | null;
  webReadOnly: string | null;
}

export interface ShareFiles {
  dir: string;
  socket: string;
  config: string;
  log: string;
  meta: string;
}

export function shareFiles(dir: string): ShareFiles {
  return {
    dir,
    socket: join(dir, 'tmate.sock'),
    config: join(dir, 'tmate.conf'),
    log: join(dir, 'tmate.log'),
    meta: join(dir, 'share.json'),
  };
}

/**
 * The shell command tmate runs in its only pane. It is a constant: what varies (tmux's path, socket and
 * the session id) reaches it through the environment, so nothing the user named is ever parsed by a shell.
 * TMUX is unset because tmate sets it to its own socket, and tmux refuses to attach while it is set.
 * `-u`: the pane is tmate's, whatever the locale of the app that started it, so tell tmux it may send UTF-8.
 */
const ATTACH_COMMAND = 'unset TMUX TMUX_PANE; exec "$PAIRBAR_TMUX" -u -S "$PAIRBAR_TMUX_SOCKET" attach-session -t "$PAIRBAR_TMUX_SESSION"';

/** tmux config strings: validated values only reach here, but quote them anyway. */
function quote(value: string): string {
  return `"${value.replace(/[\\"$]/g, (c) => `\\${c}`)}"`;
}

/**
 * The config tmate starts with: out of the pair's way, pointed at the chosen server. The host is always
 * written, so tmate never falls back to its built-in one. A fingerprint left empty keeps tmate's built-in
 * (tmate.io's) value, which another server can never match: an unpinned key type fails closed.
 */
export function tmateConfig(server: ServerSettings): string {
  const lines = [
    '# Written by Pairbar for one share; rewritten on every share.',
    // The pair must see exactly the user's tmux session: no second status bar, and no tmate prefix key
    // stealing the C-b the inner tmux is waiting for.
    'set -g status off',
    'set -g prefix None',
    'set -g prefix2 None',
    'unbind-key -a',
    'set -g escape-time 0',
    'set -g tmate-foreground-restart 0',
    // Single quotes: tmux takes the text literally, so the shell sees the "$PAIRBAR_…" expansions.
    `set -g default-command '${ATTACH_COMMAND}'`,
  ];
  lines.push(`set -g tmate-server-host ${quote(server.host)}`, `set -g tmate-server-port ${server.port}`);
  if (server.rsaFingerprint) lines.push(`set -g tmate-server-rsa-fingerprint ${quote(server.rsaFingerprint)}`);
  if (server.ed25519Fingerprint) lines.push(`set -g tmate-server-ed25519-fingerprint ${quote(server.ed25519Fingerprint)}`);
  if (server.ecdsaFingerprint) lines.push(`set -g tmate-server-ecdsa-fingerprint ${quote(server.ecdsaFingerprint)}`);
  return lines.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------------------
// What tmate prints in foreground mode, as events.

export type LogEvent =
  | { kind: 'connecting'; host: string }
  | { kind: 'connect-error'; reason: string }
  | { kind: 'lookup-failure'; host: string }
  | { kind: 'fingerprint-mismatch' }
  | { kind: 'keys-missing' }
  | { kind: 'reconnecting'; reason: string }
  | { kind: 'reconnected' }
  /** The server announced a link (on connect, and again after a reconnect, when it may have changed). */
  | { kind: 'link'; link: keyof ShareLinks; value: string }
  | { kind: 'joined'; ip: string; clients: number }
  | { kind: 'left'; ip: string; clients: number }
  | { kind: 'closed' }
  | { kind: 'message'; text: string };

const MATE = /^A mate has (joined|left) \(([^)]*)\) -- (\d+) clients? currently connected/;

export function parseLogLine(raw: string): LogEvent | undefined {
  const line = raw.replace(/\r$/, '').replace(/^\[tmate\] /, '').trim();
  if (line === '') return undefined;
  let match: RegExpMatchArray | null;
  if ((match = line.match(MATE))) {
    const kind = match[1] === 'joined' ? 'joined' : 'left';
    return { kind, ip: match[2] ?? '', clients: Number(match[3]) };
  }
  if ((match = line.match(/^(ssh|web) session( read only)?: (\S.*)$/))) {
    const readOnly = match[2] !== undefined;
    const link: keyof ShareLinks = match[1] === 'ssh' ? (readOnly ? 'sshReadOnly' : 'ssh') : readOnly ? 'webReadOnly' : 'web';
    return { kind: 'link', link, value: match[3] ?? '' };
  }
  if ((match = line.match(/^Connecting to (.*?)\.\.\.$/))) return { kind: 'connecting', host: match[1] ?? '' };
  if ((match = line.match(/^Error connecting: (.*)$/))) return { kind: 'connect-error', reason: match[1] ?? '' };
  if ((match = line.match(/^(.*) lookup failure/))) return { kind: 'lookup-failure', host: match[1] ?? '' };
  if (/^Cannot authenticate server/.test(line)) return { kind: 'fingerprint-mismatch' };
  if (/^SSH keys not found/.test(line)) return { kind: 'keys-missing' };
  if ((match = line.match(/^Reconnecting\.\.\.\s*(?:\((.*)\))?/))) return { kind: 'reconnecting', reason: match[1] ?? '' };
  if (/^Reconnected\b/.test(line)) return { kind: 'reconnected' };
  if (/^Session closed\b/.test(line)) return { kind: 'closed' };
  return { kind: 'message', text: line };
}

/**
 * Follows a log file that another process appends to: emits 'line' for each complete line, from `offset`
 * on. fs.watch (inotify, FSEvents) wakes it; nothing polls.
 */
export class LogFollower extends EventEmitter<{ line: [string]; error: [unknown] }> {
  private watcher: FSWatcher | undefined;
  private offset: number;
  private partial = '';
  private reading: Promise<void> | undefined;
  private again = false;

  constructor(
    readonly file: string,
    offset = 0,
  ) {
    super();
    this.offset = offset;
  }

  start(): this {
    this.watcher = watch(this.file, { persistent: false }, () => void this.pump());
    this.watcher.on('error', () => this.close());
    void this.pump();
    return this;
  }

  /** Reads whatever was appended since the last read; coalesces calls that arrive while reading. */
  pump(): Promise<void> {
    if (this.reading) {
      this.again = true;
      return this.reading;
    }
    this.reading = (async () => {
      do {
        this.again = false;
        await this.readNew();
      } while (this.again);
    })().finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }

  private async readNew(): Promise<void> {
    let handle;
    try {
      handle = await open(this.file, 'r');
    } catch {
      return;
    }
    try {
      for (;;) {
        const buffer = Buffer.alloc(64 * 1024);
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, this.offset);
        if (bytesRead === 0) break;
        this.offset += bytesRead;
        const text = this.partial + buffer.subarray(0, bytesRead).toString('utf8');
        const lines = text.split('\n');
        this.partial = lines.pop() ?? '';
        for (const line of lines) this.emit('line', line);
      }
    } catch (error) {
      this.emit('error', error);
    } finally {
      await handle.close();
    }
  }

  get position(): number {
    return this.offset - Buffer.byteLength(this.partial);
  }

  close(): void {
    this.watcher?.close();
    this.watcher = undefined;
  }
}

export async function readLogEvents(file: string): Promise<LogEvent[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return [];
  }
  return text.split('\n').map(parseLogLine).filter((event): event is LogEvent => event !== undefined);
}

// ---------------------------------------------------------------------------------------------------------
// Running tmate.

export interface TmateEnv {
  tmate: string;
  /** The environment tmate and its pane run with: already without TMUX (withoutTmux), as tmate requires. */
  env: NodeJS.ProcessEnv;
}

export interface AttachTarget {
  tmux: string;
  socket: string;
  sessionId: string;
}

/** Writes the config and starts `tmate -F` detached. */
export async function startTmate(tmate: TmateEnv, files: ShareFiles, server: ServerSettings, target: AttachTarget): Promise<Detached> {
  await writeFile(files.config, tmateConfig(server), { mode: 0o600 });
  await writeFile(files.log, '', { mode: 0o600, flag: 'a' });
  const env: NodeJS.ProcessEnv = {
    ...tmate.env,
    PAIRBAR_TMUX: target.tmux,
    PAIRBAR_TMUX_SOCKET: target.socket,
    PAIRBAR_TMUX_SESSION: target.sessionId,
  };
  return spawnDetached(tmate.tmate, ['-F', '-S', files.socket, '-f', files.config], { env, logFile: files.log, cwd: files.dir });
}

/** Resolves once the unix socket accepts a connection; rejects when `signal` aborts. */
export function socketAnswers(socket: string): Promise<boolean> {
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

const LINK_FORMAT = ['#{tmate_ssh}', '#{tmate_ssh_ro}', '#{tmate_web}', '#{tmate_web_ro}', '#{tmate_num_clients}'].join('\x1f');

export interface LinksAndClients {
  links: ShareLinks;
  /** null when the server does not report it (a self-hosted server without its web back end). */
  clients: number | null;
}

export function parseLinks(stdout: string): LinksAndClients {
  const [ssh = '', sshReadOnly = '', web = '', webReadOnly = '', clients = ''] = stdout.replace(/\n$/, '').split('\x1f');
  const orNull = (value: string) => (value.trim() === '' ? null : value.trim());
  return {
    links: { ssh: orNull(ssh), sshReadOnly: orNull(sshReadOnly), web: orNull(web), webReadOnly: orNull(webReadOnly) },
    clients: /^\d+$/.test(clients.trim()) ? Number(clients.trim()) : null,
  };
}

/**
 * Blocks until the server says READY (`wait tmate-ready`), then reads the links, in one tmate process: the
 * two commands chained with tmux's `;` separator, so a share costs one spawn less. Killed when `signal`
 * aborts.
 */
export async function waitReadyThenReadLinks(tmate: TmateEnv, socket: string, signal: AbortSignal): Promise<LinksAndClients> {
  signal.throwIfAborted();
  const { stdout } = await run(tmate.tmate, ['-S', socket, 'wait', 'tmate-ready', ';', 'display-message', '-p', LINK_FORMAT], { env: tmate.env, signal });
  return parseLinks(stdout);
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
  for (const [signal, waitMs] of [[null, 2_000], ['SIGTERM', 2_000], ['SIGKILL', 2_000]] as const) {
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

