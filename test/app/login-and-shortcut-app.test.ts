/**
 * Launch at login and the global shortcut wired into the app: the built dist/main.js run with `electron`
 * resolved to the main-process stand-in (as main-process.test.ts does), real tmux, real tmate and the
 * test tmate server behind it. Linux only: the stand-in plays Linux (the autostart entry); macOS's login
 * item call is in login-and-shortcut.test.ts.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test, afterEach } from 'node:test';
import { CHANNELS } from '../../main/contract.ts';
import { openPrefsStore } from '../../main/prefs/prefs-store.ts';
import { waitFor, type Sandbox } from '../support/sandbox.ts';
import { worldPerTest } from '../support/world.ts';
import { invoke, launchFakeApp, type FakeApp } from './support/harness.ts';

const skip =
  process.platform === 'linux' ? false : `the main-process stand-in plays Linux; this is ${process.platform}`;
let app: FakeApp | undefined;
// Registered first so it runs first: the app is closed before its sandbox is taken down.
afterEach(async () => {
  await app?.close();
  app = undefined;
});
const world = worldPerTest();

async function launch(sandbox: Sandbox, extra: NodeJS.ProcessEnv = {}): Promise<FakeApp> {
  app = await launchFakeApp({
    ...sandbox.env,
    XDG_CONFIG_HOME: join(sandbox.root, 'xdg'),
    FAKE_ELECTRON_USER_DATA: join(sandbox.root, 'user-data'),
    ...extra,
  });
  await waitFor('the first snapshot', () => app!.evaluate((_electron, t) => t.snapshot().version > 0));
  // The popover's window exists once shown: IPC calls come from it.
  await app.evaluate((_electron, t) => t.showPopover());
  return app;
}

function fake<R>(target: FakeApp, read: (record: any) => R): Promise<Awaited<R>> {
  return target.evaluate(
    (_electron, _t, source: string) =>
      new Function('record', `return (${source})(record);`)((globalThis as any).fakeElectron),
    read.toString(),
  ) as Promise<Awaited<R>>;
}

describe('launch at login and the global shortcut, in the app, in Node with a stand-in for Electron', { skip }, () => {
  test('launch at login: off writes nothing; turned on in the popover, the autostart entry starts this executable; off removes it', async () => {
    const { sandbox } = world;
    const target = await launch(sandbox);
    const entry = join(sandbox.root, 'xdg', 'autostart', 'pairbar.desktop');
    assert.equal(existsSync(entry), false);
    const on = (await invoke(target, CHANNELS.setPref, ['app.launchAtLogin', true])) as { ok: boolean };
    assert.equal(on.ok, true);
    await waitFor('the autostart entry', () => existsSync(entry));
    const execPath = await target.evaluate(() => process.execPath);
    assert.ok(readFileSync(entry, 'utf8').split('\n').includes(`Exec=${execPath}`));
    assert.equal(
      await fake(target, (record) => record.calls.filter((call: any) => call.what === 'setLoginItemSettings').length),
      0,
      'Linux: no Electron login item',
    );
    await invoke(target, CHANNELS.setPref, ['app.launchAtLogin', false]);
    await waitFor('the entry removed', () => !existsSync(entry));
  });

  test('set with `pairbar config set` before start: the entry is written at start-up', async () => {
    const { sandbox } = world;
    assert.equal((await sandbox.cli(['config', 'set', 'app.launchAtLogin', 'true'])).code, 0);
    await launch(sandbox);
    await waitFor('the autostart entry', () => existsSync(join(sandbox.root, 'xdg', 'autostart', 'pairbar.desktop')));
  });

  test("the shortcut copies the shared session's link and notifies; a combination another app holds is refused and the old one kept", async () => {
    const { sandbox, server } = world;
    sandbox.newSession('work', 'default', 'sh');
    await sandbox.setPrefs({ 'shortcut.copyLink': 'CommandOrControl+Alt+L' });
    const target = await launch(sandbox);
    assert.deepEqual(await fake(target, (record) => [...record.shortcuts.keys()]), ['CommandOrControl+Alt+L']);
    await target.evaluate(
      (_electron, t, socket: string) => t.run({ kind: 'share', session: 'work', socket }),
      sandbox.socket(),
    );
    const host = await server.nextConnection();
    const sharing = () =>
      target.evaluate((_electron, t) =>
        t
          .snapshot()
          .shares.map((share: { state: string }) => share.state)
          .join(),
      );
    await waitFor('the share in the snapshot', async () => (await sharing()) === 'sharing');

    await target.evaluate((electron) => electron.globalShortcut.press('CommandOrControl+Alt+L'));
    await waitFor('the link on the clipboard', () => fake(target, (record) => record.clipboard.length > 0)).catch(
      async (error: unknown) =>
        assert.fail(
          `${String(error)}; notified: ${JSON.stringify(await target.evaluate((_electron, t) => t.notifications()))}; shares: ${await sharing()}`,
        ),
    );
    assert.deepEqual(await fake(target, (record) => record.clipboard), [host.links.ssh]);
    const notifications = (await target.evaluate((_electron, t) => t.notifications())) as {
      title: string;
      body: string;
    }[];
    assert.deepEqual(notifications.at(-1), {
      title: 'Link copied',
      body: 'The ssh link to “work” is on the clipboard.',
      pref: null,
    });

    await fake(target, (record) => record.takenShortcuts.push('Alt+Shift+K'));
    const refused = (await invoke(target, CHANNELS.setPref, ['shortcut.copyLink', 'Alt+Shift+K'])) as {
      ok: boolean;
      error?: { code: string; message: string };
    };
    assert.equal(refused.ok, false);
    assert.equal(refused.error?.code, 'SHORTCUT_TAKEN');
    assert.match(refused.error.message, /Alt\+Shift\+K is already taken/);
    assert.equal(openPrefsStore(sandbox.env).get('shortcut.copyLink'), 'CommandOrControl+Alt+L', 'not stored');
    assert.deepEqual(await fake(target, (record) => [...record.shortcuts.keys()]), ['CommandOrControl+Alt+L']);

    const invalid = (await invoke(target, CHANNELS.setPref, ['shortcut.copyLink', 'K'])) as {
      ok: boolean;
      error?: { code: string };
    };
    assert.equal(invalid.error?.code, 'INVALID_PREFERENCE');
    const off = (await invoke(target, CHANNELS.setPref, ['shortcut.copyLink', ''])) as { ok: boolean };
    assert.equal(off.ok, true);
    assert.deepEqual(await fake(target, (record) => [...record.shortcuts.keys()]), []);
  });

  test('a shortcut taken at start-up (set with the command) is told once, in a notification', async () => {
    const { sandbox } = world;
    await sandbox.setPrefs({ 'shortcut.copyLink': 'Super+P' });
    const target = await launch(sandbox, { FAKE_ELECTRON_TAKEN_SHORTCUTS: 'Super+P' });
    await target.evaluate((_electron, t) => t.run({ kind: 'refresh' }));
    const notifications = (await target.evaluate((_electron, t) => t.notifications())) as { title: string }[];
    assert.deepEqual(
      notifications.map((entry) => entry.title),
      ['The shortcut Super+P is already taken by another application or by the system.'],
    );
    assert.deepEqual(await fake(target, (record) => [...record.shortcuts.keys()]), []);
  });
});
