/**
 * `pairbar events [SESSION] [--socket PATH] [--json]`: what happens to a share, one line each as it happens
 * (someone joined, left, their size, new links, the end), until the share ends or Ctrl-C. For a tmux status
 * line or a shell prompt: with --json each line is one JSON object, the first one the state now.
 */
import { presenceOf, presenceText } from '../core/share-rules.ts';
import { clockTime } from '../core/duration.ts';
import type { Share } from '../core/shares.ts';
import type { CommandContext } from './context.ts';
import { chooseShare, socketOption, withRuntime } from './common.ts';

/** One event line's JSON: what happened, when, and who is in after it (by the one presence rule). */
export function eventJson(event: string, share: Share, at = Date.now()): Record<string, unknown> {
  const { present, since, clients, pairSize } = presenceOf(share);
  return {
    event,
    at: new Date(at).toISOString(),
    session: share.session,
    id: share.id,
    present,
    presentSince: present && since !== null ? new Date(since).toISOString() : null,
    clients,
    pairSize,
  };
}

/** What changed between two states of a share's presence, as the events name it. */
export function presenceEvent(
  before: { present: boolean; size: { cols: number; rows: number } | null },
  share: Share,
): 'joined' | 'left' | 'size' {
  const now = presenceOf(share);
  if (!before.present && now.present) return 'joined';
  if (before.present && !now.present) return 'left';
  return 'size';
}

export function run({ args, values, io }: CommandContext): Promise<number> {
  return withRuntime(io, async (runtime) => {
    const { shares } = runtime;
    const share = chooseShare(runtime, await shares.adopt(), args[0], await socketOption(io, values.socket));
    const say = (event: string, current: Share, extra: Record<string, unknown> = {}): void => {
      if (values.json) io.stdout(JSON.stringify({ ...eventJson(event, current), ...extra }) + '\n');
      else
        io.stdout(
          `${clockTime(Date.now())} ${event.padEnd(7)} ${JSON.stringify(current.session)}: ${presenceText(current, clockTime) ?? "who is in can't be known here"}\n`,
        );
    };
    say('state', shares.get(share.id) ?? share);
    const mine = (other: Share) => other.id === share.id;
    shares.on('presence', (current, before) => {
      // A server that counts announces joins and leaves itself ('pair'): said once, from there.
      if (mine(current) && current.clients === null) say(presenceEvent(before, current), current);
    });
    shares.on('pair', (current, event) => {
      if (mine(current)) say(event.kind, current);
    });
    shares.on('links', (current) => {
      if (mine(current)) say('links', current, { links: current.links });
    });
    await new Promise<void>((resolve) => {
      let over = false;
      // The share's logs are followed without keeping a process alive (fs.watch, not persistent): this does.
      const alive = setInterval(() => undefined, 2 ** 30);
      const stop = (): void => {
        over = true;
        clearInterval(alive);
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve();
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      shares.on('ended', (current, error) => {
        if (!mine(current) || over) return;
        say('ended', current, error ? { error } : {});
        stop();
      });
      // Stopped by a path that tells no 'ended' (this very process, or its record found gone): give the
      // 'ended' that may still be on its way a moment, then say it anyway.
      void shares.untilEnded(share.id).then(() =>
        setTimeout(() => {
          if (over) return;
          say('ended', shares.get(share.id) ?? share);
          stop();
        }, 3_000),
      );
    });
    return 0;
  });
}
