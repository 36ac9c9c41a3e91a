/**
 * What Pairbar tells the user outside the popover: the desktop notifications (a pair joined or left, new
 * links that make the old ones dead, a share that ended by itself or is about to, a share that failed),
 * each gated by its preference, and the question asked before quitting ends pairs. PURE functions (no
 * Electron): electron/notifications.ts shows what they return; quit.ts asks the question.
 */
import { formatTimeLeft } from '../core/duration.ts';
import { pairsConnected, totalPairsConnected } from '../core/share-rules.ts';
import type { ErrorInfo } from '../core/errors.ts';
import type { PairEvent } from '../core/shares.ts';
import type { ShareView } from '../contract.ts';
import type { Prefs } from '../prefs/schema.ts';
import { pairsLabel } from './tray.ts';

export interface NotificationSpec {
  title: string;
  body: string;
  /** Which preference allowed it; null for the answer to something the user just did (the global shortcut). */
  pref: 'notifications.pairJoined' | 'notifications.pairLeft' | 'notifications.shareProblems' | null;
}

type NotifyPrefs = Pick<Prefs, 'notifications.pairJoined' | 'notifications.pairLeft' | 'notifications.shareProblems'>;

/** A pair joined or left a share. */
export function pairNotification(
  share: { session: string },
  event: PairEvent,
  prefs: NotifyPrefs,
): NotificationSpec | null {
  const now = `${pairsLabel(event.clients)}.`;
  if (event.kind === 'joined') {
    if (!prefs['notifications.pairJoined']) return null;
    return {
      title: `A pair joined “${share.session}”`,
      body: `From ${event.ip} — ${now}`,
      pref: 'notifications.pairJoined',
    };
  }
  if (!prefs['notifications.pairLeft']) return null;
  return {
    title: `A pair left “${share.session}”`,
    body: `${event.ip} disconnected — ${now}`,
    pref: 'notifications.pairLeft',
  };
}

/**
 * The server handed out new links for a share (a bare tmate-ssh-server does after a reconnect): a pair
 * holding the old ones is locked out until given the new. Links that came back the same are no news.
 */
export function linksChangedNotification(
  share: Pick<ShareView, 'session'>,
  prefs: NotifyPrefs,
): NotificationSpec | null {
  if (!prefs['notifications.shareProblems']) return null;
  // The link itself is never put in a notification: lock screens and notification history show it to anyone.
  return {
    title: `New links for “${share.session}” — the old ones no longer work`,
    body: `Send your pair the new links of “${share.session}” from the Pairbar menu.`,
    pref: 'notifications.shareProblems',
  };
}

/**
 * A share ended without the user stopping it (its tmux session closed; tmate or the tmux server killed,
 * with the cause): the pair's links stopped working.
 */
export function endedNotification(
  share: { session: string },
  error: ErrorInfo | null,
  prefs: NotifyPrefs,
): NotificationSpec | null {
  if (!prefs['notifications.shareProblems']) return null;
  return {
    title: `Sharing “${share.session}” ended`,
    body: error ? `${error.message} ${error.fix}` : 'The session was closed or tmate exited; its links no longer work.',
    pref: 'notifications.shareProblems',
  };
}

/**
 * A share that ends by itself is about to (a minute before, or at once when it was started with less). Gated
 * with the other "a share drops" notices: the pair is about to be cut off either way.
 */
export function endingNotification(
  share: { session: string },
  msLeft: number,
  prefs: NotifyPrefs,
): NotificationSpec | null {
  if (!prefs['notifications.shareProblems']) return null;
  return {
    title: `Sharing “${share.session}” ends soon`,
    body: `It ends by itself in ${formatTimeLeft(msLeft).replace(/ left$/, '')}; your session stays as it is. End it sooner from the Pairbar menu.`,
    pref: 'notifications.shareProblems',
  };
}

/**
 * Shares that failed to start between two snapshots' share lists: one notification each. A share that was
 * up before and failed now ended (tmate killed, the tmux server gone): endedNotification tells that one.
 */
export function failureNotifications(before: ShareView[], after: ShareView[], prefs: NotifyPrefs): NotificationSpec[] {
  if (!prefs['notifications.shareProblems']) return [];
  const toldBefore = new Set(before.filter((share) => share.state !== 'starting').map((share) => share.id));
  return after
    .filter((share) => share.state === 'failed' && !toldBefore.has(share.id))
    .map((share) => ({
      title: `Sharing “${share.session}” failed`,
      body: share.error ? `${share.error.message} ${share.error.fix}` : 'tmate did not start.',
      pref: 'notifications.shareProblems' as const,
    }));
}

export interface QuitQuestion {
  message: string;
  detail: string;
  buttons: [string, string];
}

/** The question to ask before quitting, or null when nobody is connected and quitting can just happen. */
export function quitQuestion(shares: readonly Pick<ShareView, 'state' | 'clients' | 'session'>[]): QuitQuestion | null {
  const pairs = totalPairsConnected(shares) ?? 0;
  if (pairs === 0) return null;
  const sessions = shares.filter((share) => (pairsConnected(share) ?? 0) > 0).map((share) => `“${share.session}”`);
  return {
    message: `End ${pairs} pair${pairs === 1 ? '' : 's'} and quit?`,
    detail: `Quitting stops sharing ${sessions.join(', ')}: connected pairs are disconnected and the links stop working. Your own tmux sessions keep running.`,
    buttons: ['End and Quit', 'Cancel'],
  };
}

/** How long who is in must hold still before it is announced: comings and goings within it make one notice. */
export const PRESENCE_SETTLE_MS = 2_000;

/**
 * What a settled burst of presence changes on a bare server comes to: "Someone joined work" when someone
 * is in now and nobody was, "Nobody is in work now" when the last one left, nothing when it came back to
 * where it was (someone came and went within the burst, or only a size changed). A server that counts
 * pairs announces each join and leave itself (pairNotification), so nothing is said here for its shares.
 */
export function presenceNotification(
  share: Pick<ShareView, 'session' | 'clients'>,
  wasIn: boolean,
  isIn: boolean,
  prefs: NotifyPrefs,
): NotificationSpec | null {
  if (share.clients !== null || wasIn === isIn) return null;
  if (isIn) {
    if (!prefs['notifications.pairJoined']) return null;
    return {
      title: `Someone joined “${share.session}”`,
      body: "This server doesn't say who or how many; the popover shows since when and their terminal's size.",
      pref: 'notifications.pairJoined',
    };
  }
  if (!prefs['notifications.pairLeft']) return null;
  return {
    title: `Nobody is in “${share.session}” now`,
    body: 'The last pair left; the links still work.',
    pref: 'notifications.pairLeft',
  };
}

/**
 * Coalesces a share's presence changes: the first change of a burst remembers whether someone was in, each
 * further one restarts the wait, and once it has been still for `settleMs` one notification (or none) says
 * where it ended up. The timers come in as parameters, so the tables can drive it without waiting.
 */
export function presenceNotices(
  show: (spec: NotificationSpec) => void,
  prefs: () => NotifyPrefs,
  timers: { set: (fn: () => void, ms: number) => unknown; clear: (handle: unknown) => void } = {
    set: (fn, ms) => setTimeout(fn, ms).unref(),
    clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
  },
  settleMs = PRESENCE_SETTLE_MS,
): (share: Pick<ShareView, 'id' | 'session' | 'clients'>, wasIn: boolean, isIn: boolean) => void {
  const pending = new Map<string, { wasIn: boolean; timer: unknown }>();
  return (share, wasIn, isIn) => {
    const burst = pending.get(share.id);
    if (burst) timers.clear(burst.timer);
    const startedIn = burst ? burst.wasIn : wasIn;
    const timer = timers.set(() => {
      pending.delete(share.id);
      const spec = presenceNotification(share, startedIn, isIn, prefs());
      if (spec) show(spec);
    }, settleMs);
    pending.set(share.id, { wasIn: startedIn, timer });
  };
}
