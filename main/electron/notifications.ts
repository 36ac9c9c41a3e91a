/**
 * Shows the desktop notifications app/notifications.ts decides on: a pair joined or left (on a bare server:
 * someone joined, nobody is in now, coalesced), a share ended on its
 * own or is about to end by itself, a share got new links (the old ones dead), a share failed (found by comparing each snapshot with the one before). Electron's Notification comes
 * in as a parameter (types only are imported).
 */
import type { Notification as NotificationType, NotificationConstructorOptions } from 'electron';
import type { ShareView, Snapshot } from '../contract.ts';
import type { Shares } from '../core/shares.ts';
import {
  endedNotification,
  endingNotification,
  failureNotifications,
  linksChangedNotification,
  pairNotification,
  presenceNotices,
  type NotificationSpec,
} from '../app/notifications.ts';
import type { Prefs } from '../prefs/schema.ts';

export interface NotifierDeps {
  Notification: Pick<typeof NotificationType, 'isSupported'> &
    (new (options: NotificationConstructorOptions) => NotificationType);
  shares: Pick<Shares, 'on'>;
  prefs(): Prefs;
  /** The snapshot the app starts with: failures already in it were never news. */
  initial: Snapshot;
  /** A click on a notification. */
  onClick(): void;
}

export interface Notifier {
  /** Call with every snapshot: a share that failed since the last one is announced. */
  snapshot(snapshot: Snapshot): void;
  /** Told of every notification the app means to show, whether or not the system can show it. */
  onNotify(listener: (spec: NotificationSpec) => void): void;
  /** Shows one now (the answer to the global shortcut). */
  show(spec: NotificationSpec): void;
}

export function createNotifier(deps: NotifierDeps): Notifier {
  const { Notification } = deps;
  const listeners: ((spec: NotificationSpec) => void)[] = [];
  // Held until clicked or closed: a Notification nobody references is garbage-collected and its click
  // handler silently dropped (electron/electron#16922).
  const held = new Set<NotificationType>();
  let previous: ShareView[] = deps.initial.shares;

  function notify(spec: NotificationSpec | null): void {
    if (!spec) return;
    for (const listener of listeners) listener(spec);
    if (!Notification.isSupported()) return;
    const notification = new Notification({ title: spec.title, body: spec.body });
    held.add(notification);
    notification.on('click', () => {
      held.delete(notification);
      deps.onClick();
    });
    notification.on('close', () => held.delete(notification));
    notification.show();
  }

  deps.shares.on('pair', (share, event) => notify(pairNotification(share, event, deps.prefs())));
  deps.shares.on('ended', (share, error) => notify(endedNotification(share, error, deps.prefs())));
  deps.shares.on('ending', (share, msLeft) => notify(endingNotification(share, msLeft, deps.prefs())));
  deps.shares.on('links', (share) => notify(linksChangedNotification(share, deps.prefs())));
  const presenceChanged = presenceNotices(notify, () => deps.prefs());
  deps.shares.on('presence', (share, before) =>
    presenceChanged(share, before.present, share.presence?.present === true),
  );

  return {
    snapshot(snapshot) {
      for (const spec of failureNotifications(previous, snapshot.shares, deps.prefs())) notify(spec);
      previous = snapshot.shares;
    },
    onNotify: (listener) => void listeners.push(listener),
    show: notify,
  };
}
