/**
 * The preferences file opened for writing, through conf (the library electron-store is built on, so the
 * app and the command write the file the same way). Only what writes preferences loads this: `pairbar
 * config set`, the tests and the benchmarks; reading goes through loadPrefs() in load.ts.
 */
import Conf from 'conf';
import { makePrivateSync } from '../core/dirs.ts';
import { configDir, prefsFile, storeOptions, unreadablePrefs, type PrefsStore } from './file.ts';

/** Opens the preferences without Electron; a file that cannot be parsed is refused, never reset. */
export function openPrefsStore(env: NodeJS.ProcessEnv = process.env): PrefsStore {
  makePrivateSync(configDir(env), prefsFile(env));
  try {
    return new Conf<Record<string, unknown>>(storeOptions(env));
  } catch (error) {
    throw unreadablePrefs(prefsFile(env), error);
  }
}
