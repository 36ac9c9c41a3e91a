/**
 * All shares: the state machine, the runtime directory they live in, the events they raise, and adoption of
 * shares left by an earlier process (the CLI exits while its shares go on; the app may restart).
 *
 *   starting → sharing ⇄ reconnecting → stopped
 *       └────────→ failed (with a cause)
 *
 * Each share is a directory `<runtime>/<id>/` holding share.json (what was shared, tmate's pid, the links),
 * tmate's config, socket and log. The directory is the only record, so any process can list, adopt and stop
 * any share, and a share is never left running unseen.
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { existsSync, watch, type FSWatcher } from 'node:fs';
import { chmod, lstat, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errors, isPairbarError, type ErrorInfo, type PairbarError } from './errors.ts';
import { withoutTmux } from './process.ts';
import { createBlankSession, resolveSession, type TmuxEnv, type TmuxSession } from './tmux.ts';
import {
  isOurTmate,
  LogFollower,
  parseLogLine,
  shareFiles,
  socketAnswers,
  startTmate,
  stopTmate,
  waitForSocket,
  waitReadyThenReadLinks,
  type LogEvent,
  type ShareFiles,
  type ShareLinks,
  type TmateEnv,
} from './tmate.ts';
import { serverLabel, type ServerProfile } from './servers.ts';

export type ShareState = 'starting' | 'sharing' | 'reconnecting' | 'stopped' | 'failed';

/** Which kind of process started a share: quitting the app ends the app's shares and leaves the command's. */
export type ShareOrigin = 'app' | 'cli';

export interface PairEvent {
  kind: 'joined' | 'left';
  ip: string;
  clients: number;
  at: number;
}

export interface Share {
  id: string;
  /** The tmux session's name when it was shared. */
  session: string;
  sessionId: string;
  tmuxSocket: string;
  /** Pairbar created the session for "share a new terminal". */
  blank: boolean;
  origin: ShareOrigin;
  state: ShareState;
  links: ShareLinks;
  /** Pairs connected, where the server reports it; null where it does not. */
  clients: number | null;
  lastPairEvent: PairEvent | null;
  error: ErrorInfo | null;
  /** host:port of the tmate server. */
  server: string;
  /** The name of the server profile it went to. */
  serverName: string;
  startedAt: number;
  pid: number;
}

/** What share.json holds. */
interface ShareMeta {
  version: 1;
  id: string;
  session: string;
  sessionId: string;
  tmuxSocket: string;
  blank: boolean;
  /** Absent in files written before it existed: those came from the command. */
  origin?: ShareOrigin;
  server: string;
  /** Absent in files written before profiles existed. */
  serverName?: string;
  startedAt: number;
  pid: number;
  links: ShareLinks | null;
  clients: number | null;
  /** Log offset at which the share became ready: later lines are joins, leaves and reconnects. */
  readyLogOffset: number | null;
}

export interface ShareTarget {
  /** The session's exact name; omitted for a new blank terminal. */
  session?: string;
  /** Only look on this tmux server. */
  socket?: string;
  /** The server profile to use instead of the active one. */
  server?: string;
}

export interface SharesOptions {
  env: NodeJS.ProcessEnv;
  /** Resolved tmux and tmate binaries (looked up lazily, once). */
  binaries: () => Promise<{ tmux: string; tmate: string }>;
  /**
   * What a share uses, read at each share: the named server (else the chosen one), resolved and
   * validated by the caller. Throws when there is none to use; the core never picks one itself.
   */
  settings: (serverName?: string) => ShareSettings;
  runtimeDir?: string;
  /** Recorded with each share this process starts (default 'cli'). */
  origin?: ShareOrigin;
}

export interface ShareSettings {
  server: ServerProfile;
  readyTimeoutSeconds: number;
}

const NO_LINKS: ShareLinks = { ssh: null, sshReadOnly: null, web: null, webReadOnly: null };

/** PAIRBAR_RUNTIME_DIR, else $XDG_RUNTIME_DIR/pairbar, else a per-user directory in the temp dir. */
export function defaultRuntimeDir(env: NodeJS.ProcessEnv): string {
  if (env.PAIRBAR_RUNTIME_DIR) return env.PAIRBAR_RUNTIME_DIR;
  if (env.XDG_RUNTIME_DIR) return join(env.XDG_RUNTIME_DIR, 'pairbar');
  return join(tmpdir(), `pairbar-${process.getuid?.() ?? 'user'}`);
}

/** Creates the runtime directory private to this user, and refuses one that someone else could read. */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const info = await lstat(dir);
  if (!info.isDirectory()) throw errors.invalidArgument('runtime directory', `${dir} is not a directory`);
  const uid = process.getuid?.();
  if (uid !== undefined && info.uid !== uid) {
    throw errors.invalidArgument('runtime directory', `${dir} belongs to another user; set PAIRBAR_RUNTIME_DIR to a directory of yours`);
  }
  if ((info.mode & 0o077) !== 0) await chmod(dir, 0o700);
}

function newShareId(): string {
  return randomBytes(4).toString('hex');
}

function targetKey(socket: string, sessionId: string): string {
  return `${socket}\0${sessionId}`;
}

/** Folds the log lines that followed readiness into the share's live state. */
export function applyEvent(share: Share, event: LogEvent, now = Date.now()): PairEvent | undefined {
  switch (event.kind) {
    case 'joined':
    case 'left': {
      share.clients = event.clients;
      const pairEvent: PairEvent = { kind: event.kind, ip: event.ip, clients: event.clients, at: now };
      share.lastPairEvent = pairEvent;
      return pairEvent;
    }
    case 'connecting':
    case 'connect-error':
    case 'lookup-failure':
    case 'reconnecting':
      if (share.state === 'sharing') share.state = 'reconnecting';
      return undefined;
    case 'reconnected':
      if (share.state === 'reconnecting') share.state = 'sharing';
      return undefined;
    case 'link':
      // A server without reconnection support (self-hosted) hands out new links after a reconnect:
      // the old ones are dead, so the share must show the new ones.
      share.links = { ...share.links, [event.link]: event.value };
      if (share.state === 'reconnecting') share.state = 'sharing';
      return undefined;
    case 'closed':
      share.state = 'stopped';
      return undefined;
    default:
      return undefined;
  }
}

/** Why a share never became ready, from what tmate printed while trying. */
export function startFailure(events: LogEvent[], server: { host: string; port: number }, seconds: number): PairbarError {
  const kinds = new Set(events.map((event) => event.kind));
  if (kinds.has('fingerprint-mismatch')) return errors.fingerprintMismatch(server.host, server.port);
  if (kinds.has('keys-missing')) return errors.sshKeysMissing();
  const lastError = [...events].reverse().find((event) => event.kind === 'connect-error' || event.kind === 'lookup-failure');
  if (lastError) {
    const detail = lastError.kind === 'connect-error' ? lastError.reason : 'host name not found';
    return errors.serverUnreachable(server.host, server.port, seconds, detail);
  }
  if (kinds.has('connecting')) return errors.serverNotReady(server.host, server.port, seconds);
  const said = events
    .filter((event): event is Extract<LogEvent, { kind: 'message' }> => event.kind === 'message')
    .map((event) => event.text)
    .slice(-3)
    .join(' / ');
  return errors.tmateFailed(said || `no answer within ${seconds} s`);
}

interface Live {
  share: Share;
  files: ShareFiles;
  follower?: LogFollower;
  dirWatcher?: FSWatcher;
  readyLogOffset: number | null;
}

export class Shares extends EventEmitter<{
  change: [Share[]];
  pair: [Share, PairEvent];
  ended: [Share, ErrorInfo | null];
}> {
  readonly runtimeDir: string;
  private readonly live = new Map<string, Live>();
  /** Shares that failed to start, kept so the app can show the error with a Retry. */
  private readonly failures = new Map<string, Share>();
  private readonly inFlight = new Map<string, Promise<Share>>();
  private readonly options: SharesOptions;
  /** What tmux and tmate run with, cleaned once. */
  private readonly childEnv: NodeJS.ProcessEnv;

  constructor(options: SharesOptions) {
    super();
    this.options = options;
    this.childEnv = withoutTmux(options.env);
    this.runtimeDir = options.runtimeDir ?? defaultRuntimeDir(options.env);
  }

  /** Every share, live and failed, oldest first. */
  list(): Share[] {
    return [...[...this.live.values()].map((live) => live.share), ...this.failures.values()]
      .map((share) => structuredClone(share))
      .sort((a, b) => a.startedAt - b.startedAt);
  }

  /** The live share of the session with this name (on this tmux server, where given), if any. */
  find(session: string, socket?: string): Share | undefined {
    const live = [...this.live.values()].find((entry) => entry.share.session === session && (socket === undefined || entry.share.tmuxSocket === socket));
    return live ? structuredClone(live.share) : undefined;
  }

  private changed(): void {
    this.emit('change', this.list());
  }

  private async env(): Promise<{ tmux: TmuxEnv; tmate: TmateEnv }> {
    const binaries = await this.options.binaries();
    const env = this.childEnv;
    return { tmux: { tmux: binaries.tmux, env }, tmate: { tmate: binaries.tmate, env } };
  }

  /**
   * Adopts every share in the runtime directory that this process does not know yet, and removes the
   * directories of shares whose tmate is gone. Costs no process spawn.
   */
  async adopt(): Promise<Share[]> {
    await ensurePrivateDir(this.runtimeDir);
    const known = new Set([...this.live.values()].map((live) => live.share.id));
    let changed = false;
    for (const id of await readdir(this.runtimeDir)) {
      if (known.has(id) || !/^[0-9a-f]{8}$/.test(id)) continue;
      const files = shareFiles(join(this.runtimeDir, id));
      const meta = await readMeta(files);
      const alive = meta !== undefined && meta.pid > 0 && (await isOurTmate(meta.pid, files.socket)) && (await socketAnswers(files.socket));
      if (!meta || !alive) {
        // A share still starting in another process has no pid yet and must be left alone.
        if (meta && meta.pid === 0 && Date.now() - meta.startedAt < 10 * 60_000) continue;
        await rm(files.dir, { recursive: true, force: true });
        continue;
      }
      if (meta.readyLogOffset === null) continue; // Another process is still starting it.
      const share = shareFromMeta(meta);
      const live: Live = { share, files, readyLogOffset: meta.readyLogOffset };
      const offset = await replayLog(share, files, meta.readyLogOffset);
      this.live.set(id, live);
      this.follow(live, offset);
      changed = true;
    }
    // Shares that ended while nobody watched (another process stopped them).
    for (const [id, live] of this.live) {
      if (!(await socketAnswers(live.files.socket))) {
        live.follower?.close();
        live.dirWatcher?.close();
        this.live.delete(id);
        changed = true;
      }
    }
    if (changed) this.changed();
    return this.list();
  }

  /** Shares a tmux session (or a new blank one). Sharing a session that is already shared returns that share. */
  async share(target: ShareTarget): Promise<Share> {
    // First, so a share with no usable server refuses before anything is created (a blank session).
    const settings = this.options.settings(target.server);
    const { tmux } = await this.env();
    let session: TmuxSession;
    let blank = false;
    if (target.session === undefined) {
      session = await createBlankSession(tmux);
      blank = true;
    } else {
      session = await resolveSession(tmux, { name: target.session, socket: target.socket });
    }
    const key = targetKey(session.socket, session.id);
    const existing = this.liveFor(key);
    if (existing) return structuredClone(existing.share);
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const started = (async () => {
      // Another process (the CLI, another app instance) may have shared it already.
      await this.adopt();
      const adopted = this.liveFor(key);
      return adopted ? structuredClone(adopted.share) : this.start(session, blank, settings);
    })().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, started);
    return started;
  }

  private liveFor(key: string): Live | undefined {
    return [...this.live.values()].find((live) => targetKey(live.share.tmuxSocket, live.share.sessionId) === key);
  }

  /** Starts a new share; only share() calls it, after adopt() has made sure the runtime dir is private. */
  private async start(session: TmuxSession, blank: boolean, settings: ShareSettings): Promise<Share> {
    const { tmux, tmate } = await this.env();
    const { server, readyTimeoutSeconds } = settings;
    const id = newShareId();
    const files = shareFiles(join(this.runtimeDir, id));
    await mkdir(files.dir, { mode: 0o700 });
    const share: Share = {
      id,
      session: session.name,
      sessionId: session.id,
      tmuxSocket: session.socket,
      blank,
      origin: this.options.origin ?? 'cli',
      state: 'starting',
      links: { ...NO_LINKS },
      clients: null,
      lastPairEvent: null,
      error: null,
      server: serverLabel(server),
      serverName: server.name,
      startedAt: Date.now(),
      pid: 0,
    };
    this.failures.delete(share.session);
    const live: Live = { share, files, readyLogOffset: null };
    this.live.set(id, live);
    await writeMeta(files, live);
    this.changed();

    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(new Error('ready timeout')), readyTimeoutSeconds * 1000);
    const startupEvents: LogEvent[] = [];
    const follower = new LogFollower(files.log);
    follower.on('line', (line) => {
      const event = parseLogLine(line);
      if (!event) return;
      startupEvents.push(event);
      // These never fix themselves by retrying: fail now rather than at the time limit.
      if (event.kind === 'fingerprint-mismatch' || event.kind === 'keys-missing') timeout.abort(new Error(event.kind));
    });
    try {
      const daemon = await startTmate(tmate, files, server, { tmux: tmux.tmux, socket: session.socket, sessionId: session.id });
      share.pid = daemon.pid;
      // tmate quitting before it is ready (a config it rejects, a crash) must not wait out the time limit.
      void daemon.exited.then(() => timeout.abort(new Error('tmate exited')));
      await writeMeta(files, live);
      follower.start();
      await waitForSocket(files, timeout.signal);
      const { links, clients } = await waitReadyThenReadLinks(tmate, files.socket, timeout.signal);
      if (timeout.signal.aborted) throw timeout.signal.reason;
      await follower.pump();
      live.readyLogOffset = follower.position;
      share.links = links;
      share.clients = clients;
      share.state = 'sharing';
      await writeMeta(files, live);
    } catch (error) {
      clearTimeout(timer);
      follower.close();
      await follower.pump();
      await stopTmate(tmate, files.socket, share.pid).catch(() => undefined);
      await rm(files.dir, { recursive: true, force: true });
      this.live.delete(id);
      const cause = isPairbarError(error) ? error : startFailure(startupEvents, server, readyTimeoutSeconds);
      share.state = 'failed';
      share.error = cause.toJSON();
      this.failures.set(share.session, share);
      this.changed();
      throw cause;
    } finally {
      clearTimeout(timer);
      follower.close();
    }
    this.follow(live, live.readyLogOffset ?? 0);
    this.changed();
    return structuredClone(share);
  }

  /** Keeps a ready share's state in step with what tmate prints. */
  private follow(live: Live, offset: number): void {
    const follower = new LogFollower(live.files.log, offset);
    live.follower = follower;
    follower.on('line', (line) => {
      const event = parseLogLine(line);
      if (!event) return;
      const before = JSON.stringify(live.share);
      const pairEvent = applyEvent(live.share, event);
      if (pairEvent) this.emit('pair', structuredClone(live.share), pairEvent);
      if (live.share.state === 'stopped') {
        void this.ended(live, null);
        return;
      }
      if (before !== JSON.stringify(live.share)) {
        void writeMeta(live.files, live).catch(() => undefined);
        this.changed();
      }
    });
    follower.start();
    // tmate removes its socket when it exits: that is how a share that ended by itself (the shared session
    // was closed, tmate was killed) is noticed without polling.
    const dirWatcher = watch(live.files.dir, { persistent: false }, (_event, name) => {
      if (name === 'tmate.sock' && !existsSync(live.files.socket)) void this.ended(live, null);
    });
    dirWatcher.on('error', () => dirWatcher.close());
    live.dirWatcher = dirWatcher;
  }

  /** tmate exited by itself (the shared session was closed): clean up and tell. */
  private async ended(live: Live, error: ErrorInfo | null): Promise<void> {
    if (!this.live.has(live.share.id)) return;
    live.follower?.close();
    live.dirWatcher?.close();
    this.live.delete(live.share.id);
    const { tmate } = await this.env();
    await stopTmate(tmate, live.files.socket, live.share.pid).catch(() => undefined);
    await rm(live.files.dir, { recursive: true, force: true });
    this.emit('ended', structuredClone(live.share), error);
    this.changed();
  }

  /**
   * Ends the share of this session: only the tmate side. The user's own tmux clients stay attached and the
   * session lives on. `socket` tells apart sessions of the same name on different tmux servers; without it,
   * a name that is shared on two servers is refused rather than guessed.
   */
  async stop(session: string, socket?: string): Promise<void> {
    const failed = this.failures.get(session);
    const entries = [...this.live.values()].filter((live) => live.share.session === session && (socket === undefined || live.share.tmuxSocket === socket));
    if (entries.length > 1) throw errors.ambiguousShare(session, entries.map((live) => live.share.tmuxSocket));
    const entry = entries[0];
    if (!entry) {
      if (failed) {
        this.failures.delete(session);
        this.changed();
        return;
      }
      throw errors.shareNotFound(session);
    }
    await this.stopLive(entry);
  }

  private async stopLive(live: Live): Promise<void> {
    live.follower?.close();
    live.dirWatcher?.close();
    this.live.delete(live.share.id);
    const { tmate } = await this.env();
    await stopTmate(tmate, live.files.socket, live.share.pid);
    await rm(live.files.dir, { recursive: true, force: true });
    live.share.state = 'stopped';
    this.changed();
  }

  /** Stops every share, or only those started by one kind of process; returns how many were stopped. */
  async stopAll(origin?: ShareOrigin): Promise<number> {
    const all = [...this.live.values()].filter((live) => origin === undefined || live.share.origin === origin);
    await Promise.all(all.map((live) => this.stopLive(live)));
    if (this.failures.size > 0) {
      this.failures.clear();
      this.changed();
    }
    return all.length;
  }

  /** Stops following logs. The shares go on: they belong to the runtime directory, not to this process. */
  close(): void {
    for (const live of this.live.values()) {
      live.follower?.close();
      live.dirWatcher?.close();
    }
  }
}

function shareFromMeta(meta: ShareMeta): Share {
  return {
    id: meta.id,
    session: meta.session,
    sessionId: meta.sessionId,
    tmuxSocket: meta.tmuxSocket,
    blank: meta.blank,
    origin: meta.origin ?? 'cli',
    state: 'sharing',
    links: meta.links ?? { ...NO_LINKS },
    clients: meta.clients,
    lastPairEvent: null,
    error: null,
    server: meta.server,
    serverName: meta.serverName ?? meta.server,
    startedAt: meta.startedAt,
    pid: meta.pid,
  };
}

/** Applies what tmate printed since the share became ready; returns the offset read up to. */
async function replayLog(share: Share, files: ShareFiles, readyOffset: number): Promise<number> {
  let bytes: Buffer;
  try {
    bytes = await readFile(files.log);
  } catch {
    return readyOffset;
  }
  const text = bytes.subarray(readyOffset).toString('utf8');
  const end = text.lastIndexOf('\n') + 1;
  for (const line of text.slice(0, end).split('\n')) {
    const event = parseLogLine(line);
    if (event) applyEvent(share, event);
  }
  return readyOffset + Buffer.byteLength(text.slice(0, end));
}

async function readMeta(files: ShareFiles): Promise<ShareMeta | undefined> {
  try {
    const meta = JSON.parse(await readFile(files.meta, 'utf8')) as ShareMeta;
    return meta.version === 1 ? meta : undefined;
  } catch {
    return undefined;
  }
}

async function writeMeta(files: ShareFiles, live: Live): Promise<void> {
  const { share } = live;
  const meta: ShareMeta = {
    version: 1,
    id: share.id,
    session: share.session,
    sessionId: share.sessionId,
    tmuxSocket: share.tmuxSocket,
    blank: share.blank,
    origin: share.origin,
    server: share.server,
    serverName: share.serverName,
    startedAt: share.startedAt,
    pid: share.pid,
    links: share.state === 'starting' ? null : share.links,
    clients: share.clients,
    readyLogOffset: live.readyLogOffset,
  };
  const temporary = `${files.meta}.tmp`;
  await writeFile(temporary, JSON.stringify(meta, null, 2), { mode: 0o600 });
  await rename(temporary, files.meta);
}

