/**
 * The one way Pairbar finds a program it runs by name (tmux and tmate through binaries.ts, ssh-keyscan,
 * the clipboard tools, anything added later): only absolute PATH entries count, and the program is then
 * run by the absolute path found, never by its bare name.
 *
 * An empty or relative PATH entry ('', '.', 'bin') means "relative to the directory the process runs in":
 * whatever someone planted there would run as the user, and would be handed links, or get to answer for
 * a server's host key. The same goes for the PATH handed to child processes (tmate's pane runs a shell),
 * so safeEnvPath() takes those entries out there too.
 */
import { constants as fsConstants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { delimiter, isAbsolute, join } from 'node:path';

/** The absolute entries of a PATH value, in order, each once. */
export function absolutePathDirs(value: string | undefined): string[] {
  const dirs: string[] = [];
  for (const dir of (value ?? '').split(delimiter)) {
    if (isAbsolute(dir) && !dirs.includes(dir)) dirs.push(dir);
  }
  return dirs;
}

/** A PATH value with only its absolute entries: what Pairbar's child processes get. */
export function safeEnvPath(value: string | undefined): string {
  return absolutePathDirs(value).join(delimiter);
}

/** A regular file (after following symlinks) with an execute bit we may use. */
export async function isExecutableFile(file: string): Promise<boolean> {
  try {
    await access(file, fsConstants.X_OK);
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

/**
 * The absolute path of `name` in the first absolute entry of `env.PATH` that holds it as an executable
 * file, else in `fallbackDirs` (for an app started with a bare PATH); undefined when none does.
 */
export async function findProgram(
  name: string,
  env: NodeJS.ProcessEnv,
  fallbackDirs: readonly string[] = [],
): Promise<string | undefined> {
  if (name.includes('/')) throw new Error(`findProgram takes a bare program name, not ${JSON.stringify(name)}`);
  for (const dir of [...absolutePathDirs(env.PATH), ...fallbackDirs.filter((dir) => isAbsolute(dir))]) {
    const candidate = join(dir, name);
    if (await isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}
