/**
 * Where the shares are recorded: the runtime directory, one directory per share named by its id. Apart from
 * shares.ts so that `pairbar status` can see there is nothing to adopt without loading the share machinery.
 */
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkDirSync, ensureDir, RUNTIME_DIR } from './dirs.ts';

/** PAIRBAR_RUNTIME_DIR, else $XDG_RUNTIME_DIR/pairbar, else a per-user directory in the temp dir. */
export function defaultRuntimeDir(env: NodeJS.ProcessEnv): string {
  if (env.PAIRBAR_RUNTIME_DIR) return env.PAIRBAR_RUNTIME_DIR;
  if (env.XDG_RUNTIME_DIR) return join(env.XDG_RUNTIME_DIR, 'pairbar');
  return join(tmpdir(), `pairbar-${process.getuid?.() ?? 'user'}`);
}

/** Creates the runtime directory private to this user, and refuses one that someone else could get into. */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await ensureDir(dir, RUNTIME_DIR);
}

const SHARE_ID = /^[0-9a-f]{8}$/;

export function isShareId(value: unknown): value is string {
  return typeof value === 'string' && SHARE_ID.test(value);
}

/**
 * Whether the runtime directory holds any share's directory (alive, starting or dead: adoption tells them
 * apart). Refused as adoption refuses it when someone else could get into the directory; a directory not
 * made yet holds nothing. Synchronous, for the command's first question (see checkDirSync).
 */
export function anyShareRecorded(dir: string): boolean {
  if (!checkDirSync(dir, RUNTIME_DIR)) return false;
  return readdirSync(dir).some(isShareId);
}
