/**
 * The one popover window: frameless, created on first use and reused, placed at the tray icon, hidden on blur
 * and on Escape. Electron comes in as a parameter (types only are imported), so `popoverPosition` and
 * `isPopoverUrl` are tested in plain Node, and this file never makes Node load the electron package.
 */
import type { BrowserWindow as BrowserWindowType, BrowserWindowConstructorOptions, Rectangle, Screen } from 'electron';
import { pathToFileURL } from 'node:url';
import type { IpcEventLike } from './ipc/index.ts';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Size {
  width: number;
  height: number;
}

export const POPOVER_SIZE: Size = { width: 360, height: 480 };
/** Space between the popover and the tray icon / the screen edge. */
const GAP = 4;

const clamp = (value: number, min: number, max: number) => Math.max(min, Math.min(value, Math.max(min, max)));

/**
 * Where the popover's top-left corner goes, in screen coordinates:
 * - macOS: under the icon in the top menu bar, centred on it.
 * - Windows/Linux: next to the taskbar the icon sits in — above a bottom taskbar, below a top one, beside a
 *   left or right one — found by comparing the icon to its display's work area (the screen less the bars).
 * - Tray bounds all zero (Linux AppIndicator reports none): the top-right corner of the work area.
 * Always clamped into `workArea` (the work area of the display the icon is on) and rounded to whole pixels.
 */
export function popoverPosition(
  trayBounds: Rect,
  windowSize: Size,
  workArea: Rect,
  platform: NodeJS.Platform,
): { x: number; y: number } {
  const { width, height } = windowSize;
  const right = workArea.x + workArea.width;
  const bottom = workArea.y + workArea.height;
  const fit = (x: number, y: number) => ({
    x: Math.round(clamp(x, workArea.x, right - width)),
    y: Math.round(clamp(y, workArea.y, bottom - height)),
  });

  if (trayBounds.x === 0 && trayBounds.y === 0 && trayBounds.width === 0 && trayBounds.height === 0) {
    return fit(right - width - GAP, workArea.y + GAP);
  }
  const centreX = trayBounds.x + trayBounds.width / 2;
  const centreY = trayBounds.y + trayBounds.height / 2;
  const underIcon = () => fit(centreX - width / 2, Math.max(trayBounds.y + trayBounds.height, workArea.y) + GAP);
  const aboveIcon = () => fit(centreX - width / 2, Math.min(trayBounds.y, bottom) - height - GAP);

  if (platform === 'darwin') return underIcon();

  if (trayBounds.y + trayBounds.height <= workArea.y) return underIcon(); // top taskbar
  if (trayBounds.y >= bottom) return aboveIcon(); // bottom taskbar
  if (trayBounds.x + trayBounds.width <= workArea.x) return fit(workArea.x + GAP, centreY - height / 2); // left taskbar
  if (trayBounds.x >= right) return fit(right - width - GAP, centreY - height / 2); // right taskbar
  // The bar overlaps the work area (auto-hide taskbar): open toward the middle of the screen.
  return centreY > workArea.y + workArea.height / 2 ? aboveIcon() : underIcon();
}

/**
 * True when `url` is the popover's own page: the same file URL, ignoring a #fragment (the page uses it for
 * its views). Anything else — another file, http(s), data:, about:blank — is not ours.
 */
export function isPopoverUrl(url: string | undefined | null, pageUrl: string): boolean {
  if (!url) return false;
  try {
    const actual = new URL(url);
    const expected = new URL(pageUrl);
    return (
      actual.protocol === 'file:' &&
      actual.host === expected.host &&
      actual.pathname === expected.pathname &&
      actual.search === ''
    );
  } catch {
    return false;
  }
}

/** The window's options: nothing of Node in the page, the contract's preload only. */
export function popoverWindowOptions(
  preload: string,
  platform: NodeJS.Platform,
  devTools = false,
): BrowserWindowConstructorOptions {
  return {
    width: POPOVER_SIZE.width,
    height: POPOVER_SIZE.height,
    show: false,
    frame: false,
    resizable: false,
    movable: false,
    minimizable: false,
    maximizable: false,
    fullscreenable: false,
    skipTaskbar: true,
    alwaysOnTop: true,
    // macOS: keep the shadow a popover has; Linux/Windows draw their own border in the page.
    hasShadow: platform === 'darwin',
    title: 'Pairbar',
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webviewTag: false,
      spellcheck: false,
      devTools,
    },
  };
}

export interface PopoverDeps {
  BrowserWindow: typeof BrowserWindowType;
  screen: Pick<Screen, 'getDisplayMatching' | 'getDisplayNearestPoint' | 'getCursorScreenPoint'>;
  /** dist/preload.cjs */
  preload: string;
  /** dist/renderer/index.html */
  page: string;
  platform: NodeJS.Platform;
  /** Whether the window may open DevTools (hardening.ts devToolsAllowed: not in the packaged app). */
  devTools: boolean;
  /** The tray icon's bounds now (all zero on Linux). */
  trayBounds(): Rectangle;
  /** Called each time the popover is shown (the app refreshes the snapshot then). */
  onShow(): void;
  /** Called once, when the window has been created (the app pushes the snapshot to it). */
  onCreate?(window: BrowserWindowType): void;
}

export interface Popover {
  show(view?: string): void;
  hide(): void;
  toggle(): void;
  isVisible(): boolean;
  /** Sends to the page, if the window exists (nothing is queued for a window not made yet). */
  send(channel: string, payload: unknown): void;
  /** True only for a message from the popover's top frame showing our own page. */
  isSender(event: IpcEventLike): boolean;
}

/**
 * A click on the tray icon while the popover is open first blurs the popover (which hides it) and then
 * arrives as a click (which would show it again at once). A toggle this soon after a blur-hide is that
 * same click, and leaves the popover hidden (max-mapper/menubar#274: the window flickers instead of hiding).
 */
const BLUR_TOGGLE_MS = 250;

export function createPopover(deps: PopoverDeps): Popover {
  let win: BrowserWindowType | undefined;
  let loaded: Promise<void> | undefined;
  let hiddenByBlurAt = 0;
  const pageUrl = pathToFileURL(deps.page).href;

  function create(): BrowserWindowType {
    if (win && !win.isDestroyed()) return win;
    const created = new deps.BrowserWindow(popoverWindowOptions(deps.preload, deps.platform, deps.devTools));
    win = created;
    // macOS: open over full-screen apps and on every Space, as a menu-bar popover does. Pairbar is already a
    // UI-element app (LSUIElement / dock hidden), so skip the process-type switch that flashes a Dock icon.
    if (deps.platform === 'darwin')
      created.setVisibleOnAllWorkspaces(true, { visibleOnFullScreen: true, skipTransformProcessType: true });
    created.on('blur', () => {
      if (!created.isVisible() || created.webContents.isDevToolsOpened()) return;
      hiddenByBlurAt = Date.now();
      created.hide();
    });
    // Escape hides it even if the page is busy; the page still gets the key (it hides through IPC too).
    created.webContents.on('before-input-event', (_event, input) => {
      if (input.type === 'keyDown' && input.key === 'Escape') created.hide();
    });
    // The page never navigates and never opens windows (hardening.ts also guards every webContents).
    created.webContents.on('will-navigate', (event) => event.preventDefault());
    created.webContents.on('will-redirect', (event) => event.preventDefault());
    created.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
    created.on('closed', () => {
      if (win === created) {
        win = undefined;
        loaded = undefined;
      }
    });
    loaded = created.loadFile(deps.page).catch((error: unknown) => {
      console.error('Pairbar: the popover page failed to load:', error);
    });
    deps.onCreate?.(created);
    return created;
  }

  function place(target: BrowserWindowType): void {
    const bounds = deps.trayBounds();
    const zero = bounds.x === 0 && bounds.y === 0 && bounds.width === 0 && bounds.height === 0;
    const display = zero
      ? deps.screen.getDisplayNearestPoint(deps.screen.getCursorScreenPoint())
      : deps.screen.getDisplayMatching(bounds);
    const { x, y } = popoverPosition(bounds, POPOVER_SIZE, display.workArea, deps.platform);
    target.setBounds({ x, y, width: POPOVER_SIZE.width, height: POPOVER_SIZE.height });
  }

  const liveContents = () =>
    win && !win.isDestroyed() && !win.webContents.isDestroyed() ? win.webContents : undefined;

  function show(view?: string): void {
    const target = create();
    place(target);
    deps.onShow();
    const reveal = () => {
      if (target.isDestroyed()) return;
      if (view !== undefined) {
        // Same-document navigation (no will-navigate): the page shows the view named by its fragment.
        void target.webContents.executeJavaScript(`location.hash = ${JSON.stringify(view)};`).catch(() => undefined);
      }
      target.show();
      target.focus();
    };
    // The first time, wait for the page so the window never flashes empty.
    if (loaded) void loaded.then(reveal);
    else reveal();
  }

  return {
    show,
    hide() {
      if (win && !win.isDestroyed() && win.isVisible()) win.hide();
    },
    toggle() {
      if (win && !win.isDestroyed() && win.isVisible()) {
        win.hide();
        return;
      }
      if (Date.now() - hiddenByBlurAt < BLUR_TOGGLE_MS) return;
      show();
    },
    isVisible: () => Boolean(win && !win.isDestroyed() && win.isVisible()),
    send(channel, payload) {
      const contents = liveContents();
      if (contents) contents.send(channel, payload);
    },
    isSender(event) {
      const contents = liveContents();
      if (!contents || event.sender !== contents) return false;
      const frame = event.senderFrame;
      return frame !== null && frame !== undefined && frame.parent === null && isPopoverUrl(frame.url, pageUrl);
    },
  };
}
