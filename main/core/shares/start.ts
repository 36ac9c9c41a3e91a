/**
 * A share's start, step by step: the options resolved into a plan (keys fetched, the end fixed), the
 * share's directory and record made, tmate launched attached to the session (or to the independent view's
 * session), the wait for READY and the links, and the teardown of a start that failed or was stopped.
 * The registry (../shares.ts) runs the steps in order and keeps the books (which shares are live, starting,
 * failed); nothing here knows of other shares.
 */
import type { FSWatcher } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { errors } from '../errors.ts';
import { collectKeys, writeAuthorizedKeys, type AllowedSource } from '../keys.ts';
import { NO_LINKS } from '../links.ts';
import { randomHex } from '../random.ts';
import type { SizePolicy, ViewPolicy } from '../share-rules.ts';
import { serverLabel, type ServerProfile } from '../servers.ts';
import { watchStartLog, type StartLog } from '../start-log.ts';
import { shareFiles, startTmate, stopTmate, waitForSocket, waitReadyThenReadLinks, type TmateEnv } from '../tmate.ts';
import { createViewSession, supportsIgnoreSize, viewSessionName, type TmuxEnv, type TmuxSession } from '../tmux.ts';
import {
  sizeNote,
  type Share,
  type ShareOptions,
  type ShareOrigin,
  type SharesOptions,
  type ShareSettings,
} from './model.ts';
import { removeDir, removeView, writeRecord, type Live } from './record.ts';
import { watchStopRequest } from './stop-request.ts';
import { initialPresence } from '../presence.ts';

/** ShareOptions resolved for one start: the keys already fetched, the end already fixed. */
export interface StartPlan {
  settings: ShareSettings;
  keys: string[] | null;
  allowed: AllowedSource[] | null;
  endsAt: number | null;
  /** Ends this long after the last pair left (or the start, if nobody came); null: never so. */
  endWhenEmptyMs: number | null;
  size: SizePolicy;
  view: ViewPolicy;
  /**
   * The blank session was created for this start, so a failed start removes it. Not so for new links:
   * by then the user may be working in it.
   */
  sessionIsNew?: boolean;
}

/** Without SharesOptions.pair: the preferences' own defaults. */
const DEFAULT_PAIR: { size: SizePolicy; view: ViewPolicy } = { size: 'mine', view: 'follow' };

function newShareId(): Promise<string> {
  return randomHex(4);
}

/** The abort reason of a start the user stopped: torn down like a failure, but not kept as one. */
export const STOPPED_BY_USER = new Error('stopped by the user');

/** A share on its way up: what the steps hand each other, and what the one teardown undoes. */
export interface Starting {
  live: Live;
  session: TmuxSession;
  /** The size policy as tmux will apply it: false where tmux is too old for ignore-size. */
  ignoreSize: boolean;
  server: ServerProfile;
  readyTimeoutSeconds: number;
  /** Aborts the start: the time limit, tmate quitting, or a failure that retrying cannot fix. */
  abort: AbortController;
  timer: NodeJS.Timeout;
  /** What tmate prints while starting: the evidence for the failure message. */
  log: StartLog;
  /** Watches for a stop asked from another process (stop-request.ts); closed when the start is over. */
  stopRequests: FSWatcher;
  /** Resolves once the start has finished, either way: what stop() of a starting share waits for. */
  settled: Promise<void>;
  settle: () => void;
  sessionIsNew: boolean;
}

/** The options with the preferences' defaults filled in, the keys fetched and checked. */
export async function planStart(from: SharesOptions, options: ShareOptions): Promise<StartPlan> {
  // First, so a share with no usable server refuses before anything is fetched or made (a blank session).
  const settings = from.settings(options.server);
  const defaults = from.pair?.() ?? DEFAULT_PAIR;
  const pair = { size: options.size ?? defaults.size, view: options.view ?? defaults.view };
  const access = from.access?.();
  const sources = options.allowed !== undefined ? options.allowed : (access?.allowed ?? null);
  const endAfterMs = options.endAfterMs !== undefined ? options.endAfterMs : (access?.endAfterMs ?? null);
  if (endAfterMs !== null && !(Number.isFinite(endAfterMs) && endAfterMs > 0)) {
    throw errors.invalidArgument('duration', 'a share has to last longer than 0 s');
  }
  const endsAt = endAfterMs === null ? null : Date.now() + endAfterMs;
  const endWhenEmptyMs =
    options.endWhenEmptyMs !== undefined ? options.endWhenEmptyMs : (access?.endWhenEmptyMs ?? null);
  if (endWhenEmptyMs !== null && !(Number.isFinite(endWhenEmptyMs) && endWhenEmptyMs > 0)) {
    throw errors.invalidArgument('end when empty', 'the time after the last pair leaves has to be longer than 0 s');
  }
  const ends = { endsAt, endWhenEmptyMs };
  if (sources === null || sources.length === 0) return { settings, keys: null, allowed: null, ...ends, ...pair };
  if (!access) throw errors.invalidArgument('allowed keys', 'this process has no forge addresses to fetch keys from');
  const { keys, allowed } = await collectKeys(sources, { bases: access.forges });
  return { settings, keys, allowed, ...ends, ...pair };
}

/** Where a share is made, and by whom. */
export interface StartPlace {
  runtimeDir: string;
  origin: ShareOrigin;
  tmuxVersion: string | undefined;
  /** This process can start a presence watcher (SharesOptions.watcher). */
  canWatch: boolean;
}

/**
 * Whether a share gets a presence watcher: the process can start one, and tmux is 3.2 or later. The
 * watcher's client makes tmate's window far larger than any terminal, and so the terminal of tmate's own
 * tmux client: only `ignore-size` keeps that client from resizing the user's windows.
 */
export function watches(place: Pick<StartPlace, 'tmuxVersion' | 'canWatch'>): boolean {
  return place.canWatch && supportsIgnoreSize(place.tmuxVersion);
}

/**
 * Step 1: the share's directory and record; `known` is told of the share as soon as its directory exists,
 * before the record is written. The time limit starts once the record is written.
 */
export async function prepareStart(
  place: StartPlace,
  session: TmuxSession,
  blank: boolean,
  plan: StartPlan,
  known: (live: Live) => void,
): Promise<Starting> {
  const { server, readyTimeoutSeconds } = plan.settings;
  const { size, view } = plan;
  const { tmuxVersion } = place;
  const watched = watches(place);
  // With `follow` too while watched: the watcher lifts ignore-size while someone is in (cli/presence-watch.ts),
  // so the user's window takes the pair's size then, and never the watcher's or tmate's default before.
  const ignoreSize = (size === 'mine' && supportsIgnoreSize(tmuxVersion)) || watched;
  const id = await newShareId();
  const files = shareFiles(join(place.runtimeDir, id));
  await mkdir(files.dir, { mode: 0o700 });
  const startedAt = Date.now();
  const share: Share = {
    id,
    session: session.name,
    sessionId: session.id,
    socket: session.socket,
    blank,
    origin: place.origin,
    state: 'starting',
    links: { ...NO_LINKS },
    clients: null,
    lastPairEvent: null,
    error: null,
    server: serverLabel(server),
    serverName: server.name,
    reportsPairs: false,
    linksChangedAt: null,
    startedAt,
    pid: 0,
    allowed: plan.allowed,
    endsAt: plan.endsAt,
    size,
    view,
    sizeNote: size === 'mine' && !ignoreSize ? sizeNote(tmuxVersion) : null,
    viewSession: null,
    pairClient: null,
    pairClientSession: null,
    pairCanType: null,
    pairSize: null,
    watched,
    presence: watched ? initialPresence(startedAt) : null,
    endWhenEmptyMs: plan.endWhenEmptyMs,
  };
  const live: Live = { share, files, readyLogOffset: null };
  known(live);
  if (plan.keys) await writeAuthorizedKeys(files.keys, plan.keys);
  await writeRecord(live);

  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(new Error('ready timeout')), readyTimeoutSeconds * 1000);
  const log = watchStartLog(files.log, server, abort);
  const stopRequests = watchStopRequest(files.dir, () => abort.abort(STOPPED_BY_USER));
  let settle = () => {};
  const settled = new Promise<void>((resolve) => (settle = resolve));
  return {
    live,
    session,
    ignoreSize,
    server,
    readyTimeoutSeconds,
    abort,
    timer,
    log,
    stopRequests,
    sessionIsNew: plan.sessionIsNew === true,
    settled,
    settle,
  };
}

/**
 * Step 2: the independent view's session made (and recorded, so a crash cannot leave it unseen), tmate
 * started in the background attached to it or to the user's session, its log followed, its socket
 * answering.
 */
export async function launch(starting: Starting, tmux: TmuxEnv, tmate: TmateEnv): Promise<void> {
  const { live, session, ignoreSize, server, abort } = starting;
  abort.signal.throwIfAborted();
  let attachTo = session.id;
  if (live.share.view === 'independent') {
    const view = await createViewSession(tmux, session.socket, session.id, viewSessionName(live.share.id));
    live.share.viewSession = view.id;
    await writeRecord(live);
    attachTo = view.id;
  }
  const access = live.share.allowed ? { authorizedKeys: live.files.keys } : {};
  const target = {
    tmux: tmux.tmux,
    socket: session.socket,
    sessionId: attachTo,
    ignoreSize,
    ownSession: attachTo !== session.id,
    endsAt: live.share.endsAt,
  };
  const daemon = await startTmate(tmate, live.files, server, target, access);
  live.share.pid = daemon.pid;
  live.exited = daemon.exited;
  // tmate quitting before it is ready (a config it rejects, a crash) must not wait out the time limit.
  void daemon.exited.then(() => abort.abort(new Error('tmate exited')));
  abort.signal.throwIfAborted();
  // tmate's pid is recorded (so a start whose process dies can be ended) while tmate makes its socket.
  const recorded = writeRecord(live);
  starting.log.follower.start();
  await Promise.all([recorded, waitForSocket(live.files, abort.signal)]);
}

/** Step 3: the server said READY; the links are read and recorded. */
export async function waitForReady(starting: Starting, tmate: TmateEnv): Promise<void> {
  const { live, abort } = starting;
  const { follower } = starting.log;
  const { links, clients, panePid } = await waitReadyThenReadLinks(tmate, live.files.socket, abort.signal);
  if (abort.signal.aborted) throw abort.signal.reason;
  await follower.pump();
  live.readyLogOffset = follower.position;
  live.share.links = links;
  live.share.clients = clients;
  live.share.reportsPairs = clients !== null;
  live.share.state = 'sharing';
  if (panePid !== null) live.panePid = panePid;
  if (panePid !== null && clients === 0) {
    // Nobody in yet: the pair's client is tmate's own, on the session it attached to, at no pair's size.
    live.share.pairClient = 'on-session';
    live.share.pairClientSession = live.share.viewSession ? viewSessionName(live.share.id) : live.share.session;
    live.share.pairSize = null;
    live.pairKnown = true;
  }
  await writeRecord(live);
  // Stopped while the record was being written: the stop wins.
  abort.signal.throwIfAborted();
}

/**
 * The one teardown of a start that failed or was stopped: tmate stopped, the view session and the
 * directory gone. (The registry then forgets the share and removes a blank session made for it.)
 */
export async function tearDownStart(starting: Starting, tmux: TmuxEnv, tmate: TmateEnv): Promise<void> {
  const { live } = starting;
  const { follower } = starting.log;
  follower.close();
  await follower.pump();
  await stopTmate(tmate, live.files.socket, live.share.pid).catch(() => undefined);
  await removeView(tmux, live.share);
  await removeDir(live.files.dir);
}
