/** The words the popover shows, as pure functions of the snapshot (easy to read, easy to test). */
import type { SessionView, ShareView } from '../main/contract.ts';
import { pairsConnected } from '../main/core/share-rules.ts';
import type { PairEvent } from '../main/core/shares.ts';

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** "2 windows · attached" (the server, when not the default one, is a tag beside the name). */
export function sessionMeta(session: SessionView): string {
  return `${plural(session.windows, 'window')} · ${session.attached > 0 ? 'attached' : 'detached'}`;
}

/** How many pairs are in, where the server says; null where it does not (a self-hosted server). */
export function clientsText(share: ShareView): string | null {
  const pairs = pairsConnected(share);
  if (pairs === null) return null;
  if (pairs === 0) return share.state === 'reconnecting' ? 'Pairs are cut off until the connection is back' : share.lastPairEvent ? 'No pair connected' : 'No one has joined yet';
  return `${plural(pairs, 'pair')} connected`;
}

export function timeOf(at: number): string {
  return new Date(at).toLocaleTimeString([], { hour: 'numeric', minute: '2-digit' });
}

/** "Joined 12:03 from 203.0.113.7" */
export function pairEventText(event: PairEvent | null): string | null {
  if (!event) return null;
  return `${event.kind === 'joined' ? 'Joined' : 'Left'} ${timeOf(event.at)} from ${event.ip}`;
}

export const STATE_LABELS: Record<ShareView['state'], string> = {
  starting: 'Starting…',
  sharing: 'Live',
  reconnecting: 'Reconnecting…',
  stopped: 'Ended',
  failed: 'Failed',
};
