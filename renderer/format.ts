/** The words the popover shows, as pure functions of the snapshot (easy to read, easy to test). */
import type { ServerView, SessionView, ShareView } from '../main/contract.ts';
import { describeAllowed } from '../main/core/allowed.ts';
import { formatTimeLeft } from '../main/core/time-left.ts';
export { nextTimeLeftChange } from '../main/core/time-left.ts';
import type { ServerOffers, ServerTestResult } from '../main/core/server-test.ts';
import { pairsConnected, totalPairsConnected } from '../main/core/share-rules.ts';
import type { PairEvent } from '../main/core/shares.ts';

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** "2 windows · attached" (the server, when not the default one, is a tag beside the name). */
export function sessionMeta(session: SessionView): string {
  return `${plural(session.windows, 'window')} · ${session.attached > 0 ? 'attached' : 'detached'}`;
}

/** How many pairs are in, where the server says; where it does not (a self-hosted server), that it does not. */
export function clientsText(
  share: Pick<ShareView, 'clients' | 'state' | 'lastPairEvent' | 'reportsPairs'>,
): string | null {
  if (!share.reportsPairs) return "This server doesn't report who joins";
  const pairs = pairsConnected(share);
  if (pairs === null) return null;
  if (pairs === 0)
    return share.state === 'reconnecting'
      ? 'Pairs are cut off until the connection is back'
      : share.lastPairEvent
        ? 'No pair connected'
        : 'No one has joined yet';
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
  return new Date(at).toLocaleTimeString(clock.locales ?? [], {
    hour: 'numeric',
    minute: '2-digit',
    timeZone: clock.timeZone,
  });
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

/** tmate.io's public servers, wherever a server is named. */
export const SHUT_DOWN = 'shut down since 2025';

/** "ours · 127.0.0.1:2200", with tmate.io marked as gone. */
export function serverText(server: Pick<ServerView, 'name' | 'address' | 'shutDown'>): string {
  return `${server.name} · ${server.address}${server.shutDown ? ` (${SHUT_DOWN})` : ''}`;
}

/** Who may join: "github:alice · 2 keys, keys file · 3 keys", or anyone holding a link. */
export function allowedText(share: Pick<ShareView, 'allowed'>): string {
  return share.allowed ? share.allowed.map(describeAllowed).join(', ') : 'Anyone with a link';
}

/** Why a key-restricted share has no web links (tmate gives none then); null where nothing is missing for that reason. */
export function missingWebText(share: Pick<ShareView, 'allowed' | 'links'>): string | null {
  if (!share.allowed || share.links.web || share.links.webReadOnly) return null;
  return 'No web links: a browser has no SSH key to check, so tmate gives none when only listed keys may join.';
}

/** "New links since 14:02": the server handed out other links, and the old ones no longer work. */
export function linksChangedText(share: Pick<ShareView, 'linksChangedAt'>, clock: ClockStyle = {}): string | null {
  return share.linksChangedAt === null
    ? null
    : `New links since ${timeOf(share.linksChangedAt, clock)} — the old ones no longer work`;
}

/** "Ends by itself · 12 min left"; null for a share that lasts until someone ends it. */
export function timeLeftText(share: Pick<ShareView, 'endsAt'>, now: number): string | null {
  return share.endsAt === null ? null : `Ends by itself · ${formatTimeLeft(share.endsAt - now)}`;
}

/** What a server gives a share, as the test reports it. */
export function offersText(offers: ServerOffers): string {
  const ssh =
    offers.ssh && offers.sshReadOnly
      ? 'SSH and read-only SSH links'
      : offers.ssh
        ? 'SSH links (no read-only one)'
        : offers.sshReadOnly
          ? 'read-only SSH links only'
          : 'no SSH links';
  const web = offers.web || offers.webReadOnly ? 'web links' : 'no web links';
  return `${ssh} · ${web} · ${offers.reportsPairs ? 'reports who joins' : "doesn't report who joins"}`;
}

/** The headline of a test's result: "Connected to 127.0.0.1:2200: links in 1.2 s". */
export function testHeadline(result: ServerTestResult): string {
  const seconds = ((result.ok ? result.msToLinks : result.ms) / 1000).toFixed(1);
  return result.ok
    ? `Connected to ${result.server}: links in ${seconds} s`
    : `The test of ${result.server} failed after ${seconds} s`;
}

/** An auto-end choice: "Never", "30 min", "1 h", "1 h 30 min". */
export function endChoiceLabel(minutes: number): string {
  if (minutes <= 0) return 'Never';
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours === 0) return `${rest} min`;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}

/** The auto-end choices offered, with `current` (the preference's value) among them. */
export function endChoices(current: number): number[] {
  return [...new Set([0, 15, 30, 60, 120, 240, current])].sort((a, b) => a - b);
}

/**
 * When the pair's tmux client is no longer on the shared session (a read-write pair ran switch-client or
 * detach-client -E; core/pair-client.ts finds it on each refresh): what the card warns. null while it is.
 */
export function pairClientText(
  share: Pick<ShareView, 'pairClient' | 'pairClientSession'>,
): { message: string; fix: string } | null {
  if (share.pairClient === 'elsewhere') {
    return {
      message: `The pair's terminal is on another of your sessions, “${share.pairClientSession ?? 'unknown'}”, which you never shared.`,
      fix: 'End the pair to take it back; your own terminal and sessions stay as they are.',
    };
  }
  if (share.pairClient === 'gone') {
    return {
      message: "The pair's terminal has left tmux: they may be running a command outside your session.",
      fix: 'End the pair to stop it; your own terminal and sessions stay as they are.',
    };
  }
  return null;
}
