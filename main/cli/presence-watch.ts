/**
 * `pairbar __presence SHARE_DIR TMATE TMUX` (internal): a share's presence watcher, started detached with
 * the share (core/shares/watch.ts) and ending with its tmate. It writes who is in to the share's
 * presence.log (core/presence.ts), and acts on it where no other process may be there to: with `pair.size
 * follow` it lifts tmux's ignore-size from tmate's client while someone is in (so the user's window takes
 * the pair's size then, never before anyone joins), and it ends a share set to end once nobody is in.
 */
import { readFile } from 'node:fs/promises';
import {
  emptyDeadline,
  foldPresence,
  initialPresence,
  parsePresenceLine,
  watchPresence,
  type Presence,
} from '../core/presence.ts';
import { withoutTmux } from '../core/process.ts';
import { readRecord } from '../core/shares/record.ts';
import { shareFiles } from '../core/tmate.ts';
import { setIgnoreSize } from '../core/tmux.ts';
import type { CommandContext } from './context.ts';
import { UsageError } from './usage-error.ts';
import { withRuntime } from './common.ts';

export async function run({ args, io }: CommandContext): Promise<number> {
  const [dir, tmate, tmux] = args;
  if (dir === undefined || tmate === undefined || tmux === undefined)
    throw new UsageError('__presence needs a share directory, tmate and tmux');
  const files = shareFiles(dir);
  const record = await readRecord(files);
  if (!record) throw new UsageError(`no share in ${dir}`);
  const env = withoutTmux(io.env);
  // What an earlier watcher of this share saw (the app restarted, this one was started again).
  let presence: Presence = initialPresence(record.startedAt);
  for (const line of (await readFile(files.presence, 'utf8').catch(() => '')).split('\n')) {
    const event = parsePresenceLine(line);
    if (event) presence = foldPresence(presence, event);
  }

  let timer: NodeJS.Timeout | undefined;
  let ending = false;
  const endIfStillEmpty = async (): Promise<void> => {
    if (ending) return;
    ending = true;
    // Ended exactly as `pairbar stop` ends it, by the same code.
    await withRuntime(io, async (runtime) => {
      await runtime.shares.adopt();
      await runtime.shares.stop(record.id).catch(() => undefined);
    });
  };
  const schedule = (): void => {
    clearTimeout(timer);
    const at = emptyDeadline(presence, record.endWhenEmptyMs);
    if (at !== null) timer = setTimeout(() => void endIfStillEmpty(), Math.max(0, at - Date.now()));
  };
  schedule();

  const pane = record.panePid;
  let sizing = Promise.resolve();
  await watchPresence({
    tmate,
    env,
    socket: files.socket,
    log: files.presence,
    onEvent: (event) => {
      const before = presence;
      presence = foldPresence(presence, event);
      if (before.present !== presence.present) {
        schedule();
        if (record.size === 'follow' && pane !== undefined) {
          const ignore = !presence.present;
          sizing = sizing.then(() =>
            setIgnoreSize({ tmux, env }, record.socket, pane, ignore).then(
              () => undefined,
              () => undefined,
            ),
          );
        }
      }
    },
  });
  clearTimeout(timer);
  await sizing;
  return 0;
}
