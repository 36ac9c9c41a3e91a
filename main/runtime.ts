/**
 * Wires the core to the preferences and the environment: the one setup the CLI, the app, the tests and the
 * benchmarks share. No Electron here; the app passes its electron-store in as the PrefsStore.
 */
import { findBinaries } from './core/binaries.ts';
import { withoutTmux } from './core/process.ts';
import { parseKeySourceList } from './core/keys.ts';
import { Shares, type AccessSettings, type ShareOrigin } from './core/shares.ts';
import type { ServerSettings } from './core/tmate-config.ts';
import type { TmuxEnv } from './core/tmux.ts';
import { forgeBases, openPrefsStore, readPrefs, DEFAULT_PREFS, type LoadedPrefs, type Prefs, type PrefsStore } from './prefs.ts';

export interface Runtime {
  env: NodeJS.ProcessEnv;
  shares: Shares;
  /** The preferences as stored now, with any problems found in the file. */
  prefs(): LoadedPrefs;
  /** The store behind them, or undefined where the file could not be opened (see prefs().problems). */
  store: PrefsStore | undefined;
  binaries(): Promise<{ tmux: string; tmate: string }>;
  tmux(): Promise<TmuxEnv>;
}

export function serverSettings(prefs: Prefs): ServerSettings {
  return {
    host: prefs['server.host'],
    port: prefs['server.port'],
    rsaFingerprint: prefs['server.rsaFingerprint'],
    ed25519Fingerprint: prefs['server.ed25519Fingerprint'],
    ecdsaFingerprint: prefs['server.ecdsaFingerprint'],
  };
}

/** Where forge keys come from and what a share defaults to (the preferences were validated on the way in). */
export function accessSettings(prefs: Prefs): AccessSettings {
  const allowed = parseKeySourceList(prefs['access.default']);
  const minutes = prefs['share.endAfterMinutes'];
  return { forges: forgeBases(prefs), allowed: allowed.length > 0 ? allowed : null, endAfterMs: minutes > 0 ? minutes * 60_000 : null };
}

export function createRuntime(env: NodeJS.ProcessEnv = process.env, store?: PrefsStore, origin: ShareOrigin = 'cli'): Runtime {
  let openError: string | undefined;
  if (!store) {
    try {
      store = openPrefsStore(env);
    } catch (error) {
      openError = error instanceof Error ? error.message : String(error);
    }
  }
  const prefs = (): LoadedPrefs =>
    store ? readPrefs(store) : { prefs: { ...DEFAULT_PREFS }, problems: [{ key: 'file', message: openError ?? 'preferences unavailable' }] };

  let cached: { key: string; value: Promise<{ tmux: string; tmate: string }> } | undefined;
  const binaries = () => {
    const current = prefs().prefs;
    const key = `${current['tmux.path']}\0${current['tmate.path']}`;
    if (!cached || cached.key !== key) {
      const value = findBinaries({ env, tmuxPath: current['tmux.path'], tmatePath: current['tmate.path'] }).then((found) => ({
        tmux: found.tmux.path,
        tmate: found.tmate.path,
      }));
      // A failed lookup is not cached: installing tmux and retrying must work without a restart.
      value.catch(() => {
        if (cached?.value === value) cached = undefined;
      });
      cached = { key, value };
    }
    return cached.value;
  };

  const clean = withoutTmux(env);
  const shares = new Shares({
    env: clean,
    origin,
    binaries,
    settings: () => {
      const current = prefs().prefs;
      return { server: serverSettings(current), readyTimeoutSeconds: current['share.readyTimeoutSeconds'] };
    },
    access: () => accessSettings(prefs().prefs),
  });
  return {
    env,
    shares,
    prefs,
    store,
    binaries,
    tmux: async () => ({ tmux: (await binaries()).tmux, env: clean }),
  };
}
