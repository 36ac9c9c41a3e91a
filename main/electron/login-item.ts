/**
 * Launch at login (the `app.launchAtLogin` preference, off by default). macOS and Windows keep login items
 * themselves: Electron's app.setLoginItemSettings. Electron does nothing there on Linux, where desktops start
 * what ~/.config/autostart holds (the XDG Autostart spec): a .desktop entry written, or removed, here.
 * No Electron import: the app passes its `app` in, so this runs under the tests as it is.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The part of Electron's `app` this needs. */
export interface LoginItemApp {
  setLoginItemSettings(settings: { openAtLogin: boolean }): void;
}

export const AUTOSTART_FILE = 'pairbar.desktop';
/** Marks the entry as Pairbar's own, so turning the preference off never removes one the user wrote. */
const MARK = 'X-Pairbar-Autostart=true';

/** $XDG_CONFIG_HOME/autostart, else ~/.config/autostart. */
export function autostartDir(env: NodeJS.ProcessEnv): string {
  const config =
    env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith('/')
      ? env.XDG_CONFIG_HOME
      : join(env.HOME || homedir(), '.config');
  return join(config, 'autostart');
}

/**
 * One argument of an Exec line, as the Desktop Entry spec wants it: quoted when it holds anything but
 * plain characters, with `"`, `` ` ``, `$` and `\` escaped inside the quotes, and `%` doubled (a field code
 * otherwise).
 */
export function execArgument(value: string): string {
  const percent = value.replaceAll('%', '%%');
  if (/^[A-Za-z0-9_./+-]+$/.test(percent)) return percent;
  return `"${percent.replace(/["`$\\]/g, (c) => `\\${c}`)}"`;
}

/** The autostart entry that starts `executable` at login. */
export function desktopEntry(executable: string): string {
  if (/[\n\r\0]/.test(executable))
    throw new Error(`not a usable path for an autostart entry: ${JSON.stringify(executable)}`);
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Pairbar',
    'Comment=Pair on your tmux session through tmate, from the tray',
    `Exec=${execArgument(executable)}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    MARK,
    '',
  ].join('\n');
}

/**
 * Writes (enabled) or removes (disabled) Pairbar's entry in `dir`. An entry of that name that Pairbar did
 * not write is left alone either way; returns what the directory now says.
 */
export async function applyAutostart(
  dir: string,
  enabled: boolean,
  executable: string,
): Promise<'written' | 'removed' | 'absent' | 'not ours'> {
  const file = join(dir, AUTOSTART_FILE);
  let existing: string | undefined;
  try {
    existing = await readFile(file, 'utf8');
  } catch {
    existing = undefined;
  }
  if (existing !== undefined && !existing.split('\n').includes(MARK)) return 'not ours';
  if (!enabled) {
    if (existing === undefined) return 'absent';
    await rm(file, { force: true });
    return 'removed';
  }
  await mkdir(dir, { recursive: true });
  await writeFile(file, desktopEntry(executable), { mode: 0o644 });
  return 'written';
}

/**
 * What starts the app again: the AppImage file where it runs from one (its mount point changes every run),
 * else the executable itself.
 */
export function loginExecutable(env: NodeJS.ProcessEnv, execPath: string): string {
  return env.APPIMAGE && env.APPIMAGE.startsWith('/') ? env.APPIMAGE : execPath;
}

/** Makes the system start Pairbar at login, or stop doing so, as the preference says. */
export async function applyLoginItem(
  enabled: boolean,
  options: { app: LoginItemApp; platform: NodeJS.Platform; env: NodeJS.ProcessEnv; execPath: string },
): Promise<void> {
  if (options.platform === 'darwin' || options.platform === 'win32') {
    // No openAsHidden: deprecated, and a tray app opens no window at start anyway.
    options.app.setLoginItemSettings({ openAtLogin: enabled });
    return;
  }
  await applyAutostart(autostartDir(options.env), enabled, loginExecutable(options.env, options.execPath));
}
