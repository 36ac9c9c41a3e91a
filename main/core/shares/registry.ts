/**
 * The books of the share registry (core/shares.ts's Shares is built on it): which shares are live, starting,
 * stopping and failed in this process, the events they raise, looking one up, and the ways a share is ended
 * by asking — stop, stop all, Stop during Start from another process — and what is checked when someone
 * looks (where the pair's client is, the pair's keyboard). Starting and adopting shares is shares.ts's.
 */
import { EventEmitter } from 'node:events';
import { EndTimers } from '../autoend.ts';
import { errors, type ErrorInfo } from '../errors.ts';
import { findPairClient } from '../pair-client.ts';
import type { Presence } from '../presence.ts';
import { withoutTmux, type DaemonExit } from '../process.ts';
import { defaultRuntimeDir } from '../runtime-dir.ts';
import { presenceOf, targetKey } from '../share-rules.ts';
import { stopTmate, type TmateEnv } from '../tmate.ts';
import { listClients, setClientReadOnly, type TmuxEnv } from '../tmux.ts';
import { closedUnderView, locatePairClients, unfollow } from './follow.ts';
import type { PairEvent, Share, ShareOrigin, SharesOptions, StartStep } from './model.ts';
import { removeDir, removeView, type Live } from './record.ts';
import { STOPPED_BY_USER, type Starting } from './start.ts';
import { stopStartsElsewhere } from './stop-request.ts';
import { watcherGone } from './watch.ts';

export type ShareEvents = {
  change: [Share[]];
  pair: [Share, PairEvent];
  /** The server handed out new links (after a reconnect): the old ones no longer work. */
  links: [Share];
  ended: [Share, ErrorInfo | null];
  step: [StartStep, Share | undefined];
  /** Who is in changed, as the share's presence watcher saw it (the presence before it, to compare). */
  presence: [Share, Presence];
  /** A share that ends by itself will end in msLeft (a minute before, or at once when less is left). */
  ending: [Share, number];
};

export abstract class ShareBooks extends EventEmitter<ShareEvents> {
  readonly runtimeDir: string;
  protected readonly live = new Map<string, Live>();
  /** Shares that failed to start, by what they shared (socket + session id), kept for Retry and Dismiss. */
  protected readonly failures = new Map<string, Share>();
  protected readonly inFlight = new Map<string, Promise<Share>>();
  /** Starts under way in this process, by share id: stop() aborts them. */
  protected readonly starting = new Map<string, Starting>();
  /** Stops under way, by target key: a share of the same session waits for its stop to finish. */
  protected readonly stopping = new Map<string, Promise<void>>();
  protected closed = false;
  protected readonly options: SharesOptions;
  /** What tmux and tmate run with, cleaned once. */
  protected readonly childEnv: NodeJS.ProcessEnv;
  /** The end of every share with an endsAt that this process follows. */
  protected readonly endTimers = new EndTimers({
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
    const live = [...this.live.values()].find(
      (entry) => entry.share.session === session && (socket === undefined || entry.share.socket === socket),
    );
    return live ? structuredClone(live.share) : undefined;
  }

  /**
   * The share of the session with this name (on this tmux server, where given). A name shared on two
   * servers is refused rather than guessed.
   */
  resolve(session: string, socket?: string): Share {
    const matching = this.list().filter(
      (share) => share.session === session && (socket === undefined || share.socket === socket),
    );
    const live = matching.filter((share) => share.state !== 'failed');
    const candidates = live.length > 0 ? live : matching;
    if (candidates.length > 1)
      throw errors.ambiguousShare(
        session,
        candidates.map((share) => share.socket),
      );
    const found = candidates[0];
    if (!found) throw errors.shareNotFound(session);
    return found;
  }

  protected changed(): void {
    this.emit('change', this.list());
  }

  protected async env(): Promise<{ tmux: TmuxEnv; tmate: TmateEnv }> {
    const binaries = await this.options.binaries();
    const env = this.childEnv;
    return { tmux: { tmux: binaries.tmux, env }, tmate: { tmate: binaries.tmate, env } };
  }

  protected liveFor(key: string): Live | undefined {
    return [...this.live.values()].find((live) => targetKey(live.share.socket, live.share.sessionId) === key);
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

  protected stopLive(live: Live): Promise<void> {
    unfollow(live);
    this.endTimers.cancel(live.share.id);
    this.live.delete(live.share.id);
    const key = targetKey(live.share.socket, live.share.sessionId);
    const stopping = (async () => {
      const { tmux, tmate } = await this.env();
      await stopTmate(tmate, live.files.socket, live.share.pid);
      await watcherGone(live);
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

  /**
   * Stop during Start, from another process: the starts under way elsewhere for the session with this name
   * (on this tmux server, where given; no name: all of them) are asked to stop and waited for (see
   * shares/stop-request.ts). A start that became ready meanwhile is stopped here as any share. Returns how
   * many ended.
   */
  async stopStarting(session?: string, socket?: string): Promise<number> {
    const { stopped, ready } = await stopStartsElsewhere(this.runtimeDir, {
      session,
      socket,
      known: (id) => this.live.has(id),
      env: () => this.env(),
    });
    if (ready.length === 0) return stopped;
    await this.adopt();
    const adopted = ready.map((id) => this.live.get(id)).filter((live) => live !== undefined);
    await Promise.all(adopted.map((live) => this.stopLive(live)));
    return stopped + adopted.length;
  }

  /** Stops every share, or only those started by one kind of process; returns how many were stopped. */
  async stopAll(origin?: ShareOrigin): Promise<number> {
    const all = [...this.live.values()].filter((live) => origin === undefined || live.share.origin === origin);
    // A start under way is stopped through its own teardown (stop()), or it would launch tmate after this.
    await Promise.all(
      all.map((live) => (this.starting.has(live.share.id) ? this.stop(live.share.id) : this.stopLive(live))),
    );
    if (this.failures.size > 0) {
      this.failures.clear();
      this.changed();
    }
    return all.length;
  }

  /**
   * Finds out where each live share's pair client is, and its size (shares/follow.ts). Called when someone
   * looks (`pairbar status`, the app's snapshot refresh), never on a timer, so an idle share costs nothing.
   * `quiet`: no 'change' event, for a caller that publishes the result itself.
   */
  async checkPairClients(options: { quiet?: boolean } = {}): Promise<Share[]> {
    const lives = [...this.live.values()].filter(
      (live) => live.share.state === 'sharing' || live.share.state === 'reconnecting',
    );
    if (lives.length === 0) return this.list();
    const env = await this.env();
    // An independent view outlives the user's session: a closed one ends its share here, with the reason.
    const closed = await closedUnderView(lives, env.tmux);
    for (const live of closed) await this.ended(live);
    const changed =
      closed.length > 0 ||
      (await locatePairClients(
        lives.filter((live) => !closed.includes(live)),
        env,
      ));
    if (changed && !options.quiet) this.changed();
    return this.list();
  }

  /**
   * Takes the keyboard from the pair (`canType` false) or gives it back, without new links and without
   * dropping anyone: the pair's tmux client (tmate's pane) is made read-only, so the pairs on the read-write
   * link go on watching while their keys do nothing. The state lives in tmux itself, so every process sees
   * the same; the share's pairCanType is what tmux says after the change.
   */
  async setPairKeyboard(id: string, canType: boolean): Promise<Share> {
    const live = this.live.get(id);
    if (!live || (live.share.state !== 'sharing' && live.share.state !== 'reconnecting'))
      throw errors.shareNotFound(live?.share.session ?? id);
    const env = await this.env();
    await locatePairClients([live], env);
    const client = findPairClient(await listClients(env.tmux, live.share.socket), live.panePid);
    if (!client) throw errors.pairClientGone(live.share.session);
    // The client had ignore-size exactly when the share keeps the user's size (tmux 3.2 and later).
    // Also where the presence watcher keeps ignore-size on while nobody is in (pair.size follow).
    const ignoreSize =
      (live.share.size === 'mine' && live.share.sizeNote === null) ||
      (live.share.watched && presenceOf(live.share).present !== true);
    await setClientReadOnly(env.tmux, live.share.socket, client, !canType, ignoreSize);
    await locatePairClients([live], env);
    if (live.share.pairCanType !== canType) throw errors.pairClientGone(live.share.session);
    this.changed();
    return structuredClone(live.share);
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
      unfollow(live);
    }
  }

  /** Adopts the shares of the runtime directory this process does not know yet (shares.ts). */
  abstract adopt(): Promise<Share[]>;

  /** A live share ended by itself: cleaned up, then shown ended (shares.ts). */
  protected abstract ended(live: Live, how?: DaemonExit): Promise<void>;
}
