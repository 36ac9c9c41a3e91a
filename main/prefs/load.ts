/**
 * Reading the preferences: every reader goes through readPrefs(), the one validation, through the
 * migrations. loadPrefs() reads the file with plain fs for a command: no store opened, nothing written.
 */
import { readFileSync } from 'node:fs';
import { prefsFile, unreadablePrefs, type PrefsSource } from './file.ts';
import { planned } from './migrations.ts';
import { DEFAULT_PREFS, parseStored, type LoadedPrefs, type Stored } from './schema.ts';

/** Reads every preference (through the migrations), reporting every bad stored value. */
export function readPrefs(store: PrefsSource): LoadedPrefs {
  const { view, problems } = planned(store.store, store.path);
  const loaded = parseStored(view, store.path);
  return { prefs: loaded.prefs, problems: [...problems, ...loaded.problems] };
}

/**
 * Reads the preferences for running a command, with plain fs: no store to open, nothing created or written.
 * A file that cannot be read at all is left untouched and reported as a problem; the defaults are used
 * meanwhile. A missing file is no problem: every preference has its default.
 */
export function loadPrefs(env: NodeJS.ProcessEnv = process.env): LoadedPrefs {
  const path = prefsFile(env);
  const unusable = (error: unknown): LoadedPrefs => ({
    prefs: { ...DEFAULT_PREFS },
    problems: [{ key: 'file', message: unreadablePrefs(path, error).message }],
  });
  let stored: unknown;
  try {
    stored = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return readPrefs({ store: {}, path });
    return unusable(error);
  }
  if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) {
    return unusable(
      `holds ${Array.isArray(stored) ? 'a list' : stored === null ? 'null' : `a ${typeof stored}`}, not an object of preferences`,
    );
  }
  return readPrefs({ store: stored as Stored, path });
}
