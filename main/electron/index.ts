/**
 * The app's composition root: single instance, lifecycle, and which part talks to which. Each part has its
 * own module and gets Electron's objects as parameters; none holds pairing logic (the core does the work,
 * through AppState). Nothing polls: the snapshot is refreshed at start-up, when the popover is shown and
 * after each action, and share changes arrive as events, so an idle app runs no timer and spawns nothing.
 */
import {
  app,
  BrowserWindow,
  clipboard,
  dialog,
  globalShortcut,
  ipcMain,
  Menu,
  nativeImage,
  Notification,
  screen,
  session,
  Tray,
} from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTrayActions } from '../app/tray-actions.ts';
import { installLoginAndShortcut } from './login-and-shortcut.ts';
import { openElectronStore } from './prefs-store.ts';
import { CHANNELS } from '../contract.ts';
import { devToolsAllowed, harden } from './hardening.ts';
import { registerIpc } from './ipc/index.ts';
import { createNotifier } from './notifications.ts';
import { createPopover } from './popover.ts';
import { installQuit } from './quit.ts';
import { createRuntime } from '../runtime.ts';
import { AppState } from '../app/app-state.ts';
import { createTrayController } from './tray.ts';

const platform = process.platform;
/** dist/, where this bundle (dist/main.js), the preload, the renderer and the test hook are. */
const DIST = dirname(fileURLToPath(import.meta.url));

// Security first, before anything is made.
harden({ app, Menu, defaultSession: () => session.defaultSession, platform });

// The tests' hook, only when they ask (PAIRBAR_E2E=1); read before start-up so it sees the first snapshot.
const testHook =
  process.env.PAIRBAR_E2E === '1'
    ? await import('./test-hook.ts').catch((error: unknown) => {
        console.error('Pairbar: PAIRBAR_E2E is set but this build has no test hook:', error);
        return undefined;
      })
    : undefined;

if (!app.requestSingleInstanceLock()) {
  // Another Pairbar runs: it shows its popover (second-instance below) and this one leaves.
  app.quit();
} else {
  void app
    .whenReady()
    .then(main)
    .catch((error: unknown) => {
      console.error('Pairbar failed to start:', error);
      app.exit(1);
    });
}

function main(): void {
  // A menu-bar app: no Dock icon (the packaged app also sets LSUIElement, so it never shows one at all).
  if (platform === 'darwin') app.dock?.hide();

  // A share's presence watcher is the command's script run by this executable as plain Node.
  const watcher = { command: process.execPath, args: [join(DIST, 'cli.cjs')], env: { ELECTRON_RUN_AS_NODE: '1' } };
  const runtime = createRuntime(process.env, openElectronStore(process.env), 'app', watcher);
  const writeClipboard = (text: string) => clipboard.writeText(text);
  const state = new AppState(runtime, { writeClipboard });
  const run = createTrayActions({
    state,
    popover: { show: (view) => popover.show(view) },
    clipboard,
    dialog,
    quit: () => app.quit(),
  });
  const tray = createTrayController(
    {
      Tray,
      Menu,
      nativeImage,
      platform,
      assets: join(DIST, '..', 'assets'),
      run,
      onClick: () => popover.toggle(),
      onRightClick: () => void state.refresh(),
    },
    state.snapshot(),
  );
  const files = { preload: join(DIST, 'preload.cjs'), page: join(DIST, 'renderer', 'index.html') };
  const popover = createPopover({
    BrowserWindow,
    screen,
    platform,
    ...files,
    devTools: devToolsAllowed(app),
    trayBounds: () => tray.bounds(),
    onShow: () => void state.refresh(),
  });
  registerIpc({
    ipcMain,
    state,
    isTrustedSender: (event) => popover.isSender(event),
    writeClipboard,
    hidePopover: () => popover.hide(),
  });
  const notifier = createNotifier({
    Notification,
    shares: runtime.shares,
    prefs: () => runtime.prefs().prefs,
    initial: state.snapshot(),
    onClick: () => popover.show(),
  });
  testHook?.installTestHook({ state, tray, popover, notifier, run });
  installLoginAndShortcut({
    app,
    globalShortcut,
    writeClipboard,
    notify: (spec) => notifier.show(spec),
    state,
    platform,
    env: process.env,
    execPath: process.execPath,
  });

  // One snapshot, three readers.
  state.on('snapshot', (snapshot) => {
    popover.send(CHANNELS.state, snapshot);
    tray.update(snapshot);
    notifier.snapshot(snapshot);
  });

  installQuit({ app, dialog, platform, shares: runtime.shares, hidePopover: () => popover.hide() });
  app.on('second-instance', () => popover.show());
  app.on('activate', () => popover.show());
  // A tray app lives on with no window open.
  app.on('window-all-closed', () => undefined);

  void state.refresh();
}
