/**
 * The preferences file's migrations: small, named, pure plans over the file's contents. readPrefs
 * (load.ts) reads through them, so every reader sees one shape, even before the file is written;
 * migratePrefs writes their result, once, and only into a file that has no invalid value.
 */
import {
  checkFingerprint,
  checkHost,
  nameFromHost,
  serverLabel,
  validateServers,
  type ServerProfile,
} from '../core/servers.ts';
import type { PrefsStore } from './file.ts';
import { parseStored, type PrefsProblem, type Stored } from './schema.ts';

interface MigrationPlan {
  /** The file's contents after this migration, or undefined when it has nothing to do. */
  next?: Stored;
  /** Why it could not run: reported, and the file is left as it is. */
  problem?: PrefsProblem;
}

interface Migration {
  name: string;
  plan(stored: Stored, file: string): MigrationPlan;
}

/** The flat keys of the single-server days. */
export const LEGACY_SERVER_KEYS = [
  'server.host',
  'server.port',
  'server.rsaFingerprint',
  'server.ed25519Fingerprint',
  'server.ecdsaFingerprint',
] as const;

/**
 * server-profiles: the flat `server.*` keys become one profile named after its host, made active when no
 * server is. A file without a host had meant tmate.io, which is gone: it gets no profile and is left alone.
 * A value that does not validate stops the migration, so nothing the user typed is dropped or reinterpreted.
 */
const serverProfiles: Migration = {
  name: 'server-profiles',
  plan(stored, file) {
    const present = LEGACY_SERVER_KEYS.filter((key) => Object.hasOwn(stored, key));
    if (present.length === 0) return {};
    const text = (key: string): unknown => {
      const value = stored[key];
      return typeof value === 'string' ? value.trim() : value;
    };
    const rawHost = text('server.host');
    const host = typeof rawHost === 'string' ? rawHost.replace(/^\[(.*)\]$/, '$1') : rawHost;
    const rawPort = text('server.port') ?? 22;
    const port = typeof rawPort === 'string' && /^\d+$/.test(rawPort) ? Number(rawPort) : rawPort;
    const fingerprints = {
      rsaFingerprint: text('server.rsaFingerprint') ?? '',
      ed25519Fingerprint: text('server.ed25519Fingerprint') ?? '',
      ecdsaFingerprint: text('server.ecdsaFingerprint') ?? '',
    };
    const invalid = (key: string, why: string): MigrationPlan => ({
      problem: {
        key: 'servers',
        message: `${key} in ${file} is invalid (${why}). Pairbar has not moved your server settings into a server profile and starts no share until the value is fixed or removed; the file is left as it is`,
      },
    });
    if (host !== undefined && host !== '') {
      const problem = checkHost(host);
      if (problem) return invalid('server.host', problem);
    }
    if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535)
      return invalid('server.port', 'expected a whole number from 1 to 65535');
    for (const [field, value] of Object.entries(fingerprints)) {
      const problem = checkFingerprint(value);
      if (problem) return invalid(`server.${field}`, problem);
    }
    if (host === undefined || host === '') return {};
    const existing = validateServers(stored.servers ?? []);
    if ('error' in existing) return {}; // readPrefs reports the list itself; nothing is moved into it.
    const wanted = {
      host: host as string,
      port,
      ...(fingerprints as Record<'rsaFingerprint' | 'ed25519Fingerprint' | 'ecdsaFingerprint', string>),
    };
    const same = existing.find(
      (profile) =>
        serverLabel(profile) === serverLabel(wanted) &&
        profile.rsaFingerprint === wanted.rsaFingerprint &&
        profile.ed25519Fingerprint === wanted.ed25519Fingerprint &&
        profile.ecdsaFingerprint === wanted.ecdsaFingerprint,
    );
    const profile: ServerProfile = same ?? {
      name: nameFromHost(wanted.host, new Set(existing.map((entry) => entry.name))),
      ...wanted,
    };
    const next: Stored = { ...stored, servers: same ? existing : [...existing, profile] };
    for (const key of LEGACY_SERVER_KEYS) delete next[key];
    if (typeof stored['server.active'] !== 'string' || stored['server.active'].trim() === '')
      next['server.active'] = profile.name;
    return { next };
  },
};

const MIGRATIONS: readonly Migration[] = [serverProfiles];

/** The file's contents as the migrations would leave them, and what stopped any of them. */
export function planned(stored: Stored, file: string): { view: Stored; applied: string[]; problems: PrefsProblem[] } {
  let view = stored;
  const applied: string[] = [];
  const problems: PrefsProblem[] = [];
  for (const migration of MIGRATIONS) {
    const plan = migration.plan(view, file);
    if (plan.problem) problems.push(plan.problem);
    if (plan.next) {
      view = plan.next;
      applied.push(migration.name);
    }
  }
  return { view, applied, problems };
}

/**
 * Writes what the migrations make of the file, once, and only when the result has no invalid value (a
 * hand-edited mistake is never rewritten away). Returns the names applied and what stopped the others.
 */
export function migratePrefs(store: PrefsStore): { applied: string[]; problems: PrefsProblem[] } {
  const { view, applied, problems } = planned(store.store, store.path);
  if (applied.length === 0) return { applied, problems };
  const checked = parseStored(view, store.path);
  if (checked.problems.length > 0 || problems.length > 0) return { applied: [], problems };
  store.store = view;
  return { applied, problems };
}
