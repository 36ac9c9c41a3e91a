/**
 * The user's flow in the real app: real Electron through Playwright's _electron.launch, the real popover
 * page, real tmux and tmate, the test tmate server. Each test gets a fresh user-data dir and its own
 * sandbox (PAIRBAR_CONFIG_DIR, PAIRBAR_RUNTIME_DIR, TMUX_TMPDIR).
 *
 * Runs only where Electron's binary exists — checked by FILE (ELECTRON_OVERRIDE_DIST_PATH, or
 * node_modules/electron/path.txt + dist/), never by require('electron'), which would start a download.
 * Elsewhere every test is skipped with the reason.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { Sandbox, startServer, waitFor } from '../support/sandbox.ts';
import type { TestTmateServer } from '../support/tmate-server.ts';

const ROOT = join(import.meta.dirname, '../..');
const OUTPUT = join(ROOT, 'test-output', 'e2e');

/** Electron's executable, found the way node_modules/electron/index.js finds it, without downloading. */
function electronBinary(): { path?: string; reason: string } {
  const dir = join(ROOT, 'node_modules', 'electron');
  const pathFile = join(dir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : undefined;
  const fallback =
    process.platform === 'darwin'
      ? 'Electron.app/Contents/MacOS/Electron'
      : process.platform === 'win32'
        ? 'electron.exe'
        : 'electron';
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    const path = join(process.env.ELECTRON_OVERRIDE_DIST_PATH, relative || fallback);
    return existsSync(path)
      ? { path, reason: '' }
      : { reason: `ELECTRON_OVERRIDE_DIST_PATH is set but ${path} does not exist` };
  }
  if (!relative)
    return {
      reason:
        "Electron's binary is not downloaded (node_modules/electron/path.txt is missing; its download host is unreachable here)",
    };
  const path = join(dir, 'dist', relative);
  return existsSync(path)
    ? { path, reason: '' }
    : { reason: `node_modules/electron/path.txt names ${relative}, but node_modules/electron/dist/ does not hold it` };
}

const binary = electronBinary();
const headless = process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
const skip = !binary.path
  ? binary.reason
  : headless
    ? 'no display for Electron (DISPLAY/WAYLAND_DISPLAY unset): run the tests under xvfb-run'
    : false;
// On stderr: the test runner reads a test file's stdout as its own results channel.
if (skip) console.error(`e2e skipped: ${skip}`);

let sandbox: Sandbox;
let server: TestTmateServer;
let electronApp: ElectronApplication | undefined;

function launchArgs(userData: string): string[] {
  const args = [ROOT, `--user-data-dir=${userData}`];
  // Chromium refuses to run as root with its sandbox on (CI runs as root).
  if (process.platform === 'linux' && process.getuid?.() === 0) args.push('--no-sandbox');
  return args;
}

async function launch(): Promise<ElectronApplication> {
  const userData = join(sandbox.root, 'user-data');
  await mkdir(userData, { recursive: true });
  electronApp = await _electron.launch({
    executablePath: binary.path!,
    args: launchArgs(userData),
    cwd: ROOT,
    env: {
      ...sandbox.env,
      ...(process.env.DISPLAY ? { DISPLAY: process.env.DISPLAY } : {}),
      ...(process.env.WAYLAND_DISPLAY ? { WAYLAND_DISPLAY: process.env.WAYLAND_DISPLAY } : {}),
      PAIRBAR_E2E: '1',
    },
    timeout: 30_000,
  });
  // tsx compiles these functions with esbuild's keepNames, which calls __name(); give the main process one.
  await electronApp.evaluate('globalThis.__name = globalThis.__name || ((target) => target)');
  await waitFor(
    'the first snapshot',
    () => electronApp!.evaluate(() => (globalThis as any).pairbarTest.snapshot().version > 0),
    20_000,
  );
  return electronApp;
}

/** Opens the popover (as the tray does) and returns its page. */
async function openPopover(target: ElectronApplication): Promise<Page> {
  await target.evaluate(() => (globalThis as any).pairbarTest.showPopover());
  const page = await target.firstWindow();
  await page.waitForLoadState('domcontentloaded');
  await waitFor('the popover to show', () => target.evaluate(() => (globalThis as any).pairbarTest.popoverVisible()));
  return page;
}

const trayState = (target: ElectronApplication) =>
  target.evaluate(() => (globalThis as any).pairbarTest.trayState()) as Promise<{
    name: string;
    tooltip: string;
    title: string;
  }>;

beforeEach(async () => {
  if (skip) return;
  sandbox = await Sandbox.create();
  // tmate.io's behaviour: the flow checks four links and a pair joining, which a bare server never reports.
  server = await startServer({ mode: 'tmate.io' });
  await sandbox.useServer(server);
});

afterEach(async () => {
  if (skip) return;
  await electronApp?.close().catch(() => undefined);
  electronApp = undefined;
  await sandbox.dispose();
  await server.close();
});

describe('Pairbar in Electron', () => {
  test('the popover keeps Node out: sandboxed, context-isolated, only window.pairbar exposed', { skip }, async () => {
    const target = await launch();
    const page = await openPopover(target);
    const prefs = await target.evaluate(({ BrowserWindow }) => {
      const contents = BrowserWindow.getAllWindows()[0]!.webContents;
      // Not in Electron's typings, but present on WebContents: the preferences the page was created with.
      const web = (
        contents as unknown as { getLastWebPreferences?: () => Record<string, unknown> }
      ).getLastWebPreferences?.();
      return {
        web: web
          ? { sandbox: web.sandbox, contextIsolation: web.contextIsolation, nodeIntegration: web.nodeIntegration }
          : null,
        url: contents.getURL(),
      };
    });
    if (prefs.web) assert.deepEqual(prefs.web, { sandbox: true, contextIsolation: true, nodeIntegration: false });
    assert.match(prefs.url, /^file:.*\/dist\/renderer\/index\.html/);
    const world = await page.evaluate(() => ({
      require: typeof (window as any).require,
      process: typeof (window as any).process,
      ipcRenderer: typeof (window as any).ipcRenderer,
      api: Object.keys((window as any).pairbar ?? {}).sort(),
    }));
    assert.deepEqual(world, {
      require: 'undefined',
      process: 'undefined',
      ipcRenderer: 'undefined',
      api: ['copy', 'getState', 'hide', 'onState', 'refresh', 'setPref', 'share', 'stop'],
    });
  });

  test('share a session from the popover, copy its link, a pair joins, end the pair', { skip }, async () => {
    sandbox.newSession('work', 'default', 'sh');
    const target = await launch();
    const page = await openPopover(target);

    await page.getByRole('button', { name: 'Share work' }).click();
    const host = await server.nextConnection();
    await page.getByRole('button', { name: 'Copy SSH link for work' }).waitFor();
    await waitFor('the sharing icon', async () => (await trayState(target)).name === 'sharing');

    await page.getByRole('button', { name: 'Copy SSH link for work' }).click();
    await waitFor(
      'the link on the clipboard',
      async () => (await target.evaluate(({ clipboard }) => clipboard.readText())) === host.links.ssh,
    );

    host.pairJoin('203.0.113.9');
    await page.getByText('1 pair connected').first().waitFor();
    const state = await waitFor('the paired icon', async () => {
      const current = await trayState(target);
      return current.name === 'paired' ? current : undefined;
    });
    assert.equal(state.tooltip, 'Pairbar — sharing work, 1 pair connected');
    const notifications = await target.evaluate(() => (globalThis as any).pairbarTest.notifications());
    assert.deepEqual(
      notifications.map((n: { title: string }) => n.title),
      ['A pair joined “work”'],
    );
    await mkdir(OUTPUT, { recursive: true });
    await page.screenshot({ path: join(OUTPUT, 'popover-paired.png') });

    await page.getByRole('button', { name: 'End pair on work' }).click();
    await waitFor('the pair to be disconnected', () => host.isClosed);
    await waitFor('the idle icon', async () => (await trayState(target)).name === 'idle');
    assert.deepEqual(sandbox.tmatePids(), []);
    // Only the share ended: the user's session lives on.
    assert.match(sandbox.tmux(['list-sessions', '-F', '#{session_name}']), /^work$/m);
  });

  test('Escape and blur hide the popover; it never navigates and never opens a window', { skip }, async () => {
    const target = await launch();
    let page = await openPopover(target);
    await page.keyboard.press('Escape');
    await waitFor(
      'hidden on Escape',
      async () => !(await target.evaluate(() => (globalThis as any).pairbarTest.popoverVisible())),
    );

    await openPopover(target);
    // The window's blur event, as the window manager sends it when focus goes elsewhere (Xvfb has no
    // window manager to do that for real).
    await target.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.emit('blur'));
    await waitFor(
      'hidden on blur',
      async () => !(await target.evaluate(() => (globalThis as any).pairbarTest.popoverVisible())),
    );

    page = await openPopover(target);
    const before = page.url();
    await page.evaluate(() => {
      location.href = 'https://example.com/';
    });
    await sleep(500);
    assert.equal(page.url(), before);
    assert.equal(await page.evaluate(() => window.open('https://example.com/') === null), true);
    assert.equal(target.windows().length, 1);
  });

  test('quitting with a pair connected asks "End 1 pair and quit?", then ends every share', { skip }, async () => {
    sandbox.newSession('work', 'default', 'sh');
    const target = await launch();
    const socket = sandbox.socket();
    await target.evaluate(
      (_electron, socketPath) =>
        (globalThis as any).pairbarTest.run({ kind: 'share', session: 'work', socket: socketPath }),
      socket,
    );
    const host = await server.nextConnection();
    host.pairJoin('203.0.113.9');
    await waitFor('the paired icon', async () => (await trayState(target)).name === 'paired');

    const asked = join(sandbox.root, 'asked.txt');
    // Answer the question as the user would, and note what was asked (the app is gone afterwards).
    await target.evaluate(({ dialog }, file) => {
      dialog.showMessageBox = (async (...args: any[]) => {
        (process as any).getBuiltinModule('node:fs').writeFileSync(file, args.at(-1).message);
        return { response: 0, checkboxChecked: false };
      }) as never;
    }, asked);
    const exited = new Promise<number | null>((resolve) => target.process().once('exit', (code) => resolve(code)));
    await target.evaluate(({ app }) => {
      setTimeout(() => app.quit(), 0);
    });
    assert.equal(await exited, 0);
    electronApp = undefined;
    assert.equal(readFileSync(asked, 'utf8'), 'End 1 pair and quit?');
    assert.deepEqual(sandbox.tmatePids(), []);
    await waitFor('the pair to be disconnected', () => host.isClosed);
    assert.match(sandbox.tmux(['list-sessions', '-F', '#{session_name}']), /^work$/m);
  });

  test("a second instance shows the running one's popover and exits", { skip }, async () => {
    const target = await launch();
    const second = spawn(binary.path!, launchArgs(join(sandbox.root, 'user-data')), {
      cwd: ROOT,
      env: { ...process.env, ...sandbox.env },
      stdio: 'ignore',
    });
    const code = await new Promise<number | null>((resolve) => second.once('exit', resolve));
    assert.equal(code, 0);
    await waitFor('the popover of the first instance', () =>
      target.evaluate(() => (globalThis as any).pairbarTest.popoverVisible()),
    );
  });
});
