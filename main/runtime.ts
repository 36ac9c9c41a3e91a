/**
 * Wires the core to the preferences and the environment: the one setup the CLI, the app, the tests and the
 * benchmarks share. No Electron here; the app passes its electron-store in as the PrefsStore.
 */
import { findBinaries } from './core/binaries.ts';
import { defaultCacheDir, knownVersionsIn, type KnownVersions } from './core/known-versions.ts';
import { withoutTmux } from './core/process.ts';
import { ensureDir, RUNTIME_DIR } from './core/dirs.ts';
import { errors } from './core/errors.ts';
import type { HostKey } from './core/hostkeys.ts';
import { parseKeySourceList } from './core/keys.ts';
import type { ServerTestResult } from './core/server-test.ts';
import { validateProfile, type ServerProfile, type ServerSettings } from './core/servers.ts';
import { Shares, type AccessSettings, type ShareOrigin, type WatcherLaunch } from './core/shares.ts';
import type { TmuxEnv } from './core/tmux.ts';
import type { PrefsStore } from './prefs/file.ts';
import { loadPrefs, readPrefs } from './prefs/load.ts';
import { migratePrefs } from './prefs/migrations.ts';
import { forgeBases, type LoadedPrefs, type Prefs } from './prefs/schema.ts';
import { refuseUnreadableGuards } from './prefs/guards.ts';
import { resolveServer } from './prefs/servers.ts';

export interface Runtime {
  env: NodeJS.ProcessEnv;
  shares: Shares;
  /** The preferences as stored now, with any problems found in the file. */
  prefs(): LoadedPrefs;
  /** The store to write preferences to, where one was given (the app's); without one the runtime only reads them. */
  store: PrefsStore | undefined;
  binaries(): Promise<{ tmux: string; tmate: string; tmuxVersion: string; tmateVersion: string }>;
  tmux(): Promise<TmuxEnv>;
  /**
   * One throwaway tmate session against a server: a profile (saved or not), a saved one's name, or the
   * active one. Throws only when no server can be resolved; the server's own failure is the result.
   */
  testServer(server?: ServerProfile | string): Promise<ServerTestResult>;
  /** The host keys a server presents, for the user to confirm before they are saved. */
  scanHostKeys(server: Pick<ServerSettings, 'host' | 'port'>): Promise<HostKey[]>;
}

/** Where forge keys come from and what a share defaults to (the preferences were validated on the way in). */
export function accessSettings(prefs: Prefs): AccessSettings {
  const allowed = parseKeySourceList(prefs['access.default']);
  const minutes = prefs['share.endAfterMinutes'];
  const empty = prefs['share.endWhenEmptyMinutes'];
  return {
    forges: forgeBases(prefs),
    allowed: allowed.length > 0 ? allowed : null,
    endAfterMs: minutes > 0 ? minutes * 60_000 : null,
    endWhenEmptyMs: empty > 0 ? empty * 60_000 : null,
  };
}

/**
 * The core wired up for one process. `watcher`: how this process starts a share's presence watcher (none: no watcher). `store` is the app's electron-store (or a conf store in the tests);
 * without one, the preferences are read from the file as they are on each call (loadPrefs), which keeps
 * conf out of the commands that only read them.
 */
export function createRuntime(
  env: NodeJS.ProcessEnv = process.env,
  store?: PrefsStore,
  origin: ShareOrigin = 'cli',
  watcher?: WatcherLaunch,
): Runtime {
  if (store) {
    try {
      migratePrefs(store);
    } catch {
      // Not writable now: readPrefs reads through the migrations anyway, and the next start tries again.
    }
  }
  const prefs = (): LoadedPrefs => (store ? readPrefs(store) : loadPrefs(env));

  let cached: { key: string; value: ReturnType<Runtime['binaries']> } | undefined;
  let knownVersions: KnownVersions | undefined;
  const binaries = () => {
    const current = prefs().prefs;
    const key = `${current['tmux.path']}\0${current['tmate.path']}`;
    if (!cached || cached.key !== key) {
      knownVersions ??= knownVersionsIn(defaultCacheDir(env));
      const value = findBinaries({
        env,
        tmuxPath: current['tmux.path'],
        tmatePath: current['tmate.path'],
        knownVersions,
      }).then((found) => ({
        tmux: found.tmux.path,
        tmate: found.tmate.path,
        tmuxVersion: found.tmux.version,
        tmateVersion: found.tmate.version,
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
    settings: (serverName) => {
      const loaded = prefs();
      return {
        server: resolveServer(loaded, serverName),
        readyTimeoutSeconds: loaded.prefs['share.readyTimeoutSeconds'],
      };
    },
    access: () => {
      // Every share asks for these first: a guarding setting that cannot be read refuses it (guards.ts).
      const loaded = prefs();
      refuseUnreadableGuards(loaded);
      return accessSettings(loaded.prefs);
    },
    watcher,
    pair: () => {
      const current = prefs().prefs;
      return { size: current['pair.size'], view: current['pair.view'] };
    },
  });
  return {
    env,
    shares,
    prefs,
    store,
    binaries,
    tmux: async () => ({ tmux: (await binaries()).tmux, env: clean }),
    testServer: async (server) => {
      const loaded = prefs();
      let profile: ServerProfile;
      if (typeof server === 'object') {
        const checked = validateProfile(server);
        if ('error' in checked) throw errors.invalidArgument('server', checked.error);
        profile = checked;
      } else {
        profile = resolveServer(loaded, server);
      }
      await ensureDir(shares.runtimeDir, RUNTIME_DIR);
      const tmate = { tmate: (await binaries()).tmate, env: clean };
      const { testServer } = await import('./core/server-test.ts');
      return testServer({
        tmate,
        server: profile,
        timeoutSeconds: loaded.prefs['share.readyTimeoutSeconds'],
        dir: shares.runtimeDir,
      });
    },
    scanHostKeys: async (server) => {
      const { scanHostKeys } = await import('./core/hostkeys.ts');
      return scanHostKeys(server, { env: clean });
    },
  };
}
