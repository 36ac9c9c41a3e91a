/**
 * What every renderer is held to, set before any window exists: sandboxed whatever a window's options say,
 * and no navigation, new windows or <webview> in any web contents, present or future. CSP is the page's own
 * <meta>: a header set through session.webRequest does not reach file:// pages (electron/electron#14768).
 * Electron's app comes in as a parameter (types only are imported).
 */
import type { App } from 'electron';

export function lockDownRenderers(app: Pick<App, 'on' | 'enableSandbox'>): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event) => event.preventDefault());
    contents.on('will-redirect', (event) => event.preventDefault());
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
  app.enableSandbox();
}
