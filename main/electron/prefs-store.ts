/**
 * The app's preferences store: electron-store opened on the file the CLI uses. storeOptions() is conf's
 * options; electron-store names the file with its own `name` option and overwrites conf's `configName` with
 * it (default "config"), so the file name must go in as `name`, or the app would read config.json while the
 * CLI writes preferences.json. A file that cannot be parsed is left untouched: createRuntime then reports it
 * as a problem.
 */
import Store from 'electron-store';
import { makePrivateSync } from '../core/dirs.ts';
import { configDir, prefsFile, storeOptions, type PrefsStore } from '../prefs/file.ts';

export function openElectronStore(env: NodeJS.ProcessEnv): PrefsStore | undefined {
  makePrivateSync(configDir(env), prefsFile(env));
  const { configName, ...options } = storeOptions(env);
  try {
    return new Store<Record<string, unknown>>({ ...options, name: configName ?? 'preferences' });
  } catch (error) {
    console.error('Pairbar: cannot open the preferences:', error instanceof Error ? error.message : error);
    return undefined;
  }
}
