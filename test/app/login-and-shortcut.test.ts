/**
 * Launch at login and the global shortcut, on their own: the Linux autostart entry read back from disk,
 * and macOS's login item and the shortcut through the main-process stand-in (support/fake-electron.mjs),
 * which keeps what Electron would have been told.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, before, beforeEach, describe, test } from 'node:test';
import {
  applyAutostart,
  applyLoginItem,
  autostartDir,
  AUTOSTART_FILE,
  execArgument,
  loginExecutable,
} from '../../main/electron/login-item.ts';
import { acceleratorProblem } from '../../main/prefs/accelerator.ts';
import { CopyLinkShortcut, currentShare, type GlobalShortcutLike } from '../../main/electron/shortcut.ts';
import { writePref } from '../../main/prefs/write.ts';
import { openPrefsStore } from '../../main/prefs/prefs-store.ts';
import { share, SELF_HOSTED_LINKS } from './fixtures.ts';

interface FakeElectron {
  app: { setLoginItemSettings(settings: object): void; getLoginItemSettings(): { openAtLogin: boolean } };
  globalShortcut: GlobalShortcutLike & { press(accelerator: string): void; isRegistered(accelerator: string): boolean };
}
interface FakeRecord {
  calls: { what: string; [key: string]: unknown }[];
  takenShortcuts: string[];
  shortcuts: Map<string, () => void>;
}

const STAND_IN = './support/fake-electron.mjs';
let electron: FakeElectron;
let record: FakeRecord;
let dir: string;

before(async () => {
  electron = (await import(STAND_IN)) as FakeElectron;
  record = (globalThis as unknown as { fakeElectron: FakeRecord }).fakeElectron;
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pairbar-comforts-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** The entry's key=value lines, as a desktop reads them. */
function readEntry(file: string): Record<string, string> {
  const lines = readFileSync(file, 'utf8').split('\n');
  assert.equal(lines[0], '[Desktop Entry]');
  return Object.fromEntries(
    lines
      .slice(1)
      .filter(Boolean)
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

describe('launch at login', () => {
  test('Linux: on writes an XDG autostart entry that starts the app; off removes it', async () => {
    const autostart = join(dir, 'autostart');
    assert.equal(await applyAutostart(autostart, true, '/opt/Pairbar/pairbar'), 'written');
    const entry = readEntry(join(autostart, AUTOSTART_FILE));
    assert.equal(entry.Type, 'Application');
    assert.equal(entry.Name, 'Pairbar');
    assert.equal(entry.Exec, '/opt/Pairbar/pairbar');
    assert.equal(entry.Terminal, 'false');
    assert.equal(entry['X-GNOME-Autostart-enabled'], 'true');
    assert.equal(await applyAutostart(autostart, false, '/opt/Pairbar/pairbar'), 'removed');
    assert.equal(existsSync(join(autostart, AUTOSTART_FILE)), false);
    assert.equal(await applyAutostart(autostart, false, '/opt/Pairbar/pairbar'), 'absent');
  });

  test('Linux: a path with spaces, quotes, $ and % is quoted the way the Desktop Entry spec asks', async () => {
    const path = '/home/a b/Apps/Pair"bar $1 100%.AppImage';
    await applyAutostart(dir, true, path);
    assert.equal(readEntry(join(dir, AUTOSTART_FILE)).Exec, '"/home/a b/Apps/Pair\\"bar \\$1 100%%.AppImage"');
    assert.equal(execArgument('/usr/bin/pairbar'), '/usr/bin/pairbar');
    await assert.rejects(applyAutostart(dir, true, '/a\nExec=/bin/evil'), /not a usable path/);
  });

  test('Linux: an entry of that name the user wrote is never overwritten nor removed', async () => {
    const mine = '[Desktop Entry]\nType=Application\nName=My Pairbar\nExec=/home/me/bin/pairbar --my-flags\n';
    await writeFile(join(dir, AUTOSTART_FILE), mine);
    assert.equal(await applyAutostart(dir, true, '/opt/Pairbar/pairbar'), 'not ours');
    assert.equal(await applyAutostart(dir, false, '/opt/Pairbar/pairbar'), 'not ours');
    assert.equal(readFileSync(join(dir, AUTOSTART_FILE), 'utf8'), mine);
  });

  test('where: $XDG_CONFIG_HOME/autostart, else ~/.config/autostart; an AppImage is started as its file', () => {
    assert.equal(autostartDir({ HOME: '/home/u' }), '/home/u/.config/autostart');
    assert.equal(autostartDir({ HOME: '/home/u', XDG_CONFIG_HOME: '/cfg' }), '/cfg/autostart');
    assert.equal(autostartDir({ HOME: '/home/u', XDG_CONFIG_HOME: 'relative' }), '/home/u/.config/autostart');
    assert.equal(
      loginExecutable({ APPIMAGE: '/home/u/Pairbar.AppImage' }, '/tmp/.mount_Pair/pairbar'),
      '/home/u/Pairbar.AppImage',
    );
    assert.equal(loginExecutable({}, '/opt/Pairbar/pairbar'), '/opt/Pairbar/pairbar');
  });

  test("macOS: Electron's login item is set and cleared; nothing is written to an autostart folder", async () => {
    const env = { HOME: dir };
    await applyLoginItem(true, {
      app: electron.app,
      platform: 'darwin',
      env,
      execPath: '/Applications/Pairbar.app/Contents/MacOS/Pairbar',
    });
    assert.equal(electron.app.getLoginItemSettings().openAtLogin, true);
    await applyLoginItem(false, {
      app: electron.app,
      platform: 'darwin',
      env,
      execPath: '/Applications/Pairbar.app/Contents/MacOS/Pairbar',
    });
    assert.equal(electron.app.getLoginItemSettings().openAtLogin, false);
    assert.deepEqual(
      record.calls.filter((call) => call.what === 'setLoginItemSettings').map((call) => call.settings),
      [{ openAtLogin: true }, { openAtLogin: false }],
    );
    assert.equal(existsSync(join(dir, '.config')), false);
  });

  test('the preference is off by default and takes only true or false', async () => {
    const store = openPrefsStore({ PAIRBAR_CONFIG_DIR: dir });
    assert.equal(store.get('app.launchAtLogin'), undefined);
    assert.equal(writePref(store, 'app.launchAtLogin', 'on'), true);
    assert.throws(() => writePref(store, 'app.launchAtLogin', 'sometimes'), /expected true or false/);
  });
});

describe('the global shortcut', () => {
  const copied: string[] = [];
  const notified: { title: string; body: string }[] = [];
  let shares = [share('work')];
  let kind: unknown = 'ssh';
  const shortcut = () =>
    new CopyLinkShortcut({
      globalShortcut: electron.globalShortcut,
      shares: () => shares,
      linkKind: () => kind,
      writeClipboard: (text) => void copied.push(text),
      notify: (title, body) => void notified.push({ title, body }),
    });

  beforeEach(() => {
    copied.length = 0;
    notified.length = 0;
    record.shortcuts.clear();
    record.takenShortcuts.length = 0;
    shares = [share('work')];
    kind = 'ssh';
  });

  const pressed = async (accelerator: string) => {
    electron.globalShortcut.press(accelerator);
    await new Promise((resolve) => setImmediate(resolve));
  };

  test("off by default; once set, pressing it copies the current share's ssh link and says so", async () => {
    const controller = shortcut();
    assert.equal(controller.accelerator, '');
    assert.equal(record.shortcuts.size, 0);
    assert.equal(controller.apply('CommandOrControl+Alt+L'), null);
    assert.ok(electron.globalShortcut.isRegistered('CommandOrControl+Alt+L'));
    await pressed('CommandOrControl+Alt+L');
    assert.deepEqual(copied, [share('work').links.ssh]);
    assert.deepEqual(notified, [{ title: 'Link copied', body: 'The ssh link to “work” is on the clipboard.' }]);
    controller.apply('');
    assert.equal(record.shortcuts.size, 0, 'turned off: unregistered');
  });

  test('the newest sharing share is the current one; the link kind follows share.copyLink, ssh when unset', async () => {
    shares = [
      share('old', { startedAt: 1 }),
      share('new', { startedAt: 5 }),
      share('newer-but-failed', { startedAt: 9, state: 'failed' }),
    ];
    assert.equal(currentShare(shares)?.session, 'new');
    const controller = shortcut();
    controller.apply('Alt+Shift+P');
    kind = 'sshReadOnly';
    await pressed('Alt+Shift+P');
    kind = 'not-a-kind';
    await pressed('Alt+Shift+P');
    assert.deepEqual(copied, [share('new').links.sshReadOnly, share('new').links.ssh]);
  });

  test('nothing shared, or no such link: nothing copied, and the notification says why', async () => {
    const controller = shortcut();
    controller.apply('Super+F5');
    shares = [];
    await pressed('Super+F5');
    shares = [share('work', { links: { ...SELF_HOSTED_LINKS } })];
    kind = 'web';
    await pressed('Super+F5');
    assert.deepEqual(copied, []);
    assert.deepEqual(
      notified.map((entry) => entry.title),
      ['Nothing is shared', 'No web link for “work”'],
    );
  });

  test('a combination another application holds is refused with a message, and the previous one kept', () => {
    const controller = shortcut();
    assert.equal(controller.apply('CommandOrControl+Alt+L'), null);
    record.takenShortcuts.push('CommandOrControl+Shift+V');
    const refused = controller.apply('CommandOrControl+Shift+V');
    assert.equal(refused?.code, 'SHORTCUT_TAKEN');
    assert.match(refused.message, /CommandOrControl\+Shift\+V is already taken/);
    assert.match(refused.fix, /keeps CommandOrControl\+Alt\+L/);
    assert.equal(controller.accelerator, 'CommandOrControl+Alt+L');
    assert.ok(electron.globalShortcut.isRegistered('CommandOrControl+Alt+L'));
    controller.dispose();
    assert.equal(record.shortcuts.size, 0);
  });

  test('accelerators are validated as Electron reads them, and need a real modifier', () => {
    const good = [
      'CommandOrControl+Alt+L',
      'Ctrl+Shift+Plus',
      'Alt+F12',
      'Super+Space',
      'Cmd+Option+/',
      'Control+num5',
    ];
    const bad: [string, RegExp][] = [
      ['L', /needs CommandOrControl/],
      ['Shift+L', /needs CommandOrControl/],
      ['Ctrl++', /as Plus/],
      ['Hyper+L', /"hyper" is not a modifier/],
      ['Ctrl+Ctrl+L', /twice/],
      ['Ctrl+Alt+F25', /not a key/],
      ['Ctrl+Alt+LL', /not a key/],
      ['Ctrl+Alt+', /empty parts/],
    ];
    for (const value of good) assert.equal(acceleratorProblem(value), undefined, value);
    for (const [value, reason] of bad) assert.match(acceleratorProblem(value) ?? '', reason, value);
    const store = openPrefsStore({ PAIRBAR_CONFIG_DIR: dir });
    assert.equal(writePref(store, 'shortcut.copyLink', 'CommandOrControl+Alt+L'), 'CommandOrControl+Alt+L');
    assert.throws(
      () => writePref(store, 'shortcut.copyLink', 'Shift+L'),
      /Cannot set shortcut\.copyLink: needs CommandOrControl/,
    );
    assert.equal(writePref(store, 'shortcut.copyLink', ''), '', 'empty turns it off');
    // An invalid accelerator written into the file by hand is refused by apply() too, never registered.
    assert.equal(shortcut().apply('Shift+L')?.code, 'INVALID_PREFERENCE');
    assert.equal(record.shortcuts.size, 0);
  });
});
