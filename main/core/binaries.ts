/**
 * Finds the tmux and tmate programs and reports their versions.
 *
 * Pairbar is often started from a GUI (Finder, the Dock, a Linux desktop launcher), where PATH is the bare
 * `/usr/bin:/bin:/usr/sbin:/sbin` and Homebrew/MacPorts/Nix programs are invisible. So the search is, in order:
 *
 *   1. the path set in the preferences (tmux.path / tmate.path) — if set, it must be right: no silent fallback;
 *   2. the PATH of the environment we were given;
 *   3. the PATH the user's login shell sets up (login-shell.ts; asked only when 1–2 found nothing, once per process);
 *   4. a list of well-known install directories.
 *
 * Successful results are cached per (name, preferred path), so sharing does not re-spawn `tmux -V` each time.
 * `augmentedPath()` turns what was found into a PATH for later spawns (so tmate's shell finds tmux too).
 *
 * This module must not import electron: the CLI uses it too.
 */
import { constants as fsConstants, promises as fsp } from 'node:fs';
import path from 'node:path';
import { errors, installCommand, PairbarError } from './errors.ts';
import { run } from './process.ts';
import { fileIdentity, type KnownVersions } from './known-versions.ts';
import { absolutePathDirs, isExecutableFile } from './programs.ts';
import {
  DEFAULT_LOGIN_SHELL_TIMEOUT_MS,
  expandHome,
  hasControllingTerminal,
  homeDir,
  loginShellPath,
} from './login-shell.ts';

export { loginShellPath } from './login-shell.ts';

export type BinaryName = 'tmux' | 'tmate';

export interface BinaryInfo {
  name: BinaryName;
  /** Absolute path as found (a symlink such as /opt/homebrew/bin/tmux is kept, not resolved). */
  path: string;
  /** The version part of `<path> -V`, e.g. `3.3a` or `2.4.0`. */
  version: string;
  source: 'preference' | 'PATH' | 'login-shell' | 'known-dir';
}

export interface FindOptions {
  /** From preferences (tmux.path / tmate.path); '' or undefined = none. A leading `~/` is expanded. */
  preferredPath?: string;
  /** Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Default process.platform; used for the install command in error messages. */
  platform?: NodeJS.Platform;
  /** Time limit for the login shell. Default 3000. */
  loginShellTimeoutMs?: number;
  /** Default: {@link defaultKnownDirs}. */
  knownDirs?: string[];
  /**
   * Whether the login shell may also be run interactively (`-l -i`, which reads ~/.zshrc / ~/.bashrc) when the
   * non-interactive login shell's PATH lacks the binary. Default: only when this process has no controlling
   * terminal (an interactive shell would otherwise take over the terminal's foreground, stopping us).
   */
  interactiveLoginShell?: boolean;
  /** Versions read by earlier processes (known-versions.ts): a program unchanged since is not run again. */
  knownVersions?: KnownVersions;
}

/** Homebrew (Apple silicon, Intel), MacPorts, the system directories, Snap, Linuxbrew and Nix. */
export const DEFAULT_KNOWN_DIRS: readonly string[] = [
  '/opt/homebrew/bin',
  '/usr/local/bin',
  '/opt/local/bin',
  '/usr/bin',
  '/bin',
  '/usr/sbin',
  '/snap/bin',
  '/home/linuxbrew/.linuxbrew/bin',
  '/run/current-system/sw/bin',
  '/nix/var/nix/profiles/default/bin',
];

/** {@link DEFAULT_KNOWN_DIRS} plus the per-user Nix profile (needs HOME). */
export function defaultKnownDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  const dirs = [...DEFAULT_KNOWN_DIRS];
  const home = homeDir(env);
  if (home) dirs.push(path.join(home, '.nix-profile', 'bin'));
  return dirs;
}

const VERSION_TIMEOUT_MS = 5000;

// ---------------------------------------------------------------------------------------------- caches

/** In-flight and settled lookups, per (name, preferred path). Failed lookups are removed. */
const lookups = new Map<string, Promise<BinaryInfo>>();
/** Successful lookups, for augmentedPath() (which must be synchronous). */
const found = new Map<string, BinaryInfo>();
let loginShellPathOnce: Promise<string | undefined> | undefined;
let interactiveShellPathOnce: Promise<string | undefined> | undefined;

/** Forgets every cached binary and the cached login-shell PATHs. */
export function clearBinaryCache(): void {
  lookups.clear();
  found.clear();
  loginShellPathOnce = undefined;
  interactiveShellPathOnce = undefined;
}

// ---------------------------------------------------------------------------------------------- lookup

/** Finds one binary; throws the PairbarError (TMUX_MISSING / TMATE_MISSING) when it cannot. */
export async function findBinary(name: BinaryName, options: FindOptions = {}): Promise<BinaryInfo> {
  const preferred = options.preferredPath?.trim() ?? '';
  const key = `${name}\0${preferred}`;
  const cached = lookups.get(key);
  if (cached) {
    const info = await cached;
    // A cheap check (no spawn) that the program was not uninstalled or moved since.
    if (await isExecutableFile(info.path)) return { ...info };
    if (lookups.get(key) === cached) {
      lookups.delete(key);
      found.delete(key);
    }
  }
  const lookup = locate(name, preferred, options);
  lookups.set(key, lookup);
  try {
    const info = await lookup;
    if (lookups.get(key) === lookup) found.set(key, info);
    return { ...info };
  } catch (error) {
    if (lookups.get(key) === lookup) lookups.delete(key);
    throw error;
  }
}

/**
 * A tmux.path or tmate.path value checked before it is saved: the program must be there and answer `-V` as
 * that program (perl, a shell, a tmate given for tmux are refused at once, with what to do), rather than
 * being accepted and failing at the next share. Empty means "look it up" and is always fine.
 */
export async function checkPreferredPath(
  name: BinaryName,
  value: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  if (value.trim() !== '') await findBinary(name, { env, preferredPath: value });
}

/** Finds both; if both fail, the tmux error is the one thrown. */
export async function findBinaries(
  options: { tmuxPath?: string; tmatePath?: string } & Omit<FindOptions, 'preferredPath'> = {},
): Promise<{ tmux: BinaryInfo; tmate: BinaryInfo }> {
  const { tmuxPath, tmatePath, ...rest } = options;
  const [tmux, tmate] = await Promise.allSettled([
    findBinary('tmux', { ...rest, preferredPath: tmuxPath }),
    findBinary('tmate', { ...rest, preferredPath: tmatePath }),
  ]);
  if (tmux.status === 'rejected') throw tmux.reason;
  if (tmate.status === 'rejected') throw tmate.reason;
  return { tmux: tmux.value, tmate: tmate.value };
}

/**
 * `env`'s PATH with the directories of every binary found so far put in front of it (those not already in
 * it), so that processes Pairbar starts — and the shells tmate starts — find the same tmux and tmate.
 */
export function augmentedPath(env: NodeJS.ProcessEnv = process.env): string {
  const current = absolutePathDirs(env.PATH);
  const extra: string[] = [];
  for (const info of found.values()) {
    const dir = path.dirname(info.path);
    if (!current.includes(dir) && !extra.includes(dir)) extra.push(dir);
  }
  return [...extra, ...current].join(path.delimiter);
}

/**
 * The binary found, refused when it is a tmate too old for Pairbar. Refused here, inside the lookup, so a
 * refusal is never cached: after an upgrade, checking again finds the new one.
 */
async function locate(name: BinaryName, preferred: string, options: FindOptions): Promise<BinaryInfo> {
  const info = await search(name, preferred, options);
  if (name === 'tmate' && tmateTooOld(info.version))
    throw errors.tmateTooOld(info.version, info.path, options.platform);
  return info;
}

/** The oldest tmate Pairbar runs: 2.4. A version without numbers (a development build) is let through. */
export function tmateTooOld(version: string): boolean {
  const number = majorMinor(version);
  return number !== undefined && !atLeast(number, [2, 4]);
}

/** `3.3a` → [3, 3]; `next-3.4` → [3, 4]; undefined when no major.minor can be read. */
export function majorMinor(version: string): [number, number] | undefined {
  const match = /(\d+)\.(\d+)/.exec(version);
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

export function atLeast([major, minor]: [number, number], [wantMajor, wantMinor]: [number, number]): boolean {
  return major > wantMajor || (major === wantMajor && minor >= wantMinor);
}

async function search(name: BinaryName, preferred: string, options: FindOptions): Promise<BinaryInfo> {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  if (preferred) return fromPreference(name, preferred, env, platform, options.knownVersions);

  const tried = new Set<string>();
  const broken: string[] = [];
  const searched: string[] = [];
  const tryDirs = async (dirs: readonly string[], source: BinaryInfo['source']): Promise<BinaryInfo | undefined> => {
    // Only absolute directories (programs.ts says why): a relative known or login-shell entry is skipped too.
    for (const dir of dirs) {
      if (!path.isAbsolute(dir)) continue;
      const candidate = path.join(dir, name);
      if (tried.has(candidate)) continue;
      tried.add(candidate);
      if (!(await isExecutableFile(candidate))) continue;
      const probe = await probeVersion(name, candidate, env, options.knownVersions);
      if ('version' in probe) return { name, path: candidate, version: probe.version, source };
      broken.push(`${candidate} (\`-V\` ${probe.error})`);
    }
    return undefined;
  };

  const envPath = absolutePathDirs(env.PATH);
  searched.push(`PATH=${envPath.join(path.delimiter)}`);
  const onPath = await tryDirs(envPath, 'PATH');
  if (onPath) return onPath;

  const timeoutMs = options.loginShellTimeoutMs ?? DEFAULT_LOGIN_SHELL_TIMEOUT_MS;
  loginShellPathOnce ??= loginShellPath({ env, timeoutMs });
  const loginPath = await loginShellPathOnce;
  searched.push(
    loginPath === undefined ? 'login shell (no PATH: failed or timed out)' : `login shell PATH=${loginPath}`,
  );
  if (loginPath !== undefined) {
    const viaLogin = await tryDirs(absolutePathDirs(loginPath), 'login-shell');
    if (viaLogin) return viaLogin;
    // PATH set in ~/.zshrc or ~/.bashrc is only seen by an interactive shell. Only worth it (and only safe)
    // when the login shell itself worked and we have no terminal for the interactive shell to take over.
    if (options.interactiveLoginShell ?? !hasControllingTerminal()) {
      interactiveShellPathOnce ??= loginShellPath({ env, timeoutMs, interactive: true });
      const interactivePath = await interactiveShellPathOnce;
      if (interactivePath !== undefined) {
        searched.push(`interactive login shell PATH=${interactivePath}`);
        const viaInteractive = await tryDirs(absolutePathDirs(interactivePath), 'login-shell');
        if (viaInteractive) return viaInteractive;
      }
    }
  }

  const knownDirs = options.knownDirs ?? defaultKnownDirs(env);
  searched.push(`known directories ${knownDirs.join(', ')}`);
  const inKnownDir = await tryDirs(knownDirs, 'known-dir');
  if (inKnownDir) return inKnownDir;

  const base = missing(name, platform);
  const message = broken.length > 0 ? `${base.message} Found ${broken.join('; ')}, but it does not run.` : base.message;
  throw new PairbarError(base.code, message, base.fix, { cause: new Error(`Searched: ${searched.join('; ')}`) });
}

async function fromPreference(
  name: BinaryName,
  raw: string,
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform,
  known?: KnownVersions,
): Promise<BinaryInfo> {
  const file = expandHome(raw, env);
  const bad = (reason: string, cause?: unknown) => preferenceError(name, raw, reason, platform, cause);
  if (!path.isAbsolute(file)) throw bad('is not an absolute path');
  let stats;
  try {
    stats = await fsp.stat(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw bad(
      code === 'ENOENT' || code === 'ENOTDIR' ? 'does not exist' : `cannot be read (${code ?? String(error)})`,
      error,
    );
  }
  if (!stats.isFile())
    throw bad(stats.isDirectory() ? `is a directory, not the ${name} program` : 'is not a regular file');
  try {
    await fsp.access(file, fsConstants.X_OK);
  } catch (error) {
    throw bad('is not executable', error);
  }
  const probe = await probeVersion(name, file, env, known);
  if ('error' in probe)
    throw bad(probe.runs ? `is not ${name}: \`-V\` ${probe.error}` : `does not run as ${name} (\`-V\` ${probe.error})`);
  return { name, path: file, version: probe.version, source: 'preference' };
}

function missing(name: BinaryName, platform: NodeJS.Platform): PairbarError {
  return name === 'tmux' ? errors.tmuxMissing(platform) : errors.tmateMissing(platform);
}

function preferenceError(
  name: BinaryName,
  raw: string,
  reason: string,
  platform: NodeJS.Platform,
  cause?: unknown,
): PairbarError {
  const base = missing(name, platform);
  return new PairbarError(
    base.code,
    `The configured ${name} path ${JSON.stringify(raw)} ${reason}.`,
    `Correct it with \`pairbar config set ${name}.path /path/to/${name}\` (in a terminal, \`command -v ${name}\` prints the path), ` +
      `or clear that setting so Pairbar looks for ${name} itself. If ${name} is not installed: ${installCommand(name, platform)}`,
    cause === undefined ? undefined : { cause },
  );
}

/**
 * Runs `<file> -V` and takes the version from `tmux 3.3a` / `tmate 2.4.0`, refusing any other program; or
 * takes the version `known` holds for this very file, unchanged since it was read.
 */
async function probeVersion(
  name: BinaryName,
  file: string,
  env: NodeJS.ProcessEnv,
  known?: KnownVersions,
): Promise<{ version: string } | { error: string; runs: boolean }> {
  const key = `${name}\0${file}`;
  const identity = known ? await fsp.stat(file).then(fileIdentity, () => undefined) : undefined;
  const remembered = identity === undefined ? undefined : await known?.get(key, identity);
  if (remembered !== undefined && parseVersion(name, file, `${name} ${remembered}`) === remembered)
    return { version: remembered };
  const probed = await readVersion(name, file, env);
  if (identity !== undefined && 'version' in probed) await known?.set(key, identity, probed.version);
  return probed;
}

async function readVersion(
  name: BinaryName,
  file: string,
  env: NodeJS.ProcessEnv,
): Promise<{ version: string } | { error: string; runs: boolean }> {
  let output: string;
  try {
    const result = await run(file, ['-V'], { env, timeoutMs: VERSION_TIMEOUT_MS });
    output = result.stdout.trim() || result.stderr.trim();
  } catch (error) {
    return { error: `failed: ${error instanceof Error ? error.message : String(error)}`, runs: false };
  }
  const version = parseVersion(name, file, output);
  if (version !== undefined) return { version };
  const example = name === 'tmux' ? 'tmux 3.3a' : 'tmate 2.4.0';
  return {
    error: `printed ${JSON.stringify(output.slice(0, 200))}, not ${name}'s version line (like "${example}")`,
    runs: true,
  };
}

/**
 * The version numbers each program has used: tmux `1.8` … `3.3a`, `3.4-rc`, `next-3.5` (built from git),
 * `openbsd-7.4` (OpenBSD's base system); tmate always three parts, `2.4.0`. They never overlap, so a tmux
 * passed off as tmate (or the reverse) is refused too.
 */
const VERSION_SYNTAX: Record<BinaryName, RegExp> = {
  tmux: /^(?:next-|openbsd-)?\d+\.\d+[a-z]?(?:-rc\d*)?$/,
  tmate: /^\d+\.\d+\.\d+(?:-rc\d*)?$/,
};

/**
 * The version from the first line `-V` printed, only if that line is exactly the program's own: the name it
 * was run as (tmux and tmate print the base name of their argv[0]) or its real name, a space, and a version
 * in its syntax. Anything else that prints a digit (perl, python) is not it. Undefined otherwise.
 */
export function parseVersion(name: BinaryName, file: string, output: string): string | undefined {
  const line = output
    .split('\n')
    .find((l) => l.trim() !== '')
    ?.trim();
  const match = line === undefined ? null : /^(\S+) (\S+)$/.exec(line);
  if (!match) return undefined;
  const [, program = '', version = ''] = match;
  if (program !== name && program !== path.basename(file)) return undefined;
  return VERSION_SYNTAX[name].test(version) ? version : undefined;
}
