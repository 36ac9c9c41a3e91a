/**
 * What the app refuses, for every window and page, present and future: one place, called once from the
 * composition root before the app is ready. The pages are Pairbar's own popover, which needs none of what
 * is refused here; refusing it means a flaw in the page cannot be turned into more.
 *
 * - Every renderer sandboxed, whatever a window's options say.
 * - No navigation (main frame or subframe), redirect, new window or <webview>: the page is the only page.
 *   The popover's page also carries a strict Content-Security-Policy <meta>; that meta is what enforces CSP:
 *   the page is a file:// URL, and a CSP header set through session.webRequest.onHeadersReceived does not
 *   reach file:// pages (electron/electron#14768).
 * - No permission: Electron grants every permission request by default (camera, microphone, geolocation,
 *   notifications, clipboard read, HID/serial/USB devices…); the popover uses none (notifications and the
 *   clipboard are the main process's).
 * - No default application menu: Electron's has Reload and Toggle Developer Tools, with their shortcuts. On
 *   macOS only the Edit menu stays, which is what makes copy and paste work in the Preferences fields.
 * - DevTools: see devToolsAllowed(), used in the windows' webPreferences.
 */
import type { App, Menu as MenuType, Session } from 'electron';

export interface HardeningDeps {
  app: Pick<App, 'on' | 'enableSandbox' | 'whenReady'>;
  Menu: Pick<typeof MenuType, 'setApplicationMenu' | 'buildFromTemplate'>;
  /** Read only once the app is ready (Electron refuses the default session before). */
  defaultSession: () => Pick<
    Session,
    'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler'
  >;
  platform: NodeJS.Platform;
}

/** DevTools only where a developer runs the app from the checkout; never in the packaged app. */
export function devToolsAllowed(app: Pick<App, 'isPackaged'>): boolean {
  return !app.isPackaged;
}

export function harden(deps: HardeningDeps): void {
  const { app, Menu } = deps;
  app.enableSandbox();
  app.on('web-contents-created', (_event, contents) => {
    const refuse = (event: { preventDefault(): void }) => event.preventDefault();
    contents.on('will-navigate', refuse);
    contents.on('will-frame-navigate', refuse);
    contents.on('will-redirect', refuse);
    contents.on('will-attach-webview', refuse);
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
  // Before ready: Electron installs its default menu at ready unless one was set.
  Menu.setApplicationMenu(deps.platform === 'darwin' ? Menu.buildFromTemplate([{ role: 'editMenu' }]) : null);
  void app.whenReady().then(() => {
    const session = deps.defaultSession();
    session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
    session.setPermissionCheckHandler(() => false);
    session.setDevicePermissionHandler(() => false);
  });
}
