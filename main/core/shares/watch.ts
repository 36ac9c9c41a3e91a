/**
 * A share's presence watcher seen from the registry: started once the share is ready (and again for an
 * adopted share whose watcher is gone), and what it writes to presence.log folded into the share, replayed
 * on adoption and followed live with fs.watch like tmate.log (core/presence.ts has the watcher itself).
 */
import { existsSync } from 'node:fs';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { LogFollower } from '../log-follower.ts';
import { foldPresence, parsePresenceLine, type Presence, type PresenceEvent } from '../presence.ts';
import { spawnDetached } from '../process.ts';
import { pidAlive } from '../tmate.ts';
import type { WatcherLaunch } from './model.ts';
import type { Live } from './record.ts';

/** Starts the share's watcher, detached (it outlives this process and ends with the share's tmate). */
export async function startWatcher(
  launch: WatcherLaunch,
  live: Live,
  binaries: { tmate: string; tmux: string },
  env: NodeJS.ProcessEnv,
): Promise<void> {
  const { files } = live;
  // There from the start, so followers can watch it before the watcher writes its first line.
  await writeFile(files.presence, '', { flag: 'a', mode: 0o600 });
  const args = [...launch.args, '__presence', files.dir, binaries.tmate, binaries.tmux];
  const detached = await spawnDetached(launch.command, args, {
    env: { ...env, ...launch.env },
    logFile: files.watcherLog,
    cwd: files.dir,
  });
  live.watcherPid = detached.pid;
  // Said now, not only by the watcher once Node has started: a process adopting the share in between would
  // find no watcher, start a second, and that one's client attaching at 80x24 reads to the first as a pair.
  const watching: PresenceEvent = { at: Date.now(), kind: 'watching', pid: detached.pid };
  await appendFile(files.presence, JSON.stringify(watching) + '\n');
}

/** Whether `pid` is the watcher of the share in `dir` (not a recycled pid). */
export async function isWatcherOf(pid: number | undefined, dir: string): Promise<boolean> {
  if (pid === undefined || !pidAlive(pid)) return false;
  try {
    return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').includes(dir);
  } catch {
    // No /proc (macOS): a live pid that wrote 'watching' for this share is the evidence there is.
    return true;
  }
}

/** Folds presence.log into the share from the start; returns the offset read up to and the last watcher's pid. */
export async function replayPresence(live: Live): Promise<number> {
  const text = await readFile(live.files.presence, 'utf8').catch(() => '');
  const end = text.lastIndexOf('\n') + 1;
  for (const line of text.slice(0, end).split('\n')) applyPresenceLine(live, line);
  return Buffer.byteLength(text.slice(0, end));
}

/** One line of presence.log into the share; returns the presence before, when it changed. */
function applyPresenceLine(live: Live, line: string): Presence | undefined {
  const event = parsePresenceLine(line);
  const before = live.share.presence;
  if (!event || !before) return undefined;
  if (event.kind === 'watching') live.watcherPid = event.pid;
  const after = foldPresence(before, event);
  if (JSON.stringify(after) === JSON.stringify(before)) return undefined;
  live.share.presence = after;
  return before;
}

/** Follows presence.log from `offset`; `changed` gets the presence before each change. */
export function followPresence(live: Live, offset: number, changed: (before: Presence) => void): void {
  const follower = new LogFollower(live.files.presence, offset);
  live.presenceFollower = follower;
  follower.on('line', (line) => {
    const before = applyPresenceLine(live, line);
    if (before) changed(before);
  });
  // A share adopted from a process that could not start a watcher has no presence.log: nothing to follow.
  if (existsSync(live.files.presence)) follower.start();
}

/**
 * Resolves once the share's watcher has exited (it does so by itself within moments of tmate's end), so a
 * stopped share leaves no process behind; gives up after a few seconds, the watcher then being no longer ours.
 */
export async function watcherGone(live: Live): Promise<void> {
  for (let waited = 0, step = 10; waited < 5_000; waited += step, step = Math.min(step * 2, 200)) {
    if (!(await isWatcherOf(live.watcherPid, live.files.dir))) return;
    await new Promise((resolve) => setTimeout(resolve, step));
  }
}
