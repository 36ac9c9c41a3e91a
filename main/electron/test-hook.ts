/**
 * The tests' way in (main process only; the page never sees it): `globalThis.pairbarTest` drives the tray's
 * actions and reads what the tray, the popover and the notifications show. index.ts imports this file only
 * when PAIRBAR_E2E=1 (the app and e2e harnesses set it); it is built as its own file and left out of the
 * packaged app, so a shipped Pairbar has no such hook at all. Types only are imported: the parts come in.
 */
import type { Notifier } from './notifications.ts';
import type { NotificationSpec } from '../app/notifications.ts';
import type { Popover } from './popover.ts';
import type { RunAction } from '../app/tray-actions.ts';
import type { AppState } from '../app/app-state.ts';
import type { TrayController } from './tray.ts';

export interface TestHookParts {
  state: AppState;
  tray: TrayController;
  popover: Popover;
  notifier: Notifier;
  run: RunAction;
}

export function installTestHook(parts: TestHookParts): void {
  const { state, tray, popover } = parts;
  /** Every notification the app meant to show, in order, from start-up on. */
  const notifications: NotificationSpec[] = [];
  parts.notifier.onNotify((spec) => notifications.push(spec));
  (globalThis as { pairbarTest?: unknown }).pairbarTest = {
    trayState: () => tray.shown().state,
    trayMenu: () => tray.shown().menu,
    trayImage: () => tray.shown().icon,
    run: parts.run,
    showPopover: (view?: string) => popover.show(view),
    popoverVisible: () => popover.isVisible(),
    snapshot: () => state.snapshot(),
    notifications: () => notifications,
  };
}
