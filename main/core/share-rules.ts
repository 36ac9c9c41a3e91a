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

/**
 * Pairs connected to one share: the server's count while sharing; 0 while the connection is down (whoever
 * was in is cut off until tmate reconnects); null where the server does not report pairs.
 */
export function pairsConnected(share: PresenceFacts): number | null {
  if (share.clients === null) return null;
  return share.state === 'sharing' ? share.clients : 0;
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
