/** The words the popover shows, as pure functions of the snapshot (easy to read, easy to test). */
import type { SessionView, ShareView } from '../main/contract.ts';
import { pairsConnected, totalPairsConnected } from '../main/core/share-rules.ts';
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

/**
 * How the clock is read: the popover uses the person's own locale and time zone (the defaults); a test
 * names them, so its expected strings hold on any machine.
 */
export interface ClockStyle {
  locales?: Intl.LocalesArgument;
  timeZone?: string;
}

export function timeOf(at: number, clock: ClockStyle = {}): string {
  return new Date(at).toLocaleTimeString(clock.locales ?? [], { hour: 'numeric', minute: '2-digit', timeZone: clock.timeZone });
}

/** "Joined 12:03 from 203.0.113.7" */
export function pairEventText(event: PairEvent | null, clock: ClockStyle = {}): string | null {
  if (!event) return null;
  return `${event.kind === 'joined' ? 'Joined' : 'Left'} ${timeOf(event.at, clock)} from ${event.ip}`;
}

export const STATE_LABELS: Record<ShareView['state'], string> = {
  starting: 'Starting…',
  sharing: 'Live',
  reconnecting: 'Reconnecting…',
  stopped: 'Ended',
  failed: 'Failed',
};

/** The header's line under "Pairbar", and its tone: 'on' while something is shared, 'bad' when only failures are left. */
export function statusLine(shares: readonly ShareView[]): { text: string; tone: 'on' | 'bad' | null } {
  const count = (state: ShareView['state']) => shares.filter((item) => item.state === state).length;
  const live = count('sharing') + count('reconnecting');
  const failed = count('failed');
  const pairs = totalPairsConnected(shares) ?? 0;
  let text = 'Not sharing';
  if (live) text = `Sharing ${plural(live, 'session')}${pairs ? ` · ${plural(pairs, 'pair')}` : ''}`;
  else if (count('starting')) text = 'Starting a share…';
  else if (failed) text = 'A share failed';
  return { text, tone: live ? 'on' : failed ? 'bad' : null };
}
