/**
 * `pairbar config get [KEY]` and `pairbar config set KEY VALUE`. Reading uses loadPrefs() (plain fs);
 * only `set` opens the file through conf, as the app's electron-store does.
 */
import { loadPrefs } from '../prefs/load.ts';
import { isPrefKey, PREF_KEYS, PREF_SPECS, type PrefKey } from '../prefs/schema.ts';
import { legacyServerKey, writePref } from '../prefs/write.ts';
import type { CommandContext } from './context.ts';
import { UsageError } from './usage-error.ts';

/** The preference KEY names; a flat server key of the single-server days is refused with what replaced it. */
function prefKey(key: string): PrefKey {
  const legacy = legacyServerKey(key);
  if (legacy) throw legacy;
  if (!isPrefKey(key))
    throw new UsageError(`unknown preference ${JSON.stringify(key)}; known: ${PREF_KEYS.join(', ')}`);
  return key;
}

export async function run({ args, values, io }: CommandContext): Promise<number> {
  const [action, key, ...rest] = args;
  if (action === 'get') {
    if (rest.length > 0) throw new UsageError('config get takes at most one KEY');
    const { prefs, problems } = loadPrefs(io.env);
    if (key !== undefined) {
      const value = prefs[prefKey(key)];
      io.stdout(values.json || typeof value === 'object' ? JSON.stringify(value) + '\n' : `${value}\n`);
    } else if (values.json) {
      io.stdout(JSON.stringify(prefs, null, 2) + '\n');
    } else {
      for (const name of PREF_KEYS)
        io.stdout(`${name} = ${JSON.stringify(prefs[name])}    # ${PREF_SPECS[name].description}\n`);
    }
    for (const problem of problems) io.stderr(`pairbar: warning: ${problem.message}\n`);
    return 0;
  }
  if (action === 'set') {
    const [value] = rest;
    if (key === undefined || value === undefined) throw new UsageError('config set needs KEY and VALUE');
    const name = prefKey(key);
    if (name === 'tmux.path' || name === 'tmate.path') {
      const { checkPreferredPath } = await import('../core/binaries.ts');
      await checkPreferredPath(name === 'tmux.path' ? 'tmux' : 'tmate', value, io.env);
    }
    const { openPrefsStore } = await import('../prefs/prefs-store.ts');
    io.stdout(`${name} = ${JSON.stringify(writePref(openPrefsStore(io.env), name, value))}\n`);
    return 0;
  }
  throw new UsageError('config needs get or set');
}
