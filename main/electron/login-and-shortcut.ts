/**
 * Launch at login (login-item.ts) and the global shortcut that copies the current share's link
 * (shortcut.ts), kept in step with the preferences. Both follow every snapshot, so a
 * change made in the popover or with `pairbar config set` takes effect at the next refresh. Electron's
 * objects come in as parameters.
 */
import type { ErrorInfo } from '../core/errors.ts';
import { applyLoginItem, type LoginItemApp } from './login-item.ts';
import type { NotificationSpec } from '../app/notifications.ts';
import type { Prefs } from '../prefs/schema.ts';
import { CopyLinkShortcut, type GlobalShortcutLike } from './shortcut.ts';
import type { AppState } from '../app/app-state.ts';

export interface LoginAndShortcutDeps {
  app: LoginItemApp & { on(event: 'will-quit', listener: () => void): unknown };
  globalShortcut: GlobalShortcutLike;
  writeClipboard: (text: string) => void | Promise<void>;
  notify: (spec: NotificationSpec) => void;
  state: Pick<AppState, 'snapshot' | 'on' | 'guardPref'>;
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  execPath: string;
}

export function installLoginAndShortcut(deps: LoginAndShortcutDeps): void {
  const { state } = deps;
  const say = (title: string, body: string) => deps.notify({ title, body, pref: null });
  const shortcut = new CopyLinkShortcut({
    globalShortcut: deps.globalShortcut,
    shares: () => state.snapshot().shares,
    linkKind: () => state.snapshot().prefs['share.copyLink'],
    writeClipboard: deps.writeClipboard,
    notify: say,
  });
  // Set from the popover: a combination another application holds is refused before it is stored.
  state.guardPref('shortcut.copyLink', (value) => shortcut.apply(value));

  let loginItem: boolean | undefined;
  /** The last accelerator refused, so a refusal is told once, not at every snapshot. */
  let refused: string | undefined;
  const follow = (prefs: Prefs): void => {
    if (prefs['app.launchAtLogin'] !== loginItem) {
      loginItem = prefs['app.launchAtLogin'];
      const wanted = loginItem;
      applyLoginItem(wanted, deps).catch((error: unknown) =>
        say(
          wanted ? 'Pairbar could not set itself to start at login' : 'Pairbar could not stop starting at login',
          error instanceof Error ? error.message : String(error),
        ),
      );
    }
    const accelerator = prefs['shortcut.copyLink'];
    if (accelerator !== shortcut.accelerator && accelerator !== refused) {
      const problem: ErrorInfo | null = shortcut.apply(accelerator);
      refused = problem ? accelerator : undefined;
      if (problem) say(problem.message, problem.fix);
    }
  };
  // From the first refresh on: before it, the snapshot holds the defaults, not what the file says.
  state.on('snapshot', (snapshot) => follow(snapshot.prefs));
  // Electron asks for global shortcuts to be given back before the app exits.
  deps.app.on('will-quit', () => shortcut.dispose());
}
