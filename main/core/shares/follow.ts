/**
 * A ready share followed: what tmate prints after READY (pairs joining and leaving, reconnects, new links)
 * folded into the share and its record, and its end noticed without polling, through tmate's socket
 * leaving the directory or the exit of the tmate this process started. Then why it ended, when it was a
 * fault.
 */
import { existsSync, watch } from 'node:fs';
import { errors, type PairbarError } from '../errors.ts';
import { LogFollower } from '../log-follower.ts';
import type { DaemonExit } from '../process.ts';
import { parseLogLine } from '../tmate-log.ts';
import { pairClientOf } from '../pair-client.ts';
import { presenceOf } from '../share-rules.ts';
import { panePid, socketAnswers, type TmateEnv } from '../tmate.ts';
import { listClients, listSessions, type TmuxEnv } from '../tmux.ts';
import { applyEvent, type PairEvent, type Share } from './model.ts';
import { writeRecord, type Live } from './record.ts';

/** How long the link lines of one (re)connection take to arrive, at most, in practice: they come in one burst. */
const LINKS_SETTLE_MS = 300;

/** What following a share tells the registry. */
export interface FollowHandlers {
  pair: (event: PairEvent) => void;
  /** The server handed out new links, all of them in. */
  links: () => void;
  /** The share changed (its record is being written). */
  changed: () => void;
  /** tmate is gone or said the session closed; `how` where this process started it and saw it exit. */
  ended: (how?: DaemonExit) => void;
}

/** Follows the share's log from `offset` on; the follower and the directory watch are kept on `live`. */
export function followShare(live: Live, offset: number, on: FollowHandlers): void {
  const follower = new LogFollower(live.files.log, offset);
  live.follower = follower;
  follower.on('line', (line) => {
    const event = parseLogLine(line);
    if (!event) return;
    const before = JSON.stringify(live.share);
    const changedAt = live.share.linksChangedAt;
    const pairEvent = applyEvent(live.share, event);
    if (pairEvent) {
      // A pair has been in: from now on only tmux knows where their client is.
      live.pairKnown = false;
      on.pair(pairEvent);
    }
    if (live.share.linksChangedAt !== changedAt && !live.linksTimer) {
      // The server announces its links one line each (read-only first): tell once they are all in.
      live.linksTimer = setTimeout(() => {
        live.linksTimer = undefined;
        on.links();
      }, LINKS_SETTLE_MS);
      live.linksTimer.unref();
    }
    if (live.share.state === 'stopped') {
      on.ended();
      return;
    }
    if (before !== JSON.stringify(live.share)) {
      void writeRecord(live).catch(() => undefined);
      on.changed();
    }
  });
  follower.start();
  // tmate removes its socket when it exits: that is how a share that ended by itself (the shared session
  // was closed, tmate was killed) is noticed without polling.
  const dirWatcher = watch(live.files.dir, { persistent: false }, (_event, name) => {
    if (name === 'tmate.sock' && !existsSync(live.files.socket)) on.ended();
  });
  dirWatcher.on('error', () => dirWatcher.close());
  live.dirWatcher = dirWatcher;
  void live.exited?.then((how) => on.ended(how));
}

/** Stops following the share here: its logs and its directory (the share itself goes on). */
export function unfollow(live: Live): void {
  live.follower?.close();
  live.dirWatcher?.close();
  live.presenceFollower?.close();
}

/**
 * Why a share ended by itself, or null when that was no fault (the shared session closed on a tmux server
 * that goes on, another process stopped it). A tmux server that is gone cannot say whether it was killed or
 * exited with its last session (both leave a dead socket), so the cause says both. A tmate that exits in
 * order removes its socket; a killed one leaves it behind, refusing connections.
 */
export async function endCause(live: Live, how: DaemonExit | undefined, tmux: TmuxEnv): Promise<PairbarError | null> {
  const { share, files } = live;
  if (!(await socketAnswers(share.socket))) return errors.tmuxServerGone(share.session, share.socket);
  if (share.viewSession && !(await sessionLives(tmux, share))) return errors.sharedSessionClosed(share.session);
  if (how?.signal)
    return errors.tmateFailed(`it was killed (${how.signal}) while sharing ${JSON.stringify(share.session)}`);
  if (existsSync(files.socket) && !(await socketAnswers(files.socket)))
    return errors.tmateFailed(`its process ended without closing the share of ${JSON.stringify(share.session)}`);
  return null;
}

/** Whether the shared session is still there (asked for an independent view, which outlives it otherwise). */
async function sessionLives(tmux: TmuxEnv, share: Pick<Share, 'socket' | 'sessionId'>): Promise<boolean> {
  const sessions = await listSessions(tmux, share.socket).catch(() => undefined);
  // A listing that failed proves nothing: the share is left as it is.
  return sessions === undefined || sessions.some((session) => session.id === share.sessionId);
}

/**
 * The independent-view shares whose shared session was closed. The pair's view is a session of its own,
 * grouped with the user's, so it keeps the windows alive and tmate attached when the user's session is
 * killed: nothing ends by itself, and the share has to be ended here. One `tmux list-sessions` per tmux
 * server with such a share; none for the default view (its tmate exits with the session).
 */
export async function closedUnderView(lives: Live[], tmux: TmuxEnv): Promise<Live[]> {
  const views = lives.filter((live) => live.share.viewSession !== null);
  const closed: Live[] = [];
  for (const socket of new Set(views.map((live) => live.share.socket))) {
    const sessions = await listSessions(tmux, socket).catch(() => undefined);
    if (sessions === undefined) continue; // A listing that failed proves nothing.
    for (const live of views) {
      if (live.share.socket === socket && !sessions.some((session) => session.id === live.share.sessionId))
        closed.push(live);
    }
  }
  return closed;
}

/**
 * Where each share's pair client is, and its size (see pair-client.ts), found with one `tmux list-clients`
 * per tmux server; true when any share changed. The pane's pid (the pair's client) is learnt once: when the
 * share became ready, from share.json, or asked of tmate for a share adopted without it.
 */
export async function locatePairClients(
  all: Live[],
  { tmux, tmate }: { tmux: TmuxEnv; tmate: TmateEnv },
): Promise<boolean> {
  // Right after the start, with nobody in, where the pair's client is was known already (Live.pairKnown).
  const lives = all.filter((live) => !(live.pairKnown && presenceOf(live.share).present === false));
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
      const presence = presenceOf(live.share);
      const where = pairClientOf(
        clients,
        live.panePid,
        live.share.viewSession ?? live.share.sessionId,
        presence.pairSize ?? undefined,
      );
      // tmate keeps the last size it was told after the pair leaves, and takes the watcher's far larger one
      // while nobody is in: where the server or the watcher says nobody is in, the size is nobody's.
      if (presence.present === false) where.pairSize = null;
      const { pairClient, pairClientSession, pairSize, pairCanType } = live.share;
      if (JSON.stringify({ pairClient, pairClientSession, pairSize, pairCanType }) === JSON.stringify(where)) continue;
      Object.assign(live.share, where);
      changed = true;
    }
  }
  return changed;
}
