/**
 * Rules about a share that every surface (tray, notifications, popover, command) must answer the same
 * way, so they live once, here. No imports: the renderer bundles this file.
 */

/** What names a shared session across processes: its tmux server's socket and tmux's session id. */
export function targetKey(socket: string, sessionId: string): string {
  return `${socket}\0${sessionId}`;
}

interface PresenceFacts {
  state: 'starting' | 'sharing' | 'reconnecting' | 'stopped' | 'failed';
  clients: number | null;
}

/** What a share's presence watcher said (core/presence.ts), as the share carries it. */
interface WatchedPresence {
  present: boolean;
  since: number;
  size: CellSize | null;
}

interface PresenceSources extends PresenceFacts {
  /** null where no watcher runs for the share. */
  presence: WatchedPresence | null;
  lastPairEvent: { at: number } | null;
}

/**
 * Who is in a share, the one answer tray, card, notifications, `status` and `--json` give.
 * - `present`: someone is in; null where nobody can know (no watcher and a server that does not count).
 * - `since`: since when someone is in, or since when nobody is (the last left, or the share started).
 * - `clients`: the exact count, only where the server reports one (tmate.io-style servers).
 * - `pairSize`: the smallest pair's terminal as the server told it (less its status line), while someone is in.
 * A server's count wins over the watcher (it is exact); while the connection is down nobody is in.
 */
export interface PresenceView {
  present: boolean | null;
  since: number | null;
  clients: number | null;
  pairSize: CellSize | null;
}

export function presenceOf(share: PresenceSources): PresenceView {
  const clients = pairsConnected(share);
  const watched = share.presence;
  const live = share.state === 'sharing';
  const present = clients !== null ? clients > 0 : watched && live ? watched.present : watched ? false : null;
  const agrees = watched !== null && live && watched.present === present;
  const since = agrees ? watched.since : (share.lastPairEvent?.at ?? null);
  const pairSize = present && agrees && watched.size ? { ...watched.size } : null;
  return { present, since: present === null ? null : since, clients, pairSize };
}

/**
 * Pairs connected to one share: the server's count while sharing; 0 while the connection is down (whoever
 * was in is cut off until tmate reconnects); null where the server does not report pairs.
 */
export function pairsConnected(share: PresenceFacts): number | null {
  if (share.clients === null) return null;
  return share.state === 'sharing' ? share.clients : 0;
}

/**
 * Who is in, in words, for the card and `pairbar status`: "Someone is in since 14:02 (their terminal 90×23)"
 * or "Nobody is in" where only the watcher knows; with the server's count where it gives one; null where
 * nobody can know. `clock` formats a time of day.
 */
export function presenceText(share: PresenceSources, clock: (at: number) => string): string | null {
  const { present, since, clients, pairSize } = presenceOf(share);
  if (present === null) return null;
  const size = pairSize
    ? ` (${clients !== null && clients > 1 ? 'the smallest terminal' : 'their terminal'} ${cells(pairSize)})`
    : '';
  if (!present) return clients === null ? 'Nobody is in' : 'No pair connected';
  const who = clients === null ? 'Someone is in' : `${clients} pair${clients === 1 ? '' : 's'} connected`;
  return `${who}${since !== null ? ` since ${clock(since)}` : ''}${size}`;
}

/**
 * When a share set to end once nobody is in ends, in words (the card and `status`, like the end of `--for`):
 * "at 14:32 unless someone joins" while nobody is, "10 min after the last pair leaves" while someone is;
 * null for a share that does not end so. `span` formats a length of time.
 */
export function emptyEndText(
  share: PresenceSources & { endWhenEmptyMs: number | null },
  clock: (at: number) => string,
  span: (ms: number) => string,
): string | null {
  if (share.endWhenEmptyMs === null || !share.presence) return null;
  const after = `${span(share.endWhenEmptyMs)} after the last pair leaves`;
  if (presenceOf(share).present) return after;
  return `at ${clock(share.presence.since + share.endWhenEmptyMs)} unless someone joins (${after})`;
}

/** The live shares someone is in (by the presence rule). */
export function sharesWithSomeoneIn<T extends PresenceSources>(shares: readonly T[]): T[] {
  return shares.filter((share) => presenceOf(share).present === true);
}

/** Pairs connected over all shares, or null when no share's server reports them. */
export function totalPairsConnected(shares: readonly PresenceFacts[]): number | null {
  const counts = shares.map(pairsConnected).filter((count): count is number => count !== null);
  return counts.length === 0 ? null : counts.reduce((sum, count) => sum + count, 0);
}

/** `mine`: the pair's terminal never resizes the user's windows; `follow`: tmux's own rule (the latest client). */
export type SizePolicy = 'follow' | 'mine';
export const SIZE_POLICIES: readonly SizePolicy[] = ['follow', 'mine'];

/** `independent`: the pair moves between windows without moving the user's view; `follow`: one view for both. */
export type ViewPolicy = 'follow' | 'independent';
export const VIEW_POLICIES: readonly ViewPolicy[] = ['follow', 'independent'];

/** Columns and rows, in terminal cells. */
export interface CellSize {
  cols: number;
  rows: number;
}

/** How the pair's terminal fits the shared window, where the server told the pair's size (core/pair-client.ts). */
export interface PairSize {
  /** What the pair's terminal has for the window: the size the server told, less tmux's status lines. */
  room: CellSize;
  /** The shared window as the pair's client shows it (with pair.size `mine`, the size your terminals give it). */
  window: CellSize;
  /** The room is narrower or shorter than the window: the pair sees only part of it. */
  smaller: boolean;
}

interface PairSizeFacts extends PresenceSources {
  pairSize: PairSize | null;
  size: SizePolicy;
  /** Set where `mine` could not be honoured (tmux older than 3.2): the window then follows tmux's own rule. */
  sizeNote: string | null;
}

function cells(size: CellSize): string {
  return `${size.cols}×${size.rows}`;
}

/**
 * What the popover and `pairbar status` say when the pair sees only part of the shared window, and what to
 * do; null otherwise. Said while a pair is connected. Where the server does not report pairs (a bare
 * tmate-ssh-server) nobody knows whether they still are, so it is said as the size the server last told.
 */
export function pairSizeText(share: PairSizeFacts): { message: string; fix: string } | null {
  const fit = share.pairSize;
  if (!fit?.smaller || share.state !== 'sharing') return null;
  const { present } = presenceOf(share);
  if (present === false) return null;
  const sizes = `room for ${cells(fit.room)} of your ${cells(fit.window)} window: they see only part of it.`;
  // Known to be in (a count, or the presence watcher), or only the size the server last told.
  const message =
    present === null
      ? `A pair's terminal has ${sizes} This server doesn't say whether that pair is still connected; the size is the last it told.`
      : `Your pair's terminal has ${sizes}`;
  // With ignore-size in effect the window keeps the user's size; otherwise tmux gives it to whoever typed last.
  const keepsYourSize = share.size === 'mine' && share.sizeNote === null;
  const fix = keepsYourSize
    ? 'Ask them to enlarge their terminal. Or end the pair and share again with pair.size follow: your window then takes their size.'
    : 'Ask them to enlarge their terminal: your window takes their size only while they are the last to type.';
  return { message, fix };
}
