/**
 * The tray: which icon, title and tooltip stand for the current snapshot, and the menu it offers. Both are
 * PURE functions of the snapshot (no Electron import here, only types), so they are tested without Electron;
 * electron/tray.ts turns the plain menu template into Electron's Menu; tray-actions.ts runs the action descriptors.
 *
 * Per platform:
 * - macOS: Template images (black + alpha, the system tints them), the pair count as the title next to the
 *   icon; left click toggles the popover, right click pops this menu up.
 * - Windows: colour icons; left click toggles the popover, right click shows this menu.
 * - Linux: colour icons; this menu is the ONLY way in, because AppIndicator/StatusNotifier trays send no click
 *   events (electron/electron#6773; Electron's Tray docs list 'click' as not emitted there), so
 *   the menu alone must do everything: open the popover, share, copy, stop, preferences, quit. Its first line
 *   also states what the tooltip says elsewhere, as most Linux panels show no tooltip.
 */
import type { LinkKind, SessionView, ShareView, Snapshot } from '../contract.ts';
import { clockTime } from '../core/duration.ts';
import { describeAllowed } from '../core/keys.ts';
import { orderedLinks } from '../core/links.ts';
import { presenceOf, sharesWithSomeoneIn, targetKey, totalPairsConnected } from '../core/share-rules.ts';
import { formatTimeLeft } from '../core/time-left.ts';

export type TrayStateName = 'idle' | 'starting' | 'sharing' | 'paired' | 'reconnecting' | 'failed';

export const TRAY_STATES: readonly TrayStateName[] = [
  'idle',
  'starting',
  'sharing',
  'paired',
  'reconnecting',
  'failed',
];

export interface TrayState {
  name: TrayStateName;
  /** Pairs connected over every live share; null when no live share's server reports a count. */
  pairs: number | null;
  /** Sessions shared now (sharing or reconnecting). */
  shared: string[];
  /** macOS: the text beside the icon — the pair count while sharing, else empty. */
  title: string;
  /** "Pairbar — sharing work, 1 pair connected". */
  tooltip: string;
}

const isLive = (share: ShareView) => share.state === 'sharing' || share.state === 'reconnecting';

function quoteList(names: string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

export function pairsLabel(count: number): string {
  return `${count} pair${count === 1 ? '' : 's'} connected`;
}

/**
 * The state the icon shows. A connected pair outranks everything (someone is in your terminal); then what
 * needs attention (reconnecting, failed), then what is on its way (starting), then plain sharing.
 */
export function trayState(snapshot: Snapshot, now = Date.now()): TrayState {
  const shares = snapshot.shares;
  const live = shares.filter(isLive);
  const sharing = shares.filter((share) => share.state === 'sharing');
  const pairs = totalPairsConnected(live);
  const names = (list: ShareView[]) => list.map((share) => share.session);

  // Someone in, by the one presence rule: the server's count, or the presence watcher on a bare server.
  const occupied = sharesWithSomeoneIn(live);
  let name: TrayStateName;
  if ((pairs !== null && pairs > 0) || occupied.length > 0) name = 'paired';
  else if (shares.some((share) => share.state === 'reconnecting')) name = 'reconnecting';
  else if (shares.some((share) => share.state === 'failed')) name = 'failed';
  else if (shares.some((share) => share.state === 'starting')) name = 'starting';
  else if (sharing.length > 0) name = 'sharing';
  else name = 'idle';

  const parts: string[] = [];
  if (sharing.length > 0)
    parts.push(`sharing ${quoteList(names(sharing))}${pairs !== null ? `, ${pairsLabel(pairs)}` : ''}`);
  const uncounted = occupied.filter((share) => share.clients === null);
  if (uncounted.length > 0) parts.push(`someone is in ${quoteList(names(uncounted))}`);
  const reconnecting = shares.filter((share) => share.state === 'reconnecting');
  if (reconnecting.length > 0) parts.push(`reconnecting ${quoteList(names(reconnecting))}`);
  const starting = shares.filter((share) => share.state === 'starting');
  if (starting.length > 0) parts.push(`starting to share ${quoteList(names(starting))}`);
  const failed = shares.filter((share) => share.state === 'failed');
  if (failed.length > 0) parts.push(`sharing ${quoteList(names(failed))} failed`);
  // The time left goes stale: the tray controller redraws the tooltip when it next reads differently.
  for (const share of live)
    if (share.endsAt !== null)
      parts.push(
        `${quoteList([share.session])} ends at ${clockTime(share.endsAt)} (${formatTimeLeft(share.endsAt - now)})`,
      );
  if (parts.length === 0) parts.push('not sharing');

  return {
    name,
    pairs,
    shared: names(live),
    title: live.length > 0 && pairs !== null ? String(pairs) : '',
    tooltip: `Pairbar — ${parts.join('; ')}`,
  };
}

/** The icon file for a state: macOS Template images (Electron picks the @2x beside it), colour elsewhere. */
export function trayIconFile(state: TrayStateName, platform: NodeJS.Platform): string {
  return platform === 'darwin' ? `tray-${state}Template.png` : `tray-${state}.png`;
}

/** What a menu item does, as data: tray-actions.ts maps each kind to the call it makes. */
export type TrayAction =
  | { kind: 'share'; session: string; socket: string }
  | { kind: 'share-blank' }
  | { kind: 'copy'; shareId: string; link: LinkKind }
  | { kind: 'stop'; shareId: string }
  | { kind: 'rotate'; shareId: string }
  | { kind: 'keyboard'; shareId: string; canType: boolean }
  | { kind: 'refresh' }
  | { kind: 'open' }
  | { kind: 'preferences' }
  | { kind: 'quit' };

/** A plain Electron menu template item, with an action descriptor in place of a click closure. */
export interface TrayMenuItem {
  label?: string;
  type?: 'normal' | 'separator' | 'submenu' | 'checkbox';
  enabled?: boolean;
  checked?: boolean;
  submenu?: TrayMenuItem[];
  action?: TrayAction;
  toolTip?: string;
}

const SEPARATOR: TrayMenuItem = { type: 'separator' };
/** Menu labels are one line; a long tmux message or session name must not make a menu screen-wide. */
const MAX_LABEL = 64;

function clip(text: string, max = MAX_LABEL): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** Electron treats '&' as a mnemonic marker on Windows and Linux; a session named "a&b" must show as typed. */
function literal(text: string, platform: NodeJS.Platform): string {
  return platform === 'darwin' ? text : text.replaceAll('&', '&&');
}

function sessionLabel(session: SessionView, platform: NodeJS.Platform): string {
  const server = session.server === 'default' ? '' : ` on ${session.server}`;
  const windows = `${session.windows} window${session.windows === 1 ? '' : 's'}`;
  return `${literal(clip(session.name, 40), platform)} (${windows}${literal(server, platform)})`;
}

/** `server`: the -L label of the share's tmux server, named so two sessions called "work" can be told apart. */
function shareItems(
  share: ShareView,
  server: string | undefined,
  platform: NodeJS.Platform,
  copyLink: LinkKind,
): TrayMenuItem[] {
  const where = server && server !== 'default' ? ` on ${literal(clip(server, 20), platform)}` : '';
  const name = `“${literal(clip(share.session, 40), platform)}”${where}`;
  // The share.copyLink kind first: the first copy item is the one the preference names.
  const copies = (): TrayMenuItem[] =>
    orderedLinks(copyLink)
      .filter(({ kind }) => share.links[kind])
      .map(({ kind, menuLabel }) => ({ label: menuLabel, action: { kind: 'copy', shareId: share.id, link: kind } }));
  const access = (): TrayMenuItem[] => [
    ...(share.allowed
      ? [
          {
            label: literal(clip(`Only ${share.allowed.map(describeAllowed).join(', ')} may join`), platform),
            enabled: false,
          },
        ]
      : []),
    ...(share.endsAt !== null ? [{ label: `Ends by itself at ${clockTime(share.endsAt)}`, enabled: false }] : []),
  ];
  const rotate: TrayMenuItem = {
    label: `New Links for ${name} (Drops Everyone)`,
    action: { kind: 'rotate', shareId: share.id },
  };
  // Only where the pair's client is on the user's tmux server: elsewhere there is no keyboard to take.
  const keyboard = (): TrayMenuItem[] =>
    share.pairClient === 'gone'
      ? []
      : share.pairCanType === false
        ? [
            {
              label: `Give the Keyboard Back in ${name}`,
              action: { kind: 'keyboard', shareId: share.id, canType: true },
            },
          ]
        : [
            {
              label: `Take the Keyboard in ${name} (Pair Watches Only)`,
              action: { kind: 'keyboard', shareId: share.id, canType: false },
            },
          ];
  switch (share.state) {
    case 'starting':
      return [
        { label: `Starting to share ${name}…`, enabled: false },
        { label: `Cancel Sharing ${name}`, action: { kind: 'stop', shareId: share.id } },
      ];
    case 'sharing': {
      const pairs =
        share.clients !== null
          ? ` — ${pairsLabel(share.clients)}`
          : presenceOf(share).present
            ? ' — someone is in'
            : '';
      return [
        { label: `Sharing ${name}${pairs}`, enabled: false },
        ...access(),
        ...copies(),
        ...keyboard(),
        rotate,
        {
          label: share.clients ? `End Pairing: Stop Sharing ${name}` : `Stop Sharing ${name}`,
          action: { kind: 'stop', shareId: share.id },
        },
      ];
    }
    case 'reconnecting':
      return [
        { label: `Reconnecting ${name}…`, enabled: false },
        ...access(),
        ...copies(),
        rotate,
        { label: `Stop Sharing ${name}`, action: { kind: 'stop', shareId: share.id } },
      ];
    case 'failed':
      return [
        { label: `Sharing ${name} failed`, enabled: false },
        ...(share.error
          ? [{ label: literal(clip(share.error.message), platform), enabled: false, toolTip: share.error.fix }]
          : []),
        { label: `Try Again`, action: { kind: 'share', session: share.session, socket: share.socket } },
        { label: `Dismiss`, action: { kind: 'stop', shareId: share.id } },
      ];
    case 'stopped':
      return [];
  }
}

function shareSubmenu(snapshot: Snapshot, platform: NodeJS.Platform): TrayMenuItem[] {
  const sharedKeys = new Set(
    snapshot.shares
      .filter((share) => share.state !== 'failed')
      .map((share) => targetKey(share.socket, share.sessionId)),
  );
  const items: TrayMenuItem[] = snapshot.sessions.map((session) => {
    const shared = sharedKeys.has(targetKey(session.socket, session.id));
    return shared
      ? { label: sessionLabel(session, platform), type: 'checkbox', checked: true, enabled: false }
      : {
          label: sessionLabel(session, platform),
          action: { kind: 'share', session: session.name, socket: session.socket },
        };
  });
  if (items.length === 0) {
    const problem = snapshot.problems[0];
    items.push({
      label: problem ? literal(clip(problem.message), platform) : 'No tmux sessions',
      enabled: false,
      ...(problem ? { toolTip: problem.fix } : {}),
    });
  }
  // A blank terminal needs tmux (and tmate) to exist: offer it unless one of them is missing.
  const missing = snapshot.problems.some(
    (problem) => problem.code === 'TMUX_MISSING' || problem.code === 'TMATE_MISSING',
  );
  items.push(SEPARATOR, { label: 'New Terminal', enabled: !missing, action: { kind: 'share-blank' } }, SEPARATOR, {
    label: 'Refresh Sessions',
    action: { kind: 'refresh' },
  });
  return items;
}

/**
 * The tray's menu for a snapshot. Status first (on Linux it is the only place the state is written), then
 * each share with its links and its stop item, then "Share a Session", then the app items.
 */
export function buildTrayMenu(snapshot: Snapshot, platform: NodeJS.Platform): TrayMenuItem[] {
  const state = trayState(snapshot);
  const menu: TrayMenuItem[] = [];
  const open: TrayMenuItem = { label: 'Open Pairbar', action: { kind: 'open' } };
  // Linux: no click reaches the app, so opening the popover leads the menu.
  if (platform === 'linux') menu.push(open, SEPARATOR);
  menu.push({
    label: literal(clip(state.tooltip.replace(/^Pairbar — /, ''), 80), platform).replace(/^./, (c) => c.toUpperCase()),
    enabled: false,
  });

  const shares = snapshot.shares.filter((share) => share.state !== 'stopped');
  const serverOf = (socket: string) => snapshot.sessions.find((session) => session.socket === socket)?.server;
  for (const share of shares)
    menu.push(SEPARATOR, ...shareItems(share, serverOf(share.socket), platform, snapshot.prefs['share.copyLink']));

  menu.push(SEPARATOR, { label: 'Share a Session', type: 'submenu', submenu: shareSubmenu(snapshot, platform) });

  menu.push(SEPARATOR);
  if (platform !== 'linux') menu.push(open);
  menu.push({ label: 'Preferences…', action: { kind: 'preferences' } }, SEPARATOR, {
    label: 'Quit Pairbar',
    action: { kind: 'quit' },
  });
  return menu;
}

/** Every action in a menu, depth first (the tests read menus through it). */
export function menuActions(items: TrayMenuItem[]): TrayAction[] {
  return items.flatMap((item) => [
    ...(item.action ? [item.action] : []),
    ...(item.submenu ? menuActions(item.submenu) : []),
  ]);
}
