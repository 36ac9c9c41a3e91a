/**
 * Preferences: one JSON file shared by the app (through electron-store) and the CLI (through conf, the
 * library electron-store is built on, in prefs-store.ts), so `pairbar config set` and the popover see the
 * same values. Reading needs neither: loadPrefs() reads the file with plain fs, so a command that only reads
 * (status, share) does not load conf. Every reader goes through readPrefs(), the one validation.
 *
 * Values are validated on the way in, and checked again on the way out: a hand-edited file with a bad value
 * is never rewritten or reset (that would lose the user's other settings); the bad value is reported as a
 * problem. A bad server value means no share starts until it is fixed; any other bad value is replaced by
 * its default meanwhile.
 *
 * tmate servers are named profiles (`servers`, `server.active`), changed through addServer/useServer/
 * removeServer rather than `config set`, and resolved for a share by resolveServer, which refuses rather
 * than guess.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Options as ConfOptions } from 'conf';
import { errors, isPairbarError, PairbarError } from './core/errors.ts';
import { DEFAULT_FORGE_BASES, formatKeySource, parseKeySourceList, type Forge, type ForgeBases } from './core/keys.ts';
import {
  checkFingerprint,
  checkHost,
  checkName,
  hasFingerprint,
  isShutDown,
  nameFromHost,
  serverLabel,
  validateServers,
  type ServerProfile,
} from './core/servers.ts';
import { SIZE_POLICIES, VIEW_POLICIES, type SizePolicy, type ViewPolicy } from './core/share-rules.ts';
import { acceleratorProblem } from './shortcut.ts';

export interface Prefs {
  /** The tmate servers the user added, by name. */
  servers: ServerProfile[];
  /** The name of the one new shares use; empty: none chosen yet. */
  'server.active': string;
  'share.readyTimeoutSeconds': number;
  'tmux.path': string;
  'tmate.path': string;
  'notifications.pairJoined': boolean;
  'notifications.pairLeft': boolean;
  'notifications.shareProblems': boolean;
  'access.githubUrl': string;
  'access.gitlabUrl': string;
  'access.codebergUrl': string;
  'access.default': string;
  'share.copyLink': CopyLink;
  'share.copyOnShare': boolean;
  'share.endAfterMinutes': number;
  'pair.size': SizePolicy;
  'pair.view': ViewPolicy;
  'app.launchAtLogin': boolean;
  'shortcut.copyLink': string;
}

/** Which link Copy on share, the tray's first copy item, `share --copy` and `url` give. */
export type CopyLink = 'ssh' | 'sshReadOnly' | 'web' | 'webReadOnly';
export const COPY_LINKS: readonly CopyLink[] = ['ssh', 'sshReadOnly', 'web', 'webReadOnly'];

export type PrefKey = keyof Prefs;

interface PrefSpec<K extends PrefKey> {
  default: Prefs[K];
  description: string;
  /** Turns a typed-in string (CLI) or a stored value into the typed value, or explains why it can't. */
  parse: (value: unknown) => Prefs[K] | { error: string };
}

function stringPref(description: string, check: (value: string) => string | undefined): PrefSpec<never> {
  return {
    default: '' as never,
    description,
    parse: (value) => {
      if (typeof value !== 'string') return { error: 'expected text' };
      const trimmed = value.trim();
      const problem = trimmed === '' ? undefined : check(trimmed);
      return problem ? { error: problem } : (trimmed as never);
    },
  };
}

function integerPref(defaultValue: number, min: number, max: number, description: string): PrefSpec<never> {
  return {
    default: defaultValue as never,
    description,
    parse: (value) => {
      const number = typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value;
      if (typeof number !== 'number' || !Number.isInteger(number) || number < min || number > max) {
        return { error: `expected a whole number from ${min} to ${max}` };
      }
      return number as never;
    },
  };
}

function booleanPref(description: string, defaultValue = true): PrefSpec<never> {
  return {
    default: defaultValue as never,
    description,
    parse: (value) => {
      if (value === true || value === 'true' || value === 'on' || value === 'yes') return true as never;
      if (value === false || value === 'false' || value === 'off' || value === 'no') return false as never;
      return { error: 'expected true or false' };
    },
  };
}

/** The longest path the system takes (PATH_MAX on Linux; macOS's is shorter): anything longer is not a path. */
const MAX_PATH = 4096;

function choicePref<T extends string>(choices: readonly T[], defaultValue: T, description: string): PrefSpec<never> {
  return {
    default: defaultValue as never,
    description,
    parse: (value) => {
      const choice = typeof value === 'string' ? value.trim() : value;
      return (choices as readonly unknown[]).includes(choice) ? (choice as never) : { error: `expected one of ${choices.join(', ')}` };
    },
  };
}

const absolutePath = (what: string) =>
  stringPref(`path of the ${what} binary (empty: look it up)`, (value) =>
    value.startsWith('/') && value.length <= MAX_PATH && !/[\n\0]/.test(value)
      ? undefined
      : `expected an absolute path of at most ${MAX_PATH} characters, such as /usr/local/bin/${what}`,
  );

/**
 * Where a forge's keys are fetched from. HTTPS only, because whoever can change the answer decides who gets
 * a shell; plain HTTP is allowed to a loopback address alone (nothing on the network can alter it).
 * Empty resets to the forge's public address.
 */
export function checkForgeBase(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'expected an address such as https://github.example.com';
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    return 'expected an https:// address (plain http:// only to 127.0.0.1 or localhost): the keys decide who gets a shell';
  }
  if (url.username || url.password) return 'the address cannot hold a user name or password';
  if (url.search || url.hash || value.includes('?') || value.includes('#')) return 'the address cannot hold a query (?) or a fragment (#)';
  return undefined;
}

function forgeBasePref(forge: Forge, name: string): PrefSpec<never> {
  const fallback = DEFAULT_FORGE_BASES[forge];
  return {
    default: fallback as never,
    description: `where ${name} users' public keys are fetched from, as ADDRESS/NAME.keys (empty: ${fallback})`,
    parse: (value) => {
      if (typeof value !== 'string') return { error: 'expected text' };
      const trimmed = value.trim().replace(/\/+$/, '');
      if (trimmed === '') return fallback as never;
      const problem = checkForgeBase(trimmed);
      return problem ? { error: problem } : (trimmed as never);
    },
  };
}

export const PREF_SPECS: { [K in PrefKey]: PrefSpec<K> } = {
  servers: {
    default: [],
    description: 'your tmate servers (change them with `pairbar server add/remove`)',
    parse: (value) => validateServers(value),
  },
  'server.active': stringPref('the tmate server new shares use (change it with `pairbar server use NAME`)', (value) => checkName(value)),
  'share.readyTimeoutSeconds': integerPref(20, 1, 600, 'seconds to wait for the server to give the share links'),
  'tmux.path': absolutePath('tmux'),
  'tmate.path': absolutePath('tmate'),
  'notifications.pairJoined': booleanPref('notify when a pair joins'),
  'notifications.pairLeft': booleanPref('notify when a pair leaves'),
  'notifications.shareProblems': booleanPref('notify when a share fails or drops'),
  'access.githubUrl': forgeBasePref('github', 'GitHub'),
  'access.gitlabUrl': forgeBasePref('gitlab', 'GitLab'),
  'access.codebergUrl': forgeBasePref('codeberg', 'Codeberg'),
  'access.default': {
    default: '',
    description: 'who may join a share unless told otherwise: comma-separated github:NAME, gitlab:NAME, codeberg:NAME, file:/path (empty: anyone with the link)',
    parse: (value) => {
      if (typeof value !== 'string') return { error: 'expected text' };
      try {
        // Stored in a canonical form, so what `config get` shows is exactly what will be used.
        return parseKeySourceList(value).map(formatKeySource).join(', ');
      } catch (error) {
        return { error: isPairbarError(error) ? error.message.replace(/\.$/, '') : String(error) };
      }
    },
  },
  'share.copyLink': choicePref(COPY_LINKS, 'ssh', 'the link Copy gives: ssh (can type), sshReadOnly (can only watch), web, webReadOnly'),
  'share.copyOnShare': booleanPref('the app copies the share.copyLink link as soon as a share (or New links) is ready', false),
  'share.endAfterMinutes': integerPref(0, 0, 7 * 24 * 60, 'end a share by itself after this many minutes (0: never)'),
  'pair.size': choicePref(SIZE_POLICIES, 'mine', "mine: the pair's terminal never resizes your windows (tmux 3.2 or later); follow: windows take the size of whoever typed last, as tmux does"),
  'pair.view': choicePref(VIEW_POLICIES, 'follow', 'follow: the pair sees the window you see; independent: the pair switches windows without moving yours'),
  'app.launchAtLogin': booleanPref('start Pairbar when you log in (the app only; the command is unaffected)', false),
  'shortcut.copyLink': stringPref('a key combination, from any application, that copies the current share\'s link, such as CommandOrControl+Alt+L (empty: none)', acceleratorProblem),
};

export const PREF_KEYS = Object.keys(PREF_SPECS) as PrefKey[];

export function isPrefKey(key: string): key is PrefKey {
  return Object.hasOwn(PREF_SPECS, key);
}

export const DEFAULT_PREFS: Prefs = Object.fromEntries(PREF_KEYS.map((key) => [key, PREF_SPECS[key].default])) as unknown as Prefs;

/** Validates one value for a key; throws INVALID_PREFERENCE with the reason. */
export function parsePref<K extends PrefKey>(key: K, value: unknown): Prefs[K] {
  const parsed = PREF_SPECS[key].parse(value);
  if (typeof parsed === 'object' && parsed !== null && 'error' in parsed) throw errors.invalidPreference(key, parsed.error);
  return parsed;
}

export interface PrefsProblem {
  /** The key with a bad value, or 'file' when the whole file could not be read. */
  key: PrefKey | 'file';
  message: string;
}

/** Where the preferences live: PAIRBAR_CONFIG_DIR, else the folder Electron uses as userData for "Pairbar". */
export function configDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.PAIRBAR_CONFIG_DIR) return env.PAIRBAR_CONFIG_DIR;
  const home = env.HOME || homedir();
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Pairbar');
  if (platform === 'win32') return join(env.APPDATA || join(home, 'AppData', 'Roaming'), 'Pairbar');
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'Pairbar');
}

type Stored = Record<string, unknown>;

const CONFIG_NAME = 'preferences';

/** The preferences file: what conf and electron-store open with storeOptions(), and what loadPrefs() reads. */
export function prefsFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(configDir(env), `${CONFIG_NAME}.json`);
}

/** Options for both conf (CLI) and electron-store (app), so both open the same file the same way. */
export function storeOptions(env: NodeJS.ProcessEnv = process.env): ConfOptions<Stored> {
  return {
    cwd: configDir(env),
    configName: CONFIG_NAME,
    // Keys contain dots ("server.host"); store them flat rather than as nested objects.
    accessPropertiesByDotNotation: false,
    clearInvalidConfig: false,
    // It names the servers trusted and who may join: the user's alone (its folder is made 0700, makePrivateSync).
    configFileMode: 0o600,
    // Shared between processes: the app sees what `pairbar config set` wrote.
    watch: false,
  };
}

/** What readPrefs() needs: the stored values and the file they came from (for the problems' messages). */
export interface PrefsSource {
  readonly store: Stored;
  readonly path: string;
}

/** The minimal store surface both conf and electron-store offer. */
export interface PrefsStore extends PrefsSource {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  delete(key: string): void;
  /** The whole file; assigning it writes the file once (atomically, as conf does). */
  store: Stored;
}

export interface LoadedPrefs {
  prefs: Prefs;
  problems: PrefsProblem[];
}

/** Keys only Pairbar's own server functions write: a profile is checked as a whole, not key by key. */
const MANAGED_KEYS: ReadonlySet<PrefKey> = new Set(['servers', 'server.active']);

// ---------------------------------------------------------------------------------------------------------
// Migrations: small, named, pure plans over the file's contents. readPrefs reads through them (so every
// reader sees one shape, even before the file is written); migratePrefs writes their result, once, and only
// into a file that has no invalid value.

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
export const LEGACY_SERVER_KEYS = ['server.host', 'server.port', 'server.rsaFingerprint', 'server.ed25519Fingerprint', 'server.ecdsaFingerprint'] as const;

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
    const fingerprints = { rsaFingerprint: text('server.rsaFingerprint') ?? '', ed25519Fingerprint: text('server.ed25519Fingerprint') ?? '', ecdsaFingerprint: text('server.ecdsaFingerprint') ?? '' };
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
    if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) return invalid('server.port', 'expected a whole number from 1 to 65535');
    for (const [field, value] of Object.entries(fingerprints)) {
      const problem = checkFingerprint(value);
      if (problem) return invalid(`server.${field}`, problem);
    }
    if (host === undefined || host === '') return {};
    const existing = validateServers(stored.servers ?? []);
    if ('error' in existing) return {}; // readPrefs reports the list itself; nothing is moved into it.
    const wanted = { host: host as string, port, ...(fingerprints as Record<'rsaFingerprint' | 'ed25519Fingerprint' | 'ecdsaFingerprint', string>) };
    const same = existing.find((profile) => serverLabel(profile) === serverLabel(wanted) && profile.rsaFingerprint === wanted.rsaFingerprint && profile.ed25519Fingerprint === wanted.ed25519Fingerprint && profile.ecdsaFingerprint === wanted.ecdsaFingerprint);
    const profile: ServerProfile = same ?? { name: nameFromHost(wanted.host, new Set(existing.map((entry) => entry.name))), ...wanted };
    const next: Stored = { ...stored, servers: same ? existing : [...existing, profile] };
    for (const key of LEGACY_SERVER_KEYS) delete next[key];
    if (typeof stored['server.active'] !== 'string' || stored['server.active'].trim() === '') next['server.active'] = profile.name;
    return { next };
  },
};

const MIGRATIONS: readonly Migration[] = [serverProfiles];

/** The file's contents as the migrations would leave them, and what stopped any of them. */
function planned(stored: Stored, file: string): { view: Stored; applied: string[]; problems: PrefsProblem[] } {
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

function parseStored(stored: Stored, file: string): LoadedPrefs {
  const prefs = { ...DEFAULT_PREFS } as Record<PrefKey, unknown>;
  const problems: PrefsProblem[] = [];
  for (const key of PREF_KEYS) {
    if (!Object.hasOwn(stored, key)) continue;
    const parsed = PREF_SPECS[key].parse(stored[key]);
    if (typeof parsed === 'object' && parsed !== null && 'error' in parsed) {
      const consequence = key === 'servers' || key === 'server.active' ? 'no share starts until it is fixed' : 'using the default until it is fixed';
      problems.push({ key, message: `${key} in ${file} is invalid (${parsed.error}); ${consequence}` });
    } else {
      prefs[key] = parsed;
    }
  }
  const active = prefs['server.active'] as string;
  const servers = prefs.servers as ServerProfile[];
  if (active !== '' && !problems.some((problem) => problem.key === 'servers') && !servers.some((profile) => profile.name === active)) {
    problems.push({ key: 'server.active', message: `server.active in ${file} names ${JSON.stringify(active)}, which is not one of your servers; no share starts until it is fixed` });
  }
  return { prefs: prefs as unknown as Prefs, problems };
}

/** Reads every preference (through the migrations), reporting every bad stored value. */
export function readPrefs(store: PrefsSource): LoadedPrefs {
  const { view, problems } = planned(store.store, store.path);
  const loaded = parseStored(view, store.path);
  return { prefs: loaded.prefs, problems: [...problems, ...loaded.problems] };
}

/** Validates and stores one preference; an empty string for a text key resets it to its default. */
export function writePref<K extends PrefKey>(store: PrefsStore, key: K, value: unknown): Prefs[K] {
  if (MANAGED_KEYS.has(key)) {
    throw new PairbarError('INVALID_PREFERENCE', `${key} is not set directly.`, 'Change servers with `pairbar server add NAME HOST[:PORT]`, `pairbar server use NAME` and `pairbar server remove NAME`.');
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
function saving(store: PrefsStore, write: () => void): void {
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

/**
 * The error for a preferences file that cannot be read or parsed: it is left as it is, never overwritten.
 * `error` is what reading or parsing threw, or a sentence saying what is wrong with what it holds.
 */
export function unreadablePrefs(file: string, error: unknown): PairbarError {
  const reason =
    error instanceof SyntaxError ? `is not valid JSON (${error.message})` : error instanceof Error ? `cannot be read (${error.message})` : String(error);
  return errors.invalidPreference('file', `${file} ${reason}. Fix or remove that file; Pairbar will not overwrite it`);
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

// ---------------------------------------------------------------------------------------------------------
// Server profiles.

/** The servers as stored, refusing to write over a list or active name that does not validate. */
function editableServers(store: PrefsStore): { servers: ServerProfile[]; active: string } {
  const { prefs, problems } = readPrefs(store);
  const blocking = problems.find((problem) => problem.key === 'servers' || problem.key === 'server.active' || problem.key === 'file');
  if (blocking) throw new PairbarError('INVALID_PREFERENCE', blocking.message + '.', `Fix or remove that value in ${store.path} first; Pairbar will not write over it.`);
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
    throw errors.invalidArgument('server', `${valid.name} has no host key fingerprint; read the server's keys and confirm them first (pairbar server add ${valid.name} ${serverLabel(valid)})`);
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
  if (!profile) throw errors.unknownServer(name, servers.map((entry) => entry.name));
  writeServers(store, servers, name);
  return profile;
}

/** Removes a server; removing the active one leaves none chosen (never another picked in its place). */
export function removeServer(store: PrefsStore, name: string): { wasActive: boolean } {
  const { servers, active } = editableServers(store);
  if (!servers.some((entry) => entry.name === name)) throw errors.unknownServer(name, servers.map((entry) => entry.name));
  writeServers(store, servers.filter((entry) => entry.name !== name), active === name ? '' : active);
  return { wasActive: active === name };
}

/**
 * The server a share or a test goes to: the one named, else the active one. Refuses, with the command
 * that fixes it, when the preferences are unreadable or invalid, when none is chosen, when the name is
 * unknown, or when the server has no confirmed fingerprint.
 */
export function resolveServer(loaded: LoadedPrefs, name?: string): ServerProfile {
  const blocking = loaded.problems.find((problem) => problem.key === 'servers' || problem.key === 'server.active' || problem.key === 'file');
  if (blocking) throw new PairbarError('INVALID_PREFERENCE', `${blocking.message}.`, 'Fix that value in the preferences file (or remove it), then share again. Pairbar will not pick another server meanwhile.');
  const { servers } = loaded.prefs;
  const names = servers.map((profile) => profile.name);
  const wanted = name ?? loaded.prefs['server.active'];
  if (wanted === '') throw errors.noServerChosen(names);
  const profile = servers.find((entry) => entry.name === wanted);
  if (!profile) throw errors.unknownServer(wanted, names);
  if (!isShutDown(profile) && !hasFingerprint(profile)) throw errors.serverUntrusted(profile.name, serverLabel(profile));
  return profile;
}

/**
 * Reads the preferences for running a command, with plain fs: no store to open, nothing created or written.
 * A file that cannot be read at all is left untouched and reported as a problem; the defaults are used
 * meanwhile. A missing file is no problem: every preference has its default.
 */
export function loadPrefs(env: NodeJS.ProcessEnv = process.env): LoadedPrefs {
  const path = prefsFile(env);
  const unusable = (error: unknown): LoadedPrefs => ({ prefs: { ...DEFAULT_PREFS }, problems: [{ key: 'file', message: unreadablePrefs(path, error).message }] });
  let stored: unknown;
  try {
    stored = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return readPrefs({ store: {}, path });
    return unusable(error);
  }
  if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) {
    return unusable(`holds ${Array.isArray(stored) ? 'a list' : stored === null ? 'null' : `a ${typeof stored}`}, not an object of preferences`);
  }
  return readPrefs({ store: stored as Stored, path });
}

/** The three forge addresses as the core takes them. */
export function forgeBases(prefs: Prefs): ForgeBases {
  return { github: prefs['access.githubUrl'], gitlab: prefs['access.gitlabUrl'], codeberg: prefs['access.codebergUrl'] };
}
