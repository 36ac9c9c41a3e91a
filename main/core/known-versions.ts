/**
 * The versions `tmux -V` and `tmate -V` printed, kept in a file of Pairbar's cache directory so the next
 * `pairbar` process need not spawn them again: two spawns were most of what `pairbar status` cost. An entry
 * holds only while the program is the same file: its device, inode, size, modification and change times.
 * Replacing or editing the program changes them (the change time cannot be set back by anyone but root),
 * so the next lookup runs `-V` again and no other program is ever taken for tmux on the file's word.
 *
 * The file is believed only where nobody else could have written it: in Pairbar's cache directory, held to
 * the runtime directory's rule (this user's, no access for others: dirs.ts), a regular file of this user's
 * that nobody else may write.
 * Otherwise, or when it cannot be read, every version is read again with `-V`, which is always right.
 */
import type { Stats } from 'node:fs';
import { lstat, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { checkDir, ensureDir, RUNTIME_DIR } from './dirs.ts';

/** What binaries.ts asks of a store of known versions. */
export interface KnownVersions {
  get(key: string, identity: string): Promise<string | undefined>;
  set(key: string, identity: string, version: string): Promise<void>;
}

/** The file's identity as known-versions compares it: changes whenever the file is replaced or written. */
export function fileIdentity(info: Stats): string {
  return [info.dev, info.ino, info.size, info.mtimeMs, info.ctimeMs].join(':');
}

const FILE = 'versions.json';
/** Enough for tmux and tmate from a few places (preferences tried and changed back); the newest are kept. */
const MAX_ENTRIES = 16;

interface Entry {
  identity: string;
  version: string;
}

function parseEntries(text: string): Map<string, Entry> {
  const entries = new Map<string, Entry>();
  let stored: unknown;
  try {
    stored = JSON.parse(text);
  } catch {
    return entries;
  }
  if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) return entries;
  for (const [key, value] of Object.entries(stored)) {
    const { identity, version } = (value ?? {}) as Partial<Entry>;
    if (typeof identity === 'string' && typeof version === 'string') entries.set(key, { identity, version });
  }
  return entries;
}

/** Whether `file` is one only this user could have written: a regular file of theirs, writable by nobody else. */
export function writtenOnlyByMe(info: Stats): boolean {
  const uid = process.getuid?.();
  return info.isFile() && (uid === undefined || info.uid === uid) && (info.mode & 0o022) === 0;
}

/** Known versions in `dir` (a private directory of Pairbar's), read once per process and written back on each new one. */
export function knownVersionsIn(dir: string): KnownVersions {
  const path = join(dir, FILE);
  let loaded: Promise<Map<string, Entry>> | undefined;
  // Writes one after another: tmux and tmate are looked up at once, and two writers would race for the file.
  let writing: Promise<void> = Promise.resolve();
  const load = async (): Promise<Map<string, Entry>> => {
    try {
      if (!(await checkDir(dir, RUNTIME_DIR))) return new Map();
      if (!writtenOnlyByMe(await lstat(path))) return new Map();
      return parseEntries(await readFile(path, 'utf8'));
    } catch {
      // Missing, unsafe or unreadable: nothing is known, and every version is read again.
      return new Map();
    }
  };
  const save = async (entries: Map<string, Entry>): Promise<void> => {
    const temporary = `${path}.${process.pid}.tmp`;
    try {
      await ensureDir(dir, RUNTIME_DIR);
      await writeFile(temporary, JSON.stringify(Object.fromEntries(entries)) + '\n', { mode: 0o600, flag: 'wx' });
      await rename(temporary, path);
    } catch {
      // Not written (an unsafe directory, a full disk, a stale file of a process with this pid in the way): the
      // next process reads the version again, which costs a spawn and nothing else.
      await rm(temporary, { force: true }).catch(() => undefined);
    }
  };
  return {
    async get(key, identity) {
      const entry = (await (loaded ??= load())).get(key);
      return entry?.identity === identity ? entry.version : undefined;
    },
    async set(key, identity, version) {
      const entries = await (loaded ??= load());
      entries.delete(key);
      entries.set(key, { identity, version });
      while (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value!);
      writing = writing.then(() => save(entries));
      await writing;
    },
  };
}

/**
 * Where the versions are kept: Pairbar's cache directory (PAIRBAR_CACHE_DIR, else $XDG_CACHE_HOME/pairbar,
 * else ~/Library/Caches/pairbar on macOS and ~/.cache/pairbar elsewhere), held to the runtime directory's
 * rule (this user's, no access for others). Not the runtime directory: that one holds the shares alone.
 */
export function defaultCacheDir(env: NodeJS.ProcessEnv): string {
  if (env.PAIRBAR_CACHE_DIR) return env.PAIRBAR_CACHE_DIR;
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'pairbar');
  const home = env.HOME || homedir();
  return process.platform === 'darwin' ? join(home, 'Library', 'Caches', 'pairbar') : join(home, '.cache', 'pairbar');
}
