/**
 * The popover in Chromium with everything behind it real: the built renderer (dist/renderer), the real
 * preload (main/electron/preload.ts, bundled here with `electron` resolved to ./electron-stand-in.ts), the real
 * handlers of main/electron/ipc/ registered by the real `registerIpc`, the real AppState over the real core
 * (`createRuntime(sandbox.env)`), real tmux, real tmate, and the test tmate server.
 *
 * Only Electron itself is stood in for, by the smallest pieces `registerIpc` takes:
 *   ipcMain          → records `handle()`d listeners; the page reaches them through one binding
 *   isTrustedSender  → the call must come from the popover page's main frame, at the popover's origin
 *   writeClipboard   → `popover.clipboardWrites` (the stand-in for Electron's `clipboard.writeText`)
 *   hidePopover      → counts `popover.hideCalls`
 *   webContents.send → every AppState 'snapshot' is delivered to the page's `ipcRenderer.on` listeners
 *
 * Usage:
 *   const popover = await openPopover({ sandbox });
 *   await popover.page.getByRole('button', { name: 'Share work' }).click();
 *   await popover.screenshot('sharing');   // test-output/screenshots/sharing-light.png and -dark.png
 *   await popover.close();
 */
import { readFile, mkdir, stat, readdir } from 'node:fs/promises';
import { join, extname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { build } from 'esbuild';
import type { Browser, BrowserContext, Frame, Locator, Page } from 'playwright-core';
import { CHANNELS, type Snapshot } from '../../main/contract.ts';
import { registerIpc, type IpcEventLike, type IpcMainLike } from '../../main/electron/ipc/index.ts';
import { openPrefsStore } from '../../main/prefs/prefs-store.ts';
import type { Runtime } from '../../main/runtime.ts';
import { addServer } from '../../main/prefs/servers.ts';
import { AppState } from '../../main/app/app-state.ts';
import { launchChromium } from './chromium.ts';
import { Sandbox, waitFor } from './sandbox.ts';

const ROOT = join(import.meta.dirname, '../..');
export const RENDERER_SOURCE = join(ROOT, 'renderer');
export const RENDERER_DIR = join(ROOT, 'dist/renderer');
export const SCREENSHOT_DIR = join(ROOT, 'test-output/screenshots');
const STAND_IN = join(import.meta.dirname, 'electron-stand-in.ts');

/** The popover is served from this made-up origin through `context.route` (file:// blocks module scripts). */
export const POPOVER_ORIGIN = 'http://pairbar.test';
export const POPOVER_URL = `${POPOVER_ORIGIN}/index.html`;
/** About the size of the popover window main/electron/popover.ts makes. */
export const POPOVER_SIZE = { width: 360, height: 480 };

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

// ------------------------------------------------------------------------------------ the bundles

let preload: Promise<string> | undefined;

/** The real preload, bundled for the page with `electron` → the stand-in (once per process). */
export function bundlePreload(): Promise<string> {
  preload ??= build({
    entryPoints: [join(ROOT, 'main/electron/preload.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    logLevel: 'silent',
    plugins: [
      {
        name: 'electron-stand-in',
        setup(builder) {
          builder.onResolve({ filter: /^electron$/ }, () => ({ path: STAND_IN }));
        },
      },
    ],
  }).then((result) => result.outputFiles[0]!.text);
  return preload;
}

async function newestSource(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? await newestSource(path) : (await stat(path)).mtimeMs);
  }
  return newest;
}

/**
 * The built renderer, by URL path. Refuses a missing or stale build rather than test old code. Waits a
 * little for a missing one: `node scripts/build.mjs` empties dist/ first, so a build running alongside the
 * tests (another terminal) makes it vanish for a moment.
 */
export async function rendererFiles(waitMs = 20_000): Promise<Map<string, Buffer>> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      return await readRenderer();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || Date.now() > deadline) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT')
          throw new Error(`${RENDERER_DIR} is incomplete: run \`node scripts/build.mjs\` first`, { cause: error });
        throw error;
      }
      await sleep(250);
    }
  }
}

async function readRenderer(): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  let built = Infinity;
  for (const name of ['index.html', 'index.js', 'style.css'])
    built = Math.min(built, (await stat(join(RENDERER_DIR, name))).mtimeMs);
  if ((await newestSource(RENDERER_SOURCE)) > built)
    throw new Error('dist/renderer is older than renderer/: run `node scripts/build.mjs` first');
  for (const name of await readdir(RENDERER_DIR)) files.set(`/${name}`, await readFile(join(RENDERER_DIR, name)));
  for (const name of ['/index.html', '/index.js', '/style.css']) {
    if (!files.get(name)?.length) throw Object.assign(new Error(`${name} is empty`), { code: 'ENOENT' });
  }
  return files;
}

// ------------------------------------------------------------------------------------ the popover

export interface PopoverOptions {
  sandbox: Sandbox;
  colorScheme?: 'light' | 'dark';
  /** Load the snapshot before the popover first opens, as the app does at start (default true). */
  warm?: boolean;
  /** Navigate to the popover at once (default true); false leaves `page` blank for the test to open. */
  open?: boolean;
  /** Use this browser (not closed by `close()`); by default each popover launches and closes its own. */
  browser?: Browser;
}

export interface Invocation {
  channel: string;
  args: unknown[];
  /** The URL of the frame that called. */
  from: string;
  trusted: boolean;
}

type HarnessEvent = IpcEventLike & { senderFrame: { url: string; frame: Frame } };

export class Popover {
  /** The stand-in for Electron's clipboard: every text the copy handler wrote, in order. */
  /** How many times the hide handler asked to hide the popover. */
  hideCalls = 0;
  /** Every invoke that reached the ipc stand-in, trusted or not. */
  readonly invocations: Invocation[] = [];
  /** alert/confirm/prompt dialogs the page opened (none ever should). */
  readonly dialogs: string[] = [];
  /** Uncaught page errors and console errors (CSP violations land here). */
  readonly errors: string[] = [];
  private readonly handlers = new Map<string, (event: IpcEventLike, ...args: unknown[]) => unknown>();
  private unregister: () => void = () => undefined;
  /** Invokes received and not yet answered. */
  private inFlight = 0;
  private readonly onSnapshot = (snapshot: Snapshot) => this.push(snapshot);
  private closed = false;

  private constructor(
    readonly sandbox: Sandbox,
    readonly runtime: Runtime,
    readonly state: AppState,
    readonly browser: Browser,
    readonly context: BrowserContext,
    readonly page: Page,
    private readonly ownsBrowser: boolean,
    /** What reached (the stand-in for) Electron's clipboard, in order: copies, and copy on share. */
    readonly clipboardWrites: string[],
  ) {}

  static async open(options: PopoverOptions): Promise<Popover> {
    const files = await rendererFiles();
    const script = await bundlePreload();
    // The app's runtime: with a store, as main/electron/index.ts gives it electron-store (conf, opened the same way).
    const runtime = options.sandbox.runtime(openPrefsStore(options.sandbox.env));
    // Copy on share writes where the IPC's copies do: the same record (the app passes both Electron's clipboard).
    const clipboardWrites: string[] = [];
    const state = new AppState(runtime, { writeClipboard: (text) => void clipboardWrites.push(text) });
    if (options.warm !== false) await state.refresh();
    const browser = options.browser ?? (await launchChromium());
    try {
      const context = await browser.newContext({
        viewport: POPOVER_SIZE,
        deviceScaleFactor: 2,
        colorScheme: options.colorScheme ?? 'light',
        locale: 'en-US',
        timezoneId: 'UTC',
      });
      const page = await context.newPage();
      const popover = new Popover(
        options.sandbox,
        runtime,
        state,
        browser,
        context,
        page,
        !options.browser,
        clipboardWrites,
      );
      await popover.wire(files, script);
      if (options.open !== false) await popover.show();
      return popover;
    } catch (error) {
      if (!options.browser) await browser.close();
      throw error;
    }
  }

  private async wire(files: Map<string, Buffer>, script: string): Promise<void> {
    const { context, page } = this;
    // Nothing but the popover's own files loads (routes registered later are tried first).
    await context.route('**/*', (route) => route.abort('blockedbyclient'));
    await context.route(`${POPOVER_ORIGIN}/**`, (route) => {
      const path = new URL(route.request().url()).pathname;
      const body = files.get(path === '/' ? '/index.html' : path);
      return body
        ? route.fulfill({ status: 200, body, contentType: TYPES[extname(path)] ?? 'application/octet-stream' })
        : route.fulfill({ status: 404, body: 'not found' });
    });

    const ipcMain: IpcMainLike = {
      handle: (channel, listener) => {
        if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
        this.handlers.set(channel, listener);
      },
      removeHandler: (channel) => {
        this.handlers.delete(channel);
      },
    };
    this.unregister = registerIpc({
      ipcMain,
      state: this.state,
      isTrustedSender: (event) => {
        const frame = (event as HarnessEvent).senderFrame?.frame;
        return (
          event.sender === page && frame === page.mainFrame() && originOf(event.senderFrame?.url) === POPOVER_ORIGIN
        );
      },
      writeClipboard: (text) => {
        this.clipboardWrites.push(text);
      },
      hidePopover: () => {
        this.hideCalls++;
      },
    });

    // On the context, so any page or frame can try to call in: the sender check is what must stop them.
    await context.exposeBinding('__pairbarInvoke', async (source, request: unknown) => {
      let reply: { ok: boolean; value?: unknown; message?: string };
      this.inFlight++;
      try {
        if (typeof request !== 'string') throw new Error('malformed request');
        const { channel, args } = JSON.parse(request) as { channel: string; args: unknown[] };
        const event: HarnessEvent = {
          sender: source.page,
          senderFrame: { url: source.frame.url(), frame: source.frame },
        };
        const handler = this.handlers.get(channel);
        this.invocations.push({
          channel,
          args,
          from: source.frame.url(),
          trusted: handler ? event.sender === page && source.frame === page.mainFrame() : false,
        });
        if (!handler) throw new Error(`No handler registered for '${channel}'`);
        reply = { ok: true, value: await handler(event, ...args) };
      } catch (error) {
        reply = { ok: false, message: error instanceof Error ? error.message : String(error) };
      } finally {
        this.inFlight--;
      }
      return JSON.stringify(reply);
    });
    // Before any of the page's scripts, like a preload.
    await context.addInitScript({ content: script });

    this.state.on('snapshot', this.onSnapshot);
    page.on('dialog', (dialog) => {
      this.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
      void dialog.dismiss().catch(() => undefined);
    });
    page.on('pageerror', (error) => this.errors.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') this.errors.push(`console: ${message.text()}`);
    });
  }

  /** webContents.send(CHANNELS.state, snapshot), as main/electron/index.ts does on every AppState 'snapshot'. */
  private push(snapshot: Snapshot): void {
    if (this.closed) return;
    void this.page
      .evaluate(([channel, payload]) => window.__pairbarDeliver?.(channel, payload), [
        CHANNELS.state,
        JSON.stringify([snapshot]),
      ] as const)
      .catch(() => undefined); // The page may be navigating or closed.
  }

  /** Opens the popover (a fresh page load) and waits until it has pulled, refreshed and drawn the state. */
  async show(): Promise<void> {
    await this.page.goto(POPOVER_URL);
    await this.settled();
  }

  /**
   * Waits until the page has no call in flight and shows AppState's latest snapshot (the renderer stamps
   * the version it drew on <body data-version>), so a test's next change can't race the popover's refresh.
   */
  async settled(timeoutMs = 15_000): Promise<void> {
    await waitFor(
      'the popover to settle',
      async () => {
        if (this.invocations.length === 0 || this.inFlight > 0) return false;
        const shown = await this.page.evaluate(() => document.body.dataset.version ?? '');
        return this.inFlight === 0 && shown === String(this.state.snapshot().version);
      },
      timeoutMs,
    );
  }

  /**
   * The popover hidden then shown again without a reload, as Electron's window.hide()/show() does:
   * the page sees visibilitychange (headless Chromium never hides a page by itself, so it is emulated).
   */
  async reshow(): Promise<void> {
    const before = this.invocations.length;
    await this.page.evaluate(() => {
      for (const state of ['hidden', 'visible']) {
        Object.defineProperty(document, 'visibilityState', { value: state, configurable: true });
        Object.defineProperty(document, 'hidden', { value: state === 'hidden', configurable: true });
        document.dispatchEvent(new Event('visibilitychange'));
      }
    });
    await waitFor('the pull after showing', () => this.invocations.length > before);
    await this.settled();
  }

  /** The row of a session that is not shared (by its exact name). */
  sessionRow(name: string): Locator {
    return this.page
      .locator('.session-row')
      .filter({ has: this.page.locator('.row-title').getByText(name, { exact: true }) });
  }

  /** The card of a shared session (by its exact name). */
  shareCard(name: string): Locator {
    return this.page.locator('.card').filter({ has: this.page.locator('.row-title').getByText(name, { exact: true }) });
  }

  /** Waits until AppState's snapshot satisfies `check`. */
  waitForSnapshot(what: string, check: (snapshot: Snapshot) => boolean, timeoutMs = 15_000): Promise<Snapshot> {
    return waitFor(what, () => (check(this.state.snapshot()) ? this.state.snapshot() : undefined), timeoutMs);
  }

  /** Screenshots the popover in light and dark: `test-output/screenshots/<name>-light.png`, `-dark.png`. */
  async screenshot(name: string): Promise<string[]> {
    await mkdir(SCREENSHOT_DIR, { recursive: true });
    const paths: string[] = [];
    // No hover effect left over from the last click (the top-left corner is the logo, which has none).
    await this.page.mouse.move(1, 1);
    for (const colorScheme of ['light', 'dark'] as const) {
      await this.page.emulateMedia({ colorScheme });
      const path = join(SCREENSHOT_DIR, `${name}-${colorScheme}.png`);
      await this.page.screenshot({ path, animations: 'disabled', caret: 'hide' });
      paths.push(path);
    }
    await this.page.emulateMedia({ colorScheme: 'light' });
    return paths;
  }

  /** Closes the page and browser and drops the ipc handlers. The sandbox (shares, tmux) is the caller's. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.state.off('snapshot', this.onSnapshot);
    this.unregister();
    await this.context.close().catch(() => undefined);
    if (this.ownsBrowser) await this.browser.close().catch(() => undefined);
  }
}

export function openPopover(options: PopoverOptions): Promise<Popover> {
  return Popover.open(options);
}

function originOf(url: string | undefined): string | undefined {
  try {
    return url ? new URL(url).origin : undefined;
  } catch {
    return undefined;
  }
}

// ------------------------------------------------------------------------------------ benchmark

/**
 * How the popover is opened for a timing:
 * - 'reshow': the warm open of the app: Electron shows the already-loaded popover window again. While it
 *   was hidden the user started a new tmux session; the time runs from the show (visibilitychange) until
 *   that session's row is painted, i.e. the renderer pulled the state, refreshed it (tmux asked again),
 *   and drew it. Measured in the page, so Playwright's own round trips are not counted; the IPC round
 *   trips (through the harness's binding, standing in for Electron's IPC) are.
 * - 'reload': `page.goto` until the first session row is visible, measured from Node. Every request of the
 *   page is routed through Node by `context.route` (which also turns Chromium's HTTP cache off), so this
 *   figure is mostly the harness, not the renderer.
 */
export type OpenPath = 'reshow' | 'reload';

let benchSessions = 0;

/**
 * Runs in the page: shows the popover again and resolves with the ms until `name`'s row is painted. A source
 * string, not a function, because tsx's keepNames would add `__name(...)` calls the page doesn't have.
 */
const RESHOW_TIMER = `async function (name) {
  var started = performance.now();
  function shown() {
    return Array.prototype.some.call(document.querySelectorAll('.session-row .row-title'), function (element) { return element.textContent === name; });
  }
  var painted = new Promise(function (resolve, reject) {
    var timer = setTimeout(function () { reject(new Error(name + ' never appeared')); }, 10000);
    var observer = new MutationObserver(function () {
      if (!shown()) return;
      observer.disconnect();
      clearTimeout(timer);
      requestAnimationFrame(function () { resolve(performance.now() - started); });
    });
    observer.observe(document.body, { subtree: true, childList: true });
  });
  ['hidden', 'visible'].forEach(function (state) {
    Object.defineProperty(document, 'visibilityState', { value: state, configurable: true });
    Object.defineProperty(document, 'hidden', { value: state === 'hidden', configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
  });
  return painted;
}`;

/** Milliseconds from opening the popover (see OpenPath) until the session rows are visible. */
export async function timeToSessionsVisible(popover: Popover, path: OpenPath = 'reshow'): Promise<number> {
  if (path === 'reload') {
    const started = performance.now();
    await popover.page.goto(POPOVER_URL, { waitUntil: 'commit' });
    await popover.page.locator('.session-row, .card').first().waitFor({ state: 'visible' });
    return performance.now() - started;
  }
  const name = `opened-${++benchSessions}`;
  popover.sandbox.newSession(name);
  try {
    return await popover.page.evaluate<number>(`(${RESHOW_TIMER})(${JSON.stringify(name)})`);
  } finally {
    popover.sandbox.tmux(['kill-session', '-t', name]);
  }
}

export interface Timings {
  samples: number[];
  median: number;
  min: number;
  max: number;
}

function timings(samples: number[]): Timings {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { samples, median, min: sorted[0]!, max: sorted.at(-1)! };
}

/**
 * "Popover opened → sessions visible", warm, for `npm run bench`: a sandbox with `sessions` tmux sessions,
 * the state loaded and the popover opened once, then `runs` timed opens by each path (see OpenPath; the
 * app's warm open is 'reshow'). Cleans up after itself.
 */
export async function benchPopoverOpen(
  options: { runs?: number; sessions?: number; warmup?: number } = {},
): Promise<Record<OpenPath, Timings>> {
  const { runs = 20, sessions = 3, warmup = 3 } = options;
  const sandbox = await Sandbox.create();
  let popover: Popover | undefined;
  try {
    for (let index = 0; index < sessions; index++) sandbox.newSession(`bench-${index + 1}`);
    // A server chosen, as on a machine in use (nothing is shared here, so it need not answer): without one
    // the popover opens on choosing a server instead of the sessions.
    addServer(openPrefsStore(sandbox.env), {
      name: 'bench',
      host: '127.0.0.1',
      port: 9,
      rsaFingerprint: '',
      ed25519Fingerprint: `SHA256:${'A'.repeat(43)}`,
      ecdsaFingerprint: '',
    });
    popover = await openPopover({ sandbox });
    const result = {} as Record<OpenPath, Timings>;
    for (const path of ['reshow', 'reload'] as const) {
      for (let index = 0; index < warmup; index++) await timeToSessionsVisible(popover, path);
      const samples: number[] = [];
      for (let index = 0; index < runs; index++) samples.push(await timeToSessionsVisible(popover, path));
      result[path] = timings(samples);
    }
    return result;
  } finally {
    await popover?.close();
    await sandbox.dispose();
  }
}
