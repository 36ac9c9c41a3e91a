/**
 * A share's model: the one shape everything else is derived from (`Share`), its states, what it is started
 * with, the pair events it raises, and how what tmate prints changes it (applyEvent). Types and pure
 * functions only: no I/O, so the renderer and the app's pure logic can use it too.
 *
 *   starting → sharing ⇄ reconnecting → stopped
 *       └────────→ failed (with a cause) ←──┘  (tmate killed, the tmux server gone: kept, with the cause)
 */
import type { ErrorInfo } from '../errors.ts';
import type { AllowedSource, ForgeBases, KeySource } from '../keys.ts';
import type { ShareLinks } from '../links.ts';
import type { PairClient } from '../pair-client.ts';
import type { PairSize, SizePolicy, ViewPolicy } from '../share-rules.ts';
import type { ServerProfile } from '../servers.ts';
import type { LogEvent } from '../tmate-log.ts';
import type { Presence } from '../presence.ts';

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
  /**
   * Whether keys typed on the read-write link reach the session: false while the user has taken the keyboard
   * (the pair's tmux client is read-only); null until checked, or while the pair's client is gone.
   */
  pairCanType: boolean | null;
  /**
   * A presence watcher runs for this share (core/presence.ts): false where tmux is older than 3.2 (the
   * watcher's large client would resize the user's windows) or the process that started it could not start
   * one. Where false, who is in is known only from a server that counts pairs.
   */
  watched: boolean;
  /** Who is in as the watcher last said (replayed from presence.log); null where no watcher runs. */
  presence: Presence | null;
  /** The share ends by itself this long after the last pair left (or after it started, if nobody came); null: never so. */
  endWhenEmptyMs: number | null;
}

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
  /** The share ends by itself this long after the last pair left, or after it started if nobody joined. */
  endWhenEmptyMs?: number | null;
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
  /** share.endWhenEmptyMinutes, in ms; null: never. */
  endWhenEmptyMs?: number | null;
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
  /**
   * How to start a presence watcher, a Pairbar process of its own (`pairbar __presence`): the command and the
   * arguments before the subcommand (node and the CLI's script; the app's executable run as node). Without
   * it this process starts no watcher, and its shares know who is in only from a server that counts them.
   */
  watcher?: WatcherLaunch;
}

export interface WatcherLaunch {
  command: string;
  args: readonly string[];
  /** Added to the environment (the app's executable needs ELECTRON_RUN_AS_NODE). */
  env?: NodeJS.ProcessEnv;
}

export interface ShareSettings {
  server: ServerProfile;
  readyTimeoutSeconds: number;
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

/** What the user is told when `mine` cannot be honoured. */
export function sizeNote(tmuxVersion: string | undefined): string {
  const which = tmuxVersion === undefined ? 'This tmux (its version could not be read)' : `tmux ${tmuxVersion}`;
  return (
    `${which} cannot keep the pair's terminal from resizing your windows: that needs tmux 3.2 or later. ` +
    'While a pair is connected, your windows may shrink to their terminal as tmux does. Upgrade tmux to keep your size.'
  );
}
