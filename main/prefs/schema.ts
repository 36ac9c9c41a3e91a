/**
 * The preferences' schema: every key with its type, default, description and parser (PREF_SPECS), and the
 * check of a whole stored file against it (parseStored). Values are validated on the way in, and checked
 * again on the way out: a hand-edited file with a bad value is never rewritten or reset (that would lose the
 * user's other settings); the bad value is reported as a problem. A bad value of a setting that guards
 * access (ACCESS_GUARDS: the servers, who may join, the forges, the end) means no share starts until it is
 * fixed (guards.ts); any other bad value is replaced by its default meanwhile.
 *
 * The rest of prefs/: where the file is (file.ts), its migrations (migrations.ts), reading it (load.ts),
 * writing one value (write.ts), the server profiles (servers.ts), the store that writes it for the command
 * (prefs-store.ts; the app's is electron/prefs-store.ts).
 */
import { errors, isPairbarError } from '../core/errors.ts';
import { DEFAULT_FORGE_BASES, formatKeySource, parseKeySourceList, type Forge, type ForgeBases } from '../core/keys.ts';
import { checkName, shownText, validateServers, type ServerProfile } from '../core/servers.ts';
import { SIZE_POLICIES, VIEW_POLICIES, type SizePolicy, type ViewPolicy } from '../core/share-rules.ts';
import { acceleratorProblem } from './accelerator.ts';

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
  'share.endWhenEmptyMinutes': number;
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
      return (choices as readonly unknown[]).includes(choice)
        ? (choice as never)
        : { error: `expected one of ${choices.join(', ')}` };
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
  if (url.search || url.hash || value.includes('?') || value.includes('#'))
    return 'the address cannot hold a query (?) or a fragment (#)';
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
  'server.active': stringPref('the tmate server new shares use (change it with `pairbar server use NAME`)', (value) =>
    checkName(value),
  ),
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
    description:
      'who may join a share unless told otherwise: comma-separated github:NAME, gitlab:NAME, codeberg:NAME, file:/path (empty: anyone with the link)',
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
  'share.copyLink': choicePref(
    COPY_LINKS,
    'ssh',
    'the link Copy gives: ssh (can type), sshReadOnly (can only watch), web, webReadOnly',
  ),
  'share.copyOnShare': booleanPref(
    'the app copies the share.copyLink link as soon as a share (or New links) is ready',
    false,
  ),
  'share.endAfterMinutes': integerPref(0, 0, 7 * 24 * 60, 'end a share by itself after this many minutes (0: never)'),
  'share.endWhenEmptyMinutes': integerPref(
    0,
    0,
    7 * 24 * 60,
    'end a share by itself this many minutes after the last pair left, or after it started if nobody joined (0: never)',
  ),
  'pair.size': choicePref(
    SIZE_POLICIES,
    'mine',
    "mine: the pair's terminal never resizes your windows (tmux 3.2 or later); follow: windows take the size of whoever typed last, as tmux does",
  ),
  'pair.view': choicePref(
    VIEW_POLICIES,
    'follow',
    'follow: the pair sees the window you see; independent: the pair switches windows without moving yours',
  ),
  'app.launchAtLogin': booleanPref('start Pairbar when you log in (the app only; the command is unaffected)', false),
  'shortcut.copyLink': stringPref(
    "a key combination, from any application, that copies the current share's link, such as CommandOrControl+Alt+L (empty: none)",
    acceleratorProblem,
  ),
};

/**
 * The settings that guard access: which server the pair meets, who may join, where their keys come from,
 * how long a share lasts. A value in the file that cannot be read refuses every share, in the command and the
 * app, until it is fixed (guards.ts), and is never replaced by its default ("anyone with a link", "never
 * ends"): the user asked for something narrower than the default, so the default would let in more. Every
 * other bad value falls back to its default, with a warning.
 *
 * A new setting that decides who gets in or for how long (share.endWhenEmptyMinutes, admit, record, …)
 * is added to this list, and that is all it takes.
 */
export const ACCESS_GUARDS: ReadonlySet<PrefKey> = new Set<PrefKey>([
  'servers',
  'server.active',
  'access.default',
  'access.githubUrl',
  'access.gitlabUrl',
  'access.codebergUrl',
  'share.endAfterMinutes',
  'share.endWhenEmptyMinutes',
]);

export const PREF_KEYS = Object.keys(PREF_SPECS) as PrefKey[];

export function isPrefKey(key: string): key is PrefKey {
  return Object.hasOwn(PREF_SPECS, key);
}

export const DEFAULT_PREFS: Prefs = Object.fromEntries(
  PREF_KEYS.map((key) => [key, PREF_SPECS[key].default]),
) as unknown as Prefs;

/** Validates one value for a key; throws INVALID_PREFERENCE with the reason. */
export function parsePref<K extends PrefKey>(key: K, value: unknown): Prefs[K] {
  const parsed = PREF_SPECS[key].parse(value);
  if (typeof parsed === 'object' && parsed !== null && 'error' in parsed)
    throw errors.invalidPreference(key, parsed.error);
  return parsed;
}

export interface PrefsProblem {
  /** The key with a bad value, or 'file' when the whole file could not be read. */
  key: PrefKey | 'file';
  message: string;
}

/** The preferences file's contents, as stored: flat keys (see file.ts). */
export type Stored = Record<string, unknown>;

export interface LoadedPrefs {
  prefs: Prefs;
  problems: PrefsProblem[];
}

/** The stored values checked against the schema: every good one taken, every bad one reported. */
export function parseStored(stored: Stored, file: string): LoadedPrefs {
  const prefs = { ...DEFAULT_PREFS } as Record<PrefKey, unknown>;
  const problems: PrefsProblem[] = [];
  for (const key of PREF_KEYS) {
    if (!Object.hasOwn(stored, key)) continue;
    const parsed = PREF_SPECS[key].parse(stored[key]);
    if (typeof parsed === 'object' && parsed !== null && 'error' in parsed) {
      const consequence = ACCESS_GUARDS.has(key)
        ? 'no share starts until it is fixed'
        : 'using the default until it is fixed';
      // The value is named (cut when long), so the person sees what to fix; a server list is too long to repeat.
      const holds =
        key === 'servers'
          ? ''
          : `: it holds ${shownText(typeof stored[key] === 'string' ? stored[key] : (JSON.stringify(stored[key]) ?? 'nothing'))}`;
      problems.push({ key, message: `${key} in ${file} is invalid (${parsed.error})${holds}; ${consequence}` });
    } else {
      prefs[key] = parsed;
    }
  }
  const active = prefs['server.active'] as string;
  const servers = prefs.servers as ServerProfile[];
  if (
    active !== '' &&
    !problems.some((problem) => problem.key === 'servers') &&
    !servers.some((profile) => profile.name === active)
  ) {
    problems.push({
      key: 'server.active',
      message: `server.active in ${file} names ${JSON.stringify(active)}, which is not one of your servers; no share starts until it is fixed`,
    });
  }
  return { prefs: prefs as unknown as Prefs, problems };
}

/** The three forge addresses as the core takes them. */
export function forgeBases(prefs: Prefs): ForgeBases {
  return {
    github: prefs['access.githubUrl'],
    gitlab: prefs['access.gitlabUrl'],
    codeberg: prefs['access.codebergUrl'],
  };
}
