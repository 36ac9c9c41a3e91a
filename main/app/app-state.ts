/**
 * The app's state: the one snapshot `{ sessions, shares, problems, prefs, servers, version }` the popover,
 * the tray and the notifications read, and the actions on it that the IPC handlers and the tray's menu
 * both call (share, new links, the pair's keyboard, stop, servers, preferences), each answering a Result.
 * Copy on share is decided here, once. The snapshot is rebuilt when asked (the popover opens, an action
 * completes) and whenever a share changes; nothing polls, so an idle app with the popover hidden spawns no
 * process and runs no timer.
 */
import { EventEmitter } from 'node:events';
import { homedir } from 'node:os';
import {
  errors,
  installCommand,
  isPairbarError,
  SSH_KEYGEN_COMMAND,
  toErrorInfo,
  upgradeCommand,
  type ErrorInfo,
} from '../core/errors.ts';
import { profileFromKeys } from '../core/hostkeys.ts';
import type { ServerTestResult } from '../core/server-test.ts';
import {
  hasFingerprint,
  isShutDown,
  nameFromHost,
  parsePaste,
  serverLabel,
  type ServerProfile,
} from '../core/servers.ts';
import { findSshIdentity } from '../core/ssh-identity.ts';
import type { Share, ShareOptions } from '../core/shares.ts';
import { listServers } from '../core/tmux.ts';
import type { PrefsStore } from '../prefs/file.ts';
import { readPrefs } from '../prefs/load.ts';
import { parsePref, DEFAULT_PREFS, type PrefKey, type Prefs } from '../prefs/schema.ts';
import { addServer, removeServer, resolveServer, useServer } from '../prefs/servers.ts';
import { writePref } from '../prefs/write.ts';
import type { Runtime } from '../runtime.ts';
import type {
  Problem,
  Result,
  ServerDraft,
  ServerInput,
  ServerView,
  SessionView,
  ShareTargetArg,
  ShareView,
  Snapshot,
} from '../contract.ts';

/**
 * Copy on share: the link the app puts on the clipboard when a share it started (or New links) is ready,
 * where the preference asks for it. The kind share.copyLink names, or nothing: never a link that grants
 * more than the one chosen.
 */
function linkToCopyOnShare(
  share: Pick<ShareView, 'state' | 'links'>,
  prefs: Pick<Prefs, 'share.copyOnShare' | 'share.copyLink'>,
): string | null {
  if (!prefs['share.copyOnShare'] || share.state !== 'sharing') return null;
  return share.links[prefs['share.copyLink']] ?? null;
}

export function shareView(share: Share): ShareView {
  const { pid: _pid, ...view } = share;
  return view;
}

/** The saved servers as the popover lists them. */
export function serverViews(prefs: Prefs): ServerView[] {
  return prefs.servers.map((profile) => ({
    name: profile.name,
    address: serverLabel(profile),
    shutDown: isShutDown(profile),
    active: profile.name === prefs['server.active'],
  }));
}

/** The command to copy for a problem, where one fixes it. */
function commandFor(code: ErrorInfo['code']): string | undefined {
  // installCommand and upgradeCommand list alternatives after three spaces; the first is the one to copy.
  switch (code) {
    case 'TMUX_MISSING':
      return installCommand('tmux').split('   ')[0];
    case 'TMATE_MISSING':
      return installCommand('tmate').split('   ')[0];
    case 'TMATE_TOO_OLD':
      return upgradeCommand('tmate').split('   ')[0];
    case 'SSH_KEYS_MISSING':
      return SSH_KEYGEN_COMMAND;
    default:
      return undefined;
  }
}

/** A problem, with the command that fixes it as something to copy where one applies. */
function problemFrom(error: ErrorInfo): Problem {
  const command = commandFor(error.code);
  return command ? { ...error, command } : error;
}

export class AppState extends EventEmitter<{ snapshot: [Snapshot] }> {
  private current: Snapshot;
  private version = 0;
  private refreshing: Promise<Snapshot> | undefined;
  private refreshAgain: Promise<Snapshot> | undefined;
  private readonly guards = new Map<PrefKey, (value: Prefs[PrefKey]) => ErrorInfo | null>();

  /**
   * `writeClipboard`: where Copy on share puts the link (Electron's clipboard in the app); without it, a
   * share copies nothing.
   */
  constructor(
    readonly runtime: Runtime,
    private readonly options: { writeClipboard?: (text: string) => Promise<void> | void } = {},
  ) {
    super();
    this.current = { sessions: [], shares: [], problems: [], prefs: { ...DEFAULT_PREFS }, servers: [], version: 0 };
    runtime.shares.on('change', () => this.publish({ shares: runtime.shares.list().map(shareView) }));
  }

  snapshot(): Snapshot {
    return this.current;
  }

  private publish(patch: Partial<Omit<Snapshot, 'version'>>): Snapshot {
    this.current = { ...this.current, ...patch, version: ++this.version };
    this.emit('snapshot', this.current);
    return this.current;
  }

  /**
   * Lists the sessions again (one tmux call per server) and adopts shares other processes started. A refresh
   * asked while one runs is answered by one more run after it (shared by all who asked meanwhile): the
   * running one may have asked tmux before the session the caller just made existed.
   */
  refresh(): Promise<Snapshot> {
    if (this.refreshing) {
      this.refreshAgain ??= this.refreshing.then(
        () => this.rerun(),
        () => this.rerun(),
      );
      return this.refreshAgain;
    }
    this.refreshing = this.load().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private rerun(): Promise<Snapshot> {
    this.refreshAgain = undefined;
    return this.refresh();
  }

  private async load(): Promise<Snapshot> {
    const problems: Problem[] = [];
    const loaded = this.runtime.prefs();
    for (const problem of loaded.problems) {
      problems.push({
        code: 'INVALID_PREFERENCE',
        message: problem.message,
        fix: 'Correct the value in Preferences, or with `pairbar config set`.',
      });
    }
    // No server to share through is a problem of its own (not chosen, gone, or not confirmed), with the
    // command that fixes it; an invalid file is already reported above.
    if (loaded.problems.length === 0) {
      try {
        resolveServer(loaded);
      } catch (error) {
        problems.push(problemFrom(toErrorInfo(error)));
      }
    }
    let sessions: SessionView[] = [];
    try {
      const tmux = await this.runtime.tmux();
      const servers = await listServers(tmux);
      sessions = servers.flatMap((server) =>
        server.sessions.map((session) => ({
          id: session.id,
          name: session.name,
          socket: session.socket,
          server: server.label,
          windows: session.windows,
          attached: session.attached,
          created: session.created,
        })),
      );
      if (servers.length === 0) problems.push(problemFrom(errors.noTmuxServer().toJSON()));
    } catch (error) {
      problems.push(problemFrom(toErrorInfo(error)));
    }
    try {
      await this.runtime.binaries();
      await this.runtime.shares.adopt();
      // Where each pair's terminal is: checked when the popover opens or after an action, never on a timer;
      // published below with the rest, not as a snapshot of its own.
      await this.runtime.shares.checkPairClients({ quiet: true });
    } catch (error) {
      const info = toErrorInfo(error);
      if (!problems.some((problem) => problem.code === info.code)) problems.push(problemFrom(info));
    }
    // First run: without an SSH key tmate cannot connect at all. Checked on every refresh ("Check again").
    if (!(await findSshIdentity(this.runtime.env)))
      problems.push(problemFrom(errors.noSshKey(this.runtime.env.HOME || homedir()).toJSON()));
    // The preferences as they are now, not as they were before the awaits above: a setPref made meanwhile
    // must not be undone by this older read.
    const prefs = this.runtime.prefs().prefs;
    return this.publish({
      sessions,
      problems,
      prefs,
      servers: serverViews(prefs),
      shares: this.runtime.shares.list().map(shareView),
    });
  }

  /** `options` as validateShareOptions gives them (left out: the preferences' defaults). */
  share(target: ShareTargetArg, options: ShareOptions = {}): Promise<Result<ShareView>> {
    return this.started(() =>
      this.runtime.shares.share('blank' in target ? {} : { session: target.session, socket: target.socket }, options),
    );
  }

  /** New links for a share: everyone connected dropped, the old links dead, the user's clients attached. */
  rotate(shareId: string): Promise<Result<ShareView>> {
    return this.started(() => this.runtime.shares.rotate(shareId));
  }

  /** The keyboard taken from the pair or given back (Shares.setPairKeyboard); the list is refreshed either way. */
  async setPairKeyboard(shareId: string, canType: boolean): Promise<Result<ShareView>> {
    try {
      return { ok: true, value: shareView(await this.runtime.shares.setPairKeyboard(shareId, canType)) };
    } catch (error) {
      return { ok: false, error: toErrorInfo(error) };
    } finally {
      void this.refresh();
    }
  }

  /**
   * A start (share or new links) as a Result; the list is refreshed either way. Copy on share is decided
   * here, once, for the popover and the tray alike: a share that is ready puts the chosen link on the
   * clipboard where the preference asks.
   */
  private async started(start: () => Promise<Share>): Promise<Result<ShareView>> {
    let result: Result<ShareView>;
    try {
      result = { ok: true, value: shareView(await start()) };
    } catch (error) {
      result = { ok: false, error: toErrorInfo(error) };
    } finally {
      void this.refresh();
    }
    const link = result.ok ? linkToCopyOnShare(result.value, this.runtime.prefs().prefs) : null;
    if (link) await this.options.writeClipboard?.(link);
    return result;
  }

  async stop(shareId: string): Promise<Result<null>> {
    try {
      await this.runtime.shares.stop(shareId);
      void this.refresh();
      return { ok: true, value: null };
    } catch (error) {
      return { ok: false, error: toErrorInfo(error) };
    }
  }

  /**
   * Reads what was pasted or typed into a profile, named after its host. With no fingerprint in it, the
   * host keys the server presents are read and pinned, for the user to confirm: nothing is saved here.
   */
  async readServer(input: ServerInput): Promise<Result<ServerDraft>> {
    try {
      const pasted = 'paste' in input ? parsePaste(input.paste) : { host: input.host, port: input.port };
      const taken = new Set(this.runtime.prefs().prefs.servers.map((profile) => profile.name));
      const base: ServerProfile = {
        name: nameFromHost(pasted.host, taken),
        host: pasted.host,
        port: pasted.port ?? 22,
        rsaFingerprint: '',
        ed25519Fingerprint: '',
        ecdsaFingerprint: '',
      };
      const profile: ServerProfile = {
        ...base,
        ...Object.fromEntries(Object.entries(pasted).filter(([key]) => key.endsWith('Fingerprint'))),
      };
      const address = serverLabel(profile);
      if (isShutDown(profile) || hasFingerprint(profile))
        return { ok: true, value: { profile, address, keys: null, shutDown: isShutDown(profile) } };
      const keys = await this.runtime.scanHostKeys(profile);
      return {
        ok: true,
        value: { profile: profileFromKeys(profile.name, profile, keys), address, keys, shutDown: false },
      };
    } catch (error) {
      return { ok: false, error: toErrorInfo(error) };
    }
  }

  async testServer(server: string | ServerProfile): Promise<Result<ServerTestResult>> {
    try {
      return { ok: true, value: await this.runtime.testServer(server) };
    } catch (error) {
      return { ok: false, error: toErrorInfo(error) };
    }
  }

  saveServer(profile: ServerProfile): Result<Prefs> {
    return this.writePrefs((store) => addServer(store, profile));
  }

  useServer(name: string): Result<Prefs> {
    return this.writePrefs((store) => useServer(store, name));
  }

  removeServer(name: string): Result<Prefs> {
    return this.writePrefs((store) => removeServer(store, name));
  }

  /**
   * A check a valid value must also pass before it is stored, for a preference whose effect can be refused
   * outside Pairbar (a global shortcut another application holds). The guard applies the value; a refusal
   * leaves the stored preference as it was.
   */
  guardPref<K extends PrefKey>(key: K, guard: (value: Prefs[K]) => ErrorInfo | null): void {
    this.guards.set(key, guard as (value: Prefs[PrefKey]) => ErrorInfo | null);
  }

  setPref(key: PrefKey, value: unknown): Result<Prefs> {
    let refused: ErrorInfo | null | undefined;
    try {
      refused = this.guards.get(key)?.(parsePref(key, value));
    } catch (error) {
      return { ok: false, error: toErrorInfo(error) };
    }
    if (refused) return { ok: false, error: refused };
    return this.writePrefs((store) => writePref(store, key, value));
  }

  /** Runs one change of the preferences file and publishes what it holds afterwards. */
  private writePrefs(change: (store: PrefsStore) => unknown): Result<Prefs> {
    const store = this.runtime.store;
    if (!store)
      return {
        ok: false,
        error: {
          code: 'INVALID_PREFERENCE',
          message: 'The preferences file cannot be opened.',
          fix: 'Fix or remove the file, then restart Pairbar.',
        },
      };
    try {
      change(store);
      const prefs = readPrefs(store).prefs;
      this.publish({ prefs, servers: serverViews(prefs) });
      // What the change fixed or broke (no server chosen, a bad value) is among the problems the refresh finds.
      void this.refresh();
      return { ok: true, value: prefs };
    } catch (error) {
      if (isPairbarError(error)) return { ok: false, error: error.toJSON() };
      return { ok: false, error: toErrorInfo(error) };
    }
  }
}
