/**
 * What the app tells Electron to refuse, read from the real composition root (dist/main.js) running in Node
 * with the main-process stand-in (support/fake-electron.mjs) recording each setting: the application menu
 * (Electron's default has Reload and Toggle Developer Tools), DevTools in a packaged build, every permission
 * a page could ask for, navigation and new windows, and the webPreferences of every window the app creates.
 * The pages' Content-Security-Policy is read from the HTML the app loads.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { Sandbox, waitFor } from '../support/sandbox.ts';
import { launchFakeApp, MAIN, type FakeApp } from './support/harness.ts';

const skip =
  process.platform === 'linux' ? false : `the main-process stand-in plays Linux's tray; this is ${process.platform}`;
const DIST = join(MAIN, '..');

let sandbox: Sandbox;
let app: FakeApp | undefined;

beforeEach(async () => {
  sandbox = await Sandbox.create();
});

afterEach(async () => {
  await app?.close();
  app = undefined;
  await sandbox.dispose();
});

async function launch(packaged: boolean): Promise<FakeApp> {
  app = await launchFakeApp({
    ...sandbox.env,
    FAKE_ELECTRON_USER_DATA: join(sandbox.root, 'user-data'),
    FAKE_ELECTRON_PACKAGED: packaged ? '1' : '0',
  });
  await waitFor('the first snapshot', () => app!.evaluate((_electron, t) => t.snapshot().version > 0));
  return app;
}

/** Opens every window the app has: the popover, on its sessions view and on its preferences view. */
async function openEveryWindow(target: FakeApp): Promise<void> {
  await target.evaluate((_electron, t) => t.showPopover());
  await target.evaluate((_electron, t) => t.showPopover('preferences'));
  await waitFor('the popover', () => target.evaluate((_electron, t) => t.popoverVisible()));
}

/** Every permission name Electron 45 passes to the session's handlers. */
const PERMISSIONS = [
  'clipboard-read',
  'clipboard-sanitized-write',
  'display-capture',
  'fullscreen',
  'geolocation',
  'idle-detection',
  'media',
  'mediaKeySystem',
  'midi',
  'midiSysex',
  'notifications',
  'pointerLock',
  'keyboardLock',
  'openExternal',
  'speaker-selection',
  'storage-access',
  'top-level-storage-access',
  'window-management',
  'fileSystem',
  'hid',
  'serial',
  'usb',
  'unknown',
];

describe('Electron hardening in the app', { skip }, () => {
  test('the application menu is replaced before the app is ready (no Reload, no Toggle Developer Tools)', async () => {
    const target = await launch(true);
    const menu = await target.evaluate(() => (globalThis as any).fakeElectron.applicationMenu);
    // Linux and Windows: no menu at all (a tray app has no window menu bar to offer).
    assert.deepEqual(menu, { menu: null, beforeReady: true });
  });

  test('every permission a page can request or check is refused, from any page, and so is every device', async () => {
    const target = await launch(true);
    await openEveryWindow(target);
    const answers = await target.evaluate(async (_electron, _t, permissions: string[]) => {
      const { sessionHandlers, windows } = (globalThis as any).fakeElectron;
      const contents = windows[0].webContents;
      const requested: Record<string, unknown> = {};
      const checked: Record<string, unknown> = {};
      for (const permission of permissions) {
        requested[permission] = await new Promise((resolve) => {
          const returned = sessionHandlers.permissionRequest(contents, permission, resolve, {
            requestingUrl: contents.mainFrame.url,
            isMainFrame: true,
          });
          // A handler that never calls back leaves the page's request hanging: treat it as an answer too.
          if (returned !== undefined) resolve(`returned ${String(returned)}`);
        });
        checked[permission] = sessionHandlers.permissionCheck(contents, permission, contents.mainFrame.url, {
          isMainFrame: true,
          requestingUrl: contents.mainFrame.url,
        });
      }
      const device = sessionHandlers.devicePermission({ deviceType: 'usb', origin: 'file://', device: {} });
      return { requested, checked, device, kinds: Object.keys(sessionHandlers).sort() };
    }, PERMISSIONS);
    assert.deepEqual(answers.kinds, ['devicePermission', 'permissionCheck', 'permissionRequest']);
    for (const permission of PERMISSIONS) {
      assert.equal(answers.requested[permission], false, `request for ${permission}`);
      assert.equal(answers.checked[permission], false, `check of ${permission}`);
    }
    assert.equal(answers.device, false);
  });

  test('webPreferences of every window the app creates: sandboxed, isolated, no Node, no webview, our preload, no DevTools when packaged', async () => {
    for (const packaged of [true, false]) {
      const target = await launch(packaged);
      await openEveryWindow(target);
      const windows = await target.evaluate(() =>
        (globalThis as any).fakeElectron.windows.map((w: any) => ({
          webPreferences: w.options.webPreferences,
          loaded: w.loaded,
        })),
      );
      assert.ok(windows.length >= 1, 'the popover was created');
      for (const { webPreferences, loaded } of windows) {
        assert.deepEqual(
          {
            sandbox: webPreferences.sandbox,
            contextIsolation: webPreferences.contextIsolation,
            nodeIntegration: webPreferences.nodeIntegration,
            nodeIntegrationInWorker: webPreferences.nodeIntegrationInWorker,
            nodeIntegrationInSubFrames: webPreferences.nodeIntegrationInSubFrames ?? false,
            webviewTag: webPreferences.webviewTag,
            webSecurity: webPreferences.webSecurity ?? true,
            allowRunningInsecureContent: webPreferences.allowRunningInsecureContent ?? false,
            experimentalFeatures: webPreferences.experimentalFeatures ?? false,
            enableBlinkFeatures: webPreferences.enableBlinkFeatures ?? '',
            devTools: webPreferences.devTools,
          },
          {
            sandbox: true,
            contextIsolation: true,
            nodeIntegration: false,
            nodeIntegrationInWorker: false,
            nodeIntegrationInSubFrames: false,
            webviewTag: false,
            webSecurity: true,
            allowRunningInsecureContent: false,
            experimentalFeatures: false,
            enableBlinkFeatures: '',
            // Developers running from the checkout keep DevTools; the packaged app has none.
            devTools: !packaged,
          },
          `packaged ${packaged}`,
        );
        assert.equal(webPreferences.preload, join(DIST, 'preload.cjs'));
        assert.equal(loaded, join(DIST, 'renderer', 'index.html'), 'it shows our own page');
      }
      const opened = await target.evaluate(() => {
        const contents = (globalThis as any).fakeElectron.windows[0].webContents;
        contents.openDevTools();
        return contents.isDevToolsOpened();
      });
      assert.equal(opened, !packaged, `packaged ${packaged}: DevTools open`);
      await target.close();
      app = undefined;
    }
  });

  test('navigation, redirects, new windows and webviews are refused for the popover and any other web contents', async () => {
    const target = await launch(true);
    await openEveryWindow(target);
    const guarded = await target.evaluate((electron) => {
      const { makeEvent } = electron;
      const popover = (globalThis as any).fakeElectron.windows[0].webContents;
      const other = new electron.BrowserWindow({}).webContents;
      return [popover, other].map((contents: any) => {
        const results: Record<string, unknown> = {};
        for (const name of ['will-navigate', 'will-redirect', 'will-frame-navigate', 'will-attach-webview']) {
          const event = makeEvent();
          contents.emit(name, event, 'https://example.com/');
          results[name] = event.defaultPrevented;
        }
        results.open = contents.windowOpenHandler({ url: 'https://example.com/', disposition: 'new-window' }).action;
        results.openFile = contents.windowOpenHandler({
          url: 'file:///etc/passwd',
          disposition: 'foreground-tab',
        }).action;
        return results;
      });
    });
    const refused = {
      'will-navigate': true,
      'will-redirect': true,
      'will-frame-navigate': true,
      'will-attach-webview': true,
      open: 'deny',
      openFile: 'deny',
    };
    assert.deepEqual(guarded, [refused, refused]);
    // One policy for all web contents, registered once.
    assert.equal(await target.evaluate((electron) => electron.app.listenerCount('web-contents-created')), 1);
    const calls = await target.evaluate(() => (globalThis as any).fakeElectron.calls.map((call: any) => call.what));
    assert.ok(calls.includes('enableSandbox'), 'every renderer sandboxed');
  });
});

describe('the Content-Security-Policy of every page', () => {
  const pages = [join(import.meta.dirname, '../../renderer'), join(DIST, 'renderer')].flatMap((dir) =>
    readdirSync(dir)
      .filter((name) => name.endsWith('.html'))
      .map((name) => join(dir, name)),
  );

  test('every page has one, as a <meta> (a file:// page gets no headers), and it lets in only our own script and style', () => {
    assert.ok(pages.length >= 2, `pages: ${pages.join(', ')}`);
    for (const page of pages) {
      const html = readFileSync(page, 'utf8');
      const metas = [...html.matchAll(/<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/gi)].map(
        (match) => match[1]!,
      );
      assert.equal(metas.length, 1, `${page}: one CSP meta`);
      // Before any script or style: a policy met after them does not cover them.
      assert.ok(
        html.indexOf('Content-Security-Policy') <
          Math.min(...['<script', '<link', '<style'].map((tag) => html.indexOf(tag)).filter((at) => at >= 0)),
        `${page}: the CSP comes first`,
      );
      const policy = new Map(
        metas[0]!
          .split(';')
          .map((directive) => directive.trim().split(/\s+/))
          .filter((words) => words[0])
          .map(([name, ...sources]) => [name!, sources]),
      );
      assert.deepEqual(policy.get('default-src'), ["'none'"], page);
      assert.deepEqual(policy.get('script-src'), ["'self'"], `${page}: no inline script, no eval, nothing remote`);
      assert.deepEqual(policy.get('style-src'), ["'self'"], page);
      assert.deepEqual(policy.get('connect-src'), ["'none'"], page);
      // These two do not fall back to default-src: without them a <base> or a <form> could point anywhere.
      assert.deepEqual(policy.get('base-uri'), ["'none'"], page);
      assert.deepEqual(policy.get('form-action'), ["'none'"], page);
      for (const [name, sources] of policy) {
        for (const source of sources) {
          assert.ok(!/unsafe-|^\*$|^https?:|^ws|^blob:/.test(source), `${page}: ${name} ${source}`);
        }
      }
    }
  });
});
