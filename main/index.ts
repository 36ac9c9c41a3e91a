/**
 * The app's composition root: single instance, lifecycle, and the wiring between Electron and the core.
 * No pairing logic lives here — the core (through AppState) does the work; tray.ts, popover.ts and
 * notifications.ts decide what to show; this file connects them to Electron's objects.
 *
 * Idle costs nothing: nothing polls. The snapshot is refreshed when the popover is shown (and once at
 * start-up), and after each action; share changes arrive as events from the core. With the popover hidden
 * and nothing shared the app runs no timer and spawns no process.
 */
import { app, BrowserWindow, clipboard, dialog, ipcMain, Menu, nativeImage, Notification, screen, Tray } from 'electron';
import type { IpcMainInvokeEvent, MenuItemConstructorOptions, NativeImage, WebContents } from 'electron';
import Store from 'electron-store';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CHANNELS, type Snapshot } from './contract.ts';
import type { ErrorInfo } from './core/errors.ts';
import { registerIpc, type IpcEventLike } from './ipc.ts';
import { endedNotification, failureNotifications, pairNotification, quitQuestion, type NotificationSpec } from './notifications.ts';
import { createPopover, isPopoverUrl } from './popover.ts';
import { storeOptions, type PrefsStore } from './prefs.ts';
import { createRuntime } from './runtime.ts';
import { AppState } from './state.ts';
import { buildTrayMenu, trayIconFile, trayState, type TrayAction, type TrayMenuItem, type TrayStateName } from './tray.ts';

const platform = process.platform;
/** dist/, where this bundle (dist/main.js), the preload and the renderer are. */
const DIST = dirname(fileURLToPath(import.meta.url));
const PRELOAD = join(DIST, 'preload.cjs');
const PAGE = join(DIST, 'renderer', 'index.html');
const PAGE_URL = pathToFileURL(PAGE).href;
const ASSETS = join(DIST, '..', 'assets');

// Security: every web contents, present and future, refuses navigation, new windows and <webview>. The
// popover's page also carries a strict Content-Security-Policy <meta>; that meta is what enforces CSP:
// the page is a file:// URL, and Electron documents that a CSP header set through
// session.webRequest.onHeadersReceived is not a way to reach file:// pages (electron/electron#14768).
app.on('web-contents-created', (_event, contents) => {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
});
// Every renderer sandboxed, whatever a window's options say.
app.enableSandbox();

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

/**
 * electron-store opened on the file the CLI uses. storeOptions() is conf's options; electron-store names
 * the file with its own `name` option and overwrites conf's `configName` with it (default "config"), so
 * the file name must go in as `name`, or the app would read config.json while the CLI writes
 * preferences.json. A file that cannot be parsed is left untouched: createRuntime then reports it as a problem.
 */
function openStore(): PrefsStore | undefined {
  const { configName, ...options } = storeOptions(process.env);
  try {
    return new Store<Record<string, unknown>>({ ...options, name: configName ?? 'preferences' });
  } catch (error) {
    console.error('Pairbar: cannot open the preferences:', error instanceof Error ? error.message : error);
    return undefined;
  }
}

function main(): void {
  // A menu-bar app: no Dock icon (the packaged app also sets LSUIElement, so it never shows one at all).
  if (platform === 'darwin') app.dock?.hide();

  const runtime = createRuntime(process.env, openStore(), 'app');
  const state = new AppState(runtime);
  const prefs = () => runtime.prefs().prefs;

  // ---------------------------------------------------------------- tray
  const images = new Map<TrayStateName, NativeImage>();
  const image = (name: TrayStateName): NativeImage => {
    let found = images.get(name);
    if (!found) {
      found = nativeImage.createFromPath(join(ASSETS, trayIconFile(name, platform)));
      if (platform === 'darwin') found.setTemplateImage(true);
      images.set(name, found);
    }
    return found;
  };
  const tray = new Tray(image('idle'));
  let shownIcon: TrayStateName = 'idle';
  let menu: Menu = Menu.buildFromTemplate([]);

  // ---------------------------------------------------------------- popover
  const popover = createPopover({
    BrowserWindow,
    screen,
    preload: PRELOAD,
    page: PAGE,
    platform,
    trayBounds: () => tray.getBounds(),
    onShow: () => void state.refresh(),
  });

  function push(snapshot: Snapshot): void {
    const contents = popover.window()?.webContents;
    if (contents && !contents.isDestroyed()) contents.send(CHANNELS.state, snapshot);
  }

  function isTrustedSender(event: IpcEventLike): boolean {
    const contents: WebContents | undefined = popover.window()?.webContents;
    if (!contents || event.sender !== contents) return false;
    const frame = (event as IpcMainInvokeEvent).senderFrame;
    // The popover's top frame only, showing our own page.
    return frame !== null && frame !== undefined && frame.parent === null && isPopoverUrl(frame.url, PAGE_URL);
  }

  registerIpc({
    ipcMain,
    state,
    isTrustedSender,
    writeClipboard: (text) => clipboard.writeText(text),
    hidePopover: () => {
      popover.hide();
    },
  });

  // ---------------------------------------------------------------- notifications
  const shown = new Set<Notification>();
  /** Under the e2e tests: every notification the app meant to show, in order. */
  const recorded: NotificationSpec[] | undefined = process.env.PAIRBAR_E2E === '1' ? [] : undefined;
  function notify(spec: NotificationSpec | null): void {
    if (spec) recorded?.push(spec);
    if (!spec || !Notification.isSupported()) return;
    const notification = new Notification({ title: spec.title, body: spec.body });
    // Held until clicked or closed: a Notification nobody references is garbage-collected and its click
    // handler silently dropped (electron/electron#16922).
    shown.add(notification);
    notification.on('click', () => {
      shown.delete(notification);
      popover.show();
    });
    notification.on('close', () => shown.delete(notification));
    notification.show();
  }
  runtime.shares.on('pair', (share, event) => notify(pairNotification(share, event, prefs())));
  runtime.shares.on('ended', (share, error) => notify(endedNotification(share, error, prefs())));

  // ---------------------------------------------------------------- one snapshot → popover, tray, notifications
  let previousShares = state.snapshot().shares;
  function onSnapshot(snapshot: Snapshot): void {
    push(snapshot);
    updateTray(snapshot);
    for (const spec of failureNotifications(previousShares, snapshot.shares, prefs())) notify(spec);
    previousShares = snapshot.shares;
  }
  state.on('snapshot', onSnapshot);

  function toElectronMenu(items: TrayMenuItem[]): MenuItemConstructorOptions[] {
    return items.map(({ action, submenu, ...item }) => ({
      ...item,
      ...(submenu ? { submenu: toElectronMenu(submenu) } : {}),
      ...(action ? { click: () => void run(action).catch((error: unknown) => console.error(`Pairbar: ${action.kind} failed:`, error)) } : {}),
    }));
  }

  function updateTray(snapshot: Snapshot): void {
    const current = trayState(snapshot);
    if (current.name !== shownIcon) {
      tray.setImage(image(current.name));
      shownIcon = current.name;
    }
    if (platform === 'darwin') tray.setTitle(current.title);
    tray.setToolTip(current.tooltip);
    menu = Menu.buildFromTemplate(toElectronMenu(buildTrayMenu(snapshot, platform)));
    // macOS pops the menu up on right click (a context menu set here would also take the left click,
    // which opens the popover). Windows shows a set context menu on right click. Linux: see below.
    if (platform !== 'darwin') tray.setContextMenu(menu);
  }

  function showError(error: ErrorInfo): void {
    void dialog.showMessageBox({ type: 'error', message: error.message, detail: error.fix, buttons: ['OK'], noLink: true });
  }

  async function run(action: TrayAction): Promise<void> {
    switch (action.kind) {
      case 'share':
      case 'share-blank': {
        const result = await state.share(action.kind === 'share' ? { session: action.session, socket: action.socket } : { blank: true });
        // A share that failed to start is in the snapshot (menu, popover, notification); other errors
        // (the session is gone, tmux is missing) are only known here.
        if (!result.ok && !state.snapshot().shares.some((share) => share.state === 'failed' && share.error?.message === result.error.message)) {
          showError(result.error);
        }
        return;
      }
      case 'copy': {
        const link = state.snapshot().shares.find((share) => share.id === action.shareId)?.links[action.link];
        if (link) await clipboard.writeText(link);
        return;
      }
      case 'stop': {
        const result = await state.stop(action.shareId);
        if (!result.ok) showError(result.error);
        return;
      }
      case 'refresh':
        await state.refresh();
        return;
      case 'open':
        popover.show();
        return;
      case 'preferences':
        popover.show('preferences');
        return;
      case 'quit':
        app.quit();
        return;
    }
  }

  if (platform === 'darwin') {
    tray.setIgnoreDoubleClickEvents(true);
    tray.on('click', () => popover.toggle());
    tray.on('right-click', () => {
      void state.refresh();
      tray.popUpContextMenu(menu);
    });
  } else if (platform === 'win32') {
    tray.on('click', () => popover.toggle());
    tray.on('right-click', () => void state.refresh());
  }
  // Linux: AppIndicator / StatusNotifier trays send no click events (electron/electron#6773), so the context
  // menu set in updateTray is the only way in, and it carries every action, "Open Pairbar" first.

  app.on('second-instance', () => popover.show());
  app.on('activate', () => popover.show());
  // A tray app lives on with no window open.
  app.on('window-all-closed', () => undefined);

  // ---------------------------------------------------------------- quitting
  // before-quit: ask first if pairs are connected, then stop every share before exiting. The quit is
  // cancelled (preventDefault), the async work done, and app.quit() called again with `phase` = 'done'.
  let phase: 'running' | 'asking' | 'stopping' | 'done' = 'running';
  let ask = true;
  app.on('before-quit', (event) => {
    if (phase === 'done') return;
    event.preventDefault();
    if (phase !== 'running') return;
    phase = 'asking';
    void (async () => {
      // Only the app's own shares end with it: a pair started with `pairbar share` in a terminal goes on.
      const question = ask ? quitQuestion(runtime.shares.list().filter((share) => share.origin === 'app')) : null;
      if (question) {
        if (platform === 'darwin') app.focus({ steal: true });
        const { response } = await dialog.showMessageBox({
          type: 'warning',
          message: question.message,
          detail: question.detail,
          buttons: question.buttons,
          defaultId: 0,
          cancelId: 1,
          noLink: true,
        });
        if (response !== 0) {
          phase = 'running';
          return;
        }
      }
      phase = 'stopping';
      popover.hide();
      // Stopping a share is a tmate kill and a directory removal; never let a stuck one keep the app alive.
      const limit = new Promise<void>((resolve) => setTimeout(resolve, 5000).unref());
      await Promise.race([runtime.shares.stopAll('app').catch((error: unknown) => console.error('Pairbar: stopping the shares failed:', error)), limit]);
      runtime.shares.close();
      phase = 'done';
      app.quit();
    })();
  });
  // A signal (Ctrl-C under `npm start`, a logout) quits without asking, still stopping the shares.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      ask = false;
      app.quit();
    });
  }

  // Tests drive the tray menu and read its state through this hook (main process only; the page never sees it).
  if (process.env.PAIRBAR_E2E === '1') {
    (globalThis as { pairbarTest?: unknown }).pairbarTest = {
      trayState: () => trayState(state.snapshot()),
      trayMenu: () => buildTrayMenu(state.snapshot(), platform),
      trayImage: () => trayIconFile(shownIcon, platform),
      run: (action: TrayAction) => run(action),
      showPopover: (view?: string) => popover.show(view),
      popoverVisible: () => popover.isVisible(),
      snapshot: () => state.snapshot(),
      notifications: () => recorded ?? [],
    };
  }

  updateTray(state.snapshot());
  void state.refresh();
}
