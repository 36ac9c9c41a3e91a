/**
 * All shares: the state machine, the runtime directory they live in, the events they raise, and adoption of
 * shares left by an earlier process (the CLI exits while its shares go on; the app may restart).
 *
 *   starting → sharing ⇄ reconnecting → stopped
 *       └────────→ failed (with a cause) ←──┘  (tmate killed, the tmux server gone: kept, with the cause)
 *
 * Each share is a directory `<runtime>/<id>/` holding share.json (what was shared, tmate's pid, the links),
 * tmate's config, socket and log. The directory is the only record, so any process can list, adopt and stop
 * any share, and a share is never left running unseen.
 */
import { EventEmitter } from 'node:events';
import { existsSync, watch, type FSWatcher } from 'node:fs';
import { lstat, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EndTimers } from './autoend.ts';
import { errors, isPairbarError, type ErrorInfo, type PairbarError } from './errors.ts';
import { fatalStartEvent } from './fail-fast.ts';
import { collectKeys, formatKeySource, readAuthorizedKeys, writeAuthorizedKeys, type AllowedSource, type ForgeBases, type KeySource } from './keys.ts';
import { NO_LINKS, type ShareLinks } from './links.ts';
import { LogFollower } from './log-follower.ts';
import { withoutTmux, type DaemonExit } from './process.ts';
import { randomHex } from './random.ts';
import { defaultRuntimeDir, ensurePrivateDir, isShareId } from './runtime-dir.ts';
import { pairsConnected, targetKey, type PairSize, type SizePolicy, type ViewPolicy } from './share-rules.ts';
import { serverLabel, type ServerProfile } from './servers.ts';
import { parseLogLine, type LogEvent } from './tmate-log.ts';
import { pairClientOf, type PairClient } from './pair-client.ts';
import { isOurTmate, panePid, pidAlive, shareFiles, socketAnswers, startTmate, stopTmate, waitForSocket, waitReadyThenReadLinks, type ShareFiles, type TmateEnv } from './tmate.ts';
import { createBlankSession, createViewSession, killSession, listClients, listSessions, removeViewSession, resolveSession, supportsIgnoreSize, viewSessionName, type TmuxEnv, type TmuxSession } from './tmux.ts';

export type ShareState = 'starting' | 'sharing' | 'reconnecting' | 'stopped' | 'failed';

/** Which kind of process started a share: quitting the app ends the app's shares and leaves the command's. */
export type ShareOrigin = 'app' | 'cli';

export interface PairEvent {
  kind: 'joined' | 'left';
  ip: string;
  clients: number;
  at: number;
}

/**
 * A share: the one shape everything else is derived from (share.json, the app's view, the command's JSON).
 * `id` is its identity for every caller; `socket` + `sessionId` name what it shares.
 */
export interface Share {
  id: string;
  /** The tmux session's name when it was shared. */
  session: string;
  sessionId: string;
  /** Socket of the tmux server holding the shared session. */
  socket: string;
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
  /** The name of the server profile it went to (rotate goes there again). */
  serverName: string;
  /**
   * Whether the server reports who joins (it sent tmate_num_clients). A bare tmate-ssh-server does not:
   * there, `clients` stays null and no join or leave is ever heard.
   */
  reportsPairs: boolean;
  /**
   * When the server last handed out links other than those shown before (epoch ms), else null. A bare
   * tmate-ssh-server does that after a reconnect, and the old links no longer work.
   */
  linksChangedAt: number | null;
  startedAt: number;
  pid: number;
  /** Whether the pair's terminal may resize the user's windows. */
  size: SizePolicy;
  /** Whether the pair has a view of its own (a grouped session) or sees what the user sees. */
  view: ViewPolicy;
  /** Set when the size policy could not be honoured (tmux older than 3.2): what happens instead, and the fix. */
  sizeNote: string | null;
  /** tmux's id of the session made for the independent view; null when the pair follows the user's view. */
  viewSession: string | null;
  /** Who may join: each source with how many keys it gave; null: anyone holding a link. */
  allowed: AllowedSource[] | null;
  /** When the share ends by itself (epoch ms); null: when someone ends it. */
  endsAt: number | null;
  /** Where the pair's tmux client is (see pair-client.ts); null until checked (checkPairClients). */
  pairClient: PairClient | null;
  /** The session the pair's client is on, by name; null when it is on none. */
  pairClientSession: string | null;
  /**
   * How the pair's terminal fits the shared window, as of the last checkPairClients(); null until the server
   * has told a size, while the pair's client is not on the session, or where the server says no pair is in.
   */
  pairSize: PairSize | null;
}

/** What share.json holds: the share's lasting fields, plus where in the log its live events begin. */
type ShareRecord = Pick<Share, (typeof RECORD_FIELDS)[number]> & {
  version: 1;
  /** null while starting. */
  links: ShareLinks | null;
  /** Log offset at which the share became ready: later lines are joins, leaves and reconnects. */
  readyLogOffset: number | null;
  /** pid of the process starting it: a start whose process died is an orphan to end, not to wait for. */
  owner?: number;
  /** pid of tmate's pane (the pair's tmux client), once ready: a later process need not ask tmate for it. */
  panePid?: number;
};
const RECORD_FIELDS = ['id', 'session', 'sessionId', 'socket', 'blank', 'origin', 'server', 'serverName', 'reportsPairs', 'linksChangedAt', 'startedAt', 'pid', 'clients', 'allowed', 'endsAt', 'size', 'view', 'sizeNote', 'viewSession'] as const;

export interface ShareTarget {
  /** The session's exact name; omitted for a new blank terminal. */
  session?: string;
  /** Only look on this tmux server. */
  socket?: string;
}

/**
 * What a share is started with. share(), rotate() and adoption all carry it along, so new links restart
 * exactly the same share. A field left out takes the preference's default (SharesOptions.access); an
 * explicit null overrides it ("anyone with a link", "never ends").
 */
export interface ShareOptions {
  /** The name of the server profile to use; left out: the one chosen in the preferences. */
  server?: string;
  /** Only these sources' keys may join. */
  allowed?: KeySource[] | null;
  /** The share ends by itself this long after it is started. */
  endAfterMs?: number | null;
  /** Whether the pair's terminal may resize the user's windows (default: SharesOptions.settings). */
  size?: SizePolicy;
  /** Whether the pair gets a view of its own (default: SharesOptions.settings). */
  view?: ViewPolicy;
}

/** Access settings from the preferences: where forge keys come from, and the defaults of ShareOptions. */
export interface AccessSettings {
  forges: ForgeBases;
  allowed: KeySource[] | null;
  endAfterMs: number | null;
}

/** ShareOptions resolved for one start: the keys already fetched, the end already fixed. */
interface StartPlan {
  settings: ShareSettings;
  keys: string[] | null;
  allowed: AllowedSource[] | null;
  endsAt: number | null;
  size: SizePolicy;
  view: ViewPolicy;
  /**
   * The blank session was created for this start, so a failed start removes it. Not so for new links:
   * by then the user may be working in it.
   */
  sessionIsNew?: boolean;
}

/** The steps of starting a share, in order; 'step' events name each as it completes. */
export type StartStep = 'resolve' | 'adopt' | 'prepare' | 'launch' | 'ready';

export interface SharesOptions {
  env: NodeJS.ProcessEnv;
  /** Resolved tmux and tmate binaries (looked up lazily, once). */
  binaries: () => Promise<{ tmux: string; tmate: string; tmuxVersion?: string }>;
  /** Current preferences that a share uses; read at each share. */
  settings: (serverName?: string) => ShareSettings;
  /** The size policy and view a share gets unless told otherwise (the pair.size and pair.view preferences). */
  pair?: () => { size: SizePolicy; view: ViewPolicy };
  runtimeDir?: string;
  /** Recorded with each share this process starts (default 'cli'). */
  origin?: ShareOrigin;
  /** Forge addresses and the default options; without it, shares are open to any link and never end by themselves. */
  access?: () => AccessSettings;
}

/** Without SharesOptions.pair: the preferences' own defaults. */
const DEFAULT_PAIR: { size: SizePolicy; view: ViewPolicy } = { size: 'mine', view: 'follow' };

export interface ShareSettings {
  server: ServerProfile;
  readyTimeoutSeconds: number;
}

/** How long the link lines of one (re)connection take to arrive, at most, in practice: they come in one burst. */
const LINKS_SETTLE_MS = 300;

/** A start not ready after this long was abandoned (its process died): far beyond any ready time limit. */
const ABANDONED_START_MS = 10 * 60_000;

/** Removes a share's directory, retrying while something still writes in it; a failure is left for the next adoption. */
async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 20 }).catch(() => undefined);
}

function newShareId(): Promise<string> {
  return randomHex(4);
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
    case 'link': {
      // A server without reconnection support (self-hosted) hands out new links after a reconnect:
      // the old ones are dead, so the share must show the new ones, and say since when.
      const before = share.links[event.link];
      if (before !== null && before !== event.value) share.linksChangedAt = now;
      share.links = { ...share.links, [event.link]: event.value };
      if (share.state === 'reconnecting') share.state = 'sharing';
      return undefined;
    }
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
  /** How tmate exited, where this process started it (a SIGKILLed tmate leaves its socket behind, unseen by the dir watcher). */
  exited?: Promise<DaemonExit>;
  /** ended() is finding out why: a second notice of the same end is ignored. */
  ending?: boolean;
  /** The pid of tmate's pane, the pair's tmux client: learnt once ready, or from share.json when adopted. */
  panePid?: number;
  /** The last share.json write: writes go one after another, so the file ends with the newest state. */
  recordWrite?: Promise<void>;
  /** Set while new links are arriving, so one 'links' event tells of the whole set. */
  linksTimer?: NodeJS.Timeout;
}

/** The abort reason of a start the user stopped: torn down like a failure, but not kept as one. */
const STOPPED_BY_USER = new Error('stopped by the user');

/** A share on its way up: what start()'s steps hand each other, and what the one teardown undoes. */
interface Starting {
  live: Live;
  session: TmuxSession;
  /** The size policy as tmux will apply it: false where tmux is too old for ignore-size. */
  ignoreSize: boolean;
  server: ServerProfile;
  readyTimeoutSeconds: number;
  /** What tmate printed that retrying cannot fix, when it did (see fail-fast.ts). */
  fatal?: PairbarError | 'fingerprint';
  /** Aborts the start: the time limit, tmate quitting, or a failure that retrying cannot fix. */
  abort: AbortController;
  timer: NodeJS.Timeout;
  /** What tmate printed while starting: the evidence for the failure message. */
  events: LogEvent[];
  follower: LogFollower;
  /** Resolves once the start has finished, either way: what stop() of a starting share waits for. */
  settled: Promise<void>;
  settle: () => void;
  sessionIsNew: boolean;
}

export class Shares extends EventEmitter<{
  change: [Share[]];
  pair: [Share, PairEvent];
  /** The server handed out new links (after a reconnect): the old ones no longer work. */
  links: [Share];
  ended: [Share, ErrorInfo | null];
  step: [StartStep, Share | undefined];
  /** A share that ends by itself will end in msLeft (a minute before, or at once when less is left). */
  ending: [Share, number];
}> {
  readonly runtimeDir: string;
  private readonly live = new Map<string, Live>();
  /** Shares that failed to start, by what they shared (socket + session id), kept for Retry and Dismiss. */
  private readonly failures = new Map<string, Share>();
  private readonly inFlight = new Map<string, Promise<Share>>();
  /** Starts under way in this process, by share id: stop() aborts them. */
  private readonly starting = new Map<string, Starting>();
  /** Stops under way, by target key: a share of the same session waits for its stop to finish. */
  private readonly stopping = new Map<string, Promise<void>>();
  private closed = false;
  private readonly options: SharesOptions;
  /** What tmux and tmate run with, cleaned once. */
  private readonly childEnv: NodeJS.ProcessEnv;
  /** The end of every share with an endsAt that this process follows. */
  private readonly endTimers = new EndTimers({
    warn: (id, msLeft) => {
      const live = this.live.get(id);
      if (live) this.emit('ending', structuredClone(live.share), msLeft);
    },
    // Ending on time is exactly End pair. Another process following the same share may have ended it first.
    end: (id) => void this.stop(id).catch(() => undefined),
  });

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

  /** The share (live or failed) with this id. */
  get(id: string): Share | undefined {
    return this.list().find((share) => share.id === id);
  }

  /** The live share of the session with this name (on this tmux server, where given), if any. */
  find(session: string, socket?: string): Share | undefined {
    const live = [...this.live.values()].find((entry) => entry.share.session === session && (socket === undefined || entry.share.socket === socket));
    return live ? structuredClone(live.share) : undefined;
  }

  /**
   * The share of the session with this name (on this tmux server, where given). A name shared on two
   * servers is refused rather than guessed.
   */
  resolve(session: string, socket?: string): Share {
    const matching = this.list().filter((share) => share.session === session && (socket === undefined || share.socket === socket));
    const live = matching.filter((share) => share.state !== 'failed');
    const candidates = live.length > 0 ? live : matching;
    if (candidates.length > 1) throw errors.ambiguousShare(session, candidates.map((share) => share.socket));
    const found = candidates[0];
    if (!found) throw errors.shareNotFound(session);
    return found;
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
   * Adopts every share in the runtime directory that this process does not know yet, removes the
   * directories of shares whose tmate is gone, and ends starts whose process died (an orphan tmate nobody
   * has the links of). Costs no process spawn unless there is an orphan to end.
   */
  async adopt(): Promise<Share[]> {
    await ensurePrivateDir(this.runtimeDir);
    let changed = false;
    for (const id of await readdir(this.runtimeDir)) {
      // Asked of each entry, after every await too: a share this process starts meanwhile is its own, not
      // one to adopt or clean up.
      if (this.live.has(id) || !isShareId(id)) continue;
      const files = shareFiles(join(this.runtimeDir, id));
      const record = await readRecord(files);
      if (this.live.has(id)) continue;
      if (record && record.readyLogOffset === null && record.owner !== undefined && !pidAlive(record.owner)) {
        // The process starting it died (killed mid-start): nobody will finish it or has its links.
        await this.endOrphan(record, files);
        continue;
      }
      if (!record || record.readyLogOffset === null) {
        // Being started, here or by another process: its directory exists before its record, its tmate
        // before its socket. Left alone unless the start was abandoned long ago (or by a record that
        // names no starting process).
        const since = record?.startedAt ?? (await lstat(files.dir).then((info) => info.mtimeMs, () => 0));
        if (Date.now() - since < ABANDONED_START_MS) continue;
        if (record && record.pid > 0 && (await isOurTmate(record.pid, files.socket))) {
          const { tmate } = await this.env();
          await stopTmate(tmate, files.socket, record.pid).catch(() => undefined);
        }
        if (record?.viewSession) await removeView((await this.env()).tmux, record);
        await removeDir(files.dir);
        continue;
      }
      const alive = record.pid > 0 && (await isOurTmate(record.pid, files.socket)) && (await socketAnswers(files.socket));
      if (this.live.has(id)) continue;
      if (!alive) {
        // tmux removes a view session itself when tmate's client goes; this covers a tmux that did not.
        if (record.viewSession) await removeView((await this.env()).tmux, record);
        await removeDir(files.dir);
        continue;
      }
      const share = shareFromRecord(record);
      const live: Live = { share, files, readyLogOffset: record.readyLogOffset };
      if (typeof record.panePid === 'number' && Number.isSafeInteger(record.panePid) && record.panePid > 0) live.panePid = record.panePid;
      const offset = await replayLog(share, files, record.readyLogOffset);
      if (this.live.has(id)) continue;
      this.live.set(id, live);
      this.follow(live, offset);
      this.endTimers.schedule(id, share.endsAt);
      changed = true;
    }
    // Shares that ended while nobody watched: another process stopped them (their directory is gone), or
    // their tmate died (its socket left behind, refusing): the check an adopted share gets, on each refresh.
    for (const [id, live] of this.live) {
      if (live.share.state === 'starting' || (await socketAnswers(live.files.socket))) continue;
      if (this.live.get(id) !== live) continue; // Ended or stopped while this asked.
      if (existsSync(live.files.dir)) {
        await this.ended(live);
        continue;
      }
      live.follower?.close();
      live.dirWatcher?.close();
      this.endTimers.cancel(id);
      this.live.delete(id);
      changed = true;
    }
    if (changed) this.changed();
    return this.list();
  }

  /** A start whose process died before the links were ready: its tmate is ended and its directory removed. */
  private async endOrphan(record: ShareRecord, files: ShareFiles): Promise<void> {
    const { tmux, tmate } = await this.env();
    if (record.pid > 0) await stopTmate(tmate, files.socket, record.pid).catch(() => undefined);
    // Nobody ever got the blank session's name: it goes with its share, as in a failed start.
    if (record.blank) await killSession(tmux, record.socket, record.sessionId).catch(() => undefined);
    await removeDir(files.dir);
  }

  /**
   * Shares a tmux session (or a new blank one). Sharing a session that is already shared returns that share.
   * The server is resolved first and allowed keys are fetched before anything starts: a share with no
   * usable server, or a key source that fails, makes nothing (not even a blank session).
   */
  async share(target: ShareTarget, options: ShareOptions = {}): Promise<Share> {
    const plan = await this.plan(options);
    const { tmux } = await this.env();
    let session: TmuxSession;
    let blank = false;
    if (target.session === undefined) {
      session = await createBlankSession(tmux);
      blank = true;
    } else {
      session = await resolveSession(tmux, { name: target.session, socket: target.socket });
    }
    this.emit('step', 'resolve', undefined);
    const key = targetKey(session.socket, session.id);
    // Share while stopping: the stop finishes first, so this share is a new one rather than the dying one.
    await this.stopping.get(key)?.catch(() => undefined);
    const existing = this.liveFor(key);
    if (existing) return sameAccess(existing.share, options);
    const pending = this.inFlight.get(key);
    if (pending) return sameAccess(await pending, options);
    const started = (async () => {
      // Another process (the CLI, another app instance) may have shared it already.
      await this.adopt();
      this.emit('step', 'adopt', undefined);
      const adopted = this.liveFor(key);
      return adopted ? sameAccess(adopted.share, options) : this.start(session, blank, { ...plan, sessionIsNew: blank });
    })().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, started);
    return started;
  }

  /** The options with the preferences' defaults filled in, the keys fetched and checked. */
  private async plan(options: ShareOptions): Promise<StartPlan> {
    // First, so a share with no usable server refuses before anything is fetched or made (a blank session).
    const settings = this.options.settings(options.server);
    const defaults = this.options.pair?.() ?? DEFAULT_PAIR;
    const pair = { size: options.size ?? defaults.size, view: options.view ?? defaults.view };
    const access = this.options.access?.();
    const sources = options.allowed !== undefined ? options.allowed : (access?.allowed ?? null);
    const endAfterMs = options.endAfterMs !== undefined ? options.endAfterMs : (access?.endAfterMs ?? null);
    if (endAfterMs !== null && !(Number.isFinite(endAfterMs) && endAfterMs > 0)) {
      throw errors.invalidArgument('duration', 'a share has to last longer than 0 s');
    }
    const endsAt = endAfterMs === null ? null : Date.now() + endAfterMs;
    if (sources === null || sources.length === 0) return { settings, keys: null, allowed: null, endsAt, ...pair };
    if (!access) throw errors.invalidArgument('allowed keys', 'this process has no forge addresses to fetch keys from');
    const { keys, allowed } = await collectKeys(sources, { bases: access.forges });
    return { settings, keys, allowed, endsAt, ...pair };
  }

  /**
   * New links: ends the tmate side of the share (everyone connected is dropped, the old links stop
   * working) and starts a fresh one on the same tmux session with the same keys and the same end time.
   * The user's own clients stay attached. The old share is ended first, so a failure to start the new one
   * never leaves the old links working.
   */
  async rotate(id: string): Promise<Share> {
    const live = this.live.get(id);
    if (!live || live.share.state === 'starting') throw errors.shareNotFound(id);
    const { share } = live;
    const { tmux } = await this.env();
    const session = (await listSessions(tmux, share.socket)).find((candidate) => candidate.id === share.sessionId);
    if (!session) throw errors.sessionNotFound(share.session);
    // The keys as fetched when the share started: new links must not depend on the forge answering again.
    const keys = share.allowed ? await readAuthorizedKeys(live.files.keys) : null;
    // The same server profile, resolved again: one that was removed or made invalid meanwhile is refused.
    const plan: StartPlan = { settings: this.options.settings(share.serverName), keys, allowed: share.allowed, endsAt: share.endsAt, size: share.size, view: share.view };
    const key = targetKey(session.socket, session.id);
    // Registered as in flight so that sharing the session meanwhile waits for this start, not a second one.
    const restarted = (async () => {
      await this.stopLive(live);
      return this.start(session, share.blank, plan);
    })().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, restarted);
    return restarted;
  }

  private liveFor(key: string): Live | undefined {
    return [...this.live.values()].find((live) => targetKey(live.share.socket, live.share.sessionId) === key);
  }

  /**
   * Starts a new share: prepare, launch, wait for ready; any failure runs the one teardown. Only share()
   * calls it, after adopt() has made sure the runtime dir is private.
   */
  private async start(session: TmuxSession, blank: boolean, plan: StartPlan): Promise<Share> {
    const { tmux, tmate } = await this.env();
    const starting = await this.prepare(session, blank, plan);
    try {
      await this.launch(starting, tmux, tmate);
      await this.waitForReady(starting, tmate);
    } catch (error) {
      throw await this.fail(starting, error, tmux, tmate);
    } finally {
      clearTimeout(starting.timer);
      starting.follower.close();
      this.starting.delete(starting.live.share.id);
      starting.settle();
    }
    const { live } = starting;
    this.follow(live, live.readyLogOffset ?? 0);
    this.endTimers.schedule(live.share.id, live.share.endsAt);
    this.changed();
    return structuredClone(live.share);
  }

  /** Step 1: the share's directory and record, announced as starting; the time limit starts now. */
  private async prepare(session: TmuxSession, blank: boolean, plan: StartPlan): Promise<Starting> {
    const { server, readyTimeoutSeconds } = plan.settings;
    const { size, view } = plan;
    const { tmuxVersion } = await this.options.binaries();
    const ignoreSize = size === 'mine' && supportsIgnoreSize(tmuxVersion);
    const id = await newShareId();
    const files = shareFiles(join(this.runtimeDir, id));
    await mkdir(files.dir, { mode: 0o700 });
    const share: Share = {
      id,
      session: session.name,
      sessionId: session.id,
      socket: session.socket,
      blank,
      origin: this.options.origin ?? 'cli',
      state: 'starting',
      links: { ...NO_LINKS },
      clients: null,
      lastPairEvent: null,
      error: null,
      server: serverLabel(server),
      serverName: server.name,
      reportsPairs: false,
      linksChangedAt: null,
      startedAt: Date.now(),
      pid: 0,
      allowed: plan.allowed,
      endsAt: plan.endsAt,
      size,
      view,
      sizeNote: size === 'mine' && !ignoreSize ? sizeNote(tmuxVersion) : null,
      viewSession: null,
      pairClient: null,
      pairClientSession: null,
      pairSize: null,
    };
    this.failures.delete(targetKey(session.socket, session.id));
    const live: Live = { share, files, readyLogOffset: null };
    this.live.set(id, live);
    if (plan.keys) await writeAuthorizedKeys(files.keys, plan.keys);
    await writeRecord(live);
    this.changed();

    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(new Error('ready timeout')), readyTimeoutSeconds * 1000);
    const events: LogEvent[] = [];
    const follower = new LogFollower(files.log);
    let settle = () => {};
    const settled = new Promise<void>((resolve) => (settle = resolve));
    const starting: Starting = { live, session, ignoreSize, server, readyTimeoutSeconds, abort, timer, events, follower, sessionIsNew: plan.sessionIsNew === true, settled, settle };
    this.starting.set(id, starting);
    follower.on('line', (line) => {
      const event = parseLogLine(line);
      if (!event) return;
      events.push(event);
      // A name that does not resolve, a port that refuses, no key, a wrong key: waiting cannot help, so
      // the share ends now with its own message rather than at the time limit.
      starting.fatal ??= fatalStartEvent(event, server);
      if (starting.fatal) abort.abort(new Error('failed for good'));
    });
    this.emit('step', 'prepare', structuredClone(share));
    return starting;
  }

  /**
   * Step 2: the independent view's session made (and recorded, so a crash cannot leave it unseen), tmate
   * started in the background attached to it or to the user's session, its log followed, its socket
   * answering.
   */
  private async launch(starting: Starting, tmux: TmuxEnv, tmate: TmateEnv): Promise<void> {
    const { live, session, ignoreSize, server, abort, follower } = starting;
    abort.signal.throwIfAborted();
    let attachTo = session.id;
    if (live.share.view === 'independent') {
      const view = await createViewSession(tmux, session.socket, session.id, viewSessionName(live.share.id));
      live.share.viewSession = view.id;
      await writeRecord(live);
      attachTo = view.id;
    }
    const access = live.share.allowed ? { authorizedKeys: live.files.keys } : {};
    const target = { tmux: tmux.tmux, socket: session.socket, sessionId: attachTo, ignoreSize, ownSession: attachTo !== session.id };
    const daemon = await startTmate(tmate, live.files, server, target, access);
    live.share.pid = daemon.pid;
    live.exited = daemon.exited;
    // tmate quitting before it is ready (a config it rejects, a crash) must not wait out the time limit.
    void daemon.exited.then(() => abort.abort(new Error('tmate exited')));
    abort.signal.throwIfAborted();
    await writeRecord(live);
    follower.start();
    await waitForSocket(live.files, abort.signal);
    this.emit('step', 'launch', structuredClone(live.share));
  }

  /** Step 3: the server said READY; the links are read and recorded. */
  private async waitForReady(starting: Starting, tmate: TmateEnv): Promise<void> {
    const { live, abort, follower } = starting;
    const { links, clients } = await waitReadyThenReadLinks(tmate, live.files.socket, abort.signal);
    if (abort.signal.aborted) throw abort.signal.reason;
    await follower.pump();
    live.readyLogOffset = follower.position;
    live.share.links = links;
    live.share.clients = clients;
    live.share.reportsPairs = clients !== null;
    live.share.state = 'sharing';
    live.panePid = await panePid(tmate, live.files.socket).catch(() => undefined);
    await writeRecord(live);
    // Stopped while the record was being written: the stop wins.
    abort.signal.throwIfAborted();
    this.emit('step', 'ready', structuredClone(live.share));
  }

  /**
   * The one teardown of a start that failed: tmate stopped, its directory gone, a blank session Pairbar
   * created for it removed; the share kept as failed (for Retry) with the cause a person can act on.
   */
  private async fail(starting: Starting, error: unknown, tmux: TmuxEnv, tmate: TmateEnv): Promise<PairbarError> {
    const { live, follower, session, server, readyTimeoutSeconds, events, sessionIsNew } = starting;
    follower.close();
    await follower.pump();
    await stopTmate(tmate, live.files.socket, live.share.pid).catch(() => undefined);
    await removeView(tmux, live.share);
    await removeDir(live.files.dir);
    this.live.delete(live.share.id);
    // The blank session was made for this share alone; nobody else knows its name yet.
    if (sessionIsNew) await killSession(tmux, session.socket, session.id).catch(() => undefined);
    if (starting.abort.signal.reason === STOPPED_BY_USER) {
      // What the user asked for: no failure to show, only the answer to the share call.
      live.share.state = 'stopped';
      this.changed();
      return errors.shareStopped(live.share.session);
    }
    const { fatal } = starting;
    let cause: PairbarError;
    if (isPairbarError(error)) cause = error;
    else if (fatal === 'fingerprint') {
      // Loaded for this failure only: reading the server's keys needs node:crypto and node:net, which
      // `pairbar status` would otherwise load for nothing.
      const { fingerprintMismatch } = await import('./hostkeys.ts');
      cause = await fingerprintMismatch(server, { env: this.childEnv });
    } else cause = fatal ?? startFailure(events, server, readyTimeoutSeconds);
    live.share.state = 'failed';
    live.share.error = cause.toJSON();
    if (!sessionIsNew) this.failures.set(targetKey(session.socket, session.id), live.share);
    this.changed();
    return cause;
  }

  /** Keeps a ready share's state in step with what tmate prints. */
  private follow(live: Live, offset: number): void {
    const follower = new LogFollower(live.files.log, offset);
    live.follower = follower;
    follower.on('line', (line) => {
      const event = parseLogLine(line);
      if (!event) return;
      const before = JSON.stringify(live.share);
      const changedAt = live.share.linksChangedAt;
      const pairEvent = applyEvent(live.share, event);
      if (pairEvent) this.emit('pair', structuredClone(live.share), pairEvent);
      if (live.share.linksChangedAt !== changedAt && !live.linksTimer) {
        // The server announces its links one line each (read-only first): tell once they are all in.
        live.linksTimer = setTimeout(() => {
          live.linksTimer = undefined;
          if (this.live.has(live.share.id)) this.emit('links', structuredClone(live.share));
        }, LINKS_SETTLE_MS);
        live.linksTimer.unref();
      }
      if (live.share.state === 'stopped') {
        void this.ended(live);
        return;
      }
      if (before !== JSON.stringify(live.share)) {
        void writeRecord(live).catch(() => undefined);
        this.changed();
      }
    });
    follower.start();
    // tmate removes its socket when it exits: that is how a share that ended by itself (the shared session
    // was closed, tmate was killed) is noticed without polling.
    const dirWatcher = watch(live.files.dir, { persistent: false }, (_event, name) => {
      if (name === 'tmate.sock' && !existsSync(live.files.socket)) void this.ended(live);
    });
    dirWatcher.on('error', () => dirWatcher.close());
    live.dirWatcher = dirWatcher;
    void live.exited?.then((how) => this.ended(live, how));
  }

  /**
   * tmate exited without this process stopping it: clean up and tell why. The shared session closed (or
   * another process stopped the share) is no fault; tmate or the tmux server dying is, and the share is
   * kept as failed with the cause, for the card, `status` and Retry.
   */
  private async ended(live: Live, how?: DaemonExit): Promise<void> {
    if (this.closed || live.ending || !this.live.has(live.share.id)) return;
    live.ending = true;
    live.follower?.close();
    live.dirWatcher?.close();
    this.endTimers.cancel(live.share.id);
    // Listed as it was until the cause is known, then as failed in the same step: a snapshot taken
    // meanwhile (a refresh) never shows the share gone and then back as failed.
    const cause = await endCause(live, how);
    if (!this.live.has(live.share.id)) return; // Stopped meanwhile: the stop has the last word.
    this.live.delete(live.share.id);
    if (cause) {
      live.share.state = 'failed';
      live.share.error = cause.toJSON();
      this.failures.set(targetKey(live.share.socket, live.share.sessionId), live.share);
    }
    // Usually tmate is gone already; a kill-server spawned at a dead socket would only outlive the news.
    const { tmux, tmate } = await this.env();
    if (!how && (await isOurTmate(live.share.pid, live.files.socket))) {
      await stopTmate(tmate, live.files.socket, live.share.pid).catch(() => undefined);
    }
    await removeView(tmux, live.share);
    await removeDir(live.files.dir);
    this.emit('ended', structuredClone(live.share), cause?.toJSON() ?? null);
    this.changed();
  }

  /**
   * Ends the share with this id: only the tmate side. The user's own tmux clients stay attached and the
   * session lives on. A failed share is dismissed.
   */
  async stop(id: string): Promise<void> {
    const starting = this.starting.get(id);
    if (starting) {
      // Stop during Start: the start tears itself down (tmate, directory, blank session) and answers
      // SHARE_STOPPED; this waits until it has.
      starting.abort.abort(STOPPED_BY_USER);
      return starting.settled;
    }
    const entry = this.live.get(id);
    if (entry) return this.stopLive(entry);
    for (const [key, failed] of this.failures) {
      if (failed.id !== id) continue;
      this.failures.delete(key);
      this.changed();
      return;
    }
    throw errors.shareNotFound(id);
  }

  private stopLive(live: Live): Promise<void> {
    live.follower?.close();
    live.dirWatcher?.close();
    this.endTimers.cancel(live.share.id);
    this.live.delete(live.share.id);
    const key = targetKey(live.share.socket, live.share.sessionId);
    const stopping = (async () => {
      const { tmux, tmate } = await this.env();
      await stopTmate(tmate, live.files.socket, live.share.pid);
      await removeView(tmux, live.share);
      await removeDir(live.files.dir);
      live.share.state = 'stopped';
      this.changed();
    })().finally(() => {
      if (this.stopping.get(key) === stopping) this.stopping.delete(key);
    });
    this.stopping.set(key, stopping);
    return stopping;
  }

  /** Stops every share, or only those started by one kind of process; returns how many were stopped. */
  async stopAll(origin?: ShareOrigin): Promise<number> {
    const all = [...this.live.values()].filter((live) => origin === undefined || live.share.origin === origin);
    // A start under way is stopped through its own teardown (stop()), or it would launch tmate after this.
    await Promise.all(all.map((live) => (this.starting.has(live.share.id) ? this.stop(live.share.id) : this.stopLive(live))));
    if (this.failures.size > 0) {
      this.failures.clear();
      this.changed();
    }
    return all.length;
  }

  /**
   * Finds out where each live share's pair client is, and its size (see pair-client.ts): one `tmux
   * list-clients` per tmux server (the pane's pid, the pair's client, was learnt when the share became ready,
   * or read from share.json; asked of tmate only for a share adopted without it). Called when someone looks (`pairbar status`, the app's snapshot refresh), never on a timer, so an idle
   * share costs nothing.
   * `quiet`: no 'change' event, for a caller that publishes the result itself.
   */
  async checkPairClients(options: { quiet?: boolean } = {}): Promise<Share[]> {
    const lives = [...this.live.values()].filter((live) => live.share.state === 'sharing' || live.share.state === 'reconnecting');
    if (lives.length === 0) return this.list();
    const { tmux, tmate } = await this.env();
    await Promise.all(
      lives.map(async (live) => {
        live.panePid ??= await panePid(tmate, live.files.socket).catch(() => undefined);
      }),
    );
    let changed = false;
    for (const socket of new Set(lives.map((live) => live.share.socket))) {
      const clients = await listClients(tmux, socket).catch(() => []);
      for (const live of lives.filter((candidate) => candidate.share.socket === socket)) {
        // With an independent view the pair's client belongs on the view session, which shows the shared one.
        const where = pairClientOf(clients, live.panePid, live.share.viewSession ?? live.share.sessionId);
        // tmate keeps the last size it was told after the pair leaves: where the server says nobody is in, it is nobody's.
        if (pairsConnected(live.share) === 0) where.pairSize = null;
        const { pairClient, pairClientSession, pairSize } = live.share;
        if (JSON.stringify({ pairClient, pairClientSession, pairSize }) === JSON.stringify(where)) continue;
        Object.assign(live.share, where);
        changed = true;
      }
    }
    if (changed && !options.quiet) this.changed();
    return this.list();
  }

  /** Resolves once the share with this id is no longer live here (ended, stopped, or never known). */
  untilEnded(id: string): Promise<void> {
    return new Promise((resolve) => {
      const check = (): void => {
        if (this.live.has(id)) return;
        this.off('change', check);
        resolve();
      };
      this.on('change', check);
      check();
    });
  }

  /** Stops following logs. The shares go on: they belong to the runtime directory, not to this process. */
  close(): void {
    this.closed = true;
    this.endTimers.clear();
    for (const live of this.live.values()) {
      live.follower?.close();
      live.dirWatcher?.close();
    }
  }
}

/** Removes the share's independent-view session, if it has one; never anything else. */
async function removeView(tmux: TmuxEnv, share: Pick<Share, 'id' | 'socket' | 'viewSession'>): Promise<void> {
  if (share.viewSession) await removeViewSession(tmux, share.socket, share.viewSession, viewSessionName(share.id)).catch(() => undefined);
}

/** What the user is told when `mine` cannot be honoured. */
function sizeNote(tmuxVersion: string | undefined): string {
  const which = tmuxVersion === undefined ? 'This tmux (its version could not be read)' : `tmux ${tmuxVersion}`;
  return (
    `${which} cannot keep the pair's terminal from resizing your windows: that needs tmux 3.2 or later. ` +
    'While a pair is connected, your windows may shrink to their terminal as tmux does. Upgrade tmux to keep your size.'
  );
}

/**
 * Sharing a session that is already shared gives that share, unless the caller named who may join and the
 * share lets in someone else: then it is refused, never handed back as if it were what was asked for.
 */
function sameAccess(share: Share, options: ShareOptions): Share {
  if (options.allowed !== undefined) {
    const asked = options.allowed?.length ? options.allowed.map(formatKeySource) : null;
    const has = share.allowed?.map((entry) => entry.source) ?? null;
    if (JSON.stringify(asked) !== JSON.stringify(has)) throw errors.sharedOtherwise(share.session, has);
  }
  return structuredClone(share);
}

/**
 * Why a share ended by itself, or null when that was no fault (the shared session closed on a tmux server
 * that goes on, another process stopped it). A tmux server that is gone cannot say whether it was killed or
 * exited with its last session (both leave a dead socket), so the cause says both. A tmate that exits in
 * order removes its socket; a killed one leaves it behind, refusing connections.
 */
async function endCause(live: Live, how?: DaemonExit): Promise<PairbarError | null> {
  const { share, files } = live;
  if (!(await socketAnswers(share.socket))) return errors.tmuxServerGone(share.session, share.socket);
  if (how?.signal) return errors.tmateFailed(`it was killed (${how.signal}) while sharing ${JSON.stringify(share.session)}`);
  if (existsSync(files.socket) && !(await socketAnswers(files.socket))) return errors.tmateFailed(`its process ended without closing the share of ${JSON.stringify(share.session)}`);
  return null;
}

function shareFromRecord(record: ShareRecord): Share {
  return {
    ...pick(record, RECORD_FIELDS),
    // Records written before these fields existed.
    serverName: record.serverName ?? record.server,
    reportsPairs: record.reportsPairs ?? record.clients !== null,
    linksChangedAt: record.linksChangedAt ?? null,
    state: 'sharing',
    links: record.links ?? { ...NO_LINKS },
    lastPairEvent: null,
    error: null,
    pairClient: null,
    pairClientSession: null,
    pairSize: null,
  };
}

function pick<T extends object, K extends keyof T>(from: T, keys: readonly K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((key) => [key, from[key]])) as Pick<T, K>;
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

async function readRecord(files: ShareFiles): Promise<ShareRecord | undefined> {
  try {
    type Added = 'origin' | 'allowed' | 'endsAt' | 'size' | 'view' | 'sizeNote' | 'viewSession';
    const record = JSON.parse(await readFile(files.meta, 'utf8')) as Omit<ShareRecord, Added> & Partial<Pick<ShareRecord, Added>> & { tmuxSocket?: string };
    if (record.version !== 1) return undefined;
    // Records written before these fields existed: the socket was `tmuxSocket`, every share came from the
    // command, none was restricted or timed, and tmate's client attached to the user's session with tmux's
    // own sizing.
    return {
      ...record,
      socket: record.socket ?? record.tmuxSocket,
      origin: record.origin ?? 'cli',
      allowed: record.allowed ?? null,
      endsAt: record.endsAt ?? null,
      size: record.size ?? 'follow',
      view: record.view ?? 'follow',
      sizeNote: record.sizeNote ?? null,
      viewSession: record.viewSession ?? null,
    };
  } catch {
    return undefined;
  }
}

/**
 * Writes share.json with the share as it is now. Writes are chained: two in flight would share the temporary
 * file, and the older state could be renamed into place last.
 */
function writeRecord(live: Live): Promise<void> {
  const { share, files } = live;
  const record: ShareRecord = {
    version: 1,
    ...pick(share, RECORD_FIELDS),
    links: share.state === 'starting' ? null : share.links,
    readyLogOffset: live.readyLogOffset,
    owner: process.pid,
    ...(live.panePid === undefined ? {} : { panePid: live.panePid }),
  };
  const text = JSON.stringify(record, null, 2);
  const temporary = `${files.meta}.tmp`;
  const write = (live.recordWrite ?? Promise.resolve())
    .catch(() => undefined)
    .then(async () => {
      await writeFile(temporary, text, { mode: 0o600 });
      await rename(temporary, files.meta);
    });
  live.recordWrite = write;
  return write;
}
