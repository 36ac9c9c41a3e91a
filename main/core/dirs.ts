/**
 * Directories Pairbar talks through or writes into, checked before each use the way tmux checks its own
 * socket directory: a real directory (not a link), owned by this user, with no access for other users.
 * Someone who can write there can plant a tmux server that would be listed and shared as the user's own,
 * or read the links a share writes (the keys to the user's shell).
 */
import { chmodSync, lstatSync, mkdirSync, type Stats } from 'node:fs';
import { lstat, mkdir } from 'node:fs/promises';
import { errors } from './errors.ts';

export interface DirRule {
  /** How the error names the directory. */
  what: string;
  /** Permission bits that make the directory unsafe. */
  forbidden: number;
  /** The variable that moves it somewhere else, for the fix. */
  env: string;
}

/**
 * tmux's own rule (tmux 3.3a refuses `o` bits and another owner, and accepts group access), so Pairbar never
 * uses a socket directory the user's plain `tmux` would refuse, nor refuses one it accepts.
 */
export const TMUX_SOCKET_DIR: DirRule = { what: 'tmux socket directory', forbidden: 0o007, env: 'TMUX_TMPDIR' };

/** Pairbar's own: it holds the links, so not even the group may look. */
export const RUNTIME_DIR: DirRule = { what: 'Pairbar runtime directory', forbidden: 0o077, env: 'PAIRBAR_RUNTIME_DIR' };

/** False when `dir` does not exist; throws UNSAFE_DIRECTORY when it breaks the rule; true when it is safe. */
export async function checkDir(dir: string, rule: DirRule): Promise<boolean> {
  let info;
  try {
    info = await lstat(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  return checked(dir, info, rule);
}

/**
 * checkDir without waiting: for a command that asks one question and exits (`pairbar status`), where the
 * first asynchronous file call would start libuv's thread pool for it alone.
 */
export function checkDirSync(dir: string, rule: DirRule): boolean {
  let info;
  try {
    info = lstatSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  return checked(dir, info, rule);
}

/** The rule applied to what lstat said of `dir`: true, or UNSAFE_DIRECTORY thrown. */
function checked(dir: string, info: Stats, rule: DirRule): true {
  if (!info.isDirectory()) throw errors.unsafeDirectory(rule.what, dir, 'not-a-directory', info.mode, rule.env);
  const uid = process.getuid?.();
  if (uid !== undefined && info.uid !== uid)
    throw errors.unsafeDirectory(rule.what, dir, 'other-owner', info.mode, rule.env);
  if ((info.mode & rule.forbidden) !== 0)
    throw errors.unsafeDirectory(rule.what, dir, 'open-to-others', info.mode, rule.env);
  return true;
}

/** Makes `dir` (mode 0700) if it is missing, then checks it: one that already existed is used only if safe. */
export async function ensureDir(dir: string, rule: DirRule): Promise<void> {
  // Checked first: it is there nearly always, and one lstat costs less than mkdir's own walk up the path.
  if (await checkDir(dir, rule)) return;
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    // Something that is not a directory is in the way: checkDir says so in the user's terms.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EEXIST' && code !== 'ENOTDIR') throw error;
  }
  await checkDir(dir, rule);
}

/**
 * A folder of the user's own files (the preferences): made 0700 when missing, tightened to 0700 when it is the
 * user's and open to others (made so by an earlier version, or by a umask), and `file` in it tightened to
 * 0600 the same way. Synchronous: the stores that write there open synchronously. Best effort on a folder
 * that cannot be changed (read-only): the write that follows says what is wrong with it.
 */
export function makePrivateSync(dir: string, file?: string): void {
  const uid = process.getuid?.();
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch {
    return;
  }
  for (const [path, mode] of [[dir, 0o700], ...(file ? [[file, 0o600] as const] : [])] as const) {
    try {
      const info = lstatSync(path);
      if ((uid === undefined || info.uid === uid) && (info.mode & 0o077) !== 0 && !info.isSymbolicLink())
        chmodSync(path, mode);
    } catch {
      // Missing (the file before its first write) or not ours to change.
    }
  }
}
