/**
 * The user's tmux servers and their sessions.
 *
 * A session is always addressed by its id (`$N`), never by its name: tmux's `-t` syntax treats a bare name
 * as a prefix or fnmatch pattern, and even the exact form `=NAME` cannot reach a name that starts with `$`.
 * Names are matched exactly here, in TypeScript, and only the id goes back to tmux.
 */
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { atLeast, majorMinor } from './binaries.ts';
import { checkDir, ensureDir, TMUX_SOCKET_DIR } from './dirs.ts';
import { CLIENT_FORMAT, parseClients, type ClientInfo } from './pair-client.ts';
import { CommandError, run } from './process.ts';
import { errors } from './errors.ts';

export interface TmuxSession {
  /** The socket of the tmux server that holds the session. */
  socket: string;
  /** tmux's id for the session, `$N`: stable while the server runs, unambiguous as a target. */
  id: string;
  name: string;
  windows: number;
  /** Number of tmux clients attached to it. */
  attached: number;
  /** Creation time, milliseconds since the epoch. */
  created: number;
}

export interface TmuxServer {
  socket: string;
  /** The name after `-L`: `default` for the server a plain `tmux` talks to. */
  label: string;
  isDefault: boolean;
  sessions: TmuxSession[];
}

export interface TmuxEnv {
  /** Path of the tmux binary. */
  tmux: string;
  /** Environment for tmux calls; TMUX_TMPDIR decides where servers are looked for. */
  env: NodeJS.ProcessEnv;
}

const FIELD = '\x1f';
const SESSION_FORMAT = [
  '#{session_id}',
  '#{session_windows}',
  '#{session_attached}',
  '#{session_created}',
  '#{session_name}',
].join(FIELD);
const SESSION_ID = /^\$\d+$/;

export function isSessionId(value: string): boolean {
  return SESSION_ID.test(value);
}

/** The directory holding this user's tmux sockets: `${TMUX_TMPDIR:-/tmp}/tmux-UID`. */
export function socketDir(env: NodeJS.ProcessEnv, uid = process.getuid?.() ?? 0): string {
  const base = env.TMUX_TMPDIR && env.TMUX_TMPDIR !== '' ? env.TMUX_TMPDIR : '/tmp';
  return join(base, `tmux-${uid}`);
}

/** The default server's socket: the one a plain `tmux` command talks to. */
export function defaultSocket(env: NodeJS.ProcessEnv): string {
  return join(socketDir(env), 'default');
}

/**
 * Sockets of every tmux server of this user, the default one first. Dead sockets are included (tmux leaves
 * them behind). Throws UNSAFE_DIRECTORY where tmux itself would refuse the directory: `-S` skips tmux's own
 * check, so without this a server planted there by another user would be listed as the user's.
 */
export async function listSockets(env: NodeJS.ProcessEnv): Promise<string[]> {
  const dir = socketDir(env);
  if (!(await checkDir(dir, TMUX_SOCKET_DIR))) return [];
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const sockets: string[] = [];
  const uid = process.getuid?.();
  await Promise.all(
    names.map(async (name) => {
      try {
        // Only the user's own: a socket someone else owns is not a server to list or share as theirs.
        const info = await stat(join(dir, name));
        if (info.isSocket() && (uid === undefined || info.uid === uid)) sockets.push(name);
      } catch {
        // Vanished between readdir and stat: a server that just exited.
      }
    }),
  );
  sockets.sort((a, b) => (a === 'default' ? -1 : b === 'default' ? 1 : a.localeCompare(b)));
  return sockets.map((name) => join(dir, name));
}

export function parseSessions(socket: string, stdout: string): TmuxSession[] {
  const sessions: TmuxSession[] = [];
  for (const line of stdout.split('\n')) {
    if (line === '') continue;
    const parts = line.split(FIELD);
    if (parts.length < 5) continue;
    const [id = '', windows = '', attached = '', created = ''] = parts;
    // The name is last and joined back, in case it ever holds the separator.
    const name = parts.slice(4).join(FIELD);
    if (!isSessionId(id)) continue;
    sessions.push({
      socket,
      id,
      name,
      windows: Number(windows),
      attached: Number(attached),
      created: Number(created) * 1000,
    });
  }
  return sessions;
}

function isNoServer(error: unknown): boolean {
  return (
    error instanceof CommandError &&
    /no server running|error connecting|No such file or directory|Connection refused/i.test(error.stderr)
  );
}

/**
 * The sessions of one server, in one tmux call; an empty list when no server answers on that socket.
 * The sessions Pairbar made for a pair's independent view are left out: they are a share's, not the user's.
 */
export async function listSessions(tmux: TmuxEnv, socket: string): Promise<TmuxSession[]> {
  return (await listAllSessions(tmux, socket)).filter((session) => !isViewSessionName(session.name));
}

async function listAllSessions(tmux: TmuxEnv, socket: string): Promise<TmuxSession[]> {
  try {
    const { stdout } = await run(tmux.tmux, ['-S', socket, 'list-sessions', '-F', SESSION_FORMAT], {
      env: tmux.env,
      timeoutMs: 10_000,
    });
    return parseSessions(socket, stdout);
  } catch (error) {
    if (isNoServer(error)) return [];
    if (error instanceof CommandError && error.notFound) throw errors.tmuxMissing();
    throw error;
  }
}

function labelOf(socket: string): string {
  return socket.slice(socket.lastIndexOf('/') + 1);
}

/** Every live server with its sessions (one tmux call per server, run in parallel), the default server first. */
export async function listServers(tmux: TmuxEnv): Promise<TmuxServer[]> {
  const sockets = await listSockets(tmux.env);
  const servers = await Promise.all(
    sockets.map(async (socket): Promise<TmuxServer | undefined> => {
      const sessions = await listSessions(tmux, socket);
      // A server with no sessions exits, so an empty answer means a stale socket.
      if (sessions.length === 0) return undefined;
      const label = labelOf(socket);
      return { socket, label, isDefault: label === 'default', sessions };
    }),
  );
  return servers.filter((server): server is TmuxServer => server !== undefined);
}

/**
 * A socket the caller named (`--socket`), resolved to its real path before anything is checked (so
 * `DIR/./default`, `DIR//default` and links get the checks `DIR/default` gets), then checked, each time:
 * a socket owned by the user that other users cannot use (tmux's own mode), in a directory nobody else can
 * write to (the user's socket directory under tmux's rule; any other owned by the user or root, and not
 * writable by others unless sticky, as /tmp is). A socket in the user's socket directory is given back as
 * listSockets() names it, so one server has one name whichever way it was reached. Undefined when there is
 * no such socket.
 */
export async function checkedSocket(env: NodeJS.ProcessEnv, socket: string): Promise<string | undefined> {
  let real: string;
  try {
    real = await realpath(socket);
  } catch {
    return undefined;
  }
  const uid = process.getuid?.();
  const dir = dirname(real);
  const userDir = socketDir(env);
  const inUserDir = await realpath(userDir).then(
    (resolved) => resolved === dir,
    () => false,
  );
  if (inUserDir) await checkDir(userDir, TMUX_SOCKET_DIR);
  else {
    const info = await stat(dir);
    if (uid !== undefined && info.uid !== uid && info.uid !== 0)
      throw errors.unsafeDirectory('tmux socket directory', dir, 'other-owner', info.mode);
    if ((info.mode & 0o022) !== 0 && (info.mode & 0o1000) === 0)
      throw errors.unsafeDirectory('tmux socket directory', dir, 'open-to-others', info.mode);
  }
  const info = await lstat(real);
  if (!info.isSocket()) return undefined;
  if (uid !== undefined && info.uid !== uid)
    throw errors.unsafeSocket(real, `belongs to another user (uid ${info.uid})`);
  if ((info.mode & 0o007) !== 0)
    throw errors.unsafeSocket(
      real,
      `can be used by other users (mode ${(info.mode & 0o7777).toString(8).padStart(4, '0')})`,
    );
  return inUserDir ? join(userDir, basename(real)) : real;
}

export interface SessionRef {
  name: string;
  /** Restrict the lookup to this server socket; otherwise servers are searched default first. */
  socket?: string;
}

/**
 * The session the user picked, by exact name. Throws SESSION_NOT_FOUND (or NO_TMUX_SERVER) — never
 * falls back to a prefix or pattern match.
 */
export async function resolveSession(tmux: TmuxEnv, ref: SessionRef): Promise<TmuxSession> {
  const named = ref.socket ? await checkedSocket(tmux.env, ref.socket) : undefined;
  if (ref.socket && named === undefined) throw errors.noTmuxServer();
  const sockets = named ? [named] : await listSockets(tmux.env);
  let anyServer = false;
  for (const socket of sockets) {
    const sessions = await listSessions(tmux, socket);
    if (sessions.length > 0) anyServer = true;
    const match = sessions.find((session) => session.name === ref.name);
    if (match) return match;
  }
  if (!anyServer) throw errors.noTmuxServer();
  throw errors.sessionNotFound(ref.name);
}

/** Kills one session by its id (tmux ids are exact targets); the only caller kills a session it created itself. */
/** Every client of the server on `socket` with the session it is on; an empty list when no server answers. */
export async function listClients(tmux: TmuxEnv, socket: string): Promise<ClientInfo[]> {
  try {
    const { stdout } = await run(tmux.tmux, ['-S', socket, 'list-clients', '-F', CLIENT_FORMAT], {
      env: tmux.env,
      timeoutMs: 10_000,
    });
    return parseClients(stdout);
  } catch (error) {
    if (isNoServer(error)) return [];
    throw error;
  }
}

/**
 * Makes one client read-only (keys typed through it do nothing) or gives its keys back. tmux 3.3 sets the
 * read-only flag with `refresh-client -f read-only` but will not clear it that way (a read-only client must
 * not free itself); `switch-client -r` toggles it, and clears ignore-size with it, so giving back puts
 * ignore-size back in the same call where the client had it. switch-client is told the session the client
 * is on: without -t it moves the client to the session used last.
 */
export async function setClientReadOnly(
  tmux: TmuxEnv,
  socket: string,
  client: ClientInfo,
  readOnly: boolean,
  ignoreSize: boolean,
): Promise<void> {
  if (client.readOnly === readOnly) return;
  const args = readOnly
    ? ['refresh-client', '-t', client.name, '-f', 'read-only']
    : [
        'switch-client',
        '-c',
        client.name,
        '-t',
        client.sessionId,
        '-r',
        ...(ignoreSize ? [';', 'refresh-client', '-t', client.name, '-f', 'ignore-size'] : []),
      ];
  await run(tmux.tmux, ['-S', socket, ...args], { env: tmux.env, timeoutMs: 10_000 });
}

/**
 * Sets or lifts tmux's `ignore-size` flag on the client with this pid (tmux 3.2 and later): with it, the
 * client's terminal has no say in the size of the windows it shows. False when no such client is attached.
 */
export async function setIgnoreSize(tmux: TmuxEnv, socket: string, pid: number, ignore: boolean): Promise<boolean> {
  const { stdout } = await run(tmux.tmux, ['-S', socket, 'list-clients', '-F', '#{client_pid}\x1f#{client_name}'], {
    env: tmux.env,
    timeoutMs: 10_000,
  });
  const name = stdout
    .split('\n')
    .map((line) => line.split('\x1f'))
    .find(([clientPid]) => clientPid === String(pid))?.[1];
  if (name === undefined) return false;
  await run(tmux.tmux, ['-S', socket, 'refresh-client', '-t', name, '-f', ignore ? 'ignore-size' : '!ignore-size'], {
    env: tmux.env,
    timeoutMs: 10_000,
  });
  return true;
}

export async function killSession(tmux: TmuxEnv, socket: string, id: string): Promise<void> {
  await run(tmux.tmux, ['-S', socket, 'kill-session', '-t', id], { env: tmux.env, timeoutMs: 10_000 });
}

/**
 * Creates a detached session on the default server (starting it if needed) for "share a new terminal".
 * The name is the first free one of `pair`, `pair-2`, … so the user can attach to it too.
 */
export async function createBlankSession(tmux: TmuxEnv, baseName = 'pair'): Promise<TmuxSession> {
  const socket = defaultSocket(tmux.env);
  // tmux makes and checks this directory for `-L` but not for `-S`: Pairbar does both, so the server it
  // starts never puts its socket where someone else could reach it.
  await ensureDir(socketDir(tmux.env), TMUX_SOCKET_DIR);
  const taken = new Set((await listSessions(tmux, socket)).map((session) => session.name));
  let name = baseName;
  for (let n = 2; taken.has(name); n++) name = `${baseName}-${n}`;
  // `##` keeps tmux from expanding formats in the name; the base name is ours, but stay safe.
  const { stdout } = await run(
    tmux.tmux,
    ['-S', socket, 'new-session', '-d', '-s', name.replaceAll('#', '##'), '-P', '-F', SESSION_FORMAT],
    { env: tmux.env, timeoutMs: 10_000 },
  );
  // tmux prints nothing for -P when this very command started the server; look the session up instead.
  const session =
    parseSessions(socket, stdout)[0] ?? (await listSessions(tmux, socket)).find((candidate) => candidate.name === name);
  if (!session)
    throw errors.commandFailed('tmux new-session', `the new session ${JSON.stringify(name)} did not appear`);
  return session;
}

const VIEW_SESSION = /^pairbar-view-[0-9a-f]{8}$/;

/** The name of the session made for one share's independent view. */
export function viewSessionName(shareId: string): string {
  return `pairbar-view-${shareId}`;
}

export function isViewSessionName(name: string): boolean {
  return VIEW_SESSION.test(name);
}

/**
 * A session grouped with `targetId` (`new-session -t`): the same windows, its own current window, so a pair
 * attached to it moves between windows without moving the user's view. Created detached; nothing about the
 * target session or its clients changes.
 */
export async function createViewSession(
  tmux: TmuxEnv,
  socket: string,
  targetId: string,
  name: string,
): Promise<TmuxSession> {
  if (!isViewSessionName(name))
    throw errors.invalidArgument('view session name', `${JSON.stringify(name)} is not one Pairbar makes`);
  const { stdout } = await run(
    tmux.tmux,
    ['-S', socket, 'new-session', '-d', '-t', targetId, '-s', name, '-P', '-F', SESSION_FORMAT],
    {
      env: tmux.env,
      timeoutMs: 10_000,
    },
  );
  const session = parseSessions(socket, stdout)[0];
  if (!session)
    throw errors.commandFailed('tmux new-session -t', `the view session ${JSON.stringify(name)} did not appear`);
  return session;
}

/**
 * Removes a share's view session, only if the session with that id still carries the name Pairbar gave
 * it: after a tmux restart the id may belong to one of the user's sessions. The windows stay: they are
 * the user's session's too. Resolves whether or not there was anything to remove.
 */
export async function removeViewSession(tmux: TmuxEnv, socket: string, id: string, name: string): Promise<void> {
  const sessions = await listAllSessions(tmux, socket).catch(() => []);
  if (!sessions.some((session) => session.id === id && session.name === name && isViewSessionName(name))) return;
  await killSession(tmux, socket, id).catch((error: unknown) => {
    // Gone between the listing and the kill (tmux destroyed it when tmate's client left): that is the goal.
    if (!(error instanceof CommandError)) throw error;
  });
}

/** Whether this tmux has `attach-session -f ignore-size` (3.2 and later; `master` builds are newer still). */
export function supportsIgnoreSize(version: string | undefined): boolean {
  if (version === undefined) return false;
  if (/^master\b/.test(version)) return true;
  const number = majorMinor(version);
  // OpenBSD's base tmux names the OpenBSD release; 6.9 was the first to ship tmux 3.2.
  return number !== undefined && atLeast(number, /^openbsd-/.test(version) ? [6, 9] : [3, 2]);
}
