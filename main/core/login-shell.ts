/**
 * What the user's own environment says, for finding programs from an app started by a GUI: the PATH the
 * login shell sets up (binaries.ts asks it only when the given PATH found nothing), whether this process has
 * a terminal, and the home directory a `~` in a preference stands for.
 */
import { closeSync, constants as fsConstants, openSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { killGroup, start } from './process.ts';
import { randomHex } from './random.ts';

export const DEFAULT_LOGIN_SHELL_TIMEOUT_MS = 3000;
/** After killing a timed-out shell, how long to wait for its output pipes to close before abandoning them. */
const KILL_GRACE_MS = 250;

/**
 * The PATH the user's login shell ($SHELL, else the account's shell, else /bin/sh) sets up: runs it with
 * `-l -c` (`-l -i -c` when `interactive`), printing PATH between markers made up at random for this call, so
 * banners and rc-file noise on either side are ignored (and so is the exit status, once the markers printed).
 * Undefined if the shell fails, prints no markers, or outlives `timeoutMs` (default 3000) — it is then killed.
 *
 * Not cached: findBinary() caches its own use of it.
 */
export async function loginShellPath(
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number; interactive?: boolean } = {},
): Promise<string | undefined> {
  const env = options.env ?? process.env;
  const timeoutMs = options.timeoutMs ?? DEFAULT_LOGIN_SHELL_TIMEOUT_MS;
  const shell = userShell(env);
  const nonce = await randomHex(8);
  // The markers are assembled by printf, so their full text appears only in the output — never in the
  // command itself, which a shell with `set -x`/`verbose` in its rc files might echo.
  const begin = `PAIRBAR-${nonce}-BEGIN=`;
  const end = `=PAIRBAR-${nonce}-END`;
  // Single-quoted format and `"$PATH"` work in sh, bash, zsh, fish (which joins its PATH list with ':') and csh.
  const command = `printf '\\n%s%s%s%s%s\\n' 'PAIRBAR-' '${nonce}-BEGIN=' "$PATH" '=PAIRBAR-' '${nonce}-END'`;
  const args = options.interactive ? ['-l', '-i', '-c', command] : ['-l', '-c', command];

  let child: Awaited<ReturnType<typeof start>>['child'];
  try {
    // In a group of its own: what its rc files start in the background dies with it at the time limit.
    ({ child } = await start(shell, args, { env, group: true }));
  } catch {
    return undefined;
  }
  // Our own timer, not run()'s timeoutMs: that sends SIGTERM, which interactive shells ignore (execa's
  // SIGKILL follows only 5 s later), and run() drops the output of a shell that exits non-zero.
  let release: NodeJS.Timeout | undefined;
  const timer = setTimeout(() => {
    killGroup(child);
    // Something the shell started may still hold its stdout open; stop waiting for it.
    release = setTimeout(() => {
      child.stdout?.destroy();
      child.stderr?.destroy();
    }, KILL_GRACE_MS);
  }, timeoutMs);
  let stdout: string;
  try {
    const result = await child;
    stdout = typeof result.stdout === 'string' ? result.stdout : String(result.stdout ?? '');
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
    if (release) clearTimeout(release);
  }
  return parseMarked(stdout, begin, end);
}

function parseMarked(output: string, begin: string, end: string): string | undefined {
  const from = output.indexOf(begin);
  if (from < 0) return undefined;
  const to = output.indexOf(end, from + begin.length);
  if (to < 0) return undefined;
  const value = output.slice(from + begin.length, to);
  return value.trim() === '' ? undefined : value;
}

function userShell(env: NodeJS.ProcessEnv): string {
  if (env.SHELL && path.isAbsolute(env.SHELL)) return env.SHELL;
  try {
    const shell = os.userInfo().shell;
    if (shell && path.isAbsolute(shell)) return shell;
  } catch {
    // No passwd entry: fall through.
  }
  return '/bin/sh';
}

/** True when this process has a controlling terminal (opening /dev/tty succeeds). */
export function hasControllingTerminal(): boolean {
  if (process.platform === 'win32') return false;
  try {
    closeSync(openSync('/dev/tty', fsConstants.O_RDONLY | fsConstants.O_NOCTTY | fsConstants.O_NONBLOCK));
    return true;
  } catch {
    return false;
  }
}

export function homeDir(env: NodeJS.ProcessEnv): string | undefined {
  if (env.HOME && path.isAbsolute(env.HOME)) return env.HOME;
  try {
    return os.homedir() || undefined;
  } catch {
    return undefined;
  }
}

export function expandHome(file: string, env: NodeJS.ProcessEnv): string {
  if (file !== '~' && !file.startsWith('~/')) return file;
  const home = homeDir(env);
  return home ? path.join(home, file.slice(1)) : file;
}
