/**
 * tmate servers as named profiles in the preferences (`servers`, `server.active`): changed through
 * addServer/useServer/removeServer rather than `config set`, and resolved for a share by resolveServer,
 * which refuses rather than guess.
 */
import { errors, PairbarError } from '../core/errors.ts';
import { hasFingerprint, isShutDown, serverLabel, validateServers, type ServerProfile } from '../core/servers.ts';
import type { PrefsStore } from './file.ts';
import { readPrefs } from './load.ts';
import { planned } from './migrations.ts';
import type { LoadedPrefs, Stored } from './schema.ts';
import { saving } from './write.ts';

/** The servers as stored, refusing to write over a list or active name that does not validate. */
function editableServers(store: PrefsStore): { servers: ServerProfile[]; active: string } {
  const { prefs, problems } = readPrefs(store);
  const blocking = problems.find(
    (problem) => problem.key === 'servers' || problem.key === 'server.active' || problem.key === 'file',
  );
  if (blocking)
    throw new PairbarError(
      'INVALID_PREFERENCE',
      blocking.message + '.',
      `Fix or remove that value in ${store.path} first; Pairbar will not write over it.`,
    );
  return { servers: prefs.servers, active: prefs['server.active'] };
}

/** Writes the servers (and the active name) in one go, with the legacy keys the migration has moved out. */
function writeServers(store: PrefsStore, servers: ServerProfile[], active: string): void {
  const { view } = planned(store.store, store.path);
  const next: Stored = { ...view, servers };
  if (active === '') delete next['server.active'];
  else next['server.active'] = active;
  saving(store, () => {
    store.store = next;
  });
}

/**
 * Adds a server, or replaces the one of that name; it becomes the active one when none is. The profile
 * must be complete: an unconfirmed fingerprint is never saved (the caller confirms them first).
 */
export function addServer(store: PrefsStore, profile: ServerProfile): { replaced: boolean; active: boolean } {
  const checked = validateServers([profile]);
  if ('error' in checked) throw errors.invalidArgument('server', checked.error);
  const valid = checked[0]!;
  if (!isShutDown(valid) && !hasFingerprint(valid)) {
    throw errors.invalidArgument(
      'server',
      `${valid.name} has no host key fingerprint; read the server's keys and confirm them first (pairbar server add ${valid.name} ${serverLabel(valid)})`,
    );
  }
  const { servers, active } = editableServers(store);
  const replaced = servers.some((entry) => entry.name === valid.name);
  const next = replaced ? servers.map((entry) => (entry.name === valid.name ? valid : entry)) : [...servers, valid];
  const nextActive = active === '' ? valid.name : active;
  writeServers(store, next, nextActive);
  return { replaced, active: nextActive === valid.name };
}

export function useServer(store: PrefsStore, name: string): ServerProfile {
  const { servers } = editableServers(store);
  const profile = servers.find((entry) => entry.name === name);
  if (!profile)
    throw errors.unknownServer(
      name,
      servers.map((entry) => entry.name),
    );
  writeServers(store, servers, name);
  return profile;
}

/** Removes a server; removing the active one leaves none chosen (never another picked in its place). */
export function removeServer(store: PrefsStore, name: string): { wasActive: boolean } {
  const { servers, active } = editableServers(store);
  if (!servers.some((entry) => entry.name === name))
    throw errors.unknownServer(
      name,
      servers.map((entry) => entry.name),
    );
  writeServers(
    store,
    servers.filter((entry) => entry.name !== name),
    active === name ? '' : active,
  );
  return { wasActive: active === name };
}

/**
 * The server a share or a test goes to: the one named, else the active one. Refuses, with the command
 * that fixes it, when the preferences are unreadable or invalid, when none is chosen, when the name is
 * unknown, or when the server has no confirmed fingerprint.
 */
export function resolveServer(loaded: LoadedPrefs, name?: string): ServerProfile {
  const blocking = loaded.problems.find(
    (problem) => problem.key === 'servers' || problem.key === 'server.active' || problem.key === 'file',
  );
  if (blocking)
    throw new PairbarError(
      'INVALID_PREFERENCE',
      `${blocking.message}.`,
      'Fix that value in the preferences file (or remove it), then share again. Pairbar will not pick another server meanwhile.',
    );
  const { servers } = loaded.prefs;
  const names = servers.map((profile) => profile.name);
  const wanted = name ?? loaded.prefs['server.active'];
  if (wanted === '') throw errors.noServerChosen(names);
  const profile = servers.find((entry) => entry.name === wanted);
  if (!profile) throw errors.unknownServer(wanted, names);
  if (!isShutDown(profile) && !hasFingerprint(profile))
    throw errors.serverUntrusted(profile.name, serverLabel(profile));
  return profile;
}
