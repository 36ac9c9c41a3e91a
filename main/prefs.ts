/**
 * Preferences: one JSON file shared by the app (through electron-store) and the CLI (through conf, the
 * library electron-store is built on), so `pairbar config set` and the popover see the same values.
 *
 * Values are validated on the way in, and checked again on the way out: a hand-edited file with a bad value
 * is never rewritten or reset (that would lose the user's other settings); the bad value is reported as a
 * problem and its default is used until it is fixed.
 */
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import Conf, { type Options as ConfOptions } from 'conf';
import { errors, isPairbarError } from './core/errors.ts';
import { DEFAULT_FORGE_BASES, formatKeySource, parseKeySourceList, type Forge, type ForgeBases } from './core/keys.ts';

export interface Prefs {
  'server.host': string;
  'server.port': number;
  'server.rsaFingerprint': string;
  'server.ed25519Fingerprint': string;
  'server.ecdsaFingerprint': string;
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
  'share.endAfterMinutes': number;
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

const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$|^\[?[0-9A-Fa-f:.]+\]?$/;
const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}$/;

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

function booleanPref(description: string): PrefSpec<never> {
  return {
    default: true as never,
    description,
    parse: (value) => {
      if (value === true || value === 'true' || value === 'on' || value === 'yes') return true as never;
      if (value === false || value === 'false' || value === 'off' || value === 'no') return false as never;
      return { error: 'expected true or false' };
    },
  };
}

const fingerprint = (type: string) =>
  stringPref(`the server's ${type} host key fingerprint, SHA256:… as \`ssh-keygen -l -E sha256\` prints it (empty: tmate.io's)`, (value) =>
    FINGERPRINT.test(value) ? undefined : 'expected SHA256: followed by 43 base64 characters, as `ssh-keygen -l -E sha256 -f KEY.pub` prints it',
  );

const absolutePath = (what: string) =>
  stringPref(`path of the ${what} binary (empty: look it up)`, (value) =>
    value.startsWith('/') && !/[\n\0]/.test(value) ? undefined : 'expected an absolute path such as /usr/local/bin/' + what,
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
  'server.host': stringPref('tmate server host name (empty: ssh.tmate.io)', (value) =>
    HOST.test(value) && value.length <= 253 ? undefined : 'expected a host name or IP address such as tmate.example.com',
  ),
  'server.port': integerPref(22, 1, 65535, 'tmate server ssh port'),
  'server.rsaFingerprint': fingerprint('RSA'),
  'server.ed25519Fingerprint': fingerprint('Ed25519'),
  'server.ecdsaFingerprint': fingerprint('ECDSA'),
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
  'share.copyLink': {
    default: 'ssh',
    description: 'the link Copy gives: ssh (can type), sshReadOnly (can only watch), web, webReadOnly',
    parse: (value) =>
      typeof value === 'string' && (COPY_LINKS as readonly string[]).includes(value.trim())
        ? (value.trim() as never)
        : { error: `expected one of ${COPY_LINKS.join(', ')}` },
  },
  'share.endAfterMinutes': integerPref(0, 0, 7 * 24 * 60, 'end a share by itself after this many minutes (0: never)'),
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

/** Options for both conf (CLI) and electron-store (app), so both open the same file the same way. */
export function storeOptions(env: NodeJS.ProcessEnv = process.env): ConfOptions<Stored> {
  return {
    cwd: configDir(env),
    configName: 'preferences',
    // Keys contain dots ("server.host"); store them flat rather than as nested objects.
    accessPropertiesByDotNotation: false,
    clearInvalidConfig: false,
    // Shared between processes: the app sees what `pairbar config set` wrote.
    watch: false,
  };
}

/** The minimal store surface both conf and electron-store offer. */
export interface PrefsStore {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  delete(key: string): void;
  readonly store: Stored;
  readonly path: string;
}

export interface LoadedPrefs {
  prefs: Prefs;
  problems: PrefsProblem[];
}

/** Reads every preference, falling back to the default (and reporting a problem) for any bad stored value. */
export function readPrefs(store: PrefsStore): LoadedPrefs {
  const prefs = { ...DEFAULT_PREFS } as Record<PrefKey, unknown>;
  const problems: PrefsProblem[] = [];
  const stored = store.store;
  for (const key of PREF_KEYS) {
    if (!Object.hasOwn(stored, key)) continue;
    const parsed = PREF_SPECS[key].parse(stored[key]);
    if (typeof parsed === 'object' && parsed !== null && 'error' in parsed) {
      problems.push({ key, message: `${key} in ${store.path} is invalid (${parsed.error}); using the default until it is fixed` });
    } else {
      prefs[key] = parsed;
    }
  }
  return { prefs: prefs as unknown as Prefs, problems };
}

/** Validates and stores one preference; an empty string for a text key resets it to its default. */
export function writePref<K extends PrefKey>(store: PrefsStore, key: K, value: unknown): Prefs[K] {
  const parsed = parsePref(key, value);
  try {
    if (parsed === PREF_SPECS[key].default) store.delete(key);
    else store.set(key, parsed);
  } catch (error) {
    // The store writes a temporary file and renames it over the old one, so a failed write leaves the
    // file as it was; the person needs to know the folder is the problem, not the value.
    throw errors.prefsNotSaved(store.path, dirname(store.path), writeFailure(error));
  }
  return parsed;
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

/** Opens the preferences without Electron (the CLI, tests, benchmarks). */
export function openPrefsStore(env: NodeJS.ProcessEnv = process.env): PrefsStore {
  try {
    return new Conf<Stored>(storeOptions(env));
  } catch (error) {
    const file = join(configDir(env), 'preferences.json');
    throw errors.invalidPreference(
      'file',
      `${file} is not valid JSON (${error instanceof Error ? error.message : String(error)}). Fix or remove that file; Pairbar will not overwrite it`,
    );
  }
}

/**
 * Reads the preferences for running a share. A file that cannot be read at all is left untouched and
 * reported as a problem; the defaults are used meanwhile.
 */
export function loadPrefs(env: NodeJS.ProcessEnv = process.env): LoadedPrefs {
  let store: PrefsStore;
  try {
    store = openPrefsStore(env);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { prefs: { ...DEFAULT_PREFS }, problems: [{ key: 'file', message }] };
  }
  return readPrefs(store);
}

/** The three forge addresses as the core takes them. */
export function forgeBases(prefs: Prefs): ForgeBases {
  return { github: prefs['access.githubUrl'], gitlab: prefs['access.gitlabUrl'], codeberg: prefs['access.codebergUrl'] };
}
