/**
 * Who may join a share: SSH public keys from forge accounts (`github:NAME`, `gitlab:NAME`, `codeberg:NAME`,
 * fetched from `${base}/NAME.keys`) and from keys files, checked to be public keys, merged, de-duplicated
 * and written into the share's own directory for `tmate-authorized-keys`.
 *
 * A key that lands in that file opens a shell as the user, so every step fails closed: a source that
 * cannot be read in full, or holds anything but public keys, refuses the whole share rather than being
 * skipped.
 */
import { constants, type Stats } from 'node:fs';
import { chmod, open, readFile, realpath, stat } from 'node:fs/promises';
import { dirname, isAbsolute } from 'node:path';
import { errors, isPairbarError, PairbarError } from './errors.ts';
import { shellWord } from './shell-word.ts';

export type Forge = 'github' | 'gitlab' | 'codeberg';
export const FORGES: readonly Forge[] = ['github', 'gitlab', 'codeberg'];

export type KeySource = { kind: Forge; user: string } | { kind: 'file'; path: string };

import type { AllowedSource } from './allowed.ts';

export { describeAllowed, type AllowedSource } from './allowed.ts';

export interface CollectedKeys {
  /** "type base64" lines, de-duplicated across sources, in the order first seen. */
  keys: string[];
  allowed: AllowedSource[];
}

export type ForgeBases = Record<Forge, string>;

export const DEFAULT_FORGE_BASES: ForgeBases = {
  github: 'https://github.com',
  gitlab: 'https://gitlab.com',
  codeberg: 'https://codeberg.org',
};

export interface FetchKeysOptions {
  bases: ForgeBases;
  /** Whole request, headers and body (default 10 s). */
  timeoutMs?: number;
  /** Largest body accepted (default 128 KiB; a user with a hundred RSA-4096 keys stays well under it). */
  maxBytes?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_BYTES = 128 * 1024;

/**
 * User names go into a URL path, so each forge's own rule is applied strictly: nothing that could add a
 * path segment, a query or a dot-dot gets through.
 */
const USER_NAME: Record<Forge, { pattern: RegExp; rule: string }> = {
  // GitHub: letters, digits and single hyphens, not at either end, at most 39.
  github: {
    pattern: /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/,
    rule: 'GitHub user names are 1 to 39 letters, digits and single hyphens, not starting or ending with a hyphen',
  },
  // GitLab: letters, digits, _ . -, starting with a letter, digit or _, not ending with . (nor .git/.atom).
  gitlab: {
    pattern: /^[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,253}[A-Za-z0-9_-])?$/,
    rule: 'GitLab user names are up to 255 letters, digits, _ . and -, starting with a letter, digit or _ and not ending with .',
  },
  // Codeberg (Forgejo): letters, digits, _ . -, starting and ending with a letter or digit, at most 40.
  codeberg: {
    pattern: /^[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,38}[A-Za-z0-9])?$/,
    rule: 'Codeberg user names are 1 to 40 letters, digits, _ . and -, starting and ending with a letter or digit',
  },
};

export function validForgeUser(forge: Forge, user: string): string | undefined {
  const { pattern, rule } = USER_NAME[forge];
  if (!pattern.test(user)) return rule;
  if (user.includes('..')) return 'a user name cannot contain ".."';
  if (forge === 'gitlab' && /\.(?:git|atom)$/i.test(user)) return 'GitLab user names cannot end with .git or .atom';
  return undefined;
}

/** `github:NAME`, `gitlab:NAME`, `codeberg:NAME`, or `file:/absolute/path`. */
export function parseKeySource(text: string): KeySource {
  const trimmed = text.trim();
  const colon = trimmed.indexOf(':');
  const kind = colon < 0 ? '' : trimmed.slice(0, colon);
  const rest = trimmed.slice(colon + 1);
  if (kind === 'file') {
    if (!isAbsolute(rest) || /[\0\n\r,]/.test(rest)) {
      throw errors.invalidKeySource(text, 'a keys file is named by its absolute path, without commas or line breaks');
    }
    return { kind: 'file', path: rest };
  }
  if ((FORGES as readonly string[]).includes(kind)) {
    const forge = kind as Forge;
    const problem = validForgeUser(forge, rest);
    if (problem) throw errors.invalidKeySource(text, problem);
    return { kind: forge, user: rest };
  }
  throw errors.invalidKeySource(text, 'expected github:NAME, gitlab:NAME, codeberg:NAME or file:/path');
}

/** The comma-separated list the `access.default` preference holds; empty: no restriction. */
export function parseKeySourceList(text: string): KeySource[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')
    .map(parseKeySource);
}

export function formatKeySource(source: KeySource): string {
  return source.kind === 'file' ? `file:${source.path}` : `${source.kind}:${source.user}`;
}

// ---------------------------------------------------------------------------------------------------------
// Checking that a line is an SSH public key.

/** Each key type with the number of SSH strings its blob holds (the type name included). */
const KEY_TYPES: Record<string, number> = {
  'ssh-ed25519': 2,
  'ssh-rsa': 3,
  'ssh-dss': 5,
  'ecdsa-sha2-nistp256': 3,
  'ecdsa-sha2-nistp384': 3,
  'ecdsa-sha2-nistp521': 3,
  'sk-ssh-ed25519@openssh.com': 3,
  'sk-ecdsa-sha2-nistp256@openssh.com': 4,
};

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function blobStrings(blob: Buffer): Buffer[] | undefined {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset < blob.length) {
    if (offset + 4 > blob.length) return undefined;
    const length = blob.readUInt32BE(offset);
    offset += 4;
    if (offset + length > blob.length) return undefined;
    parts.push(blob.subarray(offset, offset + length));
    offset += length;
  }
  return parts;
}

/**
 * One authorized_keys-style line as "type base64", or why it is not a public key. Options before the type
 * (`command="…" ssh-ed25519 …`) are refused: tmate's server would not honour them, and silently dropping
 * a restriction someone wrote would grant more than they meant.
 */
export function parsePublicKey(line: string): { key: string } | { error: string } {
  const fields = line.trim().split(/\s+/);
  const [type, data] = fields;
  if (type === undefined || data === undefined) return { error: 'expected a key type and its base64 data' };
  const parts = Object.hasOwn(KEY_TYPES, type) ? KEY_TYPES[type] : undefined;
  // What the line holds is never repeated: it could be any file's contents (a secret named by mistake).
  if (parts === undefined) return { error: 'it does not begin with an SSH public key type (such as ssh-ed25519)' };
  if (!BASE64.test(data)) return { error: `the data of the ${type} key is not base64` };
  const strings = blobStrings(Buffer.from(data, 'base64'));
  const embedded = strings?.[0]?.toString('latin1');
  if (!strings || embedded === undefined) return { error: `the data of the ${type} key is not an SSH key` };
  if (embedded !== type)
    return {
      error: `the line says ${type} but the key inside is ${Object.hasOwn(KEY_TYPES, embedded) ? embedded : 'of another type'}`,
    };
  if (strings.length !== parts)
    return { error: `the data of the ${type} key does not have the fields of a ${type} key` };
  if (type.startsWith('ecdsa-sha2-') && strings[1]?.toString('latin1') !== type.slice('ecdsa-sha2-'.length)) {
    return { error: `the curve inside the ${type} key does not match its type` };
  }
  if (strings.slice(1).some((part) => part.length === 0)) return { error: `the ${type} key has an empty field` };
  return { key: `${type} ${data}` };
}

/** Every non-blank, non-comment line must be a key; at least one key. */
export function parseKeyList(text: string, source: string): string[] {
  const keys: string[] = [];
  const lines = text.split('\n');
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const parsed = parsePublicKey(line);
    if ('error' in parsed) throw errors.keysInvalid(source, `line ${index + 1}: ${parsed.error}`);
    keys.push(parsed.key);
  }
  if (keys.length === 0) throw errors.keysEmpty(source);
  return keys;
}

// ---------------------------------------------------------------------------------------------------------
// Getting the keys.

export function forgeKeysUrl(forge: Forge, user: string, bases: ForgeBases): string {
  const problem = validForgeUser(forge, user);
  if (problem) throw errors.invalidKeySource(`${forge}:${user}`, problem);
  return `${bases[forge].replace(/\/+$/, '')}/${encodeURIComponent(user)}.keys`;
}

async function readCapped(response: Response, maxBytes: number, source: string): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel();
    throw errors.keysFetchFailed(
      source,
      `the answer is ${declared} bytes, more than the ${maxBytes} a list of keys needs`,
    );
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  if (response.body) {
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel();
        throw errors.keysFetchFailed(source, `the answer is more than the ${maxBytes} bytes a list of keys needs`);
      }
      chunks.push(value);
    }
  }
  return Buffer.concat(chunks).toString('utf8');
}

function fetchCause(error: unknown): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return 'timed out';
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const code = (cause as { code?: unknown } | null)?.code;
  const message = cause instanceof Error ? cause.message : String(cause);
  return typeof code === 'string' ? `${code} (${message})` : message;
}

/**
 * The keys a forge lists for a user. Redirects are refused, not followed: the forges answer NAME.keys
 * directly, so a redirect means a renamed account, a login wall or a captive portal, and following it
 * would let some other address decide who gets a shell.
 */
export async function fetchForgeKeys(forge: Forge, user: string, options: FetchKeysOptions): Promise<string[]> {
  const source = `${forge}:${user}`;
  const url = forgeKeysUrl(forge, user, options.bases);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const signal = AbortSignal.timeout(timeoutMs);
  let text: string;
  try {
    const response = await fetch(url, { redirect: 'manual', signal, headers: { accept: 'text/plain' } });
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel();
      const location = response.headers.get('location');
      throw errors.keysFetchFailed(
        source,
        `${url} redirects${location ? ` to ${location}` : ''}, and Pairbar does not follow redirects for keys`,
      );
    }
    if (response.status === 404) {
      await response.body?.cancel();
      throw errors.keysNotFound(source, url);
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      throw errors.keysFetchFailed(
        source,
        `${url} answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`,
      );
    }
    const type = response.headers.get('content-type') ?? '';
    if (/^\s*(?:text\/html|application\/xhtml)/i.test(type)) {
      await response.body?.cancel();
      throw errors.keysInvalid(source, `${url} sent a web page (${type.split(';')[0]}), not a list of keys`);
    }
    text = await readCapped(response, options.maxBytes ?? DEFAULT_MAX_BYTES, source);
  } catch (error) {
    if (isPairbarError(error)) throw error;
    const cause = fetchCause(error);
    throw errors.keysFetchFailed(
      source,
      cause === 'timed out' ? `${url} gave no complete answer within ${timeoutMs / 1000} s` : `${url}: ${cause}`,
    );
  }
  if (/^\s*</.test(text)) throw errors.keysInvalid(source, `${url} sent a web page, not a list of keys`);
  return parseKeyList(text, source);
}

/**
 * Why a keys file (or a directory above it) must not be used, or undefined when it may: OpenSSH's StrictModes
 * for authorized_keys. Whoever can write the file, or replace it through its directory, decides who gets a
 * shell. Root may own it (a system-wide keys file); a sticky directory (/tmp) lets nobody replace another's file.
 */
function unsafeKeysPath(info: Stats, kind: 'file' | 'directory', uid: number | undefined): string | undefined {
  const mode = (info.mode & 0o7777).toString(8).padStart(4, '0');
  if (uid !== undefined && info.uid !== uid && info.uid !== 0) return `it is owned by another user (uid ${info.uid})`;
  const sticky = kind === 'directory' && (info.mode & 0o1000) !== 0;
  if ((info.mode & 0o022) !== 0 && !sticky) return `others can write to it (mode ${mode})`;
  return undefined;
}

/**
 * The keys of a keys file. Checked before it is read, on the open file itself: a regular file (a FIFO is
 * opened without blocking and refused, /dev/zero refused), owned by the user or root and writable by nobody
 * else, in directories nobody else can write to (see unsafeKeysPath); then at most `maxBytes` are read,
 * whatever the file says its size is. What the file holds is never repeated in a message.
 */
export async function readKeysFile(path: string, maxBytes = DEFAULT_MAX_BYTES): Promise<string[]> {
  const source = `keys file ${path}`;
  const refuse = (why: string, fix: string, cause?: unknown) =>
    new PairbarError(
      'KEYS_INVALID',
      `Pairbar will not use the ${source}: ${why}.`,
      `${fix} No share was started.`,
      cause === undefined ? undefined : { cause },
    );
  const uid = process.getuid?.();
  let text: string;
  try {
    // The real path, so the directories checked are the ones the file is really in.
    const real = await realpath(path);
    for (let dir = dirname(real); ; dir = dirname(dir)) {
      const problem = unsafeKeysPath(await stat(dir), 'directory', uid);
      if (problem)
        throw refuse(
          `its folder ${dir}: ${problem}`,
          `Keep the keys in a folder only you can write to (chmod go-w ${shellWord(dir)}).`,
        );
      if (dirname(dir) === dir) break;
    }
    const handle = await open(real, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
    try {
      const info = await handle.stat();
      if (!info.isFile())
        throw refuse(
          'it is not a regular file',
          'Name a file of public keys, one per line, like ~/.ssh/authorized_keys.',
        );
      const problem = unsafeKeysPath(info, 'file', uid);
      if (problem)
        throw refuse(
          problem,
          `Make it yours and writable by you alone (chmod go-w ${shellWord(real)}), then check the keys in it.`,
        );
      // Read up to one byte past the limit: a file that grows while it is read is still caught.
      const buffer = Buffer.alloc(maxBytes + 1);
      let length = 0;
      for (;;) {
        const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
        if (bytesRead === 0) break;
        length += bytesRead;
        if (length > maxBytes)
          throw errors.keysInvalid(source, `it is more than the ${maxBytes} bytes a list of keys needs`);
      }
      text = buffer.subarray(0, length).toString('utf8');
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (isPairbarError(error)) throw error;
    const code = (error as { code?: unknown }).code;
    throw refuse(
      code === 'ENOENT'
        ? 'there is no such file'
        : code === 'EACCES'
          ? 'permission denied'
          : `it cannot be read (${typeof code === 'string' ? code : 'unknown error'})`,
      'Check the path (a file of public keys, one per line, like ~/.ssh/authorized_keys), then share again.',
      error,
    );
  }
  return parseKeyList(text, source);
}

/** All sources at once; any failure fails the lot (the first source's failure, in the order given). */
export async function collectKeys(sources: readonly KeySource[], options: FetchKeysOptions): Promise<CollectedKeys> {
  const results = await Promise.allSettled(
    sources.map((source) =>
      source.kind === 'file'
        ? readKeysFile(source.path, options.maxBytes)
        : fetchForgeKeys(source.kind, source.user, options),
    ),
  );
  const seen = new Set<string>();
  const keys: string[] = [];
  const allowed: AllowedSource[] = [];
  for (const [index, result] of results.entries()) {
    if (result.status === 'rejected') throw result.reason;
    const source = sources[index];
    if (!source) continue;
    allowed.push({ source: formatKeySource(source), keys: result.value.length });
    for (const key of result.value) {
      // Compare by the key itself: the same key listed by two sources is one key.
      if (seen.has(key)) continue;
      seen.add(key);
      keys.push(key);
    }
  }
  return { keys, allowed };
}

/** Writes the keys file of a share (in its own directory), readable by the user only. */
export async function writeAuthorizedKeys(path: string, keys: readonly string[]): Promise<void> {
  // 'w' with mode 0600 only applies the mode on creation; a leftover file gets chmod too.
  const handle = await open(path, 'w', 0o600);
  try {
    await handle.writeFile(keys.map((key) => `${key}\n`).join(''));
  } finally {
    await handle.close();
  }
  await chmod(path, 0o600);
}

/** The keys a share was started with, read back from its file (for new links, which keep them). */
export async function readAuthorizedKeys(path: string): Promise<string[]> {
  return parseKeyList(await readFile(path, 'utf8'), `keys file ${path}`);
}
