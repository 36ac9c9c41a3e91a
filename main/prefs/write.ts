/**
 * Writing one preference (`pairbar config set`, the popover): validated first, then stored, with a failed
 * write reported by the folder that refused it (the file is left as it was). The server keys are written
 * only through servers.ts, and the flat keys of the single-server days are refused with what replaced them.
 */
import { dirname } from 'node:path';
import { errors, PairbarError } from '../core/errors.ts';
import type { PrefsStore } from './file.ts';
import { LEGACY_SERVER_KEYS } from './migrations.ts';
import { parsePref, PREF_SPECS, type PrefKey, type Prefs } from './schema.ts';

/** Keys only Pairbar's own server functions write: a profile is checked as a whole, not key by key. */
const MANAGED_KEYS: ReadonlySet<PrefKey> = new Set(['servers', 'server.active']);

/** Validates and stores one preference; an empty string for a text key resets it to its default. */
export function writePref<K extends PrefKey>(store: PrefsStore, key: K, value: unknown): Prefs[K] {
  if (MANAGED_KEYS.has(key)) {
    throw new PairbarError(
      'INVALID_PREFERENCE',
      `${key} is not set directly.`,
      'Change servers with `pairbar server add NAME HOST[:PORT]`, `pairbar server use NAME` and `pairbar server remove NAME`.',
    );
  }
  const parsed = parsePref(key, value);
  saving(store, () => {
    if (parsed === PREF_SPECS[key].default) store.delete(key);
    else store.set(key, parsed);
  });
  return parsed;
}

/**
 * Runs one write of the store. The store writes a temporary file and renames it over the old one, so a
 * failed write leaves the file as it was; the person needs to know the folder is the problem, not the value.
 */
export function saving(store: PrefsStore, write: () => void): void {
  try {
    write();
  } catch (error) {
    throw errors.prefsNotSaved(store.path, dirname(store.path), writeFailure(error));
  }
}

function writeFailure(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'EROFS':
      return 'its folder is on a read-only file system';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOSPC':
      return 'no space left on the disk';
    case 'EDQUOT':
      return 'the disk quota is exceeded';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}

/** The error for a flat server key of the single-server days, which `config` no longer takes. */
export function legacyServerKey(key: string): PairbarError | undefined {
  if (!(LEGACY_SERVER_KEYS as readonly string[]).includes(key)) return undefined;
  return new PairbarError(
    'INVALID_PREFERENCE',
    `${key} is no longer a preference: tmate servers are named profiles now.`,
    'Add yours with `pairbar server add NAME HOST[:PORT]` (it reads and confirms the fingerprints), then `pairbar server use NAME`; `pairbar server list` shows them.',
  );
}
