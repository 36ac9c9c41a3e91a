/**
 * What the sessions screen lists for a snapshot, before any element is made: pure, so which banner, card,
 * problem and row shows is tested as a table in Node, and the views only draw it.
 */
import type { Problem, SessionView, ShareView, Snapshot } from '../main/contract.ts';
import { sessionKey, shareKey } from './action-keys.ts';

/** Problems that leave nothing to list: shown in place of the session list rather than as a banner above it. */
const BLOCKING: ReadonlySet<Problem['code']> = new Set([
  'TMUX_MISSING',
  'TMATE_MISSING',
  'TMATE_TOO_OLD',
  'NO_TMUX_SERVER',
  'NO_SESSIONS',
]);
/** Without these nothing can be shared, not even a new terminal. */
const CANNOT_SHARE: ReadonlySet<Problem['code']> = new Set(['TMUX_MISSING', 'TMATE_MISSING', 'TMATE_TOO_OLD']);

export const NO_SESSIONS: Problem = {
  code: 'NO_SESSIONS',
  message: 'tmux is running but has no sessions.',
  fix: 'Create one with `tmux new -s work`, or share a new blank terminal instead.',
};

export interface Layout {
  /** Problems that leave the sessions usable, on top. */
  banners: Problem[];
  /** Shares first (what the person is doing now), each with its session where tmux still lists it. */
  cards: { share: ShareView; session: SessionView | undefined }[];
  /** Where there is no session: why, big when no card is shown above. */
  blocking: { problem: Problem; big: boolean }[];
  /** The sessions that could be shared (a shared one shows as its card instead). */
  rows: SessionView[];
  /** "Share a new terminal", the main button when there is no session; none while tmux or tmate is missing. */
  newTerminal: { primary: boolean } | null;
}

export function layout({ sessions, shares, problems }: Pick<Snapshot, 'sessions' | 'shares' | 'problems'>): Layout {
  const byTarget = new Map(sessions.map((session) => [sessionKey(session), session]));
  const shared = new Set(shares.map(shareKey));
  const cards = shares.map((share) => ({ share, session: byTarget.get(shareKey(share)) }));
  let blocking: Problem[] = [];
  if (sessions.length === 0) {
    blocking = problems.filter((problem) => BLOCKING.has(problem.code));
    if (blocking.length === 0) blocking.push(NO_SESSIONS);
  }
  const missing = problems.some((problem) => CANNOT_SHARE.has(problem.code));
  return {
    banners: problems.filter((problem) => !BLOCKING.has(problem.code)),
    cards,
    blocking: blocking.map((problem) => ({ problem, big: cards.length === 0 })),
    rows: sessions.filter((session) => !shared.has(sessionKey(session))),
    newTerminal: missing ? null : { primary: sessions.length === 0 },
  };
}
