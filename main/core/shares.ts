/**
 * All shares: starting them (share, new links), adopting the shares an earlier process left (the CLI exits
 * while its shares go on; the app may restart), following each ready share and its presence, and a share's
 * end by itself. The books it keeps — which shares are live, starting, stopping and failed, the events, the
 * stops asked for, the checks made when someone looks — are shares/registry.ts's. A share's other parts live
 * in shares/ too: its model (model.ts), its record on disk (record.ts), its start (start.ts), its following
 * (follow.ts) and its presence watcher (watch.ts). The rest of Pairbar imports shares from here.
 */
import { existsSync } from 'node:fs';
import { errors, isPairbarError, type PairbarError } from './errors.ts';
import { readAuthorizedKeys } from './keys.ts';
import type { DaemonExit } from './process.ts';
import { ensurePrivateDir } from './runtime-dir.ts';
import { targetKey } from './share-rules.ts';
import { startLogFailure } from './start-log.ts';
import { isOurTmate, socketAnswers, stopTmate, type TmateEnv } from './tmate.ts';
import {
  createBlankSession,
  killSession,
  listSessions,
  resolveSession,
  type TmuxEnv,
  type TmuxSession,
} from './tmux.ts';
import type { Share, ShareOptions, ShareTarget } from './shares/model.ts';
import { endCause, followShare, locatePairClients, unfollow } from './shares/follow.ts';
import { followPresence, isWatcherOf, replayPresence, startWatcher, watcherGone } from './shares/watch.ts';
import { readRuntimeDir, removeDir, removeView, writeRecord, type Live } from './shares/record.ts';
import { sameOptions } from './shares/same-options.ts';
import { ShareBooks } from './shares/registry.ts';
import {
  launch,
  planStart,
  watches,
  prepareStart,
  STOPPED_BY_USER,
  tearDownStart,
  waitForReady,
  type Starting,
  type StartPlan,
} from './shares/start.ts';

export { applyEvent } from './shares/model.ts';
export type {
  AccessSettings,
  PairEvent,
  Share,
  ShareOptions,
  ShareOrigin,
  SharesOptions,
  ShareSettings,
  ShareState,
  ShareTarget,
  StartStep,
  WatcherLaunch,
} from './shares/model.ts';
export { startFailure } from './start-log.ts';
export type { ShareEvents } from './shares/registry.ts';

export class Shares extends ShareBooks {
  /**
   * Adopts every share in the runtime directory that this process does not know yet, removes the
   * directories of shares whose tmate is gone, and ends starts whose process died (an orphan tmate nobody
   * has the links of). Costs no process spawn unless there is an orphan to end.
   */
  async adopt(): Promise<Share[]> {
    await ensurePrivateDir(this.runtimeDir);
    let changed = false;
    const adopted = new Set<Live>();
    await readRuntimeDir(this.runtimeDir, {
      known: (id) => this.live.has(id),
      env: () => this.env(),
      adopt: async (live, offset) => {
        adopted.add(live);
        this.live.set(live.share.id, live);
        this.follow(live, offset);
        this.endTimers.schedule(live.share.id, live.share.endsAt);
        changed = true;
        await this.watch(live, true);
      },
      dead: async (live) => {
        // Found ended by nobody watching: said only where the user's own act ended it, the session closed
        // under an independent view (status and the popover show why; other ends are cleaned up quietly).
        const cause = live.share.viewSession ? await endCause(live, undefined, (await this.env()).tmux) : null;
        if (cause?.code !== 'SHARED_SESSION_CLOSED') return;
        live.share.state = 'failed';
        live.share.error = cause.toJSON();
        this.failures.set(targetKey(live.share.socket, live.share.sessionId), live.share);
        changed = true;
      },
    });
    // Shares that ended while nobody watched: another process stopped them (their directory is gone), or
    // their tmate died (its socket left behind, refusing): the check an adopted share gets, on each refresh.
    // (A share adopted just now answered a moment ago.)
    for (const [id, live] of this.live) {
      if (live.share.state === 'starting' || adopted.has(live) || (await socketAnswers(live.files.socket))) continue;
      if (this.live.get(id) !== live) continue; // Ended or stopped while this asked.
      // Ending here already (ended() is cleaning up, its directory going): it says why once done.
      if (live.ending) continue;
      if (existsSync(live.files.dir)) {
        await this.ended(live);
        continue;
      }
      unfollow(live);
      this.endTimers.cancel(id);
      this.live.delete(id);
      changed = true;
    }
    // A share past its end (its watchdog killed, no follower left) is ended by whichever process looks,
    // `pairbar status` included: now, not on a timer that this process may not outlive.
    for (const live of [...this.live.values()]) {
      if (live.share.state !== 'starting' && live.share.endsAt !== null && live.share.endsAt <= Date.now())
        await this.stopLive(live);
    }
    if (changed) this.changed();
    return this.list();
  }

  /**
   * Shares a tmux session (or a new blank one). Sharing a session that is already shared returns that share.
   * The server is resolved first and allowed keys are fetched before anything starts: a share with no
   * usable server, or a key source that fails, makes nothing (not even a blank session).
   */
  async share(target: ShareTarget, options: ShareOptions = {}): Promise<Share> {
    const plan = await planStart(this.options, options);
    if (plan.endWhenEmptyMs !== null) await this.refuseUnwatched();
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
    if (existing) return sameOptions(existing.share, options);
    const pending = this.inFlight.get(key);
    if (pending) return sameOptions(await pending, options);
    const started = (async () => {
      // Another process (the CLI, another app instance) may have shared it already.
      await this.adopt();
      this.emit('step', 'adopt', undefined);
      const adopted = this.liveFor(key);
      return adopted
        ? sameOptions(adopted.share, options)
        : this.start(session, blank, { ...plan, sessionIsNew: blank });
    })().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, started);
    return started;
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
    const plan: StartPlan = {
      settings: this.options.settings(share.serverName),
      keys,
      allowed: share.allowed,
      endsAt: share.endsAt,
      endWhenEmptyMs: share.endWhenEmptyMs,
      size: share.size,
      view: share.view,
    };
    const key = targetKey(session.socket, session.id);
    // Registered as in flight so that sharing the session meanwhile waits for this start, not a second one.
    const restarted = (async () => {
      // A keyboard the user took stays taken: new links must not hand it to whoever holds them.
      await locatePairClients([live], await this.env());
      const keyboardTaken = live.share.pairCanType === false;
      await this.stopLive(live);
      const fresh = await this.start(session, share.blank, plan);
      return keyboardTaken ? this.setPairKeyboard(fresh.id, false) : fresh;
    })().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, restarted);
    return restarted;
  }

  /** Ending once nobody is in needs to know who is in: without a watcher that is refused, never ignored. */
  private async refuseUnwatched(): Promise<void> {
    const { tmuxVersion } = await this.options.binaries();
    if (watches({ tmuxVersion, canWatch: this.options.watcher !== undefined })) return;
    const why = this.options.watcher
      ? `tmux ${tmuxVersion ?? '(version unknown)'} is older than 3.2`
      : 'this process cannot start a presence watcher';
    throw errors.invalidArgument(
      'end when empty',
      `a share can end once nobody is in only where Pairbar sees who is in, and ${why}. Upgrade tmux, or share without it: pairbar config set share.endWhenEmptyMinutes 0`,
    );
  }

  /**
   * Starts a new share: prepare, launch, wait for ready; any failure runs the one teardown. Only share()
   * calls it, after adopt() has made sure the runtime dir is private.
   */
  private async start(session: TmuxSession, blank: boolean, plan: StartPlan): Promise<Share> {
    const { tmux, tmate } = await this.env();
    const starting = await this.prepare(session, blank, plan);
    try {
      await launch(starting, tmux, tmate);
      this.emit('step', 'launch', structuredClone(starting.live.share));
      await waitForReady(starting, tmate);
      this.emit('step', 'ready', structuredClone(starting.live.share));
    } catch (error) {
      throw await this.fail(starting, error, tmux, tmate);
    } finally {
      clearTimeout(starting.timer);
      starting.log.follower.close();
      starting.stopRequests.close();
      this.starting.delete(starting.live.share.id);
      starting.settle();
    }
    const { live } = starting;
    this.follow(live, live.readyLogOffset ?? 0);
    this.endTimers.schedule(live.share.id, live.share.endsAt);
    await this.watch(live, false);
    this.changed();
    return structuredClone(live.share);
  }

  /**
   * The share's presence: its watcher started (for an adopted share, only when the last one is gone) and
   * presence.log followed (shares/watch.ts). A watcher that cannot be started leaves the share unwatched.
   */
  private async watch(live: Live, adopted: boolean): Promise<void> {
    if (!live.share.watched) return;
    const offset = adopted ? await replayPresence(live) : 0;
    const launch = this.options.watcher;
    if (launch && !(adopted && (await isWatcherOf(live.watcherPid, live.files.dir)))) {
      try {
        await startWatcher(launch, live, await this.options.binaries(), this.childEnv);
      } catch {
        live.share.watched = false;
        live.share.presence = null;
        await writeRecord(live).catch(() => undefined);
        return;
      }
    }
    followPresence(live, offset, (before) => {
      if (!this.live.has(live.share.id)) return;
      // The pair's size against the window, now rather than at the next look: the popover's note is live.
      void this.env()
        .then((env) => locatePairClients([live], env))
        .catch(() => false)
        .then(() => {
          if (!this.live.has(live.share.id)) return;
          this.emit('presence', structuredClone(live.share), before);
          this.changed();
        });
    });
  }
  /** Step 1 (shares/start.ts): the share's directory and record, announced as starting; the time limit starts now. */
  private async prepare(session: TmuxSession, blank: boolean, plan: StartPlan): Promise<Starting> {
    const { tmuxVersion } = await this.options.binaries();
    const place = {
      runtimeDir: this.runtimeDir,
      origin: this.options.origin ?? 'cli',
      tmuxVersion,
      canWatch: this.options.watcher !== undefined,
    } as const;
    const starting = await prepareStart(place, session, blank, plan, (live) => {
      this.failures.delete(targetKey(session.socket, session.id));
      this.live.set(live.share.id, live);
    });
    this.changed();
    this.starting.set(starting.live.share.id, starting);
    this.emit('step', 'prepare', structuredClone(starting.live.share));
    return starting;
  }

  /**
   * The one teardown of a start that failed: tmate stopped, its directory gone, a blank session Pairbar
   * created for it removed; the share kept as failed (for Retry) with the cause a person can act on.
   */
  private async fail(starting: Starting, error: unknown, tmux: TmuxEnv, tmate: TmateEnv): Promise<PairbarError> {
    const { live, session, server, readyTimeoutSeconds, sessionIsNew } = starting;
    await tearDownStart(starting, tmux, tmate);
    this.live.delete(live.share.id);
    // The blank session was made for this share alone; nobody else knows its name yet.
    if (sessionIsNew) await killSession(tmux, session.socket, session.id).catch(() => undefined);
    if (starting.abort.signal.reason === STOPPED_BY_USER) {
      // What the user asked for: no failure to show, only the answer to the share call.
      live.share.state = 'stopped';
      this.changed();
      return errors.shareStopped(live.share.session);
    }
    const cause = isPairbarError(error)
      ? error
      : await startLogFailure(starting.log, server, readyTimeoutSeconds, this.childEnv);
    live.share.state = 'failed';
    live.share.error = cause.toJSON();
    if (!sessionIsNew) this.failures.set(targetKey(session.socket, session.id), live.share);
    this.changed();
    return cause;
  }

  /** Keeps a ready share's state in step with what tmate prints, and notices its end (shares/follow.ts). */
  private follow(live: Live, offset: number): void {
    followShare(live, offset, {
      pair: (pairEvent) => this.emit('pair', structuredClone(live.share), pairEvent),
      links: () => {
        if (this.live.has(live.share.id)) this.emit('links', structuredClone(live.share));
      },
      changed: () => this.changed(),
      ended: (how) => void this.ended(live, how),
    });
  }

  /**
   * tmate exited without this process stopping it: clean up and tell why. The shared session closed (or
   * another process stopped the share) is no fault; tmate or the tmux server dying is, and the share is
   * kept as failed with the cause, for the card, `status` and Retry.
   */
  protected async ended(live: Live, how?: DaemonExit): Promise<void> {
    if (this.closed || live.ending || !this.live.has(live.share.id)) return;
    live.ending = true;
    unfollow(live);
    this.endTimers.cancel(live.share.id);
    // Listed as it was until the cause is known, then as failed in the same step: a snapshot taken
    // meanwhile (a refresh) never shows the share gone and then back as failed.
    const cause = await endCause(live, how, (await this.env()).tmux);
    if (!this.live.has(live.share.id)) return; // Stopped meanwhile: the stop has the last word.
    // Usually tmate is gone already; a kill-server spawned at a dead socket would only outlive the news.
    const { tmux, tmate } = await this.env();
    if (!how && (await isOurTmate(live.share.pid, live.files.socket))) {
      await stopTmate(tmate, live.files.socket, live.share.pid).catch(() => undefined);
    }
    await watcherGone(live);
    await removeView(tmux, live.share);
    await removeDir(live.files.dir);
    if (!this.live.has(live.share.id)) return; // Stopped while cleaning up: the stop has the last word.
    // Shown as ended only now, in one step with the 'ended' event: whoever sees the share failed also finds
    // its event sent and nothing of it left (its directory, its watcher, its view session).
    this.live.delete(live.share.id);
    if (cause) {
      live.share.state = 'failed';
      live.share.error = cause.toJSON();
      this.failures.set(targetKey(live.share.socket, live.share.sessionId), live.share);
    }
    this.emit('ended', structuredClone(live.share), cause?.toJSON() ?? null);
    this.changed();
  }
}
