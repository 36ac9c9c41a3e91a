/**
 * The rule for the settings that guard access (ACCESS_GUARDS in schema.ts): a share starts only when every
 * one of them could be read. Asked by the runtime before each share, so the command and the app refuse alike;
 * nothing here writes, so the file stays byte for byte as the person left it.
 */
import { PairbarError } from '../core/errors.ts';
import { ACCESS_GUARDS, PREF_SPECS, type LoadedPrefs, type PrefKey } from './schema.ts';

/** How to fix one guarding key: the command for those `config set` takes, the server commands for the rest. */
function fixFor(key: PrefKey): string {
  if (key === 'servers' || key === 'server.active')
    return 'fix the servers with `pairbar server list`, `pairbar server add NAME HOST[:PORT]` and `pairbar server use NAME`';
  return `\`pairbar config set ${key} VALUE\` (${PREF_SPECS[key].description}; an empty VALUE restores the default)`;
}

/** Throws INVALID_PREFERENCE naming every unreadable guarding setting (or an unreadable file) and its fix. */
export function refuseUnreadableGuards(loaded: LoadedPrefs): void {
  const blocking = loaded.problems.filter((problem) => problem.key === 'file' || ACCESS_GUARDS.has(problem.key));
  if (blocking.length === 0) return;
  const fixes = blocking.flatMap((problem) => (problem.key === 'file' ? [] : [fixFor(problem.key)]));
  throw new PairbarError(
    'INVALID_PREFERENCE',
    `No share starts while a setting that decides who may join, or for how long, cannot be read: ${blocking.map((problem) => problem.message).join('. ')}.`,
    `${fixes.length > 0 ? `Fix it with ${fixes.join('; and ')}` : 'Fix or remove the preferences file'}, then share again. Pairbar has not changed the file, and will not use a default in its place.`,
  );
}

/** The problems of settings that guard nothing: their defaults are in use meanwhile, and the person is told. */
export function fallbackProblems(loaded: LoadedPrefs): LoadedPrefs['problems'] {
  return loaded.problems.filter((problem) => problem.key !== 'file' && !ACCESS_GUARDS.has(problem.key));
}
