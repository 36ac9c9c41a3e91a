/**
 * The typed IPC contract between the popover (renderer) and the main process, at main/contract.ts: the page
 * (renderer/), the preload (main/electron/preload.ts) and the handlers (main/electron/ipc/) all import it
 * from here. Types only, but for two plain objects: the renderer imports this file type-only, and the
 * channel names are one const object the preload and the handlers both use, so a channel can't be misspelt
 * on one side.
 *
 * To add a channel (the compiler points at each step left undone):
 *   1. its name in CHANNELS, its method in PairbarApi (the same key), its [arguments, answer] in InvokeMap;
 *   2. the method in main/electron/preload.ts (`api` is typed PairbarApi);
 *   3. its handler in the domain's file of main/electron/ipc/ (or a new file, spread into HANDLERS in
 *      ipc/index.ts): `validate` checks every argument the page sends (an untrusted page: type, length, and
 *      that what it names exists) and returns accept(…) or refuse(…); `handle` does the work through
 *      AppState (main/app/app-state.ts); `refused` answers a sender that is not the popover;
 *   4. a row in test/ui/hostile-ipc.test.ts: hostile arguments from the page and a foreign frame refused.
 */
import type { ErrorInfo } from './core/errors.ts';
import type { HostKey } from './core/hostkeys.ts';
import type { ServerTestResult } from './core/server-test.ts';
import type { ServerProfile } from './core/servers.ts';
import type { Share } from './core/shares.ts';
import type { LinkKind } from './core/links.ts';
import type { Prefs, PrefKey } from './prefs/schema.ts';

export const CHANNELS = {
  getState: 'pairbar:get-state',
  refresh: 'pairbar:refresh',
  share: 'pairbar:share',
  stop: 'pairbar:stop',
  copy: 'pairbar:copy',
  copyCommand: 'pairbar:copy-command',
  setPref: 'pairbar:set-pref',
  rotate: 'pairbar:rotate',
  keyboard: 'pairbar:keyboard',
  readServer: 'pairbar:read-server',
  testServer: 'pairbar:test-server',
  saveServer: 'pairbar:save-server',
  useServer: 'pairbar:use-server',
  removeServer: 'pairbar:remove-server',
  hide: 'pairbar:hide',
  /** main → renderer push of the whole snapshot */
  state: 'pairbar:state',
} as const;

export type { LinkKind } from './core/links.ts';

/** Problems that come with a command to copy: the install or upgrade command, the ssh-keygen command. */
export type CommandProblem = 'TMUX_MISSING' | 'TMATE_MISSING' | 'TMATE_TOO_OLD' | 'SSH_KEYS_MISSING';
export const COMMAND_PROBLEMS: readonly CommandProblem[] = [
  'TMUX_MISSING',
  'TMATE_MISSING',
  'TMATE_TOO_OLD',
  'SSH_KEYS_MISSING',
];

export interface SessionView {
  /** tmux's session id (`$3`): with the socket, what a share of it records as sessionId. */
  id: string;
  name: string;
  /** Socket of the tmux server holding it; identifies the session together with the name. */
  socket: string;
  /** `default`, or the -L label of another server. */
  server: string;
  windows: number;
  attached: number;
  created: number;
}

/** A share as the popover sees it: the core's Share without its process id. */
export type ShareView = Omit<Share, 'pid'>;

/** Why the session list is empty or incomplete, each with what to do about it. */
export type Problem = ErrorInfo & { /** A command the user can copy, e.g. the install command. */ command?: string };

/** A saved tmate server as the popover lists it. */
export interface ServerView {
  name: string;
  /** host:port, brackets around an IPv6 address. */
  address: string;
  /** tmate.io's public servers: shut down since 2025. */
  shutDown: boolean;
  /** New shares go to it. */
  active: boolean;
}

export interface Snapshot {
  sessions: SessionView[];
  shares: ShareView[];
  problems: Problem[];
  prefs: Prefs;
  /** The saved servers, in the order of the preferences. */
  servers: ServerView[];
  /** Increases with every snapshot, so a late push never overwrites a newer one. */
  version: number;
}

/** What `share` takes: a session by name (and server), or a new blank terminal. */
export type ShareTargetArg = { session: string; socket: string } | { blank: true };

/**
 * A share's own choices, made before it starts (validated by core/share-options.ts): `allowed` as
 * "github:NAME", "file:/path"… (empty or null: anyone with a link), `endAfterMs` null for never. A key left
 * out takes the preference's default.
 */
export interface ShareOptionsArg {
  allowed?: string[] | null;
  endAfterMs?: number | null;
}

/** What the server screen reads from a paste box, or from the host and port fields. */
export type ServerInput = { paste: string } | { host: string; port: number };

/**
 * A server read from what was pasted or typed, not saved. `keys`: when the input named no fingerprint, the
 * host keys the server presented (the profile pins them), for the user to compare before saving; null when
 * the fingerprints came with the input.
 */
export interface ServerDraft {
  profile: ServerProfile;
  /** host:port as a person writes it. */
  address: string;
  keys: HostKey[] | null;
  shutDown: boolean;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };

/** The API the preload exposes as `window.pairbar`. Every call resolves; failures come back as Result errors. */
export interface PairbarApi {
  getState(): Promise<Snapshot>;
  refresh(): Promise<Snapshot>;
  share(target: ShareTargetArg, options?: ShareOptionsArg): Promise<Result<ShareView>>;
  /** New links: ends the tmate side and starts it again on the same session with the same options. */
  rotate(shareId: string): Promise<Result<ShareView>>;
  /** Takes the keyboard from the pair (`canType` false: they watch, their keys do nothing) or gives it back; same links, nobody dropped. */
  keyboard(shareId: string, canType: boolean): Promise<Result<ShareView>>;
  /** Reads a server from a paste or a host and port, and, when it names no fingerprint, scans its host keys. Saves nothing. */
  readServer(input: ServerInput): Promise<Result<ServerDraft>>;
  /** Test connection: a saved server by name, or a draft's profile (with its fingerprints). */
  testServer(server: string | ServerProfile): Promise<Result<ServerTestResult>>;
  /** Saves a confirmed profile (the active one when none is). */
  saveServer(profile: ServerProfile): Promise<Result<Prefs>>;
  useServer(name: string): Promise<Result<Prefs>>;
  removeServer(name: string): Promise<Result<Prefs>>;
  /** Ends (or, for a failed one, dismisses) the share with this id. */
  stop(shareId: string): Promise<Result<null>>;
  copy(linkKind: LinkKind, shareId: string): Promise<Result<null>>;
  /** Copies the command shown with a problem (the install command); the text comes from the main process's own snapshot. */
  copyCommand(problem: CommandProblem): Promise<Result<null>>;
  setPref<K extends PrefKey>(key: K, value: Prefs[K]): Promise<Result<Prefs>>;
  hide(): Promise<void>;
  /** Receives every state push; returns the unsubscribe. */
  onState(callback: (snapshot: Snapshot) => void): () => void;
}

/** Channel → [argument tuple, result] for the invoke channels; the handlers (electron/ipc/) are typed from it. */
export interface InvokeMap {
  [CHANNELS.getState]: [[], Snapshot];
  [CHANNELS.refresh]: [[], Snapshot];
  [CHANNELS.share]: [[ShareTargetArg, ShareOptionsArg?], Result<ShareView>];
  [CHANNELS.rotate]: [[string], Result<ShareView>];
  [CHANNELS.keyboard]: [[string, boolean], Result<ShareView>];
  [CHANNELS.readServer]: [[ServerInput], Result<ServerDraft>];
  [CHANNELS.testServer]: [[string | ServerProfile], Result<ServerTestResult>];
  [CHANNELS.saveServer]: [[ServerProfile], Result<Prefs>];
  [CHANNELS.useServer]: [[string], Result<Prefs>];
  [CHANNELS.removeServer]: [[string], Result<Prefs>];
  [CHANNELS.stop]: [[string], Result<null>];
  [CHANNELS.copy]: [[LinkKind, string], Result<null>];
  [CHANNELS.copyCommand]: [[CommandProblem], Result<null>];
  [CHANNELS.setPref]: [[PrefKey, unknown], Result<Prefs>];
  [CHANNELS.hide]: [[], void];
}

export type InvokeChannel = keyof InvokeMap;

/**
 * Compile-time checks that the three lists above agree: every CHANNELS name but the push is an invoke
 * channel with its types, and is a method of PairbarApi of the same name (and nothing else is).
 */
type InvokeName = Exclude<keyof typeof CHANNELS, 'state'>;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Holds<T extends true> = T;
export type ContractChecks = [
  Holds<Same<(typeof CHANNELS)[InvokeName], InvokeChannel>>,
  Holds<Same<Exclude<keyof PairbarApi, 'onState'>, InvokeName>>,
];
