/**
 * Stop during Start, asked from another process (`pairbar stop work` while the app or another command is
 * still waiting for the links). A start belongs to the process running it: that process holds tmate's exit,
 * the time limit and the one teardown (start.ts), so no other process can end it safely by itself. It asks
 * instead: a file in the share's directory, which the starting process watches while it starts; the start
 * then ends exactly as Stop during Start in its own process does (tmate, view, directory and a blank session
 * gone, its caller told it was stopped), and the asking process waits for the directory to go.
 */
import { existsSync, watch, type FSWatcher } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { isShareId } from '../runtime-dir.ts';
import { pidAlive, shareFiles, type ShareFiles, type TmateEnv } from '../tmate.ts';
import type { TmuxEnv } from '../tmux.ts';
import { endOrphan, readRecord } from './record.ts';

/** The request's file name, in the share's directory (which only its user can enter: the runtime dir is 0700). */
export const STOP_REQUEST = 'stop-requested';

/** Watches a starting share's directory; `stop` is called at the first sight of a request (also one made before). */
export function watchStopRequest(dir: string, stop: () => void): FSWatcher {
  const watcher = watch(dir, { persistent: false }, (_event, name) => {
    if (name === STOP_REQUEST) stop();
  });
  watcher.on('error', () => watcher.close());
  if (existsSync(join(dir, STOP_REQUEST))) stop();
  return watcher;
}

/**
 * Asks the start in `files.dir` to stop, and waits: 'gone' once its directory is removed (the start tore
 * itself down), 'ready' when it became ready first (an ordinary share now, for the caller to stop), 'late'
 * when neither happened within `limitMs` (the starting process is stuck).
 */
export async function requestStop(files: ShareFiles, limitMs: number): Promise<'gone' | 'ready' | 'late'> {
  await writeFile(join(files.dir, STOP_REQUEST), `${process.pid}\n`, { mode: 0o600 }).catch(() => undefined);
  return new Promise((resolve) => {
    const watchers: FSWatcher[] = [];
    let done = false;
    const finish = (how: 'gone' | 'ready' | 'late') => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      for (const watcher of watchers) watcher.close();
      resolve(how);
    };
    const check = async () => {
      if (!existsSync(files.dir)) return finish('gone');
      const record = await readRecord(files);
      if (record && record.readyLogOffset !== null) finish('ready');
    };
    const timer = setTimeout(() => finish('late'), limitMs);
    // The runtime directory tells of the share's directory going; the share's own, of its record changing.
    for (const [dir, only] of [
      [dirname(files.dir), basename(files.dir)],
      [files.dir, undefined],
    ] as const) {
      try {
        const watcher = watch(dir, { persistent: false }, (_event, name) => {
          if (only === undefined || name === only) void check();
        });
        watcher.on('error', () => watcher.close());
        watchers.push(watcher);
      } catch {
        // The share's directory is already gone: check() says so.
      }
    }
    void check();
  });
}

/** How long a start asked to stop may take to tear itself down: a kill and a directory removal, in practice well under a second. */
const STOP_LIMIT_MS = 15_000;

/** Which starts to stop: by the session's name (on this tmux server, where given); no name: every start. */
export interface StartsToStop {
  session?: string;
  socket?: string;
  /** Starts this process runs itself, which it stops its own way. */
  known: (id: string) => boolean;
  env: () => Promise<{ tmux: TmuxEnv; tmate: TmateEnv }>;
}

/**
 * Asks every start under way in another process that matches to stop, and waits for each. Returns how
 * many ended, and the ids of those that became ready first (ordinary shares now, for the caller to adopt
 * and stop). A start whose process does not answer within the limit is ended as an orphan would be.
 */
export async function stopStartsElsewhere(
  runtimeDir: string,
  which: StartsToStop,
): Promise<{ stopped: number; ready: string[] }> {
  const result = { stopped: 0, ready: [] as string[] };
  for (const id of await readdir(runtimeDir).catch(() => [])) {
    if (!isShareId(id) || which.known(id)) continue;
    const files = shareFiles(join(runtimeDir, id));
    const record = await readRecord(files);
    // Only a start (no links yet) whose process lives: a ready share is stopped as any share, an orphan by adoption.
    if (!record || record.readyLogOffset !== null || record.owner === undefined || !pidAlive(record.owner)) continue;
    if (
      which.session !== undefined &&
      (record.session !== which.session || (which.socket !== undefined && record.socket !== which.socket))
    )
      continue;
    const how = await requestStop(files, STOP_LIMIT_MS);
    if (how === 'ready') {
      result.ready.push(id);
      continue;
    }
    if (how === 'late') await endOrphan(record, files, await which.env());
    result.stopped++;
  }
  return result;
}
