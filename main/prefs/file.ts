/**
 * Where the preferences file is, and the two ways it is opened: one JSON file shared by the app (through
 * electron-store) and the command (through conf, the library electron-store is built on, in
 * prefs-store.ts), so `pairbar config set` and the popover see the same values. Reading needs neither:
 * loadPrefs() (load.ts) reads the file with plain fs, so a command that only reads (status, share) does
 * not load conf.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Options as ConfOptions } from 'conf';
import { errors, type PairbarError } from '../core/errors.ts';
import type { Stored } from './schema.ts';

/** Where the preferences live: PAIRBAR_CONFIG_DIR, else the folder Electron uses as userData for "Pairbar". */
export function configDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.PAIRBAR_CONFIG_DIR) return env.PAIRBAR_CONFIG_DIR;
  const home = env.HOME || homedir();
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Pairbar');
  if (platform === 'win32') return join(env.APPDATA || join(home, 'AppData', 'Roaming'), 'Pairbar');
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'Pairbar');
}

const CONFIG_NAME = 'preferences';

/** The preferences file: what conf and electron-store open with storeOptions(), and what loadPrefs() reads. */
export function prefsFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(configDir(env), `${CONFIG_NAME}.json`);
}

/** Options for both conf (CLI) and electron-store (app), so both open the same file the same way. */
export function storeOptions(env: NodeJS.ProcessEnv = process.env): ConfOptions<Stored> {
  return {
    cwd: configDir(env),
    configName: CONFIG_NAME,
    // Keys contain dots ("server.host"); store them flat rather than as nested objects.
    accessPropertiesByDotNotation: false,
    clearInvalidConfig: false,
    // It names the servers trusted and who may join: the user's alone (its folder is made 0700, makePrivateSync).
    configFileMode: 0o600,
    // Shared between processes: the app sees what `pairbar config set` wrote.
    watch: false,
  };
}

/** What readPrefs() needs: the stored values and the file they came from (for the problems' messages). */
export interface PrefsSource {
  readonly store: Stored;
  readonly path: string;
}

/** The minimal store surface both conf and electron-store offer. */
export interface PrefsStore extends PrefsSource {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  delete(key: string): void;
  /** The whole file; assigning it writes the file once (atomically, as conf does). */
  store: Stored;
}

/**
 * The error for a preferences file that cannot be read or parsed: it is left as it is, never overwritten.
 * `error` is what reading or parsing threw, or a sentence saying what is wrong with what it holds.
 */
export function unreadablePrefs(file: string, error: unknown): PairbarError {
  const reason =
    error instanceof SyntaxError
      ? `is not valid JSON (${error.message})`
      : error instanceof Error
        ? `cannot be read (${error.message})`
        : String(error);
  return errors.invalidPreference('file', `${file} ${reason}. Fix or remove that file; Pairbar will not overwrite it`);
}
