/**
 * The composition root (main/electron/index.ts, as built into dist/main.js) run for real in Node, with `electron`
 * resolved to a main-process stand-in (support/fake-electron.mjs) because Electron's binary can't be had
 * here — and everything else real: the core, real tmux, real tmate, the test tmate server, the
 * preferences file. What it checks is the wiring: one instance, the tray per state with its menu actions,
 * the lazily created and guarded popover, the IPC sender check, pushes, notifications gated by the prefs,
 * the idle cost, and quitting (asking when pairs are connected, then stopping every share).
 * Linux only: the stand-in plays Linux's tray (context menu, no clicks).
 */
import { execFileSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { CHANNELS } from '../../main/contract.ts';
import { openPrefsStore } from '../../main/prefs/prefs-store.ts';
import { Sandbox, startServer, switchServer, waitFor } from '../support/sandbox.ts';
import type { TestTmateServer } from '../support/tmate-server.ts';
import { invoke, launchFakeApp, type FakeApp } from './support/harness.ts';

const skip =
  process.platform === 'linux' ? false : `the main-process stand-in plays Linux's tray; this is ${process.platform}`;

let sandbox: Sandbox;
let server: TestTmateServer;
let app: FakeApp | undefined;

beforeEach(async () => {
  sandbox = await Sandbox.create();
  // tmate.io's behaviour: these tests check the notifications of pairs joining, which a bare server never sends.
  server = await startServer({ mode: 'tmate.io' });
  await sandbox.useServer(server);
});

afterEach(async () => {
  await app?.close();
  app = undefined;
  await sandbox.dispose();
  await server.close();
});

async function launch(extra: NodeJS.ProcessEnv = {}): Promise<FakeApp> {
  app = await launchFakeApp({ ...sandbox.env, FAKE_ELECTRON_USER_DATA: join(sandbox.root, 'user-data'), ...extra });
  return app;
}

/** Waits for the start-up refresh (the snapshot's first version). */
async function started(target: FakeApp): Promise<void> {
  await waitFor('the first snapshot', () => target.evaluate((_electron, t) => t.snapshot().version > 0));
}

interface TrayView {
  image: string;
  imageExists: boolean;
  tooltip: string;
  labels: string[];
}

function trayView(target: FakeApp): Promise<TrayView> {
  return target.evaluate(() => {
    const tray = (globalThis as any).fakeElectron.trays[0];
    const labels = (items: any[]): string[] =>
      items.flatMap((item) => [...(item.label ? [item.label] : []), ...labels(item.submenu ?? [])]);
    return {
      image: tray.image.path as string,
      imageExists: tray.image.exists as boolean,
      tooltip: tray.tooltip as string,
      labels: labels(tray.contextMenu?.template ?? []),
    };
  });
}

/** Clicks a tray menu item by its label, through the Electron menu template electron/tray.ts built. */
function clickTray(target: FakeApp, label: string): Promise<boolean> {
  return target.evaluate((_electron, _t, wanted: string) => {
    const find = (items: any[]): any => {
      for (const item of items ?? []) {
        if (item.label === wanted) return item;
        const inner = find(item.submenu);
        if (inner) return inner;
      }
      return undefined;
    };
    const tray = (globalThis as any).fakeElectron.trays[0];
    const item = find(tray.contextMenu.template);
    if (!item?.click) throw new Error(`no clickable tray item ${JSON.stringify(wanted)}`);
    item.click({}, undefined, {});
    return true;
  }, label);
}

describe('the app in Node with a stand-in for Electron', { skip }, () => {
  test('starts as a tray app: one instance, sandboxed renderers, the idle tray with its menu, no window, no timer', async () => {
    sandbox.newSession('work', 'default', 'sh');
    const target = await launch();
    await started(target);
    const calls = await target.evaluate(() => (globalThis as any).fakeElectron.calls.map((call: any) => call.what));
    assert.ok(calls.includes('requestSingleInstanceLock'));
    assert.ok(calls.includes('enableSandbox'));
    assert.equal(await target.evaluate((electron) => electron.app.listenerCount('web-contents-created')), 1);

    const tray = await trayView(target);
    assert.match(tray.image, /assets\/tray-idle\.png$/);
    assert.ok(tray.imageExists, tray.image);
    assert.equal(tray.tooltip, 'Pairbar — not sharing');
    assert.equal(tray.labels[0], 'Open Pairbar');
    for (const label of [
      'Not sharing',
      'Share a Session',
      'work (1 window)',
      'New Terminal',
      'Preferences…',
      'Quit Pairbar',
    ])
      assert.ok(tray.labels.includes(label), `${label} in ${tray.labels.join(' | ')}`);

    // The popover is created on first use only.
    assert.equal(await target.evaluate(() => (globalThis as any).fakeElectron.windows.length), 0);
    // Every contract channel has its handler.
    const channels = await target.evaluate(() => [...(globalThis as any).fakeElectron.handlers.keys()]);
    assert.deepEqual(
      channels.sort(),
      Object.values(CHANNELS)
        .filter((channel) => channel !== CHANNELS.state)
        .sort(),
    );

    // Idle: no timer, no child process, over a while.
    await sleep(1500);
    const resources = await target.evaluate(() => process.getActiveResourcesInfo());
    assert.deepEqual(
      resources.filter((kind: string) => kind === 'Timeout' || kind === 'Immediate'),
      [],
      `active resources: ${resources.join(', ')}`,
    );
    const children = await target.evaluate(
      () =>
        (process as any)._getActiveHandles().filter((handle: any) => handle?.constructor?.name === 'ChildProcess')
          .length,
    );
    assert.equal(children, 0);
  });

  test('reads and writes the very preferences file the CLI uses (electron-store opened on preferences.json)', async () => {
    await sandbox.setPrefs({ 'notifications.pairLeft': false });
    const target = await launch();
    await started(target);
    const prefs = await target.evaluate((_electron, t) => t.snapshot().prefs);
    assert.equal(prefs['notifications.pairLeft'], false);
    assert.equal(prefs['server.active'], 'test');
    assert.equal(prefs.servers[0]?.port, server.port);

    // The popover changes a preference: the CLI's store sees it.
    await target.evaluate((_electron, t) => t.showPopover());
    await waitFor('the popover', () =>
      target.evaluate(() => (globalThis as any).fakeElectron.windows[0]?.visible === true),
    );
    const result = (await invoke(target, CHANNELS.setPref, ['notifications.pairJoined', false])) as { ok: boolean };
    assert.equal(result.ok, true);
    assert.equal(openPrefsStore(sandbox.env).get('notifications.pairJoined'), false);
    const stored = JSON.parse(
      readFileSync(join(sandbox.env.PAIRBAR_CONFIG_DIR!, 'preferences.json'), 'utf8'),
    ) as Record<string, unknown>;
    assert.equal(stored['notifications.pairJoined'], false);
  });

  test('share from the tray menu, a pair joins: icon, tooltip, menu, notification, push; quitting asks, then stops the share', async () => {
    sandbox.newSession('work', 'default', 'sh');
    const target = await launch();
    await started(target);

    // Open the popover first, so pushes can be seen.
    await clickTray(target, 'Open Pairbar');
    await waitFor('the popover', () =>
      target.evaluate(() => (globalThis as any).fakeElectron.windows[0]?.visible === true),
    );

    await clickTray(target, 'work (1 window)');
    const host = await server.nextConnection();
    await waitFor('the sharing icon', async () => (await trayView(target)).image.endsWith('tray-sharing.png'));
    let tray = await trayView(target);
    assert.equal(tray.tooltip, 'Pairbar — sharing work, 0 pairs connected');
    for (const label of [
      'Sharing “work” — 0 pairs connected',
      'Copy SSH Command',
      'Copy Read-Only SSH Command',
      'Copy Web Link',
      'Copy Read-Only Web Link',
      'Stop Sharing “work”',
    ]) {
      assert.ok(tray.labels.includes(label), `${label} in ${tray.labels.join(' | ')}`);
    }

    await clickTray(target, 'Copy SSH Command');
    const copied = await target.evaluate(() => (globalThis as any).fakeElectron.clipboard);
    assert.deepEqual(copied, [host.links.ssh]);

    host.pairJoin('203.0.113.9');
    await waitFor('the paired icon', async () => (await trayView(target)).image.endsWith('tray-paired.png'));
    tray = await trayView(target);
    assert.equal(tray.tooltip, 'Pairbar — sharing work, 1 pair connected');
    assert.ok(tray.labels.includes('End Pairing: Stop Sharing “work”'));
    const notifications = await waitFor('the notification', async () => {
      const shown = await target.evaluate(() => (globalThis as any).fakeElectron.notifications);
      return shown.length > 0 ? shown : undefined;
    });
    assert.deepEqual(notifications[0], { title: 'A pair joined “work”', body: 'From 203.0.113.9 — 1 pair connected.' });

    // Each snapshot was pushed to the popover on pairbar:state, the latest with the pair.
    const pushed = await target.evaluate(
      (_electron, _t, channel: string) =>
        (globalThis as any).fakeElectron.windows[0].webContents.sent.filter(
          (message: any) => message.channel === channel,
        ),
      CHANNELS.state,
    );
    assert.ok(pushed.length >= 2);
    assert.equal(pushed.at(-1).args[0].shares[0].clients, 1);

    // Quit: pairs connected, so it asks; Cancel keeps everything running.
    await target.evaluate(() => {
      (globalThis as any).fakeElectron.dialogResponses.push(1);
    });
    await clickTray(target, 'Quit Pairbar');
    await waitFor('the question', () => target.evaluate(() => (globalThis as any).fakeElectron.dialogs.length === 1));
    const question = await target.evaluate(() => (globalThis as any).fakeElectron.dialogs[0]);
    assert.equal(question.message, 'End 1 pair and quit?');
    assert.deepEqual(question.buttons, ['End and Quit', 'Cancel']);
    await sleep(300);
    assert.equal(await target.evaluate(() => (globalThis as any).fakeElectron.quitted), false);
    assert.ok(!host.isClosed);
    assert.ok(sandbox.tmatePids().length > 0);

    // Again, answering End and Quit: every share is stopped before the app quits.
    await target.evaluate(() => {
      (globalThis as any).fakeElectron.dialogResponses.push(0);
    });
    await clickTray(target, 'Quit Pairbar');
    await waitFor('the quit', () => target.evaluate(() => (globalThis as any).fakeElectron.quitted === true));
    assert.deepEqual(sandbox.tmatePids(), []);
    await waitFor('the pair to be disconnected', () => host.isClosed);
    // The user's own session lives on.
    assert.match(sandbox.tmux(['list-sessions', '-F', '#{session_name}']), /^work$/m);
  });

  test('a bare server hands out new links after a reconnect: one notification says the old ones no longer work', async () => {
    server = await switchServer(sandbox, server, { mode: 'self-hosted' });
    sandbox.newSession('work', 'default', 'sh');
    const target = await launch();
    await started(target);
    await clickTray(target, 'work (1 window)');
    const first = await server.nextConnection();
    await waitFor('sharing', async () => (await trayView(target)).image.endsWith('tray-sharing.png'));
    first.drop();
    const again = await server.nextConnection(15_000);
    const notifications = await waitFor('the notification', async () => {
      const shown = await target.evaluate(() => (globalThis as any).fakeElectron.notifications);
      return shown.length > 0 ? shown : undefined;
    });
    assert.deepEqual(notifications, [
      {
        title: 'New links for “work” — the old ones no longer work',
        body: 'Send your pair the new links of “work” from the Pairbar menu.',
      },
    ]);
    // Lock screens and notification history show what a notification says: never a link.
    const token = /\S+@/.exec(again.links.ssh ?? '')?.[0] ?? 'no-link';
    assert.ok(
      !JSON.stringify(notifications).includes(token),
      `no link in the notification: ${JSON.stringify(notifications)}`,
    );
    const [view] = await target.evaluate((_electron, t) => t.snapshot().shares);
    assert.equal(typeof view.linksChangedAt, 'number');
    await clickTray(target, 'Quit Pairbar');
    await waitFor('the quit', () => target.evaluate(() => (globalThis as any).fakeElectron.quitted === true));
  });

  test('quitting with nobody connected does not ask, and still stops the shares', async () => {
    sandbox.newSession('work', 'default', 'sh');
    const target = await launch();
    await started(target);
    await clickTray(target, 'work (1 window)');
    await server.nextConnection();
    await waitFor('sharing', async () => (await trayView(target)).image.endsWith('tray-sharing.png'));
    await clickTray(target, 'Quit Pairbar');
    await waitFor('the quit', () => target.evaluate(() => (globalThis as any).fakeElectron.quitted === true));
    assert.equal(await target.evaluate(() => (globalThis as any).fakeElectron.dialogs.length), 0);
    assert.deepEqual(sandbox.tmatePids(), []);
  });

  test('quitting ends the pairs the app started and leaves the one started with `pairbar share` in a terminal', async () => {
    sandbox.newSession('work', 'default', 'sh');
    sandbox.newSession('terminal', 'default', 'sh');
    const fromTerminal = await sandbox.cli(['share', 'terminal', '--json']);
    assert.equal(fromTerminal.code, 0, fromTerminal.stderr);
    const terminalHost = await server.nextConnection();
    const target = await launch();
    await started(target);
    // The adopted share can be published before the session list it comes with: wait for both, as the menu does.
    await waitFor("the terminal's share adopted and the sessions listed", () =>
      target.evaluate(
        (_electron, t) =>
          t.snapshot().shares.some((share: any) => share.session === 'terminal' && share.origin === 'cli') &&
          t.snapshot().sessions.some((session: any) => session.name === 'work'),
      ),
    );
    await clickTray(target, 'work (1 window)');
    const appHost = await server.nextConnection();
    await waitFor("the app's share", () =>
      target.evaluate((_electron, t) =>
        t
          .snapshot()
          .shares.some((share: any) => share.session === 'work' && share.state === 'sharing' && share.origin === 'app'),
      ),
    );
    terminalHost.pairJoin('203.0.113.7');
    await waitFor("the pair on the terminal's share", () =>
      target.evaluate((_electron, t) =>
        t.snapshot().shares.some((share: any) => share.session === 'terminal' && share.clients === 1),
      ),
    );

    await clickTray(target, 'Quit Pairbar');
    await waitFor('the quit', () => target.evaluate(() => (globalThis as any).fakeElectron.quitted === true));
    assert.equal(
      await target.evaluate(() => (globalThis as any).fakeElectron.dialogs.length),
      0,
      "no pair is connected to the app's own share, so no question",
    );
    await waitFor("the app's pair disconnected", () => appHost.isClosed);
    assert.equal(terminalHost.isClosed, false, 'the share started in the terminal goes on');
    assert.equal(sandbox.tmatePids().length, 1);
    const status = await sandbox.cli(['status', '--json']);
    assert.deepEqual(
      (JSON.parse(status.stdout) as { session: string }[]).map((share) => share.session),
      ['terminal'],
    );
    assert.equal((await sandbox.cli(['stop', 'terminal'])).code, 0);
    assert.deepEqual(sandbox.tmatePids(), []);
  });

  test('the popover: created once with Node kept out, placed, trusted only for its own page, hidden on blur and Escape, never navigates', async () => {
    const target = await launch();
    await started(target);
    await clickTray(target, 'Open Pairbar');
    await waitFor('the popover', () =>
      target.evaluate(() => (globalThis as any).fakeElectron.windows[0]?.visible === true),
    );
    const win = await target.evaluate(() => {
      const w = (globalThis as any).fakeElectron.windows[0];
      return { options: w.options, loaded: w.loaded, bounds: w.bounds };
    });
    assert.equal(win.options.frame, false);
    assert.equal(win.options.webPreferences.sandbox, true);
    assert.equal(win.options.webPreferences.contextIsolation, true);
    assert.equal(win.options.webPreferences.nodeIntegration, false);
    assert.match(win.options.webPreferences.preload, /dist\/preload\.cjs$/);
    assert.match(win.loaded, /dist\/renderer\/index\.html$/);
    // Linux reports no tray bounds: top-right of the stand-in's work area (x 0, y 27, 1920 wide).
    assert.deepEqual(win.bounds, { x: 1920 - 360 - 4, y: 27 + 4, width: 360, height: 480 });

    // The IPC sender check: the popover's own page only.
    const snapshot = (await invoke(target, CHANNELS.getState, [])) as { version: number };
    assert.ok(snapshot.version > 0);
    for (const from of ['other-contents', 'other-url', 'subframe'] as const) {
      await assert.rejects(invoke(target, CHANNELS.getState, [], from), /Refused/, from);
      const refused = (await invoke(target, CHANNELS.share, [{ blank: true }], from)) as { ok: boolean };
      assert.equal(refused.ok, false, from);
    }
    await invoke(target, CHANNELS.hide, []);
    assert.equal(await target.evaluate((_e, t) => t.popoverVisible()), false);

    // Shown again: the same window, and the snapshot refreshed.
    const before = await target.evaluate((_e, t) => t.snapshot().version);
    await clickTray(target, 'Open Pairbar');
    await waitFor('shown again', () => target.evaluate((_e, t) => t.popoverVisible()));
    await waitFor('a refresh on show', () => target.evaluate((_e, t, v: number) => t.snapshot().version > v, before));
    assert.equal(await target.evaluate(() => (globalThis as any).fakeElectron.windows.length), 1);

    // Blur hides it; so does Escape.
    await target.evaluate(() => (globalThis as any).fakeElectron.windows[0].emit('blur'));
    assert.equal(await target.evaluate((_e, t) => t.popoverVisible()), false);
    await target.evaluate((_e, t) => t.showPopover());
    await waitFor('shown', () => target.evaluate((_e, t) => t.popoverVisible()));
    const escape = await target.evaluate((electron) => {
      const w = (globalThis as any).fakeElectron.windows[0];
      const { makeEvent } = electron;
      const event = makeEvent();
      w.webContents.emit('before-input-event', event, { type: 'keyDown', key: 'Escape' });
      return { prevented: event.defaultPrevented, visible: w.visible };
    });
    // Hidden at once; the page still receives the key.
    assert.deepEqual(escape, { prevented: false, visible: false });

    // Preferences… opens the popover on its preferences view.
    await clickTray(target, 'Preferences…');
    await waitFor('shown on preferences', () =>
      target.evaluate(() =>
        (globalThis as any).fakeElectron.windows[0].webContents.executed.some((code: string) =>
          code.includes('preferences'),
        ),
      ),
    );

    // Navigation and new windows are refused, for the popover and for any other web contents.
    const guarded = await target.evaluate((electron) => {
      const { makeEvent } = electron;
      const popover = (globalThis as any).fakeElectron.windows[0].webContents;
      const other = new electron.BrowserWindow({}).webContents;
      return [popover, other].map((contents: any) => {
        const navigate = makeEvent();
        contents.emit('will-navigate', navigate, 'https://example.com/');
        const webview = makeEvent();
        contents.emit('will-attach-webview', webview, {}, {});
        return {
          navigate: navigate.defaultPrevented,
          webview: webview.defaultPrevented,
          open: contents.windowOpenHandler({ url: 'https://example.com/' }).action,
        };
      });
    });
    assert.deepEqual(guarded, [
      { navigate: true, webview: true, open: 'deny' },
      { navigate: true, webview: true, open: 'deny' },
    ]);
  });

  test('without PAIRBAR_E2E the app has no test hook, and its tray works as before', async () => {
    sandbox.newSession('work', 'default', 'sh');
    const target = await launch({ PAIRBAR_E2E: '' });
    await waitFor('the session in the tray menu', async () =>
      (await trayView(target)).labels.includes('work (1 window)'),
    );
    assert.equal(await target.evaluate(() => typeof (globalThis as any).pairbarTest), 'undefined');
    await clickTray(target, 'work (1 window)');
    await server.nextConnection();
    await waitFor('sharing', async () => (await trayView(target)).image.endsWith('tray-sharing.png'));
    await clickTray(target, 'Quit Pairbar');
    await waitFor('the quit', () => target.evaluate(() => (globalThis as any).fakeElectron.quitted === true));
    assert.deepEqual(sandbox.tmatePids(), []);
  });

  test('a second instance leaves at once; the first one shows its popover', async () => {
    const second = await launchFakeApp({
      ...sandbox.env,
      FAKE_ELECTRON_LOCKED: '1',
      FAKE_ELECTRON_USER_DATA: join(sandbox.root, 'user-data'),
    });
    try {
      await sleep(200);
      const seen = await second.evaluate(() => ({
        calls: (globalThis as any).fakeElectron.calls.map((call: any) => call.what),
        trays: (globalThis as any).fakeElectron.trays.length,
      }));
      assert.ok(seen.calls.includes('quit'));
      assert.equal(seen.trays, 0);
    } finally {
      await second.close();
    }
    const first = await launch();
    await started(first);
    await first.evaluate((electron) => electron.app.emit('second-instance', electron.makeEvent(), [], '/'));
    await waitFor('the popover', () => first.evaluate((_e, t) => t.popoverVisible()));
  });

  test('a notification preference turned off is respected at once, even when set by the CLI', async () => {
    sandbox.newSession('work', 'default', 'sh');
    const target = await launch();
    await started(target);
    await clickTray(target, 'work (1 window)');
    const host = await server.nextConnection();
    await waitFor('sharing', async () => (await trayView(target)).image.endsWith('tray-sharing.png'));
    const cli = await sandbox.cli(['config', 'set', 'notifications.pairJoined', 'false']);
    assert.equal(cli.code, 0, cli.stderr);
    host.pairJoin('203.0.113.10');
    await waitFor('paired', async () => (await trayView(target)).image.endsWith('tray-paired.png'));
    host.pairLeave('203.0.113.10');
    const shown = await waitFor('the leave notification', async () => {
      const list = await target.evaluate(() => (globalThis as any).fakeElectron.notifications);
      return list.length > 0 ? list : undefined;
    });
    assert.deepEqual(
      shown.map((n: { title: string }) => n.title),
      ['A pair left “work”'],
    );
  });

  test('a share with an end time: the app warns, then the share ends by itself and the user stays attached', async () => {
    const id = sandbox.newSession('work', 'default', 'sh');
    sandbox.attachUserClient(id);
    await sandbox.waitForClients(id, 1);
    const userClients = sandbox.clientsOf(id);
    const shared = await sandbox.cli(['share', 'work', '--for', '6s']);
    assert.equal(shared.code, 0, shared.stderr);

    // The command started it; the app adopts it and, less than a minute being left, warns at once.
    const target = await launch();
    const notifications = await waitFor('the warning', async () => {
      const shown = (await target.evaluate(() => (globalThis as any).fakeElectron.notifications)) as Array<{
        title: string;
        body: string;
      }>;
      return shown.length > 0 ? shown : undefined;
    });
    assert.equal(notifications[0]?.title, 'Sharing “work” ends soon');
    assert.match(notifications[0]?.body ?? '', /ends by itself in [1-6] s/);
    const endsAt = await target.evaluate((_electron, t) => t.snapshot().shares[0]?.endsAt);
    assert.equal(typeof endsAt, 'number', 'the time is in the snapshot the popover and tray read');

    await waitFor(
      'the share to end',
      () => target.evaluate((_electron, t) => t.snapshot().shares.length === 0),
      20_000,
    );
    assert.ok(Date.now() >= (endsAt as number));
    await waitFor('tmate gone', () => sandbox.tmatePids().length === 0);
    assert.deepEqual(sandbox.clientsOf(id), userClients, 'the user is still attached');
  });

  test('New Links from the tray: the pair is dropped, the old links die, new ones are in the menu, the user stays attached', async () => {
    const id = sandbox.newSession('work', 'default', 'sh');
    sandbox.attachUserClient(id);
    await sandbox.waitForClients(id, 1);
    const userClients = sandbox.clientsOf(id);
    const target = await launch();
    await started(target);
    await clickTray(target, 'work (1 window)');
    const oldHost = await server.nextConnection();
    await waitFor('sharing', async () => (await trayView(target)).image.endsWith('tray-sharing.png'));

    await clickTray(target, 'New Links for “work” (Drops Everyone)');
    await oldHost.closed;
    const newHost = await server.nextConnection();
    assert.notEqual(newHost.tokens.rw, oldHost.tokens.rw);
    await waitFor('the new links in the snapshot', () =>
      target.evaluate((_electron, t, ssh: string) => t.snapshot().shares[0]?.links.ssh === ssh, newHost.links.ssh),
    );
    await clickTray(target, 'Copy SSH Command');
    assert.deepEqual(await target.evaluate(() => (globalThis as any).fakeElectron.clipboard), [newHost.links.ssh]);
    // A process still exiting is not a leak; one that stays is (its command line then shows in the failure).
    const oneTmate = () => sandbox.tmatePids().length === 1;
    await waitFor("only the new links' tmate", oneTmate, 5_000).catch(() => undefined);
    const pids = sandbox.tmatePids();
    assert.equal(
      pids.length,
      1,
      `no tmate left from the old links: ${pids.length > 0 ? execFileSync('ps', ['-o', 'pid,ppid,stat,args', '-p', pids.join(','), '--no-headers'], { encoding: 'utf8' }) : 'none'}`,
    );
    assert.deepEqual(
      sandbox.clientsOf(id).filter((tty) => userClients.includes(tty)),
      userClients,
    );
  });
});
