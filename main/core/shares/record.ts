/**
 * A share's record: its directory `<runtime>/<id>/` holding share.json (what was shared, tmate's pid, the
 * links), tmate's config, socket and log. The directory is the only record, so any process can list, adopt
 * and stop any share, and a share is never left running unseen. Here: share.json read (filling in the fields
 * of older records) and written, the log replayed into a share another process started, the runtime
 * directory read for shares to adopt, and what a dead or abandoned share left behind removed.
 */
import type { FSWatcher } from 'node:fs';
import { lstat, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NO_LINKS, type ShareLinks } from '../links.ts';
import type { LogFollower } from '../log-follower.ts';
import type { DaemonExit } from '../process.ts';
import { isShareId } from '../runtime-dir.ts';
import { parseLogLine } from '../tmate-log.ts';
import {
  isOurTmate,
  pidAlive,
  shareFiles,
  socketAnswers,
  stopTmate,
  type ShareFiles,
  type TmateEnv,
} from '../tmate.ts';
import { killSession, removeViewSession, viewSessionName, type TmuxEnv } from '../tmux.ts';
import { applyEvent, type Share } from './model.ts';
import { initialPresence } from '../presence.ts';

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
const RECORD_FIELDS = [
  'id',
  'session',
  'sessionId',
  'socket',
  'blank',
  'origin',
  'server',
  'serverName',
  'reportsPairs',
  'linksChangedAt',
  'startedAt',
  'pid',
  'clients',
  'allowed',
  'endsAt',
  'size',
  'view',
  'sizeNote',
  'viewSession',
  'watched',
  'endWhenEmptyMs',
] as const;

/** A start not ready after this long was abandoned (its process died): far beyond any ready time limit. */
const ABANDONED_START_MS = 10 * 60_000;

/** A share this process knows: its record, and what follows it here. */
export interface Live {
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
  /**
   * Where the pair's client is was known from the start: tmate's pane attached to the session it was
   * started on, and no pair has joined since (the server said so, and the log has said nothing of a pair),
   * so nobody can have moved it: tmux need not be asked. Cleared by the first pair event.
   */
  pairKnown?: boolean;
  /** The last share.json write: writes go one after another, so the file ends with the newest state. */
  recordWrite?: Promise<void>;
  /** Set while new links are arriving, so one 'links' event tells of the whole set. */
  linksTimer?: NodeJS.Timeout;
  /** Follows presence.log (shares/watch.ts). */
  presenceFollower?: LogFollower;
  /** The pid of the share's presence watcher: the one this process started, or the last to say 'watching'. */
  watcherPid?: number;
}

/** Removes a share's directory, retrying while something still writes in it; a failure is left for the next adoption. */
export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 20 }).catch(() => undefined);
}

/** Removes the share's independent-view session, if it has one; never anything else. */
export async function removeView(tmux: TmuxEnv, share: Pick<Share, 'id' | 'socket' | 'viewSession'>): Promise<void> {
  if (share.viewSession)
    await removeViewSession(tmux, share.socket, share.viewSession, viewSessionName(share.id)).catch(() => undefined);
}

/** What adopting the shares of the runtime directory needs from the registry. */
export interface Adoption {
  /** Whether this process knows the share already (it may start one meanwhile): asked after every await. */
  known: (id: string) => boolean;
  env: () => Promise<{ tmux: TmuxEnv; tmate: TmateEnv }>;
  /** A live, ready share found: to follow from `offset` of its log on (and its presence watched). */
  adopt: (live: Live, offset: number) => Promise<void>;
  /** A ready share found dead (its tmate gone), before what it left is removed: the registry may keep why. */
  dead: (live: Live) => Promise<void>;
}

/**
 * Reads the runtime directory for shares this process does not know yet: hands each live one to
 * `adopt`, removes the directories of shares whose tmate is gone, and ends starts whose process died (an
 * orphan tmate nobody has the links of). Costs no process spawn unless there is an orphan to end.
 */
export async function readRuntimeDir(runtimeDir: string, how: Adoption): Promise<void> {
  for (const id of await readdir(runtimeDir)) {
    // Asked of each entry, after every await too: a share this process starts meanwhile is its own, not
    // one to adopt or clean up.
    if (how.known(id) || !isShareId(id)) continue;
    const files = shareFiles(join(runtimeDir, id));
    const record = await readRecord(files);
    if (how.known(id)) continue;
    if (record && record.readyLogOffset === null && record.owner !== undefined && !pidAlive(record.owner)) {
      // The process starting it died (killed mid-start): nobody will finish it or has its links.
      await endOrphan(record, files, await how.env());
      continue;
    }
    if (!record || record.readyLogOffset === null) {
      // Being started, here or by another process: its directory exists before its record, its tmate
      // before its socket. Left alone unless the start was abandoned long ago (or by a record that
      // names no starting process).
      const since =
        record?.startedAt ??
        (await lstat(files.dir).then(
          (info) => info.mtimeMs,
          () => 0,
        ));
      if (Date.now() - since < ABANDONED_START_MS) continue;
      if (record && record.pid > 0 && (await isOurTmate(record.pid, files.socket))) {
        const { tmate } = await how.env();
        await stopTmate(tmate, files.socket, record.pid).catch(() => undefined);
      }
      if (record?.viewSession) await removeView((await how.env()).tmux, record);
      await removeDir(files.dir);
      continue;
    }
    // The three reads at once, not one after another (`pairbar status` waits for them): is it our tmate,
    // does it answer, and what has its log said since it was ready (thrown away if it is gone).
    const share = shareFromRecord(record);
    const [ours, answers, offset] = await Promise.all([
      record.pid > 0 && isOurTmate(record.pid, files.socket),
      socketAnswers(files.socket),
      replayLog(share, files, record.readyLogOffset),
    ]);
    if (how.known(id)) continue;
    if (!ours || !answers) {
      await how.dead({ share, files, readyLogOffset: record.readyLogOffset });
      // tmux removes a view session itself when tmate's client goes; this covers a tmux that did not.
      if (record.viewSession) await removeView((await how.env()).tmux, record);
      await removeDir(files.dir);
      continue;
    }
    const live: Live = { share, files, readyLogOffset: record.readyLogOffset };
    if (typeof record.panePid === 'number' && Number.isSafeInteger(record.panePid) && record.panePid > 0)
      live.panePid = record.panePid;
    await how.adopt(live, offset);
  }
}

/** A start whose process died (or no longer answers) before the links were ready: its tmate is ended and its directory removed. */
export async function endOrphan(
  record: ShareRecord,
  files: ShareFiles,
  { tmux, tmate }: { tmux: TmuxEnv; tmate: TmateEnv },
): Promise<void> {
  if (record.pid > 0) await stopTmate(tmate, files.socket, record.pid).catch(() => undefined);
  // Nobody ever got the blank session's name: it goes with its share, as in a failed start.
  if (record.blank) await killSession(tmux, record.socket, record.sessionId).catch(() => undefined);
  await removeDir(files.dir);
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
    pairCanType: null,
    pairSize: null,
    presence: record.watched ? initialPresence(record.startedAt) : null,
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

export async function readRecord(files: ShareFiles): Promise<ShareRecord | undefined> {
  try {
    type Added =
      'origin' | 'allowed' | 'endsAt' | 'size' | 'view' | 'sizeNote' | 'viewSession' | 'watched' | 'endWhenEmptyMs';
    const record = JSON.parse(await readFile(files.meta, 'utf8')) as Omit<ShareRecord, Added> &
      Partial<Pick<ShareRecord, Added>> & { tmuxSocket?: string };
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
      watched: record.watched ?? false,
      endWhenEmptyMs: record.endWhenEmptyMs ?? null,
    };
  } catch {
    return undefined;
  }
}

/**
 * Writes share.json with the share as it is now. Writes are chained: two in flight would share the temporary
 * file, and the older state could be renamed into place last.
 */
export function writeRecord(live: Live): Promise<void> {
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
